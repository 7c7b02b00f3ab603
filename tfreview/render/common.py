"""What every human-readable renderer shows, in the same order."""

from __future__ import annotations

import json
from typing import Any

from tfreview.pipeline.changes import Action, Change
from tfreview.result import ReviewResult

SYMBOLS = {
    Action.DELETE: "-",
    Action.REPLACE: "-/+",
    Action.FORGET: ".",
    Action.UPDATE: "~",
    Action.CREATE: "+",
    Action.READ: "<=",
    Action.NO_OP: " ",
}
MAX_LISTED = 50  # per action group; deletes, replaces and forgets are always listed in full
ALWAYS_LISTED = (Action.DELETE, Action.REPLACE, Action.FORGET)


def count_line(result: ReviewResult) -> str:
    """'1 to delete, 2 to create, …' in danger order; 'no changes' when empty."""
    s = result.summary
    parts = [
        (s.delete, "to delete"), (s.replace, "to replace"), (s.forget, "to forget"),
        (s.update, "to update"), (s.create, "to create"), (s.read, "to read"),
        (s.import_, "to import"), (s.move, "moved"), (s.drift, "drifted"),
        (s.output_changes, "output changes" if s.output_changes != 1 else "output change"),
    ]
    shown = [f"{n} {text}" for n, text in parts if n]
    return ", ".join(shown) if shown else "no changes"


def groups(changes: list[Change]) -> list[tuple[Action, list[Change], int]]:
    """(action, listed changes, hidden count) per action, most dangerous first."""
    out: list[tuple[Action, list[Change], int]] = []
    for action in Action:
        members = [c for c in changes if c.action is action and (action is not Action.NO_OP or c.moved)]
        if not members:
            continue
        limit = len(members) if action in ALWAYS_LISTED else MAX_LISTED
        out.append((action, members[:limit], len(members) - limit if len(members) > limit else 0))
    return out


def change_note(change: Change) -> str:
    """Short extra facts about a change: why replaced, moved from where, imported."""
    notes = []
    if change.replace_paths:
        notes.append(f"forced by {', '.join(change.replace_paths)}")
    if change.action_reason:
        notes.append(change.action_reason.replace("_", " "))
    if change.moved:
        notes.append(f"moved from {change.previous_address}")
    if change.importing:
        notes.append("import")
    if change.actions[:1] == ["create"] and change.action is Action.REPLACE:
        notes.append("create before destroy")
    return "; ".join(notes)


def value(v: Any, width: int = 80) -> str:
    """A value cut to WIDTH characters."""
    text = v if isinstance(v, str) else json.dumps(v, ensure_ascii=False, sort_keys=True)
    return text if len(text) <= width else text[: width - 1] + "…"
