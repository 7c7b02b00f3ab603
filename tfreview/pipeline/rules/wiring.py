"""Risk rules, lifecycle helper: deletes of wiring that holds no data — a trigger retired whole (its schedule or
event rule, its target and the permission that let it invoke, deleted together, nothing kept referring to them),
and a subscription whose topic stays in the plan and keeps its messages (retention), so nothing is lost that a
consumer could not re-read. ladders.py grades deletes with it."""

from __future__ import annotations

import re
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import ReviewInput
from tfreview.pipeline.rules.common import sides
from tfreview.pipeline.rules.planview import plan_view
from tfreview.pipeline.rules.values import number

# Objects that only connect a trigger to what it runs: an event or schedule rule, its target, an invoke permission.
WIRING = lazy_compile(r"(?:^|_)(?:event_rule|rule|target|targets|permission|trigger|schedule|scheduler_job|cron"
                      r"|event_source_mapping|invocation)$")
# Wiring that guards, watches or keeps something: its loss is judged by the rules that know it.
GUARDED = lazy_compile(r"firewall|security|acl|waf|policy|network|route|dns|record|iam|role|alarm|alert|monitor|audit"
                       r"|backup|snapshot|guardduty|securityhub|finding|compliance|log", re.IGNORECASE)
SUBSCRIPTION = lazy_compile(r"(?:^|_)subscription$")
RETENTION = lazy_compile(r"\w*retention\w*")
IDENTIFIERS = ("id", "arn", "name")
# Above this many deletes the grouping is not tried (it compares deletes pairwise): they stay graded as they were.
MAX_DELETES = 300


def _before(change: Change) -> dict[str, Any]:
    return sides(change)[0]


def _strings(values: dict[str, Any]) -> set[str]:
    return {v for v in values.values() if isinstance(v, str) and len(v) >= 6}


def _ids(values: dict[str, Any]) -> set[str]:
    return {v for key in IDENTIFIERS if isinstance(v := values.get(key), str) and len(v) >= 6}


def _group(change: Change, deletes: list[Change]) -> list[Change]:
    """The deletes linked to CHANGE, one holding another's id, arn or name, transitively."""
    group, frontier = [change], [change]
    while frontier:
        current = _before(frontier.pop())
        for other in deletes:
            if other not in group and (_ids(current) & _strings(_before(other))
                                       or _ids(_before(other)) & _strings(current)):
                group.append(other)
                frontier.append(other)
    return group


def _wiring(change: Change) -> bool:
    text = f"{change.type} {' '.join(sorted(_strings(_before(change))))}"
    return bool(WIRING.search(change.type)) and not GUARDED.search(text)


def unwired(change: Change, ri: ReviewInput) -> str | None:
    """Why a deleted object is wiring that holds no data and goes whole, or a replayable subscription; or None."""
    if change.action is not Action.DELETE:
        return None
    view = plan_view(ri)
    if SUBSCRIPTION.search(change.type) and not GUARDED.search(change.type):
        return _replayable(change, [c for c in view.changes if c.mode == "managed" and c.action is not Action.DELETE])
    if not _wiring(change):
        return None
    deletes = view.of(Action.DELETE)
    if len(deletes) > MAX_DELETES:
        return None
    group = _group(change, deletes)
    if len(group) < 2 or not all(_wiring(c) for c in group):
        return None
    held = set().union(*(_ids(_before(c)) for c in group))
    kept = [c for c in view.changes if c.mode == "managed" and c.action is not Action.DELETE]
    if any(held & _strings(sides(c)[1]) for c in kept):
        return None
    others = ", ".join(sorted(c.address for c in group if c is not change))
    return f"a trigger retired whole with {others}: wiring that holds no data, and nothing kept refers to it"


def _replayable(change: Change, kept: list[Change]) -> str | None:
    """Why a deleted subscription loses nothing: the topic it reads stays in the plan and retains its messages."""
    topic = _before(change).get("topic")
    if not isinstance(topic, str) or not topic:
        return None
    for other in kept:
        after = sides(other)[1]
        if topic not in {str(after.get(k)) for k in IDENTIFIERS} and not any(
                str(after.get(k, "")).endswith(f"/{topic}") for k in IDENTIFIERS):
            continue
        kept_for = [(k, number(v)) for k, v in after.items() if RETENTION.fullmatch(k) and number(v)]
        if kept_for:
            key, amount = kept_for[0]
            return (f"its topic {other.address} stays and keeps its messages ({key} = {amount:g}): a consumer can "
                    "re-read them")
    return None
