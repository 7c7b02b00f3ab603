"""Risk rules, context grading (detection): alerting downgraded (an urgency or priority lowered, so its alerts stop
paging) on an object whose own environment tags or name say non-production — a staging copy of a service, a dev
monitor — while nothing names it production. Paging people at night for staging is what the change stops; the
production service's own alerting is judged on its own. The finding is graded medium. Other detection findings on
the same object (a detector switched off, logs dropped) keep their grade.
"""

from __future__ import annotations

from tfreview.pipeline.changes import Change
from tfreview.pipeline.findings import Finding, ReviewInput, grader
from tfreview.pipeline.rules.common import sides
from tfreview.pipeline.rules.environments import (
    NON_PRODUCTION_ENVS,
    PRODUCTION_TOKENS,
    TOKEN,
    label_tokens,
    non_production,
)
from tfreview.pipeline.rules.grading import high_graded_medium
from tfreview.pipeline.rules.vocabulary import DETECTION

PAGING = "urgent alerts no longer page"  # how modes.py names an urgency or priority lowered


@grader
def staging_pages_less(review_input: ReviewInput, findings: list[Finding]) -> list[Finding]:
    """An urgency lowered on a non-production object: medium."""
    return high_graded_medium(review_input, findings, DETECTION, _pages_for_a_copy)


def _pages_for_a_copy(found: Finding, change: Change) -> str | None:
    """Why a paging urgency lowered is medium: the object is a non-production copy."""
    env = _non_production(change) if PAGING in found.message else None
    return None if env is None else f"it pages for a {env} copy, named so; production's alerting is its own"


def _non_production(change: Change) -> str | None:
    """The non-production environment the object's tags, module or own name say, when nothing says production."""
    _, after = sides(change)
    name = set(TOKEN.findall(str(after.get("name") or change.name).lower()))
    if (name | label_tokens(after)) & PRODUCTION_TOKENS:
        return None
    if non_production(change):
        return "non-production"
    words = sorted(name & NON_PRODUCTION_ENVS)
    return words[0] if words else None
