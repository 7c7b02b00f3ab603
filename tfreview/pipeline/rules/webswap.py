"""Risk rules, network helper (feeds `network-open-ingress` through exposure.py): a public web port swapped for
another. A host that served plain HTTP (80) or HTTPS (443) to the whole internet and now serves an alternate web
port (8443, 8080) to it instead, as many ports closed as opened, offers the world the same kind of door it had: the
opening is medium. A port that is no web port (SSH 22, a database), or one opened beside the old ones, stays as
graded.
"""

from __future__ import annotations

from typing import Any

from tfreview.pipeline.rules.ports import WEB_PORTS, block_ports
from tfreview.pipeline.rules.values import world_sources

# The usual alternates of the web ports: HTTPS on 8443, HTTP on 8080.
ALTERNATE_WEB_PORTS = frozenset({8080, 8443})
SOURCE_WORDS = ("cidr", "source", "ip_range", "ipv4", "ipv6", "prefix")
MAX_DEPTH = 6


def web_port_swapped(before: dict[str, Any], after: dict[str, Any]) -> str | None:
    """Why every port this change newly opens to the whole internet replaces a web port it closes to it, or None."""
    old, new = _world_ports(before), _world_ports(after)
    opened, closed = new - old, (old - new) & WEB_PORTS
    if not opened or not opened <= ALTERNATE_WEB_PORTS or len(closed) < len(opened):
        return None
    return (f"web port {', '.join(map(str, sorted(closed)))} is closed to the internet as "
            f"{', '.join(map(str, sorted(opened)))} opens: the same kind of door, moved")


def _world_ports(values: Any, depth: int = 0) -> set[int]:
    """Single ports of the blocks in VALUES that admit the whole internet (a block with a world-wide source)."""
    if depth > MAX_DEPTH:
        return set()
    if isinstance(values, list):
        return {port for item in values for port in _world_ports(item, depth + 1)}
    if not isinstance(values, dict):
        return set()
    found = {port for value in values.values() if isinstance(value, (dict, list))
             for port in _world_ports(value, depth + 1)}
    if any(any(word in key.lower() for word in SOURCE_WORDS) and world_sources(value, words=False)
           for key, value in values.items()):
        found |= {span[0] for span in block_ports(values) if isinstance(span, tuple) and span[0] == span[1]}
    return found
