"""Risk rules, lifecycle helper (risk rules stage): a grant or role assignment of any provider replaced only because
its role drops down the access ladder (a tenant-wide admin to a narrower admin, admin to read); ladders.py grades
replaces with it."""

from __future__ import annotations

from typing import Any

from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.rules.common import as_dict
from tfreview.pipeline.rules.tenants import LEVEL_KEY, access_rank, narrower_admin
from tfreview.pipeline.rules.tightened import COMPUTED


def _lower(old: Any, new: Any) -> bool:
    """Whether role NEW ranks below role OLD."""
    if not isinstance(new, str) or not isinstance(old, str):
        return False
    if narrower_admin(old, new):
        return True
    old_rank, new_rank = access_rank(old), access_rank(new)
    return old_rank is not None and new_rank is not None and new_rank < old_rank


def role_lowered(change: Change) -> str | None:
    """Why a replace loses nothing, or None: every changed setting is a role or access level that ranks lower
    after, and nothing else changes but computed ids."""
    before, after = as_dict(change.before), as_dict(change.after)
    if change.action is not Action.REPLACE or not before or not after:
        return None
    changed = {key for key in before.keys() | after.keys() if before.get(key) != after.get(key) and key not in COMPUTED}
    if not changed or not all(LEVEL_KEY.search(key.lower()) and _lower(before.get(key), after.get(key))
                              for key in changed):
        return None
    return f"only {', '.join(sorted(changed))} changes, to a lower role: the holder may do less"
