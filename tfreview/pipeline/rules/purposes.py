"""Risk rules, lifecycle helper (delete grading): a delete whose purpose goes away with the same plan — a scaler of
capacity its target stops having (the target moves to on-demand), a guard of an object archived read-only in the
same plan, a duplicate monitor whose twin with the same query (at no lower priority) remains, and a member of a
disposable or non-production module torn down whole. ladders.py grades deletes with it."""

from __future__ import annotations

import json
import re
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import ReviewInput
from tfreview.pipeline.rules.carried import gap
from tfreview.pipeline.rules.common import sides
from tfreview.pipeline.rules.disposable import MONITORING_PROVIDERS, MONITORS, self_disposable
from tfreview.pipeline.rules.environments import (
    NON_PRODUCTION_ENVS,
    PRODUCTION_TOKENS,
    env_words,
    label_pairs,
    label_tokens,
    labelled_disposable,
)
from tfreview.pipeline.rules.kinds import looks_stateful
from tfreview.pipeline.rules.planview import PlanView, kept_modules, plan_view, provider_prefix
from tfreview.pipeline.rules.units import ordered_words, words
from tfreview.pipeline.rules.values import leaves, plain
from tfreview.pipeline.rules.wayback import kept_copy

# Words of a setting that chooses how capacity is bought or sized.
MODE_WORDS = frozenset({"mode", "billing", "capacity", "throughput", "pricing", "scaling"})
# Values of such a setting that say the provider sizes capacity itself, in any spelling.
ON_DEMAND = frozenset({"ondemand", "payperrequest", "serverless", "payasyougo", "autoscale", "autoscaling"})
# Scalers of another object's capacity (AWS Application Auto Scaling, Azure autoscale settings, GCP autoscalers);
# a scaling group itself holds machines and is no scaler.
SCALERS = lazy_compile(r"(?:^|_)(?:app)?autoscal(?:ing|e|er)(?:_(?:target|policy|scheduled_action|setting))?$")
# Settings that say an object is archived or read-only: turned on, nothing more is written to it.
ARCHIVED = lazy_compile(r"^(?:is_)?(?:archived|read_only|readonly)$")
# Settings of a monitor that say what it watches and when it fires; a twin must have them all the same.
WATCHES = lazy_compile(r"query|expression|condition|criteria|metric|filter|threshold|operator|window|evaluation"
                       r"|^type$|^kind$")
WHAT_IT_WATCHES = lazy_compile(r"query|expression|condition|criteria|metric")
# Settings of a monitor that say how urgently it calls people (Datadog's and Opsgenie's priority, Azure's severity, an
# urgency): a twin that calls less urgently (a P3 for a P1) does not page where the deleted one paged.
URGENCY = lazy_compile(r"^(?:priority|severity|urgency|alert_priority|alert_severity|level)$")
URGENT_WORDS = ("critical", "high", "error", "medium", "warning", "moderate", "low", "info", "informational")
_NUMBER = lazy_compile(r"^(?:p|sev|s)?\s*(\d+)$")
KNOWN_BY = ("id", "arn", "name", "full_name", "node_id")
MIN_NAME = 4  # a shorter name would be found inside unrelated references
_SEGMENTS = lazy_compile(r"[:/]")


def on_demand_mode(values: dict[str, Any]) -> str:
    """The setting (`path = value`) that puts a resource in an on-demand mode, or empty."""
    for path, value in leaves(values):
        if not isinstance(value, str) or not words(plain(path).rpartition(".")[2]) & MODE_WORDS:
            continue
        if "".join(ordered_words(value)) in ON_DEMAND:
            return f"{path} = {value!r}"
    return ""


def _refs(values: dict[str, Any]) -> set[str]:
    """The top-level strings of an object's settings, whole and split into ARN or path segments."""
    found: set[str] = set()
    for key, value in values.items():
        if key not in KNOWN_BY and isinstance(value, str):
            found |= {value, *_SEGMENTS.split(value)}
    return {ref for ref in found if len(ref) >= MIN_NAME}


def _names(values: dict[str, Any]) -> set[str]:
    return {v for key in KNOWN_BY if isinstance(v := values.get(key), str) and len(v) >= MIN_NAME}


def _moved_on_demand(view: PlanView) -> dict[str, tuple[Change, str]]:
    """The names of objects this plan moves from a fixed capacity mode to an on-demand one, with the mode set."""
    found: dict[str, tuple[Change, str]] = {}
    for change in view.of(Action.UPDATE):
        before, after = sides(change)
        if (mode := on_demand_mode(after)) and not on_demand_mode(before):
            found.update((name, (change, mode)) for name in _names(before) | _names(after))
    return found


def _archived(view: PlanView) -> dict[str, Change]:
    """The names of objects this plan turns archived or read-only in place."""
    found: dict[str, Change] = {}
    for change in view.of(Action.UPDATE):
        before, after = sides(change)
        if any(ARCHIVED.match(k) and after.get(k) is True and before.get(k) is False for k in after):
            found.update((name, change) for name in _names(before) | _names(after))
    return found


