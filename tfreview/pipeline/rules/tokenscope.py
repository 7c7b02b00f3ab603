"""Risk rules, identity (reported under `iam-wildcard`): a token's or key's resource scope widened from named objects
to a wildcard over them — a Cloudflare API token's `resources` going from `com.cloudflare.api.account.zone.<id>` to
`com.cloudflare.api.account.zone.*`, any provider's scoped credential whose resource keys or values trade an id for
`*`. One leaked token then reaches every zone, project or repository of the account. A wildcard that was already
there, or one over something else than what was named, is not news.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import Finding, Severity, finding, on_change
from tfreview.pipeline.rules.common import sides
from tfreview.pipeline.rules.judge import WILDCARD

CREDENTIALS = lazy_compile(r"token|api_key|access_key|credential|service_key|(?:^|_)key$")
SCOPE_KEYS = lazy_compile(r"resources?|scopes?|permission_groups?|zones?|projects?|repositories|targets?")
MAX_DEPTH = 6


@on_change(actions=(Action.UPDATE,), type_pattern=CREDENTIALS)
def _token_widened(change: Change) -> Iterator[Finding]:
    if not CREDENTIALS.search(change.type):
        return
    before, after = sides(change)
    old, new = set(_scoped(before)), set(_scoped(after))
    for name in sorted(new - old):
        stem = _stem(name)
        named = sorted(n for n in old - new if stem is not None and n.startswith(stem) and not n.endswith("*"))
        if named:
            yield finding(WILDCARD, change.address, f"{change.address}: its scope {named[0]} becomes {name}: the "
                          "credential now reaches every object of that kind in the account", Severity.HIGH)
            return


def _stem(name: str) -> str | None:
    """What a wildcard entry keeps before its `*` (`com.cloudflare.api.account.zone.`), or None for no wildcard."""
    return name[:-1] if name.endswith("*") and len(name) > 1 else None


def _scoped(values: Any, under: bool = False, depth: int = 0) -> Iterator[str]:
    """The names a credential's scope blocks hold: the keys of a `resources` map and the strings of scope lists."""
    if depth > MAX_DEPTH:
        return
    if isinstance(values, dict):
        for key, value in values.items():
            scope = bool(SCOPE_KEYS.fullmatch(str(key)))
            if scope and isinstance(value, dict):
                yield from (str(k) for k in value)
            yield from _scoped(value, under or scope, depth + 1)
    elif isinstance(values, list):
        for item in values:
            yield from _scoped(item, under, depth + 1)
    elif under and isinstance(values, str):
        yield values
