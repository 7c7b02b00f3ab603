"""Risk rules, attribute watches: one pass over each update's changed attributes serves every "protection turned
off" rule.

protection.py and retention.py fill WATCHES (by the attribute's last name, so most attributes cost one
dict lookup) and DELETE_WATCHES (resources whose destruction itself switches a protection off).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.diff import AttributeChange, attribute_changes
from tfreview.pipeline.findings import Finding, Severity, finding, on_change
from tfreview.pipeline.rules.aligned import align
from tfreview.pipeline.rules.common import known, show
from tfreview.pipeline.rules.disposable import non_production_scope
from tfreview.pipeline.rules.environments import non_production
from tfreview.pipeline.rules.keyswap import customer_key_instead
from tfreview.pipeline.rules.units import moved_within

ON_WORDS = {"true", "on", "enabled", "active", "kms", "aws:kms", "aws:kms:dsse", "aes256"}
OFF_WORDS = {"false", "off", "disabled", "suspended", "inactive", "none", "decrypted", ""}
_INDEX = lazy_compile(r"\[[^\]]*\]")
MAX_DEPTH = 3


@dataclass(frozen=True)
class Watch:
    """An attribute whose change in one direction weakens a protection."""

    rule: str
    suffix: tuple[str, ...]
    test: str
    what: str
    types: frozenset[str]

    def fires(self, resource_type: str, segments: list[str], before: Any, after: Any) -> bool:
        """Whether this change of the attribute at SEGMENTS trips the watch."""
        if self.types and resource_type not in self.types:
            return False
        if tuple(segments[-len(self.suffix):]) != self.suffix:
            return False
        return TESTS[self.test](before, after)


WATCHES: dict[str, list[Watch]] = {}
WATCHED_WORDS: set[str] = set()
DELETE_WATCHES: dict[str, tuple[str, str]] = {}


def watch(rule_id: str, path: str, test: str, what: str, types: tuple[str, ...] = ()) -> None:
    """Watch attribute PATH (dotted, no indices; matched as a suffix) for TEST under RULE_ID.

    WHAT is the consequence, in words, for the message: "deletion protection turned off".
    """
    if test not in TESTS:
        raise ValueError(f"unknown watch test {test!r}")
    suffix = tuple(path.split("."))
    WATCHES.setdefault(suffix[-1], []).append(Watch(rule_id, suffix, test, what, frozenset(types)))
    WATCHED_WORDS.update(suffix)


def watch_delete(rule_id: str, what: str, *types: str) -> None:
    """Destroying a resource of one of TYPES switches off WHAT."""
    for resource_type in types:
        DELETE_WATCHES[resource_type] = (rule_id, what)


def is_on(value: Any) -> bool:
    """True, or a word such as "Enabled", "ACTIVE", "KMS"."""
    return value is True or (isinstance(value, str) and value.lower() in ON_WORDS)


def is_off(value: Any) -> bool:
    """False, null, or a word such as "Disabled", "Suspended", "NONE"."""
    return value is False or value is None or (isinstance(value, str) and value.lower() in OFF_WORDS)


def _turned_off(before: Any, after: Any) -> bool:
    return known(before) and not is_off(before) and is_off(after) and _readable(after)


def _turned_on(before: Any, after: Any) -> bool:
    return is_off(before) and is_on(after)


def _lowered(before: Any, after: Any, zero_is_forever: bool = False) -> bool:
    if not _number(before) or not (_number(after) or after is None):
        return False
    if zero_is_forever:
        before = before or float("inf")
        after = after or float("inf")
    return bool((after or 0) < before)


def _removed(before: Any, after: Any) -> bool:
    return known(before) and before not in ("", [], {}) and after in (None, "", [], {})


def _shrunk(before: Any, after: Any) -> bool:
    if not isinstance(before, list) or not (isinstance(after, list) or after is None):
        return False
    return any(item not in (after or []) for item in before)


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _readable(value: Any) -> bool:
    return value is None or known(value)


TESTS = {
    "off": _turned_off,
    "on": _turned_on,
    "lowered": _lowered,
    "lowered0": lambda b, a: _lowered(b, a, zero_is_forever=True),
    "removed": _removed,
    "shrunk": _shrunk,
}


# Nested blocks that never hold a watched attribute: a change inside them needs no attribute diff.
UNWATCHED_BLOCKS = {"tags", "tags_all", "labels", "effective_labels", "terraform_labels", "annotations",
                    "user_data", "triggers", "environment", "variables", "metadata", "data"}


def _may_hit(change: Change) -> bool:
    """Whether a watched attribute can be among those that change, judged from the top-level keys alone.

    Change.attributes diffs the whole object; on a large plan most updates only touch tags or scalars.
    """
    before = change.before if isinstance(change.before, dict) else {}
    after = change.after if isinstance(change.after, dict) else {}
    for key in before.keys() | after.keys():
        old, new = before.get(key), after.get(key)
        if old == new:
            continue
        if key in WATCHED_WORDS or (isinstance(old or new, (dict, list)) and key not in UNWATCHED_BLOCKS):
            return True
    return False


@on_change(actions=(Action.UPDATE, Action.REPLACE))
def _watched_attributes(change: Change) -> Iterator[Finding]:
    if not _may_hit(change):
        return
    seen: set[tuple[str, str]] = set()
    for attribute in _lined_up(change):
        for watch_, path, before, after in _hits(change.type, attribute.path, attribute.before, attribute.after, 0):
            if (watch_.rule, path) in seen or (after is None and moved_within(change, path, before, after)) \
                    or customer_key_instead(change, path, after):
                continue
            seen.add((watch_.rule, path))
            severity = _cut_severity(change, watch_, path, before, after) or _types_dropped(watch_, before, after)
            yield finding(watch_.rule, change.address,
                          f"{change.address}: {path} {show(before)} → {show(after)} ({watch_.what})", severity)


def _lined_up(change: Change) -> list[AttributeChange]:
    """The change's attribute changes, with a list of blocks that only gained entries (a backup plan's new rule,
    listed first) lined up entry by entry (aligned.py), so each kept entry meets itself rather than the entry that
    used to sit at its index. A list that lost entries keeps the plan's own indices: `after_unknown` follows them."""
    before, after = align(change.before, change.after)
    if before == change.before or after != change.after:
        return change.attributes
    return attribute_changes(before, after, change.after_unknown, change.replace_paths)


