"""Risk rules, logging (risk rules stage): an object of any provider whose logging blocks, one per destination kind
(`logging_s3`, `logging_datadog`, `log_destination`, `access_logs`…), all go empty in one update: it logged
somewhere before and logs nowhere after. Moving from one destination kind to another keeps a block set.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import Finding, finding, on_change
from tfreview.pipeline.rules.common import sides
from tfreview.pipeline.rules.retention import LOGGING

# A top-level block that sends the object's logs somewhere: named for logging and holding settings.
LOG_BLOCK = lazy_compile(r"(?:access_|audit_|request_)?(?:log|logs|logging)(?:_[a-z0-9]+)*")
# Not a block of settings about logs (what is kept, how long, in what format) and not a switch.
NOT_DESTINATION = lazy_compile(r"\w*(?:_(?:level|format|retention\w*|days|enabled|enable|mode|type|fields?|config"
                               r"|sampl\w*|rate|filters?|exclusions?|categor\w*|version|prefix))")


def _destinations(values: dict[str, Any]) -> list[str]:
    """The logging blocks of VALUES that are set (a non-empty list of blocks or a block)."""
    found = []
    for key, value in values.items():
        if not LOG_BLOCK.fullmatch(key) or NOT_DESTINATION.fullmatch(key):
            continue
        items = value if isinstance(value, list) else [value]
        if any(isinstance(item, dict) and any(v not in (None, "", [], {}) for v in item.values()) for item in items):
            found.append(key)
    return found


@on_change(actions=(Action.UPDATE,), words=(b"log",))
def _last_log_block(change: Change) -> Iterator[Finding]:
    """Every logging block of an object removed by one update, none added in another kind's place."""
    before, after = sides(change)
    old = _destinations(before)
    if old and not _destinations(after) and all(key in after for key in old):
        yield finding(LOGGING, change.address, f"{change.address}: {', '.join(old)} removed, and no other logging "
                      "block remains (its logs go nowhere)")
