"""Risk rules, lifecycle helper: one entry of a source allow-list (an IP access list entry, a database user's
allowed host) replaced only to admit a narrower range: the new CIDR lies inside the old one, or the new host
pattern is the old one with its trailing wildcard narrowed (`%` → `10.12.4.%`). narrowing.py's `stricter` grades
such replaces with it; a range that widens, moves elsewhere or cannot be read stays high.
"""

from __future__ import annotations

import ipaddress
import re
from typing import Any

from tfreview.pipeline.changes import Action, Change

# Keys that hold the one source an entry admits.
SOURCE_KEYS = re.compile(r"^(?:cidr_block|cidr|cidr_ip|ip_address|ip|ip_range|source|source_ip|source_range|host"
                         r"|address|start_ip_address)$")
WILDCARDS = ("%", "*")


def _network(text: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network | None:
    try:
        return ipaddress.ip_network(text.strip(), strict=False)
    except ValueError:
        return None


def narrower(old: Any, new: Any) -> bool:
    """Whether NEW admits only part of what OLD admitted (a sub-network, or a longer host pattern under OLD's)."""
    if not isinstance(old, str) or not isinstance(new, str) or old == new or not new.strip():
        return False
    was, now = _network(old), _network(new)
    if was is not None and now is not None:
        return was.version == now.version and now.subnet_of(was)  # type: ignore[arg-type]
    if old.endswith(WILDCARDS):
        stem = old.rstrip("%*")
        return new.startswith(stem) and len(new) > len(old) - 1 and "%" not in stem and "*" not in stem
    return False


def entry_narrowed(change: Change, entry_types: re.Pattern[str]) -> str | None:
    """Why this replace only narrows an allow-list entry, or None: every attribute forcing it is the entry's source
    and its new value admits part of what the old one did."""
    if change.action is not Action.REPLACE or not isinstance(change.before, dict) \
            or not isinstance(change.after, dict):
        return None
    tops = {re.split(r"[.\[]", path, maxsplit=1)[0] for path in change.replace_paths}
    entry = entry_types.search(change.type) or ("host" in tops and change.type.endswith("_user"))
    if not entry or not tops or not all(SOURCE_KEYS.match(top) for top in tops):
        return None
    if all(narrower(change.before.get(top), change.after.get(top)) for top in tops):
        return (f"forced only by {', '.join(sorted(tops))} narrowed to part of the range it admitted: fewer sources "
                "get in")
    return None
