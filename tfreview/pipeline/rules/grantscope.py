"""Risk rules, identity (`grant-scope-widened`): a grant lifted from one resource to a whole project, folder,
organisation or subscription in the same plan — `roles/compute.networkUser` on one shared subnet deleted and the
same role for the same member granted on the host project, an Azure role assignment moved from a resource group to
the subscription. The member keeps the role on what it had and gains it on every other resource there (the PCI
subnet beside the sandbox one). A grant moved sideways or down, or a new grant with no narrower one deleted, is not
this.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import Finding, ReviewInput, Severity, finding, managed, on_change, rule
from tfreview.pipeline.rules.common import as_dict, as_list
from tfreview.pipeline.rules.values import leaves, plain

WIDENED = "grant-scope-widened"
GRANTS = lazy_compile(r"_iam_(?:member|binding)$|role_assignment$")
# Grants on a whole hierarchy level: a project, folder, organisation or billing account; a subscription or a
# management group by its scope.
WHOLE_TYPES = lazy_compile(r"^google_(?:project|folder|organization|billing_account)_iam_")
WHOLE_SCOPE = lazy_compile(r"/subscriptions/[^/]+/?|/providers/microsoft\.management/managementgroups/[^/]+/?")
MEMBER_KEYS = ("member", "members", "principal_id")


@rule(WIDENED, Severity.HIGH, "A grant is lifted in one plan from a single resource to a whole project, folder, "
      "organisation or subscription (the same role for the same member): it now reaches every resource there.")
def _lifted(review_input: ReviewInput) -> Iterator[Finding]:
    narrow = {grant: change for change in managed(review_input.changeset, Action.DELETE)
              if GRANTS.search(change.type) and not _whole(change, "before") for grant in _grants(change, "before")}
    if not narrow:
        return
    for change in managed(review_input.changeset, Action.CREATE, Action.UPDATE, Action.REPLACE):
        if not GRANTS.search(change.type) or not _whole(change, "after"):
            continue
        for grant in _grants(change, "after"):
            if (gone := narrow.get(grant)) is not None:
                yield finding(WIDENED, change.address, f"{change.address}: {grant[1]} for {grant[0]} on the whole "
                              f"scope, where {gone.address} (deleted in this plan) granted it on one resource: it now "
                              "reaches every resource there")
                break


def _grants(change: Change, side: str) -> Iterator[tuple[str, str]]:
    """(member, role) pairs a grant holds."""
    values = as_dict(change.before if side == "before" else change.after)
    role = values.get("role") or values.get("role_definition_name") or values.get("role_definition_id")
    if not isinstance(role, str) or not role:
        return
    for key in MEMBER_KEYS:
        for member in as_list(values.get(key)):
            if isinstance(member, str) and member:
                yield member.lower(), role


def _whole(change: Change, side: str) -> bool:
    """Whether a grant is made on a whole hierarchy level (by its type, or by a subscription-wide scope)."""
    if WHOLE_TYPES.search(change.type):
        return True
    scope = as_dict(change.before if side == "before" else change.after).get("scope")
    return isinstance(scope, str) and WHOLE_SCOPE.fullmatch(scope.lower()) is not None


# Grants of privileges on named objects (a warehouse's `grant_privileges_to_share`, any `*_grant*` type): the key
# that names one object, and the keys that name every object of a container (`on_all_tables_in_schema`, an
# `all` or `future` block).
OBJECT_GRANTS = lazy_compile(r"grant|privilege|permission")
ONE_OBJECT = lazy_compile(r"(?:^|\.)(?:on_(?:view|table|object|function|procedure|stage|materialized_view"
                          r"|dynamic_table)|object_name|table_name|view_name)$")
EVERY_OBJECT = lazy_compile(r"(?:^|\.)(?:on_(?:all|future)_\w+|all|future|all_\w+|future_\w+)(?:\.|$)")


def _named(values: object, pattern: re.Pattern[str]) -> list[str]:
    return [path for path, value in leaves(values) if value not in (None, "", [], False)
            and pattern.search(plain(path))]


@on_change(actions=(Action.UPDATE, Action.REPLACE), type_pattern=OBJECT_GRANTS)
def _one_to_every(change: Change) -> Iterator[Finding]:
    """A grant moved from one named object to every object of its container (a secure view → every table of the
    schema): the holder now reads what the one object was there to hide."""
    one, every = _named(change.before, ONE_OBJECT), _named(change.after, EVERY_OBJECT)
    if one and every and not _named(change.before, EVERY_OBJECT) and not _named(change.after, ONE_OBJECT):
        yield finding(WIDENED, change.address, f"{change.address}: the grant moves from one object ({one[0]}) to "
                      f"every object of its container ({every[0]}): it now reaches all of them")
