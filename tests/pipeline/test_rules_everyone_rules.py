"""A membership rule every account satisfies ("attribute is set") into an admin group, with look-alikes that stay
likely safe."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.pipeline.test_rules_controls_reach_lifecycle import judge
from tfreview.pipeline.findings import Severity

RULE = {"name": "Auto-assign ML admins", "status": "ACTIVE", "group_assignments": ["00g1mladmins"],
        "expression_value": 'user.department=="ML" AND user.title=="Staff"'}


@pytest.mark.parametrize(("resource_type", "key", "condition"), [
    ("okta_group_rule", "expression_value", "user.email!=null"),
    ("okta_group_rule", "expression_value", 'user.login != ""'),
    ("azuread_group_role", "membership_rule", "(user.objectId -ne null)"),
])
def test_a_rule_every_account_meets_into_an_admin_group_is_high(tmp_path: Path, resource_type: str, key: str,
                                                                condition: str) -> None:
    label, worst = judge(tmp_path, resource_type, RULE, {**RULE, key: condition})
    assert (label, worst.get("iam-privileged-role")) == ("needs_close_review", Severity.HIGH)


@pytest.mark.parametrize("after", [
    {**RULE, "expression_value": 'user.email!=null AND user.department=="ML"'},
    {**RULE, "name": "Everyone to all-staff", "group_assignments": ["00g1allstaff"],
     "expression_value": "user.email!=null"},
    {**RULE, "expression_value": 'user.department=="ML Platform"'},
])
def test_a_narrow_rule_or_an_ordinary_group_stays_likely_safe(tmp_path: Path, after: dict[str, Any]) -> None:
    label, worst = judge(tmp_path, "okta_group_rule", RULE, after)
    assert (label, worst.get("iam-privileged-role")) == ("likely_safe", None)
