"""Identity: AWS, Vault and GitHub policies read for what they allow — conditions for what they restrict, a boundary
for whether it limits, a principal for whose account it is, PassRole for which roles; each with its twin."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import review_rules_alone, worst_by_rule
from tfreview.pipeline.findings import Severity

GITHUB = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"
AUDIENCE = "token.actions.githubusercontent.com:aud"
SUBJECT = "token.actions.githubusercontent.com:sub"


def entry(address: str, after: Any, before: Any = None) -> dict[str, Any]:
    """One resource_changes entry of `terraform show -json`."""
    kind, name = address.split(".")
    return {"address": address, "mode": "managed", "type": kind, "name": name,
            "provider_name": "registry.terraform.io/hashicorp/aws",
            "change": {"actions": ["create"] if before is None else ["update"], "before": before, "after": after,
                       "after_unknown": {}, "before_sensitive": {}, "after_sensitive": {}}}


def judge(tmp_path: Path, changes: list[dict[str, Any]], **sections: Any) -> tuple[dict[str, Severity], str]:
    result = review_rules_alone(tmp_path, changes, **sections)
    return worst_by_rule(result), result.label.value


def document(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def oidc_trust(condition: dict[str, Any]) -> str:
    return document({"Effect": "Allow", "Principal": {"Federated": GITHUB}, "Action": "sts:AssumeRoleWithWebIdentity",
                     "Condition": condition})


def role(trust: str) -> dict[str, Any]:
    return {"name": "infra-apply", "assume_role_policy": trust, "arn": "arn:aws:iam::123456789012:role/infra-apply"}


PINNED = {"StringEquals": {AUDIENCE: "sts.amazonaws.com", SUBJECT: "repo:acme/infra:ref:refs/heads/main"}}


def test_an_oidc_subject_pinned_to_a_branch_widened_to_any_ref_is_high(tmp_path: Path) -> None:
    widened = {"StringEquals": {AUDIENCE: "sts.amazonaws.com"}, "StringLike": {SUBJECT: "repo:acme/infra:*"}}
    rules, label = judge(tmp_path, [entry("aws_iam_role.apply", role(oidc_trust(widened)),
                                          before=role(oidc_trust(PINNED)))])
    assert rules.get("iam-open-trust") == Severity.HIGH and label == "needs_close_review"


@pytest.mark.parametrize("subject", [
    {"StringEquals": {SUBJECT: "repo:acme/infra:environment:production"}},  # another pin, no wider
    {"StringLike": {SUBJECT: "repo:acme/infra:ref:refs/heads/main"}},  # the same value under StringLike
])
def test_an_oidc_subject_moved_to_another_pin_is_quiet(tmp_path: Path, subject: dict[str, Any]) -> None:
    rules, label = judge(tmp_path, [entry("aws_iam_role.apply", role(oidc_trust(subject)),
                                          before=role(oidc_trust(PINNED)))])
    assert "iam-open-trust" not in rules and label == "likely_safe"


def test_an_oidc_subject_pattern_narrowed_to_branches_is_quiet(tmp_path: Path) -> None:
    wide = {"StringLike": {SUBJECT: "repo:acme/infra:*"}}
    narrow = {"StringLike": {SUBJECT: "repo:acme/infra:ref:refs/heads/*"}}
    rules, label = judge(tmp_path, [entry("aws_iam_role.apply", role(oidc_trust(narrow)),
                                          before=role(oidc_trust(wide)))])
    assert "iam-open-trust" not in rules and label == "likely_safe"


def user(boundary: str | None) -> dict[str, Any]:
    return {"name": "svc-etl", "path": "/service/", "permissions_boundary": boundary,
            "arn": "arn:aws:iam::123456789012:user/service/svc-etl"}


DEVELOPER = "arn:aws:iam::123456789012:policy/developer-boundary"


def test_a_boundary_swapped_for_an_administrator_policy_is_high(tmp_path: Path) -> None:
    rules, label = judge(tmp_path, [entry("aws_iam_user.etl", user("arn:aws:iam::aws:policy/AdministratorAccess"),
                                          before=user(DEVELOPER))])
    assert rules.get("iam-escalation") == Severity.HIGH and label == "needs_close_review"


@pytest.mark.parametrize("before, after", [
    (None, DEVELOPER),  # a boundary added narrows
    (DEVELOPER, "arn:aws:iam::123456789012:policy/developer-boundary-v2"),  # another limiting boundary
])
def test_a_boundary_added_or_replaced_by_another_limiting_one_is_quiet(tmp_path: Path, before: str | None,
                                                                       after: str) -> None:
    rules, label = judge(tmp_path, [entry("aws_iam_user.etl", user(after), before=user(before))])
    assert "iam-escalation" not in rules and label == "likely_safe"


def bucket_policy(condition: dict[str, Any]) -> dict[str, Any]:
    statement = {"Effect": "Allow", "Principal": {"Service": "cloudfront.amazonaws.com"}, "Action": "s3:GetObject",
                 "Resource": "arn:aws:s3:::media-private/*", "Condition": condition}
    return {"bucket": "media-private", "policy": document(statement)}


def test_a_service_principal_under_a_source_arn_of_any_account_is_high(tmp_path: Path) -> None:
    condition = {"StringLike": {"AWS:SourceArn": "arn:aws:cloudfront::*:distribution/*"}}
    rules, label = judge(tmp_path, [entry("aws_s3_bucket_policy.site", bucket_policy(condition))])
    assert rules.get("iam-public-member") == Severity.HIGH and label == "needs_close_review"


@pytest.mark.parametrize("condition", [
    {"StringEquals": {"AWS:SourceArn": "arn:aws:cloudfront::123456789012:distribution/E2QWRUHAPOMQZL"}},
    {"ArnLike": {"AWS:SourceArn": "arn:aws:cloudfront::123456789012:distribution/*"}},  # the own account's
    {"StringLike": {"AWS:SourceArn": "arn:aws:cloudfront::*:distribution/E2QWRUHAPOMQZL"}},  # one distribution
])
def test_a_service_principal_under_a_source_condition_that_pins_is_quiet(tmp_path: Path,
                                                                         condition: dict[str, Any]) -> None:
    rules, label = judge(tmp_path, [entry("aws_s3_bucket_policy.site", bucket_policy(condition))])
    assert "iam-public-member" not in rules and label == "likely_safe"


def secret_policy(principal: str, actions: list[str], resource: str = "*") -> dict[str, Any]:
    statement = {"Effect": "Allow", "Principal": {"AWS": principal}, "Action": actions, "Resource": resource}
    return {"secret_arn": "prod/db-master", "policy": document(statement)}


def test_a_resource_policy_sharing_with_a_whole_account_is_high_when_the_plan_shows_no_account(
        tmp_path: Path) -> None:
    change = entry("aws_secretsmanager_secret_policy.db",
                   secret_policy("arn:aws:iam::999988887777:root", ["secretsmanager:GetSecretValue"]))
    rules, label = judge(tmp_path, [change])
    assert rules.get("iam-public-member") == Severity.HIGH and label == "needs_close_review"


def test_a_resource_policy_naming_one_role_or_a_default_key_policy_is_quiet(tmp_path: Path) -> None:
    one_role = entry("aws_secretsmanager_secret_policy.db",
                     secret_policy("arn:aws:iam::999988887777:role/app-runtime", ["secretsmanager:GetSecretValue"]))
    key = {"description": "rds", "policy": document({"Sid": "Enable IAM User Permissions", "Effect": "Allow",
                                                      "Principal": {"AWS": "arn:aws:iam::999988887777:root"},
                                                      "Action": "kms:*", "Resource": "*"})}
    rules, label = judge(tmp_path, [one_role, entry("aws_kms_key.rds", key)])
    assert "iam-public-member" not in rules and label == "likely_safe"


def test_a_bucket_policy_letting_a_whole_account_only_deliver_objects_is_medium(tmp_path: Path) -> None:
    statement = {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::127311923021:root"}, "Action": "s3:PutObject",
                 "Resource": "arn:aws:s3:::alb-logs/AWSLogs/*"}  # the load balancer service's account writes logs
    rules, label = judge(tmp_path, [entry("aws_s3_bucket_policy.logs", {"bucket": "alb-logs",
                                                                        "policy": document(statement)})])
    assert rules.get("iam-public-member") == Severity.MEDIUM and label == "likely_safe"


def vault_role(claims: dict[str, str], kind: str, policies: list[str]) -> dict[str, Any]:
    return {"backend": "jwt", "role_name": "deploy", "role_type": "jwt", "user_claim": "actor",
            "bound_audiences": ["https://github.com/acme"], "bound_claims": claims, "bound_claims_type": kind,
            "token_policies": policies}


def test_a_vault_role_with_a_glob_subject_that_grants_admin_is_high(tmp_path: Path) -> None:
    rules, label = judge(tmp_path, [entry("vault_jwt_auth_backend_role.deploy",
                                          vault_role({"sub": "repo:acme/*"}, "glob", ["admin"]))])
    assert rules.get("iam-open-trust") == Severity.HIGH and label == "needs_close_review"


@pytest.mark.parametrize("claims, kind, policies", [
    ({"sub": "repo:acme/*"}, "glob", ["docs-read"]),  # a wildcard that hands out a narrow policy
    ({"sub": "repo:acme/*"}, "string", ["admin"]),  # "*" is literal under string matching
    ({"repository": "acme/infra", "ref": "refs/heads/main"}, "string", ["admin"]),  # pinned
])
def test_a_vault_role_pinned_or_granting_a_narrow_policy_is_quiet(tmp_path: Path, claims: dict[str, str],
                                                                  kind: str, policies: list[str]) -> None:
    rules, label = judge(tmp_path, [entry("vault_jwt_auth_backend_role.deploy", vault_role(claims, kind, policies))])
    assert "iam-open-trust" not in rules and label == "likely_safe"


def org(permission: str) -> dict[str, Any]:
    return {"id": "81234", "name": "acme", "billing_email": "it@acme.io", "default_repository_permission": permission}


def test_a_default_repository_permission_raised_from_write_to_admin_is_high(tmp_path: Path) -> None:
    rules, label = judge(tmp_path, [entry("github_organization_settings.org", org("admin"), before=org("write"))])
    assert rules.get("iam-privileged-role") == Severity.HIGH and label == "needs_close_review"


def test_a_default_repository_permission_lowered_to_read_is_quiet(tmp_path: Path) -> None:
    rules, label = judge(tmp_path, [entry("github_organization_settings.org", org("read"), before=org("write"))])
    assert "iam-privileged-role" not in rules and label == "likely_safe"


def lambda_developer(passrole: dict[str, Any]) -> dict[str, Any]:
    create = {"Effect": "Allow", "Action": ["lambda:CreateFunction", "lambda:InvokeFunction"],
              "Resource": "arn:aws:lambda:eu-west-1:123456789012:function:team-a-*"}
    return {"name": "lambda-developer", "policy": document(create, {"Effect": "Allow", "Action": "iam:PassRole",
                                                                    **passrole})}


TO_LAMBDA = {"Condition": {"StringEquals": {"iam:PassedToService": "lambda.amazonaws.com"}}}
FAMILY = {"Resource": "arn:aws:iam::123456789012:role/lambda-exec-team-a-*"}


def test_passrole_on_one_family_of_roles_to_one_service_is_not_high(tmp_path: Path) -> None:
    rules, label = judge(tmp_path, [entry("aws_iam_policy.dev", lambda_developer({**FAMILY, **TO_LAMBDA}))])
    assert rules.get("iam-escalation") == Severity.MEDIUM and label == "likely_safe"


@pytest.mark.parametrize("passrole", [
    FAMILY,  # no PassedToService: the family may go to any service
    {"Resource": "*", **TO_LAMBDA},  # any role
    {"Resource": "arn:aws:iam::123456789012:role/lambda-admin-*", **TO_LAMBDA},  # an admin family
])
def test_passrole_on_any_or_admin_roles_stays_high(tmp_path: Path, passrole: dict[str, Any]) -> None:
    rules, label = judge(tmp_path, [entry("aws_iam_policy.dev", lambda_developer(passrole))])
    assert rules.get("iam-escalation") == Severity.HIGH and label == "needs_close_review"


def auditor(condition: dict[str, Any] | None) -> dict[str, Any]:
    statement = {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
                 "Action": "sts:AssumeRole", **({"Condition": condition} if condition else {})}
    return {"name": "auditor", "assume_role_policy": document(statement)}


MFA = {"Bool": {"aws:MultiFactorAuthPresent": "true"}}


def test_a_trust_of_an_unknown_account_that_requires_mfa_is_medium(tmp_path: Path) -> None:
    rules, label = judge(tmp_path, [entry("aws_iam_role.auditor", auditor(MFA))])
    assert rules.get("iam-open-trust") == Severity.MEDIUM and label == "likely_safe"


def test_a_trust_of_an_unknown_account_without_mfa_stays_high(tmp_path: Path) -> None:
    rules, label = judge(tmp_path, [entry("aws_iam_role.auditor", auditor(None))])
    assert rules.get("iam-open-trust") == Severity.HIGH and label == "needs_close_review"


def test_a_trust_with_mfa_of_an_account_outside_the_plans_own_stays_high(tmp_path: Path) -> None:
    own = {**auditor(MFA), "arn": "arn:aws:iam::555566667777:role/auditor"}
    rules, label = judge(tmp_path, [entry("aws_iam_role.auditor", own)])
    assert rules.get("iam-open-trust") == Severity.HIGH and label == "needs_close_review"


def test_a_third_party_trust_guarded_by_an_external_id_is_quiet(tmp_path: Path) -> None:
    statement = {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::464622532012:root"}, "Action": "sts:AssumeRole",
                 "Condition": {"StringEquals": {"sts:ExternalId": "a1b2c3d4e5f6"}}}
    rules, label = judge(tmp_path, [entry("aws_iam_role.vendor", {"name": "vendor",
                                                                  "assume_role_policy": document(statement)})])
    assert "iam-open-trust" not in rules and label == "likely_safe"


def test_a_bucket_policy_for_everyone_in_one_organisation_is_quiet(tmp_path: Path) -> None:
    statement = {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::shared/*",
                 "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}}
    rules, label = judge(tmp_path, [entry("aws_s3_bucket_policy.shared", {"bucket": "shared",
                                                                          "policy": document(statement)})])
    assert "iam-public-member" not in rules and label == "likely_safe"


def token(resources: dict[str, str]) -> dict[str, Any]:
    return {"name": "ci-dns", "policy": [{"effect": "allow", "permission_groups": ["4755a26eedb94da69e1066d98aa820be"],
                                          "resources": resources}], "condition": [], "value": None}


def test_an_api_token_with_everything_on_one_zone_is_not_an_admin_key(tmp_path: Path) -> None:
    change = entry("cloudflare_api_token.dns", token({"com.cloudflare.api.account.zone.0da42c8d2132a9ddaf714f": "*"}))
    rules, label = judge(tmp_path, [change])
    assert "iam-privileged-role" not in rules and label == "likely_safe"


@pytest.mark.parametrize("resources", [
    {"com.cloudflare.api.account.zone.*": "*"},  # every zone
    {"com.cloudflare.api.account.7c5dae5552338874e5053f2534d2767a": "*"},  # everything in the account
])
def test_an_api_token_with_everything_on_every_zone_or_account_is_high(tmp_path: Path,
                                                                       resources: dict[str, str]) -> None:
    rules, label = judge(tmp_path, [entry("cloudflare_api_token.dns", token(resources))])
    assert rules.get("iam-privileged-role") == Severity.HIGH and label == "needs_close_review"
