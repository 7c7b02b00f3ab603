"""Risk rules, lifecycle helper: a deleted object whose referrers move to its successor — the plan creates an object
of the same type, and each reference that held the old one's id (or, where the plan omits that id, a reference
that says it names that kind of object) becomes the new one's id, known after apply; nothing kept still holds the
old id. Lifecycle.py grades deletes with it."""

from __future__ import annotations

from collections import defaultdict

from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.diff import UNKNOWN
from tfreview.pipeline.findings import ReviewInput
from tfreview.pipeline.rules.common import string_leaves
from tfreview.pipeline.rules.planview import PlanView, plan_view
from tfreview.pipeline.rules.tightened import weaker_successor
from tfreview.pipeline.rules.units import parent, words

IDENTIFIERS = ("id", "arn")


class _Repointed:
    """The references of kept objects that move from a known id to one known after apply, by the old value; and
    every string value kept objects still hold after the plan."""

    def __init__(self, view: PlanView) -> None:
        self.moved: dict[str, list[tuple[Change, str]]] = defaultdict(list)
        self.held: set[str] = set()
        for change in view.changes:
            if change.mode != "managed" or change.action is Action.DELETE:
                continue
            if change.action is Action.UPDATE:
                for attribute in change.attributes:
                    if isinstance(attribute.before, str) and attribute.after == UNKNOWN:
                        self.moved[attribute.before].append((change, attribute.path))
            self.held |= set(string_leaves(change.after))


def _names_kind(referrer: Change, path: str, kind: str) -> bool:
    """Whether the block holding the reference says it names a KIND (`type = "schedule_reference"`)."""
    block = parent(referrer.before, path) or {}
    return any(kind in words(str(value)) for value in block.values() if isinstance(value, str))


def referrers_moved(change: Change, ri: ReviewInput) -> str | None:
    """Why deleting this object strands nothing, or None: a same-type create takes over, and references to the
    old one move to an id known after apply (the new one's) while nothing kept still holds the old id."""
    view = plan_view(ri)
    successors = view.creates_by_type.get(change.type, [])
    before = change.before if isinstance(change.before, dict) else {}
    if change.action is not Action.DELETE or not successors or weaker_successor(change, successors[0]):
        return None
    index = view.derived("references moved to new ids", _Repointed)
    ids = {v for key in IDENTIFIERS if isinstance(v := before.get(key), str) and v}
    if ids:
        moved = [ref for value in ids for ref in index.moved.get(value, [])]
        if not moved or ids & index.held:
            return None
    else:
        kind = change.type.rsplit("_", 1)[-1]
        moved = [ref for refs in index.moved.values() for ref in refs if _names_kind(*ref, kind)]
        if not moved:
            return None
    referrers = ", ".join(sorted({c.address for c, _ in moved}))
    return (f"{successors[0].address} is created in the same plan and {referrers} now refers to the new one "
            "instead; nothing kept still holds the old one")
