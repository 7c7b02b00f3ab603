"""Memberships resolved through configuration, access ladders, foreign trusts, deleted grants and credential
rotation; each with a benign look-alike."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.helpers import review_rules_alone, worst_by_rule
from tfreview.pipeline.findings import Severity

PRIVILEGED = "iam-privileged-role"


def entry(address: str, actions: list[str], before: Any, after: Any, **extra: Any) -> dict[str, Any]:
    """One resource_changes entry of `terraform show -json`."""
    kind, name = address.split(".")
    change = {"actions": actions, "before": before, "after": after, "after_unknown": extra.pop("unknown", {}),
              "before_sensitive": extra.pop("before_sensitive", {}), "after_sensitive": extra.pop("sensitive", {})}
    change.update(extra.pop("change", {}))
    return {"address": address, "mode": "managed", "type": kind, "name": name,
            "provider_name": "registry.terraform.io/acme/acme", "change": change, **extra}


def configured(address: str, expressions: dict[str, Any]) -> dict[str, Any]:
    """A configuration section holding one resource's expressions."""
    kind, name = address.split(".")
    return {"root_module": {"resources": [{"address": address, "mode": "managed", "type": kind, "name": name,
                                           "expressions": expressions}]}}


def worst(tmp_path: Path, changes: list[dict[str, Any]], **sections: Any) -> dict[str, Severity]:
    return worst_by_rule(review_rules_alone(tmp_path, changes, **sections))


def _join(tmp_path: Path, reference: str) -> dict[str, Severity]:
    member = entry("acme_group_member.vendor", ["create"], None, {"group_id": "7731245560", "member_id": "44120"},
                   unknown={"id": True})
    expressions = {"group_id": {"references": [f"{reference}.id", reference]},
                   "member_id": {"constant_value": "44120"}}
    return worst(tmp_path, [member], configuration=configured("acme_group_member.vendor", expressions))


def test_opaque_group_id_resolved_to_an_admins_data_source_is_high(tmp_path: Path) -> None:
    assert _join(tmp_path, "data.acme_group.admins").get(PRIVILEGED) is Severity.HIGH


def test_opaque_group_id_resolved_to_a_readers_data_source_is_quiet(tmp_path: Path) -> None:
    assert PRIVILEGED not in _join(tmp_path, "data.acme_group.readers")


def test_group_named_owners_by_its_configured_name_is_high(tmp_path: Path) -> None:
    group = {"address": "acme_team.platform", "mode": "managed", "type": "acme_team", "name": "platform",
             "expressions": {"name": {"constant_value": "platform-owners"}}}
    member = {"address": "acme_team_member.intern", "mode": "managed", "type": "acme_team_member",
              "name": "intern", "expressions": {"team_id": {"references": ["acme_team.platform.id",
                                                                           "acme_team.platform"]}}}
    config = {"root_module": {"resources": [group, member]}}
    change = entry("acme_team_member.intern", ["create"], None, {"team_id": "team-Xq3Lm9"})
    assert worst(tmp_path, [change], configuration=config).get(PRIVILEGED) is Severity.HIGH


def test_membership_list_gaining_a_break_glass_group_is_high(tmp_path: Path) -> None:
    change = entry("aws_iam_user_group_membership.ci", ["update"], {"user": "ci", "groups": ["ci-readers"]},
                   {"user": "ci", "groups": ["ci-readers", "break-glass-admins"]})
    assert worst(tmp_path, [change]).get(PRIVILEGED) is Severity.HIGH


def test_membership_list_gaining_a_viewers_group_is_quiet(tmp_path: Path) -> None:
    change = entry("aws_iam_user_group_membership.ci", ["update"], {"user": "ci", "groups": ["ci-readers"]},
                   {"user": "ci", "groups": ["ci-readers", "dashboard-viewers"]})
    assert PRIVILEGED not in worst(tmp_path, [change])


def test_existing_grant_raised_to_the_top_of_its_ladder_is_high(tmp_path: Path) -> None:
    change = entry("github_team_repository.contractors", ["update"],
                   {"team_id": "4412", "repository": "infra", "permission": "pull"},
                   {"team_id": "4412", "repository": "infra", "permission": "admin"})
    assert worst(tmp_path, [change]).get(PRIVILEGED) is Severity.HIGH


def test_existing_grant_raised_below_the_top_is_not_high(tmp_path: Path) -> None:
    change = entry("github_team_repository.contractors", ["update"],
                   {"team_id": "4412", "repository": "infra", "permission": "pull"},
                   {"team_id": "4412", "repository": "infra", "permission": "push"})
    assert worst(tmp_path, [change]).get(PRIVILEGED) in (None, Severity.MEDIUM, Severity.LOW)


