"""Risk rules, retention stage: a kept span of any unit cut to next to nothing. A retention named in seconds, hours,
days or a duration text (Splunk's `frozen_time_period_in_secs`, `retention_ms`, `retention_period = "720h"`) cut to
a day or less, or to a hundredth or less of what it was: what was kept ages out at once, history with it. A cut
that still keeps days of data (30 → 7 days on a debug index) is tuning, not news; a raise never is.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import Finding, Severity, finding, on_change
from tfreview.pipeline.rules.common import show
from tfreview.pipeline.rules.environments import non_production
from tfreview.pipeline.rules.retention import BACKUP
from tfreview.pipeline.rules.units import UNITS, duration, moved_within, ordered_words, parent, unit_of
from tfreview.pipeline.rules.values import number, pairs, plain

DAY = 86400.0
COLLAPSE = 100  # cut to a hundredth or less: the window is gone, not tuned
# Words that name how long data is kept (`frozen` is where Splunk's buckets go when they leave the index).
KEPT_WORDS = frozenset({"retention", "retain", "retained", "frozen"})
KEEP_FOR = lazy_compile(r"(?:^|_)(?:keep|kept)_(?:for|days|hours|seconds|secs|weeks|months|years)(?:_|$)")


def _kept_span(path: str) -> bool:
    """Whether PATH names a kept span: its key (`retention_ms`), or a unit key of a retention block
    (`retention_policy.days`)."""
    holder, _, leaf = plain(path).rpartition(".")
    if KEPT_WORDS & set(ordered_words(leaf)) or KEEP_FOR.search(leaf.lower()):
        return True
    return leaf.lower() in UNITS and bool(KEPT_WORDS & set(ordered_words(holder.rpartition(".")[2])))


def _seconds(value: Any, unit: str | None) -> float | None:
    """Seconds in VALUE: a duration text, a number in UNIT; a bare number stays as it is (its unit unknown)."""
    if isinstance(value, bool):
        return None
    spelled = duration(value, unit)
    return spelled if spelled is not None else number(value) if unit is None else None


def cut_to_nothing(old: float, new: float, timed: bool) -> bool:
    """Whether a span OLD → NEW (both > 0) is cut to a hundredth or less, or, in seconds (TIMED), to a day or less."""
    return new * COLLAPSE <= old or (timed and new <= DAY < old)


@on_change(actions=(Action.UPDATE,))
def _span_cut(change: Change) -> Iterator[Finding]:
    for path, before, after in pairs(change):
        if not _kept_span(path):
            continue
        unit = unit_of(plain(path), parent(change.after, path))
        timed = unit is not None or isinstance(after, str)
        old, new = _seconds(before, unit), _seconds(after, unit)
        if old is None or new is None or new <= 0 or not cut_to_nothing(old, new, timed) \
                or moved_within(change, path, before, after):
            continue
        severity = Severity.MEDIUM if non_production(change) else Severity.HIGH
        yield finding(BACKUP, change.address, f"{change.address}: {path} {show(before)} → {show(after)} (the kept "
                      "span is cut to next to nothing: what was kept ages out at once)", severity)
