"""IAM and RBAC widening: wildcard policies, privileged roles, public members, trust opened to anyone.

Only what a change adds is reported: a statement or grant that was already there is not news.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import tfreview.pipeline.rules.policy as policy
from tfreview.pipeline.changes import Change
from tfreview.pipeline.findings import Finding, Severity, declare, finding, on_change
from tfreview.pipeline.rules.common import blocks, dig, new_items, sides
from tfreview.pipeline.rules.grants import GRANT_PREFIXES, GRANT_TYPES, grants, privilege, public_member

WILDCARD = declare("iam-wildcard", Severity.HIGH,
                   'An IAM policy, Azure role or Kubernetes role grants "*" actions or resources.')
PRIVILEGED = declare("iam-privileged-role", Severity.HIGH,
                     "An admin, owner or editor role is granted (AdministratorAccess, roles/owner, Owner, "
                     "cluster-admin).")
PUBLIC = declare("iam-public-member", Severity.HIGH,
                 "A grant or resource policy reaches everyone (allUsers, allAuthenticatedUsers, "
                 'system:authenticated, Principal "*").')
TRUST = declare("iam-open-trust", Severity.HIGH, 'A role trust policy lets anyone assume it (Principal "*", '
                "an OIDC provider without a subject condition).")

IDENTITY_POLICIES = {
    "aws_iam_policy": "policy", "aws_iam_role_policy": "policy", "aws_iam_user_policy": "policy",
    "aws_iam_group_policy": "policy", "aws_ssoadmin_permission_set_inline_policy": "inline_policy",
}
# Resource policies whose public principal is iam-public-member; S3 bucket policies are public-bucket.
RESOURCE_POLICIES = {
    "aws_sqs_queue_policy": "policy", "aws_sqs_queue": "policy", "aws_sns_topic_policy": "policy",
    "aws_sns_topic": "policy", "aws_ecr_repository_policy": "policy", "aws_secretsmanager_secret_policy": "policy",
    "aws_secretsmanager_secret": "policy", "aws_kms_key": "policy", "aws_glacier_vault": "access_policy",
    "aws_opensearch_domain_policy": "access_policies", "aws_elasticsearch_domain_policy": "access_policies",
    "aws_api_gateway_rest_api_policy": "policy", "aws_efs_file_system_policy": "policy",
}
K8S_ROLES = ("kubernetes_cluster_role", "kubernetes_cluster_role_v1", "kubernetes_role", "kubernetes_role_v1")
OIDC_SUBJECT = ":sub"


@on_change(types=(*IDENTITY_POLICIES, "aws_iam_role"))
def _identity_policy(change: Change) -> Iterator[Finding]:
    before, after = sides(change)
    if change.type == "aws_iam_role":
        old = _merged([b.get("policy") for b in blocks(before, "inline_policy")])
        for block in blocks(after, "inline_policy"):
            where = f'inline_policy "{block["name"]}"' if block.get("name") else "inline_policy"
            yield from _wildcards(change, where, old, block.get("policy"))
        return
    attribute = IDENTITY_POLICIES[change.type]
    yield from _wildcards(change, attribute, before.get(attribute), after.get(attribute))


def _merged(documents: list[Any]) -> dict[str, Any]:
    return {"Statement": [s for d in documents for s in policy.statements(d)]}


def _wildcards(change: Change, where: str, before: Any, after: Any) -> Iterator[Finding]:
    for statement in policy.new_statements(before, after):
        name = policy.label(statement)
        if "NotAction" in statement:
            yield finding(WILDCARD, change.address,
                          f"{change.address}: {where} {name} allows every action except NotAction")
            continue
        actions = policy.wildcard_actions(statement)
        everywhere = policy.wildcard_resource(statement)
        if actions:
            scope = 'on Resource "*"' if everywhere else "on its resources"
            admin = " (full admin)" if "*" in actions or "*:*" in actions else ""
            yield finding(WILDCARD, change.address,
                          f"{change.address}: {where} {name} allows Action {', '.join(actions)} {scope}{admin}")
        elif everywhere:
            severity = Severity.MEDIUM if policy.read_only(statement) else Severity.HIGH
            yield finding(WILDCARD, change.address,
                          f'{change.address}: {where} {name} applies to Resource "*"', severity)


@on_change(types=RESOURCE_POLICIES)
def _resource_policy(change: Change) -> Iterator[Finding]:
    before, after = sides(change)
    attribute = RESOURCE_POLICIES[change.type]
    for statement in policy.new_statements(before.get(attribute), after.get(attribute)):
        if policy.public_principal(statement) and not policy.conditions(statement):
            yield finding(PUBLIC, change.address,
                          f'{change.address}: {attribute} {policy.label(statement)} allows Principal "*" '
                          "with no Condition (anyone)")


@on_change(types=("aws_lambda_permission",))
def _lambda_permission(change: Change) -> Iterator[Finding]:
    _, after = sides(change)
    scoped = any(after.get(k) for k in ("source_arn", "source_account", "principal_org_id"))
    if after.get("principal") == "*" and not scoped:
        yield finding(PUBLIC, change.address,
                      f'{change.address}: principal = "*" with no source_arn or source_account (anyone may invoke)')


@on_change(types=("aws_iam_role",))
def _trust(change: Change) -> Iterator[Finding]:
    before, after = sides(change)
    for statement in policy.new_statements(before.get("assume_role_policy"), after.get("assume_role_policy")):
        keys = policy.conditions(statement)
        name = policy.label(statement)
        if policy.public_principal(statement):
            severity = Severity.MEDIUM if keys else Severity.HIGH
            guard = f" (only guarded by a Condition on {', '.join(keys)})" if keys else ""
            yield finding(TRUST, change.address,
                          f'{change.address}: assume_role_policy {name} lets Principal "*" assume the role{guard}',
                          severity)
        for provider in policy.principals(statement).get("Federated", []):
            if not any(k.endswith(OIDC_SUBJECT) for k in keys):
                yield finding(TRUST, change.address,
                              f"{change.address}: assume_role_policy {name} trusts {provider} with no "
                              "subject (:sub) condition: any identity of that provider may assume the role")


@on_change(types=GRANT_TYPES, prefixes=GRANT_PREFIXES)
def _grants(change: Change) -> Iterator[Finding]:
    before, after = sides(change)
    old = grants(change.type, before)
    for role, member in grants(change.type, after):
        if (role, member) in old:
            continue
        level = privilege(change.type, role)
        if level is not None:
            yield finding(PRIVILEGED, change.address,
                          f"{change.address}: grants {role} to {member}", level)
        if public_member(member):
            yield finding(PUBLIC, change.address,
                          f"{change.address}: grants {role} to {member} (everyone"
                          f"{' signed in' if 'uthenticated' in member else ''})")


@on_change(types=(*K8S_ROLES, "azurerm_role_definition"))
def _role_definitions(change: Change) -> Iterator[Finding]:
    before, after = sides(change)
    key = "permissions" if change.type == "azurerm_role_definition" else "rule"
    for block in new_items(blocks(before, key), blocks(after, key)):
        wild = _wild_parts(block)
        if wild:
            yield finding(WILDCARD, change.address,
                          f"{change.address}: {key} grants {', '.join(wild)}")


def _wild_parts(block: dict[str, Any]) -> list[str]:
    fields = ("actions", "data_actions") if "actions" in block else ("verbs", "resources")
    return [f'{field} "*"' for field in fields
            if any(v == "*" or (isinstance(v, str) and v.endswith("/*") and v.count("/") == 1)
                   for v in dig(block, field) or [])]
