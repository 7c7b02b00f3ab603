"""Risk rules, logging (risk rules stage): an audit or security log route (a sink, router, export, trail) re-pointed
at a store this plan creates that keeps its records for less than SHORT_DAYS. Whatever the old store kept, the
trail now expires within weeks: the incident found next quarter has no logs left to read.

The route counts when its type, name, filter or destination names audit or security logs (guards.SECURITY_SOURCE),
or it collects a whole organization or folder. The store is the one the new destination names: its own id (a log
bucket's `bucket_id`, a bucket's name) is the last segment of the destination path. A store that keeps records
longer, or one the plan does not create (its retention is not shown), says nothing here.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import RULES, Finding, ReviewInput, Severity, finding, rule
from tfreview.pipeline.rules.common import sides, string_leaves
from tfreview.pipeline.rules.guards import SECURITY_SOURCE
from tfreview.pipeline.rules.planview import plan_view
from tfreview.pipeline.rules.retention import LOGGING
from tfreview.pipeline.rules.values import number

SHORT_DAYS = 30  # under a month of audit records: most incidents are found later than that
ROUTE_TYPES = lazy_compile(r"(?:^|_)(?:sink|log_sink|router|log_export|export|trail|cloudtrail|diagnostic_settings?"
                           r"|log_forwarding|logging_config|subscription_filter)(?:_|$)")
WIDE_SCOPE = lazy_compile(r"(?:^|_)(?:organization|folder|org)(?:_|$)")
DESTINATION = lazy_compile(r"destination|bucket|storage|workspace|log_group|target")
RETENTION_DAYS = lazy_compile(r"^(?:\w+_)?retention(?:_in|_period(?:_in)?)?_days$")
IDENTITIES = ("bucket_id", "name", "bucket", "id")
_SEGMENTS = lazy_compile(r"[/:]")


def _retention_days(values: dict[str, Any]) -> float | None:
    """The shortest retention in days a store's top-level settings name, or None."""
    days = [n for key, value in values.items() if RETENTION_DAYS.match(key) and (n := number(value)) is not None]
    return min(days) if days else None


def _short_stores(ri: ReviewInput) -> dict[str, tuple[Change, float]]:
    """Stores the plan creates that keep records under SHORT_DAYS, by each of their ids."""
    found: dict[str, tuple[Change, float]] = {}
    for change in plan_view(ri).of(Action.CREATE):
        after = change.after if isinstance(change.after, dict) else {}
        days = _retention_days(after)
        if days is None or not 0 < days < SHORT_DAYS:
            continue
        for key in IDENTITIES:
            if isinstance(value := after.get(key), str) and len(value) >= 3:
                found[value.lower()] = (change, days)
    return found


def _carries_security_logs(change: Change, after: dict[str, Any]) -> bool:
    return bool(WIDE_SCOPE.search(change.type)) or any(SECURITY_SOURCE.search(text) for text in
                                                       [change.address, *string_leaves(after)])


def _new_destinations(before: dict[str, Any], after: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """(key, value) of each top-level destination setting the change moves."""
    for key, value in after.items():
        if DESTINATION.search(key) and isinstance(value, str) and value and before.get(key) != value:
            yield key, value


@rule(LOGGING, Severity.HIGH, RULES[LOGGING].description)
def _audit_to_short_store(ri: ReviewInput) -> Iterator[Finding]:
    stores = None
    for change in plan_view(ri).of(Action.UPDATE, Action.CREATE, Action.REPLACE):
        if not ROUTE_TYPES.search(change.type):
            continue
        before, after = sides(change)
        for key, value in _new_destinations(before, after):
            stores = _short_stores(ri) if stores is None else stores
            last = [s for s in _SEGMENTS.split(value.lower()) if s][-1:]
            if not last or last[0] not in stores or not _carries_security_logs(change, after):
                continue
            store, days = stores[last[0]]
            yield finding(LOGGING, change.address,
                          f"{change.address}: {key} moves to {store.address}, created in this plan keeping records "
                          f"for {days:g} days (audit logs now expire within weeks)")
