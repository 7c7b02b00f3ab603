"""Risk rules, context grading: an admin role granted in a plan that removes a tenant-wide one of the same provider
(Okta users' SUPER_ADMIN deleted while a group gets APP_ADMIN): the new role is narrower than what the plan takes
away, so access narrows overall and the grant is medium, not high. A new role that is itself tenant-wide (super,
org, owner, root, global), or one granted where the plan removes nothing tenant-wide, stays high."""

from __future__ import annotations

from typing import Any

from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import Finding, ReviewInput, Severity, grader
from tfreview.pipeline.rules.common import sides, string_leaves
from tfreview.pipeline.rules.grants import PRIVILEGED
from tfreview.pipeline.rules.tenants import LEVEL_KEY, WHOLE_TENANT, admin_value


def _admin_roles(values: dict[str, Any]) -> set[str]:
    """The admin or owner roles the access-level attributes of one side name."""
    return {v.strip() for k, value in values.items() if LEVEL_KEY.search(k.lower())
            for v in string_leaves(value) if admin_value(v.strip().lower().replace("-", "_").replace(" ", "_"))}


def _provider(change: Change) -> str:
    return change.type.partition("_")[0]


def _removed_tenant_wide(changes: list[Change]) -> dict[str, set[str]]:
    """Per provider, the tenant-wide admin roles this plan's deletes and updates take away."""
    found: dict[str, set[str]] = {}
    for change in changes:
        if change.mode != "managed" or change.action not in (Action.DELETE, Action.UPDATE, Action.REPLACE):
            continue
        before, after = sides(change)
        gone = {r for r in _admin_roles(before) - _admin_roles(after) if WHOLE_TENANT.search(r)}
        if gone:
            found.setdefault(_provider(change), set()).update(gone)
    return found


@grader
def narrowed_roles(review_input: ReviewInput, findings: list[Finding]) -> list[Finding]:
    """A non-tenant-wide admin grant in a plan that removes a tenant-wide admin role of the same provider: medium."""
    if not any(f.rule == PRIVILEGED and f.severity is Severity.HIGH for f in findings):
        return findings
    changes = {c.address: c for c in review_input.changeset.changes if c.mode == "managed"}
    removed: dict[str, set[str]] | None = None
    graded: list[Finding] = []
    for found in findings:
        grant = changes.get(found.address or "")
        if found.rule == PRIVILEGED and found.severity is Severity.HIGH and grant is not None \
                and grant.action in (Action.CREATE, Action.UPDATE):
            removed = _removed_tenant_wide(review_input.changeset.changes) if removed is None else removed
            before, after = sides(grant)
            new = _admin_roles(after) - _admin_roles(before)
            wider = removed.get(_provider(grant), set())
            if new and wider and not any(WHOLE_TENANT.search(r) for r in new):
                found = found.model_copy(update={"severity": Severity.MEDIUM, "message": found.message +
                                                 f" — narrower than {', '.join(sorted(wider)[:3])}, which this "
                                                 "plan removes"})
        graded.append(found)
    return graded
