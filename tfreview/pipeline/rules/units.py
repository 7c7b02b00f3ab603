"""Risk rules helper (security controls stage): a value that moves to a sibling setting of its block is not
weakened when the block as a whole keeps its strength — a retention given in another unit (365 days → 7 years),
a fixed node count handed to autoscaling whose minimum keeps capacity (2 fixed → autoscaling from 2)."""

from __future__ import annotations

import re
from typing import Any

from tfreview.pipeline.changes import Change
from tfreview.pipeline.rules.values import number

# Seconds in each unit a duration's attributes are named by (`days`, `retention_years`, `ttl_hours`).
UNITS = {"second": 1, "seconds": 1, "minute": 60, "minutes": 60, "hour": 3600, "hours": 3600, "day": 86400,
         "days": 86400, "week": 604800, "weeks": 604800, "month": 2592000, "months": 2592000,
         "year": 31536000, "years": 31536000}
_UNIT_WORD = re.compile(r"(?:^|(?<=_))(" + "|".join(sorted(UNITS, key=len, reverse=True)) + r")$")
# A count that names a fixed size (`fixed_node_count`, `node_count`, `replicas`) and the minimum of autoscaling.
FIXED = re.compile(r"(?:^|_)(?:count|replicas|size|capacity|nodes|instances)$")
MINIMUM = re.compile(r"^min(?:imum)?_\w+|\w+_min$")
_STEP = re.compile(r"\[(\d+)\]|([^.\[\]]+)")


def parent(values: Any, path: str) -> dict[str, Any] | None:
    """The block that holds the leaf at PATH (`rule[0].default_retention[0].days`), or None."""
    node = values
    steps = _STEP.findall(path)[:-1]
    for index, key in steps:
        if index and isinstance(node, list) and int(index) < len(node):
            node = node[int(index)]
        elif key and isinstance(node, dict):
            node = node.get(key)
        else:
            return None
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
    total over all its units does not shrink, or a fixed count set to 0 where autoscaling's minimum keeps as much."""
    leaf = _STEP.findall(path)[-1][1] if _STEP.findall(path) else ""
    old, new = parent(change.before, path), parent(change.after, path)
    if old is None or new is None:
        return False
    unit = _UNIT_WORD.search(leaf)
    if unit is not None:
        stem = leaf[:unit.start()]
        was, now = _duration(old, stem), _duration(new, stem)
        return was is not None and now is not None and now >= was > 0
    amount = number(before)
    if FIXED.search(leaf) and number(after) == 0 and amount is not None and amount > 0:
        return _min_capacity(new) >= amount > _min_capacity(old)
    return False
