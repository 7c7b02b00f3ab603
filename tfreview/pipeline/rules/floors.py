"""Risk rules, detection blinded (reported as detection-disabled): a log export, sink or router whose filter now
drops most of what it carried — a severity floor at ERROR or above ANDed into it (`severity>=ERROR`, `level =
"critical"`), so every audit, access and warning record below it stops flowing — or an exclusion, on any
provider's logging object, of the audit logs by their name (`logName:"cloudaudit.googleapis.com"`, `-log_type:audit`).
An exclusion of other logs (health checks, debug noise), a new export that carries only errors, and a floor below
ERROR are not reported; blinding.py judges filters that take everything or nothing."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import Finding, Severity, finding, on_change
from tfreview.pipeline.rules.blinding import PREDICATE, PREDICATE_BYTES, excluding_object
from tfreview.pipeline.rules.common import sides, switched_objects
from tfreview.pipeline.rules.guards import SECURITY_SOURCE
from tfreview.pipeline.rules.predicates import judge_value
from tfreview.pipeline.rules.values import number
from tfreview.pipeline.rules.vocabulary import DETECTION

# Objects that carry log records somewhere or keep them (a sink, export, router, subscription, forwarder, a log
# index); not a metric filter or an alert, whose filter picks what to count or page on.
CARRIERS = lazy_compile(r"sink|export|router|log_route|subscription|forward|shipp|destination|archive|exclusion"
                        r"|diagnostic|logs?_index", re.IGNORECASE)
# A comparison on a record's severity: `severity>=ERROR`, `$.level = "error"`, `jsonPayload.level:"CRITICAL"`.
SEVERITY_TEST = lazy_compile(r"(?<![\w.$])(?:[\w$]+\.)*(?:severity|level|log_level|loglevel|severity_text)\s*"
                             r"(?P<op>>=|=>|>|==|=|:)\s*\"?(?P<level>[a-z]+|\d+)\"?", re.IGNORECASE)
RANKS = {"default": 0, "trace": 50, "debug": 100, "info": 200, "informational": 200, "notice": 300, "warn": 400,
         "warning": 400, "error": 500, "err": 500, "critical": 600, "crit": 600, "fatal": 600, "alert": 700,
         "emergency": 800, "emerg": 800}
ERROR = 500
OR = lazy_compile(r"\bOR\b|\|\|", re.IGNORECASE)
# A reference to the audit logs by their name: Cloud Audit Logs, any provider's `audit` log type or category.
_NAMED = r"(?:log_?name|log_?id|log_?type|category|source|stream)\w*\"?\s*"
_AUDIT = r"\"?[^\s\"]*(?:cloudaudit|audit)"
AUDIT_NAME = lazy_compile(_NAMED + r"(?:=~|!=|=|:)\s*" + _AUDIT, re.IGNORECASE)
# The audit logs left out of a selecting filter: `NOT logName:…`, `-logName=…`, `logName!=…`.
NEGATED_AUDIT = lazy_compile(r"(?:\bNOT\s+|-)[\w.]*" + _NAMED + r"(?:=~|=|:)\s*" + _AUDIT
                             + r"|[\w.]*" + _NAMED + r"!=\s*" + _AUDIT, re.IGNORECASE)
# Comparisons other than on the log's name: an exclusion with them drops some audit records, not all.
COMPARISON = lazy_compile(r"[\w.$\[\]\"]+\s*(?:=~|!=|>=|<=|==|=|:|>|<)\s*\"?[^\s\"]+")
NAME_TEST = lazy_compile(r"log_?name|log_?id|log_?type|category", re.IGNORECASE)


def _floor(text: str) -> int | None:
    """The lowest severity an ANDed filter keeps, or None when it keeps every severity (or ORs other terms in)."""
    levels = [_rank(m["op"], m["level"]) for m in SEVERITY_TEST.finditer(text)]
    ranks = [r for r in levels if r is not None]
    if not ranks:
        return None
    if OR.search(text) and len(COMPARISON.findall(text)) > len(levels):
        return None  # another term ORed in may keep what the floor drops
    return min(ranks) if OR.search(text) else max(ranks)


def _rank(op: str, level: str) -> int | None:
    rank = int(level) if level.isdigit() else RANKS.get(level.lower())
    return None if rank is None else rank + 1 if op == ">" else rank


# Keys that name where a carrier's records come from (a subscription's log group, a sink's source), not where they go.
SOURCE_KEYS = lazy_compile(r"(?:\w+_)?(?:log_group(?:_name)?|source|sources|log_name|log_names|input|origin|stream_name"
                           r"|category|categories)", re.IGNORECASE)


def _all(text: str) -> bool:
    """Whether a carrier's filter takes every record: empty, or judged a tautology."""
    return not text.strip() or judge_value(text) == "all"


