"""Which way a network block faces, for the internet-exposure rule (risk rules stage; feeds `network-open-ingress`).

An internet-wide address lets the world in only on a block that faces inward: a key or type that speaks of
egress, routes, NAT, peering or deny lists makes the address a destination, and a block whose direction says
egress or whose action says deny opens nothing. exposure.py and ports.py read blocks through these words.
"""

from __future__ import annotations

from typing import Any

from tfreview.lazyregex import lazy_compile

# Words of a key (split at `_`, `.`, `-`, `/`) that make an internet-wide address a destination, not a source.
AWAY = {"egress", "outbound", "destination", "dest", "dst", "route", "routes", "next", "nat", "peer", "peering",
        "target", "gateway", "except", "forward", "forwarding", "redirect", "upstream", "origin", "private",
        "internal", "exclude", "excluded", "deny", "denied", "denylist", "blocklist", "blacklist", "blocked",
        "advertised", "advertise"}
AWAY_TYPES = {"route", "routes", "router", "nat", "vpn", "peering", "egress", "outbound", "subnet", "subnetwork",
              "prefix", "deny", "denylist", "blocklist", "waf", "wafv2", "armor"}
DEFAULT_KEYS = lazy_compile(r"^(?:default_(?:action|policy)|(?:inbound|ingress)_(?:default_)?(?:policy|action))$")
DENY_WORDS = {"deny", "drop", "reject", "block", "denied"}
DIRECTION_KEYS = ("direction", "type", "traffic_direction", "rule_type", "flow")
ACTION_KEYS = ("action", "access", "rule_action", "mode", "policy", "effect", "type")
# In a block that says it is inbound, the peer is where traffic comes from (`peer_cidr`, `peer_ip`), not a route.
INBOUND_PEER = {"peer"}
_SPLIT = lazy_compile(r"[^a-z0-9]+")


def words(key: str) -> set[str]:
    """The words of a key or type name."""
    return set(_SPLIT.split(key.lower()))


def faces_away(node: dict[str, Any]) -> bool:
    """Whether a block speaks of egress (direction/type) or denies (action/access); keys in any case (JSON
    documents write `Action`)."""
    node = {k.lower(): v for k, v in node.items()} if any(k[:1].isupper() for k in node) else node
    for key in DIRECTION_KEYS:
        if str(node.get(key, "")).lower() in ("egress", "outbound", "out"):
            return True
    if node.get("egress") is True:
        return True
    return any(str(node.get(k, "")).lower() in ("deny", "block", "drop", "reject") for k in ACTION_KEYS)


def faces_inbound(node: dict[str, Any]) -> bool:
    """Whether a block says it is inbound (direction/type ingress, inbound or in)."""
    return any(str(node.get(key, "")).lower() in ("ingress", "inbound", "in") for key in DIRECTION_KEYS)


def denies_by_default(values: dict[str, Any]) -> bool:
    """Whether an ACL's own default action or inbound policy denies what no rule allows."""
    return any(DEFAULT_KEYS.match(key.lower()) and str(value).lower() in DENY_WORDS for key, value in values.items())


def inactive(node: dict[str, Any]) -> bool:
    """Whether a block is switched off (`disabled = true`, `enabled = false`)."""
    return node.get("disabled") is True or node.get("enabled") is False
