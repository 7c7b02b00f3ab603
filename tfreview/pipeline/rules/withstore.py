"""Risk rules, context grading (lifecycle stage): destroying a setting of a store switches that protection off (its
versioning, its public-access block), but where the plan destroys the store it configures too, the protection goes
with the data it protected and nothing is left unprotected: the watched-delete finding is medium, and the store's
own delete is judged on its own."""

from __future__ import annotations

from tfreview.pipeline.changes import Action
from tfreview.pipeline.findings import Finding, ReviewInput, Severity, graded_medium, grader
from tfreview.pipeline.rules.kinds import looks_stateful
from tfreview.pipeline.rules.planview import plan_view
from tfreview.pipeline.rules.stores import goes_with_store
from tfreview.pipeline.rules.watch import DELETE_WATCHES


@grader
def protection_with_store(review_input: ReviewInput, findings: list[Finding]) -> list[Finding]:
    """A protection switched off by destroying a store's setting, where the store is destroyed too: medium."""
    deleted = {c.address: c for c in plan_view(review_input).of(Action.DELETE) if c.mode == "managed"}
    graded: list[Finding] = []
    for found in findings:
        change = deleted.get(found.address or "")
        if found.severity is Severity.HIGH and change is not None \
                and DELETE_WATCHES.get(change.type, ("",))[0] == found.rule \
                and (why := goes_with_store(change, review_input, looks_stateful)) is not None:
            found = graded_medium(found, why, in_parentheses=True)
        graded.append(found)
    return graded
