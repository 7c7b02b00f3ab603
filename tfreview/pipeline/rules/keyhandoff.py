"""Risk rules, context grading (keys): an encryption key disabled, not deleted, after every reference to it moves to
a key of its type created in the same plan (an alias retargeted, a database's key_ref) — a rotation; the old key
stays recoverable and nothing kept still names it, so the finding is medium. A key disabled while something kept
still holds its id, or with no successor created, stays high."""

from __future__ import annotations

from collections import defaultdict

from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import Finding, ReviewInput, Severity, grader
from tfreview.pipeline.rules.common import string_leaves
from tfreview.pipeline.rules.planview import PlanView, plan_view
from tfreview.pipeline.rules.referrers import _Repointed
from tfreview.pipeline.rules.vocabulary import KEY

DISABLED = "(the key is disabled)"  # the words of the key-disabled control for a key switched off
IDENTIFIERS = ("id", "key_id", "arn", "self_link", "name")


def _holders(view: PlanView) -> dict[str, set[str]]:
    """The addresses of kept objects by every string they hold after the plan (once per plan)."""
    found: dict[str, set[str]] = defaultdict(set)
    for other in view.changes:
        if other.mode == "managed" and other.action is not Action.DELETE:
            for text in string_leaves(other.after):
                found[text].add(other.address)
    return found


def handed_over(change: Change, review_input: ReviewInput) -> str | None:
    """Why disabling this key strands nothing, or None: a same-type key is created here, references holding the
    old key's id move to one known after apply, and no other kept object still holds that id."""
    view = plan_view(review_input)
    before = change.before if isinstance(change.before, dict) else {}
    successors = view.creates_by_type.get(change.type, [])
    ids = {v for key in IDENTIFIERS if isinstance(v := before.get(key), str) and len(v) >= 8}
    if change.action is not Action.UPDATE or not successors or not ids:
        return None
    index = view.derived("references moved to new ids", _Repointed)
    moved = [ref for value in ids for ref in index.moved.get(value, []) if ref[0].address != change.address]
    holders = view.derived("kept objects by the strings they hold", _holders)
    if not moved or any(holders.get(value, set()) - {change.address} for value in ids):
        return None
    referrers = ", ".join(sorted({c.address for c, _ in moved}))
    return (f"a rotation: {successors[0].address} is created in the same plan and {referrers} now refers to it; "
            "nothing kept still names the old key, which is disabled, not deleted")


@grader
def disabled_after_handover(review_input: ReviewInput, findings: list[Finding]) -> list[Finding]:
    """A key disabled after its references moved to a new key of its type: medium."""
    if not any(f.rule == KEY and DISABLED in f.message and f.severity is Severity.HIGH for f in findings):
        return findings
    updated = {c.address: c for c in plan_view(review_input).of(Action.UPDATE)}
    graded: list[Finding] = []
    for found in findings:
        change = updated.get(found.address or "")
        if found.rule == KEY and DISABLED in found.message and found.severity is Severity.HIGH \
                and change is not None and (why := handed_over(change, review_input)) is not None:
            found = found.model_copy(update={"severity": Severity.MEDIUM, "message": f"{found.message} — {why}"})
        graded.append(found)
    return graded
