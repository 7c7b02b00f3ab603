"""An automatic membership rule whose condition every account meets (an address holding "@", a login of any
length, an active status) admits everyone: high when the group is privileged or nothing in its names says it is
meant for everyone; a rule on one department, or an all-staff group, is not."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import review_rules_alone, worst_by_rule
from tfreview.pipeline.findings import Severity


def rule(condition: str, name: str = "sre only - auto assign", group: str = "00g9x1Grp") -> dict[str, object]:
    after = {"name": name, "status": "ACTIVE", "expression_type": "urn:okta:expression:1.0",
             "expression_value": condition, "group_assignments": [group]}
    return {"address": "okta_group_rule.r", "mode": "managed", "type": "okta_group_rule", "name": "r",
            "change": {"actions": ["create"], "before": None, "after": after, "after_unknown": {}}}


@pytest.mark.parametrize("condition", ['String.stringContains(user.email, "@")', "String.len(user.login) > 0",
                                       "user.email.contains('@')", "(user.userPrincipalName -contains \"@\")",
                                       "(user.accountEnabled -eq true)"])
def test_a_condition_every_account_meets_admits_everyone(tmp_path: Path, condition: str) -> None:
    found = worst_by_rule(review_rules_alone(tmp_path, [rule(condition)]))
    assert found.get("iam-privileged-role") == Severity.HIGH


@pytest.mark.parametrize("condition", [
    "user.department == \"SRE\"", 'String.stringContains(user.title, "@")',
    'String.stringContains(user.email, "@sre.acme.io") AND user.department == "SRE"'])
def test_a_condition_on_a_department_or_an_unrelated_attribute_does_not(tmp_path: Path, condition: str) -> None:
    assert "iam-privileged-role" not in worst_by_rule(review_rules_alone(tmp_path, [rule(condition)]))


def test_everyone_into_an_all_staff_group_is_what_it_says(tmp_path: Path) -> None:
    staff = rule('String.stringContains(user.email, "@")', name="all staff - auto assign")
    assert "iam-privileged-role" not in worst_by_rule(review_rules_alone(tmp_path, [staff]))
    admins = rule('String.stringContains(user.email, "@")', name="all staff - auto assign", group="00gAdminsGrp")
    assert worst_by_rule(review_rules_alone(tmp_path, [admins])).get("iam-privileged-role") == Severity.HIGH
