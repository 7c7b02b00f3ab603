"""Risk rules helper (identity): a service identity added beside one that already held the same role in the same
grant, of the same kind and home (a Kubernetes namespace, a cloud project): a sibling of an existing holder (a
canary of the CI deployer), not a new class of holder. Admin and owner roles stay graded: each new holder of those
can do anything."""

from __future__ import annotations

from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.rules.common import blocks

SERVICE_KIND = lazy_compile(r"service_?account")
ADMIN_ROLE = lazy_compile(r"admin|owner|root|superuser|super_user")
Home = tuple[str, str]


def _homes(resource_type: str, values: dict[str, Any]) -> dict[str, Home]:
    """Each service identity a grant names, by its member text: (kind, home)."""
    found: dict[str, Home] = {}
    if resource_type.startswith("kubernetes_"):
        for subject in blocks(values, "subject"):
            kind, namespace = str(subject.get("kind") or ""), str(subject.get("namespace") or "")
            found[f"{kind} {subject.get('name')}"] = (kind.lower(), namespace)
        return found
    for member in (m for key in ("member", "members") for m in _strings(values.get(key))):
        kind, _, identity = member.partition(":")
        found[member] = (kind.lower(), identity.rpartition("@")[2] if "@" in identity else "")
    return found


def _strings(value: Any) -> list[str]:
    items = value if isinstance(value, list) else [value]
    return [item for item in items if isinstance(item, str)]


def peer_of_holder(resource_type: str, role: str, member: str, before: dict[str, Any],
                   after: dict[str, Any], held: set[tuple[str, str]]) -> bool:
    """Whether MEMBER, newly granted ROLE, is a service identity of the same kind and home as one that held ROLE in
    this grant before (HELD: the (role, member) pairs before the change), and ROLE is no admin or owner role."""
    if ADMIN_ROLE.search(role.lower()):
        return False
    home = _homes(resource_type, after).get(member)
    if home is None or not home[1] or not SERVICE_KIND.search(home[0]):
        return False
    old = _homes(resource_type, before)
    return any(r == role and old.get(m) == home for r, m in held)
