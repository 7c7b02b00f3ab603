"""Risk rules, controls helper: a setting of a nested block that the new value leaves out. `terraform show -json`
lists every attribute of a block, null where unset, so a key missing from a block that is still there says nothing
about the setting (the plan was trimmed); a key set to null, or a block removed whole, is a change. controls.py
asks it before reading a control as weakened."""

from __future__ import annotations

from typing import Any

from tfreview.lazyregex import lazy_compile

_SEGMENT = lazy_compile(r"\[(\d+)\]|([^.\[\]]+)")

def _segments(path: str) -> list[str | int]:
    return [int(index) if index else name for index, name in _SEGMENT.findall(path)]

def _parent(value: Any, segments: list[str | int]) -> Any:
    """The object that holds the last segment of the path, or None where the path leaves the value."""
    for segment in segments[:-1]:
        in_list = isinstance(segment, int) and isinstance(value, list) and segment < len(value)
        in_dict = isinstance(segment, str) and isinstance(value, dict) and segment in value
        if not (in_list or in_dict):
            return None
        value = value[segment]
    return value

def left_out(before: Any, after: Any, path: str) -> bool:
    """Whether the setting at PATH sits in a block (a list element) that AFTER still holds, with other settings,
    but without the key that BEFORE held: not shown, which is not unset."""
    segments = _segments(path)
    if len(segments) < 3 or not isinstance(segments[-2], int) or not isinstance(segments[-1], str):
        return False
    old, new = _parent(before, segments), _parent(after, segments)
    key = segments[-1]
    return isinstance(old, dict) and isinstance(new, dict) and bool(new) and key in old and key not in new


def entry_gone(before: Any, after: Any, path: str) -> bool:
    """Whether the list entry that holds the setting at PATH (a volume mount, a grant) is gone from AFTER whole: a
    setting that only qualifies its entry (`read_only`) goes with it, and nothing it qualified is left."""
    segments = _segments(path)
    if len(segments) < 3 or not isinstance(segments[-2], int):
        return False
    return isinstance(_parent(before, segments), dict) and _parent(after, segments) is None
