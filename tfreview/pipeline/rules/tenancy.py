"""Risk rules, tenant isolation (`tenant-crossed`): one tenant's object made to reach another tenant.

A multi-tenant estate is partitioned by tenant: per-tenant instances (`module.tenant_net["acme"]`,
`aws_dynamodb_table.customer["acme"]`), objects tagged or labelled `tenant = acme`, identities and paths under
`tenants/acme/` (or `customers/`, `clients/`); an object whose every such path named one tenant before the plan
belongs to it. A plan breaks the partition these ways:

- **A tenant's scope widened over its siblings.** A path, prefix or address range of one tenant's object lifted so
  it covers what a sibling tenant's own object holds (`10.64.12.0/24` → `10.0.0.0/8` beside a sibling's
  `10.64.13.0/24`); with no sibling in the plan, lifted above the path segment that names its own tenant
  (`tenants/acme/*` → `tenants/*`, Vault ACL paths read for real) or grown 256-fold or more.
- **A grant across tenants.** A grant, share or binding on one tenant's object (its own tenant, or the tenant of the
  object it grants on, found by id) newly names an identity under another tenant's path (`tenants/globex/…`).
- **Two tenants joined.** An object newly holds an identifier that one tenant's objects held before the plan (and no
  other tenant's) beside another tenant's: a port moved onto another customer's private VLAN, a route from one
  tenant's table to another's network.

A tenant's range grown a little without reaching a sibling, a grant to the tenant's own identities, and a shared or
platform object serving every tenant say nothing.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable, Iterator
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import Finding, ReviewInput, Severity, finding, managed, rule
from tfreview.pipeline.rules.capabilities import policies
from tfreview.pipeline.rules.common import known, mentions, string_leaves
from tfreview.pipeline.rules.values import leaves, plain

RULE = "tenant-crossed"
Network = ipaddress.IPv4Network | ipaddress.IPv6Network

# The for_each key of a per-tenant family in an address: `module.tenant_net["acme"]`, `customer["acme"]`, or a
# keyed resource inside a module named for tenants (`module.ix_customers.x.port["orbit"]`).
FAMILY_KEY = lazy_compile(r'(?:^|\.)[a-z0-9_]*(?:tenant|customer)[a-z0-9_]*\["([^"\]]+)"\]', re.IGNORECASE)
MODULE_FAMILY = lazy_compile(r'^(?:module\.[a-z0-9_-]+(?:\["[^"]*"\])?\.)*module\.[a-z0-9_]*(?:tenant|customer)'
                             r'[a-z0-9_]*\.(?:[a-z0-9_-]+\.)+[a-z0-9_-]+\["([^"\]]+)"\]$', re.IGNORECASE)
# A tag or label naming an object's tenant, or its own attribute that does (`tenant = "acme"`, `customer_ref`).
TAG_KEY = lazy_compile(r"^(?:tenant|customer)(?:[_-]?(?:id|name|slug|key|ref))?$", re.IGNORECASE)
TAG_HOLDERS = frozenset({"tags", "labels", "tags_all", "freeform_tags", "resource_labels", "user_labels"})
# An identity or path under one tenant: `wid://…/tenants/globex/worker`, `customers/initech/…`.
TENANT_PATH = lazy_compile(r"(?:^|[/:])(?:tenants?|customers?|clients)/([a-z0-9][a-z0-9_-]*)", re.IGNORECASE)
# Tenant values that name no tenant but every one of them.
SHARED = frozenset({"shared", "platform", "common", "all", "any", "global", "multi", "multitenant", "internal",
                    "none", "default", "*", "core", "hub"})
# Objects that grant, share or connect.
CONNECTIVE = lazy_compile(r"grant|permission|access|member|binding|share|attachment|assignment|acl|polic|peering"
                          r"|link|trust")
SIBLING_REACH = 256  # how many times more addresses a range without a sibling in the plan must grow


@rule(RULE, Severity.HIGH, "One tenant's object is made to reach another tenant: a path, prefix or address range "
      "widened over sibling tenants, a grant on one tenant's object to another tenant's identity, or an object that "
      "joins two tenants' own identifiers.")
def _crossed(review_input: ReviewInput) -> Iterator[Finding]:
    changes = list(managed(review_input.changeset, Action.CREATE, Action.UPDATE, Action.REPLACE, Action.NO_OP))
    tenants = {change.address: tenant for change in changes if (tenant := tenant_of(change)) is not None}
    scoped = {change.address: tenant for change in changes if change.address not in tenants
              and change.action in (Action.UPDATE, Action.REPLACE) and (tenant := _path_tenant(change)) is not None}
    if not tenants and not scoped:
        return
    by_id = _tenants_by_id(changes, tenants)
    by_type: dict[str, list[Change]] = {}
    for change in changes:
        if change.address in tenants:
            by_type.setdefault(change.type, []).append(change)
    owners: dict[str, dict[str, str]] | None = None
    for change in changes:
        if change.action is Action.NO_OP:
            continue
        own = tenants.get(change.address)
        if (scope_owner := own or scoped.get(change.address)) is not None \
                and change.action in (Action.UPDATE, Action.REPLACE):
            why = _widened(change, scope_owner, lambda kind, mine: [c for c in by_type.get(kind, [])
                                                                    if tenants[c.address] != mine])
            if why:
                yield finding(RULE, change.address, f"{change.address}: tenant {scope_owner}'s {why}: one tenant's "
                              "object now reaches its sibling tenants")
                continue
        if CONNECTIVE.search(change.type):
            owner = own or _target_tenant(change, by_id)
            other = _other_tenant(change, owner) if owner else None
            if other:
                yield finding(RULE, change.address, f"{change.address}: a grant on tenant {owner}'s object newly "
                              f"names {other[1]}, an identity of tenant {other[0]}: one customer's object is opened to "
                              "another customer")
                continue
        joined = _joined(change, own, owners if owners is not None else (owners := _owners(changes, tenants)))
        if joined:
            yield finding(RULE, change.address, f"{change.address}: {joined}: it joins two tenants' own objects "
                          "(one tenant now reaches the other)")


def tenant_of(change: Change) -> str | None:
    """The tenant an object belongs to: its per-tenant family key, or its own tenant tag or label."""
    match = FAMILY_KEY.search(change.address) or MODULE_FAMILY.match(change.address)
    if match:
        return _named(match.group(1))
    for side in (change.after, change.before):
        for path, value in leaves(side) if isinstance(side, dict) else ():
            steps = plain(path).split(".")
            if TAG_KEY.match(steps[-1]) and isinstance(value, str) and (
                    len(steps) == 1 or (len(steps) >= 2 and steps[-2] in TAG_HOLDERS)):
                return _named(value)
    return None


def _path_tenant(change: Change) -> str | None:
    """The one tenant every tenant path of an object's scopes named before the plan (`secret/data/clients/acme/*`
    in a Vault policy), or None: an object with no family key or tag is still scoped to one tenant by its paths."""
    if not mentions(change.before, (b"tenant", b"customer", b"clients/")):
        return None
    named = {_named(m[1]) for texts in _scopes(change.before).values() for text in texts
             for m in TENANT_PATH.finditer(text)}
    return named.pop() if len(named) == 1 and None not in named else None


def _named(value: str) -> str | None:
    word = value.strip().lower()
    return word if word and known(word) and word not in SHARED else None


def _tenants_by_id(changes: list[Change], tenants: dict[str, str]) -> dict[str, str]:
    """The tenant of each object id the plan shows (the object a grant names by its id)."""
    found = {}
    for change in changes:
        tenant = tenants.get(change.address)
        for side in (change.before, change.after):
            if tenant and isinstance(side, dict) and isinstance(side.get("id"), str) and len(side["id"]) >= 6:
                found[side["id"]] = tenant
    return found


def _target_tenant(change: Change, by_id: dict[str, str]) -> str | None:
    after = change.after if isinstance(change.after, dict) else {}
    return next((by_id[v] for v in after.values() if isinstance(v, str) and v in by_id), None)


def _other_tenant(change: Change, owner: str) -> tuple[str, str] | None:
    """(tenant, identity) of an identity under another tenant's path that the change newly names."""
    old = set(string_leaves(change.before))
    for text in string_leaves(change.after):
        if text in old or len(text) > 400:
            continue
        for match in TENANT_PATH.finditer(text):
            tenant = _named(match.group(1))
            if tenant and not _same(tenant, owner):
                return tenant, text
    return None


