"""Log coverage narrowed, shared keys gaining manage, secret-store rights for strangers and network policies that
allow everything (vocabulary/coverage.py, storerights.py, openrules.py): each risky change beside a benign
look-alike that stays likely safe. Invented providers and names."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.helpers import review_rules_alone, worst_by_rule
from tfreview.labels import Label
from tfreview.pipeline.findings import Severity

IDENTITY_ID = "4c1d9e7a-2b3f-4a5c-8d6e-0f1a2b3c4d5e"
STRANGER_ID = "9f8e7d6c-5b4a-4321-8fed-cba987654321"


def entry(address: str, before: Any, after: Any) -> dict[str, Any]:
    """One resource change by an invented provider."""
    kind, name = address.split(".")
    actions = ["create"] if before is None else ["update"]
    return {"address": address, "mode": "managed", "type": kind, "name": name,
            "provider_name": "registry.terraform.io/acme/acme",
            "change": {"actions": actions, "before": before, "after": after, "after_unknown": {},
                       "after_sensitive": {}}}


def judged(tmp_path: Path, *changes: dict[str, Any]) -> tuple[Label, dict[str, Severity]]:
    result = review_rules_alone(tmp_path, list(changes))
    return result.label, worst_by_rule(result)


# --- a traffic log's coverage narrowed -----------------------------------------------------------------------
def flow_log(record: str) -> dict[str, Any]:
    return {"id": "fl-01", "network_id": "net-7", "record_filter": record, "destination": "bucket-logs"}


def test_traffic_log_narrowed_from_all_to_accepted_is_high(tmp_path: Path) -> None:
    label, worst = judged(tmp_path, entry("nimbus_flow_log.core", flow_log("ALL"), flow_log("ACCEPTED")))
    assert label is Label.NEEDS_CLOSE_REVIEW and worst.get("logging-disabled") is Severity.HIGH


def test_traffic_log_widened_to_all_stays_safe(tmp_path: Path) -> None:
    label, worst = judged(tmp_path, entry("nimbus_flow_log.core", flow_log("REJECTED"), flow_log("ALL")))
    assert "logging-disabled" not in worst and label is Label.LIKELY_SAFE


def test_new_accept_only_log_beside_an_all_one_stays_safe(tmp_path: Path) -> None:
    label, worst = judged(tmp_path, entry("nimbus_flow_log.core", flow_log("ALL"), flow_log("ALL")),
                          entry("nimbus_flow_log.accepted", None, flow_log("ACCEPTED")))
    assert "logging-disabled" not in worst and label is Label.LIKELY_SAFE


# --- a shared-access key rule gaining manage ------------------------------------------------------------------
def key_rule(listen: bool, send: bool, manage: bool) -> dict[str, Any]:
    return {"id": "rule-reader", "name": "reader", "queue": "orders", "listen": listen, "send": send,
            "manage": manage}


def test_shared_key_rule_gaining_manage_is_high(tmp_path: Path) -> None:
    label, worst = judged(tmp_path, entry("nimbus_queue_authorization_rule.reader", key_rule(True, False, False),
                                          key_rule(True, True, True)))
    assert label is Label.NEEDS_CLOSE_REVIEW and worst.get("iam-privileged-role") is Severity.HIGH


def test_send_added_to_a_producer_rule_stays_safe(tmp_path: Path) -> None:
    label, worst = judged(tmp_path, entry("nimbus_queue_authorization_rule.reader", key_rule(False, False, False),
                                          key_rule(False, True, False)))
    assert "iam-privileged-role" not in worst and label is Label.LIKELY_SAFE


def test_new_listen_only_rule_stays_safe(tmp_path: Path) -> None:
    label, worst = judged(tmp_path, entry("nimbus_queue_authorization_rule.tap", None, key_rule(True, False, False)))
    assert "iam-privileged-role" not in worst and label is Label.LIKELY_SAFE


# --- a secret store's data-plane rights -----------------------------------------------------------------------
def store_policy(principal: str, secrets: list[str], keys: list[str]) -> dict[str, Any]:
    return {"vault_id": "/vaults/core-secrets", "principal_id": principal, "secret_permissions": secrets,
            "key_permissions": keys}


def identity() -> dict[str, Any]:
    return entry("nimbus_managed_identity.app", None, {"name": "app", "principal_id": IDENTITY_ID})


def test_purge_and_decrypt_for_an_unknown_principal_is_high(tmp_path: Path) -> None:
    label, worst = judged(tmp_path, entry("nimbus_vault_access_policy.support", None,
                                          store_policy(STRANGER_ID, ["Get", "List", "Purge"], ["Decrypt"])))
    assert label is Label.NEEDS_CLOSE_REVIEW and worst.get("secret-store-rights") is Severity.HIGH


def test_read_rights_for_the_plans_own_identity_stay_safe(tmp_path: Path) -> None:
    label, worst = judged(tmp_path, identity(), entry("nimbus_vault_access_policy.app", None,
                                                      store_policy(IDENTITY_ID, ["Get", "List"], ["Get"])))
    assert "secret-store-rights" not in worst and label is Label.LIKELY_SAFE


def test_unwrap_for_the_plans_own_identity_is_only_medium(tmp_path: Path) -> None:
    _label, worst = judged(tmp_path, identity(), entry("nimbus_vault_access_policy.app", None,
                                                       store_policy(IDENTITY_ID, ["Get"], ["Get", "UnwrapKey"])))
    assert worst.get("secret-store-rights") is Severity.MEDIUM


# --- a network policy's rules made allow-all ------------------------------------------------------------------
DNS = {"action": "Allow", "protocol": "UDP", "destination": {"selector": "app == 'dns'", "ports": [53]}}


def mesh_policy(egress: list[dict[str, Any]]) -> dict[str, Any]:
    manifest = {"apiVersion": "mesh.example.io/v1", "kind": "TrafficPolicy", "metadata": {"name": "lockdown"},
                "spec": {"selector": "tier == 'api'", "types": ["Egress"], "egress": egress}}
    return {"manifest": manifest, "object": manifest}


def test_default_deny_replaced_by_unconditional_allow_is_high(tmp_path: Path) -> None:
    label, worst = judged(tmp_path, entry("kubernetes_manifest.lockdown", mesh_policy([DNS, {"action": "Deny"}]),
                                          mesh_policy([{"action": "Allow"}])))
    assert label is Label.NEEDS_CLOSE_REVIEW and worst.get("egress-policy-opened") is Severity.HIGH


def test_allow_to_a_named_network_beside_the_deny_stays_safe(tmp_path: Path) -> None:
    wider = [DNS, {"action": "Allow", "destination": {"nets": ["10.20.0.0/16"]}}, {"action": "Deny"}]
    label, worst = judged(tmp_path, entry("kubernetes_manifest.lockdown", mesh_policy([DNS, {"action": "Deny"}]),
                                          mesh_policy(wider)))
    assert "egress-policy-opened" not in worst and label is Label.LIKELY_SAFE


def test_allow_all_shadowed_by_an_earlier_deny_stays_safe(tmp_path: Path) -> None:
    label, worst = judged(tmp_path, entry("kubernetes_manifest.lockdown", mesh_policy([DNS, {"action": "Deny"}]),
                                          mesh_policy([DNS, {"action": "Deny"}, {"action": "Allow"}])))
    assert "egress-policy-opened" not in worst and label is Label.LIKELY_SAFE


def test_full_rights_on_a_store_the_plan_creates_are_only_medium(tmp_path: Path) -> None:
    vault = {"name": "core-secrets", "access_policy": [{"principal_id": STRANGER_ID,
                                                          "secret_permissions": ["Get", "Delete", "Purge"]}]}
    label, worst = judged(tmp_path, entry("nimbus_key_vault.core", None, vault))
    assert worst.get("secret-store-rights") is Severity.MEDIUM and label is Label.LIKELY_SAFE
