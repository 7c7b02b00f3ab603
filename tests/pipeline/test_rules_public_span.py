"""Red-team forms of "the whole internet" that stay under half of the address space: several /8s of public IPv4,
all global IPv6 unicast, a START-END range written as one item; each with an allow-list look-alike that names
parties (or private space only) and stays quiet. Providers are invented where the shape allows."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.helpers import review_rules_alone, worst_by_rule
from tfreview.pipeline.findings import Severity
from tfreview.pipeline.rules.publicspan import public_span, spanned, too_wide

RULE = "network-open-ingress"


def _firewall(sources: Any, key: str = "source_ranges") -> dict[str, Any]:
    return {"address": "skyfort_firewall_rule.admin", "mode": "managed", "type": "skyfort_firewall_rule",
            "name": "admin", "provider_name": "registry.example.com/skyfort/skyfort",
            "change": {"actions": ["create"], "before": None,
                       "after": {"name": "admin", "action": "allow", key: sources, "port": 22},
                       "after_unknown": {}, "before_sensitive": {}, "after_sensitive": {}}}


def _aws(v4: list[str], v6: list[str]) -> dict[str, Any]:
    return {"address": "aws_security_group_rule.ssh", "mode": "managed", "type": "aws_security_group_rule",
            "name": "ssh", "provider_name": "registry.terraform.io/hashicorp/aws",
            "change": {"actions": ["create"], "before": None,
                       "after": {"type": "ingress", "from_port": 22, "to_port": 22, "protocol": "tcp",
                                 "cidr_blocks": v4, "ipv6_cidr_blocks": v6, "security_group_id": "sg-1"},
                       "after_unknown": {}, "before_sensitive": {}, "after_sensitive": {}}}


def judge(tmp_path: Path, change: dict[str, Any]) -> Severity | None:
    return worst_by_rule(review_rules_alone(tmp_path, [change])).get(RULE)


@pytest.mark.parametrize("change", [
    _aws(["1.0.0.0/8", "2.0.0.0/7", "4.0.0.0/6"], []),
    _aws([], ["2000::/3"]),
    _firewall(["64.0.0.0/3", "96.0.0.0/4"]),
    _firewall("0.0.0.0-255.255.255.255"),
    _firewall(["11.0.0.0-126.255.255.255"]),
], ids=["public-v4-slash8s", "global-v6-unicast", "invented-public-blocks", "dash-whole", "dash-public-half"])
def test_ranges_spanning_the_public_internet_are_high(tmp_path: Path, change: dict[str, Any]) -> None:
    assert judge(tmp_path, change) is Severity.HIGH


@pytest.mark.parametrize("change", [
    _aws(["203.0.113.0/24", "198.51.100.0/24", "81.2.69.0/24"], ["2001:db8::/32"]),
    _aws(["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10"], ["fd00::/8"]),
    _firewall("203.0.113.0-203.0.113.255"),
    _firewall(["52.94.0.0/16", "3.5.140.0/22"]),
], ids=["named-partners", "private-space", "dash-one-partner", "one-vendors-blocks"])
def test_allow_lists_and_private_space_stay_quiet(tmp_path: Path, change: dict[str, Any]) -> None:
    assert judge(tmp_path, change) is None


def test_private_ranges_count_nothing_toward_the_public_span() -> None:
    import ipaddress
    assert public_span([ipaddress.IPv4Network("10.0.0.0/8")]) == 0
    assert not too_wide([ipaddress.IPv4Network("17.0.0.0/8")])


def test_a_start_end_pair_spans_its_cidrs_and_rejects_nonsense() -> None:
    assert [str(n) for n in spanned("10.0.0.0", "10.0.1.255")] == ["10.0.0.0/23"]
    assert spanned("web", "01") == [] and spanned("10.0.0.9", "10.0.0.1") == [] and spanned("10.0.0.1", "::1") == []


def _google(**sources: Any) -> dict[str, Any]:
    after = {"name": "admin", "network": "default", "direction": "INGRESS",
             "allow": [{"protocol": "tcp", "ports": ["22"]}], **sources}
    return {"address": "google_compute_firewall.admin", "mode": "managed", "type": "google_compute_firewall",
            "name": "admin", "provider_name": "registry.terraform.io/hashicorp/google",
            "change": {"actions": ["create"], "before": None, "after": after, "after_unknown": {},
                       "before_sensitive": {}, "after_sensitive": {}}}


@pytest.mark.parametrize("sources", [
    {"source_ranges": None, "source_tags": None, "source_service_accounts": None},
    {"source_ranges": [], "source_tags": []},
], ids=["nulls", "empty-lists"])
def test_a_google_ingress_rule_without_any_source_opens_to_everyone(tmp_path: Path, sources: dict[str, Any]) -> None:
    assert judge(tmp_path, _google(**sources)) is Severity.HIGH


@pytest.mark.parametrize("sources", [
    {"source_ranges": None, "source_tags": ["bastion"]},
    {"source_ranges": [], "source_service_accounts": ["jump@p.iam.gserviceaccount.com"]},
    {"source_tags": None},
], ids=["by-tag", "by-service-account", "ranges-known-after-apply"])
def test_a_google_ingress_rule_filtered_by_tag_or_unknown_ranges_is_quiet(tmp_path: Path,
                                                                         sources: dict[str, Any]) -> None:
    assert judge(tmp_path, _google(**sources)) is None


def test_known_world_ranges_with_a_known_list_marker_stay_high(tmp_path: Path) -> None:
    change = _google(source_ranges=["0.0.0.0/0"])
    change["change"]["after_unknown"] = {"source_ranges": [False], "source_tags": []}
    assert judge(tmp_path, change) is Severity.HIGH


def test_no_ranges_while_tags_are_known_only_after_apply_is_quiet(tmp_path: Path) -> None:
    change = _google(source_ranges=None)
    change["change"]["after_unknown"] = {"source_tags": True}
    assert judge(tmp_path, change) is None
