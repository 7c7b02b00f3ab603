"""Risk rules, reach: network links (peering, transit gateway shares) to an account, subscription, project or
tenant outside the plan's own. Same-account links stay quiet."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import orjson

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import Finding, ReviewInput, Severity, finding, managed, on_change, rule
from tfreview.pipeline.rules.common import keyed_leaves
from tfreview.pipeline.rules.ownership import vouched
from tfreview.pipeline.rules.peerreach import handed_over
from tfreview.pipeline.rules.policytext import service_policy

# An attribute naming who owns the other side of a link: peer_owner_id, peer_account_id, peer_subscription_id…
PEER_OWNER = lazy_compile(r"peer\w*_(?:owner|account|subscription|project|tenant)\w*"
                          r"|(?:owner|account|subscription|project|tenant)\w*_peer\w*")
# An attribute naming the other side's network by id (Azure remote network id, GCP peer network self-link).
PEER_NETWORK = lazy_compile(r"(?:peer|remote)\w*network\w*")
# Where a scope hides inside an id: AWS ARNs, Azure resource ids, GCP self-links.
SCOPES = lazy_compile(r"arn:aws[\w-]*:[\w-]*:[\w-]*:(\d{12}):|/subscriptions/([0-9a-fA-F-]{36})|projects/([\w.:-]+)/")
OWN_KEYS = frozenset({"account_id", "owner_id", "subscription_id", "project", "project_id", "tenant_id"})
ACCOUNT = lazy_compile(r"^\d{12}$")
# Sharing an object with another account's principal (a RAM share of a transit gateway).
SHARE = lazy_compile(r"_ram_principal_association$")
# Types whose `account_id` is the account granted to: a snapshot's volume or an image's launch permission.
RECEIVING = lazy_compile(r"_(?:volume|launch|share|sharing)_permissions?$")


def _may_link(change: Change) -> bool:
    """A C-speed precheck: only a change whose values mention a peer or remote side (or a share) can link out."""
    if SHARE.search(change.type):
        return True
    try:
        text = orjson.dumps(change.after).lower()
    except TypeError:  # not plain JSON (never from a plan): check it the slow way
        return True
    return b"peer" in text or b"remote" in text


def _pairs(value: object) -> Iterator[tuple[str, str]]:
    """Every (attribute name, string or number as text) inside a nested value."""
    return ((key, str(leaf)) for key, leaf in keyed_leaves(value, (str, int)))


def _links(change: Change) -> bool:
    """Whether a change is itself a link: it names a peer or remote network or owner."""
    return any(PEER_NETWORK.fullmatch(key) or PEER_OWNER.fullmatch(key)
               for side in (change.before, change.after) for key, _ in _pairs(side))


def _scopes(text: str) -> set[str]:
    """The account, subscription or project ids named inside one id or self-link."""
    return {next(g for g in m.groups() if g) for m in SCOPES.finditer(text)}


def _data_sources(module: Any) -> Iterator[dict[str, Any]]:
    """The configured values of every data source the configuration reads, in every module."""
    if not isinstance(module, dict):
        return
    for resource in module.get("resources") or []:
        if isinstance(resource, dict) and resource.get("mode") == "data":
            expressions = resource.get("expressions") or {}
            yield {k: v.get("constant_value") for k, v in expressions.items() if isinstance(v, dict)}
    for call in (module.get("module_calls") or {}).values():
        yield from _data_sources(call.get("module") if isinstance(call, dict) else None)


def own_scopes(ri: ReviewInput, links: bool = True) -> set[str]:
    """Scopes the plan's own (non-peer) attributes name: its accounts, subscriptions and projects, and those of
    the data sources it reads (a network the plan looks up is one it knows), and those `ownership` proves;
    without LINKS, not those that only the links themselves name."""
    read = list(_data_sources(ri.plan.configuration.get("root_module")))
    sides = [_giver(change, s) for change in ri.changeset.changes if links or not _links(change)
             for s in (change.before, change.after)]
    # A link's own id names where the link itself lives: its local side, in the plan's own subscription or project
    # (an Azure peering's id is under its local network), never the remote side it reaches.
    homes = {scope for change in ri.changeset.changes if not links and _links(change)
             for side in (change.before, change.after) if isinstance(side, dict) and isinstance(side.get("id"), str)
             for scope in _scopes(side["id"])}
    return _named(sides + read) | vouched(ri) | homes


# Where a grant names a resource it lets in by the scope that resource lives in (BigQuery's authorized `view`,
# `dataset` or `routine` block, any provider's grant of access to another project's object): a type or a block
# path that grants, and a nested `project_id`/`account_id` in it.
# Who a share or grant goes to, named by an identifier (`consumer_identifier`, `recipient_id`): whom it grants to,
# never evidence of the plan's own accounts.
# Who a grant hands rights to (a KMS grant's `grantee_principal`, its `retiring_principal`): never the owner.
GRANTED_TO = lazy_compile(r"grantee\w*|\w+_principals?")
RECEIVER_KEY = lazy_compile(r"(?:consumer|recipient|grantee|subscriber)_(?:identifiers?|ids?)")
GRANTING_PATH = lazy_compile(r"access|grant|permission|authori[sz]|share|sharing")
GRANTEE_SCOPES = frozenset({"project", "project_id", "account", "account_id"})


def authorized_scopes(change: Change, side: Any, path: tuple[str, ...] = (), depth: int = 0
                      ) -> Iterator[tuple[str, str]]:
    """(path, scope) of each resource a grant lets in, named by the project or account it lives in inside one of
    the grant's blocks (never the grant's own top-level `project`, which is where it is made)."""
    if depth > 8:
        return
    if isinstance(side, dict):
        for key, value in side.items():
            where = (*path, str(key))
            if path and key in GRANTEE_SCOPES and isinstance(value, str) and value \
                    and (GRANTING_PATH.search(change.type) or GRANTING_PATH.search(".".join(path))):
                yield ".".join(where), value
            elif isinstance(value, dict | list):
                yield from authorized_scopes(change, value, where, depth + 1)
    elif isinstance(side, list):
        for item in side:
            yield from authorized_scopes(change, item, path, depth + 1)


def _without_grantees(change: Change, side: Any, path: tuple[str, ...] = ()) -> Any:
    """SIDE without the scopes a grant's blocks let in (authorized_scopes): they are whom it grants to."""
    if isinstance(side, dict):
        granting = bool(path) and bool(GRANTING_PATH.search(change.type) or GRANTING_PATH.search(".".join(path)))
        return {k: _without_grantees(change, v, (*path, str(k))) for k, v in side.items()
                if not (granting and k in GRANTEE_SCOPES)}
    if isinstance(side, list):
        return [_without_grantees(change, item, path) for item in side]
    return side


