"""Risk rules helper (retention stage): a tiered backup schedule (hourly, daily, weekly, monthly copies of any
provider) whose shortest tier is cut while a sibling tier still keeps its copies at least as long as the cut tier
used to: the restore horizon is unchanged, only the finest restore points go sooner. The longest tier cut, or
every tier cut with it, stays a cut."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Change
from tfreview.pipeline.rules.units import duration, ordered_words, parent, unit_of

_STEP = lazy_compile(r"\[(\d+)\]|([^.\[\]]+)")
# Words that name a tier by its cadence: `policy_item_hourly` and `policy_item_monthly` are tiers of one schedule.
CADENCE = frozenset({"hourly", "daily", "weekly", "monthly", "yearly", "annual", "annually", "quarterly", "hour",
                     "hours", "day", "days", "week", "weeks", "month", "months", "year", "years", "minutely"})


def _tier_of(name: str) -> tuple[str, ...] | None:
    """The words of a block's name without its cadence word; None when it names no cadence."""
    found = ordered_words(name)
    rest = tuple(w for w in found if w not in CADENCE)
    return rest if len(rest) < len(found) else None


def _path(steps: list[str | int]) -> str:
    out = ""
    for step in steps:
        out += f"[{step}]" if isinstance(step, int) else (f".{step}" if out else step)
    return out


def _steps(path: str) -> list[str | int]:
    return [int(index) if index else key for index, key in _STEP.findall(path)]


def _siblings(values: Any, steps: list[str | int]) -> Iterator[list[str | int]]:
    """Paths to the same leaf under each sibling block of every named block on the way to it."""
    for depth, step in enumerate(steps[:-1]):
        if not isinstance(step, str):
            continue
        container = parent(values, _path(steps[:depth + 1])) if depth else values
        if not isinstance(container, dict):
            continue
        rest = steps[depth + 1:]
        for key, node in container.items():
            if key == step or not isinstance(node, (dict, list)) or _tier_of(key) is None \
                    or _tier_of(key) != _tier_of(step):
                continue
            if rest and isinstance(rest[0], int):
                for index in range(len(node) if isinstance(node, list) else 0):
                    yield [*steps[:depth], key, index, *rest[1:]]
            else:
                yield [*steps[:depth], key, *rest]


def _seconds(values: Any, steps: list[str | int]) -> float | None:
    path = _path(steps)
    block = parent(values, path)
    leaf = steps[-1]
    if block is None or not isinstance(leaf, str) or leaf not in block:
        return None
    return duration(block[leaf], unit_of(path, block))


def longer_tier_kept(change: Change, path: str, old: float | None) -> bool:
    """Whether a sibling tier of the retention at PATH keeps its copies, uncut, at least OLD seconds."""
    if old is None:
        return False
    for steps in _siblings(change.after, _steps(path)):
        now, was = _seconds(change.after, steps), _seconds(change.before, steps)
        if now is not None and now >= old and (was is None or now >= was):
            return True
    return False
