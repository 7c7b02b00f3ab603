"""Session 22, the secrets lane's principles (hidden-like-37), each with a risky plan written differently from its
fixture and a benign look-alike that must stay quiet."""

from __future__ import annotations

from pathlib import Path
from typing import Any

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


# --- a managed, rotated password given up for one the plan shows in clear ---------------------------------------

def _static_password(tmp_path: Path, sensitive: bool, managed_after: bool | None = False) -> dict[str, Severity]:
    before = {"cluster_identifier": "finance", "manage_master_password": True, "master_password": None}
    after = {**before, "manage_master_password": managed_after, "master_password": "Finance!Winter-2026"}
    cluster = resource("aws_redshift_cluster.finance", after, before, sensitive={"master_password": True})
    declared: dict[str, Any] = {"description": "admin password"} | ({"sensitive": True} if sensitive else {})
    configuration = {"root_module": {"resources": [{
        "address": "aws_redshift_cluster.finance", "mode": "managed", "type": "aws_redshift_cluster",
        "name": "finance", "expressions": {"master_password": {"references": ["var.finance_admin_password"]},
                                           "manage_master_password": {"constant_value": managed_after}}}],
        "variables": {"finance_admin_password": declared}}}
    return judge(tmp_path, [cluster], configuration=configuration,
                 variables={"finance_admin_password": {"value": "Finance!Winter-2026"}})


def test_a_managed_password_given_up_for_a_variable_shown_in_clear_is_held(tmp_path: Path) -> None:
    assert _static_password(tmp_path, sensitive=False).get("secret-in-code") is Severity.HIGH


@pytest.mark.parametrize(("sensitive", "managed_after"), [(True, False), (False, True)])
def test_a_sensitive_variable_or_a_kept_managed_password_is_not(tmp_path: Path, sensitive: bool,
                                                                managed_after: bool) -> None:
    assert not high(_static_password(tmp_path, sensitive, managed_after))
