"""Risk rules, logging (risk rules stage): an object of any provider whose logging blocks, one per destination kind
(`logging_s3`, `logging_datadog`, `log_destination`, `access_logs`…), all go empty in one update: it logged
somewhere before and logs nowhere after. Moving from one destination kind to another keeps a block set.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import Finding, finding, on_change
from tfreview.pipeline.rules.common import sides
from tfreview.pipeline.rules.retention import LOGGING
from tfreview.pipeline.rules.units import parent

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


# A log block's kind when it records performance, not who did what (OpenSearch's INDEX_SLOW_LOGS, a database's
# slow-query or debug log): turning it off is tuning.
PERFORMANCE_LOG = lazy_compile(r"slow|debug|verbose|trace|perf|performance", re.IGNORECASE)
KIND_KEYS = ("log_type", "type", "category", "name", "log_name")


def performance_log(change: Change, path: str) -> bool:
    """Whether PATH is the switch of a log block whose own kind says performance or debug logs (a slow log), or the
    retention of a log store named for one."""
    if "retention" in path.lower() and "log" in change.type and PERFORMANCE_LOG.search(change.name):
        return True  # a slow or debug log's own store (`aws_cloudwatch_log_group.search_index_slow`) kept shorter
    if "log" not in path.lower():
        return False
    for side in (change.before, change.after):
        block = parent(side, path)
        kinds = [str(block.get(key) or "") for key in KIND_KEYS] if block else []
        if any(PERFORMANCE_LOG.search(kind) for kind in kinds):
            return True
    return False
