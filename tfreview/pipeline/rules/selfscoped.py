"""Risk rules, tenant isolation (reported under `tenant-crossed`): a policy that confined each caller to its own
objects stops doing so. An Allow statement whose resources named the caller through a policy variable
(`tenant-data/${aws:PrincipalTag/tenant}/*`, `${aws:username}`, `${iot:Connection.Thing.ThingName}`,
`${cognito-identity.amazonaws.com:sub}`) now reaches the same resources without it (`tenant-data/*`): every
tenant, user or device that holds the policy reaches every other's objects, with one edit of one shared policy.

A statement that keeps the variable (the prefix moved, an action added), or one that never held one, says nothing
here; what a new wildcard allows is judged by the policy rules.

In the same way (reported under `iam-open-trust`), a trust statement that let its principals assume a role only
under conditions — MFA, an approval tag, an external id — and now lets the same principals assume with none: a
break-glass role any caller of its account may take. A condition changed, not dropped, is not this.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from fnmatch import fnmatchcase
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import Finding, finding, on_change
from tfreview.pipeline.rules.judge import TRUST
from tfreview.pipeline.rules.policy import Statement, parse
from tfreview.pipeline.rules.values import leaves

# A policy variable that stands for the caller, not for a constant (`${aws:SourceAccount}` names no caller).
CALLER = lazy_compile(r"\$\{(?:aws:(?:PrincipalTag/[^}]+|username|userid|PrincipalAccount|FederatedProvider)"
                      r"|iot:(?:Connection\.Thing\.\w+|ClientId|Certificate\.[^}]+)|cognito-identity\.amazonaws\.com:sub"
                      r"|[\w.-]+:sub|jwt:[^}]+|saml:[^}]+)\}")
OTHER = "zz-another-caller"


def _documents(values: Any, holding: str = "") -> dict[str, list[Statement]]:
    """Path → the statements of each policy document held as text in VALUES (only those whose text holds HOLDING)."""
    found: dict[str, list[Statement]] = {}
    for path, value in leaves(values):
        if isinstance(value, str) and "Statement" in value and holding in value:
            statements = parse(value)
            if statements:
                found[path] = statements
    return found


def _counterpart(new: Statement, old: list[Statement]) -> Statement | None:
    """The statement of OLD that NEW is the same grant of: its Sid, else its actions."""
    same = [s for s in old if s.allows and (s.sid == new.sid if new.sid else s.actions == new.actions)]
    return same[0] if len(same) == 1 else None


def _unconfined(new: Statement, old: Statement) -> str | None:
    """A resource of NEW that reaches what OLD confined to the caller, with no caller variable of its own."""
    confined = [r for r in old.resources if CALLER.search(r)]
    if not confined or any(CALLER.search(r) for r in new.resources):
        return None
    others = [CALLER.sub(OTHER, r) for r in confined]
    return next((r for r in new.resources if any(fnmatchcase(other, r) for other in others)), None)


@on_change(actions=(Action.UPDATE, Action.REPLACE), words=(b"${",))
def _caller_scope_dropped(change: Change) -> Iterator[Finding]:
    before = _documents(change.before, holding="${")
    for path, statements in _documents(change.after).items() if before else ():
        for new in statements:
            old = _counterpart(new, before.get(path, [])) if new.allows else None
            resource = _unconfined(new, old) if old else None
            if old and resource:
                yield finding("tenant-crossed", change.address, f"{change.address}: {path} {new.name} confined "
                              f"each caller to its own objects ({old.resources[0][:100]!r}) and now allows "
                              f"{resource[:100]!r}: every caller holding it reaches every other's")
                return


# --- a trust that stops asking ---------------------------------------------------------------------------------------

ASSUMING = lazy_compile(r"^sts:(?:AssumeRole\w*|\*)$|^\*$", re.IGNORECASE)


def _trusts(values: Any) -> dict[str, list[Statement]]:
    """Path → the Allow statements of each trust policy (statements that let a principal assume) in VALUES."""
    found = {path: [s for s in statements if s.allows and s.has_principal and any(ASSUMING.match(a) for a in s.actions)]
             for path, statements in _documents(values, holding="sts:").items()}
    return {path: trusts for path, trusts in found.items() if trusts}


@on_change(actions=(Action.UPDATE, Action.REPLACE), words=(b"condition",))
def _trust_conditions_dropped(change: Change) -> Iterator[Finding]:
    """A trust statement that let its principals assume only under conditions (MFA, an approval tag, an external
    id, a source) now lets the same principals assume with none: whoever could ask now gets in."""
    before = _trusts(change.before)
    for path, statements in _trusts(change.after).items() if before else ():
        for new in statements:
            if new.conditions:
                continue
            old = next((s for s in before.get(path, []) if s.conditions and s.principals == new.principals
                        and set(s.actions) == set(new.actions)), None)
            if old is not None:
                keys = sorted({k for keys in old.conditions.values() for k in keys})
                yield finding(TRUST, change.address, f"{change.address}: {path} {new.name} no longer requires "
                              f"{', '.join(keys[:3])} of whoever assumes it: every principal it names may now")
                return
