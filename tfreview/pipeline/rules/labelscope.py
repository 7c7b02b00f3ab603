"""Risk rules, identity (reported under `iam-wildcard`): a role or grant whose label selector of what it reaches
(`node_labels`, `db_labels`, `app_labels`, `kubernetes_labels` — Teleport's roles, any access product's) narrowed
to named labels before and is now the wildcard `"*": "*"`: it reaches every server, database or cluster there is,
production included. Object labels and Kubernetes selectors (`match_labels`, `metadata.labels`) name things and
are not read; a selector that names other labels, or one that was already a wildcard, is not news.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import Finding, Severity, finding, on_change
from tfreview.pipeline.rules.common import sides
from tfreview.pipeline.rules.judge import WILDCARD

REACH_LABELS = lazy_compile(r"[a-z]\w*_labels")
NAMING = lazy_compile(r"match_?labels|metadata|selector|common_labels|default_labels|resource_labels|user_labels"
                      r"|effective_labels|terraform_labels|pod_labels|node_pool_labels")
MAX_DEPTH = 8


@on_change(actions=(Action.UPDATE,), words=(b"_labels",))
def _selector_wildcard(change: Change) -> Iterator[Finding]:
    before, after = sides(change)
    old = dict(_selectors(before))
    for where, selector in _selectors(after):
        was = old.get(where)
        if _everything(selector) and was is not None and not _everything(was):
            yield finding(WILDCARD, change.address, f"{change.address}: {where} was {_show(was)} and is now "
                          "\"*\": \"*\": the role reaches every labelled resource there is, production included",
                          Severity.HIGH)
            return


def _selectors(values: Any, where: str = "", depth: int = 0) -> Iterator[tuple[str, dict[str, Any]]]:
    """(path, map) of every label selector of what a role reaches in VALUES (a map under a `*_labels` key)."""
    if depth > MAX_DEPTH:
        return
    if isinstance(values, list):
        for index, item in enumerate(values):
            yield from _selectors(item, f"{where}[{index}]", depth + 1)
    elif isinstance(values, dict):
        for key, value in values.items():
            path = f"{where}.{key}" if where else str(key)
            if NAMING.search(str(key).lower()):
                continue
            if REACH_LABELS.fullmatch(str(key).lower()) and isinstance(value, dict):
                yield path, value
            else:
                yield from _selectors(value, path, depth + 1)


def _everything(selector: dict[str, Any]) -> bool:
    values = selector.get("*")
    items = values if isinstance(values, list) else [values]
    return "*" in selector and any(str(item).strip() == "*" for item in items)


def _show(selector: dict[str, Any]) -> str:
    return ", ".join(f"{k}={v}" for k, v in list(selector.items())[:3]) or "{}"