# Words naming data kept only to troubleshoot (debug or trace output) and words naming records kept as evidence.
DIAGNOSTIC = frozenset({"debug", "debugging", "trace", "traces", "tracing", "diagnostic", "diagnostics", "verbose",
                        "scratch", "tmp", "temp", "slow", "slowlog", "slowlogs"})
KEPT_AS_EVIDENCE = frozenset({"audit", "audits", "compliance", "ledger", "legal", "security", "siem", "forensic",
                              "forensics", "evidence", "access", "billing", "transactions", "backup", "backups"})
_WORD = lazy_compile(r"[a-z0-9]+")
NAME_KEYS = ("name", "dataset", "dataset_name", "stream", "index", "log_group", "bucket", "topic", "description")


# Evidence words that in a function's name only say its business domain: /aws/lambda/billing is a billing
# function's stdout, not the billing records themselves.
BUSINESS_DOMAINS = frozenset({"billing", "transactions", "ledger"})
# A log group the platform fills with a function's or build's own runtime output (stdout, stack traces), not a
# trail of who did what: https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs.html
RUNTIME_OUTPUT = lazy_compile(r"^/aws/(?:lambda|codebuild)/")


def runtime_output(change: Change) -> bool:
    """Whether a log group holds a function's or build's runtime output, and nothing it names is kept as evidence."""
    values = change.after if isinstance(change.after, dict) else {}
    name = values.get("name")
    return isinstance(name, str) and bool(RUNTIME_OUTPUT.match(name)) \
        and not set(_WORD.findall(name.lower())) & (KEPT_AS_EVIDENCE - BUSINESS_DOMAINS)


