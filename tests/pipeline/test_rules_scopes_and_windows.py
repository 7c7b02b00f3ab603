"""Scopes and windows (session 18's principles), each risky plan beside a look-alike that stays likely safe: a
lifecycle rule's window cut only where its own filter selects scratch data, and a network policy opened to every
namespace on an application's port."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.pipeline.test_rules_sources_scopes_and_signals import RISKY, SAFE, entry, judged


def lifecycle_rule(prefix: str, days: int, top_prefix: str = "") -> dict[str, Any]:
    return {"id": "cleanup", "status": "Enabled", "prefix": top_prefix,
            "filter": [{"and": [], "prefix": prefix, "tag": []}],
            "expiration": [{"date": None, "days": 400, "expired_object_delete_marker": False}],
            "noncurrent_version_expiration": [{"newer_noncurrent_versions": None, "noncurrent_days": days}]}


def lifecycle(prefix: str, before_days: int, after_days: int) -> dict[str, Any]:
    def side(days: int) -> dict[str, Any]:
        return {"bucket": "acme-prod-ledger", "id": "acme-prod-ledger", "rule": [lifecycle_rule(prefix, days)]}
    return entry("aws_s3_bucket_lifecycle_configuration.ledger", ["update"], side(before_days), side(after_days))


@pytest.mark.parametrize(("prefix", "label"), [
    ("", RISKY),  # the whole bucket's recovery window
    ("ledger/2026/", RISKY),  # the ledger's own objects
    ("tmp/", SAFE),  # scratch objects only
    ("scratch/exports/", SAFE),
    ("audit/tmp/", RISKY),  # named as evidence, whatever else it says
])
def test_a_recovery_window_cut_is_judged_by_what_its_rule_selects(tmp_path: Path, prefix: str, label: Any) -> None:
    assert judged(tmp_path, lifecycle(prefix, 30, 1))[0] is label


def netpol(source: dict[str, Any], ports: list[str]) -> dict[str, Any]:
    return {"metadata": [{"name": "payments-api-ingress", "namespace": "payments"}], "spec": [{
        "pod_selector": [{"match_expressions": [], "match_labels": {"app": "payments-api"}}],
        "policy_types": ["Ingress"], "egress": [],
        "ingress": [{"from": [source], "ports": [{"port": p, "protocol": "TCP"} for p in ports]}]}]}


GATEWAY_ONLY = {"namespace_selector": [{"match_expressions": [],
                                        "match_labels": {"kubernetes.io/metadata.name": "ingress-nginx"}}]}
EVERY_NAMESPACE = {"namespace_selector": [{"match_expressions": [], "match_labels": {}}], "pod_selector": []}
MONITORING = {"namespace_selector": [{"match_expressions": [], "match_labels": {"name": "monitoring"}}]}
INTERNET = {"ip_block": [{"cidr": "0.0.0.0/0", "except": []}]}


@pytest.mark.parametrize(("source", "ports", "label"), [
    (EVERY_NAMESPACE, ["8080", "9090"], RISKY),  # any pod of the cluster reaches the app past its gateway
    (MONITORING, ["8080", "9090"], SAFE),  # one more named namespace, on the metrics port
    (INTERNET, ["80", "443"], SAFE),  # an entry point every source must reach
])
def test_a_network_policy_opened_to_every_source_on_an_apps_port(tmp_path: Path, source: dict[str, Any],
                                                                   ports: list[str], label: Any) -> None:
    change = entry("kubernetes_network_policy_v1.payments_api", ["update"], netpol(GATEWAY_ONLY, ["8080"]),
                   netpol(source, ports))
    assert judged(tmp_path, change)[0] is label
