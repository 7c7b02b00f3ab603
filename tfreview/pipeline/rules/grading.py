"""Risk rules, context grading: the step most graders share. A grader names the rules it grades and why a HIGH finding
of one of them is medium, read from the change the finding is on; `high_graded_medium` finds that change and grades.
"""

from __future__ import annotations

from collections.abc import Callable, Collection

from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import Finding, ReviewInput, Severity, graded_medium
from tfreview.pipeline.rules.planview import plan_view

# Why a finding on a change is medium (added to its message), or None where it stays as it is.
Reason = Callable[[Finding, Change], str | None]
# Every action: as `actions`, the managed changes of the plan, whatever they do (data sources left out).
EVERY_ACTION: tuple[Action, ...] = tuple(Action)


def high_graded_medium(review_input: ReviewInput, findings: list[Finding], rules: str | Collection[str],
                       reason: Reason, actions: Collection[Action] = (), *,
                       in_parentheses: bool = False) -> list[Finding]:
    """FINDINGS, in order, each HIGH finding of RULES (a rule id, or several) graded medium where the plan has a
    change at its address and REASON(finding, change) says why (a non-empty text, added to its message after a
    dash, or IN_PARENTHESES); every other finding as it was.

    The changes looked at are the managed ones whose action is one of ACTIONS (`PlanView.of`), or every change of
    the plan, data sources included, when ACTIONS is empty; where several share an address, the last one in the
    plan. They are indexed only when some finding is a HIGH finding of RULES: otherwise FINDINGS itself is returned.
    """
    graded_rules = frozenset({rules} if isinstance(rules, str) else rules)
    if not any(f.rule in graded_rules and f.severity is Severity.HIGH for f in findings):
        return findings
    view = plan_view(review_input)
    changes = {c.address: c for c in (view.of(*actions) if actions else view.changes)}
    graded: list[Finding] = []
    for found in findings:
        change = changes.get(found.address or "")
        if found.rule in graded_rules and found.severity is Severity.HIGH and change is not None \
                and (why := reason(found, change)):
            found = graded_medium(found, why, in_parentheses=in_parentheses)
        graded.append(found)
    return graded
