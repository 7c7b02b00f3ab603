"""Reach (risk rules stage): a default or very broad route whose next hop is one machine. Read by key shape, so
any cloud's route, route table or static route is covered; gateways, tunnels and peerings stay quiet."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.addresses import module_of
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.configuration import configuration
from tfreview.pipeline.findings import (
    ALTERING,
    Finding,
    ReviewInput,
    Severity,
    declare,
    finding,
    graded_medium,
    grader,
    managed,
    on_change,
    rule,
)
from tfreview.pipeline.rules.common import as_dict, as_list, show, sides
from tfreview.pipeline.rules.planview import plan_view
from tfreview.pipeline.rules.values import leaves

ROUTE_VIA_HOST = declare("route-via-host", Severity.HIGH,
                         "A new default or very broad route (0.0.0.0/0, ::/0, a /8 or wider) whose next hop is one "
                         "machine (an instance, a network interface, an appliance's IP): that machine can read or "
                         "redirect all the traffic.")
ROUTE_TYPES = lazy_compile(r"(?:^|_)(?:route|routes|route_table|static_route)(?:_|$)")
DESTINATION_KEY = lazy_compile(r"dest\w*|\w*destination\w*|address_prefix|cidr_block|ipv6_cidr_block|prefix|network")
# A next hop that is a single machine; gateways, tunnels and peerings are other keys and stay quiet.
# A mesh VPN's route names the node that carries it (`via_node`, an exit node).
HOST_HOP = lazy_compile(r"(?:next_hop_)?(?:instance|instance_id|network_interface\w*|eni\w*|ip|ip_address|in_ip_address"
                        r"|appliance\w*|vm\w*|host\w*)|(?:via_|exit_|next_hop_)?node(?:_id)?|via_(?:host|peer|device)")
BROAD_BITS = {4: 8, 6: 16}


def _broad(value: Any) -> bool:
    if not isinstance(value, str) or "/" not in value:
        return False
    try:
        network = ipaddress.ip_network(value.strip(), strict=False)
    except ValueError:
        return False
    return network.prefixlen <= BROAD_BITS[network.version]


def _broad_destinations(block: dict[str, Any]) -> list[str]:
    """The destinations of one route block that are a /8 or wider (IPv6 /16): a default route and its kin."""
    return [str(v) for k, v in block.items() if DESTINATION_KEY.fullmatch(k) and _broad(v)]


def _route_blocks(values: Any, unknown: Any, depth: int = 0) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    """Every object in a route's values with the matching after_unknown object (nested route blocks too)."""
    if depth > 4 or not isinstance(values, dict):
        return
    yield values, unknown if isinstance(unknown, dict) else {}
    for key, value in values.items():
        inner = unknown.get(key) if isinstance(unknown, dict) else None
        for index, item in enumerate(as_list(value)):
            yield from _route_blocks(item, inner[index] if isinstance(inner, list) and index < len(inner) else None,
                                     depth + 1)


# A next hop that is shared infrastructure (an internet, NAT, transit or VPN gateway, a peering, an endpoint, an
# internal load balancer), or a next-hop type other than an appliance (Azure's `Internet`, `VnetLocal`).
GATEWAY_HOP = lazy_compile(r"\w*(?:gateway|peering|tunnel|vpn|endpoint|ilb|core_network)\w*")
APPLIANCE_TYPES = {"virtualappliance", "appliance", "instance"}


def _ip_literal(value: Any) -> bool:
    """Whether VALUE is one IP address: a hop given by address is a machine, whatever its key is called."""
    try:
        ipaddress.ip_address(str(value).strip())
    except ValueError:
        return False
    return True


def _gateway_hop(block: dict[str, Any], unknown: dict[str, Any]) -> bool:
    """Whether the route's target is a gateway, set or known only after apply (the gateway is created in the plan).
    A provider fills the other target keys after apply too (aws_route's instance_id, network_interface_id), so
    an unknown host key beside a gateway is not a machine."""
    if any(GATEWAY_HOP.fullmatch(key) and (unknown.get(key) is True or block.get(key) not in (None, "", [], {}))
           and not _ip_literal(block.get(key)) for key in {*block, *unknown}):
        return True
    hop_type = block.get("next_hop_type")
    return isinstance(hop_type, str) and hop_type.lower() not in APPLIANCE_TYPES


