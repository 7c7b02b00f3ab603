"""Risk rules, lifecycle helper (delete grading): an object cut over to its successor — the deleted object holds no
data, or cannot take its data with it (it keeps a final copy on destroy, or the provider refuses to delete it while
it holds anything), the plan keeps one of the same type (or, for an object holding no data, creates one), and a
kept object that pointed at the old one (its endpoint, its name) now points at the new one the same way, or (for a
store) a kept object moves the data from the old one to the new one (a transfer job), while nothing else kept still
names the old one: a blue/green database switch, a bucket migrated, an app moved to a new plan. lifecycle.py grades
deletes with it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import ReviewInput
from tfreview.pipeline.rules.common import string_leaves
from tfreview.pipeline.rules.planview import plan_view
from tfreview.pipeline.rules.wayback import kept_copy

# The settings that name a store (an RDS identifier, a Cloud SQL instance's name), first that holds a string wins.
NAME_KEYS = ("identifier", "cluster_identifier", "instance_name", "bucket", "name")
MIN_NAME = 4  # a shorter name would be found inside unrelated strings


def _name(values: Any) -> str | None:
    """The store's own name, or None."""
    values = values if isinstance(values, dict) else {}
    return next((v for k in NAME_KEYS if isinstance(v := values.get(k), str) and len(v) >= MIN_NAME), None)


def _data_kept(change: Change) -> str | None:
    """Why the delete cannot lose the store's data, or None: a final copy is kept, or with force_destroy off the
    provider refuses to delete the store while it holds anything."""
    before = change.before if isinstance(change.before, dict) else {}
    if before.get("force_destroy") is False:
        return "with force_destroy off the provider refuses to delete it while it holds anything"
    return kept_copy(change)


def cut_over(change: Change, ri: ReviewInput, stateful: bool) -> str | None:
    """Why a deleted object's data and work are both kept, or None: it holds no data (not STATEFUL) or its data
    cannot go with it (`_data_kept`), and a kept object's setting that named it moves to a kept object of its type,
    the rest of the setting unchanged, or a kept object names both (it moves the data across); nothing else kept
    still names it."""
    guard = (_data_kept(change) if stateful else "it holds no data") if change.action is Action.DELETE else None
    old = _name(change.before)
    if guard is None or old is None:
        return None
    view = plan_view(ri)
    # A store's successor must already exist (kept, not created): a new one starts empty.
    barred = (Action.DELETE, Action.REPLACE, Action.CREATE) if stateful else (Action.DELETE, Action.REPLACE)
    successors = {name: other for other in view.changes
                  if other.type == change.type and other.action not in barred
                  and other.mode == "managed" and (name := _name(other.after)) is not None and name != old}
    if not successors:
        return None
    kept = {id(other) for other in successors.values()}
    holders = [other for other in view.changes if other.mode == "managed" and other.action is not Action.DELETE
               and id(other) not in kept and any(old in text for text in string_leaves(other.after))]
    movers = [(h, new) for h in holders for new in successors if stateful and new in set(string_leaves(h.after))
              and old in set(string_leaves(h.after))]
    if {id(h) for h, _ in movers} != {id(h) for h in holders}:
        return None
    found = [(h, new, "moves its data to") for h, new in movers[:1]]
    referrers = view.of(Action.UPDATE, Action.REPLACE)
    found += [(h, new, "now points at") for h, new in _repointed(referrers, old, set(successors))]
    for referrer, new, how in found[:1]:
        return f"{guard}; {referrer.address} {how} {successors[new].address}: a cut-over to one of its type"
    return None


def _repointed(updates: list[Change], old: str, new_names: set[str]) -> Iterator[tuple[Change, str]]:
    """(update, new name) for each changed setting that named OLD and now names a store of NEW_NAMES, the rest of
    the value the same."""
    for update in updates:
        for attribute in update.attributes:
            before, after = attribute.before, attribute.after
            if not isinstance(before, str) or not isinstance(after, str) or old not in before:
                continue
            for new in new_names:
                if new in after and after.replace(new, old) == before:
                    yield update, new
