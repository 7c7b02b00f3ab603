"""Risk rules, context grading (lifecycle stage): the shared step of the graders that lower a watched delete (the
rule DELETE_WATCHES names for a deleted type: a trail, a versioning setting, a public-access block) to medium when
the rest of the plan says why nothing is left unwatched (withstore.py: the store goes too; duplicates.py: a twin
stays)."""

from __future__ import annotations

from collections.abc import Callable

from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import Finding, ReviewInput, Severity, graded_medium
from tfreview.pipeline.rules.planview import plan_view
from tfreview.pipeline.rules.watch import DELETE_WATCHES


def watched_deletes_graded(review_input: ReviewInput, findings: list[Finding],
                           why: Callable[[Change, ReviewInput], str | None]) -> list[Finding]:
    """FINDINGS with each high watched-delete finding (the rule DELETE_WATCHES names for its type) graded medium
    where WHY gives a reason for the deleted change."""
    deleted = {c.address: c for c in plan_view(review_input).of(Action.DELETE) if c.mode == "managed"}
    graded: list[Finding] = []
    for found in findings:
        change = deleted.get(found.address or "")
        if found.severity is Severity.HIGH and change is not None \
                and DELETE_WATCHES.get(change.type, ("",))[0] == found.rule \
                and (reason := why(change, review_input)) is not None:
            found = graded_medium(found, reason, in_parentheses=True)
        graded.append(found)
    return graded
