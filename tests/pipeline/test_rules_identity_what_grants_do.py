"""What grants can do, on any provider: identity-managing permissions, admin roles to everyone, wildcard tokens,
plain-language policy statements, enforcing access policies switched off, built-in admin policies by name, and
read-only qualifiers that outrank "admin"; each with a benign look-alike that stays likely safe."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.pipeline.test_rules_controls_reach_lifecycle import judge
from tfreview.pipeline.findings import Severity
from tfreview.pipeline.rules.statements import judge as judge_statement

ROLE = "iam-privileged-role"
PERMS = [{"id": "p1", "name": "metrics_read"}]


@pytest.mark.parametrize(("added", "risky"), [
    ("members_access_manage", True), ("grant-roles", True), ("identity:write", True), ("alerts_read", False),
    ("reports_manage_layout", False),
])
def test_a_role_is_judged_by_what_it_can_grant(tmp_path: Path, added: str, risky: bool) -> None:
    after = {"name": "support", "permission": [*PERMS, {"id": "p2", "name": added}]}
    label, worst = judge(tmp_path, "gaugely_role", {"name": "support", "permission": PERMS}, after)
    assert (label, worst.get(ROLE)) == (("needs_close_review", Severity.HIGH) if risky else ("likely_safe", None))


def test_removing_an_identity_permission_is_not_reported(tmp_path: Path) -> None:
    before = {"name": "ops", "permission": [*PERMS, {"id": "p2", "name": "members_access_manage"}]}
    label, worst = judge(tmp_path, "gaugely_role", before, {"name": "ops", "permission": PERMS})
    assert (label, worst.get(ROLE)) == ("likely_safe", None)


@pytest.mark.parametrize(("role", "risky"), [("tenant-owner", True), ("tenant-viewer", False)])
def test_a_binding_of_an_admin_role(tmp_path: Path, role: str, risky: bool) -> None:
    after = {"org": "o", "role": role, "subjects": [{"kind": "user", "name": "alice"}]}
    label, _ = judge(tmp_path, "permkit_binding", None, after)
    assert label == ("needs_close_review" if risky else "likely_safe")


@pytest.mark.parametrize(("scopes", "risky"), [(["tenant:*"], True), (["admin"], True),
                                                (["reports:finance:read"], False)])
def test_a_new_token_with_wildcard_or_admin_scope(tmp_path: Path, scopes: list[str], risky: bool) -> None:
    label, worst = judge(tmp_path, "keysmith_service_token", None, {"name": "etl", "scopes": scopes, "ttl_days": 0})
    assert (label == "needs_close_review") is risky
    assert (worst.get(ROLE) is Severity.HIGH) is risky


@pytest.mark.parametrize(("scopes", "risky"), [(["idp.users.manage"], True), (["idp.roles.manage"], True),
                                                (["idp.users.read", "idp.apps.read"], False)])
def test_oauth_scopes_that_manage_identity_objects(tmp_path: Path, scopes: list[str], risky: bool) -> None:
    label, _ = judge(tmp_path, "idpco_app_oauth_api_scope", None, {"app_id": "a1", "scopes": scopes})
    assert label == ("needs_close_review" if risky else "likely_safe")


@pytest.mark.parametrize(("statement", "expected"), [
    ("Allow group Ops to manage all-resources in tenancy", Severity.HIGH),
    ("allow group Ops to manage policies in tenancy", Severity.HIGH),
    ("Allow any-user to manage buckets in compartment shared", Severity.HIGH),
    ("Allow group Ops to manage all-resources in compartment dev", Severity.MEDIUM),
    ("Allow group Ops to read buckets in compartment sandbox", None),
    ("Allow group Ops to inspect all-resources in tenancy", None),
    ("Allow group Ops to manage object-family in compartment sandbox", None),
])
def test_plain_language_statements_by_verb_and_scope(statement: str, expected: Severity | None) -> None:
    verdict = judge_statement(statement)
    assert (verdict[0] if verdict else None) is expected


@pytest.mark.parametrize(("statement", "risky"), [("Allow group C to manage all-resources in tenancy", True),
                                                  ("Allow group C to read buckets in compartment sandbox", False)])
def test_plain_language_policy_in_a_plan(tmp_path: Path, statement: str, risky: bool) -> None:
    before = {"name": "c", "statements": ["Allow group C to use instances in compartment dev"]}
    label, _ = judge(tmp_path, "cloudco_identity_policy", before, {**before, "statements": [statement]})
    assert label == ("needs_close_review" if risky else "likely_safe")


CA: dict[str, Any] = {"display_name": "require mfa", "grant_controls": [{"built_in_controls": ["mfa"]}]}


@pytest.mark.parametrize(("old", "new", "risky"), [
    ("enabled", "disabled", True), ("enabled", "enabledForReportingButNotEnforced", True),
    ("enabledForReportingButNotEnforced", "enabled", False), ("disabled", "enabled", False),
])
def test_an_enforcing_access_policy_switched_off(tmp_path: Path, old: str, new: str, risky: bool) -> None:
    label, worst = judge(tmp_path, "entraish_conditional_access_policy", {**CA, "state": old}, {**CA, "state": new})
    assert (label == "needs_close_review") is risky
    assert (worst.get("auth-weakened") is Severity.HIGH) is risky


@pytest.mark.parametrize(("key", "name", "risky"), [
    ("policy_name", "AdministratorAccess", True), ("policy_arn", "acs:ram::1:policy/TenantAdmin", True),
    ("policy_name", "ComputeReadOnlyAccess", False), ("policy_name", "AdminReadOnlyAccess", False),
])
def test_a_built_in_admin_policy_attached_by_name(tmp_path: Path, key: str, name: str, risky: bool) -> None:
    label, _ = judge(tmp_path, "nimbus_ram_user_policy_attachment", None, {"user_name": "bot", key: name})
    assert label == ("needs_close_review" if risky else "likely_safe")


@pytest.mark.parametrize(("role", "risky"), [("READ_ONLY_ADMIN", False), ("admin-viewer", False),
                                             ("AuditorAdmin", False), ("ORG_ADMIN", True), ("SUPER_ADMIN", True)])
def test_read_only_qualifiers_outrank_admin(tmp_path: Path, role: str, risky: bool) -> None:
    label, _ = judge(tmp_path, "idpco_group_role", None, {"group_id": "g1", "role_type": role})
    assert label == ("needs_close_review" if risky else "likely_safe")
