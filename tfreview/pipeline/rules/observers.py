"""Risk rules, lifecycle helper: an observer (a monitor, synthetic test, uptime check, alert) replaced so that the
new one watches every target the old one watched, from every place it watched, and tells everyone it told: only
a short gap in its checks; ladders.py grades replaces with it."""

from __future__ import annotations

import json
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.rules.common import sides
from tfreview.pipeline.rules.takeover import OBSERVING

_HOST = lazy_compile(r"\b(?:[a-z0-9-]+\.)+[a-z]{2,}\b")
# Who an observer tells: @-handles in its message (`@slack-sre`, `@pagerduty-checkout`) and e-mail addresses.
_HANDLE = lazy_compile(r"(?<![\w.])@[\w.-]+|\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
# Resources that only switch a scanner or service on for an account (Inspector's enabler): they hold no findings or
# data, so re-made with every coverage type they had, only the re-made switch's gap is lost.
ENABLER = lazy_compile(r"(?:^|_)(?:enabler|enablement|activation)$")
_SWITCHES = ("status", "state", "enabled", "paused", "muted")


def _strings(values: Any) -> str:
    return json.dumps(values, sort_keys=True).lower()


def _lists(values: dict[str, Any]) -> dict[str, set[str]]:
    """Its lists of names (locations, notify lists, channels), by key."""
    return {key: {str(v) for v in value} for key, value in values.items()
            if isinstance(value, list) and value and all(isinstance(v, (str, int)) for v in value)}


def observer_kept(change: Change) -> str | None:
    """Why replacing an observer loses nothing but a short gap, or None: the new one keeps every host it watched,
    every list it had (locations, notify lists) and every handle it told, and its on/off switches stay as they were."""
    if change.action is not Action.REPLACE or not (OBSERVING.search(change.type) or ENABLER.search(change.type)):
        return None
    before, after = sides(change)
    if not before or not after or any(before.get(key) != after.get(key) for key in _SWITCHES):
        return None
    old, new = _strings(before), _strings(after)
    if set(_HOST.findall(old)) - set(_HOST.findall(new)) or set(_HANDLE.findall(old)) - set(_HANDLE.findall(new)):
        return None
    kept = _lists(after)
    if any(not items <= kept.get(key, set()) for key, items in _lists(before).items()):
        return None
    return "an observer re-made watching the same targets and telling the same people: only a short gap in its checks"
