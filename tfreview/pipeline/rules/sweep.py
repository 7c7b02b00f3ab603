"""Risk rules, reach: a controller given authority to delete (a sync, prune or delete policy) over everything it
can see, because the filter that scoped it to some domains, zones or namespaces is emptied or removed.

Read by key shape in any resource's values, Helm `values` documents included, so an external-dns, a GitOps
controller or a provider nobody listed is judged by what its settings mean.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import Finding, Severity, declare, finding, on_change
from tfreview.pipeline.rules.common import sides, snake_case
from tfreview.pipeline.rules.values import leaves

SWEEP = declare("delete-scope-removed", Severity.HIGH,
                "A controller that may delete what it manages (policy sync/prune/delete) loses the filter that "
                "scoped it to some domains, zones or namespaces: it can now delete across every one it can see.")

_SPLIT = lazy_compile(r"[^a-z0-9]+")
SCOPE_WORDS = {"domain", "domains", "zone", "zones", "namespace", "namespaces", "project", "projects"}
FILTER_WORDS = {"filter", "filters", "include", "includes", "only", "watch", "scope"}
MODE_WORDS = {"policy", "mode"}
DELETING = {"sync", "delete", "prune"}
DELETING_BYTES = tuple(word.encode() for word in sorted(DELETING))
_LINE = lazy_compile(r"^(?P<indent> *)(?:- +)?(?P<key>[A-Za-z0-9_.\-\"']+):[ \t]*(?P<value>.*?)[ \t]*(?:#.*)?$")
_ITEM = lazy_compile(r"^(?P<indent> *)- +(?P<value>\S.*?)\s*$")


def _words(key: str) -> set[str]:
    return {w for w in _SPLIT.split(snake_case(key)) if w}


def _filter_key(key: str) -> bool:
    words = _words(key.rsplit(".", 1)[-1])
    return bool(words & SCOPE_WORDS) and bool(words & FILTER_WORDS)


def _deletes(key: str, value: Any) -> bool:
    """Whether a setting lets the controller delete: a sync/delete policy or mode, or prune switched on."""
    words, text = _words(key.rsplit(".", 1)[-1]), str(value).lower()
    return (bool(words & MODE_WORDS) and text in DELETING) or ("prune" in words and text == "true") or (
        value is True and "prune" in words)


def _text_settings(text: str) -> Iterator[tuple[str, list[str]]]:
    """(key, values) for each `key: value` line of a YAML text, with a block list's items as its values."""
    lines = text.splitlines()
    for index, line in enumerate(lines):
        match = _LINE.match(line)
        if not match:
            continue
        value = match.group("value").strip().strip("\"'")
        if value.startswith("[") and value.endswith("]"):
            yield match.group("key"), [v.strip(" \"'") for v in value[1:-1].split(",") if v.strip(" \"'")]
        elif value:
            yield match.group("key"), [value]
        else:
            items = []
            for following in lines[index + 1:]:
                item = _ITEM.match(following)
                if item is None or len(item.group("indent")) < len(match.group("indent")):
                    break
                items.append(item.group("value"))
            yield match.group("key"), items


def _settings(values: dict[str, Any]) -> tuple[bool, list[str] | None]:
    """(may delete, scope filter entries or None when no filter is set) read from VALUES."""
    deleting = False
    scope: list[str] | None = None
    for path, value in leaves(values):
        texts = value if isinstance(value, list) else [value]
        for text in (t for t in texts if isinstance(t, str) and ":" in t and "\n" in t):
            for key, items in _text_settings(text):
                deleting = deleting or any(_deletes(key, i) for i in items)
                if _filter_key(key):
                    scope = (scope or []) + items
        deleting = deleting or _deletes(path, value)
        if _filter_key(path):
            scope = (scope or []) + [str(v) for v in texts if v not in (None, "")]
    return deleting, scope


@on_change(actions=(Action.UPDATE, Action.REPLACE), words=DELETING_BYTES)  # nothing without them may delete
def _delete_reach(change: Change) -> Iterator[Finding]:
    before, after = sides(change)
    was_deleting, was_scoped = _settings(before)
    deleting, scoped = _settings(after)
    if not deleting or not was_scoped or scoped:
        return
    granted = "given delete authority and " if not was_deleting else ""
    yield finding(SWEEP, change.address, f"{change.address}: {granted}its scope filter ({len(was_scoped)} "
                  "entries) is emptied: the controller can delete across every domain, zone or namespace it sees")
