"""Risk rules, context grading: a deleted record set or log sink that the same plan makes again — an apex record
deleted while a record of the same type is created for the same name in the same zone (the record set is
replaced, no delegation is lost; NS records are left alone: new name servers move the delegation), and a logging
sink destroyed while a successor of its type watches the same source with the same selection (sinks.py)."""

from __future__ import annotations

from typing import Any

from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import Finding, ReviewInput, grader
from tfreview.pipeline.rules.common import known, sides
from tfreview.pipeline.rules.delegations import DATA_KEYS
from tfreview.pipeline.rules.grading import high_graded_medium
from tfreview.pipeline.rules.planview import plan_view
from tfreview.pipeline.rules.reach import DELEGATION, RECORD_TYPES

ZONE_KEYS = ("zone_id", "zone", "zone_name", "managed_zone", "hosted_zone_id", "domain")


def _kind(values: dict[str, Any]) -> str:
    return str(values.get("type") or values.get("record_type") or "").upper()


def _name(values: dict[str, Any]) -> str:
    return str(values.get("name") or values.get("fqdn") or "").strip().rstrip(".").lower()


def _same_set(old: dict[str, Any], new: dict[str, Any]) -> bool:
    """Whether NEW is a record of OLD's type, name and zone, with data of its own."""
    return _kind(new) == _kind(old) != "NS" and _name(new) == _name(old) \
        and all(new.get(k) == old.get(k) for k in ZONE_KEYS if k in old or k in new) \
        and any(new.get(k) not in (None, "", [], {}) and known(new.get(k)) for k in DATA_KEYS)


def record_remade(change: Change, ri: ReviewInput) -> str | None:
    """The record created in this plan for the deleted record's type, name and zone, or None."""
    old = sides(change)[0]
    if change.action is not Action.DELETE or not RECORD_TYPES.search(change.type) or not _kind(old):
        return None
    for other in plan_view(ri).creates_by_type.get(change.type, []):
        if _same_set(old, sides(other)[1]):
            return other.address
    return None


@grader
def remade(review_input: ReviewInput, findings: list[Finding]) -> list[Finding]:
    """Apex record deletes that the plan makes again: medium, with the successor named (a stream's successor is
    sinks.py's)."""
    return high_graded_medium(review_input, findings, DELEGATION,
                              lambda found, change: _replaced(change, review_input), (Action.DELETE,))


def _replaced(change: Change, review_input: ReviewInput) -> str | None:
    """Why a deleted record set is medium: the plan creates a record of its type for its name."""
    new = record_remade(change, review_input)
    return f"{new} is created for the same name and type: the record set is replaced, not lost" if new else None
