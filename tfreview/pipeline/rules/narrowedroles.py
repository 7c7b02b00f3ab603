"""Risk rules, context grading: an admin role granted in a plan that removes a tenant-wide one of the same provider
(Okta users' SUPER_ADMIN deleted while a group gets APP_ADMIN): the new role is narrower than what the plan takes
away, so access narrows overall and the grant is medium, not high. A new role that is itself tenant-wide (super,
org, owner, root, global), one that manages identities or permissions (a security or IAM admin can grant itself
anything), one granted at a wider level than the removed ones (an organisation's grant for a project's), or one
granted where the plan removes nothing tenant-wide, stays high."""

from __future__ import annotations

import re
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import Finding, ReviewInput, grader
from tfreview.pipeline.rules.common import sides, string_leaves
from tfreview.pipeline.rules.grading import EVERY_ACTION, high_graded_medium
from tfreview.pipeline.rules.grants import PRIVILEGED
from tfreview.pipeline.rules.planview import plan_view
from tfreview.pipeline.rules.tenants import LEVEL_KEY, WHOLE_TENANT, admin_value

# A role that manages who may do what: its holder can grant itself any role, so it is never narrower.
GRANTS_ROLES = lazy_compile(r"security|iam|identit|user|group|role|access|permission|polic|member", re.IGNORECASE)
# Words of a grant's type that name the level it applies at, wider than a project, app or resource.
WIDE_LEVELS = frozenset({"organization", "organisation", "org", "enterprise", "account", "tenant", "global",
                         "folder", "billing", "directory", "management"})


def _levels(resource_type: str) -> set[str]:
    return set(resource_type.split("_")[1:]) & WIDE_LEVELS


def _admin_roles(values: dict[str, Any]) -> set[str]:
    """The admin or owner roles the access-level attributes of one side name."""
    return {v.strip() for k, value in values.items() if LEVEL_KEY.search(k.lower())
            for v in string_leaves(value) if admin_value(v.strip().lower().replace("-", "_").replace(" ", "_"))}


def _provider(change: Change) -> str:
    return change.type.partition("_")[0]


def _removed_tenant_wide(changes: list[Change]) -> dict[str, tuple[set[str], set[str]]]:
    """Per provider, the tenant-wide admin roles this plan's deletes and updates take away, and the wide levels
    their grants' types name."""
    found: dict[str, tuple[set[str], set[str]]] = {}
    for change in changes:
        if change.mode != "managed" or change.action not in (Action.DELETE, Action.UPDATE, Action.REPLACE):
            continue
        before, after = sides(change)
        gone = {r for r in _admin_roles(before) - _admin_roles(after) if WHOLE_TENANT.search(r)}
        if gone:
            roles, levels = found.setdefault(_provider(change), (set(), set()))
            roles.update(gone)
            levels.update(_levels(change.type))
    return found


@grader
def narrowed_roles(review_input: ReviewInput, findings: list[Finding]) -> list[Finding]:
    """A non-tenant-wide admin grant in a plan that removes a tenant-wide admin role of the same provider: medium."""
    return high_graded_medium(review_input, findings, PRIVILEGED,
                              lambda found, grant: _narrower(grant, review_input), EVERY_ACTION)


def _narrower(grant: Change, review_input: ReviewInput) -> str | None:
    """Why an admin role created or updated is medium: it is narrower than tenant-wide ones of its provider that the
    plan removes."""
    if grant.action not in (Action.CREATE, Action.UPDATE):
        return None
    removed = plan_view(review_input).derived("tenant-wide admin roles removed",
                                              lambda view: _removed_tenant_wide(view.changes))
    before, after = sides(grant)
    new = _admin_roles(after) - _admin_roles(before)
    wider, levels = removed.get(_provider(grant), (set(), set()))
    if new and wider and _levels(grant.type) <= levels \
            and not any(WHOLE_TENANT.search(r) or GRANTS_ROLES.search(r) for r in new):
        return f"narrower than {', '.join(sorted(wider)[:3])}, which this plan removes"
    return None
