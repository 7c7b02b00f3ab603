"""Policies known only after apply, judged from the configuration (risk rules stage; feeds `unresolved-value`,
`iam-wildcard`, `iam-public-member` and `iam-privileged` through iam.py).

A document the plan shows as `(known after apply)` is judged by every value its configuration expression can
take; one still unreadable is reported as unresolved (never passed as safe), and a variable it is built from that
is itself a wildcard is reported as one. A Contributor scope or google policy_data known only after apply is
read the same way.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import tfreview.pipeline.rules.judge as judge
from tfreview.pipeline.changes import Change
from tfreview.pipeline.configuration import module_of
from tfreview.pipeline.diff import UNKNOWN, any_unknown
from tfreview.pipeline.findings import Finding, Severity, finding
from tfreview.pipeline.rules.actions import TELEMETRY_SERVICES
from tfreview.pipeline.rules.common import as_list
from tfreview.pipeline.rules.documents import (
    UNRESOLVED,
    find,
    opaque,
    show_path,
    unknown_policies,
    wildcards,
)
from tfreview.pipeline.rules.grants import PRIVILEGED, azure_scope_severity, privilege, public_member
from tfreview.pipeline.rules.policy import named_as_before, parse
from tfreview.pipeline.rules.principals import ACCOUNT
from tfreview.pipeline.rules.unshown import read_documents
from tfreview.pipeline.rules.verdicts import Context, verdicts

AZURE_WIDE_TYPES = {"azurerm_subscription", "azurerm_management_group", "azurerm_subscription_alias"}


def unknown_documents(change: Change, context: Context, old: set[tuple[str, str]]) -> Iterator[Finding]:
    if not any_unknown(change.after_unknown) or not context.config.present:
        return
    configured = context.config.expressions(change.address)
    granted = [s for _, statements in find(change.before) for s in statements]
    for path in unknown_policies(change.after, change.after_unknown):
        where = show_path(path)
        expression = context.config.expression(change.address, path)
        if expression is None:
            for source, value in read_documents(change, path, context) if configured is None else []:
                for verdict in verdicts(change.type, where, parse(value), context, unseen=True):
                    if (verdict.rule, verdict.text) not in old:
                        yield finding(verdict.rule, change.address, f"{change.address}: {where} (known after apply; "
                                      f"{source} is read in this apply) {verdict.text}", verdict.severity)
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
            statements = named_as_before(parse(value), granted)
            unresolved |= value == UNKNOWN or not statements or opaque(statements)
            # No other rule sees a document known only after apply: judge it whole (bare public buckets too).
            for verdict in verdicts(change.type, where, statements, context, unseen=True):
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
    return [{k: v for k, v in s.items() if "Principal" not in s or k not in _judged_by_principal(s)}
            for s in as_list(value["Statement"]) if isinstance(s, dict)]


def _judged_by_principal(statement: dict[str, Any]) -> tuple[str, ...]:
    """Keys of a resource policy statement that its Principal decides: always its Resource ("*" is the resource
    itself); its Action too when the Principal names accounts only (judged as a grant to those accounts)."""
    principal = statement.get("Principal")
    if not isinstance(principal, dict) or set(principal) != {"AWS"}:
        return ("Resource", "NotResource")
    named = [p for p in as_list(principal["AWS"]) if isinstance(p, str)]
    accounts = bool(named) and all(ACCOUNT.match(p) for p in named)
    return ("Resource", "NotResource", "Action") if accounts else ("Resource", "NotResource")


def azure_scope(change: Change, context: Context) -> Iterator[Finding]:
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


def _unresolved(change: Change, where: str, why: str) -> Finding:
    return finding(UNRESOLVED, change.address,
                   f"{change.address}: {where} is known only after apply and {why}; the plan does not show "
                   "what it allows, so it could not be checked — review it in the configuration")
