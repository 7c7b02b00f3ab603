"""Risk rules, identity: every policy document in the plan judged for what it allows (wildcards, NotAction,
privilege escalation, public or foreign principals, open federated trust), including policies unknown until
apply, resolved from the configuration; role grants and RBAC rules are in `grants`, `access` and `tenants`.

Only what a change adds is reported: a statement or grant that was already there is not news.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Iterator
from functools import cached_property
from typing import Any

import tfreview.pipeline.rules.capabilities as capabilities
import tfreview.pipeline.rules.deputies as deputies
import tfreview.pipeline.rules.federation as federation
import tfreview.pipeline.rules.judge as judge
import tfreview.pipeline.rules.memberships as memberships
import tfreview.pipeline.rules.principals as principals
import tfreview.pipeline.rules.trustsubjects as trustsubjects
from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.configuration import Configuration, module_of
from tfreview.pipeline.diff import UNKNOWN, any_unknown
from tfreview.pipeline.findings import Finding, ReviewInput, RuleCheck, Severity, finding, managed, rule
from tfreview.pipeline.rules.actions import TELEMETRY_SERVICES
from tfreview.pipeline.rules.boundaries import bounded
from tfreview.pipeline.rules.common import as_list
from tfreview.pipeline.rules.documents import (
    UNRESOLVED,
    admin_roles,
    find,
    opaque,
    own_accounts,
    provider_accounts,
    show_path,
    state_accounts,
    unknown_policies,
    unreadable,
    wildcards,
)
from tfreview.pipeline.rules.grants import PRIVILEGED, azure_scope_severity, privilege, public_member
from tfreview.pipeline.rules.policy import Statement, denies_at_least, exempted, parse
from tfreview.pipeline.rules.selfguarded import self_guarded

# S3 bucket policies for Principal "*" with no Condition at all are public-bucket's to report.
BUCKET_POLICIES = ("aws_s3_bucket_policy", "aws_s3_bucket")
# Documents that filter rather than grant: a service control policy or endpoint policy of Allow "*" is the
# default guardrail, not a grant to anyone.
FILTERS = ("aws_organizations_policy", "aws_vpc_endpoint", "aws_vpc_endpoint_policy")
# Keys and secrets, whose resource policy decides who can read what they protect.
KEY_TYPES = lazy_compile(r"(?:^|_)(?:kms|key|keys|secret|secrets|secretsmanager|crypto)(?:_|$)")
AZURE_WIDE_TYPES = {"azurerm_subscription", "azurerm_management_group", "azurerm_subscription_alias"}
Document = tuple[str, list[Statement]]


class Context:
    """What judging one change needs from the whole plan, each part computed only once something needs it."""

    def __init__(self, review_input: ReviewInput, documents: list[tuple[str, list[Statement]]]) -> None:
        self.review_input = review_input
        self.documents = documents

    @cached_property
    def own(self) -> frozenset[str]:
        """The AWS accounts this plan's own resources live in."""
        plan = self.review_input.plan
        return own_accounts(plan.resource_changes) | _policy_accounts(self.documents) | provider_accounts(
            plan.configuration) | state_accounts(plan.prior_state)

    @cached_property
    def privileged_roles(self) -> frozenset[str]:
        """Role names this plan attaches an administrator managed policy to."""
        return admin_roles(self.review_input.plan.resource_changes)

    @cached_property
    def config(self) -> Configuration:
        """The plan's configuration, indexed."""
        return Configuration(self.review_input.plan)


def _check(rule_id: str) -> RuleCheck:
    def check(review_input: ReviewInput) -> list[Finding]:
        return [f for f in analyse(review_input) if f.rule == rule_id]
    return check


rule(judge.WILDCARD, Severity.HIGH, 'A policy allows "*" or service-wide actions, NotAction, or write and '
     'permission actions on Resource "*" (any attribute of any resource; Azure and Kubernetes roles, Vault path '
     'policies with write/sudo on a wildcard path too), or '
     "loses a Deny (a service control policy's guardrail).")(
    _check(judge.WILDCARD))
rule(judge.ESCALATES, Severity.HIGH, "A policy grants a known privilege-escalation path without any wildcard "
     "(iam:PassRole with a compute service, policy versions, access keys for others, sts:AssumeRole on any "
     "role, …), or a Vault path policy that writes the permission control plane (sys/policies, sys/auth, "
     "identity/, auth roles, sudo token creation).")(_check(judge.ESCALATES))