def scaler_unneeded(change: Change, ri: ReviewInput) -> str | None:
    """Why a deleted scaler loses nothing, or None: the object whose capacity it scaled is moved by this plan to a
    mode where the provider sizes capacity itself."""
    if not SCALERS.search(change.type):
        return None
    moved = plan_view(ri).derived("moved on demand", _moved_on_demand)
    for ref in sorted(_refs(sides(change)[0])):
        if (hit := moved.get(ref)) is not None and provider_prefix(hit[0].type) == provider_prefix(change.type):
            return (f"it scaled the capacity of {hit[0].address}, which this plan moves to {hit[1]}: the provider "
                    "sizes it on demand, there is no fixed capacity left to scale")
    return None


def guard_of_archived(change: Change, ri: ReviewInput) -> str | None:
    """Why a deleted guard or setting of an object loses nothing now, or None: the object it refers to is made
    archived or read-only by this plan, so nothing is written to it to guard."""
    archived = plan_view(ri).derived("archived in place", _archived)
    for ref in sorted(_refs(sides(change)[0])):
        if (hit := archived.get(ref)) is not None and hit is not change \
                and provider_prefix(hit.type) == provider_prefix(change.type):
            return f"it belongs to {hit.address}, which this plan archives read-only: nothing is written to it"
    return None


def _watching(values: dict[str, Any]) -> dict[str, str]:
    return {k: json.dumps(v, sort_keys=True) for k, v in values.items() if WATCHES.search(k) and v is not None}


def _rank(value: Any) -> int | None:
    """How urgent a priority or severity is, 0 most urgent (`1`, `P1`, `sev0`, `critical`), or None when unread."""
    text = str(value).strip().lower() if isinstance(value, (str, int)) and not isinstance(value, bool) else ""
    if (number := _NUMBER.match(text)) is not None:
        return int(number.group(1))
    return URGENT_WORDS.index(text) if text in URGENT_WORDS else None


def less_urgent(old: dict[str, Any], new: dict[str, Any]) -> str | None:
    """The urgency setting a twin holds below the deleted monitor's (priority "1" → "3"), or None; an urgency it
    cannot rank must stay the same."""
    for key, was in old.items():
        if not URGENCY.match(key) or was in (None, "") or (now := new.get(key)) == was:
            continue
        rank_was, rank_now = _rank(was), _rank(now)
        if rank_was is None or rank_now is None or rank_now > rank_was:
            return f"{key} {was} → {now}"
    return None


def twin_kept(change: Change, ri: ReviewInput) -> str | None:
    """Why a deleted monitor loses no coverage, or None: another monitor of its type that this plan keeps and
    leaves switched on watches the same query with the same conditions (and, one the plan creates, notifies no
    less: carried.py)."""
    if not (MONITORS.search(change.type) or re.match(MONITORING_PROVIDERS, change.type)):
        return None
    old = _watching(sides(change)[0])
    if not any(WHAT_IT_WATCHES.search(k) for k in old):
        return None
    for other in plan_view(ri).of(Action.NO_OP, Action.UPDATE, Action.CREATE):
        after = sides(other)[1]
        if other.type == change.type and other is not change and after.get("enabled") is not False \
                and after.get("paused") is not True and _watching(after) == old \
                and less_urgent(sides(change)[0], after) is None \
                and (other.action is not Action.CREATE or gap(change.type, sides(change)[0], after) is None):
            return f"{other.address} watches the same query with the same conditions and stays"
    return None


def purpose_gone(change: Change, ri: ReviewInput) -> str | None:
    """Why a delete loses nothing because what it served goes or stays covered in the same plan, or None."""
    if change.action is not Action.DELETE:
        return None
    return scaler_unneeded(change, ri) or guard_of_archived(change, ri) or twin_kept(change, ri) \
        or scope_torn_down(change, ri)


def _scope_word(change: Change) -> str | None:
    """What a member's own labels say of its scope: 'production', a disposable or non-production word, or None
    when it has no labels."""
    attrs = sides(change)[0]
    if not label_pairs(attrs):
        return None
    if label_tokens(attrs) & PRODUCTION_TOKENS:
        return "production"
    if labelled_disposable(attrs):
        return "disposable"
    return next(iter(sorted(env_words(attrs) & NON_PRODUCTION_ENVS)), "unscoped")


def scope_torn_down(change: Change, ri: ReviewInput) -> str | None:
    """Why a member of a module loses nothing that matters, or None: the plan deletes the module whole (it keeps
    nothing in it), every labelled member says disposable or non-production and none production, every data store
    in it is disposable or keeps a final copy, and the member itself says no other scope."""
    view = plan_view(ri)
    if change.module is None or change.module in kept_modules(view):
        return None
    module = change.module
    words = view.derived(f"scope torn down:{module}", lambda v: _torn_down_scopes(v.deletes_by_module.get(module, [])))
    if not words or _scope_word(change) in ("production", "unscoped"):
        return None
    return f"its module {module} is torn down whole, every labelled member {'/'.join(sorted(words))}"


def _torn_down_scopes(group: list[Change]) -> set[str]:
    """The scopes the labelled members of a deleted module's GROUP say, read once per module; empty when one says
    production or no scope, or a data store in it is neither disposable nor keeps a final copy."""
    words = {word for c in group if (word := _scope_word(c)) is not None}
    if words & {"production", "unscoped"}:
        return set()
    if any(looks_stateful(c.type) and self_disposable(c, True) is None and kept_copy(c) is None for c in group):
        return set()
    return words
