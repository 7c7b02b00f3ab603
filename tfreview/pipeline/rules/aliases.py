"""Risk rules, lifecycle helper (delete grading): an alias renamed — an alias (a second name for a key, a function
version) deleted while the same plan creates an alias of its type pointing at the same target, the target is not
deleted, and nothing the plan keeps still names the old alias. The key or function and what it holds stay; only the
name they are reached by changes. ladders.py grades deletes with it."""

from __future__ import annotations

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import ReviewInput
from tfreview.pipeline.rules.common import as_dict
from tfreview.pipeline.rules.guarded import names_held_by_kept
from tfreview.pipeline.rules.planview import plan_view

ALIAS = lazy_compile(r"(?:^|_)alias$")
# Settings that say what an alias points at (`target_key_id`, `function_name` + `function_version`).
TARGET = lazy_compile(r"^target_\w*(?:id|name)$|^function_(?:name|version)$")
OWN_NAMES = ("name", "id", "arn")


def alias_renamed(change: Change, ri: ReviewInput) -> str | None:
    """Why a deleted alias loses nothing, or None: a created alias of its type points at the same target, which the
    plan keeps, and nothing kept names the old alias."""
    if change.action is not Action.DELETE or not ALIAS.search(change.type):
        return None
    before = as_dict(change.before)
    targets = {k: v for k, v in before.items() if TARGET.match(k) and isinstance(v, str) and v}
    if not targets:
        return None
    view = plan_view(ri)
    if any(v in targets.values() for c in view.of(Action.DELETE) if c is not change
           for k, v in as_dict(c.before).items() if k in ("id", "key_id", "arn", "function_name")):
        return None
    held = names_held_by_kept(view)
    if any(isinstance(v := before.get(k), str) and held.get(v) for k in OWN_NAMES):
        return None
    for other in view.creates_by_type.get(change.type, []):
        after = as_dict(other.after)
        if all(after.get(k) == v for k, v in targets.items()):
            return f"{other.address} is created pointing at the same target ({', '.join(sorted(targets))}), " \
                   "which stays: the alias is renamed, nothing kept names the old one"
    return None
