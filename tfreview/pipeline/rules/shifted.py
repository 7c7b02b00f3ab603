"""Risk rules helper (security controls stage): a leaf compared across a list whose items only moved, or (for
lines read by value alone) across two differently named items. When an item
is inserted in front of others (a new allow for one source before the `*` deny), the leaf at an index is compared
with a different item; the item that was there still exists at another index, so nothing was weakened."""

from __future__ import annotations

from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Change
from tfreview.pipeline.rules.values import document

_SEGMENT = lazy_compile(r"\[(\d+)\]|([^.\[\]]+)")
MISSING = object()


def _step(value: Any, key: str | int) -> Any:
    """VALUE's item KEY (a JSON text read as its document first), or MISSING."""
    if isinstance(value, str):
        value = document(value)
    if isinstance(key, int):
        return value[key] if isinstance(value, list) and key < len(value) else MISSING
    return value.get(key, MISSING) if isinstance(value, dict) else MISSING


IDENTITY = ("name", "Name", "id", "ID", "key", "Key")


def _renamed(old: Any, new: Any) -> bool:
    """Whether two list items are different objects by their names (`{Name: "*"}` → `{Name: "billing-api"}`)."""
    if not isinstance(old, dict) or not isinstance(new, dict):
        return False
    return any(key in old and key in new and old[key] != new[key] for key in IDENTITY)


def shifted(change: Change, path: str, renamed: bool = False) -> bool:
    """Whether PATH runs through a list item of the old side that the new side still holds at another index; with
    RENAMED, also through an item whose name differs on the two sides (a different object took its place)."""
    segments: list[str | int] = [int(i) if i else name for i, name in _SEGMENT.findall(path)]
    old, new = change.before, change.after
    for segment in segments:
        if isinstance(segment, int):
            old_list = old if isinstance(old, list) else None
            new_list = new if isinstance(new, list) else None
            if old_list is not None and new_list is not None and segment < len(old_list):
                item = old_list[segment]
                if isinstance(item, dict | list) and (segment >= len(new_list) or new_list[segment] != item) \
                        and item in new_list:
                    return True
                if renamed and segment < len(new_list) and _renamed(item, new_list[segment]):
                    return True
        old, new = _step(old, segment), _step(new, segment)
        if old is MISSING or new is MISSING:
            return False
    return False