def diagnostic_data(change: Change) -> bool:
    """Whether the object's own names (address, name, dataset…) say it keeps debug or trace output and nothing it
    names is kept as evidence, nor is it on legal hold."""
    values = change.after if isinstance(change.after, dict) else {}
    if _held(change):
        return False
    names = [change.address.rpartition(".")[2], *(str(v) for k, v in values.items()
                                                  if isinstance(v, str) and k in NAME_KEYS)]
    found = {w for name in names for w in _WORD.findall(name.lower())}
    return bool(found & DIAGNOSTIC) and not found & KEPT_AS_EVIDENCE



# A window set inside one rule of a list (`rule[2].expiration[0].days`) governs only what that rule's filter selects.
_RULE_ITEM = lazy_compile(r"^([^.\[]+)\[(\d+)\]\.")
_PREFIX_KEY = lazy_compile(r"(?:^|_)prefix(?:es)?$|^matches_prefix$", re.IGNORECASE)


def scratch_scoped(change: Change, path: str) -> bool:
    """Whether PATH lies in a lifecycle rule whose filter selects objects by prefix, and every prefix it names
    says scratch or debug data (`tmp/`, `scratch/`) and nothing kept as evidence: a window cut there loses nothing
    kept. A rule with no prefix, or only empty ones, covers the whole store."""
    match = _RULE_ITEM.match(path)
    values = change.after if isinstance(change.after, dict) else {}
    items = values.get(match[1]) if match else None
    if not isinstance(items, list) or int(match[2]) >= len(items):  # type: ignore[index]
        return False
    prefixes = [text for key, text in keyed_strings(items[int(match[2])]) if _PREFIX_KEY.search(key) and text.strip()]  # type: ignore[index]
    words = [set(_WORD.findall(text.lower())) for text in prefixes]
    return bool(words) and all(w and w & DIAGNOSTIC and not w & KEPT_AS_EVIDENCE for w in words)


def keyed_strings(value: Any, key: str = "", depth: int = 0) -> Iterator[tuple[str, str]]:
    """(key, text) for every string under VALUE (lists of strings included), by its own key."""
    if depth > 6:
        return
    if isinstance(value, dict):
        for k, item in value.items():
            yield from keyed_strings(item, str(k), depth + 1)
    elif isinstance(value, list):
        for item in value:
            yield from keyed_strings(item, key, depth + 1)
    elif isinstance(value, str) and key:
        yield key, value


# Log retention in days: a year is the evidence window audit regimes keep (PCI DSS 10.5.1 keeps a year of audit
# trail); a week of debug output covers any troubleshooting it was kept for.
LOG_DAYS = frozenset({"retention_in_days"})
EVIDENCE_DAYS = 365
DIAGNOSTIC_DAYS = 7
# Routine windows (kept at most, still kept after the cut): logs kept a month at most were never an evidence store
# and two weeks still serve; logs kept a quarter at most, cut to a month, are tuned, not lost.
ROUTINE_WINDOWS = ((31, 14), (92, 30))


def _cut_severity(change: Change, watch_: Watch, path: str, before: Any, after: Any) -> Severity | None:
    """The severity of a cut retention below the rule's own: low for a modest cut on non-production or debug data,
    or any cut in a lifecycle rule whose own filter selects only scratch data, or debug logs still kept a week;
    medium for logs still kept a year (not on legal hold); else None."""
    if not watch_.test.startswith("lowered") or not _number(before):
        return None
    if (_modest(before, after) and (non_production(change) or diagnostic_data(change))) \
            or scratch_scoped(change, path):
        return Severity.LOW
    if watch_.suffix[-1] not in LOG_DAYS or not _number(after) or after == 0:
        return None
    return kept_long_enough(change, after, before)


# Log types that only time queries for tuning (MongoDB/DocumentDB profiler, MySQL slow query log): no record of
# who did what. https://docs.aws.amazon.com/documentdb/latest/developerguide/profiling.html
PERFORMANCE_LOGS = lazy_compile(r"^(?:profiler|slowquery|slow_query|slow-query|slowlog|slow_log|slow-log"
                                r"|slow_query_log|debug|trace)$", re.IGNORECASE)


