"""Risk rules, lifecycle helper (delete grading): a certificate or token whose own expiry proves it past use when
the plan was made (the plan's `timestamp`), and an identity or credential whose own record of last use is long
before it, nothing kept naming either. (Copies aged out while a newer one stays: rotations_kept.py.) ladders.py
grades deletes with them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import ReviewInput
from tfreview.pipeline.rules.common import as_dict, names_in, string_leaves
from tfreview.pipeline.rules.planview import PlanView, plan_view
from tfreview.pipeline.rules.units import instant
from tfreview.pipeline.rules.values import leaves, plain

# Objects that serve only until they expire: an expired certificate or token is refused by everyone.
EXPIRING = lazy_compile(r"(?:^|_)(?:certificate|cert|token)s?(?:_|$)")
EXPIRY_KEYS = lazy_compile(r"^(?:expiration|expiry|expires|expires_at|expire_time|expiration_date|expiry_date"
                           r"|not_after|valid_to|valid_until|end_date)$")
# An object's own record of when it was last used (`role_last_used.last_used_date`, `last_accessed_at`).
LAST_USED = lazy_compile(r"last_(?:used|access|accessed|activity|login|sign_?in|seen)")
# What keeps data readable only while it exists (a key that encrypted something, a secret's value, a volume): its
# delete loses that data however long ago it was last used.
HOLDS_DATA = lazy_compile(r"kms|crypto|encrypt|secret|certificate|vault|backup|snapshot|volume|disk|bucket|database"
                          r"|storage")
# The setting of a last-use record that holds its moment (not its region or service).
WHEN = lazy_compile(r"date|time|_at$|^at$|when")
UNUSED_DAYS = 180  # a half-year without use: well past any quarterly or monthly job
# A store's own record of when data last came in (`last_written_at`, `last_ingested`, `last_event_time`).
LAST_WRITTEN = lazy_compile(r"^last_(?:written|write|ingest|ingested|event|data|received)(?:_at|_time|_date)?$")
# Words of a store's own name or description that say it holds a test run's output (a load or performance test,
# a benchmark), kept only until the run is read.
TEST_RUN = lazy_compile(r"load[-_ ]?test|perf(?:ormance)?[-_ ]?test|stress[-_ ]?test|soak[-_ ]?test|benchmark")
STALE_RUN_DAYS = 90  # a quarter with nothing written: the run it recorded is over
PRODUCTION_WORDS = lazy_compile(r"\b(?:prod|production|prd|live)\b")
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
    if named_by_kept(attrs, ri):
        return None
    key, moment = ends[0]
    return f"it had already expired ({key} {moment.date()}, before the plan was made) and nothing kept names it"


def named_by_kept(attrs: dict[str, Any], ri: ReviewInput) -> bool:
    """Whether something the plan keeps names the deleted object by its id, ARN or name."""
    own = {v for key in IDENTIFIERS if isinstance(v := attrs.get(key), str) and len(v) >= MIN_ID}
    return bool(own & plan_view(ri).derived("strings of kept objects", _kept_strings))


# Settings by which a store is named elsewhere (an ARN, a bucket or instance name, a connection string's host).
NAMING_KEYS = ("id", "arn", "name", "identifier", "bucket", "cluster_identifier", "self_link", "connection_name",
               "endpoint", "address")


def mentioned_by_kept(attrs: dict[str, Any], ri: ReviewInput) -> str | None:
    """The name by which something the plan keeps still refers to the deleted object, whole or inside a longer
    string (`arn:aws:s3:::scratch-7/*` in a kept policy), or None."""
    own = {v for key in NAMING_KEYS if isinstance(v := attrs.get(key), str) and len(v) >= MIN_ID}
    text = plan_view(ri).derived("text of kept objects", lambda view: "\n".join(sorted(_kept_strings(view))))
    return next((name for name in sorted(own) if names_in(name, text)), None)


def unused_since(change: Change, ri: ReviewInput) -> str | None:
    """Why deleting an identity or credential stops nothing, or None: its own record says it was last used more
    than UNUSED_DAYS before the plan was made (every such record, none unknown), and nothing the plan keeps names
    it. Not for what holds data (a key that encrypted something)."""
    attrs = as_dict(change.before) if change.action is Action.DELETE else {}
    now = _planned_at(ri) if attrs and not HOLDS_DATA.search(change.type) else None
    if now is None:  # before the walk over every attribute: a plan without its time, or an object that holds data
        return None
    uses = [(plain(path), instant(value)) for path, value in leaves(attrs) if LAST_USED.search(plain(path))
            and (instant(value) is not None or WHEN.search(plain(path).rpartition(".")[2]))]
    if not uses or any(moment is None or (now - moment).days < UNUSED_DAYS for _, moment in uses):
        return None
    if named_by_kept(attrs, ri):
        return None
    path, moment = uses[0]
    return f"its own record says it was last used on {moment.date() if moment else '?'} ({path}), long before the plan"


def stale_test_run(change: Change, ri: ReviewInput) -> str | None:
    """Why deleting a store loses nothing anyone still uses, or None: its own name or description says it holds a
    load or performance test's output, nothing of it says production, and its own record says nothing was written
    to it for STALE_RUN_DAYS before the plan was made."""
    attrs = as_dict(change.before) if change.action is Action.DELETE else {}
    text = " ".join(str(attrs.get(key) or "") for key in ("name", "description", "slug")).lower()
    now = _planned_at(ri) if TEST_RUN.search(text) and not PRODUCTION_WORDS.search(text) else None
    writes = [(key, instant(value)) for key, value in attrs.items() if LAST_WRITTEN.match(key)]
    if now is None or not writes or any(moment is None or (now - moment).days < STALE_RUN_DAYS
                                        for _, moment in writes):
        return None
    key, moment = writes[0]
    return (f"its own name says it holds a test run's output, and nothing was written to it since "
            f"{moment.date() if moment else '?'} ({key})")
