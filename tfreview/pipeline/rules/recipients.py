"""Risk rules, alert recipients (risk rules stage): an alert, monitor, escalation or route whose recipients become
empty (notification handles removed from its message; actions, receivers, targets or rules emptied; an escalation
pointed at a team created in the plan with no members) fires to nobody; an on-call rotation cut to one person.

Read by what attributes mean on any alerting type of any provider; ladders.py also asks `replaced_alerting`
whether a deleted alert is succeeded by a new one in the same plan.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import orjson

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.configuration import configuration, references_in
from tfreview.pipeline.findings import Finding, ReviewInput, Severity, declare, finding, on_change, rule
from tfreview.pipeline.rules.carried import gap
from tfreview.pipeline.rules.common import known, show, sides, string_leaves
from tfreview.pipeline.rules.disposable import MONITORING_PROVIDERS
from tfreview.pipeline.rules.planview import PlanView, kept_values_text, plan_view
from tfreview.pipeline.rules.values import leaves

NOBODY = declare("alerts-to-nobody", Severity.HIGH,
                 "An alert, monitor, escalation or route loses all its recipients (notification handles removed, "
                 "actions/receivers/targets emptied, escalation to a team created empty), or an on-call rotation "
                 "is cut to one person: alerts fire to nobody; or a monitor that paged on-call stops paging (only chat "
                 "or mail handles remain in its message).")

ALERTING = lazy_compile(r"(?:^|_)(?:monitor|alert|alerts|alarm|alerting|notification|notifications|escalation"
                        r"|route|routing|receiver|contact_point|incident|on_?call|workflow|action_group|schedule"
                        r"|rotation)(?:_|$)|" + MONITORING_PROVIDERS)
# What a new monitor can succeed: another monitor or alert, or an intake through which alerts arrived (an on-call
# service's integration, a webhook, a channel). Not a service, escalation or team: those hold more than one alert.
DETECTORS = lazy_compile(r"(?:^|_)(?:monitor|monitoring|alert|alarm|check|detection|detector)s?(?:_|$)")
SUCCEEDED = lazy_compile(r"(?:^|_)(?:monitor|alert|alarm|check|integration|webhook|subscription|channel|notifier"
                         r"|notification)s?(?:_|$)")
# Keys that list who or what an alert reaches.
RECIPIENTS = lazy_compile(r"^(?:receivers?|recipients?|targets?|actions(?:_v2)?|alert_actions|alarm_actions|action"
                          r"|notify\w*|notifications?|notification_\w+|channels?|channel_ids|contact_points?"
                          r"|responders?|escalation_rules?|escalation_targets?|rules?|emails?|email_addresses"
                          r"|webhooks?|integrations?|subscribers|destinations?|destination_ids|action_group_ids?)$")
# Keys of a free-text message in which `@handle` tokens name who is notified (Datadog, Grafana, New Relic…).
MESSAGES = lazy_compile(r"^(?:message|\w+_message|body|notification_text)$")
HANDLE = lazy_compile(r"(?<![\w@])@[A-Za-z0-9][\w.@+-]*")
# Handles that page a person on call (an on-call service's integration), not a channel someone may read later.
PAGING = lazy_compile(r"^@(?:pagerduty|opsgenie|victorops|splunk-on-?call|xmatters|on-?call|ilert|zenduty|squadcast"
                      r"|incident-?io|firehydrant|rootly)", re.IGNORECASE)
# Who is on call: member lists of a rotation, schedule layer or team.
MEMBERS = lazy_compile(r"^(?:members?|users|user_ids|participants?|people)$")
# Blocks that hold a schedule's member lists: a schedule with none of them has nobody on call.
MEMBER_BLOCKS = lazy_compile(r"^(?:layers?|rotations?|shifts?)$")
# Where an escalation's or route's rules name whom they reach.
TARGET_ID = lazy_compile(r"(?:^|\.)targets?(?:\[\d+\])?\.id$")
HOLDERS = lazy_compile(r"(?:^|_)(?:team|group|schedule|rotation|roster|on_?call|squad|layer)(?:_|$)")
ONE_PERSON = 1
MANY_PEOPLE = 3


def _empty(value: Any) -> bool:
    return value in (None, "", [], {})


def _emptied(before: Any, after: Any, path: str, depth: int = 0) -> Iterator[tuple[str, Any]]:
    """(path, old value) of each recipient list that was set in BEFORE and is empty in AFTER."""
    if depth > 4:
        return
    if isinstance(before, dict) and isinstance(after, dict):
        for key, old in before.items():
            new = after.get(key)
            where = f"{path}.{key}" if path else key
            if RECIPIENTS.match(key) and not _empty(old) and _empty(new) and key in after:
                yield where, old
            else:
                yield from _emptied(old, new, where, depth + 1)
    elif isinstance(before, list) and isinstance(after, list) and len(before) == len(after):
        for index, (old, new) in enumerate(zip(before, after, strict=True)):
            yield from _emptied(old, new, f"{path}[{index}]", depth + 1)


def _handles(values: dict[str, Any]) -> set[str]:
    return {h for key, text in values.items() if MESSAGES.match(key) and isinstance(text, str)
            for h in HANDLE.findall(text)}


def _members(value: Any, depth: int = 0) -> list[list[Any]]:
    """Every member list inside VALUE (a team's members, each schedule layer's users)."""
    if depth > 3:
        return []
    if isinstance(value, dict):
        return [v if isinstance(v, list) else [] for k, v in value.items() if MEMBERS.match(k)] + [
            m for k, v in value.items() if not MEMBERS.match(k) for m in _members(v, depth + 1)]
    if isinstance(value, list):
        return [m for item in value for m in _members(item, depth + 1)]
    return []


@on_change(actions=(Action.UPDATE, Action.REPLACE), type_pattern=ALERTING)
def _recipients(change: Change) -> Iterator[Finding]:
    if not ALERTING.search(change.type):
        return
    before, after = sides(change)
    if before == after:
        return
    for path, old in _emptied(before, after, ""):
        yield finding(NOBODY, change.address, f"{change.address}: {path} {show(old)} → empty (alerts reach nobody)")
    old_handles, new_messages = _handles(before), [after.get(k) for k in before if MESSAGES.match(k)]
    if old_handles and all(isinstance(m, str) and known(m) for m in new_messages) and not _handles(after):
        yield finding(NOBODY, change.address,
                      f"{change.address}: the message no longer names {', '.join(sorted(old_handles))} "
                      "(the monitor notifies nobody)")
    paged = sorted(h for h in old_handles if PAGING.match(h))
    if paged and all(isinstance(m, str) and known(m) for m in new_messages) and _handles(after) \
            and not any(PAGING.match(h) for h in _handles(after)):
        yield finding(NOBODY, change.address,
                      f"{change.address}: the message no longer pages {', '.join(paged)}; only "
                      f"{', '.join(sorted(_handles(after)))} remain (alerts reach a channel, nobody is woken)")
    if HOLDERS.search(change.type):
        was = [len(m) for m in _members(before)]
        now = [len(m) for m in _members(after)]
        if len(was) == len(now) and any(o >= MANY_PEOPLE and n <= ONE_PERSON for o, n in zip(was, now, strict=True)):
            yield finding(NOBODY, change.address,
                          f"{change.address}: the on-call rotation is cut from {max(was)} people to {min(now)} "
                          "(no cover: pages go unanswered)")


def _empty_holders(ri: ReviewInput) -> dict[str, Change]:
    """Teams, groups or schedules created in the plan whose own member lists are all empty, by address."""
    found = {}
    for change in plan_view(ri).of(Action.CREATE):
        after = change.after if isinstance(change.after, dict) else {}
        if not HOLDERS.search(change.type) or after.get("ignore_members") is True:
            continue
        lists = _members(after) + [[] for k, v in after.items() if MEMBER_BLOCKS.match(k) and v == []]
        unknown = change.after_unknown if isinstance(change.after_unknown, dict) else {}
        if lists and all(not m for m in lists) and not any(MEMBERS.match(k) or MEMBER_BLOCKS.match(k) for k in unknown):
            found[change.address] = change
    return found


def _new_targets(change: Change, kept_text: str) -> list[str]:
    """The ids a changed escalation or route newly names as its target that no kept object holds: what the plan is
    about to create (a real plan shows them known after apply; references in the configuration say whose)."""
    before, after = sides(change)
    old, own = set(string_leaves(before)), orjson.dumps([change.before, change.after]).decode()
    return [leaf for _path, leaf in _target_ids(after)
            if leaf not in old and kept_text.count(f'"{leaf}"') <= own.count(f'"{leaf}"')]


def _target_ids(values: dict[str, Any]) -> list[tuple[str, str]]:
    """(path, id) of each target id an escalation's or route's rules name (`rule[0].target[0].id`)."""
    return [(path, value) for path, value in leaves(values) if isinstance(value, str) and TARGET_ID.search(path)]


# A receiver's destination that delivers nowhere: this machine (loopback, the unspecified address) or the discard
# port (9), where nothing listens for alerts.
SINKHOLE = lazy_compile(r"[a-z][\w+.-]*://(?:[^/@\s]*@)?(?:(?:127(?:\.\d{1,3}){3}|localhost|\[::1?\]|0\.0\.0\.0)"
                        r"(?::\d+)?|[^/\s]+:9)(?:[/?#].*)?", re.IGNORECASE)
URL = lazy_compile(r"^[a-z][\w+.-]*://", re.IGNORECASE)
RECEIVERS = lazy_compile(r"(?:^|_)(?:contact_point|receiver|notifier|notification_channel|channel|webhook"
                         r"|notification_destination|destination|integration|action_group)s?(?:_|$)")
# Keys that name the receiver an alert, route or policy sends to.
ROUTED_TO = lazy_compile(r"^(?:contact_point|default_contact_point|receiver|default_receiver|receiver_name"
                         r"|destination|destination_id|channel|channel_id)$")


def _sinkholes(ri: ReviewInput) -> dict[str, Change]:
    """Receivers the plan creates or changes whose every destination URL is loopback or the discard port."""
    found = {}
    for change in plan_view(ri).of(Action.CREATE, Action.UPDATE, Action.REPLACE):
        after = change.after if isinstance(change.after, dict) else {}
        if not RECEIVERS.search(change.type):
            continue
        urls = [leaf.strip() for leaf in string_leaves(after) if URL.match(leaf.strip())]
        if urls and all(SINKHOLE.fullmatch(url) for url in urls):
            found[change.address] = change
    return found


def _routed_to(change: Change) -> set[str]:
    """The receiver names a change newly routes to (top-level ROUTED_TO keys whose value changes)."""
    before, after = sides(change)
    return {v for k, v in after.items() if ROUTED_TO.match(k) and isinstance(v, str) and v and before.get(k) != v}


@rule("alerts-to-empty-team", Severity.HIGH,
      "An alert or escalation is pointed at a team, group or schedule created in the same plan with no members, "
      "or at a receiver the plan points at loopback or the discard port.")
def _to_empty_team(ri: ReviewInput) -> Iterator[Finding]:
    holders = _empty_holders(ri)
    sinks = _sinkholes(ri)
    if not holders and not sinks:
        return
    names = {c.after["name"]: c for c in sinks.values()
             if isinstance(c.after, dict) and isinstance(c.after.get("name"), str)}
    config = configuration(ri.plan)
    kept_text = kept_values_text(plan_view(ri))
    for change in plan_view(ri).of(Action.UPDATE, Action.CREATE, Action.REPLACE):
        if change.address in holders or change.address in sinks or not ALERTING.search(change.type) \
                or HOLDERS.search(change.type):
            continue
        refs = set(references_in(config.expressions(change.address) or {}))
        unseen = _new_targets(change, kept_text) if holders else []
        for address, holder in holders.items():
            if any(r == address or r.startswith(address + ".") for r in refs) \
                    or (unseen and holder.provider == change.provider):
                yield finding("alerts-to-empty-team", change.address,
                              f"{change.address}: escalates to {holder.address}, created in this plan with no "
                              "members (alerts reach nobody)")
        routed = _routed_to(change)
        for address, sink in sinks.items():
            named = any(names.get(name) is sink for name in routed)
            if named or (routed and any(r == address or r.startswith(address + ".") for r in refs)):
                yield finding("alerts-to-empty-team", change.address,
                              f"{change.address}: now routes to {sink.address}, whose every destination is this "
                              "machine or the discard port (alerts reach nobody)")


# Words too common in alert names to say two alerts watch the same thing.
COMMON = frozenset({"alert", "alerts", "monitor", "monitors", "prod", "production", "error", "errors", "failed",
                    "failure", "high", "critical", "service", "integration", "email", "legacy", "datadog", "aws"})
_WORD = lazy_compile(r"[a-z0-9]+")


def _topic(change: Change, values: dict[str, Any]) -> set[str]:
    text = f"{change.address.rpartition('.')[2]} {values.get('name') or ''}".lower()
    return {w for w in _WORD.findall(text) if len(w) >= 4 and w not in COMMON}


def _switched_on(values: dict[str, Any]) -> bool:
    """Whether a detector runs: not `enabled: false`, `disabled`, `muted` or `paused`."""
    return values.get("enabled") is not False and values.get("is_enabled") is not False \
        and not any(values.get(k) is True for k in ("disabled", "muted", "paused", "is_disabled"))


def _notifying_monitors(view: PlanView) -> dict[str, list[Change]]:
    """Monitors, alerts and detection rules created switched on in the plan that notify someone, by the words of
    their names."""
    index: dict[str, list[Change]] = {}
    for other in view.of(Action.CREATE):
        after = other.after if isinstance(other.after, dict) else {}
        if not DETECTORS.search(other.type) or not _switched_on(after):
            continue
        if _handles(after) or any(RECIPIENTS.match(k) and not _empty(v) for k, v in after.items()):
            for word in _topic(other, after):
                index.setdefault(word, []).append(other)
    return index


def replaced_alerting(change: Change, ri: ReviewInput) -> str | None:
    """Why a deleted alert or alert intake is succeeded, or None: the plan creates a monitor or alert that notifies
    someone and watches the same thing (a word of its name)."""
    if change.action is not Action.DELETE or not SUCCEEDED.search(change.type):
        return None
    index = plan_view(ri).derived("notifying monitors created, by name word", _notifying_monitors)
    before = change.before if isinstance(change.before, dict) else {}
    for word in sorted(_topic(change, before)):
        for other in index.get(word, []):
            if gap(change.type, before, other.after) is None:
                return f"{other.address} is created in the same plan to alert on the same thing"
    return None
