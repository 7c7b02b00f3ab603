"""Exposure and credentials: allow-lists emptied, sensitive values laundered into unmarked places, credentials
inside base64; each with a benign look-alike that stays likely safe."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.helpers import review_rules_alone, worst_by_rule
from tfreview.pipeline.findings import Severity


def update(address: str, before: dict[str, Any], after: dict[str, Any], sensitive: Any = None) -> dict[str, Any]:
    """One update entry of `terraform show -json`."""
    kind, name = address.split(".")[-2:]
    return {"address": address, "mode": "managed", "type": kind, "name": name,
            "provider_name": "registry.example.com/acme/acme",
            "change": {"actions": ["update"], "before": before, "after": after, "after_unknown": {},
                       "before_sensitive": sensitive or {}, "after_sensitive": sensitive or {}}}


CLUSTER = {"name": "k-prod", "private_cluster_enabled": False,
           "api_server_access_profile": [{"authorized_ip_ranges": ["203.0.113.10/32", "198.51.100.0/28"]}]}


def _with(profile: Any, **top: Any) -> dict[str, Any]:
    return {**CLUSTER, "api_server_access_profile": profile, **top}


@pytest.mark.parametrize(("after", "address"), [
    (_with([{"authorized_ip_ranges": []}]), "azurerm_kubernetes_cluster.this"),
    (_with([{"authorized_ip_ranges": None}]), "azurerm_kubernetes_cluster.this"),
    (_with([]), "azurerm_kubernetes_cluster.this"),
    ({"name": "db", "ip_allowlist": None}, "zeta_database.main"),
    ({"name": "db", "trusted_source_networks": []}, "zeta_database.main"),
], ids=["emptied", "nulled", "block-removed", "unknown-provider-allowlist", "trusted-networks"])
def test_allowlist_emptied_is_high(tmp_path: Path, after: dict[str, Any], address: str) -> None:
    before = CLUSTER if address.startswith("azurerm") else {
        "name": "db", "ip_allowlist": ["10.1.0.0/16"], "trusted_source_networks": ["192.0.2.0/24"]}
    result = review_rules_alone(tmp_path, [update(address, before, after)])
    assert worst_by_rule(result).get("allowlist-emptied") == Severity.HIGH
    assert result.label.value == "needs_close_review"


@pytest.mark.parametrize("after", [
    _with([{"authorized_ip_ranges": []}], private_cluster_enabled=True),
    _with([{"authorized_ip_ranges": []}], public_network_access_enabled=False),
    _with([{"authorized_ip_ranges": ["203.0.113.10/32"]}]),
    {"name": "sa", "network_rules": [{"default_action": "Deny", "allowed_ip_ranges": []}]},
    _with([{"authorized_ip_ranges": ["203.0.113.10/32", "198.51.100.0/28"]}], name="renamed"),
], ids=["private-cluster", "public-access-off", "narrowed", "deny-default", "unrelated-change"])
def test_allowlist_lookalikes_stay_safe(tmp_path: Path, after: dict[str, Any]) -> None:
    before = CLUSTER if "network_rules" not in after else {
        "name": "sa", "network_rules": [{"default_action": "Deny", "allowed_ip_ranges": ["203.0.113.0/24"]}]}
    result = review_rules_alone(tmp_path, [update("azurerm_kubernetes_cluster.this", before, after)])
    assert "allowlist-emptied" not in worst_by_rule(result)
    assert result.label.value == "likely_safe"