def _giver(change: Change, side: Any) -> Any:
    """SIDE without the receiver of a grant (a snapshot permission's `account_id` names who it is shared with,
    not the plan's own account; a service-shaped policy's principals are whom it grants to; an authorized view's
    project is whose queries read the data)."""
    if isinstance(side, dict) and RECEIVING.search(change.type):
        side = {k: v for k, v in side.items() if k not in ("account", "account_id")}
    if isinstance(side, dict) and next(authorized_scopes(change, side), None) is not None:
        side = _without_grantees(change, side)
    if isinstance(side, dict) and any(service_policy(k, v) for k, v in side.items()):
        return {k: v for k, v in side.items() if not service_policy(k, v)}
    return side


def _named(sides: list[Any]) -> set[str]:
    """The scopes the non-peer attributes of SIDES name."""
    own: set[str] = set()
    for side in sides:
        if side is not None:
            for key, text in _pairs(side):
                if PEER_OWNER.fullmatch(key) or PEER_NETWORK.fullmatch(key) or key == "principal" \
                        or RECEIVER_KEY.fullmatch(key) or GRANTED_TO.fullmatch(key):
                    continue
                own |= _scopes(text)
                if key in OWN_KEYS:
                    own.add(text)
    return own


def _link_sides(changes: list[Change], own: set[str]) -> tuple[set[str], set[str]]:
    """(owned, unsure): the scopes the links' own sides name. A module that makes both sides of a peering names
    the far project as the far side's `network`, which proves nothing: a scope another link names as its peer is
    unsure (only a sibling of the plan's own may vouch for it), unless it is that link's own side too (a link
    inside one scope); the rest are the plan's own."""
    local: set[str] = set()
    peers: set[str] = set()
    for change in changes:
        mine = _named([change.before, change.after])
        local |= mine
        peers |= {scope for _, scope in foreign(change, own)} - mine
    return local - peers, local & peers


REMOTE_ID = lazy_compile(r"/resourcegroups/([^/]+)/.*/([^/]+)$")
LOCAL_NETWORK = lazy_compile(r"(?:virtual_)?network_name|vnet_name|network")


def _ends(change: Change) -> tuple[tuple[str, str] | None, list[tuple[str, tuple[str, str]]]]:
    """A link's local network (resource group, name) and its remote ones (id, (resource group, name))."""
    after = change.after if isinstance(change.after, dict) else {}
    group = after.get("resource_group_name")
    name = next((v for k, v in after.items() if LOCAL_NETWORK.fullmatch(k) and isinstance(v, str)), None)
    local = (group.lower(), name.lower()) if isinstance(group, str) and isinstance(name, str) else None
    remote = [(text, (m.group(1), m.group(2))) for key, text in _pairs(after) if PEER_NETWORK.fullmatch(key)
              and (m := REMOTE_ID.search(text.lower())) is not None]
    return local, remote


