"""Risk rules, lifecycle helper (delete grading): a message queue or topic its owners marked retired — a tag or
label whose key or value says deprecated, retired, decommissioned or sunset — deleted in the same plan as the alarm
or monitor that watched it, and named by nothing the plan keeps. What it holds are messages in flight, not a record;
the owners' mark and its monitoring going with it say the retirement was planned. A queue without the mark, or one a
kept object still names (a consumer, a subscription), keeps the ladder's own grade; the alarm that watched a
retired one goes with it. ladders.py grades deletes with it."""

from __future__ import annotations

import ahocorasick
import orjson

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import ReviewInput, is_helper_type
from tfreview.pipeline.rules.environments import label_pairs
from tfreview.pipeline.rules.ephemeral import MESSAGE_STORES
from tfreview.pipeline.rules.guarded import MIN_NAME, names_held_by_kept
from tfreview.pipeline.rules.planview import PlanView, plan_view
from tfreview.pipeline.rules.rebuilds import ALERTING

RETIRED_MARK = lazy_compile(r"(?:^|[^a-z0-9])(?:deprecated|retired|retiring|decommissioned|decommissioning|sunset"
                            r"|sunsetted|obsolete|end[_-]?of[_-]?life|eol)(?:[^a-z0-9]|$)")
# A mark's key with a value that denies it (`deprecated = "false"`) says the opposite.
DENIED = frozenset({"false", "no", "0", "none", "n/a", ""})
NAME_KEYS = ("name", "queue_name", "topic_name", "url", "arn", "id")


def _retired_mark(attrs: dict[str, object]) -> str | None:
    """The tag or label that marks the object retired (`Deprecated = "2026-09"`, `lifecycle = "sunset"`)."""
    for key, value in label_pairs(attrs):
        if RETIRED_MARK.search(value.lower()) or (RETIRED_MARK.search(key.lower())
                                                   and value.strip().lower() not in DENIED):
            return f"{key}={value}" if value else key
    return None


def _names(attrs: dict[str, object]) -> set[str]:
    """The names others would know the object by: its name (`name`, `function_name`, `queue_name`…), ARN, id, URL."""
    return {v for k, v in attrs.items() if (k in NAME_KEYS or k.endswith("_name")) and isinstance(v, str)
            and len(v) >= MIN_NAME}


def _watches(alarm: Change, names: set[str]) -> bool:
    text = orjson.dumps(alarm.before).decode()
    return any(name in text for name in names)


def channel_sunset(change: Change, ri: ReviewInput) -> str | None:
    """Why a deleted queue or topic loses nothing that matters, or None: its own tags mark it retired, the plan
    deletes the alarm or monitor that watched it, and nothing the plan keeps names it."""
    attrs = change.before if isinstance(change.before, dict) else {}
    if change.action is not Action.DELETE or not MESSAGE_STORES.search(change.type) or not attrs:
        return None
    mark = _retired_mark(attrs)
    names = _names(attrs)
    if mark is None or not names:
        return None
    view = plan_view(ri)
    alarms = view.derived("deleted alarms", lambda v: [c for c in v.of(Action.DELETE) if ALERTING.search(c.type)])
    watchers = [c.address for c in alarms if _watches(c, names)]
    held = names_held_by_kept(view)
    if not watchers or any(held.get(name) for name in names):
        return None
    return (f"its own tags mark it retired ({mark}) and its monitoring ({watchers[0]}) goes with it; nothing kept "
            "names it: a planned retirement of messages in flight")


def watcher_sunset(change: Change, ri: ReviewInput) -> str | None:
    """Why a deleted alarm or monitor loses nothing, or None: what it watched is deleted in this same plan (a queue
    or topic retired the same way, channel_sunset; or any object it names, a service, a function, a target group).
    That object's own delete is judged on its own."""
    if change.action is not Action.DELETE or not ALERTING.search(change.type):
        return None
    names = plan_view(ri).derived("names of deleted watchables", _deleted_names)
    if not names:
        return None
    text = orjson.dumps(change.before).decode()
    watched = next((address for _, address in names.iter(text)), None)
    return None if watched is None else \
        f"it watched {watched}, which this plan deletes with it: nothing is left to watch"


def _deleted_names(view: PlanView) -> ahocorasick.Automaton | None:
    """Every name of every deleted object that is not itself an alert or a helper, found in one pass over a text
    (an automaton: a plan deleting thousands of alerts and objects stays linear)."""
    automaton = ahocorasick.Automaton()
    for deleted in view.of(Action.DELETE):
        if not ALERTING.search(deleted.type) and not is_helper_type(deleted.type):
            for name in _names(deleted.before if isinstance(deleted.before, dict) else {}):
                automaton.add_word(name, deleted.address)
    if len(automaton) == 0:
        return None
    automaton.make_automaton()
    return automaton
