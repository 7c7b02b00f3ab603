"""Risk rules, credentials (credentials.py): an object this plan switches off (a public share, a link, a key made
inactive): once applied, the token it holds in the clear opens nothing."""

from __future__ import annotations

from tfreview.pipeline.changes import Action
from tfreview.pipeline.findings import ReviewInput, managed
from tfreview.pipeline.rules.strengths import flag

# The switches that turn a whole object on or off (not one feature of it: `time_selection_enabled`).
WHOLE = ("enabled", "is_enabled", "enable", "active", "is_active", "status", "state")


def switched_off(ri: ReviewInput, address: str) -> bool:
    """Whether the update of ADDRESS turns the whole object off (not one feature of it)."""
    for change in managed(ri.changeset, Action.UPDATE):
        if change.address != address or not isinstance(change.before, dict) or not isinstance(change.after, dict):
            continue
        return any(flag(change.before.get(key)) == 1 and flag(change.after.get(key)) == 0
                   for key in WHOLE if key in change.before and key in change.after)
    return False
