"""Risk rules, tenant isolation (reported under `tenant-crossed`): one instance of a per-instance module (one
matter, client, store or site, named by its code: `module.matter_m2024_0981`, `module.site["s-0412"]`) whose grant
reaches its siblings' objects. tenancy.py knows tenants by the words tenant, customer and client; this knows an
instance by the code in its module's name, whatever the estate calls what it partitions.

- **Lifted over its siblings.** A grant's resource that named the instance's own code before now is a pattern
  that matches it and drops the code (`hlx-prod-m2024-0981-docs` → `hlx-prod-m*-docs`): every matter's bucket.
- **Reaching a sibling.** A grant newly names an object carrying another code of the same shape
  (`m2025-0388` in matter `m2026-0113`'s reviewer policy): one matter's reviewers read another's documents.

A grant on the instance's own objects, on shared objects without a code, and a pattern inside the instance's own
object (`…-m2024-0981-docs/*`) say nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from fnmatch import fnmatchcase
from functools import cache
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.decoding import embedded
from tfreview.pipeline.findings import Finding, finding, on_change
from tfreview.pipeline.rules.common import string_leaves
from tfreview.pipeline.rules.tenancy import CONNECTIVE, RULE

# A module's name or instance key, and the code inside it: letters then digits, in groups (`m2024_0981`, `s-0412`).
MODULE_PART = lazy_compile(r'module\.([A-Za-z0-9_-]+)(?:\["([^"\]]+)"\])?')
CODE = lazy_compile(r"(?<![a-z0-9])[a-z]{0,3}[-_]?\d{2,}(?:[-_][a-z]{0,3}\d{2,})*(?![a-z0-9])")
MIN_DIGITS = 4  # a code shorter than this (`v2`, `az1`) names a version or a zone, not an instance
MAX_TEXT = 2000


def own_code(address: str) -> str | None:
    """The code of the innermost module instance of ADDRESS that names one, separators made `-`; None when no
    module's name or key holds a code of MIN_DIGITS digits with a letter or a separator (not a bare number)."""
    found = None
    for name, key in MODULE_PART.findall(address):
        for part in (name, key):
            for code in CODE.findall(part.lower()):
                if sum(c.isdigit() for c in code) >= MIN_DIGITS and not code.isdigit():
                    found = code.replace("_", "-")
    return found


@cache
def _shape(code: str) -> re.Pattern[str]:
    """A pattern for codes of CODE's shape: `m2024-0981` → letters, four digits, a separator, four digits."""
    parts = [f"[a-z]{{{len(m)}}}" if m.isalpha() else f"\\d{{{len(m)}}}" if m.isdigit() else "[-_]"
             for m in re.findall(r"[a-z]+|\d+|[-_]", code)]
    return re.compile(r"(?<![a-z0-9])" + "".join(parts) + r"(?![a-z0-9])", re.IGNORECASE)


def _texts(values: Any) -> set[str]:
    """The short strings of VALUES, a JSON or YAML document's strings read inside it (a policy's resources)."""
    found: set[str] = set()
    for text in string_leaves(values):
        if len(text) > MAX_TEXT:
            continue
        document = embedded(text)
        found |= {t for t in string_leaves(document) if len(t) <= MAX_TEXT} if document is not None else {text}
    return found


def _canonical(text: str) -> str:
    return text.lower().replace("_", "-")


@on_change(actions=(Action.CREATE, Action.UPDATE, Action.REPLACE), type_pattern=CONNECTIVE)
def _instance_crossed(change: Change) -> Iterator[Finding]:
    code = own_code(change.address)
    if code is None:
        return
    old, new = _texts(change.before), _texts(change.after)
    shape = _shape(code)
    for text in sorted(new - old):
        others = [m for m in shape.findall(text) if _canonical(m) != code]
        if others:
            yield finding(RULE, change.address, f"{change.address}: instance {code}'s grant newly names {text:.120}, "
                          f"which carries {others[0]}, a sibling's code: one instance's object now reaches another's")
            return
        if "*" in text and code not in _canonical(text):
            lifted = next((was for was in sorted(old) if code in _canonical(was) and fnmatchcase(was, text)), None)
            if lifted:
                yield finding(RULE, change.address, f"{change.address}: instance {code}'s grant lifts {lifted:.120} "
                              f"to {text:.120}: the pattern drops its own code and matches every sibling's objects")
                return
