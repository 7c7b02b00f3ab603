"""Risk rules, reach (reported under foreign-network-link, peering.py): a tunnel that exports a wide internal range to
a remote endpoint with no access list, any provider.

A VPN, WireGuard, IPsec or invented provider's tunnel whose local side (`local_networks`, `local_cidrs`,
`exported_prefixes`…) holds a wide private range (IPv4 /16 or wider: 10.0.0.0/8, 172.16.0.0/12) or the whole address
space, reaches a remote endpoint that is not itself on a private address, and has no ACL, filter, firewall or port
list (each empty or absent), lets whoever holds the far end into every host of that range. A narrow range, a remote
endpoint on a private address, or any non-empty access list stays quiet.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Change
from tfreview.pipeline.findings import Finding, finding, on_change
from tfreview.pipeline.rules.addressing import internal_address

RULE = "foreign-network-link"
TUNNEL = lazy_compile(r"(?:^|_)(?:tunnel|tunnels|vpn|wireguard|ipsec|site_to_site)(?:_|$)")
_SPLIT = lazy_compile(r"[^a-z0-9]+")
LOCAL_WORDS = frozenset({"local", "exported", "export", "advertised", "left", "source"})
RANGE_WORDS = frozenset({"network", "networks", "cidr", "cidrs", "range", "ranges", "subnet", "subnets", "prefix",
                         "prefixes", "selectors", "addresses", "routes"})
REMOTE_WORDS = frozenset({"remote", "peer", "right"})
ENDPOINT_WORDS = frozenset({"endpoint", "address", "host", "gateway", "ip", "server"})
FILTER_WORDS = frozenset({"acl", "acls", "firewall", "filter", "filters", "policy", "policies", "rules", "allowed",
                          "ports", "allow"})
WIDEST_NARROW = 16  # an IPv4 private range of this prefix or wider is a whole network, not one service's subnet


def _words(key: str) -> set[str]:
    return {w for w in _SPLIT.split(key.lower()) if w}


def _items(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _wide(text: Any) -> str | None:
    """TEXT when it is a wide private range or the whole address space, else None."""
    if not isinstance(text, str):
        return None
    try:
        network = ipaddress.ip_network(text.strip(), strict=False)
    except ValueError:
        return None
    if network.prefixlen == 0:
        return text.strip()
    internal = internal_address(str(network.network_address))
    return text.strip() if internal and network.version == 4 and network.prefixlen <= WIDEST_NARROW else None


def _outside(text: Any) -> bool:
    """Whether a remote endpoint (host[:port] or address) is not on a private address."""
    if not isinstance(text, str) or not text.strip():
        return False
    host = text.strip().rsplit(":", 1)[0] if text.count(":") == 1 else text.strip()
    return internal_address(host) is not True


def _exposed(side: Any) -> tuple[str, str] | None:
    """(wide range, remote endpoint) when one side of a tunnel exports a wide range to an outside peer unfiltered."""
    values = side if isinstance(side, dict) else {}
    wide, remote = None, None
    for key, value in values.items():
        words = _words(str(key))
        if words & FILTER_WORDS and any(v not in (None, "", [], {}) for v in _items(value)):
            return None
        if words & LOCAL_WORDS and words & RANGE_WORDS:
            wide = wide or next((w for v in _items(value) if (w := _wide(v))), None)
        elif words & REMOTE_WORDS and words & ENDPOINT_WORDS and _outside(value):
            remote = remote or str(value)
    return (wide, remote) if wide and remote else None


@on_change(words=(b"tunnel", b"vpn", b"wireguard", b"ipsec", b"site_to_site"), type_pattern=TUNNEL)
def _open_tunnel(change: Change) -> Iterator[Finding]:
    exposed = _exposed(change.after)
    if exposed is not None and _exposed(change.before) != exposed:
        wide, remote = exposed
        yield finding(RULE, change.address, f"{change.address} exports {wide} to the remote endpoint {remote} with "
                      "no access list: whoever holds the far end reaches every host of that range; confirm the peer "
                      "is yours and add an ACL")
