"""Risk rules, lifecycle helper (delete grading): a non-production environment torn down as a unit. ladders.py
grades deletes with `environment_teardown`.

The unit is at least three objects, some of them what runs or connects the environment (a network, a machine, a
role, a service or function): a module instance removed whole (every managed object under its top-level module goes),
the whole plan (every managed object it holds goes, helpers aside), or everything the plan deletes when what it keeps
in the same modules is labelled production (changes to other environments in the same PR). Its deletes are one
teardown when every object of it that holds data or carries labels is labelled with a non-production environment
(sandbox, dev, staging, preview…) and none says production, no store in it keeps a deletion protection switched on or
extra data disks, and nothing the plan keeps names any of them (an id, ARN or name): what goes was that
environment's alone. A store that keeps copies of itself (a final snapshot, backups kept for days unless it skips its
final snapshot and lets them go with it) was meant to outlive the delete: it is judged by its own delete, not as a
member. A label alone never counts for a store (disposable.py); here the store's own protection being off and the
whole unit going with it stand beside it.
"""

from __future__ import annotations

from dataclasses import dataclass

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import ReviewInput, is_helper_type
from tfreview.pipeline.rules.disposable import DATA_ENGINES, EXTRA_DISKS, protected
from tfreview.pipeline.rules.environments import (
    PRODUCTION_TOKENS,
    label_pairs,
    label_tokens,
    module_words,
    non_production,
)
from tfreview.pipeline.rules.kinds import looks_stateful
from tfreview.pipeline.rules.planview import PlanView, kept_values_text, plan_view
from tfreview.pipeline.rules.wayback import SKIP_FINAL, kept_copy

# The top-level module instance of an address (`module.sandbox_hx42`, `module.env["dev"]`).
TOP_MODULE = lazy_compile(r'^module\.[^.\[]+(?:\["[^"]*"\]|\[\d+\])?')
# Backups a store keeps (days of them); not a stream's or event store's `retention_period`, how long its own records
# live, which go with it.
BACKUPS_KEPT = lazy_compile(r"^(?:backup_retention\w*|\w*backup_retention_days)$")
# A switch that keeps a store's own backups after the store is deleted (`delete_automated_backups = false`).
BACKUPS_OUTLIVE = lazy_compile(r"^delete_automated_backups$")
IDENTIFIERS = ("id", "arn", "name", "bucket", "identifier")
# An environment is more than a store: at least this many objects, some of them what runs or connects it (a network,
# a machine, a role). A lone store, or a few stores, deleted are judged as stores.
MIN_MEMBERS = 3
INFRASTRUCTURE = lazy_compile(r"(?:^|_)(?:vpc|vnet|network|subnet|subnetwork|instance|vm|virtual_machine|server"
                              r"|security_group|firewall|role|service_account|nat_gateway|cluster|node_pool"
                              r"|resource_group|project|namespace|service|function|container_app)(?:_|$)")
MIN_NAME = 6


@dataclass(frozen=True)
class _Unit:
    """The deletes of one unit that tear down a non-production environment, by address, and what to call it."""

    members: frozenset[str]
    called: str


def environment_teardown(change: Change, ri: ReviewInput) -> str | None:
    """Why this delete is part of a non-production environment torn down as a unit, or None."""
    if change.action is not Action.DELETE:
        return None
    units = plan_view(ri).derived("environment teardowns", _teardowns)
    for unit in units:
        if change.address in unit.members:
            return f"{unit.called} goes whole, every object labelled non-production and nothing kept names any of them"
    return None


def _teardowns(view: PlanView) -> list[_Unit]:
    managed = [c for c in view.changes if not is_helper_type(c.type)]
    groups: dict[str, list[Change]] = {}
    for change in managed:
        top = TOP_MODULE.match(change.address)
        if top is not None:
            groups.setdefault(top.group(0), []).append(change)
    candidates = [(f"the module instance {name}", members) for name, members in groups.items()]
    candidates.append(("the whole plan's infrastructure", managed))
    deleted = [c for c in managed if c.action is Action.DELETE]
    if _apart_from_kept(deleted, managed):
        candidates.append(("everything this plan deletes", deleted))
    kept_text = kept_values_text(view)
    # a store that keeps copies of itself is judged by its own delete (its final snapshot), not as the unit's
    return [_Unit(frozenset(c.address for c in members if not (looks_stateful(c.type) and _keeps_copies(c))), called)
            for called, members in candidates if _torn_down(members, kept_text)]


