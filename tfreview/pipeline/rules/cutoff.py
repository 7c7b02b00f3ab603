"""Risk rules, lifecycle helper: a grant deleted from a production workload's own identity (a service principal,
service account or managed identity that a workload this plan keeps runs as) with no grant in the plan taking
over: the workload loses access it uses (image pulls, reads, writes) — high. A person's or group's grant removed
narrows access and stays medium; ladders.py grades deletes with it."""

from __future__ import annotations

from typing import Any

import orjson

from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import ReviewInput
from tfreview.pipeline.rules.common import sides
from tfreview.pipeline.rules.environments import PRODUCTION_TOKENS, label_tokens
from tfreview.pipeline.rules.grants import GRANT_PREFIXES, GRANT_TYPES, grants
from tfreview.pipeline.rules.planview import plan_view
from tfreview.pipeline.rules.units import words

# Kinds of principal that a workload runs as, in member prefixes (`serviceAccount:`) or principal types.
WORKLOADS = frozenset({"serviceaccount", "serviceprincipal", "managedidentity", "principalset", "workloadidentity",
                       "application", "app", "role"})
STAYS = (Action.NO_OP, Action.UPDATE, Action.READ)


def workload_cut_off(change: Change, ri: ReviewInput) -> str | None:
    """Why a deleted grant cuts a production workload off: its principal is a workload identity that a production
    resource this plan keeps runs as, and no grant the plan makes gives it the same role; else None."""
    if change.action is not Action.DELETE or not (change.type in GRANT_TYPES or change.type.startswith(GRANT_PREFIXES)):
        return None
    before = change.before if isinstance(change.before, dict) else {}
    view = plan_view(ri)
    given = view.derived("grants made", _made)
    for role, member in sorted(grants(change.type, before)):
        principal = _workload(member, before)
        if principal is None or (role, principal) in given:
            continue
        user = _user(principal, view.changes, change)
        if user is not None:
            return f"{user.address}, a production workload this plan keeps, runs as {principal} and loses {role}; " \
                   "no grant in the plan takes over"
    return None


def _workload(member: str, values: dict[str, Any]) -> str | None:
    """The principal of a grant when it is a workload identity, not a person or group; else None."""
    kind, sep, address = member.partition(":")
    if not sep:
        kind, address = str(values.get("principal_type") or ""), member
    if kind.replace("_", "").replace(" ", "").lower() not in WORKLOADS or len(address) < 8:
        return None
    return address


def _made(view: Any) -> set[tuple[str, str]]:
    """(role, principal) of every grant the plan creates or changes, principals without their kind prefix."""
    made: set[tuple[str, str]] = set()
    for other in view.of(Action.CREATE, Action.UPDATE, Action.REPLACE):
        if other.type in GRANT_TYPES or other.type.startswith(GRANT_PREFIXES):
            made |= {(role, member.partition(":")[2] or member) for role, member in grants(other.type, sides(other)[1])}
    return made


def _user(principal: str, changes: list[Change], grant: Change) -> Change | None:
    """A resource the plan keeps, named production, whose settings hold the principal (it runs as it)."""
    needle = orjson.dumps(principal)
    for other in changes:
        if other is grant or other.mode != "managed" or other.action not in STAYS \
                or other.type in GRANT_TYPES or other.type.startswith(GRANT_PREFIXES):
            continue
        values = sides(other)[1] or sides(other)[0]
        if needle not in orjson.dumps(values):
            continue
        name = words(f"{other.name} {values.get('name') or ''}")
        if (name | label_tokens(values)) & PRODUCTION_TOKENS:
            return other
    return None
