"""Risk rules helper: whether an IP address is the organisation's own by its range (read by egress.py).

Private-use ranges (RFC 1918, shared CGNAT space, unique-local IPv6), loopback, link-local and unspecified addresses
never leave the organisation's networks. Every other address is somebody's on the internet, documentation ranges
(192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24, 2001:db8::/32) included: Python's `is_global` calls those not
global, but a plan that sends data to one sends it to an address nobody inside owns.
"""

from __future__ import annotations

import ipaddress

INTERNAL = tuple(ipaddress.ip_network(n) for n in (
    "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16",
    "0.0.0.0/8", "fc00::/7", "fe80::/10", "::1/128", "::/128"))


def internal_address(text: str) -> bool | None:
    """Whether TEXT is an address in a range of the organisation's own; None when it is no IP address."""
    try:
        address = ipaddress.ip_address(text.strip().strip("[]"))
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return any(address.version == n.version and address in n for n in INTERNAL)
