"""Kubernetes, Helm and GitOps by what attributes mean (rules/workloads.py and the lines it feeds), each with a
benign look-alike that stays likely safe."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.helpers import review_rules_alone, worst_by_rule
from tfreview.labels import Label
from tfreview.pipeline.findings import Severity


def entry(address: str, before: Any, after: Any, actions: list[str] | None = None,
          after_sensitive: Any = None) -> dict[str, Any]:
    """One resource change of `terraform show -json` by an invented provider."""
    kind, name = address.split(".")
    actions = actions or (["create"] if before is None else ["delete"] if after is None else ["update"])
    return {"address": address, "mode": "managed", "type": kind, "name": name,
            "provider_name": "registry.terraform.io/acme/acme",
            "change": {"actions": actions, "before": before, "after": after, "after_unknown": {},
                       "after_sensitive": after_sensitive or {}}}


def judged(tmp_path: Path, *changes: dict[str, Any]) -> tuple[Label, dict[str, Severity]]:
    result = review_rules_alone(tmp_path, list(changes))
    return result.label, worst_by_rule(result)


def pod(security: dict[str, Any], host_path: str = "/var/log", **spec: Any) -> dict[str, Any]:
    return {"spec": [{"template": [{"spec": [{**spec, "container": [{"name": "a", "security_context": [security]}],
                                              "volume": [{"name": "h", "host_path": [{"path": host_path}]}]}]}]}]}


def manifest(spec: dict[str, Any], kind: str = "Policy") -> dict[str, Any]:
    return {"manifest": {"apiVersion": "acme.io/v1", "kind": kind, "spec": spec},
            "object": {"apiVersion": "acme.io/v1", "kind": kind, "spec": spec}}


def test_a_privileged_pod_with_the_node_root_mounted_escapes(tmp_path: Path) -> None:
    label, found = judged(tmp_path, entry("acme_pod_template.agent", pod({"privileged": False}),
                                          pod({"privileged": True}, host_path="/", host_pid=True)))
    assert found["workload-node-escape"] is Severity.HIGH and label is Label.NEEDS_CLOSE_REVIEW


def test_helm_values_adding_cap_sys_admin_escape(tmp_path: Path) -> None:
    values = "securityContext:\n  allowPrivilegeEscalation: true\n"
    _, found = judged(tmp_path, entry("helm_release.agent", {"values": [""]}, {"values": [values]}))
    assert found["workload-node-escape"] is Severity.HIGH


def test_host_namespaces_with_read_only_mounts_are_not_an_escape(tmp_path: Path) -> None:
    values = ("hostNetwork: true\nhostPID: true\ncontainerSecurityContext:\n  allowPrivilegeEscalation: false\n"
              "  readOnlyRootFilesystem: true\n")
    label, found = judged(tmp_path, entry("helm_release.node_exporter", None, {"values": [values]}))
    assert found.get("workload-node-escape") is Severity.MEDIUM and label is Label.LIKELY_SAFE


def test_hardened_security_context_is_quiet(tmp_path: Path) -> None:
    hardened = {"privileged": False, "allow_privilege_escalation": False,
                "capabilities": [{"drop": ["ALL"], "add": ["NET_BIND_SERVICE"]}]}
    label, found = judged(tmp_path, entry("acme_pod_template.agent", pod({"run_as_user": "0"}), pod(hardened)))
    assert "workload-node-escape" not in found and label is Label.LIKELY_SAFE


def test_an_allow_policy_with_an_empty_rule_matches_anyone(tmp_path: Path) -> None:
    before = manifest({"action": "ALLOW", "rules": [{"from": [{"principals": ["ns/a/sa/b"]}]}]})
    label, found = judged(tmp_path, entry("kubernetes_manifest.authz", before,
                                          manifest({"action": "ALLOW", "rules": [{}]})))
    assert found["policy-allows-anyone"] is Severity.HIGH and label is Label.NEEDS_CLOSE_REVIEW


def test_a_deny_policy_with_an_empty_rule_is_quiet(tmp_path: Path) -> None:
    label, found = judged(tmp_path, entry("kubernetes_manifest.authz", None,
                                          manifest({"action": "DENY", "rules": [{}]})))
    assert "policy-allows-anyone" not in found and label is Label.LIKELY_SAFE


def test_wildcard_scopes_in_a_tenancy_object(tmp_path: Path) -> None:
    scoped = {"sourceRepos": ["https://git.acme.io/web"], "destinations": [{"namespace": "web", "server": "in"}]}
    wide = {"sourceRepos": ["*"], "destinations": [{"namespace": "*", "server": "*"}]}
    _, found = judged(tmp_path, entry("kubernetes_manifest.project", manifest(scoped), manifest(wide)))
    assert found["policy-allows-anyone"] is Severity.HIGH
    label, found = judged(tmp_path, entry("kubernetes_manifest.gateway", None, manifest({"hosts": ["*"]})))
    assert "policy-allows-anyone" not in found and label is Label.LIKELY_SAFE


def test_an_admission_policy_that_stops_enforcing_or_fails_open(tmp_path: Path) -> None:
    before = manifest({"validationFailureAction": "Enforce", "failurePolicy": "Fail"})
    after = manifest({"validationFailureAction": "Audit", "failurePolicy": "Ignore"})
    _, found = judged(tmp_path, entry("kubernetes_manifest.registries", before, after))
    assert found["admission-fail-open"] is Severity.HIGH
    label, found = judged(tmp_path, entry("kubernetes_manifest.registries", after, before))
    assert "admission-fail-open" not in found and label is Label.LIKELY_SAFE


def test_a_cluster_endpoint_made_public_or_its_acl_off(tmp_path: Path) -> None:
    _, found = judged(tmp_path, entry("acme_k8s_cluster.prod", {"endpoint": [{"is_public_ip_enabled": False}]},
                                      {"endpoint": [{"is_public_ip_enabled": True}]}))
    assert found["cluster-api-exposed"] is Severity.HIGH
    _, found = judged(tmp_path, entry("acme_lke_cluster.prod", {"control_plane": [{"acl": [{"enabled": True}]}]},
                                      {"control_plane": [{"acl": [{"enabled": False}]}]}))
    assert found["cluster-api-exposed"] is Severity.HIGH
    label, found = judged(tmp_path, entry("acme_k8s_cluster.prod", {"endpoint": [{"is_public_ip_enabled": True}]},
                                          {"endpoint": [{"is_public_ip_enabled": False}]}))
    assert "cluster-api-exposed" not in found and label is Label.LIKELY_SAFE


def test_metadata_concealment_off(tmp_path: Path) -> None:
    def pool(mode: str) -> dict[str, Any]:
        return {"node_config": [{"workload_metadata_config": [{"mode": mode}]}]}
    _, found = judged(tmp_path, entry("acme_node_pool.general", pool("GKE_METADATA"), pool("GCE_METADATA")))
    assert found["cluster-api-exposed"] is Severity.HIGH
    label, found = judged(tmp_path, entry("acme_node_pool.general", pool("GCE_METADATA"), pool("GKE_METADATA")))
    assert "cluster-api-exposed" not in found and label is Label.LIKELY_SAFE


def test_a_ci_variable_unmasked(tmp_path: Path) -> None:
    secret = {"value": True}
    change = entry("acme_ci_variable.kubeconfig", {"value": "x", "masked": True, "protected": True},
                   {"value": "x", "masked": False, "protected": False}, after_sensitive=secret)
    change["change"]["before_sensitive"] = secret
    _, found = judged(tmp_path, change)
    assert found["variable-unmasked"] is Severity.HIGH
    label, found = judged(tmp_path, entry("acme_ci_variable.log_level", {"value": "info", "masked": True},
                                          {"value": "info", "masked": False}))
    assert "variable-unmasked" not in found and label is Label.LIKELY_SAFE
    label, found = judged(tmp_path, entry("acme_ci_variable.kubeconfig", {"masked": False, "protected": True},
                                          {"masked": True, "protected": True}))
    assert "variable-unmasked" not in found and label is Label.LIKELY_SAFE


def test_a_gitops_source_moved_to_another_owner(tmp_path: Path) -> None:
    def source(url: str, tag: str) -> dict[str, Any]:
        return manifest({"url": url, "ref": {"tag": tag}}, kind="GitRepository")
    _, found = judged(tmp_path, entry("kubernetes_manifest.src", source("https://github.com/acme/platform", "v1"),
                                      source("https://gitlab.com/jdoe/platform", "v1")))
    assert found["gitops-source-moved"] is Severity.HIGH
    label, found = judged(tmp_path, entry("kubernetes_manifest.src", source("https://github.com/acme/platform", "v1"),
                                          source("https://github.com/acme/platform", "v2")))
    assert "gitops-source-moved" not in found and label is Label.LIKELY_SAFE


def test_a_node_pool_delete_is_medium_while_its_cluster_stays(tmp_path: Path) -> None:
    pool = {"name": "batch", "size": "s-4vcpu", "auto_scale": True}
    label, found = judged(tmp_path, entry("acme_kubernetes_node_pool.batch", pool, None))
    assert found["resource-delete"] is Severity.MEDIUM and label is Label.LIKELY_SAFE
    _, found = judged(tmp_path, entry("acme_kubernetes_node_pool.kafka", {**pool, "data_volume_policy": "retain"},
                                      None))
    assert found["resource-delete"] is Severity.HIGH
    _, found = judged(tmp_path, entry("acme_kubernetes_node_pool.batch", pool, None),
                      entry("acme_kubernetes_cluster.prod", {"name": "prod"}, None))
    assert found["resource-delete"] is Severity.HIGH


def test_free_text_naming_an_open_range_opens_nothing(tmp_path: Path) -> None:
    label, found = judged(tmp_path, entry("acme_alert_policy.sg", None,
                                          {"name": "ingress 0.0.0.0/0 all ports opened", "query": "cidr 0.0.0.0/0"}))
    assert "network-open-ingress" not in found and label is Label.LIKELY_SAFE


def test_replacing_a_private_key_is_rotation(tmp_path: Path) -> None:
    key = {"algorithm": "ED25519", "public_key_openssh": "ssh-ed25519 AAAAOLD"}
    label, found = judged(tmp_path, entry("acme_private_key.deploy", key, {**key, "public_key_openssh": "new"},
                                          actions=["delete", "create"]))
    assert found["resource-replace"] is Severity.MEDIUM and label is Label.LIKELY_SAFE


def test_a_password_taken_out_of_helm_values_is_low_and_one_put_in_is_high(tmp_path: Path) -> None:
    held = ["grafana:\n  adminUser: admin\n  adminPassword: Tr0ub4dor-and-3\n"]
    clean = ["grafana:\n  ingress:\n    enabled: true\n"]
    label, found = judged(tmp_path, entry("helm_release.monitoring", {"values": held}, {"values": clean}))
    assert found["credential-in-plan"] is Severity.LOW and label is Label.LIKELY_SAFE
    label, found = judged(tmp_path, entry("helm_release.monitoring", {"values": clean}, {"values": held}))
    assert found["credential-in-plan"] is Severity.HIGH and label is Label.NEEDS_CLOSE_REVIEW


def test_hardening_a_security_context_is_not_a_guard_turned_off(tmp_path: Path) -> None:
    """privileged true → false under security_context is hardening; a scanner switched off inside it still counts."""
    def deployment(context: dict[str, Any]) -> dict[str, Any]:
        return {"metadata": [{"name": "shipper"}], "spec": [{"template": [{"spec": [{"container": [
            {"name": "shipper", "image": "shipper:1", "security_context": [context]}]}]}]}]}

    hardened = {"address": "kubernetes_deployment_v1.shipper", "mode": "managed", "type": "kubernetes_deployment_v1",
                "name": "shipper", "provider_name": "registry.terraform.io/hashicorp/kubernetes",
                "change": {"actions": ["update"],
                           "before": deployment({"privileged": True, "allow_privilege_escalation": True}),
                           "after": deployment({"privileged": False, "allow_privilege_escalation": False}),
                           "after_unknown": {}}}
    result = review_rules_alone(tmp_path, [hardened])
    assert "detection-disabled" not in worst_by_rule(result)
    assert result.label.value == "likely_safe"
    scanner = {**hardened, "address": "zeta_registry.r", "type": "zeta_registry", "name": "r",
               "change": {"actions": ["update"], "before": {"security": {"scan_on_push": True}},
                          "after": {"security": {"scan_on_push": False}}, "after_unknown": {}}}
    assert worst_by_rule(review_rules_alone(tmp_path, [scanner])).get("detection-disabled") == Severity.HIGH
