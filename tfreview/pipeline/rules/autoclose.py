"""Risk rules, detection (reported under detection-disabled): automation that closes, resolves or dismisses every
incident, alert or finding as it arrives — an automation or response rule of any provider (Sentinel's
`action_incident.status = Closed`, an invented SIEM's `set_state = resolved`) whose conditions are empty. One with
conditions (a title, a rule, a tag) is triage of known noise and stays quiet; so does one that only assigns or
labels."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import Finding, Severity, finding, on_change
from tfreview.pipeline.rules.common import sides
from tfreview.pipeline.rules.vocabulary import DETECTION

AUTOMATION = lazy_compile(r"(?:^|_)(?:automation|automations|playbook|workflow|triage|response|responder"
                          r"|auto_?close|action_rule|incident_rule|alert_rule_action)(?:_|s?$)")
STATUS = lazy_compile(r"(?:\w+_)?(?:status|state|resolution)")
CLOSED = frozenset({"closed", "close", "resolved", "resolve", "dismissed", "dismiss", "suppressed", "suppress",
                    "benign", "false_positive", "falsepositive", "ignored", "archived"})
CONDITIONS = lazy_compile(r"(?:\w+_)?(?:condition|conditions|condition_json|filter|filters|criteria|match|matches"
                          r"|matchers)")
EMPTY: tuple[Any, ...] = (None, "", "[]", "{}", [], {})
MAX_DEPTH = 6


def _closes(value: Any, depth: int = 0) -> str | None:
    """The status value an action block anywhere in VALUE sets to closed, or None."""
    if depth > MAX_DEPTH:
        return None
    if isinstance(value, list):
        return next((found for item in value if (found := _closes(item, depth + 1))), None)
    if not isinstance(value, dict):
        return None
    for key, item in value.items():
        if isinstance(item, str) and STATUS.fullmatch(key) and item.strip().lower() in CLOSED:
            return item
        if isinstance(item, dict | list) and (found := _closes(item, depth + 1)):
            return found
    return None


def _unconditioned(values: dict[str, Any]) -> bool:
    """Whether every condition setting at the top of VALUES is empty."""
    return all(item in EMPTY or (isinstance(item, str) and not item.strip())
               for key, item in values.items() if CONDITIONS.fullmatch(key))


@on_change(actions=(Action.CREATE, Action.UPDATE, Action.REPLACE), type_pattern=AUTOMATION)
def _closes_everything(change: Change) -> Iterator[Finding]:
    before, after = sides(change)
    status = _closes(after)
    if status is None or not _unconditioned(after) or after.get("enabled") is False:
        return
    if before and _closes(before) is not None and _unconditioned(before):
        return  # it already closed everything: not news
    yield finding(DETECTION, change.address,
                  f"{change.address}: closes every incident it sees (status {status}) with no condition: real "
                  "detections are closed before anyone looks", Severity.HIGH)
