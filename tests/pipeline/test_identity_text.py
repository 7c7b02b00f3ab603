"""Identity held as text or claims: Vault-style path policies (HCL and JSON) and federated identity bindings —
each risky change found at high, each benign look-alike left likely safe, through the real pipeline stages."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.pipeline.test_rules import findings_for
from tfreview.pipeline.findings import Finding, Severity
from tfreview.pipeline.rules.capabilities import parse


def plan(tmp_path: Path, address: str, before: Any, after: Any, unknown: Any = None, **extra: Any) -> list[Finding]:
    """Findings for a one-change plan written to TMP_PATH (EXTRA: variables, configuration)."""
    kind, name = address.split(".")[-2:]
    actions = ["create"] if before is None else ["update"]
    document = {"format_version": "1.2", "terraform_version": "1.9.0", **extra, "resource_changes": [{
        "address": address, "mode": "managed", "type": kind, "name": name,
        "provider_name": f"registry.terraform.io/hashicorp/{kind.split('_')[0]}",
        "change": {"actions": actions, "before": before, "after": after, "after_unknown": unknown or {}}}]}
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(document))
    return findings_for(path)


def high(found: list[Finding]) -> list[tuple[str, str]]:
    return [(f.rule, f.message) for f in found if f.severity is Severity.HIGH]


READ_APP = 'path "secret/data/app/*" {\n  capabilities = ["read", "list"]\n}\n'


def test_hcl_policies_are_read_with_comments_nested_blocks_and_the_old_syntax() -> None:
    text = ('# the app\npath "secret/data/app/*" { // inline\n  capabilities = ["read"]\n'
            '  allowed_parameters = { "ttl" = [] }\n}\n/* block\npath "*" { capabilities = ["sudo"] } */\n'
            'path "sys/mounts" {\n  policy = "write"\n}\n')
    assert parse(text) == [("secret/data/app/*", frozenset({"read"})),
                           ("sys/mounts", frozenset({"create", "read", "update", "delete", "list"}))]


def test_json_policies_are_read() -> None:
    text = json.dumps({"path": {"*": {"capabilities": ["update", "sudo"]}, "secret/x": {"policy": "read"}}})
    assert parse(text) == [("*", frozenset({"update", "sudo"})), ("secret/x", frozenset({"read", "list"}))]


@pytest.mark.parametrize(("policy", "rule", "fragment"), [
    ('path "*" {\n  capabilities = ["create", "read", "update", "delete", "list", "sudo"]\n}\n', "iam-wildcard",
     'path "*"'),
    ('path "secret/*" { capabilities = ["update"] }', "iam-wildcard", 'path "secret/*"'),
    ('path "sys/policies/acl/app" {\n capabilities = ["read", "update"]\n}', "iam-escalation", "ACL policies"),
    ('path "sys/policy/app" { capabilities = ["create"] }', "iam-escalation", "ACL policies"),
    ('path "auth/token/create" { capabilities = ["create", "update", "sudo"] }', "iam-escalation", "tokens"),
    ('path "sys/auth/*" { capabilities = ["create", "update", "sudo"] }', "iam-escalation", "auth method"),
    ('path "identity/group/name/admins" { capabilities = ["update"] }', "iam-escalation", "identities"),
    ('path "auth/approle/role/*" { capabilities = ["create", "update"] }', "iam-escalation", "auth roles"),
    (json.dumps({"path": {"+/*": {"capabilities": ["create", "sudo"]}}}), "iam-wildcard", 'path "+/*"'),
], ids=["star-sudo", "mount-write", "own-acl", "old-acl", "token-sudo", "auth-mounts", "identity-group",
        "auth-role", "json"])
def test_a_path_policy_that_can_grant_itself_more_is_high(tmp_path: Path, policy: str, rule: str,
                                                          fragment: str) -> None:
    found = high(plan(tmp_path, "vault_policy.ci", {"name": "ci", "policy": READ_APP},
                      {"name": "ci", "policy": policy if policy.startswith("{") else READ_APP + "\n" + policy}))
    assert [r for r, _ in found] == [rule] and fragment in found[0][1]


@pytest.mark.parametrize("policy", [
    READ_APP,
    'path "secret/data/app/*" { capabilities = ["create", "update", "read"] }',  # its own secrets
    'path "*" { capabilities = ["list"] }',
    'path "sys/policies/acl/app" { capabilities = ["read"] }',
    'path "auth/token/create" { capabilities = ["create", "update"] }',  # child tokens: a subset of its own
    'path "auth/approle/role/app/secret-id" { capabilities = ["update"] }',
    'path "identity/oidc/token/app" { capabilities = ["read"] }',
    'path "*" { capabilities = ["deny"] }',
], ids=["read-app", "write-own", "list-all", "read-acl", "child-token", "secret-id", "oidc-token", "deny"])
def test_a_narrow_or_read_only_path_policy_stays_quiet(tmp_path: Path, policy: str) -> None:
    assert high(plan(tmp_path, "vault_policy.app", None, {"name": "app", "policy": policy})) == []


def test_a_wide_grant_that_was_already_there_is_not_news(tmp_path: Path) -> None:
    wide = 'path "*" { capabilities = ["sudo"] }'
    assert high(plan(tmp_path, "vault_policy.ops", {"name": "ops", "policy": wide},
                     {"name": "ops", "policy": wide + "\n" + READ_APP})) == []


def test_an_unclosed_path_policy_is_never_passed_as_safe(tmp_path: Path) -> None:
    found = high(plan(tmp_path, "vault_policy.app", None, {"name": "app", "policy": 'path "*" {\n capabilities'}))
    assert [r for r, _ in found] == ["unresolved-value"]


ROLE = {"role_name": "deploy", "role_type": "jwt", "user_claim": "sub", "bound_audiences": ["https://vault.acme"],
        "bound_claims_type": "string", "bound_claims": {"project_path": "platform/infra", "ref": "main"},
        "token_policies": ["prod-deploy"]}


@pytest.mark.parametrize("change", [
    {"bound_claims_type": "glob", "bound_claims": {"project_path": "platform/*", "ref": "main"}},
    {"bound_claims": {"project_path": "platform/infra"}},
    {"bound_claims_type": "glob", "bound_claims": {"project_path": "platform/infra*", "ref": "*"}},
    {"bound_audiences": []},
    {"bound_subject": "*", "bound_claims": {}},
    {"bound_claims_type": "glob"} | {"bound_claims": {"project_path": "platform/infra", "ref": "*"}},
], ids=["glob-project", "drop-ref", "glob-ref", "no-audience", "no-claims", "glob-type"])
def test_a_federated_binding_widened_while_granting_is_high(tmp_path: Path, change: dict[str, Any]) -> None:
    found = high(plan(tmp_path, "vault_jwt_auth_backend_role.deploy", ROLE, ROLE | change))
    assert [r for r, _ in found] == ["iam-open-trust"] and "widens which federated identities" in found[0][1]


@pytest.mark.parametrize("change", [
    {"bound_claims": {"project_path": "platform/infra", "ref": "main", "ref_protected": "true"}},  # adds a claim
    {"bound_claims_type": "glob", "bound_claims": {"project_path": "platform/infra", "ref": "main"}},  # no glob
    {"bound_claims": {"project_path": "platform/infra", "ref": "*"}},  # "*" is literal for string claims
    {"token_ttl": 600},
    {"bound_claims": {}, "token_policies": []},  # grants nothing any more
], ids=["add-claim", "glob-type-no-star", "literal-star", "ttl", "grants-nothing"])
def test_a_federated_binding_narrowed_or_unchanged_stays_quiet(tmp_path: Path, change: dict[str, Any]) -> None:
    assert high(plan(tmp_path, "vault_jwt_auth_backend_role.deploy", ROLE, ROLE | change)) == []


def test_a_narrowed_glob_stays_quiet_and_a_new_open_subject_is_high(tmp_path: Path) -> None:
    wide = ROLE | {"bound_claims_type": "glob", "bound_claims": {"project_path": "platform/*"}}
    assert high(plan(tmp_path, "vault_jwt_auth_backend_role.deploy", wide, ROLE)) == []
    credential = {"name": "gha", "issuer": "https://token.actions.githubusercontent.com", "audience": ["api://x"],
                  "subject": "repo:*:ref:refs/heads/main"}
    found = high(plan(tmp_path, "azurerm_federated_identity_credential.gha", None, credential))
    assert [r for r, _ in found] == ["iam-open-trust"]
    pinned = credential | {"subject": "repo:acme/infra:ref:refs/heads/main"}
    assert high(plan(tmp_path, "azurerm_federated_identity_credential.gha", None, pinned)) == []


@pytest.mark.parametrize(("actions", "severity"), [
    (["*"], Severity.HIGH),
    (["iam:*", "s3:GetObject"], Severity.HIGH),
    ({"actions": ["s3:GetObject"], "principal": "*"}, Severity.HIGH),
    (["logs:*"], Severity.MEDIUM),
    (["s3:GetObject", "s3:ListBucket"], None),  # the benign twin: read-only, keeps only the unresolved medium
    (["arn:aws:s3:::acme-data/*"], None),
], ids=["star", "service-star", "principal-in-map", "telemetry", "read-only", "object-arn"])
def test_a_policy_known_after_apply_is_judged_by_the_variables_it_is_built_from(
        tmp_path: Path, actions: Any, severity: Severity | None) -> None:
    configuration = {"root_module": {"resources": [{
        "address": "aws_iam_role_policy.runtime", "mode": "managed", "type": "aws_iam_role_policy", "name": "runtime",
        "expressions": {"name": {"constant_value": "runtime"}, "policy": {"references": [
            "var.extra_actions", "local.arns", "aws_s3_bucket.data.arn", "aws_s3_bucket.data"]}}}]}}
    found = plan(tmp_path, "aws_iam_role_policy.runtime", None, {"name": "runtime", "policy": None},
                 unknown={"policy": True}, variables={"extra_actions": {"value": actions}},
                 configuration=configuration)
    wild = [f for f in found if f.rule == "iam-wildcard"]
    assert [f.severity for f in wild] == ([severity] if severity else [])
    assert all("var.extra_actions" in f.message for f in wild)
    assert [f.severity for f in found if f.rule == "unresolved-value"] == [Severity.MEDIUM]


def test_roles_the_plan_makes_admin_are_known_by_name() -> None:
    from tfreview.pipeline.rules.documents import admin_roles
    entries = [
        {"change": {"after": {"role": "crossplane", "policy_arn": "arn:aws:iam::aws:policy/AdministratorAccess"}}},
        {"change": {"after": {"name": "ops", "managed_policy_arns": ["arn:aws:iam::aws:policy/PowerUserAccess"]}}},
        {"change": {"after": {"role": "lambda-exec", "policy_arn":
                              "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"}}},
    ]
    assert admin_roles(entries) == frozenset({"crossplane", "ops"})


@pytest.mark.parametrize(("kind", "after", "expected"), [
    ("vault_approle_auth_backend_role", {"role_name": "ci", "token_policies": ["default", "root"]},
     ["iam-privileged-role"]),
    ("vault_token_auth_backend_role", {"role_name": "ci", "allowed_policies_glob": ["*"]}, ["iam-privileged-role"]),
    ("vault_approle_auth_backend_role", {"role_name": "ci", "token_policies": ["default", "ci-deploy"]}, []),
    ("vault_token_auth_backend_role", {"role_name": "ci", "allowed_policies_glob": ["ci-*"]}, []),
], ids=["root-policy", "any-policy", "named-policies", "prefixed-glob"])
def test_a_role_that_hands_out_root_is_high(tmp_path: Path, kind: str, after: dict[str, Any],
                                           expected: list[str]) -> None:
    # (another stage's network rule also reads "*" in allowed_policies_glob as an open port range)
    assert [r for r, _ in high(plan(tmp_path, f"{kind}.ci", None, after)) if r.startswith("iam-")] == expected
