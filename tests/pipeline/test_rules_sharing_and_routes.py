"""Exposure, sharing and reach: allow-list annotations, public link flags, secrets widened to everyone,
broad routes through one machine; each with a benign look-alike that stays likely safe."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.helpers import review_rules_alone, worst_by_rule
from tfreview.pipeline.findings import Severity


def entry(address: str, actions: list[str], before: Any, after: Any, unknown: Any = None) -> dict[str, Any]:
    """One resource_changes entry of `terraform show -json`."""
    kind, name = address.split(".")[-2:]
    return {"address": address, "mode": "managed", "type": kind, "name": name,
            "provider_name": "registry.example.com/acme/acme",
            "change": {"actions": actions, "before": before, "after": after, "after_unknown": unknown or {},
                       "before_sensitive": {}, "after_sensitive": {}}}


def _ingress(annotations: dict[str, str], host: str = "admin.example.org") -> dict[str, Any]:
    return {"metadata": [{"name": "admin", "annotations": annotations}], "spec": [{"rule": [{"host": host}]}]}


RANGE = {"ingress.example/allow-source-range": "10.0.0.0/8, 192.168.40.0/24"}


@pytest.mark.parametrize("after", [_ingress({}), _ingress({"ingress.example/allow-source-range": ""})],
                         ids=["removed", "emptied"])
def test_allowlist_annotation_removed_is_high(tmp_path: Path, after: dict[str, Any]) -> None:
    result = review_rules_alone(tmp_path, [entry("acme_ingress.admin", ["update"], _ingress(RANGE), after)])
    assert worst_by_rule(result).get("allowlist-emptied") == Severity.HIGH
    assert result.label.value == "needs_close_review"


@pytest.mark.parametrize("after", [
    _ingress({"ingress.example/allow-source-range": "10.20.0.0/16"}),
    _ingress({"ingress.example/auth-url": "https://sso.example.org/check"}),
    {**_ingress({}), "spec": [{"ingress_class_name": "nginx-internal", "rule": [{"host": "admin.example.org"}]}]},
    _ingress(RANGE, host="admin2.example.org"),
], ids=["narrowed", "auth-added", "internal-class", "unrelated-change"])
def test_allowlist_annotation_lookalikes_stay_safe(tmp_path: Path, after: dict[str, Any]) -> None:
    before = _ingress(RANGE)
    if "ingress_class_name" in after["spec"][0]:
        before = {**before, "spec": after["spec"]}
    result = review_rules_alone(tmp_path, [entry("acme_ingress.admin", ["update"], before, after)])
    assert "allowlist-emptied" not in worst_by_rule(result)
    assert result.label.value == "likely_safe"


def test_public_link_flag_is_high_and_turning_it_off_is_safe(tmp_path: Path) -> None:
    closed = {"path": "prod/api-key", "public_link_enabled": False, "max_views": 1}
    opened = {**closed, "public_link_enabled": True}
    risky = review_rules_alone(tmp_path, [entry("zeta_secret_share.k", ["update"], closed, opened)])
    assert worst_by_rule(risky).get("public-access") == Severity.HIGH
    benign = review_rules_alone(tmp_path, [entry("zeta_secret_share.k", ["update"], opened, closed)])
    assert benign.label.value == "likely_safe"


@pytest.mark.parametrize(("kind", "before", "after", "risky"), [
    ("zeta_org_secret", "selected", "all", True),
    ("zeta_project_credential", "private", "public", True),
    ("zeta_org_secret", "all", "selected", False),
    ("zeta_org_variable", "selected", "all", False),
], ids=["secret-to-all", "credential-to-public", "secret-narrowed", "plain-variable-widened"])
def test_secret_visibility_widened(tmp_path: Path, kind: str, before: str, after: str, risky: bool) -> None:
    change = entry(f"{kind}.deploy", ["update"], {"name": "DEPLOY", "visibility": before},
                   {"name": "DEPLOY", "visibility": after})
    result = review_rules_alone(tmp_path, [change])
    assert ("secrets-shared" in worst_by_rule(result)) is risky
    assert result.label.value == ("needs_close_review" if risky else "likely_safe")


VM = entry("zeta_instance.box", ["create"], None, {"name": "box", "ip_forward": True}, {"id": True})


@pytest.mark.parametrize(("route", "unknown"), [
    ({"name": "r", "dest_range": "0.0.0.0/0", "priority": 100}, {"next_hop_instance": True}),
    ({"name": "r", "destination_cidr_block": "::/0", "network_interface_id": "eni-1"}, {}),
    ({"name": "rt", "route": [{"cidr_block": "0.0.0.0/0", "instance_id": "i-1"}]}, {}),
    ({"name": "r", "address_prefix": "0.0.0.0/0", "next_hop_type": "VirtualAppliance",
      "next_hop_in_ip_address": "10.0.0.4"}, {}),
], ids=["default-via-new-vm", "ipv6-default-via-interface", "route-table-block", "azure-default-via-appliance"])
def test_broad_route_via_one_machine_is_high(tmp_path: Path, route: dict[str, Any], unknown: Any) -> None:
    result = review_rules_alone(tmp_path, [VM, entry("zeta_route.r", ["create"], None, route, unknown)])
    assert worst_by_rule(result).get("route-via-host") == Severity.HIGH


@pytest.mark.parametrize(("actions", "before", "after"), [
    (["create"], None, {"name": "r", "dest_range": "0.0.0.0/0", "next_hop_gateway": "default-internet-gateway"}),
    (["create"], None, {"name": "r", "dest_range": "10.8.0.0/24", "next_hop_ip": "10.0.0.4"}),
    (["update"], {"name": "r", "dest_range": "0.0.0.0/0", "next_hop_ip": "10.0.0.4", "priority": 10},
     {"name": "r", "dest_range": "0.0.0.0/0", "next_hop_ip": "10.0.0.4", "priority": 20}),
    # aws_route to a NAT gateway the plan creates: the provider fills instance_id/network_interface_id after apply
    (["create"], None, {"route_table_id": "rtb-1", "destination_cidr_block": "0.0.0.0/0", "gateway_id": None}),
    (["create"], None, {"name": "r", "address_prefix": "0.0.0.0/0", "next_hop_type": "Internet"}),
], ids=["default-via-internet-gateway", "narrow-via-appliance", "existing-route-unrelated-change",
        "default-via-new-nat-gateway", "azure-default-to-internet"])
def test_route_lookalikes_stay_safe(tmp_path: Path, actions: list[str], before: Any, after: Any) -> None:
    unknown = {"nat_gateway_id": True, "instance_id": True, "network_interface_id": True} \
        if after.get("route_table_id") else {}
    result = review_rules_alone(tmp_path, [entry("zeta_route.r", actions, before, after, unknown)])
    assert "route-via-host" not in worst_by_rule(result)
    assert result.label.value == "likely_safe"


SHARE = {"path": "prod/payments/live-secret-key", "expires_at": "2027-01-31T00:00:00Z", "max_views": 1}


@pytest.mark.parametrize("after", [{**SHARE, "expires_at": None}, {**SHARE, "max_views": 0}],
                         ids=["expiry-removed", "views-unlimited"])
def test_share_limits_lifted_is_high(tmp_path: Path, after: dict[str, Any]) -> None:
    result = review_rules_alone(tmp_path, [entry("zeta_vault_share.k", ["update"], SHARE, after)])
    assert worst_by_rule(result).get("secrets-shared") == Severity.HIGH


@pytest.mark.parametrize(("address", "after"), [
    ("zeta_vault_share.k", {**SHARE, "expires_at": "2027-02-28T00:00:00Z", "max_views": 3}),
    ("zeta_doc_share.k", {"path": "team/handbook.pdf", "expires_at": None, "max_views": 1}),
], ids=["expiry-moved-limit-raised", "non-secret-share"])
def test_share_limit_lookalikes_stay_safe(tmp_path: Path, address: str, after: dict[str, Any]) -> None:
    before = SHARE if "payments" in str(after.get("path")) else {**after, "expires_at": "2027-01-31T00:00:00Z"}
    result = review_rules_alone(tmp_path, [entry(address, ["update"], before, after)])
    assert "secrets-shared" not in worst_by_rule(result)
    assert result.label.value == "likely_safe"


def test_a_gateway_given_by_address_is_one_machine(tmp_path: Path) -> None:
    """hcloud_network_route's `gateway` is an IP: a default route through it goes through one machine."""
    route = {"network_id": 7, "destination": "0.0.0.0/0", "gateway": "10.0.9.9"}
    result = review_rules_alone(tmp_path, [entry("zeta_network_route.vendor", ["create"], None, route)])
    assert worst_by_rule(result).get("route-via-host") == Severity.HIGH
    named = {**route, "gateway": "igw-0a1b2c"}
    result = review_rules_alone(tmp_path, [entry("zeta_network_route.vendor", ["create"], None, named)])
    assert "route-via-host" not in worst_by_rule(result)


