"""Address lists that gain the whole internet while a rule admits them (addresslists.py): each risky change with a
benign look-alike that stays likely safe."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.helpers import review_rules_alone, worst_by_rule
from tfreview.labels import Label
from tfreview.pipeline.findings import Severity

RULE = "address-list-world"
OLD = [{"cidr": "198.51.100.16/28"}]
WORLD = [*OLD, {"cidr": "0.0.0.0/0", "description": "temp vendor access"}]


def entry(address: str, before: Any, after: Any) -> dict[str, Any]:
    """One resource change by an invented provider."""
    kind, name = address.split(".")
    actions = ["create"] if before is None else ["update"]
    return {"address": address, "mode": "managed", "type": kind, "name": name,
            "provider_name": "registry.terraform.io/acme/acme",
            "change": {"actions": actions, "before": before, "after": after, "after_unknown": {},
                       "after_sensitive": {}}}


def judged(tmp_path: Path, entries: Any, rule_after: dict[str, Any]) -> tuple[Label, dict[str, Severity]]:
    changes = [entry("nimbus_address_group.admins", {"id": "ag-admins01", "entries": OLD},
                     {"id": "ag-admins01", "entries": entries}),
               entry("nimbus_firewall_rule.ssh", None, {"source_group": "ag-admins01", **rule_after})]
    result = review_rules_alone(tmp_path, changes)
    return result.label, worst_by_rule(result)


def test_list_gaining_the_internet_while_an_ssh_rule_admits_it_is_high(tmp_path: Path) -> None:
    label, worst = judged(tmp_path, WORLD, {"from_port": 22, "to_port": 22, "protocol": "tcp", "action": "allow"})
    assert label is Label.NEEDS_CLOSE_REVIEW and worst.get(RULE) is Severity.HIGH


def test_list_gaining_an_office_range_stays_safe(tmp_path: Path) -> None:
    label, worst = judged(tmp_path, [*OLD, {"cidr": "203.0.113.32/29"}],
                          {"from_port": 22, "to_port": 22, "protocol": "tcp", "action": "allow"})
    assert RULE not in worst and label is Label.LIKELY_SAFE


def test_world_list_used_by_a_block_rule_is_not_an_opening(tmp_path: Path) -> None:
    _label, worst = judged(tmp_path, WORLD, {"from_port": 22, "to_port": 22, "protocol": "tcp", "action": "deny"})
    assert RULE not in worst


def test_world_list_admitted_only_to_https_is_not_this_rule(tmp_path: Path) -> None:
    _label, worst = judged(tmp_path, WORLD, {"from_port": 443, "to_port": 443, "protocol": "tcp"})
    assert RULE not in worst


def alone(tmp_path: Path, kind: str, before: Any, after: Any) -> tuple[Label, dict[str, Severity]]:
    result = review_rules_alone(tmp_path, [entry(kind, before, after)])
    return result.label, worst_by_rule(result)


def test_existing_list_gaining_the_internet_with_no_rule_in_the_plan_is_high(tmp_path: Path) -> None:
    for kind, key in (("aws_ec2_managed_prefix_list.vpn", "entry"), ("nimbus_ip_set.partners", "addresses"),
                      ("orbit_address_group.ops", "members")):
        label, worst = alone(tmp_path, kind, {"id": "list-000123", "name": "ops", key: OLD},
                             {"id": "list-000123", "name": "ops", key: WORLD})
        assert label is Label.NEEDS_CLOSE_REVIEW and worst.get(RULE) is Severity.HIGH, kind


def test_existing_list_gaining_a_partner_range_with_no_rule_stays_safe(tmp_path: Path) -> None:
    label, worst = alone(tmp_path, "aws_ec2_managed_prefix_list.vpn", {"id": "pl-000123", "entry": OLD},
                         {"id": "pl-000123", "entry": [*OLD, {"cidr": "203.0.113.32/29"}]})
    assert RULE not in worst and label is Label.LIKELY_SAFE


def test_block_list_or_new_unreferenced_list_holding_the_internet_is_not_reported(tmp_path: Path) -> None:
    _label, worst = alone(tmp_path, "nimbus_ip_set.blocked", {"id": "ips-000123", "name": "geo-blocklist",
                          "addresses": OLD}, {"id": "ips-000123", "name": "geo-blocklist", "addresses": WORLD})
    assert RULE not in worst
    _label, worst = alone(tmp_path, "nimbus_ip_set.any", None, {"id": None, "name": "any", "addresses": WORLD})
    assert RULE not in worst


def test_list_gaining_the_internet_in_halves_or_public_blocks_is_high(tmp_path: Path) -> None:
    ssh = {"from_port": 22, "to_port": 22, "protocol": "tcp", "action": "allow"}
    for added in (["0.0.0.0/1", "128.0.0.0/1"], ["1.0.0.0/8", "2.0.0.0/7", "4.0.0.0/6"], ["::/1", "8000::/1"]):
        _, worst = judged(tmp_path, [*OLD, *({"cidr": c} for c in added)], ssh)
        assert worst.get(RULE) is Severity.HIGH, added


def test_list_gaining_private_space_stays_safe(tmp_path: Path) -> None:
    label, worst = judged(tmp_path, [*OLD, {"cidr": "10.0.0.0/8"}, {"cidr": "172.16.0.0/12"}],
                          {"from_port": 22, "to_port": 22, "protocol": "tcp", "action": "allow"})
    assert RULE not in worst and label is Label.LIKELY_SAFE
