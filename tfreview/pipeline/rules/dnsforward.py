"""Risk rules, reach (risk rules stage; feeds `dns-forwarded-out`, beside passage.py's root-domain forwarding): a DNS
forwarding rule or policy whose targets were all inside the network (private addresses: on-premises resolvers, a
hub's inbound endpoint) and now include a public address, on any provider (Route 53 Resolver rules' `target_ip`, a
Cloud DNS policy's alternative name servers, a forwarding zone's `target_name_servers`, `forwarders`). Every query
it forwards, internal names included, goes to a resolver outside — which learns the internal names and can answer
for them. Forwarders moved from one private address to another, and forwarding that was public already, are
quiet."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import Finding, finding, on_change
from tfreview.pipeline.rules.addressing import internal_address
from tfreview.pipeline.rules.common import sides
from tfreview.pipeline.rules.passage import DNS_OUT
from tfreview.pipeline.rules.values import leaves, plain

# Paths of a forwarding target's address, any provider (`target_ip.ip`, `target_name_servers.ipv4_address`,
# `forwarding_config.target_name_servers.ipv4_address`, `forwarders`, `dns_servers`).
TARGET_PATH = lazy_compile(r"(?:forward\w*|target\w*|name_?servers?|resolvers?|dns_?servers?|upstreams?)"
                           r"(?:\.(?:ip|ipv4_address|ipv6_address|address|ip_address))?$")


def _targets(values: Any) -> dict[str, bool]:
    """The forwarding targets' addresses in VALUES, each with whether it is inside the network (addressing.py)."""
    found = {}
    for path, value in leaves(values):
        if not TARGET_PATH.search(plain(path)):
            continue
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, str) and (inside := internal_address(item)) is not None:
                found[item.strip()] = inside
    return found


@on_change(actions=(Action.UPDATE, Action.REPLACE), words=(b"forward", b"target", b"name_server", b"resolver",
                                                           b"nameserver", b"dns_server", b"upstream"))
def _forwarded_outside(change: Change) -> Iterator[Finding]:
    before, after = (_targets(side) for side in sides(change))
    if not before or not all(before.values()):
        return
    public = sorted(address for address, inside in after.items() if not inside)
    if public:
        yield finding(DNS_OUT, change.address, f"{change.address}: DNS queries it forwarded to private resolvers "
                      f"now go to {', '.join(public)}, a public address: internal names leave the network and that "
                      "resolver answers for them")
