"""Risk rules, lifecycle helper: an access entry (an allow-list entry, a user bound to the hosts it may connect
from) replaced only because the sources it admits narrow — every new CIDR inside an old one, every new host pattern
matched by an old one; ladders.py grades replaces with it."""

from __future__ import annotations

import ipaddress
import re
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.diff import UNKNOWN
from tfreview.pipeline.rules.common import as_dict, string_leaves
from tfreview.pipeline.rules.kinds import looks_stateful
from tfreview.pipeline.rules.narrowing import ALLOW_ENTRY, RESTRICTING, USERS
from tfreview.pipeline.rules.tightened import COMPUTED
from tfreview.pipeline.rules.values import pairs

# Keys that name the sources an entry admits (any provider's spelling).
SOURCE_KEYS = lazy_compile(r"(?:^|_)(?:cidr|cidrs|cidr_block|cidr_blocks|ip|ips|ip_address|ip_addresses|ip_range"
                           r"|ip_ranges|host|hosts|source|sources|source_range|source_ranges|address|addresses"
                           r"|allowed_ips|ip_mask|subnet|network)$")
# Keys that only describe an entry: their text grants nothing.
DESCRIBING = lazy_compile(r"^(?:comment|comments|description|notes?|display_name|label)$")
# Wildcards of host patterns: SQL LIKE (`%`, `_`) and shell globs (`*`, `?`).
_MANY, _ONE = "%*", "_?"
_NETWORK_TEXT = lazy_compile(r"^[0-9a-fA-F:.]+(?:/\d{1,3})?$")


def _network(text: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network | None:
    if not _NETWORK_TEXT.match(text.strip()):
        return None
    try:
        return ipaddress.ip_network(text.strip(), strict=False)
    except ValueError:
        return None


def _pattern(text: str) -> re.Pattern[str]:
    """A host pattern as a regex over another pattern's text: a many-wildcard matches anything (a wildcard too),
    a one-wildcard one character that is not itself a wildcard."""
    body = "".join(".*" if c in _MANY else f"[^{re.escape(_MANY + _ONE)}]" if c in _ONE else re.escape(c)
                   for c in text)
    return re.compile(body + r"\Z", re.IGNORECASE)


def covers(old: str, new: str) -> bool:
    """Whether every source NEW admits, OLD admits too: a CIDR inside another, or a host pattern OLD matches."""
    old_net, new_net = _network(old), _network(new)
    if old_net is not None and new_net is not None:
        return old_net.version == new_net.version and new_net.subnet_of(old_net)  # type: ignore[arg-type]
    if old_net is not None or new_net is not None:
        return False
    return bool(_pattern(old.strip()).match(new.strip()))


def _items(value: Any) -> list[str] | None:
    """A source value as a list of texts, or None when it is not one."""
    items = value if isinstance(value, list) else [value]
    return [i for i in items if isinstance(i, str) and i.strip()] if all(isinstance(i, str) for i in items) else None


def range_narrowed(change: Change) -> str | None:
    """Why replacing an access entry loses nothing, or None: it holds no data, admits (no deny or block word),
    only its source keys force the replace and each new source lies inside an old one, and nothing else but
    computed ids and descriptions changes."""
    before = as_dict(change.before)
    after = as_dict(change.after)
    if change.action is not Action.REPLACE or not before or not after \
            or (looks_stateful(change.type) and not (ALLOW_ENTRY.search(change.type) or USERS.search(change.type))):
        return None
    if RESTRICTING.search(change.type) or any(RESTRICTING.search(text) for text in string_leaves([before, after])):
        return None
    # Without replace paths in the plan, every changed top-level value but a recomputed id counts as forcing it.
    tops = {re.split(r"[.\[]", path, maxsplit=1)[0] for path in change.replace_paths} or {
        key for key in before.keys() | after.keys() if before.get(key) != after.get(key) and key not in COMPUTED
        and not (before.get(key) in (None, "") and after.get(key) in (None, ""))}
    if not tops or not all(SOURCE_KEYS.search(top) for top in tops):
        return None
    swapped = False  # one range swapped for one of its size (a NAT's new address): as narrow, admitting others
    for top in tops:
        old, new = _items(before.get(top)), _items(after.get(top))
        if not old or not new:
            return None
        if not all(any(covers(o, n) for o in old) for n in new):
            if not _as_narrow(old, new):
                return None
            swapped = True
    for path, _old, value in pairs(change):
        top = re.split(r"[.\[]", path, maxsplit=1)[0]
        if top in tops or DESCRIBING.match(top) or (top in COMPUTED and (value is None or value is UNKNOWN)):
            continue
        if _old in (None, "") and (value in (None, "") or value is UNKNOWN):
            continue  # an unset alternative (Atlas's `ip_address` beside `cidr_block`) stays unset
        if value is UNKNOWN and SOURCE_KEYS.search(top):
            continue  # an alternative the provider computes from the forcing source (Atlas's `ip_address`)
        return None
    if swapped:
        hosts = ", ".join(dict.fromkeys(str(_network(n).network_address) for top in sorted(tops)  # type: ignore[union-attr]
                                        for n in _items(after.get(top)) or []))
        return (f"forced only by {', '.join(sorted(tops))}: one range swapped for another ({hosts}), as narrow as "
                "before; confirm the new address is yours")
    return (f"forced only by {', '.join(sorted(tops))} narrowing: every new source lies inside an old one, so the "
            "re-made entry admits less")


def _as_narrow(old: list[str], new: list[str]) -> bool:
    """Whether one range is swapped for another of the same size (a NAT's new address, an office's new /28)."""
    was, now = [_network(i) for i in old], [_network(i) for i in new]
    return len(was) == len(now) == 1 and was[0] is not None and now[0] is not None \
        and was[0].version == now[0].version and now[0].num_addresses == was[0].num_addresses
