"""Risk rules, identity: every policy document in the plan judged for what it allows (wildcards, NotAction,
privilege escalation, public or foreign principals, open federated trust), including policies unknown until
apply, resolved from the configuration (unknowns.py); what a document gets is verdicts.py's; role grants and RBAC
rules are in `grants`, `access` and `tenants`.

Only what a change adds is reported: a statement or grant that was already there is not news; a write grant
scoped to named resources that comes to reach every resource is (high, whatever the service).
"""

from __future__ import annotations

from collections.abc import Iterator

import tfreview.pipeline.rules.capabilities as capabilities
import tfreview.pipeline.rules.federation as federation
import tfreview.pipeline.rules.groupreach as groupreach
import tfreview.pipeline.rules.holders as holders
import tfreview.pipeline.rules.judge as judge
import tfreview.pipeline.rules.memberships as memberships
import tfreview.pipeline.rules.prefixreach as prefixreach
import tfreview.pipeline.rules.roleids as roleids
import tfreview.pipeline.rules.trustsubjects as trustsubjects
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import Finding, ReviewInput, RuleCheck, Severity, finding, managed, rule
from tfreview.pipeline.lastbuilt import LastBuilt
from tfreview.pipeline.rules.actions import ROUTINE, is_read
from tfreview.pipeline.rules.boundaries import bounded
from tfreview.pipeline.rules.documents import (
    UNRESOLVED,
    find,
    unreadable,
)
from tfreview.pipeline.rules.grants import PRIVILEGED
from tfreview.pipeline.rules.health import TAKEN_OUT
from tfreview.pipeline.rules.policy import (
    Statement,
    denies_at_least,
    erasing_actions,
    exempted,
    grants_action,
    named_as_before,
    narrowed_who,
    voided,
)
from tfreview.pipeline.rules.selfguarded import self_guarded
from tfreview.pipeline.rules.unknowns import azure_scope, unknown_documents
from tfreview.pipeline.rules.verdicts import FILTERS, Context, Document, verdicts


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
     "role, …), also when split across the policies of one role, user or group, or a Vault path policy whose path "
     "or glob writes the permission control plane (sys/policies, sys/auth, identity/, auth roles, sudo token "
     "creation).")(_check(judge.ESCALATES))
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
     "policy, an admin-like role at the root of any hierarchy, a write role to a whole mail domain, a workload moved "
     "to the default service account, a mesh policy letting every member reach admin ports or root SSH).")(
    _check(PRIVILEGED))
rule(UNRESOLVED, Severity.MEDIUM, "A policy is known only after apply and the configuration does not show "
     "what it allows (locals, functions of unknown values): it could not be checked, and the model is told.")(
    _check(UNRESOLVED))

def analyse(review_input: ReviewInput) -> list[Finding]:
    """Every policy finding of one plan, computed once and shared by the rules above."""
    return _last_analysis(review_input)


def _analysed(review_input: ReviewInput) -> list[Finding]:
    documents: dict[int, tuple[list[Document], list[Document]]] = {}
    for change in managed(review_input.changeset, *Action):
        pair = list(find(change.before)), list(find(change.after))
        if pair[0] or pair[1]:
            documents[id(change)] = pair
    context = Context(review_input, [d for pair in documents.values() for side in pair for d in side])
    found = [f for change in managed(review_input.changeset, Action.CREATE, Action.UPDATE, Action.REPLACE)
             for f in _change(change, context, *documents.get(id(change), ([], [])))]
    planned = {c.address: c for c in review_input.changeset.changes} if review_input.changeset.drift else {}
    found += [f for drift in review_input.changeset.drift
              for f in _drifted(drift, context, planned.get(drift.address), documents)]
    found += holders.split_escalations(list(managed(review_input.changeset, *Action)), documents, context)
    return bounded(review_input, found)


_last_analysis: LastBuilt[ReviewInput, list[Finding]] = LastBuilt(_analysed)


def _change(change: Change, context: Context, before: list[Document], after: list[Document]) -> Iterator[Finding]:
    old = {(v.rule, v.text) for where, statements in before
           for v in verdicts(change.type, where, statements, context)}
    granted = [s for _, statements in before for s in statements]
    old |= _narrowed(change.type, after, granted, context)
    for where, statements in after:
        for verdict in verdicts(change.type, where, named_as_before(statements, granted), context):
            if (verdict.rule, verdict.text) not in old:
                guarded = (self_guarded(change, context.review_input)
                           if verdict.rule == judge.PUBLIC and '"*"' in verdict.text else None)
                yield finding(verdict.rule, change.address, f"{change.address}: {where} {verdict.text}"
                              + (f"; {guarded}" if guarded else ""), Severity.MEDIUM if guarded else verdict.severity)
    yield from _removed_denies(change, before, after)
    yield from _widened(change, before, after)
    for why, severity in prefixreach.widened(before, after, context.own):
        yield finding(judge.WILDCARD, change.address, f"{change.address}: {why}", severity)
    yield from unknown_documents(change, context, old)
    yield from _unreadable(change)
    yield from capabilities.changed(change)
    yield from federation.changed(change)
    yield from trustsubjects.widened(change, before, after)
    yield from memberships.admin_joins(change, context.config)
    yield from memberships.ladder_top(change)
    yield from memberships.default_for_everyone(change)
    yield from groupreach.widened(change, context.config)
    yield from roleids.admin_by_id(change, context.config)
    if change.type == "azurerm_role_assignment":
        yield from azure_scope(change, context)