def _same(one: str, other: str) -> bool:
    """Whether two tenant names are one tenant (`acme` and `acme-prod`)."""
    return one == other or one.startswith(other + "-") or other.startswith(one + "-") \
        or one.startswith(other + "_") or other.startswith(one + "_")


# --- an object that joins two tenants' own identifiers -------------------------------------------------------------

IDENTIFIER = lazy_compile(r"^(?=.*[0-9_:/.-])[A-Za-z0-9][A-Za-z0-9_:/.-]{5,200}$")


def _identifiers(values: Any) -> set[str]:
    """The identifier-like strings of VALUES (ids, ARNs, CIDRs, handles: no prose, no bare words)."""
    return {text for text in string_leaves(values) if IDENTIFIER.match(text)}


def _owners(changes: list[Change], tenants: dict[str, str]) -> dict[str, dict[str, str]]:
    """Each identifier a tenant's existing objects held before the plan, to {tenant: an address that held it}: what
    the plan itself creates on both sides (the same team id in two tenants' new memberships) is no tenant's own."""
    found: dict[str, dict[str, str]] = {}
    for change in changes:
        tenant = tenants.get(change.address)
        if tenant is None:
            continue
        for text in _identifiers(change.before):
            found.setdefault(text, {}).setdefault(tenant, change.address)
    return found


