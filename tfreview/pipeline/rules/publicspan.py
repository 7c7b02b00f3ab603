"""Risk rules, network exposure (values.world_sources): how many publicly routable addresses a set of ranges lets
in. An allow-list names parties; ranges spanning several /8s of the public IPv4 internet (1.0.0.0/8 + 2.0.0.0/7 +
4.0.0.0/6), or all global IPv6 unicast (2000::/3), name nobody, though they stay under half of the address space.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from functools import cache

Net = ipaddress.IPv4Network | ipaddress.IPv6Network

# Four /8s of public IPv4 (67 million addresses): more than any one organisation's allow-list names.
WIDE_V4 = 2**26
# A /16 of global IPv6 unicast: wider than the largest allocation to one network (a /19-/32), RIR blocks included.
WIDE_V6 = 2**112
# IPv4 ranges that are not reachable from the internet (RFC 6890 special-purpose, not forwarded globally).
_NOT_PUBLIC_V4 = ("0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12",
                  "192.168.0.0/16", "198.18.0.0/15", "224.0.0.0/4", "240.0.0.0/4")
_GLOBAL_V6 = "2000::/3"


@cache
def _not_public_v4() -> tuple[ipaddress.IPv4Network, ...]:
    return tuple(ipaddress.IPv4Network(n) for n in _NOT_PUBLIC_V4)


def _overlap(a: Net, b: Net) -> int:
    """Addresses two CIDR ranges share: CIDR ranges either nest or are disjoint."""
    if a.version != b.version:
        return 0
    if a.prefixlen >= b.prefixlen:
        return int(a.num_addresses) if a.subnet_of(b) else 0  # type: ignore[arg-type]
    return int(b.num_addresses) if b.subnet_of(a) else 0  # type: ignore[arg-type]


def public_span(collapsed: Sequence[Net]) -> int:
    """Publicly routable addresses in COLLAPSED (disjoint ranges of one IP version)."""
    total = 0
    for net in collapsed:
        if net.version == 4:
            total += int(net.num_addresses) - sum(_overlap(net, n) for n in _not_public_v4())
        else:
            total += _overlap(net, ipaddress.IPv6Network(_GLOBAL_V6))
    return total


def too_wide(collapsed: Sequence[Net]) -> bool:
    """Whether COLLAPSED (disjoint ranges of one IP version) spans more of the public internet than an allow-list."""
    if not collapsed:
        return False
    return public_span(collapsed) >= (WIDE_V4 if collapsed[0].version == 4 else WIDE_V6)


def spanned(start: object, end: object) -> list[Net]:
    """The CIDR ranges from address START to address END (at most ~2 per address bit); none unless both parse."""
    try:
        low, high = ipaddress.ip_address(str(start).strip()), ipaddress.ip_address(str(end).strip())
    except ValueError:
        return []
    if low.version != high.version or int(high) < int(low):
        return []
    return list(ipaddress.summarize_address_range(low, high))
