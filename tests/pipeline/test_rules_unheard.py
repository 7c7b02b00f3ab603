"""Misses found by plans written by someone who never read the rules, each fixed by what the attribute means:
an allow rule's side emptied into "any" or inverted, a rule's own logging switched off, a port that lets
neighbours sniff or spoof, a key below accepted strength, a source built from several references, and an old open
firewall bound to new machines. Each risky case has a second shape and a benign look-alike that stays likely safe."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.helpers import review_rules_alone, worst_by_rule
from tfreview.labels import Label
from tfreview.pipeline.findings import Severity

INGRESS = "network-open-ingress"


def entry(address: str, before: Any, after: Any, unknown: Any = None, action: str | None = None) -> dict[str, Any]:
    """One resource change of an invented or real provider."""
    kind, name = address.split(".")
    actions = [action] if action else ["create"] if before is None else ["update"]
    return {"address": address, "mode": "managed", "type": kind, "name": name,
            "provider_name": "registry.terraform.io/acme/acme",
            "change": {"actions": actions, "before": before, "after": after, "after_unknown": unknown or {},
                       "after_sensitive": {}}}


def judged(tmp_path: Path, *changes: dict[str, Any], **sections: Any) -> tuple[Label, dict[str, Severity]]:
    result = review_rules_alone(tmp_path, list(changes), **sections)
    return result.label, worst_by_rule(result)


def rule(**fields: Any) -> dict[str, Any]:
    base = {"display_name": "app-to-db", "action": "ALLOW", "source_groups": ["/infra/groups/app"],
            "destination_groups": ["/infra/groups/db"], "sources_excluded": False, "destinations_excluded": False,
            "logged": True, "services": []}
    return {**base, **fields}


def policy(kind: str, before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    return entry(f"{kind}.db", {"id": "db", "rule": [before]}, {"id": "db", "rule": [after]})


# --- an allow rule's side emptied (empty = any) or inverted (excluded = everything else) --------------------------
def test_allow_rule_whose_sources_are_emptied_is_high(tmp_path: Path) -> None:
    label, worst = judged(tmp_path, policy("nsxt_policy_security_policy", rule(), rule(source_groups=[])))
    assert label is Label.NEEDS_CLOSE_REVIEW and worst.get(INGRESS) is Severity.HIGH


def test_invented_acl_whose_destinations_are_emptied_is_high(tmp_path: Path) -> None:
    before = {"id": "r1", "name": "to-ledger", "verdict": "permit", "src_addresses": ["10.1.0.0/24"],
              "dst_addresses": ["10.9.0.10/32"]}
    label, worst = judged(tmp_path, entry("orbit_acl_rule.ledger", before, {**before, "dst_addresses": []}))
    assert label is Label.NEEDS_CLOSE_REVIEW and worst.get(INGRESS) is Severity.HIGH


def test_destination_negation_turned_on_is_high(tmp_path: Path) -> None:
    label, worst = judged(tmp_path, policy("nsxt_policy_gateway_policy", rule(), rule(destinations_excluded=True)))
    assert label is Label.NEEDS_CLOSE_REVIEW and worst.get(INGRESS) is Severity.HIGH


def test_negate_source_on_an_invented_firewall_is_high(tmp_path: Path) -> None:
    before = {"name": "dev", "action": "allow", "source_zones": ["dev"], "negate_source": False}
    _label, worst = judged(tmp_path, entry("strata_security_rule.dev", before, {**before, "negate_source": True}))
    assert worst.get(INGRESS) is Severity.HIGH


def test_sources_replaced_by_other_names_stay_safe(tmp_path: Path) -> None:
    after = rule(source_groups=["/infra/groups/app", "/infra/groups/batch"])
    label, worst = judged(tmp_path, policy("nsxt_policy_security_policy", rule(), after))
    assert INGRESS not in worst and label is Label.LIKELY_SAFE


def test_deny_rule_emptied_or_negated_is_not_an_opening(tmp_path: Path) -> None:
    deny = rule(action="DROP")
    _label, worst = judged(tmp_path, policy("nsxt_policy_security_policy", deny,
                                            {**deny, "source_groups": [], "destinations_excluded": True}))
    assert INGRESS not in worst


def test_emptied_list_beside_a_side_that_still_names_sources_stays_safe(tmp_path: Path) -> None:
    before = {"name": "ssh", "action": "allow", "source_ranges": ["10.0.0.0/8"], "source_tags": ["bastion"]}
    label, worst = judged(tmp_path, entry("acme_firewall.ssh", before, {**before, "source_ranges": []}))
    assert INGRESS not in worst and label is Label.LIKELY_SAFE


# --- a rule's own logging switched off -------------------------------------------------------------------------------
def test_rule_logging_turned_off_is_high(tmp_path: Path) -> None:
    label, worst = judged(tmp_path, policy("nsxt_policy_security_policy", rule(), rule(logged=False)))
    assert label is Label.NEEDS_CLOSE_REVIEW and worst.get("logging-disabled") is Severity.HIGH


def test_invented_firewall_log_traffic_turned_off_is_high(tmp_path: Path) -> None:
    before = {"name": "edge", "action": "accept", "log_traffic": True}
    _label, worst = judged(tmp_path, entry("forti_policy.edge", before, {**before, "log_traffic": False}))
    assert worst.get("logging-disabled") is Severity.HIGH


def test_log_label_renamed_with_logging_on_stays_safe(tmp_path: Path) -> None:
    label, worst = judged(tmp_path, policy("nsxt_policy_security_policy", rule(log_label="a"), rule(log_label="b")))
    assert "logging-disabled" not in worst and label is Label.LIKELY_SAFE


def test_debug_logging_turned_off_stays_safe(tmp_path: Path) -> None:
    before = {"name": "orders", "debug_logging": True, "require_tls": True}
    label, worst = judged(tmp_path, entry("aws_db_proxy.orders", before, {**before, "debug_logging": False}))
    assert "logging-disabled" not in worst and label is Label.LIKELY_SAFE


# --- a port that lets neighbours sniff or spoof ----------------------------------------------------------------------
def test_port_group_allowing_promiscuous_mode_is_high(tmp_path: Path) -> None:
    before = {"id": "dvportgroup-1", "name": "pg-db", "allow_promiscuous": False, "allow_forged_transmits": False}
    label, worst = judged(tmp_path, entry("vsphere_distributed_port_group.db", before,
                                          {**before, "allow_promiscuous": True}))
    assert label is Label.NEEDS_CLOSE_REVIEW and worst.get(INGRESS) is Severity.HIGH


def test_invented_switch_created_with_mac_spoofing_is_high(tmp_path: Path) -> None:
    _label, worst = judged(tmp_path, entry("hyperlane_vswitch_port.db", None,
                                           {"name": "db", "mac_spoofing": True, "vlan": 40}))
    assert worst.get(INGRESS) is Severity.HIGH


def test_port_group_growing_with_strict_security_stays_safe(tmp_path: Path) -> None:
    before = {"id": "dvportgroup-1", "number_of_ports": 8, "allow_promiscuous": False, "allow_mac_changes": False}
    label, worst = judged(tmp_path, entry("vsphere_distributed_port_group.db", before,
                                          {**before, "number_of_ports": 16}))
    assert INGRESS not in worst and label is Label.LIKELY_SAFE


# --- a key below accepted strength (weak-key, keystrength.py) ---------------------------------------------------
def test_invented_kms_signing_key_of_rsa_1024_and_sha1_is_high(tmp_path: Path) -> None:
    key = {"alias": "release", "key_spec": "RSA_1024", "signing_algorithm": "RSASSA_PKCS1_V1_5_SHA_1"}
    label, worst = judged(tmp_path, entry("pinewood_kms_key.release", None, key))
    assert label is Label.NEEDS_CLOSE_REVIEW and worst.get("weak-key") is Severity.HIGH


def test_tls_private_key_of_1024_bits_is_high(tmp_path: Path) -> None:
    _label, worst = judged(tmp_path, entry("tls_private_key.ca", None, {"algorithm": "RSA", "rsa_bits": 1024}))
    assert worst.get("weak-key") is Severity.HIGH


def test_strong_keys_stay_safe(tmp_path: Path) -> None:
    label, worst = judged(tmp_path,
                          entry("pinewood_kms_key.release", None,
                                {"key_spec": "EC_P384", "signing_algorithm": "ECDSA_SHA_384"}),
                          entry("aws_kms_key.sign", None,
                                {"customer_master_key_spec": "RSA_3072", "key_usage": "SIGN_VERIFY"}),
                          entry("tls_private_key.ca", None, {"algorithm": "RSA", "rsa_bits": 4096}))
    assert "weak-key" not in worst and label is Label.LIKELY_SAFE


def test_ed25519_key_showing_the_default_curve_stays_safe(tmp_path: Path) -> None:
    label, worst = judged(tmp_path, entry("tls_private_key.deploy", None,
                                          {"algorithm": "ED25519", "ecdsa_curve": "P224", "rsa_bits": 2048}))
    assert "weak-key" not in worst and label is Label.LIKELY_SAFE


# --- a source known after apply, built from several references ------------------------------------------------------
def _configured(cidrs: list[str]) -> dict[str, Any]:
    expressions = {"inbound": [{"action": {"constant_value": "ACCEPT"}, "ports": {"constant_value": "22"},
                                "protocol": {"constant_value": "TCP"},
                                "ipv4": {"references": ["var.extra", "data.ipam_prefixes.vpn.prefixes"]}}]}
    return {"configuration": {"root_module": {"resources": [
                {"address": "linode_firewall.jump", "mode": "managed", "type": "linode_firewall", "name": "jump",
                 "expressions": expressions}], "variables": {"extra": {}}}},
            "variables": {"extra": {"value": cidrs}}}


def _unknown_inbound(cidrs: list[str], tmp_path: Path) -> tuple[Label, dict[str, Severity]]:
    old = {"id": "1", "inbound": [{"action": "ACCEPT", "ipv4": ["203.0.113.10/32"], "ports": "22",
                                   "protocol": "TCP"}]}
    return judged(tmp_path, entry("linode_firewall.jump", old, {"id": "1", "inbound": None}, {"inbound": True}),
                  **_configured(cidrs))


def test_block_built_from_a_variable_holding_the_internet_is_high(tmp_path: Path) -> None:
    label, worst = _unknown_inbound(["0.0.0.0/0"], tmp_path)
    assert label is Label.NEEDS_CLOSE_REVIEW and worst.get(INGRESS) is Severity.HIGH


def test_block_built_from_a_variable_holding_a_vpn_range_stays_safe(tmp_path: Path) -> None:
    label, worst = _unknown_inbound(["198.51.100.32/27"], tmp_path)
    assert INGRESS not in worst and label is Label.LIKELY_SAFE


# --- an old open firewall bound to new machines ----------------------------------------------------------------------
def _firewall(name: str, fid: str, port: str) -> dict[str, Any]:
    values = {"id": fid, "name": name, "rule": [{"direction": "in", "port": port, "protocol": "tcp",
                                                  "source_ips": ["0.0.0.0/0", "::/0"]}]}
    return entry(f"hcloud_firewall.{name}", values, values, action="no-op")


def test_open_firewall_attached_to_a_new_selector_is_high(tmp_path: Path) -> None:
    attach = entry("hcloud_firewall_attachment.db", None, {"firewall_id": 77, "label_selectors": ["role=db"]})
    label, worst = judged(tmp_path, _firewall("debug", "77", "any"), attach)
    assert label is Label.NEEDS_CLOSE_REVIEW and worst.get(INGRESS) is Severity.HIGH


def test_invented_security_group_association_to_an_open_group_is_high(tmp_path: Path) -> None:
    group = {"id": "sg-9", "ingress": [{"from_port": 3306, "to_port": 3306, "protocol": "tcp",
                                       "cidr_blocks": ["0.0.0.0/0"]}]}
    attach = entry("nimbus_security_group_association.db", None, {"security_group_id": "sg-9", "server_id": "s-1"})
    _label, worst = judged(tmp_path, entry("nimbus_security_group.db", group, group, action="no-op"), attach)
    assert worst.get(INGRESS) is Severity.HIGH


def test_web_firewall_attached_to_web_servers_stays_safe(tmp_path: Path) -> None:
    attach = entry("hcloud_firewall_attachment.web", None, {"firewall_id": 78, "label_selectors": ["role=web"]})
    label, worst = judged(tmp_path, _firewall("web", "78", "443"), attach)
    assert INGRESS not in worst and label is Label.LIKELY_SAFE
