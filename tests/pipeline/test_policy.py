"""The policy analyser in units: statements normalised from every spelling, action patterns, what a statement
allows (rules.judge), where documents hide (rules.documents)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tfreview.pipeline.diff import UNKNOWN
from tfreview.pipeline.findings import Severity
from tfreview.pipeline.rules import judge, principals
from tfreview.pipeline.rules.documents import find, opaque, own_accounts, unknown_policies
from tfreview.pipeline.rules.policy import Statement, from_block, from_json, grants_action, matches, parse


class Own:
    own = frozenset({"111122223333"})


OWN = Own()


def verdicts(*statements: dict[str, Any], trust: bool = False) -> list[tuple[str, Severity]]:
    parsed = [from_json(s) for s in statements]
    return [(v.rule, v.severity) for v in (*judge.identity(parsed), *principals.principals(parsed, OWN, trust))]


def test_string_and_list_forms_normalise_alike() -> None:
    one = from_json({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*", "Principal": "*"})
    two = from_json({"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": ["arn:aws:s3:::b/*"],
                     "Principal": {"*": ["*"]}, "Sid": "Named"})
    assert one.key() == two.key()
    assert two.name == 'statement "Named"' and one.name == "statement"


def test_policy_document_blocks_normalise_like_json() -> None:
    block = {"effect": "Allow", "actions": ["sts:AssumeRole"], "principals": [{"type": "AWS", "identifiers": ["*"]}],
             "condition": [{"test": "StringEquals", "variable": "aws:PrincipalOrgID", "values": ["o-1"]}],
             "not_actions": [], "resources": [], "sid": ""}
    statement = from_block(block)
    assert statement.principals == {"AWS": ("*",)}
    assert statement.conditions == {"StringEquals": {"aws:principalorgid": ("o-1",)}}
    assert statement.not_actions is None


@pytest.mark.parametrize(("pattern", "action", "expected"), [
    ("s3:Get*", "s3:GetObject", True), ("S3:GET*", "s3:getobject", True), ("s3:Get*", "s3:PutObject", False),
    ("*", "iam:PassRole", True), ("iam:Pass?ole", "iam:PassRole", True), ("iam:*Policy", "iam:PutRolePolicy", True),
])
def test_action_patterns_match_case_insensitively(pattern: str, action: str, expected: bool) -> None:
    assert matches(pattern, action) is expected


def test_not_action_grants_everything_it_does_not_name() -> None:
    statement = from_json({"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"})
    assert grants_action(statement, "s3:DeleteBucket") and not grants_action(statement, "iam:PassRole")


@pytest.mark.parametrize(("statement", "expected"), [
    ({"Action": "*", "Resource": "*"}, [("iam-wildcard", Severity.HIGH)]),
    ({"Action": "logs:*", "Resource": "*"}, [("iam-wildcard", Severity.MEDIUM)]),
    ({"Action": "sqs:*", "Resource": "arn:aws:sqs:eu-west-1:111122223333:q"}, [("iam-wildcard", Severity.MEDIUM)]),
    ({"Action": "kms:*", "Resource": "arn:aws:kms:eu-west-1:111122223333:key/k"}, [("iam-wildcard", Severity.HIGH)]),
    ({"Action": ["s3:Get*", "s3:List*"], "Resource": "*"}, []),
    ({"Action": "iam:AttachRolePolicy", "Resource": "arn:aws:iam::111122223333:role/*"},
     [("iam-escalation", Severity.HIGH)]),
    ({"Action": "iam:CreateAccessKey", "Resource": "arn:aws:iam::111122223333:user/bot"}, []),
    ({"Action": "iam:PutRolePolicy", "Resource": "arn:aws:iam::111122223333:role/one"},
     [("iam-escalation", Severity.HIGH)]),
    ({"Action": ["iam:CreatePolicyVersion", "iam:SetDefaultPolicyVersion"],
      "Resource": "arn:aws:iam::111122223333:policy/ci-own"}, [("iam-escalation", Severity.HIGH)] * 2),
    ({"Action": ["iam:GetPolicyVersion", "iam:ListPolicyVersions"],
      "Resource": "arn:aws:iam::111122223333:policy/ci-own"}, []),
    ({"Action": "*", "Resource": "*", "Effect": "Deny"}, []),
    ({"Action": "ec2:TerminateInstances", "NotResource": "arn:aws:ec2:*:*:instance/i-1"},
     [("iam-wildcard", Severity.HIGH)]),
], ids=["admin", "telemetry", "queue", "key-service", "read", "attach", "one-user-key", "one-role",
        "own-policy-version", "read-policy-version", "deny",
        "notresource"])
def test_identity_statements(statement: dict[str, Any], expected: list[tuple[str, Severity]]) -> None:
    assert verdicts({"Effect": "Allow", **statement}) == expected


@pytest.mark.parametrize(("condition", "public"), [
    (None, True),
    ({"Bool": {"aws:SecureTransport": "true"}}, True),
    ({"StringEquals": {"aws:PrincipalOrgID": "o-1"}}, False),
    ({"StringEqualsIfExists": {"aws:SourceAccount": "111122223333"}}, True),
    ({"ArnLike": {"aws:SourceArn": "arn:aws:s3:::b"}}, False),
    ({"IpAddress": {"aws:SourceIp": "0.0.0.0/0"}}, True),
    ({"IpAddress": {"aws:SourceIp": ["10.0.0.0/8"]}}, False),
    ({"StringEquals": {"aws:SourceVpce": "*"}}, True),
    ({"ForAllValues:StringEquals": {"aws:PrincipalOrgID": "o-1"}}, True),
    ({"StringLike": {"aws:PrincipalOrgID": "o-*"}}, True),
    ({"StringLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/*"}}, True),
    ({"StringLike": {"aws:PrincipalArn": "arn:aws:iam::111122223333:role/ci-*"}}, False),
    ({"StringEquals": {"sts:ExternalId": "shared-secret"}}, True),
], ids=["none", "tls-only", "org", "if-exists", "source-arn", "world-ip", "private-ip", "any-vpce", "for-all",
        "any-org", "any-account", "account-roles", "external-id-only"])
def test_a_public_principal_is_only_limited_by_conditions_on_who(condition: Any, public: bool) -> None:
    statement: dict[str, Any] = {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sqs:SendMessage",
                                 "Resource": "arn:aws:sqs:eu-west-1:111122223333:q"}
    if condition:
        statement["Condition"] = condition
    assert (verdicts(statement) == [("iam-public-member", Severity.HIGH)]) is public


def test_allow_with_not_principal_is_everyone_else() -> None:
    assert verdicts({"Effect": "Allow", "NotPrincipal": {"AWS": "arn:aws:iam::111122223333:root"},
                     "Action": "s3:GetObject", "Resource": "*"}) == [("iam-public-member", Severity.HIGH)]


@pytest.mark.parametrize(("subject", "wide"), [
    ("repo:*", True), ("*", True), ("repo:*/*:ref:refs/heads/main", True), ("system:serviceaccount:*:*", True),
    ("repo:acme*/api:*", True), ("repo:acme/*", False), ("repo:acme/api:*", False), ("=repo:*", False),
    ("system:serviceaccount:ci:deployer", False),
])
def test_oidc_subjects_that_let_strangers_in(subject: str, wide: bool) -> None:
    provider = "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"
    operator = "StringEquals" if subject.startswith("=") else "StringLike"  # an exact match has no wildcard
    found = verdicts({"Effect": "Allow", "Action": "sts:AssumeRoleWithWebIdentity",
                      "Principal": {"Federated": provider},
                      "Condition": {operator: {"token.actions.githubusercontent.com:sub": subject.lstrip("=")}}},
                     trust=True)
    assert (found == [("iam-open-trust", Severity.HIGH)]) is wide


def test_saml_and_cognito_trusts() -> None:
    saml = {"Effect": "Allow", "Action": "sts:AssumeRoleWithSAML",
            "Principal": {"Federated": "arn:aws:iam::111122223333:saml-provider/Okta"}}
    assert verdicts(saml, trust=True) == []
    cognito = {"Effect": "Allow", "Action": "sts:AssumeRoleWithWebIdentity",
               "Principal": {"Federated": "cognito-identity.amazonaws.com"}}
    assert verdicts(cognito, trust=True) == [("iam-open-trust", Severity.HIGH)]
    cognito["Condition"] = {"StringEquals": {"cognito-identity.amazonaws.com:aud": "eu-west-1:pool"}}
    assert verdicts(cognito, trust=True) == []


def test_documents_are_found_in_any_attribute_at_any_depth() -> None:
    policy = json.dumps({"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]})
    values = {"name": "x", "settings": [{"name": "inner", "policy": policy}],
              "template": json.dumps({"Resources": {"R": {"Properties": {"PolicyDocument": json.loads(policy)}}}}),
              "notes": "Statement of work", "broken": "{Statement"}
    found = {where: len(statements) for where, statements in find(values)}
    assert found == {'settings "inner".policy': 1, "template.Resources.R.Properties.PolicyDocument": 1}
    assert parse("not json") == [] and parse(UNKNOWN) == []


def test_unknown_policy_attributes_and_opaque_statements() -> None:
    unknown = {"policy": True, "policy_id": True, "inline_policy": [{"policy": True}], "arn": True}
    assert list(unknown_policies({}, unknown)) == [("policy",), ("inline_policy", 0, "policy")]
    assert opaque([Statement(actions=(UNKNOWN,))]) and not opaque([Statement(actions=("s3:GetObject",))])


def test_own_accounts_come_from_the_plans_own_arns_not_from_policies() -> None:
    entries = [{"change": {"before": {"arn": "arn:aws:iam::111122223333:role/r", "policy": json.dumps(
        {"Statement": [{"Principal": {"AWS": "arn:aws:iam::999988887777:root"}}]})}, "after": None}},
        {"change": {"before": None, "after": {"owner_id": "444455556666"}}}, "junk"]
    assert own_accounts(entries) == {"111122223333", "444455556666"}


@pytest.mark.parametrize("statement", [
    {"Effect": 1, "Action": {"a": 1}, "Principal": [1], "Condition": "x"},
    {"Action": [None, True, 3], "Resource": {"x": 1}, "NotPrincipal": "*"},
    {"Principal": {"AWS": [{"nested": 1}], "Federated": 5}, "Condition": {"StringLike": ["x"], "Null": {"k": None}}},
    {},
], ids=["types", "scalars", "nested", "empty"])
def test_malformed_statements_are_read_without_error(statement: dict[str, Any]) -> None:
    parsed = parse(json.dumps({"Statement": [statement, "junk", 3]}))
    list(judge.identity(parsed))
    list(principals.principals(parsed, OWN, trust=True))


LAMBDA = {"Action": ["lambda:CreateFunction", "lambda:InvokeFunction"],
          "Resource": "arn:aws:lambda:eu-west-1:111122223333:function:build-*"}


@pytest.mark.parametrize(("role", "severity"), [
    ("arn:aws:iam::111122223333:role/OrganizationAccountAccessRole", Severity.HIGH),
    ("arn:aws:iam::111122223333:role/platform-admin", Severity.HIGH),
    ("arn:aws:iam::111122223333:role/build-*", Severity.HIGH),
    ("arn:aws:iam::111122223333:role/crossplane", Severity.HIGH),  # attached to AdministratorAccess in the plan
    ("arn:aws:iam::111122223333:role/build-lambda-exec", Severity.MEDIUM),
])
def test_passrole_with_code_is_high_when_the_passable_role_is_privileged(role: str, severity: Severity) -> None:
    parsed = [from_json({"Effect": "Allow", "Action": "iam:PassRole", "Resource": role}),
              from_json({"Effect": "Allow", **LAMBDA})]
    found = {(v.rule, v.severity) for v in judge.identity(parsed, frozenset({"crossplane"}))}
    assert found == {("iam-escalation", severity)}
