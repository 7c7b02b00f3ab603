"""Risk rules, context grading: a block moved out into a resource of its own. Providers split settings that used to
live inside an object into standalone resources (AWS provider 4: `aws_s3_bucket_logging`, `aws_redshift_logging`,
`aws_s3_bucket_versioning`); the migration empties the block on the object and creates the new resource in the same
plan. A high finding about that block being removed is graded medium when the plan creates a resource of the same
provider named for the block (`…_logging` for `logging`, `…_<block>_configuration`) that names the object and holds
every value the block held: the settings moved, they did not go.

A new resource missing one of the old values (another bucket, fewer log streams) or naming another object leaves
the finding as it was.
"""

from __future__ import annotations

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import Finding, ReviewInput, Severity, graded_medium, grader
from tfreview.pipeline.rules.common import as_dict, string_leaves
from tfreview.pipeline.rules.planview import plan_view

BLOCK = lazy_compile(r"^([a-z][a-z0-9_]*)(?:\[\d+\])?(?:[.\s]|$)")
IDENTIFIERS = ("id", "name", "identifier", "cluster_identifier", "bucket", "arn")
MIN_ID = 3


def _block(found: Finding) -> str | None:
    """The top-level block a finding is about (`logging` of `x: logging[0].bucket_name … → null`)."""
    rest = found.message.removeprefix(f"{found.address}: ") if found.address else ""
    match = BLOCK.match(rest)
    return match.group(1) if match and rest != found.message else None


def _standalone(change: Change, block: str, ri: ReviewInput) -> Change | None:
    """A resource the plan creates for BLOCK of CHANGE's object, naming it and holding every value BLOCK held."""
    provider = change.type.split("_", 1)[0]
    held = [v for v in string_leaves(as_dict(change.before).get(block)) if v]
    own = {v for key in IDENTIFIERS if isinstance(v := as_dict(change.before).get(key), str) and len(v) >= MIN_ID}
    if not held or not own:
        return None
    for other in plan_view(ri).of(Action.CREATE):
        if not other.type.startswith(f"{provider}_") or not (other.type.endswith(f"_{block}")
                                                             or other.type.endswith(f"_{block}_configuration")):
            continue
        texts = set(string_leaves(as_dict(other.after)))
        if own & texts and all(value in texts for value in held):
            return other
    return None


@grader
def moved_to_own_resource(review_input: ReviewInput, findings: list[Finding]) -> list[Finding]:
    """High findings on a block the plan moves, whole, into a resource of its own: medium."""
    changes: dict[str, Change] | None = None
    graded: list[Finding] = []
    for found in findings:
        block = _block(found) if found.severity is Severity.HIGH else None
        if block is not None:
            changes = changes or {c.address: c for c in plan_view(review_input).of(Action.UPDATE)}
            change = changes.get(found.address or "")
            target = _standalone(change, block, review_input) if change is not None else None
            if target is not None:
                found = graded_medium(found, f"the {block} settings move, whole, to {target.address}, which this "
                                             "plan creates")
        graded.append(found)
    return graded
