"""Mask stage, the values behind sensitive marks: each marked change's clear before and after, kept for the rules.

A sensitive variable hides a security group's CIDR or a whole policy document from every output, and from the
rules too once masked. The rules must judge a value behind a mark like a visible one (an `0.0.0.0/0` from a
sensitive variable opens a port all the same), so before masking this copies, in memory only, the clear sides of
each resource change that carries a mark; risk.py judges those and masks what it reports.
"""

from __future__ import annotations

from typing import Any

import orjson

# address → (before, after) in clear text; never printed, written, cached or sent.
Hidden = dict[str, tuple[Any, Any]]


def hidden_values(document: dict[str, Any]) -> Hidden:
    """The clear before and after of every resource change whose before or after carries a sensitive mark."""
    found: Hidden = {}
    for entry in document.get("resource_changes") or []:
        change = entry.get("change") if isinstance(entry, dict) else None
        address = entry.get("address") if isinstance(entry, dict) else None
        if not isinstance(change, dict) or not isinstance(address, str) or entry.get("deposed"):
            continue
        if _marks(change.get("after_sensitive")) or _marks(change.get("before_sensitive")):
            found[address] = orjson.loads(orjson.dumps((change.get("before"), change.get("after"))))
    return found


def _marks(mark: Any) -> bool:
    """Whether a sensitivity mark marks anything (`{"tags": {}}` marks nothing)."""
    if mark is True:
        return True
    if isinstance(mark, dict):
        return any(_marks(v) for v in mark.values())
    if isinstance(mark, list):
        return any(_marks(v) for v in mark)
    return False
