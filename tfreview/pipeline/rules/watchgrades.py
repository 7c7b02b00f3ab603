"""Risk rules, context grading (lifecycle stage): the shared steps of the graders that lower a delete's finding to
medium when the rest of the plan says why nothing is lost: a watched delete (the rule DELETE_WATCHES names for a
deleted type: a trail, a versioning setting, a public-access block; withstore.py: the store goes too; duplicates.py:
a twin stays), or any one rule's finding on a deleted object (backupcover.py: a plan's protection handed on;
sinks.py: a stream's successor)."""

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


def deletes_graded(review_input: ReviewInput, findings: list[Finding], rule: str,
                   why: Callable[[Change, ReviewInput], str | None]) -> list[Finding]:
    """FINDINGS with each high RULE finding on a deleted managed object graded medium where WHY gives a reason."""
    if not any(f.rule == rule and f.severity is Severity.HIGH for f in findings):
        return findings
    deleted = {c.address: c for c in plan_view(review_input).of(Action.DELETE) if c.mode == "managed"}
    graded: list[Finding] = []
    for found in findings:
        change = deleted.get(found.address or "")
        if found.rule == rule and found.severity is Severity.HIGH and change is not None \
                and (reason := why(change, review_input)):
            found = graded_medium(found, reason, in_parentheses=True)
        graded.append(found)
    return graded