rule(judge.PUBLIC, Severity.HIGH, "A grant or resource policy reaches everyone (allUsers, allAuthenticatedUsers, "
     'system:authenticated, Principal "*" without a Condition that limits who, a service principal whose source '
     "condition matches any account) or another account.")(
    _check(judge.PUBLIC))
rule(judge.TRUST, Severity.HIGH, 'A role trust policy lets anyone assume it (Principal "*", an account outside '
     "the plan's, an OIDC provider without a subject condition, with a wildcard subject or one widened from a pin), "
     "or a federated binding (Vault JWT/OIDC bound_claims, subjects, audiences) turns to a wildcard, loses a bound "
     "claim or hands an admin policy to a wildcard.")(
    _check(judge.TRUST))
rule(PRIVILEGED, Severity.HIGH, "An admin, owner or editor role is granted (AdministratorAccess, *FullAccess, "
     "roles/owner, Owner at subscription scope, cluster-admin, GitHub admin, a tenant-wide Azure AD role, an "
     "org-wide API key, the default compute service account with the cloud-platform scope, Vault's root "
     "policy).")(_check(PRIVILEGED))
rule(UNRESOLVED, Severity.MEDIUM, "A policy is known only after apply and the configuration does not show "
     "what it allows (locals, functions of unknown values): it could not be checked, and the model is told.")(
    _check(UNRESOLVED))

_memo = threading.local()


def analyse(review_input: ReviewInput) -> list[Finding]:
    """Every policy finding of one plan, computed once and shared by the rules above."""
    key = getattr(_memo, "key", None)
    if key is not None and key() is review_input:
        cached: list[Finding] = _memo.found
        return cached
    documents: dict[int, tuple[list[Document], list[Document]]] = {}
    for change in managed(review_input.changeset, *Action):
        pair = list(find(change.before)), list(find(change.after))
        if pair[0] or pair[1]:
            documents[id(change)] = pair
    context = Context(review_input, [d for pair in documents.values() for side in pair for d in side])
    found = [f for change in managed(review_input.changeset, Action.CREATE, Action.UPDATE, Action.REPLACE)
             for f in _change(change, context, *documents.get(id(change), ([], [])))]
    found += [f for drift in review_input.changeset.drift for f in _drifted(drift, context)]
    found = bounded(review_input, found)
    _memo.key, _memo.found = weakref.ref(review_input), found  # a weak key: the plan is not kept alive
    return found


def _policy_accounts(documents: list[Document]) -> frozenset[str]:
    """Accounts that resource policies name as their own resource, and identity providers' accounts (never the
    principals, nor an identity policy's resources, which may be another account's)."""
    arns = [arn for _, statements in documents for s in statements if s.has_principal
            for arn in (*s.resources, *s.principals.get("Federated", ()))]
    return frozenset(m.group(1) for arn in arns if (m := principals.RESOURCE_ACCOUNT.match(arn)))


def _change(change: Change, context: Context, before: list[Document], after: list[Document]) -> Iterator[Finding]:
    old = {(v.rule, v.text) for where, statements in before
           for v in _judge(change.type, where, statements, context)}
    for where, statements in after:
        for verdict in _judge(change.type, where, statements, context):
            if (verdict.rule, verdict.text) not in old:
                guarded = (self_guarded(change, context.review_input)
                           if verdict.rule == judge.PUBLIC and '"*"' in verdict.text else None)
                yield finding(verdict.rule, change.address, f"{change.address}: {where} {verdict.text}"
                              + (f"; {guarded}" if guarded else ""), Severity.MEDIUM if guarded else verdict.severity)
    yield from _removed_denies(change, before, after)
    yield from _unknown(change, context, old)
    yield from _unreadable(change)
    yield from capabilities.changed(change)
    yield from federation.changed(change)
    yield from trustsubjects.widened(change, before, after)
    yield from memberships.admin_joins(change, context.config)
    yield from memberships.ladder_top(change)
    yield from memberships.default_for_everyone(change)
    if change.type == "azurerm_role_assignment":
        yield from _azure_scope(change, context)


