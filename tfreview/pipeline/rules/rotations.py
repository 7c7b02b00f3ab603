"""Risk rules, context grading (identity): a new wide-reaching API key whose predecessor of the same type and no
narrower scope is deleted in the same plan is a rotation — the set of keys reaching that far does not grow, so the
new key is medium (check the old key's users move), not a new grant (high). A new key with no predecessor deleted
stays as `tenants` graded it."""

from __future__ import annotations

from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import Finding, ReviewInput, grader
from tfreview.pipeline.rules.common import sides, string_leaves
from tfreview.pipeline.rules.grading import high_graded_medium
from tfreview.pipeline.rules.grants import PRIVILEGED
from tfreview.pipeline.rules.tenants import KIND_KEYS, SCOPE_KEYS

NEW_KEY = "creates an API key with"  # the words of `tenants`' finding for a new wide key


def _scope(change: Change, after: bool) -> set[str]:
    """Every scope, role, permission and kind value one side of a key holds."""
    before, now = sides(change)
    values = now if after else before
    return {text.lower() for key in (*SCOPE_KEYS, *KIND_KEYS) for text in string_leaves(values.get(key))}


def _predecessor(change: Change, review_input: ReviewInput) -> Change | None:
    """A key of the same type, in the same module, deleted in this plan, whose scope holds all the new key's."""
    wanted = _scope(change, after=True)
    return next((other for other in review_input.changeset.changes
                 if other.mode == "managed" and other.action is Action.DELETE and other.type == change.type
                 and other.module == change.module and wanted <= _scope(other, after=False)), None)


@grader
def rotated_keys(review_input: ReviewInput, findings: list[Finding]) -> list[Finding]:
    """A new wide key whose predecessor (same type and module, no narrower scope) is deleted here: medium."""
    return high_graded_medium(review_input, findings, PRIVILEGED,
                              lambda found, change: _rotation(found, change, review_input), (Action.CREATE,))


def _rotation(found: Finding, change: Change, review_input: ReviewInput) -> str | None:
    """Why a new wide key is medium: its predecessor is deleted in this plan."""
    old = _predecessor(change, review_input) if NEW_KEY in found.message else None
    return None if old is None else (f"a rotation: {old.address}, of the same type and scope, is deleted in this "
                                     "plan; check its users move to the new key")
