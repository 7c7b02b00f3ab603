"""Everyone added to a grant of any provider, and allow-only managed policies detached; each with a benign
look-alike."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.helpers import review_rules_alone, worst_by_rule
from tests.pipeline.test_rules_identity_memberships_and_trust import entry
from tfreview.pipeline.findings import Severity

PUBLIC = "iam-public-member"
DELETE = "resource-delete"


def worst(tmp_path: Path, changes: list[dict[str, Any]]) -> dict[str, Severity]:
    return worst_by_rule(review_rules_alone(tmp_path, changes))


def _binding(members_after: list[str], role: str = "owner") -> dict[str, Any]:
    before = {"project_id": "p-1", "role": role, "members": ["group:admins@example.org"]}
    return entry("zeta_project_iam_binding.ops", ["update"], before, {**before, "members": members_after})


def test_unknown_provider_binding_gaining_all_authenticated_users_is_high(tmp_path: Path) -> None:
    change = _binding(["group:admins@example.org", "allAuthenticatedUsers"])
    assert worst(tmp_path, [change]).get(PUBLIC) is Severity.HIGH


def test_unknown_provider_binding_gaining_everyone_with_a_reader_role_is_high(tmp_path: Path) -> None:
    change = _binding(["group:admins@example.org", "everyone"], role="viewer")
    assert worst(tmp_path, [change]).get(PUBLIC) is Severity.HIGH


def test_unknown_provider_member_star_created_is_high(tmp_path: Path) -> None:
    change = entry("zeta_bucket_access.docs", ["create"], None, {"bucket": "docs", "principal": "*"})
    assert worst(tmp_path, [change]).get(PUBLIC) is Severity.HIGH


def test_binding_swapping_two_named_principals_stays_quiet(tmp_path: Path) -> None:
    change = _binding(["group:sre@example.org"])
    assert PUBLIC not in worst(tmp_path, [change])


def test_principal_star_narrowed_by_a_source_is_not_everyone(tmp_path: Path) -> None:
    change = entry("zeta_function_permission.hook", ["create"], None,
                   {"function": "f", "principal": "*", "source_arn": "arn:zeta:queue:q1"})
    assert PUBLIC not in worst(tmp_path, [change])


def _detach(kind: str, before: dict[str, Any]) -> dict[str, Any]:
    return entry(f"{kind}.old", ["delete"], before, None, change={"action_reason": "delete_because_no_resource_config"})


def test_detaching_an_aws_managed_allow_policy_from_a_role_is_medium(tmp_path: Path) -> None:
    change = _detach("aws_iam_role_policy_attachment",
                     {"role": "auditor", "policy_arn": "arn:aws:iam::aws:policy/AdministratorAccess"})
    assert worst(tmp_path, [change]).get(DELETE) is Severity.MEDIUM


def test_detaching_an_aws_managed_deny_policy_stays_high(tmp_path: Path) -> None:
    change = _detach("aws_iam_user_policy_attachment",
                     {"user": "leaked", "policy_arn": "arn:aws:iam::aws:policy/AWSCompromisedKeyQuarantineV2"})
    assert worst(tmp_path, [change]).get(DELETE) is Severity.HIGH


def test_detaching_a_customer_policy_the_plan_does_not_show_stays_high(tmp_path: Path) -> None:
    change = _detach("aws_iam_role_policy_attachment",
                     {"role": "app", "policy_arn": "arn:aws:iam::123456789012:policy/app-guard"})
    assert worst(tmp_path, [change]).get(DELETE) is Severity.HIGH


def test_detaching_an_scp_stays_high(tmp_path: Path) -> None:
    change = _detach("aws_organizations_policy_attachment",
                     {"policy_id": "p-abc123", "target_id": "ou-1234-abcd"})
    assert worst(tmp_path, [change]).get(DELETE) is Severity.HIGH


def test_detaching_a_permissions_boundary_stays_high(tmp_path: Path) -> None:
    change = _detach("aws_ssoadmin_permissions_boundary_attachment",
                     {"permission_set_arn": "arn:aws:sso:::permissionSet/ps-1", "instance_arn": "arn:aws:sso:::i"})
    assert worst(tmp_path, [change]).get(DELETE) is Severity.HIGH


def _group_rule(group_name: str) -> dict[str, Any]:
    before = {"name": "eng-by-dept", "expression_value": 'user.department=="Engineering"',
              "group_assignments": ["00g1eng"], "status": "ACTIVE", "description": f"members of {group_name}"}
    return _detach("zeta_group_rule", before)


def test_deleting_a_rule_that_assigns_group_members_narrows_access(tmp_path: Path) -> None:
    assert worst(tmp_path, [_group_rule("engineering")]).get(DELETE) is Severity.MEDIUM


def test_deleting_a_rule_that_assigns_a_quarantine_group_stays_high(tmp_path: Path) -> None:
    assert worst(tmp_path, [_group_rule("quarantined users")]).get(DELETE) is Severity.HIGH


def test_a_binding_whose_subject_is_every_user_is_high_whatever_the_role(tmp_path: Path) -> None:
    change = entry("zeta_binding.all", ["create"], None,
                   {"org": "o", "role": "tenant-viewer", "subjects": [{"kind": "user", "name": "*"}]})
    assert worst(tmp_path, [change]).get(PUBLIC) is Severity.HIGH


CUSTOMER_ARN = "arn:aws:iam::123456789012:policy/app-extra"


def _customer(effects: list[str]) -> list[dict[str, Any]]:
    statements = [{"Effect": effect, "Action": "s3:*", "Resource": "*"} for effect in effects]
    policy = {"name": "app-extra", "arn": CUSTOMER_ARN,
              "policy": json.dumps({"Version": "2012-10-17", "Statement": statements})}
    return [entry("aws_iam_policy.extra", ["no-op"], policy, policy),
            _detach("aws_iam_role_policy_attachment", {"role": "app", "policy_arn": CUSTOMER_ARN})]


def test_detaching_a_customer_policy_the_plan_shows_allowing_only_is_medium(tmp_path: Path) -> None:
    assert worst(tmp_path, _customer(["Allow", "Allow"])).get(DELETE) is Severity.MEDIUM


def test_detaching_a_customer_policy_the_plan_shows_with_a_deny_stays_high(tmp_path: Path) -> None:
    assert worst(tmp_path, _customer(["Allow", "Deny"])).get(DELETE) is Severity.HIGH
