"""Risk rules, lifecycle helper: a deleted object whose referrers move to its successor — the plan creates an object
of the same type, and each reference that held the old one's id (or, where the plan omits that id, a reference
that says it names that kind of object) becomes the new one's id, known after apply; nothing kept still holds the
old id. And one whose referrers only drop it: what the plan keeps named it before and names it no more. Lifecycle.py
grades deletes with them."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

import ahocorasick
import orjson

from tfreview.lazyregex import lazy_compile
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


# The shortest name a reference by name is looked for by (a shorter one is found inside unrelated text).
MIN_NAME = 6


def referrers_renamed(change: Change, ri: ReviewInput) -> str | None:
    """Why deleting an object strands nothing, or None: a create of its type takes over under a new name, and what
    the plan keeps that named the old one (inside a message's `@pagerduty-<name>` handle, a setting) names the new
    one instead, while nothing kept names the old one after."""
    before = change.before if isinstance(change.before, dict) else {}
    old = before.get("name")
    view = plan_view(ri)
    successors = view.creates_by_type.get(change.type, [])
    if change.action is not Action.DELETE or not successors or not isinstance(old, str) or len(old) < MIN_NAME:
        return None
    index = view.derived("deleted names named by kept objects", _Renamed)
    referrers = index.named_before.get(old.lower())
    if not referrers or old.lower() in index.still_named:
        return None
    for other in successors:
        new = other.after.get("name") if isinstance(other.after, dict) else None
        if not isinstance(new, str) or len(new) < MIN_NAME:
            continue
        moved = sorted(c.address for c, text in referrers if new.lower() in text)
        if moved and not weaker_successor(change, other):
            return (f"{other.address} is created in the same plan and {', '.join(moved[:3])} now names it instead; "
                    "nothing kept still names the old one")
    return None


class _Renamed:
    """The names of deleted objects that a create of their type may succeed, found anywhere inside the strings of
    kept objects: those still named after the plan, and for each, the updates that named it before (with their
    after, as text). One automaton of every such name, run once over each kept change's sides; once per plan."""

    def __init__(self, view: PlanView) -> None:
        self.still_named: set[str] = set()
        self.named_before: dict[str, list[tuple[Change, str]]] = defaultdict(list)
        automaton = ahocorasick.Automaton()
        for change in view.of(Action.DELETE):
            name = change.before.get("name") if isinstance(change.before, dict) else None
            if isinstance(name, str) and len(name) >= MIN_NAME and change.type in view.creates_by_type:
                automaton.add_word(name.lower(), name.lower())
        if not len(automaton):
            return
        automaton.make_automaton()
        for change in view.changes:
            if change.mode != "managed" or change.action is Action.DELETE:
                continue
            after = " ".join(string_leaves(change.after)).lower()
            self.still_named.update(name for _, name in automaton.iter(after))
            if change.action is Action.UPDATE:
                for name in {name for _, name in automaton.iter(" ".join(string_leaves(change.before)).lower())}:
                    self.named_before[name].append((change, after))


# Identities another object trusts by id (a CloudFront origin access identity, a workload identity, a principal):
# once nothing kept names one, nothing acts as it. Not a guard, a store or capacity: what names those dropping one is
# the referrer's loss (a listener moved to an empty group), judged on the referrer.
IDENTITY_KINDS = lazy_compile(r"(?:^|_)(?:origin_access_identity|identity|identities|principal|workload_identity\w*)$")
MIN_ID = 8  # a shorter id would be found inside unrelated strings


def referrers_dropped(change: Change, ri: ReviewInput) -> str | None:
    """Why deleting an identity strands nothing, or None: what the plan keeps named it before (its id inside a
    bucket policy's principal, a setting) and this plan moves every one of them off it: nothing kept names it after
    (a CloudFront origin access identity deleted once the bucket policy trusts the new access control)."""
    if change.action is not Action.DELETE or not IDENTITY_KINDS.search(change.type):
        return None
    ids = set(_own_ids(change))
    named_before, named_after = plan_view(ri).derived("deleted ids named by kept objects", _named_by_kept)
    named = sorted(ids & named_before)
    if not named or ids & named_after:
        return None
    return f"what this plan keeps named it ({named[0]}) and stops naming it here: nothing kept uses it after"


def _own_ids(change: Change) -> Iterator[str]:
    before = change.before if isinstance(change.before, dict) else {}
    return (v for key in IDENTIFIERS if isinstance(v := before.get(key), str) and len(v) >= MIN_ID)


def _named_by_kept(view: PlanView) -> tuple[set[str], set[str]]:
    """The deleted objects' ids that the values of kept changes hold, anywhere inside a string, before and after
    (one automaton of every deleted id, run once over each kept change's sides; once per plan)."""
    automaton = ahocorasick.Automaton()
    for ident in {i for change in view.of(Action.DELETE) for i in _own_ids(change)}:
        automaton.add_word(ident, ident)
    if not len(automaton):
        return set(), set()
    automaton.make_automaton()
    kept = [c for c in view.changes if c.action is not Action.DELETE]
    found: tuple[set[str], set[str]] = (set(), set())
    for side, names in zip(("before", "after"), found, strict=True):
        for change in kept:
            text = orjson.dumps(getattr(change, side), option=orjson.OPT_NON_STR_KEYS).decode()
            names.update(ident for _, ident in automaton.iter(text))
    return found
