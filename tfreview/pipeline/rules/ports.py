"""Which ports a network block opens, and how a message names them (risk rules stage; feeds
`network-open-ingress` through exposure.py, and services.py, hosts.py, databases.py).

Ports come from `from_port`/`to_port`, port lists and ranges (`"22-23"`, `"1:65535"`, `"443/tcp"`), or a
low/high pair (`port_range_min`/`port_range_max`, `port_start`/`port_end`); ICMP opens none, "all"/-1 opens
every port. A message names admin services by name (22 (SSH)) and calls any wide range "all ports".
"""

from __future__ import annotations

import re
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.rules.common import as_list, known
from tfreview.pipeline.rules.direction import AWAY, words

ALL_PORTS = (0, 65535)
WEB_PORTS = {80, 443}
ADMIN_PORTS = {22: "SSH", 23: "telnet", 3389: "RDP", 5985: "WinRM", 5986: "WinRM", 3306: "MySQL", 5432: "PostgreSQL",
               1433: "SQL Server", 1521: "Oracle", 27017: "MongoDB", 6379: "Redis", 9200: "Elasticsearch",
               11211: "memcached", 2375: "Docker", 2379: "etcd", 6443: "Kubernetes API", 10250: "kubelet",
               9092: "Kafka", 5601: "Kibana", 8500: "Consul", 5900: "VNC", 445: "SMB", 135: "RPC",
               # industrial and building control protocols: no authentication of their own, whoever reaches the
               # port drives the pumps, valves, air handlers or door controllers behind it
               502: "Modbus", 102: "Siemens S7", 44818: "EtherNet/IP", 47808: "BACnet", 4840: "OPC UA",
               2404: "IEC 60870-5-104", 1911: "Niagara Fox", 4911: "Niagara Fox TLS", 34962: "PROFINET",
               34963: "PROFINET", 34964: "PROFINET"}
# Where a public service takes UDP (game servers, voice, QUIC, WireGuard): ports above 1023, in ranges no wider than
# this, away from admin and data ports and from these: amplification and discovery services (SQL Browser, SSDP,
# WS-Discovery, mDNS, CoAP, memcached, Ubiquiti, ARD, Plex) and overlay networks (VXLAN, Geneve) that must never face
# the internet.
UDP_ABUSED = (1434, 1900, 3283, 3702, 4789, 5353, 5683, 6081, 8472, 10001, 11211, 32414)
PUBLIC_UDP_WIDTH = 1024
# Ports that exist to face the internet whatever the protocol: peer-to-peer networks whose nodes must be reachable
# by strangers (Ethereum's devp2p, Bitcoin, Lightning, Tendermint, Monero), VPN and NAT-traversal endpoints.
PEER_PORTS = {30303: "Ethereum devp2p", 8333: "Bitcoin", 9735: "Lightning", 26656: "Tendermint P2P",
              18080: "Monero P2P", 51820: "WireGuard", 1194: "OpenVPN", 500: "IKE", 4500: "IPsec NAT-T",
              3478: "STUN/TURN", 5349: "TURN over TLS"}
# Said of an opening served_by_design() finds (medium, not high).
BY_DESIGN = (" (a port served to strangers by design: UDP above 1023 with no admin, data or amplification port,"
             " or a peer-to-peer or VPN endpoint)")
PORT_KEYS = lazy_compile(r"(?:^|_)ports?(?:_ranges?)?$|^port_range|^(?:from|to)_port$|^destination_port_ranges?$"
                         r"|^dst_ports?$|^port_specification$|^target_port$|(?:^|_)port_(?:min|max|from|to|start|end)$"
                         r"|^(?:min|max|start|end)_port$")
SOURCE_PORT = lazy_compile(r"^(?:source|src)_ports?")
NO_PORT_PROTOCOLS = {"icmp", "icmpv6", "1", "58", "ipv6-icmp"}
ALL_PROTOCOLS = {"-1", "all", "*", "any"}
BOUND_KEYS = lazy_compile(r"(?:^|_)port_(?:min|max|from|to|start|end)$|^(?:min|max|start|end)_port$"
                          r"|port_range_(?:min|max)$")
LOW_WORDS = ("min", "from", "start")


