"""Risk rules, restriction lists that shrink: a list whose name says its entries are restricted, denied, blocked or
required (`restricted_services` of a service perimeter, `blocked_ips`, `denied_actions`, `required_checks`, any
provider) loses an entry: what it named is no longer held back. Growing such a list, or reordering it, tightens or
changes nothing."""

from __future__ import annotations

import re
from collections.abc import Iterator

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import Finding, finding, on_change
from tfreview.pipeline.rules.common import known
from tfreview.pipeline.rules.guardrails import GUARDRAIL
from tfreview.pipeline.rules.values import pairs, plain

# Not the sources something is restricted TO (`restricted_ip_ranges`): that is an allow-list, and shrinking it narrows.
RESTRICTION = lazy_compile(r"(?:^|\.)(?!restricted_\w*(?:ips?|cidrs?|ranges?|networks?|addresses|sources?|hosts?|to)\Z)"
                           r"(?:restricted|denied|blocked|disallowed|forbidden|prohibited|banned|required)_\w+\Z|(?:^|[._])(?:deny|block|ban)_?list\w*\Z"
                           r"|(?:^|[._])\w*(?:denylist|blocklist|blacklist)\Z", re.IGNORECASE)
# A list that holds every entry by one word (VPC-SC's `RESTRICTED-SERVICES`, `*`): no entry is dropped.
EVERY = frozenset({"*", "all", "restricted-services", "any"})


def _entries(value: object) -> set[str] | None:
    """The known string entries of a list (none when it is removed); None for anything else."""
    items = [] if value is None else value if isinstance(value, list) else None
    if items is None or not all(isinstance(item, str) and known(item) for item in items):
        return None
    return {item.strip() for item in items if item.strip()}


@on_change(actions=(Action.UPDATE,), words=(b"restricted_", b"denied_", b"blocked_", b"disallowed_", b"forbidden_",
                                            b"prohibited_", b"banned_", b"required_", b"deny", b"block", b"ban"))
def _shrunk(change: Change) -> Iterator[Finding]:
    """Restriction lists that lose an entry."""
    for path, before, after in pairs(change):
        if not RESTRICTION.search(plain(path)):
            continue
        old, new = _entries(before), _entries(after)
        if not old or new is None or {item.lower() for item in new} & EVERY:
            continue
        dropped = sorted(old - new)
        if dropped:
            yield finding(GUARDRAIL, change.address, f"{change.address}: {path} no longer lists "
                          f"{', '.join(dropped[:5])}{' …' if len(dropped) > 5 else ''}: what it held back is "
                          "no longer restricted")
