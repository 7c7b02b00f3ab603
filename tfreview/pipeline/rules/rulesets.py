"""Risk rules, lifecycle helper: a deleted rule (a page rule, a routing or redirect rule) whose successor kind is
created in the same plan under the same parent (the same zone or gateway id, or none named by either) and handles
the same URL paths: the rule moved to the new object; ladders.py grades deletes with it."""

from __future__ import annotations

import json
import re
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import ReviewInput
from tfreview.pipeline.rules.planview import plan_view
from tfreview.pipeline.rules.takeover import SUCCEEDED

# A URL path's first segment, after a host or at the start of a path (`acme.io/blog*`, `"/blog"`).
_PATH = lazy_compile(r"(?:[a-z0-9]\.[a-z]{2,}|[\"'(\s=]|^)/([a-z0-9][a-z0-9_-]{2,})", re.IGNORECASE)
_PARENT = lazy_compile(r"^\w+_id$")


def _paths(values: Any) -> set[str]:
    text = json.dumps(values).replace("\\\"", "\"")
    return {p.lower() for p in _PATH.findall(text)}


def _parents(values: dict[str, Any]) -> dict[str, str]:
    return {k: v for k, v in values.items() if _PARENT.match(k) and isinstance(v, str) and v}


def _successor_kind(old: str, new: str) -> bool:
    """Same provider, and the new kind extends the old one's last word (`page_rule` → `ruleset`)."""
    (old_provider, old_word), (new_provider, new_word) = (old.split("_")[0], old.split("_")[-1]), \
        (new.split("_")[0], new.split("_")[-1])
    return old != new and old_provider == new_provider and new_word.startswith(old_word)


def rule_moved(change: Change, ri: ReviewInput) -> str | None:
    """Why deleting a rule loses nothing, or None: a successor kind created under the same parent ids handles
    the same URL paths."""
    before = change.before if isinstance(change.before, dict) else {}
    parents, paths = _parents(before), _paths(before)
    if change.action is not Action.DELETE or not SUCCEEDED.search(change.type) or not paths:
        return None
    for other in plan_view(ri).of(Action.CREATE):
        after = other.after if isinstance(other.after, dict) else {}
        # the same parent ids; with none on the old rule, none on the new one either (no other parent is named)
        if not _successor_kind(change.type, other.type) or not (parents.items() <= _parents(after).items()
                                                                 if parents else not _parents(after)):
            continue
        if shared := paths & _paths(after):
            return (f"{other.address} is created under the same parent and handles the same paths "
                    f"(/{', /'.join(sorted(shared))}): the rule moves to it")
    return None
