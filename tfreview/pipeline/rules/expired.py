"""Risk rules, lifecycle helper (delete grading): objects whose own dates prove they are past use when the plan was
made (the plan's `timestamp`) — a certificate or token that had already expired, nothing kept naming it; a copy of
a source older than the retention it states itself, while a newer copy of the same source stays. lifecycle.py
grades deletes with them."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import ReviewInput
from tfreview.pipeline.rules.common import as_dict, string_leaves
from tfreview.pipeline.rules.disposable import label_pairs
from tfreview.pipeline.rules.planview import PlanView, plan_view
from tfreview.pipeline.rules.units import duration, ordered_words

# Objects that serve only until they expire: an expired certificate or token is refused by everyone.
EXPIRING = lazy_compile(r"(?:^|_)(?:certificate|cert|token)s?(?:_|$)")
EXPIRY_KEYS = lazy_compile(r"^(?:expiration|expiry|expires|expires_at|expire_time|expiration_date|expiry_date"
                           r"|not_after|valid_to|valid_until)$")
IDENTIFIERS = ("id", "arn", "name")
# The last word of a type that names a copy of data.
COPIES = frozenset({"snapshot", "snapshots", "backup", "backups"})
RETENTION_WORDS = frozenset({"retention", "retain", "keep", "ttl", "expire", "expiry"})
_DATE = lazy_compile(r"(?<!\d)(20\d\d)-?(0[1-9]|1[0-2])-?(0[1-9]|[12]\d|3[01])(?!\d)")
MIN_ID = 6


def _moment(value: Any) -> datetime | None:
    """An ISO date or time (`2025-06-30T23:59:59Z`), in UTC; None for anything else."""
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def _planned_at(ri: ReviewInput) -> datetime | None:
    return _moment(ri.plan.timestamp)


def _kept_strings(view: PlanView) -> set[str]:
    """Every string the plan's kept objects hold, before or after (once per plan)."""
    return {text for c in view.changes if c.mode == "managed" and c.action is not Action.DELETE
            for side in (c.before, c.after) for text in string_leaves(side)}


def expired(change: Change, ri: ReviewInput) -> str | None:
    """Why deleting a certificate or token stops nothing, or None: its own expiry is before the plan was made, and
    nothing the plan keeps names it."""
    attrs = as_dict(change.before) if change.action is Action.DELETE else {}
    now = _planned_at(ri) if attrs and EXPIRING.search(change.type) else None
    ends = [(key, moment) for key, value in attrs.items() if EXPIRY_KEYS.match(key) and (moment := _moment(value))]
    if now is None or not ends or any(moment >= now for _, moment in ends):
        return None
    own = {v for key in IDENTIFIERS if isinstance(v := attrs.get(key), str) and len(v) >= MIN_ID}
    if own & plan_view(ri).derived("strings of kept objects", _kept_strings):
        return None
    key, moment = ends[0]
    return f"it had already expired ({key} {moment.date()}, before the plan was made) and nothing kept names it"


def _date(change: Change, attrs: dict[str, Any]) -> datetime | None:
    """The date a copy was taken, as its for_each key, name or description spell it (one date, unambiguous)."""
    text = " ".join((change.address, *(str(attrs.get(k) or "") for k in ("name", "description"))))
    found = {tuple(m) for m in _DATE.findall(text)}
    if len(found) != 1:
        return None
    year, month, day = (int(part) for part in found.pop())
    try:
        return datetime(year, month, day, tzinfo=timezone.utc)
    except ValueError:
        return None


def _sources(attrs: dict[str, Any]) -> set[str]:
    return {v for k, v in attrs.items() if isinstance(v, str) and v and (k.endswith("_id") or k.startswith("source"))}


def _stated_retention(attrs: dict[str, Any]) -> float | None:
    """The retention in seconds a copy states itself (a `retention = "26w"` tag or setting), or None."""
    pairs = [*label_pairs(attrs), *((k, v) for k, v in attrs.items() if isinstance(v, str))]
    found = [seconds for key, value in pairs if set(ordered_words(key)) & RETENTION_WORDS
             and (seconds := duration(value)) is not None and seconds > 0]
    return min(found) if found else None


def past_retention(change: Change, ri: ReviewInput) -> str | None:
    """Why a deleted copy loses nothing its owners still keep, or None: it is older, when the plan was made, than
    the retention it states itself, and a newer copy of the same source, of its type, stays."""
    attrs = as_dict(change.before) if change.action is Action.DELETE else {}
    words = ordered_words(change.type)
    if not attrs or not words or words[-1] not in COPIES:
        return None
    now, taken, keep, sources = _planned_at(ri), _date(change, attrs), _stated_retention(attrs), _sources(attrs)
    if now is None or taken is None or keep is None or not sources or (now - taken).total_seconds() <= keep:
        return None
    index = plan_view(ri).derived("newest kept copy by type and source", _newest_kept)
    for source in sorted(sources):
        newest = index.get((change.type, source))
        if newest is not None and newest[0] > taken:
            return (f"taken {taken.date()}, older than the retention it states, and {newest[1]}, a newer copy of "
                    "the same source, stays")
    return None


def _newest_kept(view: PlanView) -> dict[tuple[str, str], tuple[datetime, str]]:
    """The newest dated copy the plan keeps (untouched or updated), by its type and source (once per plan)."""
    found: dict[tuple[str, str], tuple[datetime, str]] = {}
    for other in view.of(Action.NO_OP, Action.UPDATE):
        words = ordered_words(other.type)
        kept = as_dict(other.after)
        if not words or words[-1] not in COPIES or (taken := _date(other, kept)) is None:
            continue
        for source in _sources(kept):
            if (other.type, source) not in found or found[other.type, source][0] < taken:
                found[other.type, source] = (taken, other.address)
    return found