def _security_source(before: dict[str, Any], after: dict[str, Any]) -> str | None:
    """The security or audit source (a trail's log group, an audit log) a carrier reads, unchanged by the plan."""
    for key, value in after.items():
        if SOURCE_KEYS.fullmatch(str(key)) and isinstance(value, str) and before.get(key) == value \
                and (match := SECURITY_SOURCE.search(value)):
            return match.group(0)
    return None


def _filters(resource_type: str, values: dict[str, Any]) -> dict[str, tuple[str, bool]]:
    """(filter text, whether its object excludes) by path, for every switched-on predicate of VALUES."""
    found: dict[str, tuple[str, bool]] = {}
    for path, node, off in switched_objects(values):
        for key, value in node.items():
            if not off and isinstance(value, str) and PREDICATE.fullmatch(key):
                found[f"{path}.{key}".lstrip(".")] = (value, excluding_object(resource_type, path, node))
    return found


def _audit_dropped(text: str, excluding: bool) -> Severity | None:
    """The severity at which a filter drops the audit logs by name: high when the name is all it tests."""
    if excluding and AUDIT_NAME.search(text) and not NEGATED_AUDIT.search(text):
        others = [c for c in COMPARISON.findall(text) if not NAME_TEST.search(c.split("=")[0].split(":")[0])]
        return Severity.MEDIUM if others else Severity.HIGH
    if not excluding and NEGATED_AUDIT.search(text):
        return Severity.HIGH
    return None


@on_change(actions=(Action.CREATE, Action.UPDATE, Action.REPLACE), words=PREDICATE_BYTES)
def _narrowed_export(change: Change) -> Iterator[Finding]:
    if not CARRIERS.search(change.type):
        return
    before, after = sides(change)
    old = _filters(change.type, before)
    for path, (text, excluding) in _filters(change.type, after).items():
        old_text = old.get(path, ("", excluding))[0]
        if text == old_text:
            continue
        dropped = _audit_dropped(text, excluding)
        if dropped is not None and (change.action is Action.CREATE or _audit_dropped(old_text, excluding) is None):
            yield finding(DETECTION, change.address, f"{change.address}: {path} now drops the audit logs by name "
                          f"({text:.120}): who did what stops being exported", dropped)
        if change.action is not Action.CREATE and not excluding and path in old and _all(old_text) \
                and not _all(text) and (source := _security_source(before, after)):
            yield finding(DETECTION, change.address, f"{change.address}: {path} narrowed from every record to "
                          f"{text:.120} on the {source!r} logs: the security records it leaves out stop being "
                          "forwarded", Severity.HIGH)
        floor, old_floor = _floor(text), _floor(old_text)
        if change.action is not Action.CREATE and not excluding and floor is not None and floor >= ERROR \
                and (old_floor is None or old_floor < ERROR) and path in old:
            yield finding(DETECTION, change.address, f"{change.address}: {path} now keeps only records of severity "
                          f"ERROR or above ({text:.120}): audit, access and warning records stop being exported")


# A query that selects one whole service or source and nothing narrower (`service:custody-api`, `source:nginx
# env:prod`): no level, status, path or message term that would pick its noise out.
WHOLE_SERVICE = lazy_compile(r"^\s*(?:service|source|app|application|container_name|kube_deployment)\s*:\s*[\w.-]+"
                             r"(?:\s+(?:AND\s+)?(?:env|environment)\s*:\s*[\w.-]+)?\s*$", re.IGNORECASE)
SAMPLE_RATE = lazy_compile(r"(?:\w+_)?sample_rate|sampling_rate")


@on_change(actions=(Action.UPDATE,), words=(b"exclu",))
def _service_dropped(change: Change) -> Iterator[Finding]:
    """A new exclusion on a log index or pipeline that drops every record of one service (its query names the
    service alone, at a full sample rate): that service's records, its access and audit trail included, stop being
    kept. An exclusion of its debug lines or health checks names more than the service."""
    if not CARRIERS.search(change.type):
        return
    before, after = sides(change)
    old = {(path, json.dumps(node, sort_keys=True)) for path, node, _ in switched_objects(before)}
    for path, node, off in switched_objects(after):
        query = next((v for k, v in node.items() if PREDICATE.fullmatch(k) and isinstance(v, str)), None)
        if off or query is None or not WHOLE_SERVICE.match(query) or (path, json.dumps(node, sort_keys=True)) in old \
                or not excluding_object(change.type, path, node):
            continue
        rates = [number(v) for k, v in node.items() if SAMPLE_RATE.fullmatch(k)]
        if all(rate is not None and rate >= 1 for rate in rates):
            yield finding(DETECTION, change.address, f"{change.address}: {path} now drops every record of "
                          f"{query.strip()!r}: that service's logs, its access records included, stop being kept")
            return
