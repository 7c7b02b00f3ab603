"""Risk rules, context grading (protection): a lock deleted while the plan places one at least as strict on a scope
that contains it. An Azure management lock on a resource group covers every resource inside it; a lock of the same
kind on the group (`CanNotDelete`, or the stricter `ReadOnly`) replacing one on a single database keeps that database
as protected as before. The high findings on the old lock's delete (protection-disabled, resource-delete) are graded
medium, naming the lock that covers it.

A new lock on another scope, a weaker one (`CanNotDelete` for `ReadOnly`), or none leaves them high.
"""

from __future__ import annotations

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import Finding, ReviewInput, grader
from tfreview.pipeline.rules.common import as_dict
from tfreview.pipeline.rules.grading import high_graded_medium
from tfreview.pipeline.rules.planview import plan_view

LOCKS = lazy_compile(r"(?:^|_)(?:management_lock|resource_lock|lock|lien)$")
SCOPE_KEYS = ("scope", "parent", "resource_id", "target")
# How strict a lock level is: ReadOnly refuses changes and deletes, CanNotDelete deletes only.
LEVELS = {"readonly": 2, "read_only": 2, "cannotdelete": 1, "can_not_delete": 1, "delete": 1}
RULES = frozenset({"protection-disabled", "resource-delete"})


def _scope(values: dict[str, object]) -> str | None:
    return next((v.rstrip("/").lower() for k in SCOPE_KEYS if isinstance(v := values.get(k), str) and v), None)


def _level(values: dict[str, object]) -> int:
    level = values.get("lock_level") or values.get("level")
    return LEVELS.get(str(level).strip().lower(), 1) if level else 1


def _covering(change: Change, ri: ReviewInput) -> Change | None:
    """A lock the plan creates or keeps, of CHANGE's type, on CHANGE's scope or one containing it, as strict."""
    old = as_dict(change.before)
    scope = _scope(old)
    if scope is None:
        return None
    for other in plan_view(ri).changes:
        new = as_dict(other.after)
        if other is change or other.type != change.type or other.action is Action.DELETE:
            continue
        if (around := _scope(new)) is not None and (scope == around or scope.startswith(around + "/")) \
                and _level(new) >= _level(old):
            return other
    return None


@grader
def covered_locks(review_input: ReviewInput, findings: list[Finding]) -> list[Finding]:
    """High findings on a deleted lock that a new or kept lock on a containing scope covers: medium."""
    return high_graded_medium(review_input, findings, RULES, lambda found, change: _covered(change, review_input),
                              (Action.DELETE,))


def _covered(change: Change, ri: ReviewInput) -> str | None:
    """Why a deleted lock's findings are medium: a lock of the plan covers its scope at least as strictly."""
    cover = _covering(change, ri) if LOCKS.search(change.type) else None
    if cover is None:
        return None
    where = next((v for k in SCOPE_KEYS if isinstance(v := as_dict(cover.after).get(k), str) and v), "")
    return f"{cover.address} locks {where}, which contains it, at least as strictly"
