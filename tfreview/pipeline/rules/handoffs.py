"""Risk rules, context grading: a privileged role handed from a person to a group of the same organisation, on the
same resource, in the same plan (the person's grant removed, the group's created) moves access that was already
held: the group's grant is medium, not high.

Only a person (user) to a group qualifies, with the same role on the same resource, and, where members carry an
e-mail address, the group in the person's own domain. A role that no removed grant held, a group of another
domain, or a service account or everyone taking a person's place stays high.
"""

from __future__ import annotations

from typing import Any

from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import Finding, ReviewInput, grader
from tfreview.pipeline.rules.common import sides
from tfreview.pipeline.rules.grading import EVERY_ACTION, high_graded_medium
from tfreview.pipeline.rules.grants import GRANT_PREFIXES, GRANT_TYPES, PRIVILEGED, grants
from tfreview.pipeline.rules.planview import plan_view

# Attributes of a grant that say who gets what, not which resource it is on.
NOT_PLACE = frozenset({"id", "role", "member", "members", "etag", "policy_data", "condition", "principal_id",
                       "principal_type", "role_definition_name", "role_definition_id", "name", "description",
                       "skip_service_principal_aad_check"})
PEOPLE = frozenset({"user"})
GROUPS = frozenset({"group"})

Held = tuple[str, tuple[tuple[str, str], ...], str]  # (type, resource it is on, role)


@grader
def handed_to_group(review_input: ReviewInput, findings: list[Finding]) -> list[Finding]:
    """A privileged grant to a group that takes over the same role on the same resource from a removed person."""
    return high_graded_medium(review_input, findings, PRIVILEGED,
                              lambda found, grant: _handed_over(grant, review_input), EVERY_ACTION)


def _handed_over(grant: Change, review_input: ReviewInput) -> str | None:
    """Why a grant created or updated is medium: a person's removed grants of its role on its resource go to it."""
    if grant.action not in (Action.CREATE, Action.UPDATE):
        return None
    removed: dict[Held, set[str]] = plan_view(review_input).derived("grants removed", lambda v: _removed(v.changes))
    who = _handed(grant, removed)
    return f"handed over from {who}, whose grant of the same role on the same resource this plan removes" if who \
        else None


def _granting(change: Change) -> bool:
    return change.type in GRANT_TYPES or change.type.startswith(GRANT_PREFIXES)


def _place(values: dict[str, Any]) -> tuple[tuple[str, str], ...]:
    """The resource a grant is on: its top-level string settings other than who and what."""
    return tuple(sorted((k, v) for k, v in values.items() if k not in NOT_PLACE and isinstance(v, str)))


def _removed(view_changes: list[Change]) -> dict[Held, set[str]]:
    """The members each (type, resource, role) loses in this plan: deleted grants and members an update drops."""
    found: dict[Held, set[str]] = {}
    for change in view_changes:
        if change.mode != "managed" or not _granting(change) or change.action not in (
                Action.DELETE, Action.UPDATE, Action.REPLACE):
            continue
        before, after = sides(change)
        for role, member in grants(change.type, before) - grants(change.type, after):
            found.setdefault((change.type, _place(before), role), set()).add(_who(member, before))
    return found


def _who(member: str, values: dict[str, Any]) -> str:
    """A member as `kind:address`, its kind read from its prefix (`user:`) or the grant's principal type."""
    if ":" in member:
        return member
    kind = values.get("principal_type")
    return f"{kind.lower()}:{member}" if isinstance(kind, str) else member


def _kind_domain(who: str) -> tuple[str, str | None]:
    kind, _, address = who.partition(":")
    return kind.lower(), address.rpartition("@")[2].lower() if "@" in address else None


def _handed(grant: Change, removed: dict[Held, set[str]]) -> str | None:
    """The person whose removed grants the group's new grants only take over, or None."""
    before, after = sides(grant)
    new = grants(grant.type, after) - grants(grant.type, before)
    people: list[str] = []
    for role, member in sorted(new):
        kind, domain = _kind_domain(_who(member, after))
        if kind not in GROUPS:
            return None
        gone = [who for who in removed.get((grant.type, _place(after), role), set())
                if _kind_domain(who)[0] in PEOPLE and _kind_domain(who)[1] == domain]
        if not gone:
            return None
        people.append(sorted(gone)[0])
    return ", ".join(sorted(set(people))) or None
