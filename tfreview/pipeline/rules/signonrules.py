"""Risk rules, sign-in (reported as auth-weakened): a sign-on rule of any identity provider created to let everyone in
from anywhere with a single factor. Updates that switch MFA off are the vocabulary's (`mfa_required` true → false);
this reads a rule that never had it, so a plan that adds one beside the old rule is judged too. A rule held to a
network zone, to named groups or users, or that still asks for a second factor, stays ordinary.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import Finding, finding, on_change
from tfreview.pipeline.rules.common import as_list, sides
from tfreview.pipeline.rules.vocabulary.terms import AUTH

SIGNON_TYPE = lazy_compile(r"(?:sign_?on|sign_?in|login|authentication|session)\w*rule"
                           r"|rule_(?:sign_?on|sign_?in|login)")
MFA_REQUIRED = lazy_compile(r"(?:mfa|two_factor|2fa|multi_factor|second_factor)_required|require_(?:mfa|2fa|two_factor)"
                            r"|factor_required")
SINGLE_FACTOR_MODE = lazy_compile(r"1fa|single|none|one_factor")
ACCESS_KEYS = ("access", "action", "decision", "effect")
ALLOW = {"allow", "allowed", "permit", "grant"}
# Who and where a rule applies to: an include list that names anyone narrows it, unless it names everyone.
WHO_KEYS = lazy_compile(r"(?:groups?|users?|people|principals?|members?)_included|included_(?:groups?|users?)")
WHERE_KEYS = lazy_compile(r"network_includes|included_(?:zones?|networks?)|network_zones?|zones_included")
EVERYONE = lazy_compile(r"(?<![a-z])(?:everyone|all[_ -]?users|all[_ -]?employees|all)(?![a-z])", re.IGNORECASE)


def _single_factor(values: dict[str, Any]) -> bool:
    flags = [v for k, v in values.items() if isinstance(v, bool) and MFA_REQUIRED.fullmatch(k.lower())]
    mode = str(values.get("factor_mode") or "")
    return (bool(flags) and not any(flags)) or (bool(mode) and SINGLE_FACTOR_MODE.fullmatch(mode.lower()) is not None)


def _allows(values: dict[str, Any]) -> bool:
    decision = next((str(values[k]).lower() for k in ACCESS_KEYS if isinstance(values.get(k), str)), "allow")
    return decision in ALLOW


def _everyone(values: dict[str, Any]) -> bool:
    named = [str(v) for k, v in values.items() if WHO_KEYS.fullmatch(k.lower()) for v in as_list(v) if v]
    return all(EVERYONE.search(n) for n in named)


def _anywhere(values: dict[str, Any]) -> bool:
    connection = str(values.get("network_connection") or "anywhere").lower()
    zones = [v for k, v in values.items() if WHERE_KEYS.fullmatch(k.lower()) for v in as_list(v) if v]
    return connection in ("anywhere", "any", "all") and not zones


def open_door(values: dict[str, Any]) -> bool:
    """Whether a sign-on rule lets everyone in from anywhere with one factor."""
    status = str(values.get("status") or "active").lower()
    return (status == "active" and _allows(values) and _single_factor(values) and _everyone(values)
            and _anywhere(values))


@on_change(actions=(Action.CREATE, Action.REPLACE), words=(b"rule",))
def _open_signon_rule(change: Change) -> Iterator[Finding]:
    if SIGNON_TYPE.search(change.type) is None:
        return
    before, after = sides(change)
    if open_door(after) and not (before and open_door(before)):
        priority = f" at priority {after['priority']}" if after.get("priority") is not None else ""
        yield finding(AUTH, change.address, f"{change.address}: a new sign-on rule{priority} lets everyone in from "
                      "anywhere without a second factor (MFA not required)")
