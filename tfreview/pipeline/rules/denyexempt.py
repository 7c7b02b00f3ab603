"""Risk rules, landing-zone guardrails (feeds `guardrail-relaxed`): a Deny that exempts someone from outside.

A guardrail written as a Deny with a negated condition (`StringNotEquals aws:PrincipalOrgID`, `ec2:Owner`,
`aws:SourceAccount`, `ArnNotLike aws:PrincipalArn`) denies everyone except the values listed: the list is who
is let through. A new value there that the plan shows nowhere else — an organisation or account id none of its
own resources, providers or state carries — lets an outsider past the guardrail (their principals reach the
organisation's data, their images boot in every account); a new `*` lets everyone past. An added id the plan also
shows as its own (an account it creates or manages), a value removed, or a Deny made stricter finds nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import orjson

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import Finding, ReviewInput, finding, managed
from tfreview.pipeline.rules.common import as_list
from tfreview.pipeline.rules.guardrails import GUARDRAIL
from tfreview.pipeline.rules.policy import statements

NEGATED = lazy_compile(r"^(?:ForAllValues:|ForAnyValue:)?(?:StringNotEquals|StringNotLike|ArnNotEquals|ArnNotLike"
                       r"|NotIpAddress)(?:IgnoreCase)?(?:IfExists)?$")
# An AWS account id, an organisation id, or an ARN's account.
IDENTIFIER = lazy_compile(r"(?<![\w-])(?:\d{12}|o-[a-z0-9]{10,32})(?![\w-])")


def _denies(document: Any) -> dict[str, dict[str, Any]]:
    """The Deny statements of DOCUMENT by their Sid, or by their actions and resources where they have none."""
    found: dict[str, dict[str, Any]] = {}
    for statement in statements(document):
        if statement.get("Effect") == "Deny":
            name = statement.get("Sid") or orjson.dumps([statement.get("Action"), statement.get("NotAction"),
                                                         statement.get("Resource")]).decode()
            found[str(name)] = statement
    return found


def _exemptions(statement: dict[str, Any]) -> set[tuple[str, str]]:
    """(condition key, value) a Deny statement exempts through its negated conditions."""
    conditions = statement.get("Condition")
    return {(str(key), str(value)) for operator, pairs in (conditions.items() if isinstance(conditions, dict) else [])
            if NEGATED.match(str(operator)) and isinstance(pairs, dict)
            for key, values in pairs.items() for value in as_list(values) if isinstance(value, (str, int))}


def _added(before: Any, after: Any) -> set[tuple[str, str]]:
    """Exemptions AFTER's Deny statements hold that the same statements in BEFORE did not: a Deny added whole
    tightens, whatever it exempts."""
    old = _denies(before)
    return {pair for name, statement in _denies(after).items() if name in old
            for pair in _exemptions(statement) - _exemptions(old[name])}


def _texts(values: Any) -> Iterator[tuple[str, Any]]:
    """Policy documents held in VALUES' top-level attributes (JSON text or objects)."""
    if isinstance(values, dict):
        for key, value in values.items():
            if statements(value):
                yield key, value


def widened(ri: ReviewInput) -> Iterator[Finding]:
    """Deny exemptions added for an id the plan does not show elsewhere, or for everyone."""
    for change in managed(ri.changeset, Action.CREATE, Action.UPDATE, Action.REPLACE):
        if change.action is Action.CREATE or not isinstance(change.after, dict) or not isinstance(change.before, dict):
            continue
        for key, document in _texts(change.after):
            added = _added(change.before.get(key), document)
            if not added:
                continue
            plan_text = _elsewhere(ri, change)  # rare: only a Deny given a new exemption gets here
            for condition, value in sorted(added):
                outsider = value == "*" or (IDENTIFIER.search(value) is not None and not all(
                    match.encode() in plan_text for match in IDENTIFIER.findall(value)))
                if outsider:
                    who = "everyone (*)" if value == "*" else \
                        f"{value!r}, an id nothing else in this plan shows as its own"
                    yield finding(GUARDRAIL, change.address, f"{change.address}: {key} — a Deny now exempts through "
                                  f"{condition} {who}: the guardrail lets them through")
                    break


def _elsewhere(ri: ReviewInput, changed: Change) -> bytes:
    """The plan's other resources, its state and its providers, serialized: where an id the plan owns shows up."""
    others = [[c.before, c.after] for c in ri.changeset.changes if c is not changed]
    return orjson.dumps([others, ri.plan.prior_state, ri.plan.configuration.get("provider_config")
                         if isinstance(ri.plan.configuration, dict) else None], default=str)

