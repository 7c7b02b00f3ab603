"""Session 22, the secrets lane's principles (hidden-like-37), each with a risky plan written differently from its
fixture and a benign look-alike that must stay quiet."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.pipeline.test_rules_detectors_through_configuration import judge, resource
from tfreview.pipeline.findings import Severity


def high(found: dict[str, Severity]) -> bool:
    return any(severity.rank >= Severity.HIGH.rank for severity in found.values())


# --- a membership rule's required parts made alternatives (AND → OR) --------------------------------------------

def _membership(tmp_path: Path, old: str, new: str, group: str) -> dict[str, Severity]:
    before = {"display_name": group, "membership_rule": old, "state": "On"}
    return judge(tmp_path, [resource("azuread_group.dynamic", {**before, "membership_rule": new}, before)])


def test_required_parts_made_alternatives_into_an_admin_group_are_held(tmp_path: Path) -> None:
    found = _membership(tmp_path, '(user.department -eq "SRE") -and (user.jobTitle -eq "On-call")',
                        '(user.department -eq "SRE") -or (user.jobTitle -eq "On-call")', "Subscription Owners")
    assert found.get("workforce-access") is Severity.HIGH


@pytest.mark.parametrize(("old", "new", "group"), [
    # the same widening into a group that grants nothing privileged
    ('user.department -eq "SRE" -and user.jobTitle -eq "On-call"',
     'user.department -eq "SRE" -or user.jobTitle -eq "On-call"', "oncall-newsletter"),
    # alternatives made requirements: a narrowing
    ('user.department -eq "SRE" -or user.jobTitle -eq "On-call"',
     'user.department -eq "SRE" -and user.jobTitle -eq "On-call"', "Subscription Owners"),
    # an OR clause that keeps every requirement and adds a stricter alternative of the same parts
    ('user.department -eq "SRE" -and user.jobTitle -eq "On-call"',
     'user.department -eq "SRE" -and user.jobTitle -eq "On-call" -and user.country -eq "DE"', "Subscription Owners"),
])
def test_narrowing_or_a_plain_group_is_not(tmp_path: Path, old: str, new: str, group: str) -> None:
    assert "workforce-access" not in _membership(tmp_path, old, new, group)