def _host_hop(block: dict[str, Any], unknown: dict[str, Any]) -> str | None:
    if _gateway_hop(block, unknown):
        return None
    for key in {*block, *unknown}:
        if (HOST_HOP.fullmatch(key) or GATEWAY_HOP.fullmatch(key)) and \
                (unknown.get(key) is True or block.get(key) not in (None, "", [], {})):
            return key
    return None


@on_change(actions=ALTERING, type_pattern=ROUTE_TYPES)
def _route_via_host(change: Change) -> Iterator[Finding]:
    if not ROUTE_TYPES.search(change.type):
        return
    before, after = sides(change)
    old = [b for b, _ in _route_blocks(before, None)]
    for block, unknown in _route_blocks(after, change.after_unknown):
        broad = _broad_destinations(block)
        hop = _host_hop(block, unknown)
        if broad and hop and not any(_same_route(block, prior) for prior in old):
            yield finding(ROUTE_VIA_HOST, change.address,
                          f"{change.address}: a route for {show(broad[0])} now goes through one machine ({hop}): it "
                          "can read or redirect all of that traffic")
            return


BYPASS_TEXT = ("A default or very broad route that went through a firewall or appliance (one machine) now goes "
               "straight to a gateway or the internet, or a new one straight to the internet is preferred over the "
               "route through the firewall: its traffic is no longer inspected.")
BYPASS = declare("route-bypass", Severity.HIGH, BYPASS_TEXT)


@on_change(actions=(Action.UPDATE,), type_pattern=ROUTE_TYPES)
def _route_bypass(change: Change) -> Iterator[Finding]:
    if not ROUTE_TYPES.search(change.type):
        return
    before, after = sides(change)
    old = list(_route_blocks(before, None))
    for block, unknown in _route_blocks(after, change.after_unknown):
        broad = _broad_destinations(block)
        if not broad or _host_hop(block, unknown) or not _gateway_hop(block, unknown):
            continue
        for prior, _ in old:
            was = _host_hop(prior, {})
            if was and any(prior.get(k) == v for k, v in block.items() if DESTINATION_KEY.fullmatch(k)):
                yield finding(BYPASS, change.address,
                              f"{change.address}: the route for {show(broad[0])} went through {was} "
                              f"{show(prior.get(was))} and now goes straight to a gateway: the firewall or appliance "
                              "no longer sees that traffic")
                return


TO_PEER_TEXT = ("A route for a range far wider than one network (a /8 or wider: every internal network, or the "
                "internet) now goes to a peering, a link to one other network: that network receives the traffic "
                "meant for everything the range covers, and a peering's own route names its peer's range.")
TO_PEER = declare("broad-route-to-peer", Severity.HIGH, TO_PEER_TEXT)
# A hop that is a peering (AWS `vpc_peering_connection_id`, Google's `next_hop_peering`, Azure's `VnetPeering`).
PEERING_HOP = lazy_compile(r"\w*peering\w*")


@on_change(actions=(Action.CREATE, Action.UPDATE, Action.REPLACE), type_pattern=ROUTE_TYPES)
def _broad_route_to_peer(change: Change) -> Iterator[Finding]:
    if not ROUTE_TYPES.search(change.type):
        return
    before, after = sides(change)
    old = [b for b, _ in _route_blocks(before, None)]
    for block, _ in _route_blocks(after, change.after_unknown):
        broad = _broad_destinations(block)
        peer = next((f"{k} {show(v)}" for k, v in block.items() if PEERING_HOP.fullmatch(k)
                     and isinstance(v, str) and v.strip()), None)
        if broad and peer and not any(_same_destination(block, p) and _same_peer(block, p) for p in old):
            yield finding(TO_PEER, change.address, f"{change.address}: the route for {show(broad[0])} now goes to "
                          f"a peering ({peer}): one other network receives the traffic meant for everything that "
                          "range covers")
            return


def _same_peer(block: dict[str, Any], prior: dict[str, Any]) -> bool:
    return all(prior.get(k) == v for k, v in block.items() if PEERING_HOP.fullmatch(k))


def _same_route(block: dict[str, Any], prior: dict[str, Any]) -> bool:
    return all(prior.get(k) == v for k, v in block.items() if DESTINATION_KEY.fullmatch(k) or HOST_HOP.fullmatch(k))


