"""Risk rules, sign-in (risk rules stage; feeds `auth-weakened`): a listener or routing rule that loses its
authentication step. A load balancer's actions run in order: an `authenticate-oidc` or `authenticate-cognito`
action (any provider's `authenticate…` step) in front of the forward is the sign-in every request passes; a change
that drops every such step while the rule still forwards lets anyone who reaches the listener through to the
service, admin pages included."""

from __future__ import annotations

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
