"""Risk rules, sign-in (risk rules stage; feeds `auth-weakened`): a listener or routing rule that loses its
authentication step, and a sign-in flow that stops running a step that enforces.

A load balancer's actions run in order: an `authenticate-oidc` or `authenticate-cognito` action (any provider's
`authenticate…` step) in front of the forward is the sign-in every request passes; a change that drops every such
step while the rule still forwards lets anyone who reaches the listener through to the service, admin pages
included. An identity provider's sign-in flow runs the actions or hooks bound to it on every sign-in (Auth0's
post-login trigger actions, any provider's login hooks): one whose name says it enforces (a second factor, a step-up,
a block, a risk check) unbound, no sign-in asks it any more, though the action itself still exists."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import Finding, finding, on_change
from tfreview.pipeline.rules.common import as_list, sides
from tfreview.pipeline.rules.vocabulary.terms import AUTH

ACTION_KEYS = ("default_action", "action", "actions")
AUTHENTICATES = lazy_compile(r"^authenticate|(?:^|[-_])(?:oidc|cognito|jwt)(?:[-_]|$)")


def _steps(values: dict[str, Any]) -> list[str]:
    """The types of the listener's or rule's actions, in order."""
    return [str(a.get("type", "")).lower() for key in ACTION_KEYS for a in as_list(values.get(key))
            if isinstance(a, dict)]


@on_change(actions=(Action.UPDATE, Action.REPLACE), words=(b"authenticate",))
def _authentication_dropped(change: Change) -> Iterator[Finding]:
    before, after = (_steps(side) for side in sides(change))
    was = sorted({step for step in before if AUTHENTICATES.search(step)})
    if was and after and not any(AUTHENTICATES.search(step) for step in after):
        yield finding(AUTH, change.address, f"{change.address}: its {', '.join(was)} step is removed and requests "
                      f"go straight to {after[-1] or 'the next action'}: anyone who reaches it is let through "
                      "without signing in")


FLOW_TYPES = lazy_compile(r"trigger|hook|flow|binding")
SIGN_IN = lazy_compile(r"login|sign_?in|signon|authenticat|registration")
STEP_KEYS = ("actions", "hooks", "steps", "bindings")
ENFORCING_STEP = lazy_compile(r"mfa|2fa|multi[-_ ]?factor|step[-_ ]?up|otp|webauthn|passkey|captcha|block|deny|verif"
                              r"|risk|fraud|requir|enforc", re.IGNORECASE)


def _bound(values: dict[str, Any]) -> dict[str, str]:
    """The steps a flow runs: each one's id (or name) to the name it is shown by."""
    found: dict[str, str] = {}
    for key in STEP_KEYS:
        for step in as_list(values.get(key)):
            if isinstance(step, dict):
                shown = str(step.get("display_name") or step.get("name") or step.get("id") or "")
                found[str(step.get("id") or shown)] = shown
            elif isinstance(step, str):
                found[step] = step
    return found


@on_change(actions=(Action.UPDATE,), type_pattern=FLOW_TYPES)
def _enforcing_step_unbound(change: Change) -> Iterator[Finding]:
    before, after = sides(change)
    if not SIGN_IN.search(f"{change.type} {after.get('trigger', '')} {after.get('flow', '')}"):
        return
    new = _bound(after)
    dropped = sorted(shown for key, shown in _bound(before).items() if key not in new and ENFORCING_STEP.search(shown))
    if dropped:
        yield finding(AUTH, change.address, f"{change.address}: {dropped[0]!r} no longer runs on sign-in: what it "
                      "enforced (a second factor, a block, a check) is not asked any more")
