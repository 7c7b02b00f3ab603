"""Risk rules, exposure stage: security rules written as text (Firebase/Firestore and Storage rules, any provider's
rules language of `match` and `allow … if …` statements) that let anyone in. An `allow` whose condition is always
true (`if true`, none at all, Firebase's test-mode `request.time < timestamp.date(…)`) and that writes, or reads
everything under a recursive match (`{document=**}`): any client, signed in or not, reads or changes the data. A
condition on the caller (`request.auth != null && request.auth.uid == uid`) is not news, nor a public read of one
named collection.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import Finding, finding, on_change
from tfreview.pipeline.rules.common import sides
from tfreview.pipeline.rules.tautology import always_true
from tfreview.pipeline.rules.values import leaves
from tfreview.pipeline.rules.vocabulary.terms import PUBLIC

ALLOW = lazy_compile(r"\ballow\s+([a-z][a-z ,]*?)\s*(?::\s*if\s+([^;]*))?;", re.IGNORECASE)
MATCH = lazy_compile(r"\bmatch\s+(\S+)\s*\{", re.IGNORECASE)
RULES_TEXT = lazy_compile(r"\bmatch\s+/\S*\s*\{", re.IGNORECASE)
WRITES = frozenset({"write", "create", "update", "delete"})
# Firebase's test mode: open to anyone until a date, written as a condition on the request's time only.
UNTIL_A_DATE = lazy_compile(r"^request\.time\s*<\s*timestamp\.date\([\d,\s]+\)$")
MAX_TEXT = 100_000


def _always(condition: str | None) -> bool:
    """Whether an allow's condition lets any caller through (none, always true, or only until a date)."""
    if condition is None:
        return True
    text = " ".join(condition.split())
    return always_true(text) or bool(UNTIL_A_DATE.match(text))


def open_statements(text: str) -> set[str]:
    """The `allow` statements of rules TEXT that let anyone write, or read under a recursive match."""
    found = set()
    for allowed in ALLOW.finditer(text):
        operations = {word.strip().lower() for word in allowed.group(1).split(",")}
        if not _always(allowed.group(2)):
            continue
        scopes = [m.group(1) for m in MATCH.finditer(text, 0, allowed.start())]
        everything = bool(scopes) and "=**}" in scopes[-1]
        if operations & WRITES or everything:
            found.add(" ".join(allowed.group(0).split()))
    return found


def _rules_texts(values: dict[str, Any]) -> Iterator[str]:
    for _path, value in leaves(values):
        if isinstance(value, str) and len(value) <= MAX_TEXT and RULES_TEXT.search(value) and "allow" in value:
            yield value


@on_change(actions=(Action.CREATE, Action.UPDATE, Action.REPLACE), words=(b"allow",))
def _rules_open(change: Change) -> Iterator[Finding]:
    before, after = sides(change)
    old = {s for text in _rules_texts(before) for s in open_statements(text)}
    for statement in sorted({s for text in _rules_texts(after) for s in open_statements(text)} - old):
        yield finding(PUBLIC, change.address, f"{change.address}: its security rules now say `{statement}` (anyone, "
                      "signed in or not, may read or change the data)")
