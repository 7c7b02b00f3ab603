"""Risk rules, lifecycle helper (delete grading): an object cut over to its successor — the deleted object holds no
data, or cannot take its data with it (it keeps a final copy on destroy, or the provider refuses to delete it while
it holds anything), the plan keeps one of the same type (or, for an object holding no data, creates one), and a
kept object that pointed at the old one (its endpoint, its name) now points at the new one the same way, or (for a
store) a kept object moves the data from the old one to the new one (a transfer job), while nothing else kept still
names the old one: a blue/green database switch, a bucket migrated, an app moved to a new plan. ladders.py grades
deletes with it."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import ReviewInput
from tfreview.pipeline.rules.common import as_dict, string_leaves
from tfreview.pipeline.rules.planview import PlanView, plan_view
from tfreview.pipeline.rules.stores import empty_only
from tfreview.pipeline.rules.wayback import kept_copy

# The settings that name a store (an RDS identifier, a Cloud SQL instance's name), first that holds a string wins.
NAME_KEYS = ("identifier", "cluster_identifier", "instance_name", "bucket", "name")
MIN_NAME = 4  # a shorter name would be found inside unrelated strings
_PARTS = lazy_compile(r"[/:.=,@\s]+")


def _name(values: Any) -> str | None:
    """The store's own name, or None."""
    values = as_dict(values)
    return next((v for k in NAME_KEYS if isinstance(v := values.get(k), str) and len(v) >= MIN_NAME), None)


def _data_kept(change: Change) -> str | None:
    """Why the delete cannot lose the store's data, or None: a final copy is kept, or with force_destroy off the
    provider refuses to delete the store while it holds anything."""
    if empty_only(change.before):
        return "with its destroy guard off the provider refuses to delete it while it holds anything"
    return kept_copy(change)


def _segments(text: str) -> set[str]:
    """A string and the parts of it a name can be (host labels, path steps): `orders-blue.abc.rds.com/x`."""
    return {text, *(part for part in _PARTS.split(text) if len(part) >= MIN_NAME)}


class _Index:
    """Per plan: the kept objects (created, updated, untouched) by type and name; every kept object by the names
    its values hold; and the changed string settings of updates and replaces by the names their old value held."""

    def __init__(self, view: PlanView) -> None:
        self.named: dict[tuple[str, str], Change] = {}
        self.holding: dict[str, list[Change]] = defaultdict(list)
        self.moved: dict[str, list[tuple[Change, str, str]]] = defaultdict(list)
        for change in view.changes:
            if change.mode != "managed" or change.action in (Action.DELETE, Action.REPLACE):
                continue
            if (name := _name(change.after)) is not None:
                self.named.setdefault((change.type, name), change)
            for part in {p for text in string_leaves(change.after) for p in _segments(text)}:
                self.holding[part].append(change)
        for change in view.of(Action.UPDATE, Action.REPLACE):
            for attribute in change.attributes:
                if isinstance(attribute.before, str) and isinstance(attribute.after, str):
                    for part in _segments(attribute.before):
                        self.moved[part].append((change, attribute.before, attribute.after))


def cut_over(change: Change, ri: ReviewInput, stateful: bool) -> str | None:
    """Why a deleted object's data and work are both kept, or None: it holds no data (not STATEFUL) or its data
    cannot go with it (`_data_kept`), and a kept object's setting that named it moves to a kept object of its type,
    the rest of the setting unchanged, or a kept object names both (it moves the data across); nothing else kept
    still names it."""
    guard = (_data_kept(change) if stateful else "it holds no data") if change.action is Action.DELETE else None
    old = _name(change.before)
    if guard is None or old is None:
        return None
    index = plan_view(ri).derived("cut-over names", _Index)

    def successor(name: str) -> Change | None:
        # A store's successor must already exist (kept, not created): a new one starts empty.
        other = index.named.get((change.type, name))
        return None if other is None or name == old or (stateful and other.action is Action.CREATE) else other

    holders = [h for h in index.holding.get(old, [])
               if not (h.type == change.type and (n := _name(h.after)) is not None and successor(n) is h)]
    movers = [(h, new) for h in holders for text in string_leaves(h.after) if stateful
              and (new := successor(text)) is not None and h is not new]
    if {id(h) for h, _ in movers} != {id(h) for h in holders}:
        return None
    found = [(h, new, "moves its data to") for h, new in movers[:1]]
    for referrer, before, after in index.moved.get(old, []):
        for part in _segments(after):
            if (new := successor(part)) is not None and after.replace(part, old) == before:
                found.append((referrer, new, "now points at"))
    for referrer, new, how in found[:1]:
        return f"{guard}; {referrer.address} {how} {new.address}: a cut-over to one of its type"
    return None
