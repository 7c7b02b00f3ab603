"""Risk rules, identity: an admin-like role granted at the root of a hierarchy, on any provider — an ACL entry or
entitlement whose role is admin, owner or steward and whose path or scope is the top (`/`, `*`, `tenant/*`), so the
holder administers every object below it. The same role on one object (`/vms/201`), or a read role at the root, is
not this rule."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Change
from tfreview.pipeline.findings import Finding, Severity, finding, on_change
from tfreview.pipeline.rules.common import sides
from tfreview.pipeline.rules.grants import PRIVILEGED
from tfreview.pipeline.rules.tenants import admin_value

ROLE_KEY = lazy_compile(r"^(?:\w+_)?(?:role|entitlement|permission|privilege|access_level|access)(?:_(?:id|name))?$")
SCOPE_KEY = lazy_compile(r"^(?:\w+_)?(?:path|scope|resource|resource_path|target|object)$")
WILD = frozenset({"*", "**", "+"})
Grant = tuple[str, str, str, str]  # role key, role, scope key, scope


def root_scope(scope: str) -> bool:
    """Whether a path or scope is the top of its hierarchy: `/`, `*`, `/*`, or one collection then a wildcard
    (`tenant/*`, `orgs/*`), the way Proxmox, Vault-style and tenant paths spell everything."""
    text = scope.strip()
    if text in ("/", "*", "root"):
        return True
    segments = [s for s in re.split(r"[/:]", text) if s]
    literal = [s for s in segments if s not in WILD]
    return bool(segments) and segments[-1] in WILD and len(literal) <= 1


def grants(values: Any) -> Iterator[Grant]:
    """(role key, role, scope key, scope) of every admin-like role at a root scope in VALUES and its blocks."""
    entries = [values] if isinstance(values, dict) else []
    entries += [item for value in (values.values() if isinstance(values, dict) else ()) if isinstance(value, list)
                for item in value if isinstance(item, dict)]
    for entry in entries:
        if any(isinstance(v, str) and v.lower() == "deny" for v in entry.values()):
            continue
        role = next(((k, v) for k, v in entry.items() if ROLE_KEY.match(str(k).lower()) and isinstance(v, str)
                     and admin_value(v.lower())), None)
        scope = next(((k, v) for k, v in entry.items() if SCOPE_KEY.match(str(k).lower()) and isinstance(v, str)
                      and root_scope(v)), None)
        if role is not None and scope is not None:
            yield role[0], role[1], scope[0], scope[1]


@on_change(words=(b"path", b"scope", b"resource", b"target", b"object"))
def _admin_at_root(change: Change) -> Iterator[Finding]:
    """An admin, owner or steward role newly granted at the root of a hierarchy."""
    before, after = sides(change)
    old = set(grants(before))
    for role_key, role, scope_key, scope in grants(after):
        if (role_key, role, scope_key, scope) in old:
            continue
        yield finding(PRIVILEGED, change.address, f'{change.address}: {role_key} "{role}" at {scope_key} "{scope}", '
                      "the root of its hierarchy (an admin-like role over every object below it)", Severity.HIGH)
