"""Controls of clouds a rule-writer rarely lists, read by what their attributes mean (vocabulary.py, exposure.py,
narrowing.py): default policies, mutual-TLS modes, TLS policy names with a version, numeric internet switches,
backup keep counts, privacy modes, HTTP options, allow-any ACL rules, allow-only policies deleted. Each risky
change has a benign look-alike that stays quiet."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.pipeline.test_rules_deletes_by_what_they_lose import gone, worst
from tests.pipeline.test_rules_semantics import change, every_check
from tfreview.pipeline.changes import Action
from tfreview.pipeline.findings import Severity
from tfreview.pipeline.rules import exposure
from tfreview.pipeline.rules.values import tls_version


def highs(resource_type: str, before: dict[str, Any], after: dict[str, Any]) -> set[str]:
    """The rules that report an update of one resource at high severity."""
    return {f.rule for f in every_check(change(resource_type, before, after)) if f.severity is Severity.HIGH}


# (type, attribute, strong value, weak value, rule): any provider's attribute of the same meaning.
WEAKENED = [
    ("acme_slb_listener", "tls_cipher_policy", "tls_cipher_policy_1_2_strict", "tls_cipher_policy_1_0",
     "tls-downgrade"),
    ("zeta_listener", "ssl_negotiation_policy", "tls-1-2-modern", "tls-1-0-legacy", "tls-downgrade"),
    ("acme_clb_listener", "certificate_ssl_mode", "MUTUAL", "UNIDIRECTIONAL", "tls-downgrade"),
    ("zeta_gateway_listener", "client_auth_mode", "two_way", "one_way", "tls-downgrade"),
    ("aws_lb_listener", "mutual_authentication.mode", "verify", "passthrough", "tls-downgrade"),
    ("acme_mysql_instance", "internet_service", 0, 1, "public-access"),
    ("zeta_redis", "wan_switch", "off", "on", "public-access"),
    ("acme_firewall", "inbound_policy", "DROP", "ACCEPT", "public-access"),
    ("acme_instance_security_group", "inbound_default_policy", "drop", "accept", "public-access"),
    ("zeta_network_acl", "default_action", "reject", "permit", "public-access"),
    ("acme_container", "privacy", "private", "public", "public-access"),
    ("acme_container", "http_option", "redirected", "enabled", "tls-downgrade"),
    ("acme_alb_listener", "security_policy_id", "tls_cipher_policy_1_2", "tls_cipher_policy_1_0", "tls-downgrade"),
    ("zeta_lb_listener", "ssl_verify_client", "on", "optional", "tls-downgrade"),
    ("zeta_app", "client_certificate_enabled", True, False, "tls-downgrade"),
    ("zeta_lb", "http_redirect", True, False, "tls-downgrade"),
    ("zeta_db", "wan_status", "Closed", "Open", "public-access"),
    ("zeta_db", "allocate_public_ip", False, True, "public-access"),
    ("zeta_firewall", "default_inbound_action", "deny", "allow", "public-access"),
    ("zeta_db_backup_policy", "backups_to_keep", 7, 0, "backup-reduced"),
    # gates.py
    ("acme_slb_listener", "acl_status", "on", "off", "public-access"),
    ("zeta_autonomous_database", "is_access_control_enabled", True, False, "public-access"),
    ("acme_cache_instance", "whitelist_enable", True, False, "public-access"),
    ("acme_slb_listener", "acl_type", "white", "black", "public-access"),
    ("acme_clb_instance", "network_type", "INTERNAL", "OPEN", "public-access"),
    ("zeta_database", "service_endpoints", "private", "public-and-private", "public-access"),
    ("zeta_cluster", "api_server_public", False, True, "public-access"),
    ("zeta_db", "public_network", "Disabled", "Enabled", "public-access"),
    ("zeta_bucket", "anonymous_access_flags.list", False, True, "public-access"),
    ("zeta_registry", "anonymous_pull", False, True, "public-access"),
    ("acme_redis_instance", "no_auth", False, True, "auth-weakened"),
    ("zeta_cache", "password_free", False, True, "auth-weakened"),
    ("acme_droplet", "backups", True, False, "backup-reduced"),
    ("zeta_rdb_instance", "disable_backup", False, True, "backup-reduced"),
    ("acme_db_instance", "tde_status", "Enabled", "Disabled", "encryption-disabled"),
    ("zeta_instance", "ddos_protection", True, False, "detection-disabled"),
    ("zeta_server", "protection.delete", True, False, "protection-disabled"),
]


@pytest.mark.parametrize(("resource_type", "path", "strong", "weak", "rule"), WEAKENED,
                         ids=[f"{w[0]}.{w[1]}" for w in WEAKENED])
def test_weakened_setting_is_high(resource_type: str, path: str, strong: Any, weak: Any, rule: str) -> None:
    head, _, leaf = path.rpartition(".")
    before, after = ({head: [{leaf: v}]} if head else {leaf: v} for v in (strong, weak))
    assert rule in highs(resource_type, before, after)


@pytest.mark.parametrize(("resource_type", "path", "strong", "weak", "rule"), WEAKENED,
                         ids=[f"{w[0]}.{w[1]}" for w in WEAKENED])
def test_the_same_setting_tightened_is_quiet(resource_type: str, path: str, strong: Any, weak: Any,
                                             rule: str) -> None:
    head, _, leaf = path.rpartition(".")
    before, after = ({head: [{leaf: v}]} if head else {leaf: v} for v in (weak, strong))
    assert not highs(resource_type, before, after)


def test_outbound_default_policy_tightened_or_opened_is_not_inbound_exposure() -> None:
    assert not highs("acme_security_group", {"outbound_default_policy": "accept"}, {"outbound_default_policy": "drop"})
    assert "public-access" not in highs("acme_security_group", {"outbound_default_policy": "drop"},
                                        {"outbound_default_policy": "accept"})


def test_tls_policy_names_carry_their_minimum_version() -> None:
    assert tls_version("tls_cipher_policy_1_2_strict") == 1.2
    assert tls_version("tls_cipher_policy_1_0") == 1.0
    assert tls_version("tls_cipher_policy_1_2_strict_with_1_3") == 1.2
    assert tls_version("TLS-ECDHE-RSA-AES128-GCM-SHA256") is None


def test_certificate_rotated_with_mutual_mode_kept_is_quiet() -> None:
    before = {"certificate_ssl_mode": "MUTUAL", "certificate_id": "old", "certificate_ca_id": "ca"}
    assert not highs("acme_clb_listener", before, {**before, "certificate_id": "renewed"})


@pytest.mark.parametrize(("keep", "kept"), [(14, 0), (7, 0)])
def test_backup_block_keeping_nothing_is_high(keep: int, kept: int) -> None:
    window = {"start_time": "02:00-03:00", "period": "1,2,3,4,5,6,7"}
    before = {"backup_strategy": [{**window, "keep_days": keep}]}
    after = {"backup_strategy": [{**window, "keep_days": kept}]}
    assert "backup-reduced" in highs("acme_rds_instance", before, after)


def test_backup_block_keeping_longer_is_quiet() -> None:
    before = {"backup_strategy": [{"start_time": "02:00-03:00", "keep_days": 14}]}
    after = {"backup_strategy": [{"start_time": "03:00-04:00", "keep_days": 30}]}
    assert not highs("acme_rds_instance", before, after)


def test_backup_block_keeping_fewer_but_some_is_not_high() -> None:
    before = {"snapshot_policy": [{"keep_count": 14}]}
    found = every_check(change("acme_volume", before, {"snapshot_policy": [{"keep_count": 7}]}))
    assert found and all(f.severity is not Severity.HIGH for f in found)


# --- an ACL that is itself the filter --------------------------------------------------------------

HTTPS = {"priority": 100, "direction": "inbound", "action": "allow", "protocol": "tcp", "port_from": 443,
         "port_to": 443, "peer_cidr": "0.0.0.0/0"}


def _acl(*rules: dict[str, Any], default: str = "deny") -> dict[str, Any]:
    return {"name": "edge", "default_action": default, "rule": list(rules)}


def test_allow_any_rule_from_anywhere_on_a_deny_by_default_acl_is_high() -> None:
    anything = {**HTTPS, "priority": 90, "protocol": "any", "port_from": 0, "port_to": 65535}
    found = list(exposure._internet_exposure(change("acme_network_acl", _acl(HTTPS), _acl(HTTPS, anything))))
    assert [(f.severity, "all ports" in f.message) for f in found] == [(Severity.HIGH, True)]


def test_the_same_rule_on_an_acl_that_allows_by_default_is_medium() -> None:
    anything = {**HTTPS, "protocol": "any", "port_from": 0, "port_to": 65535}
    found = list(exposure._internet_exposure(change("acme_network_acl", _acl(HTTPS, default="allow"),
                                                    _acl(HTTPS, anything, default="allow"))))
    assert [f.severity for f in found] == [Severity.MEDIUM]


@pytest.mark.parametrize("added", [
    {**HTTPS, "priority": 80, "action": "deny", "port_from": 22, "port_to": 22},  # an explicit deny
    {**HTTPS, "priority": 80, "port_from": 80, "port_to": 80},  # web ports only
    {**HTTPS, "priority": 80, "direction": "outbound", "port_from": 0, "port_to": 65535},  # egress
])
def test_deny_web_and_egress_rules_open_nothing(added: dict[str, Any]) -> None:
    assert list(exposure._internet_exposure(change("acme_network_acl", _acl(HTTPS), _acl(HTTPS, added)))) == []


def test_peer_of_a_route_is_still_a_destination() -> None:
    route = {"route": [{"peer_cidr": "0.0.0.0/0", "next_hop": "igw-1"}]}
    assert exposure.openings("acme_vpc_route_table", route) == []


def test_port_bounds_of_any_spelling_are_read() -> None:
    rule = {"direction": "in", "source": "0.0.0.0/0", "port_start": 22, "port_end": 22}
    assert [o[2] for o in exposure.openings("acme_firewall_rule", rule)] == ["port 22 (SSH)"]


# --- deleting a policy that only grants ---------------------------------------------------------------

ALLOW_ALL = '{"Version": "1", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}'
WITH_DENY = ('{"Version": "1", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"},'
             ' {"Effect": "Deny", "Action": "oss:DeleteBucket", "Resource": "*"}]}')


@pytest.mark.parametrize("address", ["acme_ram_policy.legacy_admin", "zeta_cam_policy.unused"])
def test_allow_only_policy_deleted_is_medium(tmp_path: Path, address: str) -> None:
    policy = {"policy_name": "legacy", "force": False, "policy_document": ALLOW_ALL}
    assert worst(tmp_path, [gone(address, policy)]) is Severity.MEDIUM


def test_policy_with_a_deny_deleted_stays_high(tmp_path: Path) -> None:
    policy = {"policy_name": "guard", "policy_document": WITH_DENY}
    assert worst(tmp_path, [gone("acme_ram_policy.guard", policy)]) is Severity.HIGH


def test_boundary_policy_deleted_stays_high(tmp_path: Path) -> None:
    policy = {"name": "limit", "policy": ALLOW_ALL}
    assert worst(tmp_path, [gone("acme_permissions_boundary_policy.limit", policy)]) is Severity.HIGH


def test_create_of_a_firewall_with_accepting_default_is_noted() -> None:
    created = change("acme_firewall", None, {"inbound_policy": "ACCEPT"}, Action.CREATE)
    assert [f.severity for f in every_check(created) if f.rule == "public-access"] == [Severity.MEDIUM]


@pytest.mark.parametrize(("resource_type", "path"), [
    ("zeta_db", "disable_public_endpoint"), ("zeta_db", "block_public"), ("zeta_bucket", "anonymous_access.disabled")])
def test_a_switch_that_turns_public_access_off_is_strong_when_on(resource_type: str, path: str) -> None:
    head, _, leaf = path.rpartition(".")
    before, after = ({head: [{leaf: v}]} if head else {leaf: v} for v in (False, True))
    assert "public-access" not in highs(resource_type, before, after)


@pytest.mark.parametrize("attribute", ["outdated_status", "acl_version"])
def test_names_that_only_contain_a_gate_word_are_not_read(attribute: str) -> None:
    assert not highs("zeta_db", {attribute: "Enabled"}, {attribute: "Disabled"})
    assert not highs("zeta_db", {attribute: 1}, {attribute: 2})


def test_cluster_api_disable_public_endpoint_turned_off_is_exposed() -> None:
    assert "cluster-api-exposed" in highs("acme_container_vpc_cluster", {"disable_public_service_endpoint": True},
                                          {"disable_public_service_endpoint": False})
    assert not highs("acme_container_vpc_cluster", {"disable_public_service_endpoint": False},
                     {"disable_public_service_endpoint": True})


# --- rules written as one line of fields ----------------------------------------------------------------

LITE = "acme_security_group_lite_rule"
KEPT = {"ingress": ["ACCEPT#10.0.0.0/8#22#TCP"]}


@pytest.mark.parametrize(("line", "ports"), [("ACCEPT#0.0.0.0/0#3306#TCP", "port 3306 (MySQL)"),
                                             ("allow|::/0|ALL|ALL", "all ports")])
def test_a_one_line_rule_from_anywhere_opens_its_ports(line: str, ports: str) -> None:
    found = list(exposure._internet_exposure(change(LITE, KEPT, {"ingress": [*KEPT["ingress"], line]})))
    assert [(f.severity, ports in f.message) for f in found] == [(Severity.HIGH, True)]


@pytest.mark.parametrize("line", ["DROP#0.0.0.0/0#ALL#ALL", "ACCEPT#0.0.0.0/0#80,443#TCP", "ACCEPT#0.0.0.0/0#ALL#ICMP",
                                  "ACCEPT#10.1.0.0/16#3306#TCP"])
def test_one_line_denies_web_ports_pings_and_private_sources_open_nothing(line: str) -> None:
    assert list(exposure._internet_exposure(change(LITE, KEPT, {"ingress": [*KEPT["ingress"], line]}))) == []


def test_a_one_line_egress_rule_is_not_an_opening() -> None:
    after = {**KEPT, "egress": ["ACCEPT#0.0.0.0/0#ALL#ALL"]}
    assert list(exposure._internet_exposure(change(LITE, KEPT, after))) == []


# --- a bucket policy whose Principal is a bare list -----------------------------------------------------

def _bucket_policy(principal: str) -> str:
    statement = f'"Effect": "Allow", "Principal": {principal}, "Action": ["oss:GetObject"], "Resource": ["*"]'
    return '{"Version": "1", "Statement": [{' + statement + '}]}'


@pytest.mark.parametrize(("principal", "expected"), [
    ('["*"]', Severity.HIGH), ('["20214760404935", "*"]', Severity.HIGH), ('["20214760404935"]', None)])
def test_a_list_principal_of_anyone_is_public(tmp_path: Path, principal: str, expected: Severity | None) -> None:
    entry = gone("acme_oss_bucket_policy.exports", {"bucket": "exports", "policy": _bucket_policy('["1"]')},
                 actions=["update"])
    entry["change"]["after"]["policy"] = _bucket_policy(principal)
    assert worst(tmp_path, [entry], "iam-public-member") is expected


def test_a_nat_gateway_on_the_internet_network_type_is_a_way_out() -> None:
    assert not highs("acme_nat_gateway", {"network_type": "intranet"}, {"network_type": "internet"})
