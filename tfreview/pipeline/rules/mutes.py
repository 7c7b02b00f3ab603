"""Monitoring muted for everything (risk rules stage; feeds `monitoring-muted`).

A downtime, mute, silence or maintenance window of any monitoring provider, read by key shape: one whose scope is
`*` or empty, that covers many monitors at once, or that lasts longer than a few days is monitoring switched off,
not a maintenance window. A mute whose conditions name alerts, or whose window was only narrowed, is specific.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import Finding, Severity, declare, finding, on_change
from tfreview.pipeline.rules.common import as_list, show, string_leaves
from tfreview.pipeline.rules.units import duration, moment_of

MUTED = declare("monitoring-muted", Severity.HIGH,
                "Monitoring is muted: a downtime, mute, silence or maintenance window whose scope is `*` or empty, "
                "that covers many services at once, or that lasts longer than a few days.")
MUTE_TYPES = lazy_compile(r"(?:^|_)(?:downtime|downtimes|mute|muting|silence|maintenance_window|maintenance)(?:_|$)")
SCOPE_KEYS = ("scope", "scopes", "monitor_tags", "matchers", "filter", "query")
# Types that silence by their name alone; a `maintenance_window` also names a window in which tasks run (an SSM
# patch window), and silences only where it names what it silences (SILENCES).
SILENCER_TYPES = lazy_compile(r"(?:^|_)(?:downtime|downtimes|mute|muting|silence)(?:_|$)")
SILENCES = frozenset({*SCOPE_KEYS, "monitor_id", "monitor_ids", "monitor_identifier", "services", "service_ids",
                      "rule_ids", "condition", "alerts", "alert_ids", "monitors", "entities", "entity", "checks",
                      "check_ids", "targets_muted"})
WILDCARDS = ("*", "*:*")
# A silencer longer than a few days, or over many services at once, is monitoring switched off, not a window.
LONG_MUTE_DAYS = 3
MANY_MUTED = 5
START_KEYS = ("start_time", "start", "starts_at", "start_date", "begin", "begins_at", "window_start")
END_KEYS = ("end_time", "end", "ends_at", "end_date", "until", "expires_at", "window_end")


@on_change(type_pattern=MUTE_TYPES)
def _muted(change: Change) -> Iterator[Finding]:
    if not MUTE_TYPES.search(change.type) or not isinstance(change.after, dict):
        return
    after = change.after
    if not SILENCER_TYPES.search(change.type) and not SILENCES.intersection(after):
        return  # a maintenance window that runs tasks (patching), naming nothing it would silence
    scopes = list(dict.fromkeys(str(s) for key in SCOPE_KEYS for s in as_list(after.get(key)) if key in after))
    # Monitors named by id or by a tag other than `*` make the mute specific; `monitor_tags = ["*"]` does not.
    # An id of 0 is a provider's "none" placeholder (Datadog's `monitor_id = 0` beside `monitor_tags`): no monitor.
    monitors = [s for k in ("monitor_id", "monitor_ids", "monitor_identifier", "services", "rule_ids")
                for s in _selectors(after.get(k)) if s not in WILDCARDS and s != "0"]
    monitors += [s for s in _condition_values(after.get("condition")) if s not in WILDCARDS]
    wildcard = [s for k in ("monitor_identifier",) for s in _selectors(after.get(k)) if s in WILDCARDS]
    everything = any(str(s).strip() in WILDCARDS for s in scopes) or bool(wildcard) or (not scopes and not monitors)
    before = change.before if isinstance(change.before, dict) else {}
    if change.action is not Action.CREATE and before == after:
        return
    if everything and not monitors and not _narrowed_window(after) and not _bounded_intervals(after):
        yield finding(MUTED, change.address,
                      f"{change.address}: mutes every monitor (scope {show(scopes) if scopes else 'empty'})")
    elif scopes and not monitors and all(_severe_only(scope) for scope in scopes):
        yield finding(MUTED, change.address, f"{change.address}: mutes every finding of the highest severities "
                      f"({show(scopes)}): the most serious detections are silenced")
    elif len(monitors) >= MANY_MUTED:
        yield finding(MUTED, change.address, f"{change.address}: mutes {len(monitors)} services or monitors at once")
    elif (days := _muted_days(after)) is not None and days > LONG_MUTE_DAYS:
        yield finding(MUTED, change.address, f"{change.address}: mutes monitoring for {days:.0f} days")
    elif (always := _continuous(after)) and not (change.action is not Action.CREATE and _continuous(before)):
        yield finding(MUTED, change.address, f"{change.address}: mutes {show(monitors or scopes)} {always}, every "
                      "time: each window lasts as long as the period it repeats on (monitoring never comes back)")
    elif _endless(after) and not (change.action is not Action.CREATE and _endless(before)):
        yield finding(MUTED, change.address, f"{change.address}: mutes {show(monitors or scopes)} from a start time "
                      "with no end and no recurrence (monitoring off until someone remembers)")
    elif _unscheduled(after) and not (change.action is not Action.CREATE and _unscheduled(before)):
        yield finding(MUTED, change.address, f"{change.address}: mutes {show(monitors or scopes)} switched on with "
                      "an empty schedule: in force from now, with no end (monitoring off until someone remembers)")
# A filter that selects by severity alone: `severity="CRITICAL" OR severity="HIGH"`, `priority:P1`.
COMPARISON = lazy_compile(r"([\w.]+)\s*(?:=|:|==)\s*\"?([\w-]+)\"?")
SEVERITY_KEYS = frozenset({"severity", "severity_level", "priority", "level", "finding_severity", "urgency"})
SEVERE = frozenset({"critical", "high", "p1", "sev1", "emergency", "urgent"})


def _severe_only(scope: str) -> bool:
    """Whether SCOPE is a filter whose every comparison selects the highest severities, and nothing else."""
    found = COMPARISON.findall(scope)
    rest = COMPARISON.sub("", scope).lower().replace("(", " ").replace(")", " ").split()
    return bool(found) and all(key.rpartition(".")[2].lower() in SEVERITY_KEYS and value.lower() in SEVERE
                               for key, value in found) and set(rest) <= {"or", "||"}


SPECIFIC_ATTRIBUTES = frozenset({"condition", "policy", "entity", "monitor", "target", "tag", "tags", "guid",
                                 "incident", "alert"})


def _condition_values(value: Any, depth: int = 0) -> list[str]:
    """The values a mute's condition blocks match on when they name alerts (New Relic's `conditionName EQUALS
    [...]`): each one names a monitor, so a mute with them is specific."""
    if depth > 3:
        return []
    if isinstance(value, list):
        return [s for item in value for s in _condition_values(item, depth + 1)]
    if not isinstance(value, dict):
        return []
    camel = re.sub(r"(?<=[a-z])(?=[A-Z])", "_", str(value.get("attribute") or ""))
    attribute = set(re.findall(r"[a-z]+", camel.lower()))
    # Only an attribute that names alerts (a condition, policy, entity, tag) narrows; `accountId` is everything.
    names_alerts = bool(attribute & SPECIFIC_ATTRIBUTES) and "account" not in attribute
    named = [s for key in ("values", "value") for s in _selectors(value.get(key))] if names_alerts else []
    return named + [s for key in ("condition", "conditions") for s in _condition_values(value.get(key), depth + 1)]


INTERVAL_BOUNDS = ("times", "weekdays", "days_of_month", "months", "years")


def _bounded_intervals(values: dict[str, Any]) -> bool:
    """Whether a timed silencer's every interval (Grafana's mute timing `intervals`) names when it applies (times,
    weekdays, days, months): a bounded window. An interval with none of them, or whose bounds cover every day of
    the week from 00:00 to 24:00, matches all the time."""
    intervals = [i for i in as_list(values.get("intervals") or values.get("time_intervals")) if isinstance(i, dict)]
    return bool(intervals) and all(any(i.get(key) for key in INTERVAL_BOUNDS) and not _all_the_time(i)
                                   for i in intervals)


WEEK = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def _all_the_time(interval: dict[str, Any]) -> bool:
    """Whether an interval's bounds still cover every moment: each time range the whole day (00:00 to 24:00), the
    weekdays every day of the week (`monday:sunday`), and no day of the month, month or year named."""
    if any(interval.get(key) for key in ("days_of_month", "months", "years")):
        return False
    times = [t for t in as_list(interval.get("times")) if isinstance(t, dict)]
    whole_days = all(str(t.get("start") or t.get("start_time") or "") in ("00:00", "0:00")
                     and str(t.get("end") or t.get("end_time") or "") in ("24:00", "23:59") for t in times)
    days: set[str] = set()
    for item in as_list(interval.get("weekdays")):
        first, _, last = str(item).strip().lower().partition(":")
        if first in WEEK and (last or first) in WEEK:
            days |= set(WEEK[WEEK.index(first):WEEK.index(last or first) + 1])
    return whole_days and (not interval.get("weekdays") or days == set(WEEK))


def _narrowed_window(values: dict[str, Any]) -> bool:
    """Whether a scope key selects only named targets (`scope = ["env:staging"]`: keys are ANDed, so a `*` in
    another key does not widen it) and the silencer ends within LONG_MUTE_DAYS: a bounded maintenance window."""
    narrowed = False
    for key in (k for k in SCOPE_KEYS if k in values):
        chosen = _selectors(values.get(key))
        narrowed |= bool(chosen) and not any(s in WILDCARDS for s in chosen)
    days = _muted_days(values)
    return narrowed and days is not None and 0 <= days <= LONG_MUTE_DAYS


def _muted_days(values: dict[str, Any]) -> float | None:
    """How long a silencer lasts, from its start and end timestamps (any of the usual key names), at the top or in
    one schedule block (Datadog's `one_time_schedule { start end }`)."""
    nested = [item for value in values.values() for item in (value if isinstance(value, list) else [value])
              if isinstance(item, dict) and any(k in item for k in (*START_KEYS, *END_KEYS))]
    if not any(k in values for k in (*START_KEYS, *END_KEYS)) and len(nested) == 1:
        values = nested[0]
    start = next((moment_of(values.get(k)) for k in START_KEYS if moment_of(values.get(k))), None)
    end = next((moment_of(values.get(k)) for k in END_KEYS if moment_of(values.get(k))), None)
    return (end - start).total_seconds() / 86400 if start and end else None


# Keys that bound or repeat a silencer other than by an end time: a duration, a recurrence rule.
BOUNDED = lazy_compile(r"duration|recurr|rrule|period|repeat|ttl|expir", re.IGNORECASE)


def _endless(values: dict[str, Any]) -> bool:
    """Whether a silencer names a start (at the top or in one schedule block) but no end, duration or recurrence."""
    nested = [item for value in values.values() for item in (value if isinstance(value, list) else [value])
              if isinstance(item, dict) and any(k in item for k in START_KEYS)]
    block = values if any(k in values for k in START_KEYS) else nested[0] if len(nested) == 1 else None
    if block is None or not any(moment_of(block.get(k)) for k in START_KEYS):
        return False
    if any(block.get(k) not in (None, "") for k in END_KEYS if k in block) or \
            any(values.get(k) not in (None, "") for k in END_KEYS if k in values):
        return False
    return not any(BOUNDED.search(str(k)) and v not in (None, "", [], {}) for k, v in values.items()) and \
        not any(BOUNDED.search(str(k)) and v not in (None, "", [], {}) for k, v in block.items())


SCHEDULE_KEYS = ("schedule", "schedules", "window", "time_window")


def _unscheduled(values: dict[str, Any]) -> bool:
    """Whether a silencer is switched on with its schedule block empty and no start or end of its own: a muting rule
    without a schedule is in force at once and for good (New Relic's `schedule = []`)."""
    return values.get("enabled", True) is True and any(k in values and values[k] in (None, [], {}) for k in
                                                        SCHEDULE_KEYS) \
        and not any(values.get(k) not in (None, "") for k in (*START_KEYS, *END_KEYS))


# How long one period of a recurrence rule is (RFC 5545 FREQ), in seconds; INTERVAL multiplies it.
FREQUENCIES = {"secondly": 1, "minutely": 60, "hourly": 3600, "daily": 86400, "weekly": 604800}
RRULE = lazy_compile(r"freq=(\w+)(?:.*?;interval=(\d+))?", re.IGNORECASE)


def _continuous(values: Any, depth: int = 0) -> str | None:
    """How a recurring silencer repeats (`FREQ=DAILY;INTERVAL=1`) when each window lasts at least its whole period
    (a 24h window every day): never off again. None for a window shorter than its period, or one not read."""
    if depth > 6:
        return None
    if isinstance(values, list):
        return next(filter(None, (_continuous(v, depth + 1) for v in values)), None)
    if not isinstance(values, dict):
        return None
    rule = RRULE.search(str(values.get("rrule") or ""))
    length = duration(values.get("duration"))
    if rule and length and (period := FREQUENCIES.get(rule[1].lower())):
        if length >= period * int(rule[2] or 1):
            return f"for {values['duration']} on a {rule[0]} recurrence"
        return None
    return next(filter(None, (_continuous(v, depth + 1) for v in values.values() if isinstance(v, (dict, list)))),
                None)


def _selectors(value: Any) -> list[str]:
    """Every scalar that selects monitors inside VALUE (ids, tags), blocks and lists flattened; nulls dropped."""
    if isinstance(value, dict):
        return [s for item in value.values() for s in _selectors(item)]
    if isinstance(value, list):
        return [s for item in value for s in _selectors(item)]
    return [] if value is None or value == "" else [str(value).strip()]


# An event rule's own suppression (a PagerDuty orchestration rule's `actions.suppress`, any router's `drop`): what
# its condition matches raises no incident. Broad when the condition is empty or always true, or matches events by
# a fragment every production source holds (`event.source matches part 'prod'`) or by an empty pattern.
SUPPRESS_KEYS = frozenset({"suppress", "suppressed", "drop", "drop_event", "discard"})
CATCH_ALL = lazy_compile(r"catch_?all|default_?rule|fallthrough|unrouted|unmatched")
CONDITION_KEYS = dict.fromkeys(("condition", "conditions", "expression", "expressions", "match", "filter"))
BROAD_MATCH = lazy_compile(r"(?:matches(?:\s+part)?|contains|like|=~)\s*['\"]\*?(?:prod|production|live|prd|\*|\.\*)?"
                           r"\*?['\"]|^\s*(?:true|always|\*)?\s*$", re.IGNORECASE)


@on_change(actions=(Action.CREATE, Action.UPDATE, Action.REPLACE), words=(b"suppress", b"drop", b"discard"))
def _broad_suppression(change: Change) -> Iterator[Finding]:
    old = {_condition_text(rule) for rule in _suppressing(change.before)}
    for rule in _suppressing(change.after):
        condition = _condition_text(rule)
        if condition not in old and BROAD_MATCH.search(condition):
            what = f"every event matching {show(condition.strip())}" if condition.strip() else \
                "every event it meets (it has no condition, or is the catch-all)"
            yield finding(MUTED, change.address, f"{change.address}: a rule now suppresses {what}: those events "
                          "raise no incident")
            return


def _suppressing(value: Any, depth: int = 0, catch_all: bool = False) -> Iterator[dict[str, Any]]:
    """The rules (objects with a condition, or a catch-all's, which matches whatever no rule did) at any depth whose
    own action suppresses or drops what they match."""
    if depth > 12:
        return
    if isinstance(value, dict):
        actions = [value, *[a for key in ("actions", "action") for a in as_list(value.get(key)) if isinstance(a, dict)]]
        if (catch_all or CONDITION_KEYS.keys() & value.keys()) \
                and any(a.get(key) is True for a in actions for key in SUPPRESS_KEYS):
            yield value
        for key, item in value.items():
            yield from _suppressing(item, depth + 1, CATCH_ALL.fullmatch(str(key)) is not None)
    elif isinstance(value, list):
        for item in value:
            yield from _suppressing(item, depth + 1, catch_all)


def _condition_text(rule: dict[str, Any]) -> str:
    return " ".join(text for key in CONDITION_KEYS for text in string_leaves(rule.get(key)))

