"""Risk rules, lifecycle helper: whether a job runs to completion (a Kubernetes Job and its like: its pods end and
it keeps nothing) rather than streaming, and whether a "job" is a standing one (switched on, or run on a schedule
or frequency: a log push job); ladders.py grades deleted and replaced run-once jobs with it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from tfreview.pipeline.changes import Change
from tfreview.pipeline.rules.units import words

# Settings only a job that runs to completion has; a restart policy that lets its pods end.
COMPLETION_KEYS = frozenset({"wait_for_completion", "backoff_limit", "completions", "ttl_seconds_after_finished",
                             "active_deadline_seconds"})
RUN_TO_END = frozenset({"never", "onfailure"})
STREAMING = frozenset({"stream", "streaming", "streams"})
EMPTY: tuple[Any, ...] = (None, False, "", [], {})
# Settings of a job that runs again and again, or keeps running while switched on.
STANDING_KEYS = frozenset({"enabled", "frequency", "schedule", "schedule_expression", "interval", "cron",
                           "recurrence", "period"})


def standing(change: Change) -> bool:
    """Whether a job's own settings say it keeps running (switched on, or run on a schedule or frequency)."""
    before = change.before if isinstance(change.before, dict) else {}
    return any(before.get(key) not in EMPTY for key in STANDING_KEYS)


def runs_to_completion(change: Change) -> bool:
    """Whether a job's settings (either side) say it runs to completion, and none says it streams."""
    signals = list(_signals([change.before, change.after]))
    return bool(signals) and all(signals)


def _signals(value: Any) -> Iterator[bool]:
    """True for each setting that says the job ends, False for each that says it streams."""
    if isinstance(value, dict):
        for key, item in value.items():
            if words(str(key)) & STREAMING and item not in EMPTY:
                yield False
            elif (key in COMPLETION_KEYS and item not in EMPTY) or (
                    key == "restart_policy" and str(item).replace("_", "").lower() in RUN_TO_END):
                yield True
            yield from _signals(item)
    elif isinstance(value, list):
        for item in value:
            yield from _signals(item)
    elif isinstance(value, str) and words(value) & STREAMING:
        yield False