def _types_dropped(watch_: Watch, before: Any, after: Any) -> Severity | None:
    """Medium when a list of exported log types drops only performance logs: the audit and error logs it kept
    still flow."""
    if watch_.test != "shrunk" or not isinstance(before, list):
        return None
    dropped = [item for item in before if item not in (after or [])]
    return Severity.MEDIUM if dropped and all(isinstance(i, str) and PERFORMANCE_LOGS.match(i) for i in dropped) \
        else None


def kept_long_enough(change: Change, days: float, was: float | None = None) -> Severity | None:
    """The severity of logs still kept DAYS after a cut from WAS days, or None when the cut loses evidence: low for
    debug or runtime output kept a week, medium for any logs kept a year or logs kept under a week even before
    (no evidence regime keeps a trail that briefly), or logs cut within a routine window (a month at most still kept
    two weeks, a quarter at most still kept a month), unless their names say audit or trail; never on legal hold."""
    if _held(change):
        return None
    if days >= DIAGNOSTIC_DAYS and (diagnostic_data(change) or runtime_output(change)):
        return Severity.LOW
    if days >= EVIDENCE_DAYS or (was is not None and days > 0 and was < DIAGNOSTIC_DAYS and not named_trail(change)):
        return Severity.MEDIUM
    if was is not None and any(was <= kept and days >= still for kept, still in ROUTINE_WINDOWS) \
            and not named_trail(change, TRAIL_WORDS - BUSINESS_DOMAINS):
        return Severity.MEDIUM
    return None


TRAIL_WORDS = KEPT_AS_EVIDENCE | {"trail", "cloudtrail", "activity", "flow", "waf", "firewall", "guardduty"}


def named_trail(change: Change, trail_words: frozenset[str] | None = None) -> bool:
    """Whether the object's type or names say it keeps a trail of who did what (audit, flow, firewall logs…)."""
    values = change.after if isinstance(change.after, dict) else {}
    names = [change.type, change.address, *(str(v) for k, v in values.items() if isinstance(v, str) and k in NAME_KEYS)]
    return bool({w for name in names for w in _WORD.findall(name.lower())} & (trail_words or TRAIL_WORDS))


def _held(change: Change) -> bool:
    """Whether the object says its data is on legal hold or immutable."""
    values = change.after if isinstance(change.after, dict) else {}
    return any(values.get(k) is True for k in ("legal_hold", "immutable", "locked"))


def _modest(before: Any, after: Any) -> bool:
    """Whether a number is cut modestly: it stays above 1 and above a tenth of what it was (14 → 7 days of a dev
    log group's retention is housekeeping; 30 → 1 is not)."""
    return _number(before) and _number(after) and after > 1 and after * 10 > before


def _hits(resource_type: str, path: str, before: Any, after: Any, depth: int) -> Iterator[tuple[Watch, str, Any, Any]]:
    leaf = path.rpartition(".")[2].partition("[")[0]
    candidates = WATCHES.get(leaf)
    if candidates:
        segments = _INDEX.sub("", path).split(".")
        yield from ((w, path, before, after) for w in candidates if w.fires(resource_type, segments, before, after))
    # A removed nested block shows as one change of the whole block: look at what it held.
    if isinstance(before, dict) and after is None and depth < MAX_DEPTH:
        for key, value in before.items():
            yield from _hits(resource_type, f"{path}.{key}", value, None, depth + 1)
    elif isinstance(before, list) and after is None and depth < MAX_DEPTH and not _scalars(before):
        for index, value in enumerate(before):
            yield from _hits(resource_type, f"{path}[{index}]", value, None, depth + 1)


def _scalars(values: list[Any]) -> bool:
    return all(not isinstance(v, (dict, list)) for v in values)


@on_change(actions=(Action.DELETE,))
def _watched_deletes(change: Change) -> Iterator[Finding]:
    watched = DELETE_WATCHES.get(change.type)
    if watched:
        rule_id, what = watched
        scope = non_production_scope(change)
        yield finding(rule_id, change.address, f"{change.address} is destroyed: {what}"
                      + ("" if scope is None else f" (in non-production scope {scope})"),
                      None if scope is None else Severity.MEDIUM)
