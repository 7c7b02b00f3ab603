"""Risk rules, context grading (lifecycle stage): destroying a setting of a store switches that protection off (its
versioning, its public-access block), but where the plan destroys the store it configures too, the protection goes
with the data it protected and nothing is left unprotected: the watched-delete finding is medium, and the store's
own delete is judged on its own."""

from __future__ import annotations

from tfreview.pipeline.findings import Finding, ReviewInput, grader
from tfreview.pipeline.rules.kinds import looks_stateful
from tfreview.pipeline.rules.stores import goes_with_store
from tfreview.pipeline.rules.watchgrades import watched_deletes_graded


@grader
def protection_with_store(review_input: ReviewInput, findings: list[Finding]) -> list[Finding]:
    """A protection switched off by destroying a store's setting, where the store is destroyed too: medium."""
    return watched_deletes_graded(review_input, findings,
                                  lambda change, ri: goes_with_store(change, ri, looks_stateful))

