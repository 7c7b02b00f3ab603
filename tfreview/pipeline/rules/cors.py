"""Risk rules, exposure: a CORS policy of any provider that lets any origin (`*`) send credentialed requests, so
any web page a signed-in user visits may read the API's answers with the user's own credentials.

Read by meaning, in any block that holds both an origins list and a credentials switch (`allowed_origins` with
`credentials_allowed`, `allow_origins` with `allow_credentials`, `AllowedOrigins` with `AllowCredentials`).
CORS `*` without credentials serves only what anyone could fetch, and is not this rule.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.decoding import objects
from tfreview.pipeline.findings import Finding, Severity, declare, finding, on_change
from tfreview.pipeline.rules.common import snake_case
from tfreview.pipeline.rules.values import with_settings

ANY_ORIGIN_WITH_CREDENTIALS = declare(
    "cors-any-origin", Severity.HIGH,
    "A CORS policy lets any origin (`*`) make credentialed requests (credentials allowed): any web page a signed-in "
    "user visits can call the API as that user and read the answer (any provider).")

ORIGINS = lazy_compile(r"(?:\w+_)?origins?(?:_list)?")
CREDENTIALS = lazy_compile(r"(?:\w+_)?(?:allow|allows|allowed|support|supports|with)_credentials|credentials_allowed"
                           r"|credentials(?:_enabled|_supported)?")
ANY_ORIGIN = lazy_compile(r"\*|\.\*|null|https?://\*")
MAX_DEPTH = 12


def _strings(value: Any, depth: int = 0) -> Iterator[str]:
    """Every string inside VALUE (an origins list, or CloudFront's `{items = [...]}` block)."""
    if isinstance(value, str):
        yield value.strip()
    elif depth < MAX_DEPTH and isinstance(value, (list, dict)):
        for item in value.values() if isinstance(value, dict) else value:
            yield from _strings(item, depth + 1)


def _on(value: Any) -> bool:
    return value is True or (isinstance(value, str) and value.strip().lower() in ("true", "on", "enabled"))


def open_with_credentials(value: Any) -> Iterator[str]:
    """The origins keys of every block in VALUE (JSON text included) that admits any origin and allows credentials."""
    for node in objects(value):
        keys = {snake_case(str(k)): v for k, v in node.items()}
        if any(CREDENTIALS.fullmatch(k) and _on(v) for k, v in keys.items()):
            yield from (name for name, item in keys.items()
                        if ORIGINS.fullmatch(name) and any(ANY_ORIGIN.fullmatch(s) for s in _strings(item)))


@on_change(actions=(Action.CREATE, Action.UPDATE, Action.REPLACE), words=(b"credentials",))
def _any_origin_with_credentials(change: Change) -> Iterator[Finding]:
    after = sorted(set(open_with_credentials(with_settings(change.after))))
    if not after or (change.action is not Action.CREATE and any(open_with_credentials(with_settings(change.before)))):
        return
    # On a new resource it is worth a look, not a block: nothing relied on it yet.
    severity = Severity.MEDIUM if change.action is Action.CREATE else Severity.HIGH
    yield finding(ANY_ORIGIN_WITH_CREDENTIALS, change.address,
                  f"{change.address}: CORS {', '.join(after)} now admits any origin (*) with credentials allowed "
                  "(any web page can call it as the signed-in user)", severity)
