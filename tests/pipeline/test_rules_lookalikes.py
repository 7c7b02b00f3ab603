"""Benign look-alikes of risky changes and the risky changes they resemble, judged by what attributes mean on
invented providers: deletes that narrow (lifecycle ladders), rotations, transport and agent controls, host
namespaces. Each risky case has a look-alike that stays likely safe."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.helpers import review_rules_alone, worst_by_rule
from tfreview.labels import Label
from tfreview.pipeline.findings import Severity


def entry(address: str, before: Any, after: Any, actions: list[str] | None = None) -> dict[str, Any]:
    """One resource change of `terraform show -json` (the provider is read from the type's prefix)."""
    kind, name = address.rsplit(".", 2)[-2:]
    actions = actions or (["create"] if before is None else ["delete"] if after is None else ["update"])
    return {"address": address, "mode": "managed", "type": kind, "name": name,
            "provider_name": f"registry.terraform.io/acme/{kind.split('_', 1)[0]}",
            "change": {"actions": actions, "before": before, "after": after, "after_unknown": {},
                       "after_sensitive": {}}}


def judged(tmp_path: Path, *changes: dict[str, Any]) -> tuple[Label, dict[str, Severity]]:
    result = review_rules_alone(tmp_path, list(changes))
    return result.label, worst_by_rule(result)


# --- transport and agent controls on invented providers ------------------------------------------------------

def test_a_route_lowered_to_tls_1_0_with_a_3des_suite_is_high(tmp_path: Path) -> None:
    strong = ["TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"]
    label, found = judged(tmp_path, entry("meshy_route.pay", {"tls_min_version": "1.2", "cipher_suites": strong},
                                          {"tls_min_version": "1.0",
                                           "cipher_suites": [*strong, "TLS_RSA_WITH_3DES_EDE_CBC_SHA"]}))
    assert found["tls-downgrade"] is Severity.HIGH and label is Label.NEEDS_CLOSE_REVIEW


def test_a_weak_suite_alone_is_high_and_a_strong_one_added_is_not(tmp_path: Path) -> None:
    strong = ["TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"]
    _, found = judged(tmp_path, entry("meshy_route.pay", {"cipher_suites": strong},
                                      {"cipher_suites": [*strong, "TLS_RSA_WITH_RC4_128_SHA"]}))
    assert found["tls-downgrade"] is Severity.HIGH
    label, found = judged(tmp_path, entry("meshy_route.pay", {"tls_min_version": "1.2", "cipher_suites": strong},
                                          {"tls_min_version": "1.3",
                                           "cipher_suites": [*strong, "TLS_AES_256_GCM_SHA384"]}))
    assert "tls-downgrade" not in found and label is Label.LIKELY_SAFE


def test_an_agent_policy_with_tamper_protection_off_is_high(tmp_path: Path) -> None:
    label, found = judged(tmp_path, entry("fleety_agent_policy.servers", {"tamper_protection": True},
                                          {"tamper_protection": False}))
    assert found["detection-disabled"] is Severity.HIGH and label is Label.NEEDS_CLOSE_REVIEW


def test_an_agent_policy_with_tamper_protection_turned_on_is_safe(tmp_path: Path) -> None:
    label, _ = judged(tmp_path, entry("fleety_agent_policy.servers", {"tamper_protection": False, "name": "a"},
                                      {"tamper_protection": True, "name": "b"}))
    assert label is Label.LIKELY_SAFE


# --- host namespaces -----------------------------------------------------------------------------------------

def _pod(**spec: Any) -> dict[str, Any]:
    return {"spec": [{"replicas": "3", "template": [{"spec": [{**spec, "container": [{"name": "a",
                                                                                     "image": "x:1"}]}]}]}]}


def test_a_deployment_given_host_network_and_host_pid_is_high(tmp_path: Path) -> None:
    label, found = judged(tmp_path, entry("kubernetes_deployment.debug", _pod(host_network=False, host_pid=False),
                                          _pod(host_network=True, host_pid=True)))
    assert found["workload-node-escape"] is Severity.HIGH and label is Label.NEEDS_CLOSE_REVIEW


def test_one_host_namespace_or_a_daemonset_agent_stays_medium(tmp_path: Path) -> None:
    label, found = judged(tmp_path, entry("kubernetes_deployment.web", _pod(host_network=False),
                                          _pod(host_network=True)))
    assert found["workload-node-escape"] is Severity.MEDIUM and label is Label.LIKELY_SAFE
    label, found = judged(tmp_path, entry("kubernetes_daemon_set_v1.node_exporter", None,
                                          _pod(host_network=True, host_pid=True)))
    assert found["workload-node-escape"] is Severity.MEDIUM and label is Label.LIKELY_SAFE