def _apart_from_kept(deleted: list[Change], managed: list[Change]) -> bool:
    """Whether what the plan keeps in the deletes' modules says it belongs elsewhere: each kept object is labelled
    production (a module that keeps an unlabelled or non-production object is torn down in part, not whole)."""
    modules = {c.module for c in deleted}
    kept = [c for c in managed if c.action is not Action.DELETE and c.module in modules]
    return all(label_tokens(_after(c)) & PRODUCTION_TOKENS for c in kept)


def _after(change: Change) -> dict[str, object]:
    return change.after if isinstance(change.after, dict) else _before(change)


def _torn_down(members: list[Change], kept_text: str) -> bool:
    if len(members) < MIN_MEMBERS or any(c.action is not Action.DELETE for c in members) \
            or not any(_infrastructure(c) for c in members):
        return False
    labelled = [c for c in members if label_pairs(_before(c)) or looks_stateful(c.type)]
    if not labelled or not all(non_production(c) or _inside_non_production(c, members) for c in labelled):
        return False
    if any(module_words(c.module) & PRODUCTION_TOKENS for c in members):
        return False
    if any(protected(_before(c)) or _data_disks(c) for c in members if looks_stateful(c.type)):
        return False
    return not any(name in kept_text for c in members for name in _names(_before(c)))  # an ARN or path names it too


def _inside_non_production(change: Change, members: list[Change]) -> bool:
    """Whether an object with no labels of its own lives inside another member labelled non-production (a subnet
    whose `vpc_id` is the deleted sandbox VPC's id)."""
    if label_pairs(_before(change)):
        return False
    parents = {v for c in members if c is not change and label_pairs(_before(c)) and non_production(c)
               for key in ("id", "arn", "name") if isinstance(v := _before(c).get(key), str) and len(v) >= MIN_NAME}
    return any(isinstance(value, str) and value in parents for value in _before(change).values())


def _before(change: Change) -> dict[str, object]:
    return change.before if isinstance(change.before, dict) else {}


def _infrastructure(change: Change) -> bool:
    return INFRASTRUCTURE.search(change.type) is not None and not DATA_ENGINES.search(change.type)


def _data_disks(change: Change) -> bool:
    """Whether a machine carries extra data disks: what they hold goes with it (disposable.EXTRA_DISKS)."""
    return any(EXTRA_DISKS.search(key) and value not in (None, [], {}, "") for key, value in _before(change).items())


def _keeps_copies(change: Change) -> bool:
    """Whether a store's own settings keep copies of it (a final snapshot, backups kept for days): someone meant its
    data to outlive a delete, so the teardown is no reason to let it go unread."""
    attrs = _before(change)
    return kept_copy(change) is not None or (not _declines_copies(attrs) and any(
        BACKUPS_KEPT.match(key) and isinstance(value, int) and not isinstance(value, bool) and value > 0
        for key, value in attrs.items()))


def _declines_copies(attrs: dict[str, object]) -> bool:
    """Whether a store says its delete keeps no copy: its final snapshot skipped (`skip_final_snapshot = true`) and
    nothing keeping its own backups after it. Backups kept for days then serve recovery while it lives, and go with
    it (the providers' default), so they say nothing of its data being meant to outlive the delete."""
    return any(SKIP_FINAL.match(key) and value is True for key, value in attrs.items()) \
        and not any(BACKUPS_OUTLIVE.match(key) and value is False for key, value in attrs.items())


def _names(attrs: dict[str, object]) -> list[str]:
    return [v for key in IDENTIFIERS if isinstance(v := attrs.get(key), str) and len(v) >= MIN_NAME]
