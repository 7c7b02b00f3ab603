"""Risk rules, identity (reported as `workforce-access`): a mapping from an identity provider's groups, teams or
claims to roles that newly maps every one of them (`team = "*"`, a claim value `*`) to a role.

Sign-in connectors (Teleport's `teams_to_roles`, any SSO connector's or identity broker's claim or group mappings)
give each mapped team its roles. A mapping whose team, group or claim value is the wildcard gives those roles to
everyone the provider signs in: every member of the organisation, and whoever it lets join. A role named for
administering or editing makes that everyone an administrator; any other role is still given to everyone, at medium.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import orjson

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Change
from tfreview.pipeline.decoding import objects
from tfreview.pipeline.findings import Finding, Severity, finding, on_change
from tfreview.pipeline.rules.common import as_list, sides
from tfreview.pipeline.rules.workforce import RULE

# The keys that say whom a mapping matches, and those that say what it gives.
MATCHES = frozenset({"team", "teams", "group", "groups", "claim_value", "value", "values", "attribute_value",
                     "match", "org_team"})
GIVES = frozenset({"roles", "role", "logins", "role_names", "permissions", "groups_to_add"})
POWERFUL = lazy_compile(r"admin|editor|owner|root|superuser|maintainer|operator")


def _mappings(value: Any) -> Iterator[dict[str, Any]]:
    """Every block, at any depth (in JSON text too), that matches some identities and gives them roles."""
    return (block for block in objects(value)
            if block.keys() & MATCHES and any(as_list(block.get(k)) for k in GIVES))


def _everyone(mapping: dict[str, Any]) -> bool:
    return any(str(v).strip() in ("*", ".*", "all") for key in MATCHES & mapping.keys() for v in as_list(mapping[key]))


@on_change(words=(b"*",))
def _everyone_mapped(change: Change) -> Iterator[Finding]:
    before, after = sides(change)
    old = {orjson.dumps(m, option=orjson.OPT_SORT_KEYS) for m in _mappings(before) if _everyone(m)}
    for mapping in _mappings(after):
        if not _everyone(mapping) or orjson.dumps(mapping, option=orjson.OPT_SORT_KEYS) in old:
            continue
        roles = [str(r) for key in GIVES for r in as_list(mapping.get(key))]
        severity = Severity.HIGH if any(POWERFUL.search(r.lower()) for r in roles) else Severity.MEDIUM
        yield finding(RULE, change.address, f"{change.address}: maps every team or group (\"*\") to "
                      f"{', '.join(roles[:3])}: everyone the identity provider signs in holds them", severity)
        return
