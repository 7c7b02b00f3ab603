"""Changes a careful reviewer waves through (a private-default ACL removed, a non-production secret deleted into
its recovery window, merging opened to a lower role through review, a metrics export stopped beside kept logs, a
composite id that names a variable, a sibling service account beside an existing holder): each benign change
beside its risky twin of the same type, which stays high."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.helpers import review_rules_alone, worst_by_rule
from tfreview.labels import Label
from tfreview.pipeline.findings import Severity


def entry(address: str, before: Any, after: Any) -> dict[str, Any]:
    """One resource change by an invented provider: delete when AFTER is None, else update."""
    kind, name = address.split(".")
    actions = ["delete"] if after is None else ["update"]
    return {"address": address, "mode": "managed", "type": kind, "name": name,
            "provider_name": "registry.terraform.io/acme/nimbus",
            "change": {"actions": actions, "before": before, "after": after, "after_unknown": {},
                       "after_sensitive": {}}}


def judged(tmp_path: Path, address: str, before: Any, after: Any) -> tuple[Label, dict[str, Severity]]:
    result = review_rules_alone(tmp_path, [entry(address, before, after)])
    return result.label, worst_by_rule(result)


# --- an ACL holding only the private default ------------------------------------------------------------------
ACL = {"id": "ledger-files,private", "bucket": "ledger-files", "acl": "private", "access_control_policy": []}


def test_private_default_acl_deleted_is_safe(tmp_path: Path) -> None:
    label, worst = judged(tmp_path, "nimbus_bucket_acl.files", ACL, None)
    assert label is Label.LIKELY_SAFE and worst.get("resource-delete") is Severity.MEDIUM


def test_acl_with_grants_deleted_stays_high(tmp_path: Path) -> None:
    granted = {**ACL, "acl": "", "access_control_policy": [{"grant": [{"grantee": [{"id": "c0ffee42"}],
                                                                       "permission": "READ"}]}]}
    label, worst = judged(tmp_path, "nimbus_bucket_acl.files", granted, None)
    assert label is Label.NEEDS_CLOSE_REVIEW and worst.get("resource-delete") is Severity.HIGH


# --- a secret deleted into its recovery window ------------------------------------------------------------------
def secret(env: str, window: int) -> dict[str, Any]:
    return {"id": f"{env}/mailer/relay-password", "name": f"{env}/mailer/relay-password",
            "recovery_window_in_days": window, "tags": {"Environment": env}}


def test_dev_secret_deleted_into_a_recovery_window_is_safe(tmp_path: Path) -> None:
    label, worst = judged(tmp_path, "nimbus_vault_secret.relay", secret("dev", 30), None)
    assert label is Label.LIKELY_SAFE and worst.get("resource-delete") is Severity.MEDIUM


def test_production_secret_deleted_stays_high(tmp_path: Path) -> None:
    label, _worst = judged(tmp_path, "nimbus_vault_secret.relay", secret("prod", 30), None)
    assert label is Label.NEEDS_CLOSE_REVIEW


def test_dev_secret_deleted_at_once_stays_high(tmp_path: Path) -> None:
    label, _worst = judged(tmp_path, "nimbus_vault_secret.relay", secret("dev", 0), None)
    assert label is Label.NEEDS_CLOSE_REVIEW


def test_dev_key_scheduled_for_deletion_stays_high(tmp_path: Path) -> None:
    key = {"id": "k-41", "deletion_window_in_days": 30, "recovery_window_in_days": 30, "tags": {"Environment": "dev"}}
    label, _worst = judged(tmp_path, "nimbus_kms_key.relay", key, None)
    assert label is Label.NEEDS_CLOSE_REVIEW


# --- merging opened to a lower role, through review -------------------------------------------------------------
GUARD = {"id": "77:main", "branch": "main", "push_access_level": "no one", "merge_access_level": "maintainer",
         "allow_force_push": False, "code_owner_approval_required": True}


def test_developers_merging_reviewed_changes_is_safe(tmp_path: Path) -> None:
    label, _worst = judged(tmp_path, "forge_branch_protection.main", GUARD,
                           {**GUARD, "merge_access_level": "developer"})
    assert label is Label.LIKELY_SAFE


def test_developers_merging_without_approval_stays_high(tmp_path: Path) -> None:
    unreviewed = {**GUARD, "code_owner_approval_required": False}
    label, worst = judged(tmp_path, "forge_branch_protection.main", unreviewed,
                          {**unreviewed, "merge_access_level": "developer"})
    assert label is Label.NEEDS_CLOSE_REVIEW and worst.get("protection-disabled") is Severity.HIGH


def test_developers_merging_and_pushing_stays_high(tmp_path: Path) -> None:
    label, _worst = judged(tmp_path, "forge_branch_protection.main", GUARD,
                           {**GUARD, "merge_access_level": "developer", "push_access_level": "developer"})
    assert label is Label.NEEDS_CLOSE_REVIEW


# --- a metrics export stopped, logs kept -------------------------------------------------------------------------
def export(metrics: bool, audit: bool) -> dict[str, Any]:
    return {"id": "vault-7|to-siem", "name": "to-siem", "workspace_id": "ws-secops",
            "log": [{"category": "AuditEvent", "enabled": audit}],
            "metric": [{"category": "AllMetrics", "enabled": metrics}]}


def test_metrics_export_stopped_beside_kept_logs_is_safe(tmp_path: Path) -> None:
    label, worst = judged(tmp_path, "nimbus_monitor_diagnostic_setting.vault", export(True, True),
                          export(False, True))
    assert label is Label.LIKELY_SAFE and "detection-disabled" not in worst


def test_audit_log_export_stopped_stays_high(tmp_path: Path) -> None:
    label, _worst = judged(tmp_path, "nimbus_monitor_diagnostic_setting.vault", export(True, True),
                           export(True, False))
    assert label is Label.NEEDS_CLOSE_REVIEW


# --- a composite id that names a variable -------------------------------------------------------------------------
def variable(description: str, script: str = "") -> dict[str, Any]:
    return {"id": "5521:STAGE_API_PASSWORD:staging", "key": "STAGE_API_PASSWORD", "masked": True,
            "protected": True, "description": description, "script": script}


def test_composite_id_naming_a_password_variable_is_no_credential(tmp_path: Path) -> None:
    label, worst = judged(tmp_path, "forge_ci_variable.api", variable(""), variable("rotated in March"))
    assert label is Label.LIKELY_SAFE and "credential-in-plan" not in worst


def test_password_assigned_in_a_value_stays_high(tmp_path: Path) -> None:
    label, worst = judged(tmp_path, "forge_ci_variable.api", variable(""),
                          variable("", "export STAGE_API_PASSWORD=Qv7rTx2mWk"))
    assert label is Label.NEEDS_CLOSE_REVIEW and worst.get("credential-in-plan") is Severity.HIGH


# --- a sibling service account beside an existing holder ----------------------------------------------------------
def binding(role: str, *subjects: tuple[str, str]) -> dict[str, Any]:
    return {"id": "builder-edit", "role_ref": [{"api_group": "rbac.authorization.k8s.io", "kind": "ClusterRole",
                                                "name": role}],
            "subject": [{"api_group": "", "kind": "ServiceAccount", "name": name, "namespace": namespace}
                        for name, namespace in subjects]}


BUILDER = ("image-builder", "build")


def test_sibling_service_account_beside_an_edit_holder_is_safe(tmp_path: Path) -> None:
    label, worst = judged(tmp_path, "kubernetes_cluster_role_binding_v1.builder", binding("edit", BUILDER),
                          binding("edit", BUILDER, ("image-builder-arm", "build")))
    assert label is Label.LIKELY_SAFE and worst.get("iam-privileged-role") is Severity.MEDIUM


def test_service_account_of_another_namespace_stays_high(tmp_path: Path) -> None:
    label, _worst = judged(tmp_path, "kubernetes_cluster_role_binding_v1.builder", binding("edit", BUILDER),
                           binding("edit", BUILDER, ("storefront", "shop")))
    assert label is Label.NEEDS_CLOSE_REVIEW


def test_sibling_given_cluster_admin_stays_high(tmp_path: Path) -> None:
    label, _worst = judged(tmp_path, "kubernetes_cluster_role_binding_v1.builder", binding("cluster-admin", BUILDER),
                           binding("cluster-admin", BUILDER, ("image-builder-arm", "build")))
    assert label is Label.NEEDS_CLOSE_REVIEW
