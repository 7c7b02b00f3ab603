"""Risk rules, reach (foreign.py reports these under foreign-data-share): a grant to a principal of another directory
tenant. A change whose type grants (an access policy, a role assignment, a membership) names the `tenant_id` its
principal lives in; when the rest of the plan (the state of what it grants on, other resources, data sources, the
provider, variables naming the plan's tenant) shows the plan's own tenants and that one is not among them, the access
leaves for another directory. So does a grant to the service principal of an application that another organisation
publishes (its owner tenant, read where the plan reads or manages that principal, is none of the plan's own)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action
from tfreview.pipeline.findings import Finding, ReviewInput, finding, managed
from tfreview.pipeline.rules.common import state_resources

TENANT_KEYS = frozenset({"tenant_id", "tenant", "tenantId", "directory_id"})
GUID = lazy_compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
GRANTS = lazy_compile(r"access_polic|assignment|grant|permission|member|binding|delegat")
MAX_NODES = 200_000
# Words of a variable's name that make the tenant it holds another party's (`partner_tenant_id`), not the plan's.
OTHER_PARTY = lazy_compile(r"partner|external|foreign|guest|vendor|customer|client|remote|peer|third|supplier"
                           r"|trusted|b2b|target|source|other")


def _tenant(value: Any) -> str | None:
    """A tenant id as written: a GUID, or a configuration expression's constant GUID."""
    if isinstance(value, dict):
        value = value.get("constant_value")
    return value.lower() if isinstance(value, str) and GUID.match(value) else None


def variable_tenants(variables: dict[str, Any]) -> set[str]:
    """The tenant ids of the plan's own that its variables name (`home_tenant_id`, `tenant`), not another party's."""
    found: set[str] = set()
    for name, variable in variables.items():
        lowered = name.lower()
        if ("tenant" in lowered or "directory" in lowered) and not OTHER_PARTY.search(lowered) \
                and isinstance(variable, dict) and (tenant := _tenant(variable.get("value"))):
            found.add(tenant)
    return found


def tenants(value: Any) -> set[str]:
    """Every tenant id under VALUE (a state, a change's side, a configuration), by its key's name."""
    found: set[str] = set()
    stack, seen = [value], 0
    while stack and seen < MAX_NODES:
        node = stack.pop()
        seen += 1
        if isinstance(node, dict):
            for key, item in node.items():
                if key in TENANT_KEYS and (tenant := _tenant(item)):
                    found.add(tenant)
                elif isinstance(item, dict | list):
                    stack.append(item)
        elif isinstance(node, list):
            stack.extend(i for i in node if isinstance(i, dict | list))
    return found


# What says which organisation publishes an application whose service principal a grant names: Entra ID's
# `app_owner_organization_id` (and its older `application_tenant_id`), any provider's owner or publisher tenant.
OWNER_ORG = frozenset({"app_owner_organization_id", "application_tenant_id", "owner_organization_id",
                       "owner_tenant_id", "publisher_tenant_id", "app_owner_tenant_id"})
# Microsoft's own tenants: its first-party applications (Azure services' principals) are the platform itself.
PLATFORM_TENANTS = frozenset({"f8cdef31-a31e-4b4a-93e4-5f571e91255a", "72f988bf-86f1-41af-91ab-2d7cd011db47"})
PRINCIPAL_KEYS = frozenset({"principal_id", "object_id", "member_id", "member_object_id", "principal_object_id"})


def _owners(ri: ReviewInput) -> dict[str, str]:
    """Each principal object id the plan reads or manages, to the organisation that publishes its application."""
    prior = ri.plan.prior_state if isinstance(ri.plan.prior_state, dict) else {}
    objects = [*(r["values"] for r in state_resources(prior) if isinstance(r.get("values"), dict)),
               *(side for c in ri.changeset.changes for side in (c.before, c.after) if isinstance(side, dict))]
    found: dict[str, str] = {}
    for values in objects:
        owner = next((t for k in OWNER_ORG if (t := _tenant(values.get(k)))), None)
        ident = values.get("object_id") or values.get("principal_id")
        if owner and isinstance(ident, str):
            found[ident.lower()] = owner
    return found


def foreign_publishers(ri: ReviewInput, own: set[str]) -> Iterator[Finding]:
    """Grants to the service principal of an application another organisation publishes (a vendor's multi-tenant
    app): its owner tenant is none the plan shows as its own, nor the platform's. Its publisher controls the
    credentials that act with the grant."""
    grants = [c for c in managed(ri.changeset, Action.CREATE, Action.UPDATE, Action.REPLACE)
              if GRANTS.search(c.type) and isinstance(c.after, dict)
              and any(isinstance(c.after.get(k), str) for k in PRINCIPAL_KEYS)]
    owners = _owners(ri) if grants else {}
    for change in grants:
        after = change.after if isinstance(change.after, dict) else {}
        before = change.before if isinstance(change.before, dict) else {}
        for key in sorted(PRINCIPAL_KEYS & after.keys()):
            principal = after[key]
            owner = owners.get(principal.lower()) if isinstance(principal, str) else None
            if owner is None or owner in own or owner in PLATFORM_TENANTS or before.get(key) == principal:
                continue
            yield finding("foreign-data-share", change.address, f"{change.address} grants access to {principal}, the "
                          f"service principal of an application published by organisation {owner}, which the plan "
                          "never shows as its own: a vendor's app acts with this access; confirm it is trusted")


def foreign_tenants(ri: ReviewInput) -> Iterator[Finding]:
    """Grants whose principal's tenant is not one the rest of the plan shows as its own."""
    grants = [(c, t) for c in managed(ri.changeset, Action.CREATE, Action.UPDATE, Action.REPLACE)
              if GRANTS.search(c.type) and isinstance(c.after, dict)
              and (t := next((_tenant(c.after.get(k)) for k in TENANT_KEYS if _tenant(c.after.get(k))), None))]
    if not grants and not any(GRANTS.search(c.type) for c in ri.changeset.changes):
        return
    granting = {id(c) for c, _ in grants}
    own = tenants(ri.plan.prior_state) | tenants(ri.plan.configuration.get("provider_config")) \
        | variable_tenants(ri.plan.variables)
    for change in ri.changeset.changes:
        own |= tenants(change.before) | (set() if id(change) in granting else tenants(change.after))
    yield from foreign_publishers(ri, own)
    for change, tenant in grants:
        if own and tenant not in own:
            yield finding("foreign-data-share", change.address, f"{change.address} grants access to a principal of "
                          f"tenant {tenant}, while the rest of the plan shows only {', '.join(sorted(own)[:3])}: "
                          "the access leaves for another directory; confirm that tenant is yours or trusted")
