"""Risk rules helper (security controls and retention stages): one reading of durations in any spelling
(`720h0m0s`, `30d`, `P30D`, a number whose key or sibling `*unit` setting names its unit), the block that holds
a leaf, and a value that moves to a sibling setting of its block without weakening — a retention given in another
unit (365 days → 7 years), a fixed node count handed to autoscaling whose minimum keeps capacity, a setting renamed
by a provider upgrade (`enable_https_traffic_only` → `https_traffic_only_enabled`) that keeps its value."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Change
from tfreview.pipeline.rules.common import known, snake_case
from tfreview.pipeline.rules.values import number

# Seconds in each unit a duration's attributes are named by (`days`, `retention_years`, `ttl_hours`).
UNITS = {"second": 1, "seconds": 1, "minute": 60, "minutes": 60, "hour": 3600, "hours": 3600, "day": 86400,
         "days": 86400, "week": 604800, "weeks": 604800, "month": 2592000, "months": 2592000,
         "year": 31536000, "years": 31536000}
# Seconds in the short units of duration texts (`720h0m0s`, `30d`) and of `unit = "h"` settings.
SHORT = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "ms": 1e-3, "s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600,
         "d": 86400, "w": 604800, "y": 31536000, "secs": 1, "mins": 60, "hrs": 3600}
_GO = lazy_compile(r"(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h|d|w|y)")
_ISO = lazy_compile(r"P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?")
_ISO_SECONDS = (31536000, 2592000, 604800, 86400, 3600, 60, 1)
_WORD = lazy_compile(r"[a-z0-9]+")
_UNIT_WORD = lazy_compile(r"(?:^|(?<=_))(" + "|".join(sorted(UNITS, key=len, reverse=True)) + r")$")
# A count that names a fixed size (`fixed_node_count`, `node_count`, `replicas`) and the minimum of autoscaling.
FIXED = lazy_compile(r"(?:^|_)(?:count|replicas|size|capacity|nodes|instances)$")
MINIMUM = lazy_compile(r"^min(?:imum)?_\w+|\w+_min$")
_STEP = lazy_compile(r"\[(\d+)\]|([^.\[\]]+)")
# Words that only say a setting is a switch: `enable_x`, `x_enabled` and `is_x_enabled` name the same setting.
SWITCH_WORDS = frozenset({"enable", "enabled", "is"})


def ordered_words(text: str) -> list[str]:
    """The lower-case words of a name or path in order (`snapshotVolumes` → snapshot, volumes)."""
    return _WORD.findall(snake_case(text))


def words(text: str) -> set[str]:
    """The lower-case words of a name or path (`snapshotVolumes` → snapshot, volumes)."""
    return set(ordered_words(text))


def duration(value: Any, unit: str | None = None) -> float | None:
    """Seconds in a duration: a text such as `720h0m0s`, `30d` or `P30D`, or a number (or numeric text) in UNIT;
    None when it is none of these (a bare number without a unit, an unknown or masked value)."""
    if isinstance(value, str):
        if not known(value):
            return None
        text = value.strip().lower()
        parts = _GO.findall(text)
        if parts and "".join(amount + short for amount, short in parts) == text:
            return sum(float(amount) * SHORT[short] for amount, short in parts)
        iso = _ISO.fullmatch(text.upper())
        if iso and any(iso.groups()):
            return float(sum(int(g or 0) * size for g, size in zip(iso.groups(), _ISO_SECONDS, strict=True)))
    amount = number(value)
    size = (UNITS.get(unit) or SHORT.get(unit)) if unit else None
    return amount * size if amount is not None and size else None


def unit_of(path: str, block: dict[str, Any] | None) -> str | None:
    """The unit of a number at PATH: the last unit word of its key (`retention_lock_days`, `daysToKeep`, `.ms`), else
    the one unit its block's `*unit` settings name (`retention_unit = "days"`); None when neither says."""
    # a unit word, or an abbreviation of two letters or more (`retention.ms`, `retention_ms`, `ttl_sec`)
    named = [word for word in ordered_words(path.rpartition(".")[2]) if word in UNITS or (word in SHORT
                                                                                          and len(word) > 1)]
    if named:
        return named[-1]
    given = {v.strip().lower() for k, v in (block or {}).items() if "unit" in str(k).lower() and isinstance(v, str)}
    given &= UNITS.keys() | SHORT.keys()
    return given.pop() if len(given) == 1 else None


def parent(values: Any, path: str) -> dict[str, Any] | None:
    """The block that holds the leaf at PATH (`rule[0].default_retention[0].days`, or with a block list of one
    written without its index: `rule.days`), or None."""
    node = values
    for index, key in _STEP.findall(path)[:-1]:
        if index and isinstance(node, list) and int(index) < len(node):
            node = node[int(index)]
        elif key:
            if isinstance(node, list) and len(node) == 1:
                node = node[0]
            if not isinstance(node, dict):
                return None
            node = node.get(key)
        else:
            return None
    if isinstance(node, list) and len(node) == 1:
        node = node[0]
    return node if isinstance(node, dict) else None


