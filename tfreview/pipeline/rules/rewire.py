"""Risk rules, lifecycle helper: a monitor moved to another monitoring provider (or kind) in the same plan — the
deleted alert's watch is taken over by a new one named for the same thing; `lifecycle` grades its deletes with it."""

from __future__ import annotations

import re

from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import ReviewInput
from tfreview.pipeline.rules.planview import PlanView, plan_view
from tfreview.pipeline.rules.takeover import OBSERVING

_WORD = re.compile(r"[a-z0-9]+")
# Keys that name a monitor, alert or check.
NAME_KEYS = ("name", "display_name", "title")
# Settings by which a new monitor watches nothing yet.
SILENT = (("enabled", False), ("muted", True), ("paused", True), ("disabled", True))


def _words(attrs: object) -> frozenset[str]:
    if not isinstance(attrs, dict):
        return frozenset()
    name = next((attrs[k] for k in NAME_KEYS if isinstance(attrs.get(k), str) and attrs[k]), "")
    return frozenset(_WORD.findall(str(name).lower()))


def _watching(change: Change) -> bool:
    """Whether CHANGE is observability configuration (not a security detection)."""
    return bool(OBSERVING.search(change.type)) and "security" not in change.type


def _new_monitors(view: PlanView) -> list[tuple[Change, frozenset[str]]]:
    return [(c, _words(c.after)) for c in view.of(Action.CREATE)
            if _watching(c) and isinstance(c.after, dict)
            and not any(c.after.get(key) is value for key, value in SILENT)]


def watch_moved(change: Change, ri: ReviewInput) -> str | None:
    """Why a deleted monitor's watch goes on, or None: a monitor of any provider created in the same plan, live,
    whose name holds every word (two or more) of the deleted one's name."""
    if change.action is not Action.DELETE or not _watching(change):
        return None
    old = _words(change.before)
    if len(old) < 2:
        return None
    creates = plan_view(ri).derived("new monitors by name", _new_monitors)
    new = next((c for c, words in creates if old <= words), None)
    return None if new is None else f"{new.address} is created in the same plan and watches the same thing"
