"""Risk rules, reach (feeds foreign-network-link, peering.py): how much a network link to a scope the plan cannot
show is its own hands over. A peering joins two networks, but traffic crosses only where routes and rules let it:

- the link itself may hand over more than its own network: forwarded or transit traffic, our gateways, our custom
  routes exported (`allow_forwarded_traffic`, `allow_gateway_transit`, `use_remote_gateways`,
  `export_custom_routes`, `export_routes = "all"`);
- a route through a peering may send more than the peer's own network: a default route, or any range wider than a
  /16 (10.0.0.0/8 is every internal destination), or a destination the plan cannot show;
- the peer may be a provider's default network (every new AWS account's 172.31.0.0/16, a GCP project's `default`):
  landing zones remove those (CIS), so it is no network the organisation planned;
- a rule may admit the routed ranges on every port or an admin or data port (SSH, PostgreSQL…);
- the link's own name or Name tag may call the far side another party (`vendor`, `partner`, `customer`).

A link that does none of these (one narrow route to the peer's own range, no transit, nothing admitted beyond a web
port) reaches only the peer; whether the peer is the organisation's own is then a question for the reviewer, not a
reason on its own to hold the plan.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import ReviewInput
from tfreview.pipeline.rules.common import keyed_leaves
from tfreview.pipeline.rules.direction import faces_away, inactive, words
from tfreview.pipeline.rules.planview import PlanView, plan_view
from tfreview.pipeline.rules.ports import ADMIN_PORTS, ALL_PORTS, block_ports

# Switches on a link that hand the far side more than the near network: transit through it, our gateways, our
# learned routes. Importing the far side's routes is the other direction and is not one of them.
HANDING = lazy_compile(r"allow_forwarded_traffic|allow_gateway_transit|use_remote_gateways|export_custom_routes"
                       r"|export_(?:all_)?routes|\w*transit\w*_enabled|allow_transit\w*")
SHARE = lazy_compile(r"_ram_principal_association$")  # a transit gateway or network shared with another account
ROUTE_TYPES = lazy_compile(r"(?:^|_)routes?(?:_table)?(?:_|$)")
DESTINATION = lazy_compile(r"destination\w*|dest_range|cidr_block|address_prefix|ipv6_cidr_block")
# Where a route sends its traffic: a gateway, NAT, instance, interface, endpoint, transit gateway or peering.
NEXT_HOP = lazy_compile(r"\w*(?:gateway|instance|interface|endpoint|peering|next_hop|nexthop)\w*(?:_id|_arn|_ip|_type)?"
                        r"|next_hop\w*")
RULE_TYPES = lazy_compile(r"security_group|firewall|security_rule|network_security|_acl")
SOURCE = lazy_compile(r"source\w*|src\w*|cidr_blocks|cidr_ipv4|ipv6_cidr_blocks|cidr_ipv6|remote_ip_prefix")
WIDEST_ROUTE = 16  # a route to more than one /16 sends traffic beyond any one peer network
AWS_DEFAULT_VPC = ipaddress.ip_network("172.31.0.0/16")
DEFAULT_NETWORK = lazy_compile(r"/networks/default$")
PEER_NETWORK = lazy_compile(r"(?:peer|remote)\w*network\w*")
CHANGING = (Action.CREATE, Action.UPDATE, Action.REPLACE)
THIRD_PARTY = frozenset({"vendor", "vendors", "partner", "partners", "external", "thirdparty", "third", "customer",
                         "customers", "client", "clients", "contractor", "supplier", "saas"})


def handed_over(change: Change, ri: ReviewInput) -> str | None:
    """What this link, with the routes and rules the plan adds beside it, hands the far side beyond its own
    network, or None when it reaches only the peer."""
    if SHARE.search(change.type):
        return "sharing it lets the other account attach its own networks"
    after = change.after if isinstance(change.after, dict) else {}
    switches = sorted(key for key, value in after.items() if HANDING.fullmatch(key)
                      and (value is True or (isinstance(value, str) and value.lower() in ("all", "true"))))
    if switches:
        return f"it hands over transit or our routes ({', '.join(switches)})"
    if any(PEER_NETWORK.fullmatch(key) and DEFAULT_NETWORK.search(text) for key, text in keyed_leaves(after, str)):
        return "its peer is a project's default network, which no planned network uses"
    named = _party_words(change, after)
    if named:
        return f"its own name calls the far side another party ({', '.join(sorted(named))})"
    reach = plan_view(ri).derived("routes through peerings", _PeerRoutes)
    return reach.handed


def _party_words(change: Change, after: dict[str, Any]) -> set[str]:
    tags = after.get("tags")
    names = [change.name, str(after.get("name", ""))] + ([str(tags.get("Name", ""))] if isinstance(tags, dict) else [])
    return {word for name in names for word in words(name)} & THIRD_PARTY


class _PeerRoutes:
    """The routes the plan sends through a peering, and what they and the rules beside them hand over."""

    def __init__(self, view: PlanView) -> None:
        self.ranges: list[ipaddress.IPv4Network | ipaddress.IPv6Network] = []
        self.unseen = False
        for change in view.of(*CHANGING):
            if ROUTE_TYPES.search(change.type):
                for node in _peering_hops(change.after, change.after_unknown):
                    self._add(node)
        self.handed = self._judged(view)

    def _add(self, node: dict[str, Any]) -> None:
        found = [net for key, value in node.items() if DESTINATION.fullmatch(key) for net in _networks(value)]
        self.ranges += found
        self.unseen |= not found

    def _judged(self, view: PlanView) -> str | None:
        if self.unseen:
            return "a route through a peering goes to a destination the plan cannot show"
        wide = [str(net) for net in self.ranges if net.prefixlen < WIDEST_ROUTE]
        if wide:
            return f"a route sends {', '.join(sorted(set(wide)))} through it, far more than one peer network"
        if any(net.version == 4 and net.subnet_of(AWS_DEFAULT_VPC) for net in self.ranges):  # type: ignore[arg-type]
            return f"its peer is an account's default VPC ({AWS_DEFAULT_VPC}), which no planned network uses"
        admitted = sorted({what for change in view.of(*CHANGING) if RULE_TYPES.search(change.type)
                           for what in _admitted(change.after, self.ranges)})
        if admitted:
            return f"a rule admits the routed range on {', '.join(admitted)}"
        return None


def _peering_hops(after: Any, unknown: Any, depth: int = 0) -> Iterator[dict[str, Any]]:
    """Each route block in AFTER whose next hop is a peering (set, or known only after apply)."""
    if depth > 4:
        return
    if isinstance(after, list):
        unknowns = unknown if isinstance(unknown, list) else []
        for i, item in enumerate(after):
            yield from _peering_hops(item, unknowns[i] if i < len(unknowns) else None, depth + 1)
    elif isinstance(after, dict):
        marks: dict[str, Any] = unknown if isinstance(unknown, dict) else {}
        if any(DESTINATION.fullmatch(key) for key in {*after, *marks}) and _through_peering(after, marks):
            yield after
            return
        for key, value in after.items():
            if isinstance(value, (dict, list)):
                yield from _peering_hops(value, marks.get(key), depth + 1)


def _through_peering(route: dict[str, Any], marks: dict[str, Any]) -> bool:
    """Whether a route's next hop is a peering: named so (set, or known after apply), or no other hop is known (a
    route made beside a peering whose target the plan leaves out)."""
    hops = [key for key in {*route, *marks} if NEXT_HOP.fullmatch(key)]
    if any("peering" in key and (route.get(key) not in (None, "", []) or marks.get(key) is True) for key in hops):
        return True
    return not any(route.get(key) not in (None, "", [], False) or marks.get(key) is True for key in hops)


def _networks(value: Any) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    found = []
    for text in value if isinstance(value, list) else [value]:
        if isinstance(text, str):
            try:
                found.append(ipaddress.ip_network(text.strip(), strict=False))
            except ValueError:
                continue
    return found


def _admitted(values: Any, ranges: list[ipaddress.IPv4Network | ipaddress.IPv6Network],
              depth: int = 0) -> Iterator[str]:
    """How an inbound rule in VALUES admits any of RANGES: `all ports`, or an admin or data service by name."""
    if depth > 4 or not isinstance(values, (dict, list)):
        return
    for node in values if isinstance(values, list) else [values]:
        if not isinstance(node, dict) or faces_away(node) or inactive(node):
            continue
        sources = [net for key, value in node.items() if SOURCE.fullmatch(key) for net in _networks(value)]
        if any(_overlaps(source, routed) for source in sources for routed in ranges):
            yield from _opened(block_ports(node))
        for key, value in node.items():
            if isinstance(value, (dict, list)) and not words(key) & {"egress", "outbound"}:
                yield from _admitted(value, ranges, depth + 1)


def _opened(spans: list[tuple[int, int] | str]) -> Iterator[str]:
    for span in spans:
        if span == "none" or isinstance(span, str):
            continue
        low, high = span
        if span == ALL_PORTS or high - low > 1000:
            yield "all ports"
        else:
            yield from (f"{port} ({ADMIN_PORTS[port]})" for port in sorted(ADMIN_PORTS) if low <= port <= high)


def _overlaps(a: ipaddress.IPv4Network | ipaddress.IPv6Network,
              b: ipaddress.IPv4Network | ipaddress.IPv6Network) -> bool:
    return a.version == b.version and a.overlaps(b)