def _joined(change: Change, own: str | None, owners: dict[str, dict[str, str]]) -> str | None:
    """How a created or updated object newly holds one tenant's own identifier beside another tenant's (its own
    tenant, or a second tenant's own identifier it holds): a route from one tenant's table to another's network, a
    port attached to another tenant's private VLAN. An identifier two tenants both hold belongs to neither."""
    new = _identifiers(change.after) - _identifiers(change.before)
    held: dict[str, str] = {}
    for text in sorted(_identifiers(change.after)):
        holders = owners.get(text, {})
        if len(holders) == 1 and (own is None or not any(_same(t, own) for t in holders)):
            held.setdefault(next(iter(holders)), text)
    for tenant, text in held.items():
        if text not in new:
            continue
        others = [t for t in ([own] if own else []) + list(held) if t and not _same(t, tenant)]
        if others:
            return f"{text}, tenant {tenant}'s own, now sits beside tenant {others[0]}'s"
    return None


# --- a scope widened over sibling tenants ---------------------------------------------------------------------


def _widened(change: Change, own: str, siblings_of: Callable[[str, str], list[Change]]) -> str | None:
    """How a tenant's scope widens over its siblings (asked for only once a scope has grown), or None."""
    before, after = _scopes(change.before), _scopes(change.after)
    for path, new in after.items():
        old = before.get(path)
        if not old or new == old:
            continue
        why = _ranges_widened(path, old, new, lambda: siblings_of(change.type, own)) \
            or _path_lifted(path, old, new, own)
        if why:
            return why
    return None


def _scopes(values: Any) -> dict[str, list[str]]:
    """Each attribute's strings (a list whole), with a path-capability policy's text read as its paths."""
    found: dict[str, list[str]] = {}
    if not isinstance(values, dict):
        return found
    for path, value in leaves(values):
        texts = [v for v in (value if isinstance(value, list) else [value]) if isinstance(v, str) and known(v)]
        if texts:
            found[plain(path)] = texts
    for where, rules in policies(values):
        found[plain(where)] = [p for p, _ in rules]
    return found


def _networks(texts: list[str]) -> list[Network]:
    nets = []
    for text in texts:
        if "/" not in text or len(text) > 50:
            continue
        try:
            nets.append(ipaddress.ip_network(text.strip(), strict=False))
        except ValueError:
            continue
    return nets


def _covers(nets: list[Network], net: Network) -> bool:
    return any(n.version == net.version and net.subnet_of(n) for n in nets)  # type: ignore[arg-type]


def _ranges_widened(path: str, old: list[str], new: list[str], siblings_of: Callable[[], list[Change]]) -> str | None:
    before, after = _networks(old), _networks(new)
    if not before or not after or len(after) != len(new):
        return None
    gained = [n for n in after if not _covers(before, n)]
    if not gained:
        return None
    siblings = siblings_of()
    for sibling in siblings:
        for side in (sibling.before, sibling.after):
            theirs = _networks(_scopes(side).get(path, []))
            reached = [n for n in theirs if _covers(gained, n) and not _covers(before, n)]
            if reached:
                return f"{path} widens from {', '.join(old[:2])} to {', '.join(new[:2])}, which covers " \
                    f"{reached[0]} of {sibling.address}"
    size = sum(n.num_addresses for n in after)
    if not siblings and size >= SIBLING_REACH * sum(n.num_addresses for n in before):
        return f"{path} widens from {', '.join(old[:2])} to {', '.join(new[:2])}"
    return None


def _path_lifted(path: str, old: list[str], new: list[str], own: str) -> str | None:
    """A scope path lifted above the segment naming its own tenant: `tenants/acme/*` → `tenants/*`."""
    for lifted in new:
        if lifted in old or not lifted.endswith("*"):
            continue
        base = [s for s in lifted.rstrip("*").split("/") if s]
        for was in old:
            steps = [s for s in was.split("/") if s]
            mine = [i for i, s in enumerate(steps) if _named(s) and _same(s.lower(), own)]
            if mine and len(base) <= mine[0] and steps[:len(base)] == base and \
                    not any(_same(s.lower(), own) for s in base):
                return f"{path} lifts {was} to {lifted}"
    return None