PRIVATE_OPENED_TEXT = ("A private subnet's route table (named or addressed private, or one whose route went through a "
                       "NAT gateway) gets a default or very broad route straight to an internet gateway (by id, hop "
                       "type, or, for a gateway created in the same plan, by the configuration's reference): its "
                       "machines become directly internet-routable.")
PRIVATE_OPENED = declare("private-made-public", Severity.HIGH, PRIVATE_OPENED_TEXT)
PRIVATE = lazy_compile(r"(?:^|[^a-z])priv(?:ate)?(?:[^a-z]|$)")
NAME_KEYS = lazy_compile(r"\w*route_table\w*|name|display_name|tags|labels|network|subnet\w*")
# An internet gateway by id (aws igw-…), by key (internet_gateway_id) or by hop type (Azure `Internet`, Google's
# default-internet-gateway).
INTERNET_HOP = lazy_compile(r"igw-\w+|internet|default-internet-gateway")


def _internet_hop(block: dict[str, Any]) -> str | None:
    for key, value in block.items():
        if not GATEWAY_HOP.fullmatch(key) and key != "next_hop_type":
            continue
        # a gateway given by its path (`projects/p/global/gateways/default-internet-gateway`) counts by its name
        if isinstance(value, str) and value and (INTERNET_HOP.fullmatch(value.strip().lower().rsplit("/", 1)[-1])
                                                  or ("internet" in key and value)):
            return f"{key} {show(value)}"
    return None


def _private(change: Change, values: dict[str, Any]) -> bool:
    named = [change.address] + [str(v) for k, v in values.items() if NAME_KEYS.fullmatch(k)]
    return any(PRIVATE.search(text.lower()) for text in named)


@on_change(actions=ALTERING, type_pattern=ROUTE_TYPES)
def _private_to_internet(change: Change) -> Iterator[Finding]:
    if not ROUTE_TYPES.search(change.type):
        return
    before, after = sides(change)
    old = [b for b, _ in _route_blocks(before, None)]
    named = _private(change, after)
    for block, _ in _route_blocks(after, change.after_unknown):
        broad = _broad_destinations(block)
        hop = _internet_hop(block)
        if not broad or not hop or any(_internet_hop(p) and _same_destination(block, p) for p in old):
            continue
        nat = next((n for p in old if _same_destination(block, p) and (n := _nat_hop(p))), None)
        if named or nat:
            why = (f"a route table whose {show(broad[0])} went through {nat} sends it" if nat
                   else f"a private route table sends {show(broad[0])}")
            yield finding(PRIVATE_OPENED, change.address,
                          f"{change.address}: {why} to an internet gateway ({hop}): its subnets become directly "
                          "reachable from and to the internet")
            return


def _nat_hop(block: dict[str, Any]) -> str | None:
    """The NAT gateway a route went through (`nat_gateway_id nat-…`): only a private subnet needs one, so its route
    moved to an internet gateway makes that subnet public."""
    for key, value in block.items():
        if isinstance(value, str) and GATEWAY_HOP.fullmatch(key) and (key.startswith("nat")
                                                                      or value.startswith("nat-")):
            return f"{key} {show(value)}"
    return None


# A reference to an internet gateway (`aws_internet_gateway.main.id`, a module's `igw_id` output); an egress-only
# gateway lets no connection in.
GATEWAY_REFERENCE = lazy_compile(r"(?<!egress_only_)internet_gateway|(?:^|[._])igw(?:s|_ids?)?(?:[._\[]|$)")


@rule(PRIVATE_OPENED, Severity.HIGH, PRIVATE_OPENED_TEXT)  # the per-change check above reports under it too
def _private_to_new_gateway(ri: ReviewInput) -> Iterator[Finding]:
    """A private route table's broad route to an internet gateway created in the same plan: the plan shows the hop
    only as `(known after apply)`, the configuration says which resource it is."""
    config = configuration(ri.plan)
    first = _first_gateways(ri)
    for change in managed(ri.changeset, Action.CREATE, Action.UPDATE, Action.REPLACE):
        after = change.after if isinstance(change.after, dict) else {}
        isolated = first.get(module_of(change.address))
        if not ROUTE_TYPES.search(change.type) or not after or not (_private(change, after) or isolated):
            continue
        unknown = change.after_unknown if isinstance(change.after_unknown, dict) else {}
        # the route itself (aws_route), then a route table's inline route blocks beside their configured ones
        blocks: list[tuple[Any, Any, dict[str, Any]]] = [(after, config.expressions(change.address) or {}, unknown)]
        blocks += [(b, e, {}) for b, e in zip(as_list(after.get("route")),
                                              as_list(config.expression(change.address, ("route",))), strict=False)]
        for block, expressions, unseen in blocks:
            hop = _new_gateway(block, expressions, unseen)
            broad = _broad_destinations(_object(block))
            if hop and broad and not _internet_hop(_object(block)):
                which = "a private route table" if _private(change, after) else \
                    f"a route table of {isolated}, which had no internet gateway until this plan,"
                yield finding(PRIVATE_OPENED, change.address,
                              f"{change.address}: {which} sends {show(broad[0])} to an internet gateway "
                              f"created in this plan ({hop}): its subnets become directly reachable from and to the "
                              "internet")
                break


