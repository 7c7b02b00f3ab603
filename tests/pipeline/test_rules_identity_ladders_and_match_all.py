"""Identity by meaning on any provider: access ladders, always-true membership rules, match-all permissions and
access policies open to everyone, each with a benign look-alike."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.pipeline.test_rules_controls_reach_lifecycle import judge
from tfreview.pipeline.findings import Severity

TEAM = {"team_id": "team-a", "workspace_id": "ws-1"}


@pytest.mark.parametrize(("resource_type", "key", "old", "new", "severity"), [
    ("tfe_team_access", "access", "read", "admin", Severity.HIGH),
    ("gitlab_project_membership", "access_level", "developer", "owner", Severity.HIGH),
    ("acme_team_permission", "permission", "read", "write", Severity.MEDIUM),
    ("acme_team_access", "level", "write", "maintain", Severity.MEDIUM),
])
def test_access_moving_up_a_ladder(tmp_path: Path, resource_type: str, key: str, old: str, new: str,
                                   severity: Severity) -> None:
    label, worst = judge(tmp_path, resource_type, {**TEAM, key: old}, {**TEAM, key: new})
    assert worst.get("iam-privileged-role") is severity
    assert label == ("needs_close_review" if severity is Severity.HIGH else "likely_safe")


@pytest.mark.parametrize(("old", "new"), [("admin", "read"), ("maintain", "write"), ("write", "read")])
def test_access_moving_down_a_ladder_is_not_reported(tmp_path: Path, old: str, new: str) -> None:
    label, worst = judge(tmp_path, "tfe_team_access", {**TEAM, "access": old}, {**TEAM, "access": new})
    assert (label, worst.get("iam-privileged-role")) == ("likely_safe", None)


RULE = {"name": "auto-assign", "status": "ACTIVE", "group_assignments": ["00g-superadmins"]}


@pytest.mark.parametrize("condition", ["true", "1==1", "  ", "user.x -eq user.x"])
def test_always_true_membership_rule_into_a_privileged_group(tmp_path: Path, condition: str) -> None:
    label, worst = judge(tmp_path, "okta_group_rule", None, {**RULE, "expression_value": condition})
    assert (label, worst.get("iam-privileged-role")) == ("needs_close_review", Severity.HIGH)


@pytest.mark.parametrize(("condition", "group"), [('user.department == "IT"', "00g-superadmins"),
                                                  ("true", "00g-all-staff")])
def test_narrow_rule_or_ordinary_group_is_not_reported(tmp_path: Path, condition: str, group: str) -> None:
    after = {**RULE, "expression_value": condition, "group_assignments": [group]}
    label, worst = judge(tmp_path, "okta_group_rule", None, after)
    assert (label, worst.get("iam-privileged-role")) == ("likely_safe", None)


BROKER = {"vhost": "/orders", "user": "guest", "configure": "^$", "write": "^$", "read": "^events\\..*"}


@pytest.mark.parametrize(("changes", "severity"), [
    ({"configure": ".*", "write": ".*", "read": ".*"}, Severity.HIGH),
    ({"read": ".*"}, Severity.HIGH),
    ({"user": "reporting", "read": ".*"}, Severity.MEDIUM),
    ({"user": "app", "write": "#"}, Severity.HIGH),
])
def test_permissions_widened_to_match_all(tmp_path: Path, changes: dict[str, str], severity: Severity) -> None:
    _, worst = judge(tmp_path, "acme_vhost_permission", {**BROKER, **changes, **{
        k: "^$" for k in changes if k != "user"}}, {**BROKER, **changes})
    assert worst.get("iam-wildcard") is severity


def test_narrow_permission_patterns_are_not_reported(tmp_path: Path) -> None:
    after = {**BROKER, "write": "^orders\\..*", "read": "^(events|orders)\\..*"}
    label, worst = judge(tmp_path, "acme_vhost_permission", BROKER, after)
    assert (label, worst.get("iam-wildcard")) == ("likely_safe", None)


def test_database_grant_of_all_privileges(tmp_path: Path) -> None:
    before = {"role": "app", "database": "orders", "privileges": ["SELECT"]}
    label, worst = judge(tmp_path, "acme_grant", before, {**before, "privileges": ["ALL"]})
    assert worst.get("iam-wildcard") is Severity.HIGH
    label, worst = judge(tmp_path, "acme_grant", before, {**before, "privileges": ["SELECT", "INSERT"]})
    assert (label, worst.get("iam-wildcard")) == ("likely_safe", None)


POLICY = {"name": "grafana", "precedence": 1, "decision": "allow", "exclude": [],
          "include": [{"email_domain": ["acme.io"], "everyone": False}]}


@pytest.mark.parametrize("after", [
    {**POLICY, "decision": "bypass", "include": [{"email_domain": [], "everyone": True}]},
    {**POLICY, "include": [{"any_valid_service_token": True}]},
])
def test_access_policy_open_to_everyone(tmp_path: Path, after: dict[str, object]) -> None:
    label, worst = judge(tmp_path, "cloudflare_access_policy", POLICY, after)
    assert (label, worst.get("iam-public-member")) == ("needs_close_review", Severity.HIGH)


@pytest.mark.parametrize("after", [
    {**POLICY, "include": [{"group": ["sre"], "everyone": False}]},
    {**POLICY, "decision": "deny", "include": [{"everyone": True}]},
    {**POLICY, "exclude": [{"everyone": True}]},
])
def test_access_policy_for_a_named_group_or_denying_is_not_reported(tmp_path: Path, after: dict[str, object]) -> None:
    label, worst = judge(tmp_path, "cloudflare_access_policy", POLICY, after)
    assert (label, worst.get("iam-public-member")) == ("likely_safe", None)
