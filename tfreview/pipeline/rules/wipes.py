"""Risk rules, identity: an authoritative access list (a whole IAM policy, or a role binding that lists every
member) that drops every holder of an owner or admin role, or most of what it granted. It replaces what is there:
access it no longer lists is removed, owners included (lockout), on any provider.

An additive grant (`*_iam_member`, a role assignment) is not authoritative: removing one is judged as a delete.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import orjson

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.configuration import configuration
from tfreview.pipeline.findings import Finding, ReviewInput, Severity, declare, finding, managed, on_change, rule
from tfreview.pipeline.rules.common import as_list, sides
from tfreview.pipeline.rules.grants import grants, privilege

WIPED = declare("access-wiped", Severity.HIGH,
                "An authoritative access list (a whole IAM policy, or a role binding that lists every member) "
                "drops every holder of an owner or admin role, or a whole policy drops most of its bindings: "
                "access it does not list is removed, owners included.")

# Authoritative types: a whole policy, or an IAM role binding that lists every member of the role on its resource
# (not `aws_iam_policy`, a document; not a Kubernetes binding, one of many that may give the same role).
AUTHORITATIVE = lazy_compile(r"_(?:iam_)?policy$|_iam_bindings?$")
WHOLE_POLICY = lazy_compile(r"_policy$")
# A whole policy of what contains everything else (a project, folder, organisation, account): deleting it leaves
# only access inherited from above. A resource's own policy goes with the resource and is judged with it.
TOP_LEVEL = lazy_compile(r"(?:^|_)(?:project|folder|organization|organisation|org|account|tenant|billing)_")
DOCUMENT_KEYS = ("policy_data", "policy", "bindings")
# Role names of any provider that administer what they are on.
ADMIN_WORDS = lazy_compile(r"(?:^|[^a-z])(?:owner|owners|admin|administrator|superuser|root)(?:[^a-z]|$)")
# AWS `*_policy` types are permission documents (what a holder may do), not lists of who holds a role.
AWS_DOCUMENTS = lazy_compile(r"^aws_")


@on_change(actions=(Action.UPDATE, Action.REPLACE, Action.DELETE))
def _wiped(change: Change) -> Iterator[Finding]:
    if not AUTHORITATIVE.search(change.type) or AWS_DOCUMENTS.match(change.type) \
            or (change.action is Action.DELETE and not (WHOLE_POLICY.search(change.type)
                                                        and TOP_LEVEL.search(change.type))):
        return
    before, after = sides(change)
    unknown = change.after_unknown if isinstance(change.after_unknown, dict) else {}
    if any(unknown.get(key) for key in (*DOCUMENT_KEYS, "binding", "members")):
        return  # known only after apply: judged by what the configuration shows (unresolved-value)
    old, new = holders(change.type, before), holders(change.type, after) if change.action is not Action.DELETE \
        else set()
    if not old:
        return
    roles = {role for role, _ in old}
    kept = {role for role, _ in new}
    wiped = sorted(role for role in roles - kept if _admin(change.type, role))
    if wiped:
        members = sorted(member for role, member in old if role == wiped[0])
        yield finding(WIPED, change.address, f"{change.address}: every holder of {wiped[0]} loses it "
                      f"({', '.join(members[:3])}{' …' if len(members) > 3 else ''}); the list is authoritative, so "
                      "access it does not name is removed — check someone can still administer it")
    elif WHOLE_POLICY.search(change.type) and len(roles - kept) * 2 > len(roles) and len(old - new) >= 2:
        yield finding(WIPED, change.address, f"{change.address}: the policy drops {len(roles - kept)} of its "
                      f"{len(roles)} role bindings ({len(old - new)} grants); it is authoritative, so every grant "
                      "it no longer lists is removed")


def holders(resource_type: str, values: dict[str, Any]) -> set[tuple[str, str]]:
    """Every (role, member) an authoritative list of any provider holds: its policy document's bindings, its
    `binding` blocks, or its own role and members."""
    found = set(grants(resource_type, values)) if values else set()
    for key in DOCUMENT_KEYS:
        found |= _bindings(_decoded(values.get(key)) if key != "bindings" else {"bindings": values.get(key)})
    found |= _bindings({"bindings": values.get("binding")})
    if isinstance(values.get("role"), str):
        found |= {(values["role"], str(m)) for m in as_list(values.get("members")) if isinstance(m, str)}
    return found


def _decoded(text: Any) -> Any:
    if not isinstance(text, str) or not text.lstrip().startswith("{"):
        return text
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return None


def _bindings(document: Any) -> set[tuple[str, str]]:
    if not isinstance(document, dict):
        return set()
    return {(str(b["role"]), str(m)) for b in as_list(document.get("bindings"))
            if isinstance(b, dict) and isinstance(b.get("role"), str) for m in as_list(b.get("members"))}


def _admin(resource_type: str, role: str) -> bool:
    """Whether a role administers what it is on: graded high by `privilege`, or named owner or admin."""
    return privilege(resource_type, role) is Severity.HIGH or bool(ADMIN_WORDS.search(role.lower()))


# --- an access model switched with nothing granted in the new one -------------------------------------------------
# A switch from a resource's own access list to role assignments (a key vault's `enable_rbac_authorization`): the
# access policies stop applying at once, and whoever is not assigned a role loses access.
RBAC_SWITCH = lazy_compile(r"enable_rbac_authorization|rbac_authorization_enabled|enable_rbac|rbac_enabled")
ASSIGNMENTS = lazy_compile(r"role_assignment")


@rule(WIPED, Severity.HIGH, "An authoritative access list drops every admin, or a resource switches to role "
      "assignments while this plan assigns none on it: access it does not list is removed.")
def _switched_to_roles(ri: ReviewInput) -> Iterator[Finding]:
    assignments = [c for c in managed(ri.changeset, Action.CREATE, Action.UPDATE, Action.REPLACE)
                   if ASSIGNMENTS.search(c.type)]
    config = configuration(ri.plan)
    for change in managed(ri.changeset, Action.UPDATE):
        before, after = sides(change)
        switched = [k for k in after if RBAC_SWITCH.fullmatch(k) and after[k] is True and before.get(k) is False]
        if not switched or any(_on(a, change, config) for a in assignments):
            continue
        held = len(as_list(before.get("access_policy")))
        yield finding(WIPED, change.address, f"{change.address}: {switched[0]} false → true while this plan assigns no "
                      f"role on it: its access policies{f' ({held})' if held else ''} stop applying, and every app "
                      "and person not assigned a role loses access")


def _on(assignment: Change, target: Change, config: Any) -> bool:
    """Whether a role assignment is scoped to TARGET: by its id, or by the configuration's reference."""
    ident = (target.after if isinstance(target.after, dict) else {}).get("id")
    scope = (assignment.after if isinstance(assignment.after, dict) else {}).get("scope")
    if isinstance(ident, str) and ident and scope == ident:
        return True
    references = (config.expressions(assignment.address) or {}).get("scope")
    found = references.get("references") if isinstance(references, dict) else None
    return any(str(r).startswith(target.address) for r in as_list(found))