def _duration(block: dict[str, Any], stem: str) -> float | None:
    """The block's duration over every unit sibling of STEM (`` for `days`, `retention_` for `retention_days`)."""
    total, seen = 0.0, False
    for unit, seconds in UNITS.items():
        if f"{stem}{unit}" in block and block[f"{stem}{unit}"] is not None:
            amount = number(block[f"{stem}{unit}"])
            if amount is None:
                return None  # unknown or unreadable: not judged equal
            total, seen = total + amount * seconds, True
    return total if seen else None


def _min_capacity(block: Any) -> float:
    """The largest autoscaling minimum set anywhere in BLOCK (0 when none is)."""
    if isinstance(block, dict):
        found = [number(v) or 0.0 for k, v in block.items() if MINIMUM.match(str(k)) and not isinstance(v, bool)]
        return max([*found, *(_min_capacity(v) for v in block.values() if isinstance(v, (dict, list)))], default=0.0)
    if isinstance(block, list):
        return max((_min_capacity(v) for v in block), default=0.0)
    return 0.0


def moved_within(change: Change, path: str, before: Any, after: Any) -> bool:
    """Whether the leaf at PATH only moved to a sibling of its block that keeps it as strong: a duration whose
    total over all its units does not shrink, a fixed count set to 0 where autoscaling's minimum keeps as much, or
    a selector emptied where a sibling of its name is set instead (`category` → `category_group`)."""
    leaf = _STEP.findall(path)[-1][1] if _STEP.findall(path) else ""
    old, new = parent(change.before, path), parent(change.after, path)
    if old is None or new is None:
        return False
    if after is None and new.get(leaf) is None and renamed_twin(old, new, leaf, before):
        return True
    unit = _UNIT_WORD.search(leaf)
    if unit is not None:
        stem = leaf[:unit.start()]
        was, now = _duration(old, stem), _duration(new, stem)
        return was is not None and now is not None and now >= was > 0
    amount = number(before)
    if FIXED.search(leaf) and number(after) == 0 and amount is not None and amount > 0:
        return _min_capacity(new) >= amount > _min_capacity(old)
    if isinstance(before, str) and before and after in (None, ""):
        return any((key.startswith(f"{leaf}_") or leaf.startswith(f"{key}_")) and isinstance(value, str) and value
                   and not old.get(key) for key, value in new.items()) or _rerouted(old, new, leaf)
    return False


# Words of a setting that names where something is delivered (a log group too, when it is what is emptied).
DELIVERY = lazy_compile(r"destination|sink|target|bucket|endpoint")
EMPTIED_DELIVERY = lazy_compile(r"destination|sink|target|bucket|endpoint|log_group")


def _rerouted(old: dict[str, Any], new: dict[str, Any], leaf: str) -> bool:
    """Whether a delivery setting emptied (`log_group_name`) has a sibling delivery setting that now names another
    place (`log_destination` moved from a log group to a bucket): the delivery moved, it did not stop."""
    return EMPTIED_DELIVERY.search(leaf) is not None and any(
        key != leaf and DELIVERY.search(key) and isinstance(value, str) and value and value != old.get(key)
        for key, value in new.items())


def _meaning(key: str) -> tuple[str, ...]:
    """The words of a setting's name without its switch words, sorted: what the setting is about."""
    return tuple(sorted(w for w in ordered_words(key) if w not in SWITCH_WORDS))


def renamed_twin(old: dict[str, Any], new: dict[str, Any], leaf: str, before: Any) -> bool:
    """Whether a setting that disappears has a new sibling of the same meaning holding the same value (a provider
    upgrade renamed it); a twin already set before, or one with another value, does not count (a key the provider
    schema lists as null is not set: both names show up in the plan, one null, during an upgrade)."""
    meaning = _meaning(leaf)
    return bool(meaning) and before is not None and any(
        key != leaf and old.get(key) is None and _meaning(key) == meaning and value == before
        for key, value in new.items())


EPOCH_MILLIS = 100_000_000_000  # a number above this is milliseconds since 1970 (seconds would be year 5138)


def moment_of(value: Any) -> datetime | None:
    """A moment written as epoch seconds or milliseconds (BigQuery's `expiration_time`) or as ISO 8601 text."""
    if isinstance(value, int | float) and not isinstance(value, bool) and value > 0:
        seconds = value / 1000 if value > EPOCH_MILLIS else value
        try:
            return datetime.fromtimestamp(seconds, tz=timezone.utc)
        except (OverflowError, OSError, ValueError):
            return None
    return instant(value)


def instant(value: Any) -> datetime | None:
    """An ISO 8601 date or time (`2025-06-30`, `2025-06-30T23:59:59Z`) as an aware datetime, UTC when it names no
    zone; None for anything else (unknown values, numbers, other text)."""
    if not isinstance(value, str) or not known(value) or not value.strip():
        return None
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
