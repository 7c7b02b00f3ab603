"""Expirations made longer (risk rules stage, read by reach.py): a whole-bucket lifecycle rule that already
existed and whose ages only grew (30 → 90 days) keeps objects longer than before, so it is no new deletion. Read
by key shape: any provider's `days`, `age` or `delete_after_*` numbers count as ages.
"""

from __future__ import annotations

import re
from typing import Any

from tfreview.lazyregex import lazy_compile

AGE_KEY = lazy_compile(r"(?:^|_)(?:days?|age)(?:$|_)|delete_after|noncurrent_days|days_after", re.IGNORECASE)


def _split(value: Any, path: str = "") -> tuple[Any, dict[str, float]]:
    """VALUE with its age numbers blanked, and those ages by path."""
    ages: dict[str, float] = {}
    if isinstance(value, dict):
        shape: dict[str, Any] = {}
        for key, item in value.items():
            here = f"{path}.{key}"
            if AGE_KEY.search(str(key)) and isinstance(item, (int, float)) and not isinstance(item, bool):
                shape[key] = "#age"
                ages[here] = float(item)
            else:
                shape[key], inner = _split(item, here)
                ages.update(inner)
        return shape, ages
    if isinstance(value, list):
        items = []
        for index, item in enumerate(value):
            blank, inner = _split(item, f"{path}[{index}]")
            items.append(blank)
            ages.update(inner)
        return items, ages
    return value, ages


def ages_of(rule: dict[str, Any]) -> dict[str, float]:
    """Every age number (days) a lifecycle rule names, by path."""
    return _split(rule)[1]


# Blocks that delete no object: a move to a colder tier, and the cleanup of uploads never assembled into one. One
# added or changed beside an expiry that only grew keeps objects longer all the same.
KEEPING_BLOCKS = lazy_compile(r"^(?:noncurrent_version_)?transitions?$|^tiering$|^storage_class_transition$"
                              r"|^abort_incomplete_multipart_uploads?$")


def _deleting(rule: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in rule.items() if not KEEPING_BLOCKS.match(str(key))}


def lengthened(rule: dict[str, Any], before: list[dict[str, Any]]) -> bool:
    """Whether RULE is a rule of BEFORE (the same shape once ages are blanked and tiering blocks set aside) whose
    every age is as long or longer and positive: objects are kept longer than they were."""
    shape, ages = _split(_deleting(rule))
    if not ages:
        return False
    for old in before:
        old_shape, old_ages = _split(_deleting(old))
        if old_shape == shape and old_ages.keys() == ages.keys() and all(
                old_ages[path] > 0 and ages[path] >= old_ages[path] for path in ages):
            return True
    return False
