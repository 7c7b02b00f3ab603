"""Risk rules, CI/CD (reported under ci-trust-widened): a pipeline of any provider loses a manual approval step —
a stage or action whose kind (`category`, `type`, `provider`, `kind`) says approval, manual judgment or a hold
(CodePipeline's `Approval`/`Manual`, Spinnaker's `manualJudgment`, an invented CD's `approval_gate`): changes then
reach the next stage, often production, with no human gate. Adding or keeping approval steps stays quiet."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import Finding, Severity, finding, on_change
from tfreview.pipeline.rules.common import sides
from tfreview.pipeline.rules.pipelines import CI_TRUST
from tfreview.pipeline.rules.values import document

KIND_KEYS = frozenset({"category", "type", "provider", "kind", "action_type", "step_type", "stage_type", "task",
                       "actiontype", "steptype", "stagetype", "uses"})
APPROVAL = lazy_compile(r"(?:manual[_ -]?)?(?:approval|approvals|approve|judg(?:e)?ment)(?:[_ -]?(?:gate|step|stage"
                        r"|check))?|manual|hold|wait[_ -]?for[_ -]?approval|approval[_ -]?gate")
MAX_DEPTH = 10


def approvals(value: Any, depth: int = 0) -> int:
    """How many steps in VALUE (blocks at any depth, JSON texts included) are manual approvals by their kind."""
    if depth > MAX_DEPTH:
        return 0
    if isinstance(value, str):
        parsed = document(value) if len(value) < 200_000 else None
        return approvals(parsed, depth + 1) if parsed is not None else 0
    if isinstance(value, list):
        return sum(approvals(item, depth + 1) for item in value)
    if not isinstance(value, dict):
        return 0
    own = any(isinstance(item, str) and key.lower() in KIND_KEYS and APPROVAL.fullmatch(item.strip().lower())
              for key, item in value.items())
    return int(own) + sum(approvals(item, depth + 1) for item in value.values() if isinstance(item, dict | list | str))


@on_change(actions=(Action.UPDATE, Action.REPLACE), words=(b"approv", b"manual", b"judg", b"hold"),
           type_pattern=lazy_compile(r"pipeline|workflow|release|deploy|delivery|stage|cd_|_cd(?:_|$)|spinnaker"
                                     r"|build|project|job"))
def _approval_removed(change: Change) -> Iterator[Finding]:
    before, after = sides(change)
    old, new = approvals(before), approvals(after)
    if new < old:
        yield finding(CI_TRUST, change.address,
                      f"{change.address}: {old - new} manual approval step(s) removed: changes reach the next "
                      "stage with no human gate", Severity.HIGH)
