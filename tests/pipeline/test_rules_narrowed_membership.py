"""A membership rule into an admin group keyed on an attribute users edit themselves (their title) is a widening,
unless it only AND-s more onto the condition of an active rule into the same groups that the plan deletes, keeps or
changes: everyone it can let in was already in. An OR, another group, or an inactive old rule stays high."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.helpers import review_rules_alone, worst_by_rule
from tfreview.pipeline.findings import Severity

DEPT = 'user.department == "Engineering"'


def rule(address: str, condition: str, group: str, actions: list[str], status: str = "ACTIVE") -> dict[str, Any]:
    values = {"name": f"{address.split('.')[-1]}-auto", "status": status, "expression_value": condition,
              "group_assignments": [group]}
    before, after = (values, None) if actions == ["delete"] else (None, values) if actions == ["create"] \
        else (values, values)
    kind, name = address.split(".")
    return {"address": address, "mode": "managed", "type": kind, "name": name,
            "change": {"actions": actions, "before": before, "after": after, "after_unknown": {}}}


def plan(new: str, old: str = DEPT, old_group: str = "00gAdmins", status: str = "ACTIVE",
         old_actions: tuple[str, ...] = ("delete",)) -> list[dict[str, Any]]:
    return [rule("acme_group_rule.everyone_eng", old, old_group, list(old_actions), status),
            rule("acme_group_rule.sre_admin", new, "00gAdmins", ["create"])]


@pytest.mark.parametrize("old_actions", [("delete",), ("no-op",)])
def test_a_self_edited_part_anded_onto_a_rule_in_force_widens_nothing(tmp_path: Path,
                                                                       old_actions: tuple[str, ...]) -> None:
    changes = plan(f'{DEPT} && user.title == "SRE"', old_actions=old_actions)
    assert "workforce-access" not in worst_by_rule(review_rules_alone(tmp_path, changes))


def test_a_narrowing_that_lets_in_someone_the_old_rule_left_out_stays_high(tmp_path: Path) -> None:
    changes = plan(f'{DEPT} && user.title == "SRE"')
    changes[0]["change"]["before"]["users_excluded"] = ["00uContractor"]
    assert worst_by_rule(review_rules_alone(tmp_path, changes)).get("workforce-access") == Severity.HIGH
    changes[1]["change"]["after"]["users_excluded"] = ["00uContractor"]
    assert "workforce-access" not in worst_by_rule(review_rules_alone(tmp_path, changes))


@pytest.mark.parametrize(("new", "old_group", "status"), [
    ('user.title == "SRE"', "00gAdmins", "ACTIVE"),  # the old condition dropped: anyone may set their title
    (f'{DEPT} || user.title == "SRE"', "00gAdmins", "ACTIVE"),  # an OR lets the title in alone
    (f'{DEPT} && user.title == "SRE"', "00gReadOnly", "ACTIVE"),  # the old rule put them somewhere else
    (f'{DEPT} && user.title == "SRE"', "00gAdmins", "INACTIVE"),  # the old rule let nobody in
])
def test_a_self_edited_rule_that_is_no_narrowing_stays_high(tmp_path: Path, new: str, old_group: str,
                                                            status: str) -> None:
    found = worst_by_rule(review_rules_alone(tmp_path, plan(new, old_group=old_group, status=status)))
    assert found.get("workforce-access") == Severity.HIGH
