"""Identity by meaning on any provider: access ladders, always-true membership rules, match-all permissions and
access policies open to everyone, each with a benign look-alike."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.pipeline.test_rules_lane_ctrl import judge
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
