"""Risk rules, context grading (identity): a new privileged grant to a principal whose grant of at least that
privilege the same plan removes — the same admin access moved to a new mechanism (aws-auth's system:masters mapping
to an EKS access policy, an IAM binding to a role assignment), not new privilege, so medium. A new admin grant with
nothing removed, or removed from another principal or at a lower level or narrower scope (a project's owner given
up for an IAM admin role at the organisation), stays high."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import Finding, ReviewInput, Severity, grader
from tfreview.pipeline.rules.common import as_dict, string_leaves
from tfreview.pipeline.rules.grading import high_graded_medium
from tfreview.pipeline.rules.grants import PRIVILEGED, grants, named_members, privilege
from tfreview.pipeline.rules.planview import PlanView, plan_view

# Settings that name the principal a grant reaches, beyond the member keys grants.py reads (`principal_arn`).
PRINCIPAL_KEY = lazy_compile(r"(?:\w+_)?(?:principal|member|grantee|assignee|user|group)(?:_arn|_id|_name|_email)?"
                             r"|role_arn")
# Groups that are full administrators by definition wherever a text mapping names them (Kubernetes).
ADMIN_GROUPS = lazy_compile(r"(?<![\w:-])(?:system:masters|cluster-admin)(?![\w:-])")
# One entry of a list written as YAML text (`- rolearn: …`): a mapping's principal and groups are read together.
ENTRY = lazy_compile(r"(?m)^[ \t]*-[ \t]+")
MIN_PRINCIPAL = 8  # a shorter principal would be found inside unrelated values
# Where a grant applies: when both grants name one of these and the values differ, the access does not move.
SCOPE_KEYS = lazy_compile(r"project|scope|cluster|cluster_name|account_id|org_id|organization|folder|target_id"
                          r"|resource_group_name|subscription_id")
# The principal of an entry of a text mapping (`rolearn: arn:aws:iam::1:role/sre`, `userarn:`, `principal:`).
MAPPED = lazy_compile(r"(?im)^[ \t-]*(?:\w*arn|principal\w*|member)[ \t]*:[ \t]*[\"']?(?P<p>[^\s\"']{8,})")


def principals(values: dict[str, Any]) -> set[str]:
    """The principals a grant names, by its member keys and principal settings."""
    found = named_members(values) | {text for key, value in values.items() if PRINCIPAL_KEY.fullmatch(str(key))
                                     for text in string_leaves(value)}
    return {p for p in found if len(p) >= MIN_PRINCIPAL}


def held_admin(change: Change, principal: str) -> bool:
    """Whether the removed object gave PRINCIPAL a high grant: a high (role, member) pair, or a text mapping entry
    naming the principal with an administrators' group."""
    before = as_dict(change.before)
    if any(member == principal and privilege(change.type, role) is Severity.HIGH
           for role, member in grants(change.type, before)):
        return True
    return any(principal in entry and ADMIN_GROUPS.search(entry)
               for text in string_leaves(before) if principal in text for entry in ENTRY.split(text))


# Scopes above a project, account or resource: a grant there reaches everything under it (GCP organisation and
# folder, Azure management group and tenant, an enterprise), however its type or settings name it.
WIDE_SCOPE = lazy_compile(r"organi[sz]ation|(?:^|_)org(?:_|$)|folder|tenant|enterprise|management_?group"
                          r"|billing_account")


def _wider(old: Change, new: Change) -> bool:
    """Whether the new grant sits at a scope above every one the removed grant names (organisation over project)."""
    def wide(change: Change, values: dict[str, Any]) -> bool:
        return WIDE_SCOPE.search(change.type) is not None or any(
            SCOPE_KEYS.fullmatch(str(key)) and WIDE_SCOPE.search(str(key)) for key, value in values.items() if value)
    return wide(new, as_dict(new.after)) and not wide(old, as_dict(old.before))


def _same_scope(old: Change, new: Change) -> bool:
    """Whether no scope setting both grants name differs (a project, cluster, account…), and the new grant is not at
    a wider scope than the removed one."""
    before = as_dict(old.before)
    after = as_dict(new.after)
    return not _wider(old, new) and not any(
        SCOPE_KEYS.fullmatch(str(key)) and isinstance(after.get(key), str) and value != after[key]
        for key, value in before.items() if isinstance(value, str))


def _mapped(change: Change) -> set[str]:
    """The principals a change's text mappings name (`rolearn: …` entries)."""
    before = as_dict(change.before)
    return {m.group("p") for text in string_leaves(before) for m in MAPPED.finditer(text)}


def _deletes_by_principal(view: PlanView) -> dict[str, list[Change]]:
    """The plan's deletes by every principal their grants or text mappings name (once per plan)."""
    found: dict[str, list[Change]] = defaultdict(list)
    for old in view.of(Action.DELETE):
        before = as_dict(old.before)
        for principal in {member for _, member in grants(old.type, before)} | _mapped(old):
            found[principal].append(old)
    return found


def moved_from(change: Change, review_input: ReviewInput) -> Change | None:
    """A delete of this plan that gave one of the new grant's principals a high grant at the same scope."""
    after = as_dict(change.after)
    index = plan_view(review_input).derived("deletes by principal", _deletes_by_principal)
    return next((old for principal in sorted(principals(after)) for old in index.get(principal, [])
                 if _same_scope(old, change) and held_admin(old, principal)), None)


def mapping_regranted(change: Change, ri: ReviewInput) -> str | None:
    """Why deleting a text mapping of identities (aws-auth's mapRoles) locks no one out, or None: every principal
    it maps is named as a principal by a create of the same plan (an access entry each)."""
    mapped = _mapped(change)
    if change.action is not Action.DELETE or not mapped:
        return None
    granted = plan_view(ri).derived("principals of creates", lambda view: {
        p for new in view.of(Action.CREATE) if isinstance(new.after, dict) for p in principals(new.after)})
    if not mapped <= granted:
        return None
    return f"every identity it maps ({len(mapped)}) is granted again by a create of this plan"


@grader
def privilege_moved(review_input: ReviewInput, findings: list[Finding]) -> list[Finding]:
    """A new high grant whose principal's high grant is removed in the same plan: medium."""
    return high_graded_medium(review_input, findings, PRIVILEGED,
                              lambda found, change: _moved(change, review_input), (Action.CREATE,))


def _moved(change: Change, review_input: ReviewInput) -> str | None:
    """Why a new high grant is medium: its principal's high grant at the same scope is deleted in this plan."""
    old = moved_from(change, review_input)
    return None if old is None else (f"the same principal's admin grant in {old.address} is removed in this plan: "
                                     "the access moves, it does not grow")
