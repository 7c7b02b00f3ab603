"""Risk rules, lifecycle helper (delete grading): a certificate or token whose own expiry proves it past use when
the plan was made (the plan's `timestamp`), nothing kept naming it. (Copies aged out while a newer one stays:
rotations_kept.py.) lifecycle.py grades deletes with it."""

from __future__ import annotations

from datetime import datetime

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import ReviewInput
from tfreview.pipeline.rules.common import as_dict, string_leaves
from tfreview.pipeline.rules.planview import PlanView, plan_view
from tfreview.pipeline.rules.units import instant

# Objects that serve only until they expire: an expired certificate or token is refused by everyone.
EXPIRING = lazy_compile(r"(?:^|_)(?:certificate|cert|token)s?(?:_|$)")
EXPIRY_KEYS = lazy_compile(r"^(?:expiration|expiry|expires|expires_at|expire_time|expiration_date|expiry_date"
                           r"|not_after|valid_to|valid_until|end_date)$")
IDENTIFIERS = ("id", "arn", "name")
MIN_ID = 6


def _planned_at(ri: ReviewInput) -> datetime | None:
    return instant(ri.plan.timestamp)


def _kept_strings(view: PlanView) -> set[str]:
    """Every string the plan's kept objects hold, before or after (once per plan)."""
    return {text for c in view.changes if c.mode == "managed" and c.action is not Action.DELETE
            for side in (c.before, c.after) for text in string_leaves(side)}


def expired(change: Change, ri: ReviewInput) -> str | None:
    """Why deleting a certificate or token stops nothing, or None: its own expiry is before the plan was made, and
    nothing the plan keeps names it."""
    attrs = as_dict(change.before) if change.action is Action.DELETE else {}
    now = _planned_at(ri) if attrs and EXPIRING.search(change.type) else None
    ends = [(key, moment) for key, value in attrs.items() if EXPIRY_KEYS.match(key) and (moment := instant(value))]
    if now is None or not ends or any(moment >= now for _, moment in ends):
        return None
    own = {v for key in IDENTIFIERS if isinstance(v := attrs.get(key), str) and len(v) >= MIN_ID}
    if own & plan_view(ri).derived("strings of kept objects", _kept_strings):
        return None
    key, moment = ends[0]
    return f"it had already expired ({key} {moment.date()}, before the plan was made) and nothing kept names it"

