"""Risk rules, shared helpers: safe access into plan values, and grading words."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from typing import Any

import ahocorasick
import orjson

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Change
from tfreview.pipeline.diff import UNKNOWN
from tfreview.pipeline.mask import MASK, MASK_CHANGED

_OPAQUE = (UNKNOWN, MASK, MASK_CHANGED)
_CAMEL = lazy_compile(r"(?<=[a-z0-9])(?=[A-Z])")


def snake_case(name: str) -> str:
    """`requireTls` as `require_tls`: a camelCase name (Graph, Helm and Kubernetes bodies) in the lower-case,
    underscore-joined form every vocabulary reads."""
    return _CAMEL.sub("_", name).lower()


def known(value: Any) -> bool:
    """Whether a value is present and readable (not null, unknown until apply, or masked)."""
    return value is not None and not (isinstance(value, str) and value in _OPAQUE)


def dig(value: Any, *steps: str | int) -> Any:
    """value[step][step]…, or None when any step is missing."""
    for step in steps:
        if isinstance(step, int):
            value = value[step] if isinstance(value, list) and -len(value) <= step < len(value) else None
        else:
            value = value.get(step) if isinstance(value, dict) else None
        if value is None:
            return None
    return value


def as_dict(value: Any) -> dict[str, Any]:
    """VALUE when it is a mapping, else {} (a plan's JSON may hold anything where a block is expected)."""
    return value if isinstance(value, dict) else {}


def list_or_empty(value: Any) -> list[Any]:
    """VALUE when it is a list, else []."""
    return value if isinstance(value, list) else []


def as_list(value: Any) -> list[Any]:
    """A list for a list, [] for null, [value] for anything else."""
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def state_resources(prior_state: Any) -> Iterator[dict[str, Any]]:
    """Every resource and data source of a plan's prior state, in every module."""
    modules = [dig(prior_state, "values", "root_module")]
    while modules:
        module = modules.pop()
        if isinstance(module, dict):
            modules += as_list(module.get("child_modules"))
            yield from (r for r in as_list(module.get("resources")) if isinstance(r, dict))


def blocks(value: Any, key: str) -> list[dict[str, Any]]:
    """The nested blocks under KEY (a list of objects in plan JSON), skipping anything else."""
    return [b for b in as_list(dig(value, key)) if isinstance(b, dict)]


def sides(change: Change) -> tuple[dict[str, Any], dict[str, Any]]:
    """The change's before and after objects, {} where there is none."""
    before = change.before if isinstance(change.before, dict) else {}
    after = change.after if isinstance(change.after, dict) else {}
    return before, after


def new_items(before: list[Any], after: list[Any]) -> list[Any]:
    """Items of AFTER that BEFORE does not have (lists of anything JSON-like)."""
    seen = {_key(item) for item in before}
    return [item for item in after if _key(item) not in seen]


def _key(item: Any) -> bytes:
    return orjson.dumps(item, option=orjson.OPT_SORT_KEYS)


def string_leaves(value: Any) -> Iterator[str]:
    """Every string inside a value (nested maps and lists), in order."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from string_leaves(item)
    elif isinstance(value, list):
        for item in value:
            yield from string_leaves(item)


def names_in(name: str, text: str) -> bool:
    """Whether TEXT names NAME whole: not as part of a longer name (`scratch-7` in `arn:aws:s3:::scratch-7/*`, not in
    `scratch-70` or `x.scratch-7`)."""
    return re.search(rf"(?<![\w.-]){re.escape(name)}(?![\w-])", text) is not None


def keyed_leaves(value: Any, kinds: type | tuple[type, ...], key: str = "") -> Iterator[tuple[str, Any]]:
    """(the name of the attribute holding it, the leaf) for every leaf of one of KINDS inside a nested value; a list's
    items take the list's name. A bool is no int here unless KINDS names bool."""
    if isinstance(value, dict):
        for name, item in value.items():
            yield from keyed_leaves(item, kinds, str(name))
    elif isinstance(value, list):
        for item in value:
            yield from keyed_leaves(item, kinds, key)
    elif isinstance(value, kinds) and (not isinstance(value, bool) or _names_bool(kinds)):
        yield key, value


def _names_bool(kinds: type | tuple[type, ...]) -> bool:
    return bool in (kinds if isinstance(kinds, tuple) else (kinds,))


def switched_objects(node: Any, path: str = "", off: bool = False) -> Iterator[tuple[str, dict[str, Any], bool]]:
    """Every object under NODE with its dotted path and whether it, or one around it, is switched off."""
    if isinstance(node, dict):
        off = off or node.get("is_enabled") is False or node.get("enabled") is False or node.get("disabled") is True
        yield path, node, off
        for key, value in node.items():
            yield from switched_objects(value, f"{path}.{key}" if path else str(key), off)
    elif isinstance(node, list):
        for item in node:
            yield from switched_objects(item, path, off)


def mentions(values: Any, words: tuple[bytes, ...]) -> bool:
    """Whether the serialised values mention any of WORDS (lower case): one C-speed scan spares a rule the walk
    over every leaf of the many resources that cannot hold what it looks for."""
    text = orjson.dumps(values).lower()
    if len(words) < MANY_WORDS:
        return any(word in text for word in words)
    for _ in _automaton(tuple(words)).iter(text.decode()):  # orjson writes UTF-8, where a word's bytes are its text
        return True
    return False


MANY_WORDS = 4  # from this many words on, one Aho-Corasick pass beats a scan per word


@cache
def _automaton(words: tuple[bytes, ...]) -> ahocorasick.Automaton:
    automaton = ahocorasick.Automaton()
    for word in words:
        automaton.add_word(word.decode(), True)
    automaton.make_automaton()
    return automaton


def show(value: Any) -> str:
    """A value as HCL-ish text for a message: true/false, numbers, "strings"."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, str):
        return f'"{value}"' if len(value) <= 80 else f'"{value[:77]}..."'
    return orjson.dumps(value).decode()[:80]