def reciprocal(changes: list[Change]) -> set[str]:
    """Scopes of links whose far side this plan links back from: two peerings, each naming the other's local
    network as its remote, are both managed here, so both networks are the plan's own."""
    ends = [_ends(change) for change in changes]
    locals_ = {local for local, _ in ends if local is not None}
    found: set[str] = set()
    for local, remotes in ends:
        for text, far in remotes:
            if local is not None and far in locals_ and any(
                    other == far and any(back == local for _, back in others) for other, others in ends):
                found |= _scopes(text)
    return found


def kin(scope: str, own: set[str]) -> str | None:
    """A project of the plan's own whose name starts with the same organisation word as SCOPE (`acme-shared-201`
    and `acme-prod-314`); numeric ids (AWS accounts, Azure subscriptions) have no such word and never match."""
    word = re.split(r"[-_.:]", scope, maxsplit=1)[0]
    if len(word) < 3 or word.isdigit() or not re.search(r"[-_.:]", scope):
        return None
    return next((o for o in sorted(own) if o != scope and re.split(r"[-_.:]", o, maxsplit=1)[0] == word), None)


def foreign(change: Change, own: set[str], side: Any = None) -> Iterator[tuple[str, str]]:
    """(attribute, scope) pairs where this change (its SIDE, the after by default) links to a scope outside `own`."""
    for key, text in _pairs(change.after if side is None else side):
        if PEER_OWNER.fullmatch(key) or (SHARE.search(change.type) and key == "principal" and ACCOUNT.match(text)):
            scopes = {text}
        elif PEER_NETWORK.fullmatch(key):
            scopes = _scopes(text)
        else:
            continue
        for scope in sorted(scopes - own):
            if scope:
                yield key, scope


# The other side of a link named as anyone: a wildcard or a word for every owner.
ANY_PEER = frozenset({"*", "any", "all", "anyone", "everyone", "0.0.0.0/0"})
# Who the other side is (an organisation, an owner, a tenant) or which network: `peer_org`, `remote_network`.
PEER_ANY_KEY = lazy_compile(r"(?:peer|remote|partner)\w*_(?:org|orgs|organization|organisation|owner|account"
                            r"|accounts|tenant|tenants|project|subscription|network|networks|vpc|vpcs)(?:_ids?)?")


@on_change(words=(b"peer", b"remote", b"partner"))
def _linked_to_anyone(change: Change) -> Iterator[Finding]:
    """A link whose other side (its organisation, owner or network) is newly a wildcard: any tenant may connect."""
    before, after = (side if isinstance(side, dict) else {} for side in (change.before, change.after))
    for key, value in after.items():
        values = [str(v).strip().lower() for v in (value if isinstance(value, list) else [value])]
        if PEER_ANY_KEY.fullmatch(key) and set(values) & ANY_PEER and before.get(key) != value:
            yield finding("foreign-network-link", change.address, f"{change.address}: {key} = {value!r}: the link "
                          "accepts any organisation's network as its peer, other tenants and customers included")
            return


@rule("foreign-network-link", Severity.HIGH,
      "A network link (peering, transit gateway share) reaches an account, subscription or project outside the "
      "plan's own.")
def _foreign_peering(ri: ReviewInput) -> Iterator[Finding]:
    changes = [c for c in managed(ri.changeset, Action.CREATE, Action.UPDATE, Action.REPLACE) if _may_link(c)]
    if not changes:
        return  # the plan-wide walk for the plan's own scopes runs only when some change could link out
    links = [c for c in ri.changeset.changes if _links(c)]
    own = own_scopes(ri, links=False) | reciprocal(changes)
    owned, unsure = _link_sides(links, own)
    own |= owned
    for change in changes:
        # A link the object already had (an update of its machine type, a re-created peering to the same peer) is
        # not made by this change.
        held = set(foreign(change, own, change.before)) if isinstance(change.before, dict) else set()
        for key, scope in foreign(change, own):
            if (key, scope) in held:
                continue
            sibling = kin(scope, own | unsure)
            if sibling is not None:
                yield finding("foreign-network-link", change.address,
                              f"{change.address} links the network to {scope} ({key}), a project named like this "
                              f"plan's own {sibling}: confirm it is in your organisation", Severity.MEDIUM)
                continue
            handed = handed_over(change, ri)
            if handed is None:
                yield finding("foreign-network-link", change.address,
                              f"{change.address} links the network to {scope} ({key}), which nothing else in this "
                              "plan owns; its routes reach only the peer's own range and no transit is handed over: "
                              "confirm the peer is yours or trusted", Severity.MEDIUM)
                continue
            yield finding("foreign-network-link", change.address,
                          f"{change.address} links the network to {scope} ({key}), which nothing else in this plan "
                          f"owns, and {handed}: traffic and routes cross into another account; confirm the peer is "
                          "yours or trusted")
