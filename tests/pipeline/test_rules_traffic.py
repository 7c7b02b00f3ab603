"""Network crypto and traffic policy by meaning: tunnel crypto lowered, mTLS relaxed, egress opened; and a removed
world-open firewall block is narrowing, not an emptied allow-list."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.helpers import review_rules_alone, worst_by_rule
from tfreview.pipeline.findings import Severity


def judge(tmp_path: Path, resource_type: str, before: Any, after: Any) -> tuple[str, dict[str, Severity]]:
    """Review a one-change update plan with rules alone: (label, {rule: worst severity})."""
    result = review_rules_alone(tmp_path, [{
        "address": f"{resource_type}.x", "mode": "managed", "type": resource_type, "name": "x",
        "provider_name": "registry.terraform.io/acme/acme",
        "change": {"actions": ["update"], "before": before, "after": after, "after_unknown": {}}}])
    return result.label.value, worst_by_rule(result)


STRONG = {"ike_versions": ["ikev2"], "phase1_ciphers": ["AES256-GCM-16"], "phase1_integrity": ["SHA2-384"],
          "dh_groups": [20], "pfs_group": "PFS24"}


@pytest.mark.parametrize(("key", "weak"), [
    ("ike_versions", ["ikev1", "ikev2"]), ("phase1_ciphers", ["AES256-GCM-16", "3DES"]),
    ("phase1_integrity", ["MD5"]), ("dh_groups", [2]), ("pfs_group", "None"),
], ids=["ikev1", "3des-in-list", "md5", "dh2", "pfs-none"])
def test_tunnel_crypto_lowered_is_high(tmp_path: Path, key: str, weak: Any) -> None:
    label, worst = judge(tmp_path, "linkco_ipsec_tunnel", STRONG, {**STRONG, key: weak})
    assert label == "needs_close_review" and worst["vpn-crypto-weakened"] == Severity.HIGH


def test_tunnel_crypto_raised_is_safe(tmp_path: Path) -> None:
    weak = {"ike_versions": ["ikev1"], "phase1_ciphers": ["3DES"], "phase1_integrity": ["SHA1"], "dh_groups": [2],
            "pfs_group": "None"}
    label, worst = judge(tmp_path, "linkco_ipsec_tunnel", weak, STRONG)
    assert label == "likely_safe" and "vpn-crypto-weakened" not in worst


@pytest.mark.parametrize(("before", "after", "expected"), [
    ("strict", "disabled", "needs_close_review"), ("STRICT", "PERMISSIVE", "needs_close_review"),
    ("permissive", "strict", "likely_safe"),
], ids=["strict-off", "strict-permissive", "tightened"])
def test_mtls_mode(tmp_path: Path, before: str, after: str, expected: str) -> None:
    label, _ = judge(tmp_path, "meshco_mtls_policy", {"namespace": "pay", "mode": before},
                     {"namespace": "pay", "mode": after})
    assert label == expected


@pytest.mark.parametrize(("before", "after", "expected"), [
    ("REGISTRY_ONLY", "ALLOW_ANY", "needs_close_review"), ("ALLOW_ANY", "REGISTRY_ONLY", "likely_safe"),
], ids=["opened", "closed"])
def test_egress_mode_in_values_text(tmp_path: Path, before: str, after: str, expected: str) -> None:
    doc = "meshConfig:\n  outboundTrafficPolicy:\n    mode: {}\n"
    label, _ = judge(tmp_path, "chartco_release", {"values": [doc.format(before)]},
                     {"values": [doc.format(after)]})
    assert label == expected


def test_removed_world_open_block_is_narrowing(tmp_path: Path) -> None:
    world = {"direction": "in", "port": "22", "source_ips": ["0.0.0.0/0"]}
    vpn = {"direction": "in", "port": "22", "source_ips": ["10.8.0.0/24"]}
    label, worst = judge(tmp_path, "fwco_firewall", {"rule": [world, vpn]}, {"rule": [vpn]})
    assert label == "likely_safe" and "allowlist-emptied" not in worst


def test_allowlist_emptied_in_place_still_fires(tmp_path: Path) -> None:
    label, worst = judge(tmp_path, "dbco_cluster", {"access": [{"allowed_ip_ranges": ["10.0.0.0/8"]}]},
                         {"access": [{"allowed_ip_ranges": []}]})
    assert label == "needs_close_review" and "allowlist-emptied" in worst


def test_azure_group_names_rank_by_group(tmp_path: Path) -> None:
    label, _ = judge(tmp_path, "linkco_vpn_connection", {"dh_group": "ECP384"}, {"dh_group": "DHGroup2048"})
    assert label == "needs_close_review"
    label, _ = judge(tmp_path, "linkco_vpn_connection", {"dh_group": "DHGroup2048"}, {"dh_group": "ECP256"})
    assert label == "likely_safe"


SURICATA_DROP = 'drop ip $HOME_NET any -> $EXTERNAL_NET any (msg:"default deny"; sid:9; rev:1;)'


@pytest.mark.parametrize(("line", "expected"), [
    ('pass ip $HOME_NET any -> $EXTERNAL_NET any (msg:"temp"; sid:1; rev:1;)', "needs_close_review"),
    ('pass tls $HOME_NET any -> $EXTERNAL_NET 443 (tls.sni; content:"api.example.org"; sid:2;)', "likely_safe"),
    ('pass tcp $HOME_NET any -> $EXTERNAL_NET any (content:"x"; sid:3;)', "likely_safe"),
    ("-A FORWARD -j ACCEPT", "needs_close_review"),
    ("-A INPUT -i lo -j ACCEPT", "likely_safe"),
], ids=["suricata-pass-all", "suricata-sni", "suricata-content", "iptables-accept-all", "iptables-loopback"])
def test_rule_text_that_passes_everything(tmp_path: Path, line: str, expected: str) -> None:
    label, _ = judge(tmp_path, "wallco_rule_group", {"rules": SURICATA_DROP},
                     {"rules": f"{line}\n{SURICATA_DROP}"})
    assert label == expected


@pytest.mark.parametrize(("cidr", "before", "after", "expected"), [
    ("0.0.0.0/0", "deny", "allow", "needs_close_review"), ("10.0.0.0/8", "deny", "allow", "likely_safe"),
    ("0.0.0.0/0", "allow", "deny", "likely_safe"),
], ids=["world-unblocked", "private-unblocked", "world-blocked"])
def test_deny_turned_allow(tmp_path: Path, cidr: str, before: str, after: str, expected: str) -> None:
    rule = {"rule_number": 100, "protocol": "tcp", "from_port": 5432, "to_port": 5432, "cidr_block": cidr}
    label, _ = judge(tmp_path, "aclco_rule", {**rule, "rule_action": before}, {**rule, "rule_action": after})
    assert label == expected


@pytest.mark.parametrize(("domain", "target", "expected"), [
    (".", "203.0.113.53", "needs_close_review"), (".", "10.20.0.10", "likely_safe"),
    ("corp.example.internal", "198.51.100.53", "likely_safe"),
], ids=["root-to-outside", "root-to-on-prem", "one-zone-outside"])
def test_dns_forwarding(tmp_path: Path, domain: str, target: str, expected: str) -> None:
    result = review_rules_alone(tmp_path, [{
        "address": "dnsco_resolver_rule.x", "mode": "managed", "type": "dnsco_resolver_rule", "name": "x",
        "provider_name": "registry.terraform.io/acme/acme",
        "change": {"actions": ["create"], "before": None, "after_unknown": {},
                   "after": {"domain_name": domain, "rule_type": "FORWARD", "targets": [{"ip": target}]}}}])
    assert result.label.value == expected
