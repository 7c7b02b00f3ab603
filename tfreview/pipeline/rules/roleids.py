"""Risk rules, identity: a grant of any provider nobody listed that names its role by an opaque id (a GUID) which
the plan itself shows belonging to an admin role — a data source looked up by the role's name, or a role the plan
manages (`roles = [data.datadog_role.admin.id]` → "Datadog Admin Role"). The id is read as the role's name, as a
role named in place would be (`tenants`). `iam` reports it."""

from __future__ import annotations

from collections.abc import Iterator

from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.configuration import Configuration, config_address
from tfreview.pipeline.findings import Finding, finding
from tfreview.pipeline.rules.common import sides, string_leaves
from tfreview.pipeline.rules.grants import PRIVILEGED
from tfreview.pipeline.rules.tenants import KNOWN_PROVIDERS, LEVEL_KEY, admin_value

NAME_KEYS = ("name", "display_name", "role_name", "title")
# An object's name may also be the filter it was looked up by (`data "datadog_role" { filter = "Datadog Admin" }`).
LOOKUP_KEYS = ("filter", "search", "query")
MIN_ID = 6  # an opaque id, not a rank or a small number another object happens to carry


def admin_by_id(change: Change, config: Configuration) -> Iterator[Finding]:
    """A role setting newly holding the id of an object the plan names as an admin role."""
    if change.type.startswith(KNOWN_PROVIDERS) or change.action not in (Action.CREATE, Action.UPDATE):
        return
    before, after = sides(change)
    added = {v for key, value in after.items() if LEVEL_KEY.search(key.lower()) for v in string_leaves(value)
             if len(v) >= MIN_ID and not admin_value(v)} - set(string_leaves(before))
    if not added:
        return
    own = config_address(change.address)
    for other, (values, _unknown) in config.planned.items():
        if other == own or not isinstance(values, dict) or values.get("id") not in added:
            continue
        name = next((n for k in (*NAME_KEYS, *LOOKUP_KEYS) if isinstance(n := values.get(k), str) and admin_value(n)),
                    None)
        if name is not None:
            yield finding(PRIVILEGED, change.address, f'{change.address}: grants role {values["id"]}, which {other} '
                          f'names "{name}" (an admin or owner role)')
            return