def _trust(condition: dict[str, Any] | None) -> dict[str, Any]:
    statement: dict[str, Any] = {"Effect": "Allow", "Action": "sts:AssumeRole",
                                 "Principal": {"AWS": "arn:aws:iam::999988887777:root"}}
    if condition:
        statement["Condition"] = condition
    policy = json.dumps({"Version": "2012-10-17", "Statement": [statement]})
    return entry("aws_iam_role.deployer", ["create"], None, {"name": "deployer", "assume_role_policy": policy})


def test_trust_to_an_account_the_plan_cannot_show_is_ours_is_high(tmp_path: Path) -> None:
    assert worst(tmp_path, [_trust(None)]).get("iam-open-trust") is Severity.HIGH


def test_same_trust_with_an_external_id_stays_quiet(tmp_path: Path) -> None:
    found = worst(tmp_path, [_trust({"StringEquals": {"sts:ExternalId": "a7f3c9"}})])
    assert Severity.HIGH not in found.values()


def test_deleted_admin_membership_narrows_access(tmp_path: Path) -> None:
    gone = entry("acme_membership.bob", ["delete"], {"username": "bob", "role": "admin"}, None)
    assert worst(tmp_path, [gone]).get("resource-delete") is Severity.MEDIUM


def test_deleted_membership_of_a_deny_group_stays_high(tmp_path: Path) -> None:
    gone = entry("acme_group_member.bob", ["delete"], {"group": "deny-prod-access", "member": "bob"}, None)
    assert worst(tmp_path, [gone]).get("resource-delete") is Severity.HIGH


def test_deleted_policy_assignment_stays_high(tmp_path: Path) -> None:
    gone = entry("azurerm_subscription_policy_assignment.deny", ["delete"],
                 {"name": "deny-public-ip", "policy_definition_id": "/providers/x/deny"}, None)
    assert worst(tmp_path, [gone]).get("resource-delete") is Severity.HIGH


def test_replaced_access_key_is_a_rotation(tmp_path: Path) -> None:
    key = entry("aws_iam_access_key.reporter", ["create", "delete"], {"user": "reporter"}, {"user": "reporter"},
                action_reason="replace_by_triggers")
    assert worst(tmp_path, [key]).get("resource-replace") is Severity.MEDIUM


def test_an_accounts_api_key_rotated_by_new_address_is_a_credential_delete(tmp_path: Path) -> None:
    old = entry("paging_api_accounts_keys.old", ["delete"], {"account": "AC1", "friendly_name": "2025"}, None,
                action_reason="delete_because_no_resource_config")
    new = entry("paging_api_accounts_keys.new", ["create"], None, {"account": "AC1", "friendly_name": "2026"})
    assert worst(tmp_path, [old, new]).get("resource-delete") is Severity.MEDIUM


def test_an_api_gateway_deleted_is_not_a_credential(tmp_path: Path) -> None:
    gone = entry("paging_api_gateway.main", ["delete"], {"name": "main"}, None,
                 action_reason="delete_because_no_resource_config")
    assert worst(tmp_path, [gone]).get("resource-delete") is Severity.HIGH


def test_replaced_encryption_key_stays_high(tmp_path: Path) -> None:
    key = entry("aws_kms_key.data", ["delete", "create"], {"description": "data"}, {"description": "data"},
                change={"replace_paths": [["description"]]})
    assert worst(tmp_path, [key]).get("resource-replace") is Severity.HIGH


def _variable(sensitive: bool) -> dict[str, Any]:
    side = {"key": "DD_API_KEY", "category": "env", "sensitive": sensitive, "value": None}
    return entry("acme_variable.dd", ["delete", "create"], side, dict(side), unknown={"id": True},
                 change={"replace_paths": [["value"]]}, action_reason="replace_because_cannot_update")


def test_sensitive_variable_replaced_by_its_value_is_a_rotation(tmp_path: Path) -> None:
    assert worst(tmp_path, [_variable(True)]).get("resource-replace") is Severity.MEDIUM


def test_plain_variable_replaced_stays_high(tmp_path: Path) -> None:
    assert worst(tmp_path, [_variable(False)]).get("resource-replace") is Severity.HIGH


def test_deleted_deny_assignment_stays_high(tmp_path: Path) -> None:
    gone = entry("acme_deny_assignment.prod", ["delete"], {"scope": "/subscriptions/1", "principal": "ops"}, None)
    assert worst(tmp_path, [gone]).get("resource-delete") is Severity.HIGH