def _drifted(drift: Change, context: Context) -> Iterator[Finding]:
    """A policy widened outside Terraform (drift) is judged like a change: someone may have opened a back door."""
    if drift.mode != "managed" or drift.action not in (Action.UPDATE, Action.REPLACE, Action.CREATE):
        return
    before, after = list(find(drift.before)), list(find(drift.after))
    if not after:
        return
    old = {(v.rule, v.text) for where, statements in before for v in _judge(drift.type, where, statements, context)}
    for where, statements in after:
        for verdict in _judge(drift.type, where, statements, context):
            if (verdict.rule, verdict.text) not in old:
                yield finding(verdict.rule, drift.address, f"{drift.address}: {where} {verdict.text} — changed "
                              "outside Terraform (drift)", verdict.severity)


def _removed_denies(change: Change, before: list[Document], after: list[Document]) -> Iterator[Finding]:
    """A Deny that guarded a document is gone: what it blocked is allowed again."""
    if not after or change.type in FILTERS[1:]:
        return
    kept = {s.key() for _, statements in after for s in statements}
    denies = [s for _, statements in after for s in statements if not s.allows]
    for where, statements in before:
        for statement in statements:
            if not statement.allows and statement.key() not in kept \
                    and not any(denies_at_least(new, statement) for new in denies):
                guardrail = change.type == "aws_organizations_policy"  # an SCP's Deny guards every account
                if exempt := next(filter(None, (exempted(new, statement) for new in denies)), None):
                    yield finding(judge.WILDCARD, change.address, f"{change.address}: {where} narrows Deny "
                                  f"{statement.name}: it now also lets {', '.join(exempt[:3])} through (the "
                                  "guardrail stands for everything else)", Severity.MEDIUM)
                    continue
                yield finding(judge.WILDCARD, change.address, f"{change.address}: {where} loses Deny "
                              f"{statement.name} ({', '.join((statement.actions or statement.not_actions or ())[:3])}"
                              f"){' in every account it is attached to' if guardrail else ''}: what it blocked is "
                              "allowed again", Severity.HIGH if guardrail else Severity.MEDIUM)


def _judge(resource_type: str, where: str, statements: list[Statement], context: Context, unseen: bool = False,
           ) -> list[judge.Verdict]:
    if resource_type in FILTERS:
        return []
    trust = where.lower().endswith(("assume_role_policy", "assumerolepolicydocument"))
    bucket = resource_type in BUCKET_POLICIES and not unseen
    return [*judge.identity(statements, context.privileged_roles),
            *principals.principals(statements, context, trust, public_guarded=bucket,
                              key=bool(KEY_TYPES.search(resource_type))),
            *([] if trust else deputies.services(statements))]


def _unknown(change: Change, context: Context, old: set[tuple[str, str]]) -> Iterator[Finding]:
    if not any_unknown(change.after_unknown) or not context.config.present:
        return
    configured = context.config.expressions(change.address)
    for path in unknown_policies(change.after, change.after_unknown):
        where = show_path(path)
        expression = context.config.expression(change.address, path)
        if expression is None:
            if configured is None or len(path) > 1:
                yield _unresolved(change, where, "its expression is missing from the configuration (a dynamic "
                                  "block?)")
            continue  # a computed attribute the configuration does not set
        if not isinstance(expression, dict):
            continue  # a nested block (ip_allocation_policy, retention_policy): not a document
        references = [r for r in expression.get("references") or [] if isinstance(r, str)]
        source = f"; read from {_sources(references)}" if references else ""
        unresolved = False
        for value in context.config.candidates(expression, module_of(change.address)):
            if isinstance(value, dict) and "bindings" in value:  # a google policy_data
                yield from _bindings(change, where, value, source)
                continue
            statements = parse(value)
            unresolved |= value == UNKNOWN or not statements or opaque(statements)
            # No other rule sees a document known only after apply: judge it whole (bare public buckets too).
            for verdict in _judge(change.type, where, statements, context, unseen=True):
                if (verdict.rule, verdict.text) not in old:
                    yield finding(verdict.rule, change.address, f"{change.address}: {where} (known after apply"
                                  f"{source}) {verdict.text}", verdict.severity)
        if unresolved:
            yield from _wild_inputs(change, where, references, context)
            yield _unresolved(change, where, f"is built from {_sources(references) or 'a function call'}")