def block_ports(node: dict[str, Any], depth: int = 0) -> list[tuple[int, int] | str]:
    """Port ranges named in NODE or the blocks under it; ["none"] for ICMP-only; [] when it names none."""
    protocol = str(node.get("protocol", node.get("ip_protocol", ""))).lower()
    if protocol in NO_PORT_PROTOCOLS:
        return ["none"]
    found: list[tuple[int, int] | str] = []
    if "from_port" in node or "to_port" in node:
        low, high = node.get("from_port"), node.get("to_port")
        found.append(ALL_PORTS if protocol in ALL_PROTOCOLS or low in (None, -1) else span(low, high))
    bounds = _bounds(node)
    if bounds:
        found.append(bounds)
    for key, value in node.items():
        lowered = key.lower()
        if SOURCE_PORT.match(lowered) or _bound_key(lowered):
            continue
        if PORT_KEYS.search(lowered) and key not in ("from_port", "to_port"):
            found += [span(v, None) for v in as_list(value) if known(v) and not isinstance(v, dict)]
            for block in (v for v in as_list(value) if isinstance(v, dict) and depth < 3):
                bounds = _bounds(block)
                found += [bounds] if bounds else [p for p in block_ports(block, depth + 1) if p != "none"]
        elif depth < 2 and isinstance(value, (dict, list)) and not words(key) & AWAY:
            for child in (v for v in as_list(value) if isinstance(v, dict)):
                found += [p for p in block_ports(child, depth + 1) if p != "none"]
    if not found and protocol in ALL_PROTOCOLS:
        return [ALL_PORTS]
    return found


def _bound_key(key: str) -> bool:
    return key in ("min", "max") or bool(BOUND_KEYS.search(key))


def _bounds(node: dict[str, Any]) -> tuple[int, int] | None:
    """A port range given as a low/high pair (`port_range_min`/`port_range_max`, `port_min`, `min`/`max`,
    `port_from`/`port_to`, `port_start`/`port_end`)."""
    low = next((v for k, v in node.items() if _bound_key(k.lower()) and words(k) & set(LOW_WORDS)), None)
    high = next((v for k, v in node.items() if _bound_key(k.lower()) and not words(k) & set(LOW_WORDS)), None)
    if low is None and high is None:
        return None
    return span(low if low is not None else high, high)


def span(low: Any, high: Any) -> tuple[int, int]:
    """A port range from `22`, `"22-23"`, `"1:65535"`, `"443/443"`, `"443/tcp"`, or a low/high pair."""
    text = str(low).strip().lower()
    if text in ("*", "", "all", "any") or text.startswith("-1"):
        return ALL_PORTS
    numbers = [int(n) for n in re.findall(r"\d+", text)]
    if not numbers:
        return ALL_PORTS
    if len(numbers) == 1 and high is not None:
        other = re.findall(r"\d+", str(high))
        numbers += [int(other[0])] if other else []
    return numbers[0], numbers[min(1, len(numbers) - 1)]


def port_text(spans: list[tuple[int, int]]) -> str:
    """How a message names the ports opened: all ports, admin services by name, ranges."""
    if not spans or ALL_PORTS in spans or any(high - low > 1000 for low, high in spans):
        return "all ports"
    parts = []
    for low, high in sorted(set(spans)):
        named = [f"{p} ({ADMIN_PORTS[p]})" for p in ADMIN_PORTS if low <= p <= high]
        parts += named if low == high and named else [str(low) if low == high else f"{low}-{high}"]
    return "port " + ", ".join(parts) if len(parts) == 1 else "ports " + ", ".join(parts)


def served_by_design(spans: list[tuple[int, int]], protocol: Any) -> bool:
    """Whether an opening serves strangers by design: single PEER_PORTS on any protocol, or UDP alone on ranges above
    1023, none wider than PUBLIC_UDP_WIDTH and none holding an admin, data, amplification or overlay port (how
    games, voice and QUIC are reached)."""
    if spans and all(low == high and low in PEER_PORTS for low, high in spans):
        return True
    return str(protocol).strip().lower() in ("udp", "17") and bool(spans) and all(
        1024 <= low <= high < low + PUBLIC_UDP_WIDTH and not any(low <= p <= high for p in (*ADMIN_PORTS, *UDP_ABUSED))
        for low, high in spans)
