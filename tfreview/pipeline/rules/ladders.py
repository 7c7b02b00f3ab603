"""The ladders that grade a delete or a replace (risk rules stage; feeds `resource-delete` and
`resource-replace` in lifecycle.py, and `scale-deletes` through `loses_something`).

Each rung asks one question of the change (a helper in its own module: is it disposable, re-made, handed
over, narrowing access…); the first rung that answers sets the severity and the message suffix, and says
whether what goes is lost. A change no rung answers is high, worded by what its type holds (kinds.py).
"""

from __future__ import annotations

from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import ReviewInput, Severity
from tfreview.pipeline.rules.deleteladder import DELETE_LADDER
from tfreview.pipeline.rules.kinds import loss
from tfreview.pipeline.rules.planview import plan_view
from tfreview.pipeline.rules.replaceladder import REPLACE_LADDER


def grade(change: Change, ri: ReviewInput) -> tuple[str, Severity, bool]:
    """Walk the delete or replace ladder: the message suffix, the severity and whether something is lost."""
    graded: dict[int, tuple[str, Severity, bool]] = plan_view(ri).derived("lifecycle grades", lambda _: {})
    if id(change) not in graded:  # resource-delete/-replace and scale-deletes ask for the same changes
        graded[id(change)] = _climb(change, ri)
    return graded[id(change)]


def _climb(change: Change, ri: ReviewInput) -> tuple[str, Severity, bool]:
    ladder = DELETE_LADDER if change.action is Action.DELETE else REPLACE_LADDER
    for rung in ladder:
        if (suffix := rung.test(change, ri)) is not None:
            return suffix, rung.severity, rung.loses
    return loss(change.type), Severity.HIGH, True


def loses_something(change: Change, ri: ReviewInput) -> bool:
    """Whether a managed delete or replace loses something (graded by the ladders; not disposable, not re-made)."""
    return change.action in (Action.DELETE, Action.REPLACE) and grade(change, ri)[2]
