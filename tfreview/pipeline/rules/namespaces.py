"""Risk rules, exposure: a cluster-wide store of secrets or credentials (External Secrets' ClusterSecretStore, any
operator's cluster-scoped store, provider or issuer) whose namespace scope is removed or widened to every namespace:
any namespace may then read what it holds. Read from a manifest object or a YAML body, by key meaning."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Change
from tfreview.pipeline.decoding import embedded_objects
from tfreview.pipeline.findings import Finding, Severity, declare, finding, on_change
from tfreview.pipeline.rules.common import sides

STORE_OPENED = declare("store-scope-opened", Severity.HIGH,
                       "A cluster-wide secret or credential store (ClusterSecretStore and the like) loses the "
                       "namespace conditions that limited who may read it, or they widen to every namespace.")
# Kinds that hand out what they hold to whoever references them.
HOLDER_KIND = lazy_compile(r"secret|store|credential|vault|token|keyring|issuer|provider", re.IGNORECASE)
SCOPE_KEY = lazy_compile(r"(?:allowed_?)?namespaces|namespace_?(?:selectors?|regexe?s|names|list)|conditions",
                         re.IGNORECASE)
EVERY = frozenset({"*", ".*", "^.*$", ".+", "^.+$"})
MAX_DEPTH = 8


def _manifest(values: dict[str, Any]) -> dict[str, Any] | None:
    for key in ("manifest", "object"):
        manifest = values.get(key)
        if isinstance(manifest, dict):
            return manifest
    return next((o for o in embedded_objects(values) if "kind" in o and "apiVersion" in o), None)


def _scopes(value: Any, depth: int = 0) -> list[Any]:
    """Every non-empty value under a namespace-scope key of VALUE."""
    found: list[Any] = []
    if depth > MAX_DEPTH:
        return found
    if isinstance(value, dict):
        for key, item in value.items():
            if SCOPE_KEY.fullmatch(str(key)) and item not in (None, "", [], {}):
                found.append(item)
            found += _scopes(item, depth + 1)
    elif isinstance(value, list):
        for item in value:
            found += _scopes(item, depth + 1)
    return found


def _every(scopes: list[Any]) -> bool:
    stack = list(scopes)
    while stack:
        item = stack.pop()
        if isinstance(item, str) and item.strip() in EVERY:
            return True
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


@on_change(words=(b"cluster",))  # the kind of a cluster-wide store, in before
def _store_opened(change: Change) -> Iterator[Finding]:
    before, after = sides(change)
    new, old = _manifest(after), _manifest(before)
    if new is None or old is None:
        return
    kind = str(new.get("kind", ""))
    if not kind.lower().startswith("cluster") or not HOLDER_KIND.search(kind):
        return
    was, now = _scopes(old.get("spec")), _scopes(new.get("spec"))
    if was and not _every(was) and (not now or _every(now)):
        how = "widen to every namespace" if now else "are removed"
        yield finding(STORE_OPENED, change.address,
                      f"{change.address}: the {kind}'s namespace conditions {how}: every namespace may now read "
                      "what it holds")
