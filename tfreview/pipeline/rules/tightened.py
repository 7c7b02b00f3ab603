"""Risk rules, lifecycle helper: configuration judged by the direction of its controls — an object replaced only
to turn its controls on or make them stricter (encryption from DISABLED to a KMS mode, a key set where none was), a
successor that holds none of them more weakly, a backup selection re-made to select more; ladders.py and
takeover.py grade replaces and deletes with it."""

from __future__ import annotations

import re
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.diff import UNKNOWN
from tfreview.pipeline.findings import ReviewInput
from tfreview.pipeline.rules.carried import gap
from tfreview.pipeline.rules.common import as_dict
from tfreview.pipeline.rules.controls import direction
from tfreview.pipeline.rules.openpolicy import admits_every_source
from tfreview.pipeline.rules.planview import plan_view
from tfreview.pipeline.rules.strengths import off_word
from tfreview.pipeline.rules.values import document, leaves, pairs

# Attributes the provider computes for each new object: a replace gives them new values, which say nothing.
COMPUTED = frozenset({"id", "arn", "self_link", "etag", "unique_id", "create_time", "creation_date", "created_at"})


def tightened(change: Change, stateful: bool) -> str | None:
    """Why a replace of an object holding no data only strengthens controls, or None: every changed value is one
    the controls vocabulary names and none weakens (a value it cannot rank counts when it goes from off to set)."""
    if change.action is not Action.REPLACE or stateful:
        return None
    stronger = False
    for path, before, after in pairs(change):
        if re.split(r"[.\[]", path, maxsplit=1)[0] in COMPUTED and (after is UNKNOWN or after is None):
            continue
        if after is UNKNOWN:
            return None
        way = direction(change.type, path, before, after)
        if way == 0 and off_word(before) == 0 and off_word(after) == 1:
            way = 1
        if way != 1:
            return None
        stronger = True
    return "replaced only to turn its controls on or make them stricter: no data is held" if stronger else None


def _flat(values: Any) -> dict[str, Any]:
    """Every leaf of VALUES by path, with JSON documents held as text (`configuration`) read as their objects."""
    found: dict[str, Any] = {}
    for path, value in leaves(values if isinstance(values, dict) else {}):
        inner = document(value)
        found.update(leaves(inner, path) if inner is not None else [(path, value)])
    return found


def weaker_successor(old: Change, new: Change) -> bool:
    """Whether the object that takes over holds any control of the deleted one more weakly (or drops it)."""
    before, after = _flat(old.before), _flat(new.after)
    return any(direction(old.type, path, value, after.get(path)) == -1 for path, value in before.items()) \
        or gap(old.type, old.before, new.after) is not None or admits_every_source(old.before, new.after)


# Attributes of a backup selection that leave things out: growing them selects less.
EXCLUDING = lazy_compile(r"(?:^|_)(?:not|exclude|excluded|exclusions?|except)(?:_|$)")


def selection_kept(change: Change) -> str | None:
    """Why a replaced selection of what to back up loses nothing, or None: every list it had keeps its items
    (exclusion lists gain none), and nothing else it says changes (re-made unchanged included)."""
    before = change.before if isinstance(change.before, dict) else {}
    after = change.after if isinstance(change.after, dict) else {}
    if change.action is not Action.REPLACE or not SELECTION.search(change.type) or not before:
        return None
    grew = False
    for key in before.keys() | after.keys():
        old, new = before.get(key), after.get(key)
        if key in COMPUTED or old == new:
            continue
        if not isinstance(old, list) or not isinstance(new, list):
            return None
        kept, added = [o for o in old if o in new], [n for n in new if n not in old]
        if EXCLUDING.search(key) or len(kept) < len(old):
            return None
        grew = grew or bool(added)
    if grew:
        return "what it selects only grows, and the re-made selection holds no recovery points"
    # Re-made as it was (a module upgrade that renames an internal argument): it selects what it selected.
    return "re-made selecting exactly what it selected, and the selection holds no recovery points"


SELECTION = lazy_compile(r"(?:^|_)(?:selection|selections|resource_assignment)$")


def _selection_tags(value: Any, depth: int = 0) -> set[tuple[str, str]]:
    """The (key, value) tags a backup selection picks resources by (`selection_tag`, conditions' string_equals):
    every block at any depth that holds a string `key` and a string `value`."""
    if depth > 6:
        return set()
    if isinstance(value, list):
        return {tag for item in value for tag in _selection_tags(item, depth + 1)}
    if not isinstance(value, dict):
        return set()
    own = {(value["key"], value["value"])} if isinstance(value.get("key"), str) and isinstance(
        value.get("value"), str) else set()
    return own | {tag for item in value.values() for tag in _selection_tags(item, depth + 1)}


def selection_followed(change: Change, ri: ReviewInput) -> str | None:
    """Why a backup selection re-made to pick by another tag loses nothing, or None: every resource of the plan that
    carried the old tag carries the new one after this plan (the fleet was re-tagged in the same apply)."""
    if change.action is not Action.REPLACE or not SELECTION.search(change.type):
        return None
    old, new = _selection_tags(as_dict(change.before)), _selection_tags(as_dict(change.after))
    if not old or not new or old == new:
        return None
    holders = [c for c in plan_view(ri).changes if c is not change
               and old & set(as_dict(as_dict(c.before).get("tags")).items())]
    if holders and all(new & set(as_dict(as_dict(c.after).get("tags")).items()) for c in holders):
        return (f"it now selects by another tag, and the {len(holders)} resources of this plan that carried the old "
                "one carry the new one after it: they stay selected")
    return None
