"""Risk rules helper (identity): a new storage or API key whose capabilities delete data or get past retention
locks, on every bucket (it names no bucket, container or prefix) — whoever holds it can erase the backups, so
tenants.py reads it as admin-like."""

from __future__ import annotations

import re
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.rules.common import string_leaves

# Keys that list what a key may do, and keys that narrow it to one bucket, container, prefix or path.
CAPABILITY_KEYS = lazy_compile(r"capabilit|permission|action|operation|scope|right|privilege", re.IGNORECASE)
SCOPE_KEYS = lazy_compile(r"bucket|container|prefix|path|resource|namespace|vault|repository|share", re.IGNORECASE)
_WORDS = lazy_compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])")
ERASING = frozenset({"delete", "deletes", "purge", "destroy", "erase", "wipe", "bypass", "remove", "overwrite"})
LOCKS = frozenset({"retention", "retentions", "lock", "locks", "hold", "holds", "governance", "immutability"})


def destructive(capability: str) -> bool:
    """Whether a capability (`deleteFiles`, `bypassGovernance`, `writeFileRetentions`, `s3:DeleteObject`) erases
    data or changes or gets past the locks that keep it."""
    words = {w.lower() for w in _WORDS.findall(capability)}
    return bool(words & ERASING) or ("write" in words and bool(words & LOCKS)) or capability.strip() in ("*", "all")


def erases_everywhere(values: dict[str, Any]) -> str:
    """'capabilities X, Y on every bucket' when a key may erase data and names nothing it is limited to, else ''."""
    found = [c for key, value in values.items() if CAPABILITY_KEYS.search(str(key))
             for c in string_leaves(value) if destructive(c)]
    if not found:
        return ""
    if any(SCOPE_KEYS.search(str(key)) and value not in (None, "", [], {}) for key, value in values.items()
           if not CAPABILITY_KEYS.search(str(key))):
        return ""
    return f"{', '.join(found[:3])} on every bucket it can see (no bucket or prefix named)"
