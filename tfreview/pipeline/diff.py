"""Normalize stage, attribute diffs: the attribute paths that change between a resource's before and after.

Shared by every renderer, the prompt and the rules through `Change.attributes`, computed once per change.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

UNKNOWN = "(known after apply)"
MAX_PATHS_PER_CHANGE = 200


@dataclass(slots=True)
class AttributeChange:
    """One attribute path whose value changes.

    A plain dataclass, not a pydantic model: a large plan has hundreds of thousands of them, and pydantic
    (schema) and orjson (output) both take dataclasses as they are.
    """

    path: str
    before: Any = None
    after: Any = None
    forces_replacement: bool = False


def attribute_changes(before: Any, after: Any, unknown: Any, replace_paths: list[str]) -> list[AttributeChange]:
    """The attribute paths that change between BEFORE and AFTER (unknown values included)."""
    found: list[AttributeChange] = []
    _diff("", before, after, unknown, found)
    for item in found:
        item.forces_replacement = any(item.path == p or item.path.startswith((p + ".", p + "[")) for p in replace_paths)
    return found[:MAX_PATHS_PER_CHANGE]


def _diff(path: str, before: Any, after: Any, unknown: Any, found: list[AttributeChange]) -> None:
    if unknown is True:
        found.append(AttributeChange(path, before, UNKNOWN))
        return
    if before == after and not any_unknown(unknown):
        return
    if isinstance(after, dict) and isinstance(before, (dict, type(None))):
        _diff_map(path, before or {}, after, unknown if isinstance(unknown, dict) else {}, found)
        return
    if _is_scalar_list(after) and (before is None or _is_scalar_list(before)):
        found.append(AttributeChange(path, before, after))
        return
    if isinstance(after, list) and isinstance(before, (list, type(None))):
        before_list = before or []
        unknown_list = unknown if isinstance(unknown, list) else []
        for index in range(max(len(before_list), len(after), len(unknown_list))):
            _diff(
                f"{path}[{index}]",
                _at(before_list, index),
                _at(after, index),
                _at(unknown_list, index),
                found,
            )
        return
    if before is None and after is None:
        return
    found.append(AttributeChange(path, before, after))


def _diff_map(path: str, before: dict[str, Any], after: dict[str, Any], unknown: dict[str, Any],
              found: list[AttributeChange]) -> None:
    """_diff over each key of two objects; leaves that are plainly known are settled here, without a call each."""
    keys = after.keys() if not before and not unknown else set(before) | set(after) | set(unknown)
    prefix = f"{path}." if path else ""
    for key in sorted(keys):
        old, new, mark = before.get(key), after.get(key), unknown.get(key)
        if mark is None or mark is False:  # nothing under this key is unknown
            if old == new:
                continue
            if not isinstance(new, (dict, list)):
                found.append(AttributeChange(prefix + key, old, new))
                continue
        _diff(prefix + key, old, new, mark, found)


def any_unknown(unknown: Any) -> bool:
    """Whether an after_unknown structure marks anything unknown: known lists come as [false, ...]."""
    if isinstance(unknown, dict):
        return any(any_unknown(v) for v in unknown.values())
    if isinstance(unknown, list):
        return any(any_unknown(v) for v in unknown)
    return unknown is True


def _is_scalar_list(value: Any) -> bool:
    return isinstance(value, list) and all(not isinstance(v, (dict, list)) for v in value)


def _at(items: list[Any], index: int) -> Any:
    return items[index] if index < len(items) else None


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def format_path(steps: list[Any]) -> str:
    """Render a replace_paths step list like ['ingress', 0, 'cidr'] as 'ingress[0].cidr'."""
    text = ""
    for step in steps:
        text = f"{text}[{step}]" if isinstance(step, int) else _join(text, str(step))
    return text
