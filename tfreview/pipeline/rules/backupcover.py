"""Risk rules, lifecycle helper and context grading (delete grading): a backup plan or selection retired while the
same plan hands its protection on. Every selection of it that goes (what it backs up: resource ARNs or patterns,
selection tags, a protected machine) is covered by a selection the plan keeps or creates, whose own backup plan stays
or is new, and the plans that stay or are new keep their backups at least as long as the one that goes. What the old
plan already stored stays in its vault. ladders.py grades the delete with `backup_handed_on`; the backup-reduced
finding of the delete is graded here.

A plan that drops a selection and creates only a backup plan (no selection naming what it backs up) protects nothing
new: the delete stays high. A selection updated to name fewer resources, where no selection of the plan names the
dropped ones and the plan does not delete them, stops their backups (backup-reduced, high).
"""

from __future__ import annotations

from collections.abc import Iterator
from fnmatch import fnmatchcase
from typing import Any

import orjson

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import RULES, Finding, ReviewInput, Severity, finding, grader, managed, rule
from tfreview.pipeline.rules.common import as_list, sides, string_leaves
from tfreview.pipeline.rules.planview import PlanView, plan_view
from tfreview.pipeline.rules.retention import BACKUP
from tfreview.pipeline.rules.watchgrades import deletes_graded

# What backs up (a plan, a policy) and what says which resources it backs up (a selection, a protected item).
PLANS = lazy_compile(r"(?:^|_)backup_(?:plan|policy(?:_vm|_file_share|_vm_workload)?)$")
SELECTIONS = lazy_compile(r"(?:^|_)(?:backup_selection|backup_plan_association|backup_protected_\w+)$")
# How a selection names what it backs up, in any provider; each must be covered by the successor.
COVERAGE = ("resources", "selection_tag", "condition", "source_vm_id", "resource", "source_file_share_name",
            "source_storage_account_id")
# How a selection names its backup plan.
PLAN_REFERENCES = ("plan_id", "backup_policy_id", "backup_plan")
# How long a plan's rules keep each backup (`lifecycle.delete_after` in days); none set keeps it for good.
LIFETIMES = lazy_compile(r"^(?:delete_after|retention_days|count|days)$")
FOREVER = float("inf")


def backup_handed_on(change: Change, ri: ReviewInput) -> str | None:
    """Why deleting a backup plan or selection leaves nothing unprotected, or None (the module docstring)."""
    if change.action is not Action.DELETE or not (PLANS.search(change.type) or SELECTIONS.search(change.type)):
        return None
    view = plan_view(ri)
    gone = _selections_of(change, view) if PLANS.search(change.type) else [change]
    successors = view.derived("backup selections kept or new", _kept_selections)
    dropped = {str(v) for c in view.of(Action.DELETE) if PLANS.search(c.type) for v in _ids(c.before)}
    takers = [c for c in successors if not {str(v) for k in PLAN_REFERENCES for v in as_list(_side(c).get(k))}
              & dropped]
    if gone and all(_protects_only_deleted(old, view) for old in gone):
        return "everything it backed up is deleted in this plan too; those deletes are judged on their own"
    if not gone or not all(any(_covers(taker, old) for taker in takers) for old in gone):
        return None
    lost = max((_lifetime(c.before) for c in view.of(Action.DELETE) if PLANS.search(c.type)), default=0.0)
    kept = max((_lifetime(_side(c)) for c in view.changes if PLANS.search(c.type) and c.action is not Action.DELETE),
               default=0.0)
    if kept < lost:
        return None
    return ("what it backed up is selected again by a backup plan that stays or is new, keeping backups at least as "
            "long; what it stored stays in its vault")


# The last part of an ARN or resource path (`…:db:orders-stg`, `…/instances/vm-1`): the name of what it names.
_LAST_PART = lazy_compile(r"[^:/]+$")


def _protects_only_deleted(selection: Change, view: PlanView) -> bool:
    """Whether a selection names its resources one by one (ARNs or ids, no tags or patterns) and the plan deletes
    every one of them."""
    named = [str(v) for v in as_list(_side(selection).get("resources"))]
    if not named or any("*" in v for v in named) or any(as_list(_side(selection).get(k)) for k in COVERAGE[1:4]):
        return False
    deleted = view.derived("deleted ids and names", _deleted_names)
    return all(v in deleted or ((last := _LAST_PART.search(v)) is not None and last.group(0) in deleted)
               for v in named)


def _deleted_names(view: PlanView) -> set[str]:
    return {str(v) for c in view.of(Action.DELETE) if isinstance(c.before, dict)
            for k, v in c.before.items() if k in ("id", "arn", "name", "identifier") and isinstance(v, str) and v}


