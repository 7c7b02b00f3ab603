"""Risk rules, retention stage: a kept span of any unit cut to next to nothing. A retention named in seconds, hours,
days or a duration text (Splunk's `frozen_time_period_in_secs`, `retention_ms`, `retention_period = "720h"`) cut to
a day or less, or, in no unit the plan shows, to a hundredth or less of what it was: what was kept ages out at
once, history with it. A cut that still keeps days of data (10 years → 30 days, 30 → 7 days on a debug index; the
log lines of retention.py grade those by what the log holds) is tuning; a raise is never news, nor a finer tier
cut while a longer tier of the same object keeps as much (hourly backups kept 2 → 1 days beside monthly ones kept
a year), nor a queue's messages (consumed, not history).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import Finding, Severity, finding, on_change
from tfreview.pipeline.rules.common import show
from tfreview.pipeline.rules.environments import non_production
from tfreview.pipeline.rules.evidence import KEEPERS
from tfreview.pipeline.rules.retention import BACKUP
from tfreview.pipeline.rules.units import UNITS, duration, moved_within, ordered_words, parent, unit_of
from tfreview.pipeline.rules.values import leaves, number, pairs, plain
from tfreview.pipeline.rules.watch import kept_long_enough

DAY = 86400.0
COLLAPSE = 100  # in no known unit, cut to a hundredth or less: the window is gone, not tuned
# Words that name how long data is kept (`frozen` is where Splunk's buckets go when they leave the index).
KEPT_WORDS = frozenset({"retention", "retain", "retained", "frozen"})
KEEP_FOR = lazy_compile(r"(?:^|_)(?:keep|kept)_(?:for|days|hours|seconds|secs|weeks|months|years)(?:_|$)")


# Kept spans whose key names no unit but whose provider documents one (a Kinesis stream's `retention_period` is in
# hours: 168 → 24 cuts a week's replay window to the one day every reader must catch up within).
DOCUMENTED_UNITS = {("aws_kinesis_stream", "retention_period"): "hours"}


def _unit(change: Change, path: str) -> str | None:
    """The unit of the kept span at PATH: named by its key or block, else the provider's documented one."""
    return unit_of(plain(path), parent(change.after, path)) or DOCUMENTED_UNITS.get((change.type, plain(path)))


def _kept_span(path: str) -> bool:
    """Whether PATH names a kept span: its key (`retention_ms`), or a unit key of a retention block
    (`retention_policy.days`)."""
    holder, _, leaf = plain(path).rpartition(".")
    named = set(ordered_words(leaf))
    if "message" in named or "messages" in named:
        return False
    if KEPT_WORDS & named or KEEP_FOR.search(leaf.lower()):
        return True
    return leaf.lower() in UNITS and bool(KEPT_WORDS & set(ordered_words(holder.rpartition(".")[2])))


def _seconds(value: Any, unit: str | None) -> float | None:
    """Seconds in VALUE: a duration text, a number in UNIT; a bare number stays as it is (its unit unknown)."""
    if isinstance(value, bool):
        return None
    spelled = duration(value, unit)
    return spelled if spelled is not None else number(value) if unit is None else None


def cut_to_nothing(old: float, new: float, timed: bool) -> bool:
    """Whether a span OLD → NEW (both > 0) is cut to a day or less (in seconds, TIMED), or, in no known unit, to a
    hundredth or less."""
    return new <= DAY < old if timed else new * COLLAPSE <= old


def _spans(change: Change) -> Iterator[tuple[str, float | None]]:
    """(path, seconds) of each kept span the object holds after the change."""
    for path, value in leaves(change.after):
        if _kept_span(path):
            unit = _unit(change, path)
            yield plain(path), _seconds(value, unit) if unit is not None or isinstance(value, str) else None


def _longer_tier(change: Change, path: str, old: float) -> bool:
    """Whether another kept span of the object keeps at least OLD (a longer tier beside the one cut)."""
    return any(seconds is not None and seconds >= old for other, seconds in _spans(change) if other != plain(path))


@on_change(actions=(Action.UPDATE,))
def _span_cut(change: Change) -> Iterator[Finding]:
    for path, before, after in pairs(change):
        if not _kept_span(path):
            continue
        unit = _unit(change, path)
        timed = unit is not None or isinstance(after, str)
        old, new = _seconds(before, unit), _seconds(after, unit)
        if old is None or new is None or new <= 0 or not cut_to_nothing(old, new, timed) \
                or moved_within(change, path, before, after) or (timed and _longer_tier(change, path, old)):
            continue
        severity = Severity.MEDIUM if non_production(change) else Severity.HIGH
        if timed and not KEEPERS.search(change.type) \
                and (floor := kept_long_enough(change, new / DAY, old / DAY)) is not None:
            severity = max(severity, floor, key=lambda s: s.rank)  # logs kept briefly even before: no trail lost
        yield finding(BACKUP, change.address, f"{change.address}: {path} {show(before)} → {show(after)} (the kept "
                      "span is cut to next to nothing: what was kept ages out at once)", severity)
