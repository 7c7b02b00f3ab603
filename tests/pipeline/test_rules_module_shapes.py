"""Plans shaped like popular public modules: a peering whose far project only the peering names, ALL granted to a
quoted PUBLIC, an output named for a sensitive attribute, allow-only rules removed, a pushed secret rotated, a
value made secure, a preview module torn down; each with a look-alike on the other side of the line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.helpers import review_rules_alone, worst_by_rule
from tfreview.pipeline.findings import Severity


def entry(address: str, after: Any, before: Any = None, *, actions: list[str] | None = None,
          reason: str | None = None, sensitive: Any = None, replace: list[list[str]] | None = None,
          unknown: Any = None) -> dict[str, Any]:
    """One resource_changes entry of `terraform show -json` (an invented provider unless the type says)."""
    module, kind, name = address.rsplit(".", 2)
    name = name.split("[", 1)[0]
    acts = actions or (["create"] if before is None else ["update"])
    item: dict[str, Any] = {
        "address": address, "mode": "managed", "type": kind, "name": name,
        "provider_name": "registry.example.com/acme/acme",
        "change": {"actions": acts, "before": before, "after": after, "after_unknown": unknown or {},
                   "before_sensitive": sensitive or {}, "after_sensitive": {} if after is None else sensitive or {}}}
    if module:
        item["module_address"] = module
    if reason:
        item["action_reason"] = reason
    if replace:
        item["change"]["replace_paths"] = replace
    return item


def judge(tmp_path: Path, changes: list[dict[str, Any]], **sections: Any) -> tuple[dict[str, Severity], str]:
    result = review_rules_alone(tmp_path, changes, **sections)
    return worst_by_rule(result), result.label.value


def _peerings(far: str) -> list[dict[str, Any]]:
    near = "projects/northco-prod-11/global/networks/core"
    other = f"projects/{far}/global/networks/shared"
    return [entry("module.peer.meshco_network_peering.local", {"name": "a", "network": near, "peer_network": other,
                                                              "export_custom_routes": True}),
            entry("module.peer.meshco_network_peering.remote", {"name": "b", "network": other, "peer_network": near})]


def test_peering_whose_far_project_only_the_peerings_name_is_high(tmp_path: Path) -> None:
    rules, label = judge(tmp_path, _peerings("vendorx-shared-9"))
    assert rules.get("foreign-network-link") == Severity.HIGH and label == "needs_close_review"


def test_peering_to_a_project_named_like_the_plans_own_stays_safe(tmp_path: Path) -> None:
    rules, label = judge(tmp_path, _peerings("northco-shared-12"))
    assert rules.get("foreign-network-link") == Severity.MEDIUM and label == "likely_safe"


def _grant(role: str, everything: bool) -> list[dict[str, Any]]:
    return [entry('module.g.flakeco_grant_privileges_to_account_role.this["x"]',
                  {"account_role_name": role, "all_privileges": everything, "on_account": True,
                   "privileges": None if everything else ["MONITOR"]})]


def test_all_privileges_to_a_quoted_public_role_is_high(tmp_path: Path) -> None:
    rules, label = judge(tmp_path, _grant('"PUBLIC"', True))
    assert rules.get("iam-public-member") == Severity.HIGH and label == "needs_close_review"


def test_one_privilege_to_a_quoted_named_role_stays_safe(tmp_path: Path) -> None:
    _, label = judge(tmp_path, _grant('"ANALYST"', True))
    _, narrow = judge(tmp_path, _grant('"PUBLIC"', False))
    assert label == "likely_safe" and narrow == "likely_safe"


def _key_output(output: str, marked: bool = False) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    key = entry("module.obs.watchco_access_key.ingest", {"name": "collector", "kind": "INGEST"},
                sensitive={"key": True}, unknown={"key": True})
    out = {output: {"actions": ["create"], "before": None, "after": "WK-8H3QJX0Z8Y9W2V1U0TSRQ", "after_unknown": False,
                    "before_sensitive": False, "after_sensitive": marked}}
    return [key], out


def test_output_named_for_a_sensitive_attribute_is_a_leak(tmp_path: Path) -> None:
    changes, out = _key_output("ingest_key")
    rules, label = judge(tmp_path, changes, output_changes=out)
    assert rules.get("credential-leak") == Severity.HIGH and label == "needs_close_review"


def test_output_naming_the_keys_id_or_marked_sensitive_stays_safe(tmp_path: Path) -> None:
    for name, marked in (("ingest_key_id", False), ("ingest_key", True), ("ingest_kind", False)):
        changes, out = _key_output(name, marked)
        rules, label = judge(tmp_path, changes, output_changes=out)
        assert "credential-leak" not in rules and label == "likely_safe", name


def _rule_delete(before: dict[str, Any]) -> list[dict[str, Any]]:
    return [entry('module.net.cloudco_network_rule.rules["legacy"]', None, before, actions=["delete"],
                  reason="delete_because_each_key")]


def test_removing_a_rule_that_only_allows_narrows(tmp_path: Path) -> None:
    rule = {"name": "legacy", "direction": "INGRESS", "priority": 1000, "allow": [{"protocol": "tcp", "ports": ["21"]}],
            "source_ranges": ["10.0.0.0/8"]}
    rules, label = judge(tmp_path, _rule_delete(rule))
    assert rules.get("resource-delete") == Severity.MEDIUM and label == "likely_safe"


def test_removing_a_rule_that_denies_stays_high(tmp_path: Path) -> None:
    rule = {"name": "legacy", "direction": "INGRESS", "priority": 900, "allow": [],
            "deny": [{"protocol": "tcp", "ports": ["22"]}], "source_ranges": ["0.0.0.0/0"]}
    rules, label = judge(tmp_path, _rule_delete(rule))
    assert rules.get("resource-delete") == Severity.HIGH and label == "needs_close_review"


def _pushed(kind: str, attrs: dict[str, Any]) -> list[dict[str, Any]]:
    return [entry(f'module.repo.{kind}.this["DEPLOY_TOKEN"]', {**attrs, "encrypted_value": "b"},
                  {**attrs, "encrypted_value": "a"}, actions=["delete", "create"],
                  reason="replace_because_cannot_update", sensitive={"encrypted_value": True},
                  replace=[["encrypted_value"]])]


def test_pushed_ci_secret_rotated_by_replace_stays_safe(tmp_path: Path) -> None:
    rules, label = judge(tmp_path, _pushed("gitco_pipeline_secret", {"repository": "web", "secret_name": "T"}))
    assert rules.get("resource-replace") == Severity.MEDIUM and label == "likely_safe"


def test_secret_store_replaced_stays_high(tmp_path: Path) -> None:
    rules, label = judge(tmp_path, _pushed("vaultco_secretsmanager_secret", {"name": "T"}))
    assert rules.get("resource-replace") == Severity.HIGH and label == "needs_close_review"


def _parameter(kind_before: str, kind_after: str, value_after: Any = "v") -> list[dict[str, Any]]:
    unknown = {"value": True} if value_after is None else {}
    return [entry("module.cfg.aws_ssm_parameter.this[0]", {"name": "/p/url", "type": kind_after, "value": value_after},
                  {"name": "/p/url", "type": kind_before, "value": "v"}, actions=["delete", "create"],
                  reason="replace_because_cannot_update", sensitive={"value": True}, replace=[["type"]],
                  unknown=unknown)]


def test_parameter_made_secure_by_replace_stays_safe(tmp_path: Path) -> None:
    rules, label = judge(tmp_path, _parameter("String", "SecureString"))
    assert rules.get("resource-replace") == Severity.MEDIUM and label == "likely_safe"


def test_parameter_made_plain_or_with_unknown_value_stays_high(tmp_path: Path) -> None:
    for args in (("SecureString", "String"), ("String", "SecureString", None)):
        rules, label = judge(tmp_path, _parameter(*args))
        assert rules.get("resource-replace") == Severity.HIGH and label == "needs_close_review", args


def _teardown(module: str, kind: str = "shipco_app") -> list[dict[str, Any]]:
    app = {"spec": [{"name": "web", "service": [{"name": "web", "instance_count": 1}]}], "id": "a1"}
    return [entry(f"{module}.{kind}.this[0]", None, app, actions=["delete"], reason="delete_because_count_index")]


def test_preview_module_torn_down_stays_safe(tmp_path: Path) -> None:
    for module in ("module.preview_pr_412", "module.web_pr_88", 'module.envs["pr-17"]'):
        rules, label = judge(tmp_path, _teardown(module))
        assert rules.get("resource-delete") == Severity.MEDIUM and label == "likely_safe", module


def test_teardown_outside_a_preview_or_of_a_store_stays_high(tmp_path: Path) -> None:
    for module, kind in (("module.review_api", "shipco_app"), ("module.production", "shipco_app"),
                         ("module.preview_pr_412", "shipco_database_cluster")):
        rules, label = judge(tmp_path, _teardown(module, kind))
        assert rules.get("resource-delete") == Severity.HIGH and label == "needs_close_review", module


def _workload_deleted(kind: str, namespace: str, volumes: bool = False) -> list[dict[str, Any]]:
    """A Kubernetes workload deleted with its block: only its namespace says which environment it served."""
    spec: dict[str, Any] = {"replicas": "1"}
    if volumes:
        spec["volume_claim_template"] = [{"metadata": [{"name": "data"}]}]
    before = {"id": f"{namespace}/web", "metadata": [{"name": "web", "namespace": namespace}], "spec": [spec]}
    return [{"address": f"{kind}.web", "mode": "managed", "type": kind, "name": "web",
             "provider_name": "registry.terraform.io/hashicorp/kubernetes",
             "action_reason": "delete_because_no_resource_config",
             "change": {"actions": ["delete"], "before": before, "after": None, "after_unknown": {},
                        "before_sensitive": {}, "after_sensitive": False}}]


def test_a_stateless_workload_in_a_preview_namespace_goes_with_its_preview(tmp_path: Path) -> None:
    found, label = judge(tmp_path, _workload_deleted("kubernetes_deployment_v1", "preview-pr-1841"))
    assert found.get("resource-delete") is Severity.MEDIUM and label == "likely_safe"


def test_a_workload_holding_volumes_stays_high_a_stateless_one_anywhere_is_medium(tmp_path: Path) -> None:
    # A Deployment with no claim holds nothing wherever it runs (kubernetes.py); its volumes are what decide.
    assert judge(tmp_path, _workload_deleted("kubernetes_deployment_v1", "payments"))[0]["resource-delete"] \
        is Severity.MEDIUM
    assert judge(tmp_path, _workload_deleted("kubernetes_deployment_v1", "payments", volumes=True))[0][
        "resource-delete"] is Severity.HIGH
    assert judge(tmp_path, _workload_deleted("kubernetes_stateful_set_v1", "preview-pr-1841", volumes=True))[0][
        "resource-delete"] is Severity.HIGH
