"""Risk rules, lifecycle helper (delete grading): a deleted grant whose access the same plan grants again — a create
of any type names the same target and either the same principal (access policies moved to role assignments) or the
same permissions (a broad group's read handed to a narrower group). Deleting a grant only narrows; what makes it
worth a look is a lock-out (the last holder of a permission gone), and a grant made again rules that out; the new
grant is judged by its own rules. ladders.py grades deletes with it."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import ReviewInput
from tfreview.pipeline.rules.common import string_leaves
from tfreview.pipeline.rules.narrowing import RESTRICTING
from tfreview.pipeline.rules.planview import PlanView, plan_view

# Settings that name who is granted (a principal, member, grantee, object id of an identity).
PRINCIPAL = lazy_compile(r"^(?:principal|principal_id|principal_name|object_id|member|grantee|identity|user|user_id"
                         r"|user_name|group|group_id|group_name|service_account|team|team_id|assignee)$")
# Settings that say what is granted (a permission, privilege, role or access level, or a list of them).
PERMISSION = lazy_compile(r"^(?:\w+_)?(?:permission|permissions|privilege|privileges|role|roles|access|access_level"
                          r"|role_definition_name|role_definition_id)$")
# Settings that say where a grant applies (its scope, the object it is on) are what is left, less these.
NOT_TARGET = lazy_compile(r"^(?:id|tenant_id|tenant|etag|description|condition\w*|name|display_name)$")
MIN_TARGET = 4  # a shorter target value would be found inside unrelated values


def _parts(values: dict[str, Any]) -> tuple[set[str], set[str], set[str]]:
    """(principals, permissions, targets) of a grant's own settings, each as the strings they hold."""
    principals: set[str] = set()
    permissions: set[str] = set()
    targets: set[str] = set()
    for key, value in values.items():
        strings = {s for s in string_leaves(value) if s}
        if PRINCIPAL.match(key):
            principals |= strings
        elif PERMISSION.match(key):
            permissions |= {s.lower() for s in strings}
        elif not NOT_TARGET.match(key):
            targets |= {s for s in strings if len(s) >= MIN_TARGET}
    return principals, permissions, targets


def _creates_by_string(view: PlanView) -> dict[str, list[Change]]:
    """The plan's creates by every string their values hold (once per plan)."""
    found: dict[str, list[Change]] = defaultdict(list)
    for change in view.of(Action.CREATE):
        for text in set(string_leaves(change.after)):
            found[text].append(change)
    return found


def granted_again(change: Change, ri: ReviewInput) -> str | None:
    """Why deleting this grant locks no one out, or None: it names a principal, a permission and a target, says no
    deny or block, and a create of the plan holds its target and either its principal or every one of its
    permissions (nothing more said about the create's own breadth: its own rules judge that)."""
    before = change.before if isinstance(change.before, dict) else {}
    principals, permissions, targets = _parts(before)
    if not principals or not permissions or not targets or RESTRICTING.search(change.type) \
            or any(RESTRICTING.search(text) for text in string_leaves(before)):
        return None
    holding = plan_view(ri).derived("creates by the strings they hold", _creates_by_string)
    for other in holding.get(min(targets), []):
        after = other.after if isinstance(other.after, dict) else {}
        held = set(string_leaves(after))
        if not targets <= held:
            continue
        new_principals, new_permissions, _ = _parts(after)
        if principals & new_principals:
            return f"{other.address} grants the same principal access to the same target: the access moves there"
        if other.type == change.type and permissions <= new_permissions:
            return f"{other.address} grants the same permissions on the same target to another principal"
    return None
