"""Niche providers: tokens issued as a full-admin kind, sign-in protections and password strength
lowered, non-production monitoring deleted, branch clean-up on merge; each with a benign look-alike (invented
providers, so the rules must go by what attributes mean)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.helpers import review_rules_alone, worst_by_rule
from tfreview.pipeline.findings import Severity


def _change(address: str, actions: list[str], before: Any, after: Any, unknown: Any = None,
            reason: str | None = None) -> dict[str, Any]:
    resource_type, name = address.split(".")
    change: dict[str, Any] = {"address": address, "mode": "managed", "type": resource_type, "name": name,
                              "provider_name": "registry.terraform.io/acme/acme",
                              "change": {"actions": actions, "before": before, "after": after,
                                         "after_unknown": unknown or {}}}
    if reason:
        change["action_reason"] = reason
    return change


@pytest.mark.parametrize(("kind", "policies", "risky"), [
    ("management", None, True), ("root", None, True), ("superuser", [], True),
    ("client", ["deploy-readonly"], False), ("client", ["ci-jobs"], False)])
def test_a_token_issued_as_a_full_admin_kind(tmp_path: Path, kind: str, policies: Any, risky: bool) -> None:
    result = review_rules_alone(tmp_path, [_change(
        "orbit_acl_token.ci", ["create"], None, {"name": "ci-bot", "type": kind, "policies": policies,
                                                "global": True}, {"secret_id": True, "accessor_id": True})])
    assert (result.label.value == "needs_close_review") is risky
    assert (worst_by_rule(result).get("iam-privileged-role") is Severity.HIGH) is risky


@pytest.mark.parametrize(("before", "after", "risky"), [
    ({"brute_force_protection": True}, {"brute_force_protection": False}, True),
    ({"breached_password_detection": {"enabled": True}}, {"breached_password_detection": {"enabled": False}}, True),
    ({"account_lockout_enabled": True}, {"account_lockout_enabled": False}, True),
    ({"password_policy": "good"}, {"password_policy": "none"}, True),
    ({"password_policy": "excellent"}, {"password_policy": "fair"}, True),
    # look-alikes: protections turned on, the policy made stronger
    ({"brute_force_protection": False}, {"brute_force_protection": True}, False),
    ({"password_policy": "fair"}, {"password_policy": "excellent"}, False),
    ({"disable_brute_force_protection": False}, {"disable_brute_force_protection": False}, False)])
def test_sign_in_protections_and_password_strength(tmp_path: Path, before: dict[str, Any], after: dict[str, Any],
                                                   risky: bool) -> None:
    base = {"name": "users", "strategy": "database"}
    result = review_rules_alone(tmp_path, [_change("keyhole_connection.users", ["update"],
                                                   {**base, "options": [before]}, {**base, "options": [after]})])
    assert (result.label.value == "needs_close_review") is risky
    assert (worst_by_rule(result).get("auth-weakened") is Severity.HIGH) is risky


@pytest.mark.parametrize(("name", "risky"), [("sandbox-test (delete me)", False), ("staging checkout", False),
                                             ("payments", True), ("sandbox copy of prod", True)])
def test_monitoring_deleted_by_its_own_name(tmp_path: Path, name: str, risky: bool) -> None:
    result = review_rules_alone(tmp_path, [_change("pagerduty_service.svc", ["delete"],
                                                   {"name": name, "escalation_policy": "P1"}, None,
                                                   reason="delete_because_no_resource_config")])
    assert (result.label.value == "needs_close_review") is risky


@pytest.mark.parametrize(("attribute", "types", "risky"), [
    ("delete_branch_on_merge", "gitvault_repository", False),
    ("allows_deletions", "gitvault_branch_protection", True),
    ("delete_on_termination", "acme_volume_attachment", True)])
def test_branch_clean_up_on_merge_is_not_a_destroy_guard(tmp_path: Path, attribute: str, types: str,
                                                         risky: bool) -> None:
    result = review_rules_alone(tmp_path, [_change(f"{types}.main", ["update"], {"name": "api", attribute: False},
                                                   {"name": "api", attribute: True})])
    assert (worst_by_rule(result).get("protection-disabled") is Severity.HIGH) is risky
