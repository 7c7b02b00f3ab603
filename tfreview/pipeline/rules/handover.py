"""Risk rules, credentials: secrets handed to people — a credential source moved from injected (the access proxy
uses it, the user never sees it) to brokered (the user receives it), on any provider."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Change
from tfreview.pipeline.findings import Finding, finding, on_change

BROKERED = "secrets-shared"  # declared in `credentials`: a secret's audience widens

_SPLIT = lazy_compile(r"[^a-z0-9]+")


def _ids(values: dict[str, Any], word: str) -> set[str]:
    return {str(v) for key, value in values.items() if word in _SPLIT.split(key.lower()) and isinstance(value, list)
            for v in value if isinstance(v, (str, int))}


@on_change(words=(b"brokered",))
def _injected_to_brokered(change: Change) -> Iterator[Finding]:
    before = change.before if isinstance(change.before, dict) else {}
    after = change.after if isinstance(change.after, dict) else {}
    moved = sorted((_ids(after, "brokered") - _ids(before, "brokered")) & _ids(before, "injected"))
    if moved:
        yield finding(BROKERED, change.address, f"{change.address}: credential source {moved[0][:80]} moves from "
                      "injected to brokered — users now receive the raw secret instead of the proxy using it")