@pytest.mark.parametrize(("before", "after"), [
    ({"name": "default", "address_prefix": "0.0.0.0/0", "next_hop_type": "VirtualAppliance",
      "next_hop_in_ip_address": "10.0.0.4"},
     {"name": "default", "address_prefix": "0.0.0.0/0", "next_hop_type": "Internet", "next_hop_in_ip_address": None}),
    ({"route_table_id": "rtb-1", "destination_cidr_block": "0.0.0.0/0", "network_interface_id": "eni-fw"},
     {"route_table_id": "rtb-1", "destination_cidr_block": "0.0.0.0/0", "gateway_id": "igw-1",
      "network_interface_id": None}),
], ids=["azure-appliance-to-internet", "aws-firewall-eni-to-igw"])
def test_default_route_taken_off_its_firewall_is_high(tmp_path: Path, before: dict[str, Any],
                                                       after: dict[str, Any]) -> None:
    result = review_rules_alone(tmp_path, [entry("zeta_route.default", ["update"], before, after)])
    assert worst_by_rule(result).get("route-bypass") == Severity.HIGH


@pytest.mark.parametrize(("before", "after"), [
    ({"route_table_id": "rtb-1", "destination_cidr_block": "0.0.0.0/0", "gateway_id": "igw-1"},
     {"route_table_id": "rtb-1", "destination_cidr_block": "0.0.0.0/0", "gateway_id": "igw-2"}),
    ({"name": "r", "address_prefix": "10.8.0.0/24", "next_hop_type": "VirtualAppliance",
      "next_hop_in_ip_address": "10.0.0.4"},
     {"name": "r", "address_prefix": "10.8.0.0/24", "next_hop_type": "VnetLocal", "next_hop_in_ip_address": None}),
    ({"name": "default", "address_prefix": "0.0.0.0/0", "next_hop_type": "Internet"},
     {"name": "default", "address_prefix": "0.0.0.0/0", "next_hop_type": "VirtualAppliance",
      "next_hop_in_ip_address": "10.0.0.4"}),
], ids=["gateway-to-gateway", "narrow-route-off-appliance", "default-route-put-behind-firewall"])
def test_other_route_moves_are_not_a_bypass(tmp_path: Path, before: dict[str, Any], after: dict[str, Any]) -> None:
    result = review_rules_alone(tmp_path, [entry("zeta_route.default", ["update"], before, after)])
    assert "route-bypass" not in worst_by_rule(result)