def _narrowed(resource_type: str, after: list[Document], granted: list[Statement], context: Context,
              ) -> set[tuple[str, str]]:
    """Who-verdicts of statements that narrow a statement BEFORE granted to everyone (Principal "*" → one partner
    account, the same actions): a hardening, whoever they now name was let in already."""
    return {(v.rule, v.text) for where, statements in after
            for v in verdicts(resource_type, where, [s for s in statements
                                                     if any(narrowed_who(s, old) for old in granted)], context)
            if v.rule in (judge.PUBLIC, judge.TRUST)}


def _drifted(drift: Change, context: Context, planned: Change | None,
             documents: dict[int, tuple[list[Document], list[Document]]]) -> Iterator[Finding]:
    """A policy widened outside Terraform (drift) is judged like a change: someone may have opened a back door.
    PLANNED is the plan's change of the same address (its documents already read, in DOCUMENTS)."""
    if drift.mode != "managed" or drift.action not in (Action.UPDATE, Action.REPLACE, Action.CREATE):
        return
    before, after = list(find(drift.before)), list(find(drift.after))
    if not after:
        return
    old = {(v.rule, v.text) for where, statements in before for v in verdicts(drift.type, where, statements, context)}
    kept = None if planned is None or planned.action is Action.NO_OP else {
        (v.rule, v.text) for where, statements in documents.get(id(planned), ([], []))[1]
        for v in verdicts(planned.type, where, statements, context)}
    for where, statements in after:
        for verdict in verdicts(drift.type, where, statements, context):
            if (verdict.rule, verdict.text) in old:
                continue
            if kept is not None and (verdict.rule, verdict.text) not in kept:
                # the plan puts the document back without it: what drifted in is taken out again
                yield finding(verdict.rule, drift.address, f"{drift.address}: {where} {verdict.text} — changed "
                              f"outside Terraform (drift); {TAKEN_OUT}", Severity.MEDIUM)
                continue
            yield finding(verdict.rule, drift.address, f"{drift.address}: {where} {verdict.text} — changed "
                          "outside Terraform (drift)", verdict.severity)


def _widened(change: Change, before: list[Document], after: list[Document]) -> Iterator[Finding]:
    """Write actions the document granted on named resources now granted on every resource (`iot:Publish` on one
    device's topic → on `*`): one stolen credential reaches everything the grant was scoped away from."""
    scoped = [s for _, statements in before for s in statements
              if s.allows and not s.has_principal and not judge.broad(s)]
    if not scoped:
        return
    for where, statements in after:
        for statement in statements:
            if not statement.allows or statement.has_principal or statement.conditions or not judge.broad(statement):
                continue
            widened = [a for a in statement.actions if "*" not in a and not is_read(a)
                       and a.lower() not in ROUTINE and any(grants_action(s, a) for s in scoped)]
            if widened:
                yield finding(judge.WILDCARD, change.address, f"{change.address}: {where} {statement.name} widens "
                              f"{', '.join(widened[:4])} from named resources to every resource (Resource \"*\")",
                              Severity.HIGH)
                return


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
                if wild := next(filter(None, (voided(new, statement) for new in denies)), None):
                    yield finding(judge.WILDCARD, change.address, f"{change.address}: {where} keeps Deny "
                                  f"{statement.name} written, but its exception now matches {', '.join(wild[:3])}: "
                                  "everything that pattern covers walks through it")
                    continue
                if exempt := next(filter(None, (exempted(new, statement) for new in denies)), None):
                    yield finding(judge.WILDCARD, change.address, f"{change.address}: {where} narrows Deny "
                                  f"{statement.name}: it now also lets {', '.join(exempt[:3])} through (the "
                                  "guardrail stands for everything else)", Severity.MEDIUM)
                    continue
                fenced = statement.has_principal and _open_allow(after)
                # a Deny on erasing (recovery points, versions, the policy itself) holds even against an admin
                erasing = [a for a in erasing_actions(statement) if not any(grants_action(d, a) for d in denies)]
                yield finding(judge.WILDCARD, change.address, f"{change.address}: {where} loses Deny "
                              f"{statement.name} ({', '.join((statement.actions or statement.not_actions or ())[:3])}"
                              f"){' in every account it is attached to' if guardrail else ''}: what it blocked is "
                              "allowed again" + (f"; it fenced {fenced}, now open to anyone" if fenced else "")
                              + ("; whoever may act on the resource may now erase or unguard it" if erasing else ""),
                              Severity.HIGH if guardrail or fenced or erasing else Severity.MEDIUM)


def _open_allow(documents: list[Document]) -> str | None:
    """The first Allow of DOCUMENTS for Principal "*" with no condition (the one a removed Deny kept fenced to a
    network or an organisation), as a message names it."""
    for _, statements in documents:
        for statement in statements:
            if statement.allows and not statement.conditions and "*" in (
                    *statement.principals.get("*", ()), *statement.principals.get("AWS", ())):
                return f'{statement.name} for Principal "*"'
    return None


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


