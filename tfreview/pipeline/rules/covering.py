"""Risk rules, context grading (lifecycle stage): a watched object (an audit trail, a flow log, a recorder) deleted
while the same plan creates another of its type that covers at least as much: every switch the old one had on is on
in the new one, every other setting it had is kept (or only known after apply), and nothing it listed is dropped.
Only where it is stored and what it is called may differ. The watched-delete finding and the delete are medium;
a successor that narrows anything (ReadOnly events, one region, no validation) leaves them as graded."""

from __future__ import annotations

from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import Finding, ReviewInput, Severity, graded_medium, grader
from tfreview.pipeline.rules.planview import plan_view
from tfreview.pipeline.rules.values import leaves, plain
from tfreview.pipeline.rules.watch import DELETE_WATCHES

# Settings that only name the object itself or say where it writes (its bucket, log group, workspace, key, role):
# they differ between any two objects. What it watches (a target resource, a VPC) must be the same.
LOCATING = lazy_compile(r"^(?:name|name_prefix|id|arn|tags|tags_all|labels|home_region)$|bucket|logs?_group"
                        r"|workspace|destination|kms|role|topic|prefix|storage|sink|stream")


def _settings(values: Any) -> dict[str, Any]:
    return {plain(path): value for path, value in leaves(values if isinstance(values, dict) else {})
            if not LOCATING.search(plain(path))}


def _covers(old: dict[str, Any], new: dict[str, Any], unknown: dict[str, Any]) -> bool:
    """Whether settings NEW keep every setting of OLD: a switch on stays on, a list keeps its items, others equal."""
    for path, was in old.items():
        now = new.get(path)
        if path not in new and path in unknown:
            continue
        if isinstance(was, bool):
            if was and now is not True:
                return False
        elif isinstance(was, list):
            if not isinstance(now, list) or any(item not in now for item in was):
                return False
        elif was not in (None, "") and now != was:
            return False
    return True


def covering_successor(change: Change, ri: ReviewInput) -> str | None:
    """Why a deleted watched object loses nothing, or None: a created object of its type covers at least as much."""
    if change.action is not Action.DELETE or change.type not in DELETE_WATCHES:
        return None
    old = _settings(change.before)
    for other in plan_view(ri).of(Action.CREATE):
        if other.type == change.type and other.address != change.address and other.mode == "managed":
            unknown = _settings(other.after_unknown) if isinstance(other.after_unknown, dict) else {}
            if _covers(old, _settings(other.after), unknown):
                return f"{other.address} is created with every setting it had on, covering at least as much"
    return None


@grader
def protection_kept_by_successor(review_input: ReviewInput, findings: list[Finding]) -> list[Finding]:
    """A protection switched off by destroying a watched object that a covering successor replaces: medium."""
    deleted = {c.address: c for c in plan_view(review_input).of(Action.DELETE) if c.mode == "managed"}
    graded: list[Finding] = []
    for found in findings:
        change = deleted.get(found.address or "")
        if found.severity is Severity.HIGH and change is not None \
                and DELETE_WATCHES.get(change.type, ("",))[0] == found.rule \
                and (why := covering_successor(change, review_input)) is not None:
            found = graded_medium(found, why, in_parentheses=True)
        graded.append(found)
    return graded