def _side(change: Change) -> dict[str, Any]:
    side = change.after if change.action is not Action.DELETE else change.before
    return side if isinstance(side, dict) else {}


def _ids(values: Any) -> list[Any]:
    attrs = values if isinstance(values, dict) else {}
    return [v for key in ("id", "arn", "name") if (v := attrs.get(key))]


def _selections_of(plan: Change, view: PlanView) -> list[Change]:
    """The deleted selections that name the deleted PLAN."""
    own = {str(v) for v in _ids(plan.before)}
    return [c for c in view.of(Action.DELETE) if SELECTIONS.search(c.type)
            and {str(v) for k in PLAN_REFERENCES for v in as_list(_side(c).get(k))} & own]


def _kept_selections(view: PlanView) -> list[Change]:
    return [c for c in view.changes if c.mode == "managed" and SELECTIONS.search(c.type)
            and c.action in (Action.CREATE, Action.UPDATE, Action.NO_OP)]


def _covers(taker: Change, old: Change) -> bool:
    """Whether TAKER selects everything OLD did (each of its coverage values, item by item) and excludes no more."""
    new, was = _side(taker), _side(old)
    named = [key for key in COVERAGE if as_list(was.get(key))]
    return bool(named) and all(_items(was.get(key)) <= _items(new.get(key)) for key in named) \
        and _items(new.get("not_resources")) <= _items(was.get("not_resources"))


def _items(value: Any) -> set[bytes]:
    return {orjson.dumps(item, option=orjson.OPT_SORT_KEYS) for item in as_list(value)}


def _lifetime(values: Any) -> float:
    """The longest a plan keeps a backup, in its own unit (days): the largest lifetime set in its rules, or forever
    where a rule sets none."""
    rules = as_list(values.get("rule") or values.get("rules")) if isinstance(values, dict) else []
    return max((_rule_lifetime(rule) for rule in rules), default=0.0)


def _rule_lifetime(rule: Any) -> float:
    found = [v for k, v in _numbers(rule) if LIFETIMES.match(k)]
    return max(found) if found else FOREVER


def _numbers(value: Any) -> list[tuple[str, float]]:
    """(key, number) of every positive number at any depth (0 means `not set` in these schemas)."""
    if isinstance(value, dict):
        return [pair for k, v in value.items() for pair in (
            [(str(k), float(v))] if isinstance(v, int | float) and not isinstance(v, bool) and v > 0
            else _numbers(v))]
    if isinstance(value, list):
        return [pair for item in value for pair in _numbers(item)]
    return []


@grader
def backup_protection_handed_on(review_input: ReviewInput, findings: list[Finding]) -> list[Finding]:
    """A backup-reduced finding of a deleted backup plan or selection whose protection the plan hands on: medium."""
    return deletes_graded(review_input, findings, BACKUP, backup_handed_on)



@rule(BACKUP, Severity.HIGH, RULES[BACKUP].description)
def _selection_narrowed(review_input: ReviewInput) -> Iterator[Finding]:
    """A selection updated to back up fewer resources (ARNs or patterns it named dropped) while no selection the plan
    keeps or creates names them and the plan does not delete them: their backups stop, silently."""
    narrowed = [c for c in managed(review_input.changeset, Action.UPDATE) if SELECTIONS.search(c.type)]
    if not narrowed:
        return
    view = plan_view(review_input)
    gone = {text for c in view.of(Action.DELETE, Action.REPLACE) for text in string_leaves(c.before)}
    for change in narrowed:
        before, after = sides(change)
        dropped = [r for r in _named_resources(before) if r not in _named_resources(after) and r not in gone]
        others = b"".join(orjson.dumps(_side(c)) for c in _kept_selections(view) if c is not change)
        uncovered = [r for r in dropped if r.encode() not in others and not _wildcard_covers(after, r)]
        if uncovered:
            yield finding(BACKUP, change.address, f"{change.address}: stops backing up {', '.join(uncovered[:3])}"
                          f"{' and more' if len(uncovered) > 3 else ''}, which no selection of the plan names and the "
                          "plan does not delete: their backups stop")


def _named_resources(values: dict[str, Any]) -> list[str]:
    return [str(r) for r in as_list(values.get("resources")) if isinstance(r, str) and r and "*" not in r]


def _wildcard_covers(values: dict[str, Any], resource: str) -> bool:
    return any(fnmatchcase(resource, str(p)) for p in as_list(values.get("resources")) if isinstance(p, str)
               and "*" in p)
