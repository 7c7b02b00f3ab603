"""Risk rules, reach (risk rules stage; `dns-forwarded-outside`): a DNS forwarding rule or policy whose targets were
all inside the network (private addresses: on-premises resolvers, a hub's inbound endpoint) and now include a public
address, on any provider (Route 53 Resolver rules' `target_ip`, a Cloud DNS policy's alternative name servers, a
forwarding zone's `target_name_servers`, `forwarders`). Every query it forwards, internal names included, goes to a
resolver outside — which learns the internal names and can answer for them. Forwarders moved from one private
address to another, and forwarding that was public already, are quiet."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator
from functools import cache
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import Finding, Severity, declare, finding, on_change
from tfreview.pipeline.rules.common import sides
from tfreview.pipeline.rules.values import leaves, plain

RULE = declare("dns-forwarded-outside", Severity.HIGH,
               "DNS queries a forwarding rule or resolver policy sent to private resolvers now go to a public address: "
               "internal names leave the network and an outside resolver answers for them.")
# Paths of a forwarding target's address, any provider (`target_ip.ip`, `target_name_servers.ipv4_address`,
# `forwarding_config.target_name_servers.ipv4_address`, `forwarders`, `dns_servers`).
TARGET_PATH = lazy_compile(r"(?:forward\w*|target\w*|name_?servers?|resolvers?|dns_?servers?|upstreams?)"
                           r"(?:\.(?:ip|ipv4_address|ipv6_address|address|ip_address))?$")


# The address space a network keeps inside (RFC 1918, carrier-grade NAT, unique local, loopback, link-local);
# anything else, documentation ranges included, is read as public.
INSIDE = tuple(ipaddress.ip_network(n) for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10",
                                                 "127.0.0.0/8", "169.254.0.0/16", "fc00::/7", "fe80::/10", "::1/128"))


def _inside(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    return any(address.version == net.version and address in net for net in INSIDE)


@cache
def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def _targets(values: Any) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    found = []
    for path, value in leaves(values):
        if not TARGET_PATH.search(plain(path)):
            continue
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, str) and (address := _address(item)) is not None:
                found.append(address)
    return found


@on_change(actions=(Action.UPDATE, Action.REPLACE), words=(b"forward", b"target", b"name_server", b"resolver",
                                                           b"nameserver", b"dns_server", b"upstream"))
def _forwarded_outside(change: Change) -> Iterator[Finding]:
    before, after = (_targets(side) for side in sides(change))
    if not before or not all(_inside(a) for a in before):
        return
    public = sorted({str(a) for a in after if not _inside(a) and not a.is_unspecified and not a.is_multicast})
    if public:
        yield finding(RULE, change.address, f"{change.address}: DNS queries it forwarded to private resolvers now go "
                      f"to {', '.join(public)}, a public address: internal names leave the network and that resolver "
                      "answers for them")