def _first_gateways(ri: ReviewInput) -> dict[str, str]:
    """Module path → the existing VPC an internet gateway is created for in that module. AWS attaches at most one
    internet gateway to a VPC, so one created for a VPC the plan does not create is its first: until now the
    network had no way to or from the internet (an isolated or air-gapped VPC). A VPC created in the same plan has
    no id yet, so its gateway names none."""
    return {module_of(c.address): vpc for c in managed(ri.changeset, Action.CREATE)
            if c.type == "aws_internet_gateway" and isinstance(vpc := as_dict(c.after).get("vpc_id"), str)
            and vpc.startswith("vpc-")}


def _new_gateway(block: Any, expressions: Any, unknown: dict[str, Any]) -> str | None:
    """`key → reference` of a hop left unknown (or empty) whose configuration references an internet gateway."""
    for key, expression in _object(expressions).items():
        if not GATEWAY_HOP.fullmatch(key) or not (unknown.get(key) is True or _object(block).get(key) in (None, "")):
            continue
        references = _object(expression).get("references")
        found = next((r for r in as_list(references) if isinstance(r, str) and GATEWAY_REFERENCE.search(r)), None)
        if found:
            return f"{key} → {found}"
    return None


def _object(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _same_destination(block: dict[str, Any], prior: dict[str, Any]) -> bool:
    return all(prior.get(k) == v for k, v in block.items() if DESTINATION_KEY.fullmatch(k))


# --- a new route straight to the internet that wins over the route through the firewall -------------------------
# The setting by which a route is preferred, lower first (Google's `priority`, a mesh's or router's `metric`).
PREFERENCE = ("priority", "metric", "route_priority", "distance", "admin_distance")
# A hop that inspects traffic: one machine (HOST_HOP), an internal load balancer in front of firewalls, an appliance.
INSPECTING_HOP = lazy_compile(r"next_hop_ilb|\w*(?:appliance|firewall|gwlb)\w*")


def _preference(block: dict[str, Any]) -> float | None:
    found = next((block[k] for k in PREFERENCE if isinstance(block.get(k), int | float)
                  and not isinstance(block.get(k), bool)), None)
    return float(found) if found is not None else None


def _inspected(block: dict[str, Any]) -> str | None:
    """The key of a hop that inspects the traffic (an appliance, a firewall's load balancer, one machine), or None."""
    for key, value in block.items():
        if INSPECTING_HOP.fullmatch(key) and value not in (None, "", [], {}):
            return key
    return _host_hop(block, {})


@rule(BYPASS, Severity.HIGH, BYPASS_TEXT)  # the per-change checks above report under it too
def _route_outranks_firewall(ri: ReviewInput) -> Iterator[Finding]:
    """A new broad route straight to an internet gateway, preferred over (a lower priority number than) a route of
    the same network for the same destination that goes through a firewall: the traffic it matches skips it."""
    routes = [c for c in ri.changeset.changes if c.mode == "managed" and ROUTE_TYPES.search(c.type)
              and isinstance(c.after, dict)]
    for change in routes:
        if change.action not in (Action.CREATE, Action.UPDATE, Action.REPLACE):
            continue
        block = change.after if isinstance(change.after, dict) else {}
        broad = _broad_destinations(block)
        mine = _preference(block)
        if not broad or mine is None or not _internet_hop(block):
            continue
        for other in routes:
            prior = other.after if isinstance(other.after, dict) else {}
            theirs, via = _preference(prior), _inspected(prior)
            if other is change or theirs is None or via is None or mine >= theirs \
                    or prior.get("network") != block.get("network") or not _same_destination(block, prior):
                continue
            yield finding(BYPASS, change.address, f"{change.address}: a route for {show(broad[0])} straight to the "
                          f"internet ({_internet_hop(block)}) is preferred ({mine:g} before {theirs:g}) over "
                          f"{other.address}, which goes through {via} {show(prior.get(via))}: the traffic it matches "
                          "is no longer inspected")
            break


# --- a route re-made through another gateway of the same kind --------------------------------------------------
# Hops by which traffic leaves for the internet the same way whichever one of them it is (another NAT gateway of
# the same network); a transit gateway, peering, VPN or endpoint leads to whatever network it joins.
EGRESS_HOPS = lazy_compile(r"nat_gateway_id|egress_only_gateway_id|carrier_gateway_id|internet_gateway_id")


def same_kind_of_hop(change: Change) -> str | None:
    """Why a replaced route loses nothing, or None: one route (not a table) re-made for the same destination through
    another egress gateway of the kind it used (`nat_gateway_id` nat-a → nat-b). It holds no data, and where its
    traffic leaves is as it was; a hop of another kind (a NAT gateway swapped for an internet gateway) or one that
    leads to another network (a transit gateway, a peering) is not this."""
    if change.action is not Action.REPLACE or not ROUTE_TYPES.search(change.type) or "table" in change.type:
        return None
    before, after = sides(change)
    hops = [{key for key, value in side.items() if GATEWAY_HOP.fullmatch(key) and value not in (None, "", [], {})}
            for side in (before, after)]
    unknown = change.after_unknown if isinstance(change.after_unknown, dict) else {}
    hops[1] |= {key for key, mark in unknown.items() if mark is True and GATEWAY_HOP.fullmatch(key)}
    hop = next(iter(hops[0])) if len(hops[0]) == 1 and hops[0] == hops[1] else None
    if hop is None or not EGRESS_HOPS.fullmatch(hop) or not _same_destination(after, before) \
            or not any(DESTINATION_KEY.fullmatch(k) and v not in (None, "") for k, v in after.items()):
        return None
    return f"the same destination re-made through another {hop}: it holds no data"


# Types of the organisation's own inspecting appliances (Azure Firewall, a network virtual appliance, any
# provider's firewall instance): a route through the private address of one of them is the firewall hop.
APPLIANCE_RESOURCES = lazy_compile(r"firewall|virtual_appliance|(?:^|_)nva(?:_|$)")
PRIVATE_ADDRESS_KEY = lazy_compile(r"private_ip(?:_address)?$")


@grader
def firewall_hops(review_input: ReviewInput, findings: list[Finding]) -> list[Finding]:
    """A broad route through one machine whose address is a firewall's of this plan (its private IP in the
    firewall's own values), or the one the network's broad routes already went through before the plan: the
    traffic goes to the organisation's own inspection, shown (medium), not held."""
    if not any(f.rule == ROUTE_VIA_HOST and f.severity is Severity.HIGH for f in findings):
        return findings
    view = plan_view(review_input)
    firewalls = {str(value): c.address for c in view.changes if APPLIANCE_RESOURCES.search(c.type)
                 and c.action is not Action.DELETE for path, value in leaves(c.after)
                 if PRIVATE_ADDRESS_KEY.search(path) and isinstance(value, str) and value}
    changes = {c.address: c for c in view.changes}
    # hops the network's broad routes already went through before this plan (its standing appliance)
    standing = {str(v) for c in view.changes if ROUTE_TYPES.search(c.type)
                for side in (c.before, c.after if c.action is Action.NO_OP else None)
                for b, _ in _route_blocks(as_dict(side), None) if _broad_destinations(b)
                for k, v in b.items() if HOST_HOP.fullmatch(k) and v not in (None, "")}
    graded = []
    for found in findings:
        change = changes.get(found.address or "") if found.rule == ROUTE_VIA_HOST else None
        hops = {str(v) for b, _ in _route_blocks(as_dict(change.after), None) for k, v in b.items()
                if HOST_HOP.fullmatch(k) and v not in (None, "")} if change else set()
        if hops and all(h in firewalls for h in hops):
            found = graded_medium(found, f"that address is {firewalls[sorted(hops)[0]]}'s, the plan's own firewall")
        elif hops and hops <= standing:
            found = graded_medium(found, f"{sorted(hops)[0]} already carried this network's broad routes before this "
                                  "plan: its standing appliance")
        graded.append(found)
    return graded