def _wild_inputs(change: Change, where: str, references: list[str], context: Context) -> Iterator[Finding]:
    """A policy the plan cannot show, built from a variable or value that is itself a wildcard ("*", "iam:*")."""
    module = module_of(change.address)
    for reference in _specific(references):
        found = sorted(set(wildcards(_deciding(context.config.resolve(reference, module)))))
        if not found:
            continue
        services = {w.partition(":")[0] for w in found if ":" in w and not w.startswith("*")}
        telemetry = bool(services) and len(services) == len(found) and services <= TELEMETRY_SERVICES
        shown = ", ".join(f'"{w}"' for w in found[:4])
        yield finding(judge.WILDCARD, change.address, f"{change.address}: {where} is known only after apply and is "
                      f"built from {reference} = {shown}: a wildcard action, resource or principal",
                      Severity.MEDIUM if telemetry else Severity.HIGH)


def _deciding(value: Any) -> Any:
    """What of a resolved value can widen a policy: all of a variable or an identity statement, but not a resource
    policy statement's Resource "*" (a statement with a Principal: "*" there is the resource itself)."""
    if not isinstance(value, dict) or "Statement" not in value:
        return value
    return [{k: v for k, v in s.items() if "Principal" not in s or k not in ("Resource", "NotResource")}
            for s in as_list(value["Statement"]) if isinstance(s, dict)]


def _azure_scope(change: Change, context: Context) -> Iterator[Finding]:
    """A Contributor assignment whose scope is known only after apply, but is a subscription or management group."""
    after = change.after if isinstance(change.after, dict) else {}
    marks = change.after_unknown if isinstance(change.after_unknown, dict) else {}
    role = after.get("role_definition_name")
    if role != "Contributor" or marks.get("scope") is not True or not context.config.present:
        return
    values = context.config.values(change.address, ("scope",)) or []
    expression = context.config.expression(change.address, ("scope",))
    references = [r for r in as_list(expression.get("references") if isinstance(expression, dict) else None)
                  if isinstance(r, str)]
    kinds = {(r.split(".")[1] if r.startswith("data.") else r.split(".")[0]) for r in references if "." in r}
    resolved = [v for v in values if isinstance(v, str) and v != UNKNOWN]
    if any(azure_scope_severity(role, v) is Severity.HIGH for v in resolved) or kinds & AZURE_WIDE_TYPES:
        shown = resolved[0] if resolved else _sources(references)
        yield finding(PRIVILEGED, change.address, f"{change.address}: grants {role} to {after.get('principal_id')} "
                      f"at {shown} (known after apply)")


def _bindings(change: Change, where: str, policy: dict[str, Any], source: str) -> Iterator[Finding]:
    """Role bindings of a google policy known only after apply, read from its data source."""
    for binding in as_list(policy.get("bindings")):
        role = str(binding.get("role")) if isinstance(binding, dict) else ""
        members = [str(m) for m in as_list(binding.get("members"))] if isinstance(binding, dict) else []
        level = privilege(change.type, role)
        if level is not None:
            yield finding(PRIVILEGED, change.address, f"{change.address}: {where} (known after apply{source}) grants "
                          f"{role} to {', '.join(members) or 'members known after apply'}", level)
        for member in members:
            if public_member(member):
                yield finding(judge.PUBLIC, change.address, f"{change.address}: {where} (known after apply{source}) "
                              f"grants {role} to {member} (everyone)")


def _specific(references: list[str]) -> list[str]:
    return [r for r in references if not any(o != r and o.startswith(r + ".") for o in references)]


def _sources(references: list[str]) -> str:
    shown = _specific(references)
    return ", ".join(shown[:3]) + (", …" if len(shown) > 3 else "")


def _unreadable(change: Change) -> Iterator[Finding]:
    """Policy text the rules cannot read (not JSON, too large, nested too deep) is never passed as safe."""
    if change.action is Action.DELETE or not isinstance(change.after, (dict, list)):
        return
    old = set(unreadable(change.before)) if isinstance(change.before, (dict, list)) else set()
    for where in unreadable(change.after):
        if where not in old:
            yield finding(UNRESOLVED, change.address,
                          f"{change.address}: {where} looks like a policy document but cannot be read (not JSON, "
                          "too large or nested too deeply), so what it allows could not be checked",
                          Severity.HIGH)


def _unresolved(change: Change, where: str, why: str) -> Finding:
    return finding(UNRESOLVED, change.address,
                   f"{change.address}: {where} is known only after apply and {why}; the plan does not show "
                   "what it allows, so it could not be checked — review it in the configuration")
