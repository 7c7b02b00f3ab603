"""Risk rules, exposure (reported under `public-access`): Firebase security rules (Cloud Storage, Firestore, Realtime
Database rules text in any attribute) read for who they let in. An `allow` whose condition no longer asks who the
caller is — no `request.auth` (or `auth` in Realtime Database rules), `if true`, or no condition at all — lets
anyone on the internet do what it allows on that path: overwrite every user's files (high). A read opened so is
medium: public reads of app metadata (versions, public profiles) are common by design. An allow that keeps
`request.auth`, or one that was already open before the plan, says nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import Finding, Severity, finding, on_change
from tfreview.pipeline.rules.common import string_leaves
from tfreview.pipeline.rules.vocabulary.terms import PUBLIC

SERVICE = lazy_compile(r"service\s+(?:firebase\.storage|cloud\.firestore)\b")
MATCH = lazy_compile(r"match\s+(\S+)\s*\{")
ALLOW = lazy_compile(r"\ballow\s+([a-z,\s]+?)\s*(?::\s*if\s+(.+?))?\s*;", re.DOTALL)
ASKS_WHO = lazy_compile(r"\brequest\.auth\b|\bauth\.(?:uid|token)\b")
CLOSED = lazy_compile(r"^\s*false\s*$")
WRITES = frozenset({"write", "create", "update", "delete"})


def _open_allows(text: str) -> set[tuple[str, str]]:
    """(match path, operation) for every allow in a rules text that asks nothing of who the caller is."""
    found: set[tuple[str, str]] = set()
    for allow in ALLOW.finditer(text):
        condition = allow.group(2) or "true"
        if ASKS_WHO.search(condition) or CLOSED.match(condition):
            continue
        paths = MATCH.findall(text[:allow.start()])
        where = paths[-1] if paths else "/"
        found |= {(where, op.strip()) for op in allow.group(1).split(",") if op.strip()}
    return found


def _rules(values: object) -> set[tuple[str, str]]:
    return {item for text in string_leaves(values) if SERVICE.search(text) for item in _open_allows(text)}


@on_change(actions=(Action.CREATE, Action.UPDATE, Action.REPLACE), words=(b"allow",))
def _opened_to_anyone(change: Change) -> Iterator[Finding]:
    opened = sorted(_rules(change.after) - _rules(change.before))
    if not opened:
        return
    where, operation = next(((w, o) for w, o in opened if o in WRITES), opened[0])
    writes = operation in WRITES
    yield finding(PUBLIC, change.address, f"{change.address}: its security rules now allow {operation} on {where} "
                  "with no check of who the caller is: anyone on the internet may "
                  + ("write there" if writes else "read there"),
                  Severity.HIGH if writes else Severity.MEDIUM)
