"""Identity and credentials: members added to a group an admin role is granted to, credential-bearing
objects with admin scopes, secrets copied into plain variables or outputs named as secrets, and deletes that
narrow access (grants, share links, directory users); each with a benign look-alike that stays likely safe."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.helpers import review_rules_alone, worst_by_rule
from tests.pipeline.test_rules_controls_reach_lifecycle import judge
from tfreview.pipeline.findings import Severity


def _change(address: str, actions: list[str], before: Any, after: Any, unknown: Any = None,
            sensitive: Any = None) -> dict[str, Any]:
    resource_type, name = address.split(".")
    return {"address": address, "mode": "managed", "type": resource_type, "name": name,
            "provider_name": "registry.terraform.io/acme/acme",
            "change": {"actions": actions, "before": before, "after": after, "after_unknown": unknown or {},
                       "after_sensitive": sensitive or {}}}


@pytest.mark.parametrize(("role", "risky"), [("SUPER_ADMIN", True), ("HELP_DESK_VIEWER", False)])
def test_members_added_to_a_group_granted_an_admin_role(tmp_path: Path, role: str, risky: bool) -> None:
    group = {"id": "g1", "group_id": "g1", "users": ["u1"]}
    result = review_rules_alone(tmp_path, [
        _change("zenid_group_memberships.ops", ["update"], group, {**group, "users": ["u1", "u9"]}),
        _change("zenid_group_role.ops", ["no-op"], {"group_id": "g1", "role_type": role},
                {"group_id": "g1", "role_type": role})])
    assert (result.label.value == "needs_close_review") is risky
    assert (worst_by_rule(result).get("iam-privileged-role") is Severity.HIGH) is risky


def test_members_removed_from_an_admin_group_is_not_a_grant(tmp_path: Path) -> None:
    group = {"id": "g1", "group_id": "g1", "users": ["u1", "u9"]}
    result = review_rules_alone(tmp_path, [
        _change("zenid_group_memberships.ops", ["update"], group, {**group, "users": ["u1"]}),
        _change("zenid_group_role.ops", ["no-op"], {"group_id": "g1", "role_type": "SUPER_ADMIN"},
                {"group_id": "g1", "role_type": "SUPER_ADMIN"})])
    assert result.label.value == "likely_safe"


@pytest.mark.parametrize(("scopes", "risky"), [(["repo:*:push", "org:admin"], True), (["repo:web:pull"], False)])
def test_a_new_robot_account_with_admin_scopes(tmp_path: Path, scopes: list[str], risky: bool) -> None:
    result = review_rules_alone(tmp_path, [_change("dockhand_robot_account.ci", ["create"], None,
                                                   {"name": "ci", "scopes": scopes}, {"id": True, "token": True})])
    assert (result.label.value == "needs_close_review") is risky


def _variable_plan(tmp_path: Path, variable_type: str, attribute: str) -> dict[str, Severity]:
    configuration = {"root_module": {"resources": [
        {"address": "dockhand_robot_account.ci", "mode": "managed", "type": "dockhand_robot_account", "name": "ci",
         "expressions": {"name": {"constant_value": "ci"}}},
        {"address": f"{variable_type}.v", "mode": "managed", "type": variable_type, "name": "v",
         "expressions": {"value": {"references": [f"dockhand_robot_account.ci.{attribute}",
                                                  "dockhand_robot_account.ci"]}}}]}}
    result = review_rules_alone(tmp_path, [
        _change("dockhand_robot_account.ci", ["create"], None, {"name": "ci", "scopes": ["repo:web:pull"]},
                {"id": True, "token": True}, {"token": True}),
        _change(f"{variable_type}.v", ["create"], None, {"repository": "web"}, {"value": True},
                {"value": True})], configuration=configuration)
    return worst_by_rule(result)


def test_a_token_written_to_a_plain_variable_leaks(tmp_path: Path) -> None:
    assert _variable_plan(tmp_path, "forge_actions_variable", "token").get("credential-leak") is Severity.HIGH


@pytest.mark.parametrize(("variable_type", "attribute"), [("forge_actions_secret", "token"),
                                                          ("forge_actions_variable", "name")])
def test_a_token_in_a_secret_or_a_name_in_a_variable_is_fine(tmp_path: Path, variable_type: str,
                                                             attribute: str) -> None:
    assert "credential-leak" not in _variable_plan(tmp_path, variable_type, attribute)


@pytest.mark.parametrize(("name", "risky"), [("ci_secret_key", True), ("ci_access_key_id", False)])
def test_an_output_named_as_a_secret_without_configuration(tmp_path: Path, name: str, risky: bool) -> None:
    result = review_rules_alone(tmp_path, [], output_changes={name: {
        "actions": ["create"], "before": None, "after": None, "after_unknown": True,
        "before_sensitive": False, "after_sensitive": False}})
    assert ("credential-leak" in worst_by_rule(result)) is risky


@pytest.mark.parametrize(("resource_type", "before", "severity"), [
    ("wareflake_grant_account_role", {"role_name": "ETL", "grantee": "svc"}, Severity.MEDIUM),
    ("wareflake_grant_account_role", {"role_name": "DENY_EXPORT", "grantee": "svc"}, Severity.HIGH),
    ("cloudbox_objectstorage_preauthrequest", {"bucket": "exports", "access_type": "ObjectRead"}, Severity.MEDIUM),
    ("cloudbox_iam_user", {"name": "legacy-ci"}, Severity.MEDIUM),
    ("cloudbox_iam_role", {"name": "app-runtime"}, Severity.HIGH),
    ("cloudbox_robot_user", {"name": "deployer"}, Severity.HIGH),
    ("cloudbox_mysql_user", {"user": "app"}, Severity.HIGH),
])
def test_deletes_that_narrow_access(tmp_path: Path, resource_type: str, before: Any, severity: Severity) -> None:
    _, worst = judge(tmp_path, resource_type, before, None)
    assert worst.get("resource-delete") is severity
