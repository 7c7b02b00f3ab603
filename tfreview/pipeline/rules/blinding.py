"""Risk rules, detection blinded (risk rules stage): an exclusion, suppression, archive or drop on a logging, audit,
findings or detection object whose predicate takes every record (or every top-severity finding); a filter that
selects what is logged, exported or alerted on that can never match; principals exempted from audit logs; a trail's
or audit configuration's selectors that no longer record what they recorded (a data-event selector removed).

The predicate's meaning comes from predicates.py; which objects exclude and which select is read from their own
attribute names and action words, so any provider's resource is covered.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import Finding, Severity, finding, on_change
from tfreview.pipeline.rules.common import known, sides, string_leaves, switched_objects
from tfreview.pipeline.rules.disposable import MONITORING_PROVIDERS
from tfreview.pipeline.rules.findingclasses import class_wide, top_severity_only
from tfreview.pipeline.rules.mailboxes import platform_agent
from tfreview.pipeline.rules.predicates import Verdict, judge_value
from tfreview.pipeline.rules.retention import LOGGING
from tfreview.pipeline.rules.values import number
from tfreview.pipeline.rules.vocabulary import DETECTION

# Objects that record, keep, export or raise security signals (by type or by the attribute path of the block).
# Traffic filters (firewalls, WAFs) drop packets, not signals: they are judged by the network rules.
SIGNALS = lazy_compile(r"log|audit|trail|finding|guardduty|securityhub|detect|alert|alarm|monitor|siem|sink"
                       r"|exclusion|suppress|mut(?:e|ing)|silenc|(?:^|_)scc(?:_|$)|flow|metric|event|sentinel|search|index|pipeline"
                       r"|watch|threat|incident",
                       re.IGNORECASE)
PREDICATE = lazy_compile(r"(?:\w+_)?(?:filter|query|condition|expression|expr|pattern|criteria|criterion|predicate"
                         r"|where|[a-z]*ql)(?:_\w+)?", re.IGNORECASE)
OBSERVABILITY = lazy_compile(MONITORING_PROVIDERS)  # every resource of these providers handles signals
# By name (not "archive": a log archive keeps what its query selects; an ARCHIVE action hides it).
EXCLUDING_PATH = lazy_compile(r"exclu|drop|discard|suppress|mut(?:e|ing)|silenc|filter_out|ignore", re.IGNORECASE)
EXCLUDING_WORDS = frozenset({"archive", "archived", "drop", "discard", "suppress", "suppressed", "exclude", "excluded",
                             "mute", "muted", "ignore", "ignored", "silence", "silenced", "resolve", "resolved",
                             "noop", "dismiss", "dismissed"})
# Every PREDICATE key holds one of these: a C-speed first check spares the object walk for most changes.
PREDICATE_BYTES = (b"filter", b"query", b"condition", b"expr", b"pattern", b"criteri", b"predicate", b"where", b"ql")
# A query language's SELECT (NRQL, SQL, KQL-like): what its WHERE clause keeps; with no WHERE, every record.
SELECT = lazy_compile(r"\s*select\s.+?\sfrom\s+\S+(?:\s+where\s+(.+?))?\s*"
                      r"(?:\s(?:since|until|limit|facet|timeseries|group\s+by|order\s+by|compare\s+with)\b.*)?;?\s*",
                      re.IGNORECASE | re.DOTALL)
RATE = lazy_compile(r"sample|rate|percent", re.IGNORECASE)
# Objects that hold findings, alerts or incidents: closing a whole class of them hides attacks, where a log
# exclusion of a level (debug lines) only trims volume.
FINDINGS = lazy_compile(r"finding|guardduty|securityhub|security_hub|security_center|defender|(?:^|_)scc(?:_|$)"
                        r"|sentinel|threat|incident|alert|detector|inspector|macie|vulnerab", re.IGNORECASE)
EXEMPT = lazy_compile(r"(?:\w+_)?exempt(?:ed|ion)?_?(?:members|principals|users|identities|accounts|groups)",
                      re.IGNORECASE)

# Audit events of who may do what and with which keys (any cloud's method names, and GCP's admin-activity log):
# an exclusion that names them drops the record of a takeover, whatever else it keeps.
IDENTITY_EVENTS = lazy_compile(
    r"\b(?:SetIamPolicy|CreateServiceAccountKey|UploadServiceAccountKey|(?:Create|Delete|Update)(?:Role|User|Group"
    r"|AccessKey|LoginProfile|ServiceAccount)|(?:Attach|Put)(?:Role|User|Group)Policy|AssumeRole\w*|ConsoleLogin"
    r"|StopLogging|DeleteTrail|PutBucketPolicy)\b|cloudaudit\.googleapis\.com(?:%2F|/)activity"
    r"|roleAssignments/write|Microsoft\.Authorization/")

# Keys of the action blocks an object runs on what its predicate matches.
ACTIONS = lazy_compile(r"actions?", re.IGNORECASE)

NEGATED = lazy_compile(r"\bNOT\b|!=|(?:^|[\s(])-\s*\w", re.IGNORECASE)


def _identity_event(predicate: str) -> re.Match[str] | None:
    """The first identity or key audit event PREDICATE selects (one it names after a NOT keeps it instead)."""
    return next((event for event in IDENTITY_EVENTS.finditer(predicate)
                 if not NEGATED.search(predicate[max(0, event.start() - 80):event.start()])), None)


def excluding_object(resource_type: str, path: str, node: dict[str, Any]) -> bool:
    """Whether an object drops, archives or suppresses what its predicate matches (its path, type or actions say)."""
    if EXCLUDING_PATH.search(path or resource_type) or _switched_to_exclude(node):
        return True
    leaves = (leaf for key, value in node.items() if not PREDICATE.fullmatch(key) for leaf in string_leaves(value))
    return any(leaf.strip().lower() in EXCLUDING_WORDS for leaf in leaves)


def _switched_to_exclude(node: dict[str, Any]) -> bool:
    """Whether an action block beside the predicate switches on suppressing or dropping (PagerDuty's event
    orchestration `actions { suppress = true }`)."""
    actions = [a for key, value in node.items() if ACTIONS.fullmatch(key)
               for a in (value if isinstance(value, list) else [value]) if isinstance(a, dict)]
    return any(value is True and EXCLUDING_PATH.search(key) for action in actions for key, value in action.items())


def _conditions(value: Any) -> Any:
    """A list of condition blocks each holding one expression (`condition { expression = "…" }`), read as the OR
    of their expressions as PagerDuty does; any other value as it is."""
    if isinstance(value, list) and value and all(isinstance(item, dict) and len(item) == 1 for item in value):
        texts = [next(iter(item.values())) for item in value]
        if all(isinstance(text, str) and text.strip() for text in texts):
            return " OR ".join(f"({text})" for text in texts)
    return value


def _closes_class(resource_type: str, path: str, node: dict[str, Any], value: Any) -> bool:
    """Whether a findings object archives, suppresses or closes (a saved view's NOOP does not) a whole class."""
    if not (FINDINGS.search(resource_type) or FINDINGS.search(path)):
        return False
    leaves = (leaf for key, item in node.items() if not PREDICATE.fullmatch(key) for leaf in string_leaves(item))
    closing = EXCLUDING_PATH.search(path or resource_type) or any(
        leaf.strip().lower() in EXCLUDING_WORDS - {"noop"} for leaf in leaves)
    return bool(closing) and class_wide(value)


def _share(node: dict[str, Any]) -> float:
    """The share of matching records dropped: the largest sample rate named in the object, 1 when none."""
    rates = [r for _, part, _ in switched_objects(node) for k, v in part.items()
             if RATE.search(str(k)) and not isinstance(v, bool) and (r := number(v)) is not None]
    if not rates:
        return 1.0
    rate = max(rates)
    return rate / 100 if rate > 1 else rate


# An action that drops parts of each matching record (New Relic's `drop_attributes`, a processor's
# `remove_fields`): the records themselves still arrive.
PARTS_DROPPED = lazy_compile(r"^(?:drop|remove|strip|delete|exclude)_(?:attributes?|fields?|columns?|keys?|labels?)"
                             r"(?:_\w+)?$")


def _blinds(resource_type: str, path: str, node: dict[str, Any]) -> Iterator[tuple[str, str, float]]:
    """(predicate path, what is lost, share) for each predicate of NODE that blinds detection; an object whose
    action drops only attributes of each record blinds nothing."""
    excluding = excluding_object(resource_type, path, node) and not any(
        isinstance(value, str) and PARTS_DROPPED.match(value.strip().lower()) for value in node.values())
    for key, value in node.items():
        if not PREDICATE.fullmatch(key) or not known(value) or value in (None, [], {}):
            continue
        where = f"{path}.{key}" if path else key
        value = _conditions(value)
        if excluding and isinstance(value, str) and (event := _identity_event(value)):
            yield where, f"drops the audit records of identity and key changes ({event[0]})", _share(node)
            continue
        verdict = "all" if isinstance(value, str) and not value.strip() else _judge(value)
        if verdict is None:
            continue  # not an expression (nested blocks are judged as objects of their own)
        if excluding and verdict == "all":
            yield where, "excludes or suppresses every record it sees", _share(node)
        elif excluding and top_severity_only(value):
            yield where, "suppresses every critical or high finding", _share(node)
        elif excluding and _closes_class(resource_type, path, node, value):
            yield where, "auto-closes a whole class of findings (a type prefix, wildcard or severity band)", 1.0
        elif not excluding and verdict == "none":
            yield where, "can never match: nothing is recorded, exported or alerted on", 1.0


def _judge(value: Any) -> Verdict | None:
    """What a predicate value matches ("all", "none", "some"), a query language's SELECT by its WHERE clause."""
    query = SELECT.fullmatch(value) if isinstance(value, str) else None
    if query is None:
        return judge_value(value)
    return "all" if query[1] is None else judge_value(query[1])


def _found(change: Change, side: dict[str, Any]) -> dict[tuple[str, str], float]:
    out: dict[tuple[str, str], float] = {}
    for path, node, off in switched_objects(side):
        if off or not (SIGNALS.search(change.type) or SIGNALS.search(path) or OBSERVABILITY.search(change.type)):
            continue
        for where, what, share in _blinds(change.type, path, node):
            out.setdefault((where, what), share)
    return out


@on_change(actions=(Action.CREATE, Action.UPDATE, Action.REPLACE), words=PREDICATE_BYTES)
def _blinded(change: Change) -> Iterator[Finding]:
    before, after = sides(change)
    old = _found(change, before)
    for (where, what), share in _found(change, after).items():
        if (where, what) in old or (change.action is Action.CREATE and "never match" in what) or share <= 0:
            continue
        yield finding(DETECTION, change.address,
                      f"{change.address}: {where} {what}" + ("" if share >= 1 else f" ({share:.0%} sampled out)")
                      + " (detection blinded)", None if share >= 1 else Severity.MEDIUM)


# The setting that names what an exemption's block logs (`audit_log_config.log_type` DATA_READ, a category).
LOG_KIND = lazy_compile(r"(?:\w+_)?(?:type|category|kind)")


def _kind(node: dict[str, Any]) -> tuple[tuple[str, str], ...]:
    """What NODE logs, by its type or category settings; empty when it names none."""
    return tuple(sorted((k, v.lower()) for k, v in node.items() if isinstance(v, str) and LOG_KIND.fullmatch(k)))


def _exempted(value: Any, logged: set[tuple[tuple[str, str], ...]] | None = None) -> set[str]:
    """Every principal listed under an exemption attribute, at any depth; with LOGGED, only those of blocks whose
    log type was already logged (an exemption on a log type added by the change loses nothing)."""
    found: set[str] = set()
    for _, node, _ in switched_objects(value):
        kind = _kind(node)
        if logged is not None and kind and kind not in logged:
            continue
        for key, item in node.items():
            if EXEMPT.fullmatch(key):
                found |= {s for s in string_leaves(item) if known(s) and s.strip()}
    return found


@on_change(actions=(Action.CREATE, Action.UPDATE, Action.REPLACE), words=(b"exempt",),  # an EXEMPT key
           type_pattern=SIGNALS)
def _audit_exemptions(change: Change) -> Iterator[Finding]:
    if not SIGNALS.search(change.type):
        return
    before, after = sides(change)
    logged = None if change.action is Action.CREATE else {_kind(node) for _, node, _ in switched_objects(before)}
    added = sorted(_exempted(after, logged) - _exempted(before))
    if added:
        # A new audit configuration counts the same: written with its exemptions, the exempted principal (most
        # often the deployer) is never recorded, whatever the configuration turns on for everyone else.
        # The cloud's own service agents only: their calls are the platform's plumbing, the people stay audited.
        agents = all(platform_agent(member) for member in added)
        yield finding(LOGGING, change.address,
                      f"{change.address}: {', '.join(added[:3])}{' …' if len(added) > 3 else ''} exempted from audit "
                      + ("logging (only the cloud's own service agents: people and workloads stay audited)" if agents
                         else "logging (their access leaves no audit trail)"),
                      Severity.MEDIUM if agents else None)


# Blocks of a recorder that choose what it records: a trail's event and data selectors (their resource types and
# ARNs, read or write), an event data store's advanced selectors, an audit configuration's log types.
SELECTING = lazy_compile(r"\w*selectors?|data_resources?|audit_log_configs?", re.IGNORECASE)
RECORDERS = lazy_compile(r"trail|audit|recorder|event_data_store|flow_?log", re.IGNORECASE)
# Keys inside a selector that name nothing recorded: its label, the field an advanced selector tests (one removed
# widens it), or what it leaves out (`not_starts_with`).
UNRECORDED = lazy_compile(r"name|description|sid|id|field|not_\w*|\w*exclu\w*|\w*exempt\w*", re.IGNORECASE)
COVERS_ALL = frozenset({"all", "*", "any", "everything"})


def _recorded(value: Any, key: str = "") -> dict[str, set[str]]:
    """What selector blocks record, by the key that names it: `values` → the ARNs, `type` → the resource types."""
    found: dict[str, set[str]] = {}
    stack: list[tuple[str, Any]] = [(key, value)]
    while stack:
        name, node = stack.pop()
        if isinstance(node, dict):
            stack.extend((str(k), v) for k, v in node.items() if not UNRECORDED.fullmatch(str(k)))
        elif isinstance(node, list):
            stack.extend((name, item) for item in node)
        elif isinstance(node, str) and node.strip().lower() not in ("", "true", "false") and known(node):
            found.setdefault(name, set()).add(node.strip())
    return found


def _still_recorded(item: str, kept: set[str]) -> bool:
    """Whether a selection still holding KEPT records ITEM: the same value, a prefix of it, or everything."""
    return any(k == item or k.lower() in COVERS_ALL or (len(k) >= 8 and item.startswith(k)) for k in kept)


@on_change(actions=(Action.UPDATE, Action.REPLACE), type_pattern=RECORDERS)
def _selection_narrowed(change: Change) -> Iterator[Finding]:
    before, after = sides(change)
    unknown = change.after_unknown if isinstance(change.after_unknown, dict) else {}
    for key in sorted(k for k in before if SELECTING.fullmatch(k) and not unknown.get(k)):
        old, new = _recorded(before.get(key)), _recorded(after.get(key))
        lost = sorted(item for name, items in old.items() for item in items
                      if not _still_recorded(item, new.get(name, set())))
        if lost:
            yield finding(DETECTION, change.address,
                          f"{change.address}: {key} no longer records {', '.join(lost[:3])}"
                          f"{' …' if len(lost) > 3 else ''} (a selector of what it records removed or narrowed: "
                          "those reads and writes leave no trail)")


# A recorder's list of what it leaves out (`exclude_management_event_sources`, `excluded_event_sources`): an entry
# added there is a whole service's events (KMS key use, data reads) no longer recorded.
EXCLUDING = lazy_compile(r"\w*exclu\w*(?:sources?|services?|events?|types?|categories|operations?)\w*", re.IGNORECASE)
# What probes and pings write: leaving it out drops noise, not a record of anyone's action.
NOISE = lazy_compile(r"health|ping|heartbeat|synthetic|probe|liveness|readiness|keep_?alive|uptime", re.IGNORECASE)


@on_change(actions=(Action.UPDATE, Action.REPLACE), type_pattern=RECORDERS)
def _exclusions_grown(change: Change) -> Iterator[Finding]:
    before, after = sides(change)
    old = {(path, value) for path, value in _excluded(before)}
    added = sorted({value for path, value in _excluded(after) if (path, value) not in old and not NOISE.search(value)})
    if added:
        yield finding(DETECTION, change.address,
                      f"{change.address}: now leaves out {', '.join(added[:3])}{' …' if len(added) > 3 else ''} "
                      "(those events are no longer recorded: what is done there leaves no trail)")


def _excluded(values: Any, path: str = "", depth: int = 0) -> Iterator[tuple[str, str]]:
    """(path without indices, entry) of every string under an exclusion key of VALUES."""
    if depth > 6:
        return
    if isinstance(values, dict):
        for key, value in values.items():
            inner = f"{path}.{key}" if path else str(key)
            if EXCLUDING.fullmatch(str(key)):
                items = value if isinstance(value, list) else [value]
                yield from ((inner, str(v).strip()) for v in items if isinstance(v, str) and v.strip() and known(v))
            else:
                yield from _excluded(value, inner, depth + 1)
    elif isinstance(values, list):
        for item in values:
            yield from _excluded(item, path, depth + 1)
