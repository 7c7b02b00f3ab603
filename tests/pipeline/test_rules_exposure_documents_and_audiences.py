"""Exposure by meaning on providers nobody listed: ACL documents held as JSON text, wildcard members of a source
list, allow-lists on route-named types, whole blocks known only after apply resolved through variables; each with
a benign look-alike that stays likely safe."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import review_rules_alone, worst_by_rule
from tfreview.pipeline.findings import Severity

OPEN = "network-open-ingress"


def entry(address: str, actions: list[str], before: Any, after: Any, unknown: Any = None) -> dict[str, Any]:
    """One resource_changes entry of `terraform show -json`."""
    kind, name = address.split(".")[-2:]
    return {"address": address, "mode": "managed", "type": kind, "name": name,
            "provider_name": "registry.example.com/acme/acme",
            "change": {"actions": actions, "before": before, "after": after, "after_unknown": unknown or {},
                       "before_sensitive": {}, "after_sensitive": {}}}


def _acl(*rules: dict[str, Any]) -> dict[str, Any]:
    text = json.dumps({"rules": [{"action": "accept", "src": ["team:ops"], "dst": ["role:db:5432"]}, *rules]})
    return {"policy": text.replace("]}", "],\n // added by hand\n}", 1)}  # HuJSON: a comment, a trailing comma


def _review(tmp_path: Path, address: str, before: Any, after: Any) -> Any:
    return review_rules_alone(tmp_path, [entry(address, ["update"], before, after)])


def test_acl_document_accepting_everyone_is_high(tmp_path: Path) -> None:
    result = _review(tmp_path, "quillnet_policy.main", _acl(),
                     _acl({"action": "accept", "src": ["*"], "dst": ["*:*"]}))
    assert worst_by_rule(result).get(OPEN) == Severity.HIGH


@pytest.mark.parametrize("rule", [
    {"action": "deny", "src": ["*"], "dst": ["*:*"]},
    {"action": "accept", "src": ["team:sre"], "dst": ["*:*"]},
], ids=["wildcard-deny", "narrow-source-wildcard-destination"])
def test_acl_document_lookalikes_stay_safe(tmp_path: Path, rule: dict[str, Any]) -> None:
    result = _review(tmp_path, "quillnet_policy.main", _acl(), _acl(rule))
    assert OPEN not in worst_by_rule(result)
    assert result.label.value == "likely_safe"


def _intentions(action: str, name: str = "*") -> dict[str, Any]:
    sources = [{"Name": "orders-api", "Action": "allow"}, {"Name": name, "Action": action}]
    return {"kind": "access-intentions", "name": "ledger-db", "body_json": json.dumps({"Sources": sources})}


def test_wildcard_member_of_a_source_list_allowed_is_high(tmp_path: Path) -> None:
    result = _review(tmp_path, "meshy_config_entry.ledger", _intentions("deny"), _intentions("allow"))
    assert worst_by_rule(result).get(OPEN) == Severity.HIGH


@pytest.mark.parametrize("after", [_intentions("deny", "billing-api"), _intentions("allow", "billing-api")],
                         ids=["another-deny", "named-service-allowed"])
def test_source_list_lookalikes_stay_safe(tmp_path: Path, after: dict[str, Any]) -> None:
    result = _review(tmp_path, "meshy_config_entry.ledger", _intentions("deny"), after)
    assert result.label.value == "likely_safe"


def _route(sources: list[str], destination: str = "svc://admin.internal:8443") -> dict[str, Any]:
    return {"name": "admin", "destination_service": destination, "allowed_sources": sources, "listener": "private"}


def test_route_type_allowing_every_source_is_high(tmp_path: Path) -> None:
    result = _review(tmp_path, "module.mesh.lattice_route.admin", _route(["segment:vpn"]), _route(["*"]))
    assert worst_by_rule(result).get(OPEN) == Severity.HIGH


def test_route_type_lookalikes_stay_safe(tmp_path: Path) -> None:
    narrow = _review(tmp_path, "lattice_route.admin", _route(["segment:vpn"]), _route(["segment:corp"]))
    assert narrow.label.value == "likely_safe"
    default_route = {"destination_cidr": "0.0.0.0/0", "next_hop": "10.0.0.1", "allowed_ips": ["0.0.0.0/0"]}
    tunnel = _review(tmp_path, "wirelink_route.default", {**default_route, "next_hop": "10.0.0.2"}, default_route)
    assert tunnel.label.value == "likely_safe"


def _sg_plan(tmp_path: Path, allowed: list[str]) -> Any:
    after = {"name": "orders-db", "egress": [], "description": "db"}
    block = {"from_port": {"constant_value": 5432}, "to_port": {"constant_value": 5432},
             "protocol": {"constant_value": "tcp"}, "cidr_blocks": {"references": ["var.allowed_cidrs"]}}
    module = {"resources": [{"address": "aws_security_group.db", "mode": "managed", "type": "aws_security_group",
                             "name": "db", "expressions": {"ingress": [block]}}]}
    configuration = {"root_module": {"module_calls": {"db": {"source": "./db", "module": module}}}}
    change = entry("module.db.aws_security_group.db", ["create"], None, after, {"ingress": True, "id": True})
    return review_rules_alone(tmp_path, [change], configuration=configuration,
                              variables={"allowed_cidrs": {"value": allowed}})


def test_unknown_ingress_block_resolved_through_a_variable_is_high(tmp_path: Path) -> None:
    result = _sg_plan(tmp_path, ["0.0.0.0/0"])
    assert worst_by_rule(result).get(OPEN) == Severity.HIGH


def test_unknown_ingress_block_resolved_to_a_host_stays_safe(tmp_path: Path) -> None:
    assert _sg_plan(tmp_path, ["10.42.7.9/32"]).label.value == "likely_safe"


def _entry_plan(tmp_path: Path, deleted: dict[str, Any], kept: dict[str, Any] | None, kind: str) -> Any:
    changes = [entry(f"{kind}.anywhere", ["delete"], deleted, None)]
    if kept is not None:
        changes.append(entry(f"{kind}.vpc", ["create"], None, kept))
    return review_rules_alone(tmp_path, changes)


WORLD = {"project_id": "p-1", "cidr_block": "0.0.0.0/0", "comment": "temporary"}
VPC = {"project_id": "p-1", "cidr_block": "10.20.0.0/16", "comment": "prod vpc"}


@pytest.mark.parametrize("kept", [VPC, None, {**VPC, "project_id": "p-2"}],
                         ids=["beside", "list-emptied", "other-list"])
def test_world_allowlist_entry_deleted_is_medium(tmp_path: Path, kept: dict[str, Any] | None) -> None:
    # Nothing is wider than the whole internet: even a list left empty and open lets in no more than the entry did.
    result = _entry_plan(tmp_path, WORLD, kept, "dbcloud_ip_access_list")
    assert worst_by_rule(result).get("resource-delete") == Severity.MEDIUM
    assert result.label.value == "likely_safe"


@pytest.mark.parametrize("kept", [None, {**VPC, "project_id": "p-2"}], ids=["list-emptied", "other-list"])
def test_world_allowlist_entry_deleted_alone_is_medium(tmp_path: Path, kept: dict[str, Any] | None) -> None:
    # Emptied or not, the list can admit no more than the whole internet the deleted entry admitted.
    result = _entry_plan(tmp_path, WORLD, kept, "dbcloud_ip_access_list")
    assert worst_by_rule(result).get("resource-delete") == Severity.MEDIUM


@pytest.mark.parametrize(("deleted", "kept", "kind"), [
    ({**WORLD, "cidr_block": "203.0.113.0/24"}, None, "dbcloud_ip_access_list"),
    ({**WORLD, "comment": "deny everyone else"}, VPC, "dbcloud_ip_access_list"),
    (WORLD, VPC, "dbcloud_ip_denylist"),
    ({**VPC, "comment": "office"}, None, "dbcloud_ip_access_list"),
], ids=["one-range-list-emptied", "deny-entry", "deny-type", "narrow-entry-list-emptied"])
def test_allowlist_entry_deletes_that_may_widen_stay_high(tmp_path: Path, deleted: dict[str, Any],
                                                         kept: dict[str, Any] | None, kind: str) -> None:
    result = _entry_plan(tmp_path, deleted, kept, kind)
    assert worst_by_rule(result).get("resource-delete") == Severity.HIGH


def _zero_trust(tmp_path: Path, address: str, group: str) -> Any:
    after = {"name": "corp", "address": address, "access_group": [{"group_id": "R3JvdXA6MTE5"}]}
    expressions = {"access_group": [{"group_id": {"references": ["data.veilnet_group.g.id", "data.veilnet_group.g"]}}]}
    configuration = {"root_module": {"resources": [{"address": "veilnet_resource.corp", "mode": "managed",
                                                    "type": "veilnet_resource", "name": "corp",
                                                    "expressions": expressions}]}}
    read = {"address": "data.veilnet_group.g", "mode": "data", "type": "veilnet_group", "name": "g",
            "provider_name": "registry.example.com/acme/veilnet",
            "change": {"actions": ["read"], "before": None, "after": {"name": group}, "after_unknown": {"id": True},
                       "before_sensitive": {}, "after_sensitive": {}}}
    return review_rules_alone(tmp_path, [entry("veilnet_resource.corp", ["create"], None, after), read],
                              configuration=configuration)


def test_private_range_granted_to_everyone_is_high(tmp_path: Path) -> None:
    result = _zero_trust(tmp_path, "10.0.0.0/8", "All Users")
    assert worst_by_rule(result).get("range-to-everyone") == Severity.HIGH


@pytest.mark.parametrize(("address", "group"), [("10.0.0.0/8", "SRE on-call"), ("10.4.8.15/32", "Everyone")],
                         ids=["named-group", "one-host"])
def test_private_range_lookalikes_stay_safe(tmp_path: Path, address: str, group: str) -> None:
    assert _zero_trust(tmp_path, address, group).label.value == "likely_safe"
