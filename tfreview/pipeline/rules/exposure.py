"""Internet exposure by meaning, for every resource type of every provider (risk rules stage).

An ingress-like attribute is recognised by its key and value shape (`cidr_blocks`, `source_ranges`,
`allowed_ips`, `ipv4`… holding 0.0.0.0/0, ::/0, 0/0, 0.0.0.0/1 + 128.0.0.0/1, or `*`/`Internet`/`any` under a
source-like key; a 0.0.0.0–255.255.255.255 start/end pair), away from egress, routes and deny rules. Ports come
from the nearest enclosing block that names any; 80/443 alone is the benign look-alike. Only openings a change
adds are reported. The types network.py reads field by field are left to it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import orjson

import tfreview.pipeline.rules.network as network
from tfreview.pipeline.changes import Change
from tfreview.pipeline.findings import Finding, Severity, declare, finding, on_change
from tfreview.pipeline.rules.common import as_list, known, new_items, sides
from tfreview.pipeline.rules.values import whole_range, world_sources

ALL_PORTS = (0, 65535)
WEB_PORTS = {80, 443}
ADMIN_PORTS = {22: "SSH", 23: "telnet", 3389: "RDP", 5985: "WinRM", 5986: "WinRM", 3306: "MySQL", 5432: "PostgreSQL",
               1433: "SQL Server", 1521: "Oracle", 27017: "MongoDB", 6379: "Redis", 9200: "Elasticsearch",
               11211: "memcached", 2375: "Docker", 2379: "etcd", 6443: "Kubernetes API", 10250: "kubelet",
               9092: "Kafka", 5601: "Kibana", 8500: "Consul", 5900: "VNC", 445: "SMB", 135: "RPC"}
HANDLED = {"aws_security_group", "aws_security_group_rule", "aws_vpc_security_group_ingress_rule",
           "google_compute_firewall", *network.AZURE_RULE_TYPES, *network.DB_FIREWALL_RULES,
           "google_sql_database_instance"}
# Words of a key (split at `_`, `.`, `-`, `/`) that make an internet-wide address a destination, not a source.
AWAY = {"egress", "outbound", "destination", "dest", "dst", "route", "routes", "next", "nat", "peer", "peering",
        "target", "gateway", "except", "forward", "forwarding", "redirect", "upstream", "origin", "private",
        "internal", "exclude", "excluded", "deny", "denied", "denylist", "blocklist", "blacklist", "blocked",
        "advertised", "advertise"}
AWAY_TYPES = {"route", "routes", "router", "nat", "vpn", "peering", "egress", "outbound", "subnet", "subnetwork",
              "prefix", "deny", "denylist", "blocklist", "waf", "wafv2", "armor"}
# Filters in front of a service (WAF, Cloud Armor): an "allow *" default rule there opens nothing by itself.
FILTER_TYPES = re.compile(r"security_policy|web_acl|firewall_policy|_ruleset|rule_group"
                          r"|firewall_(?:network|application|nat)_rule")
# CIDR lists that guard a managed API endpoint (EKS, GKE, AKS): a provider default on create, news on update.
API_ENDPOINT = re.compile(r"public_access_cidrs|master_authorized_networks|authorized_ip_ranges")
# Stateless network ACLs allow everything by default and leave filtering to security groups.
NETWORK_ACL = re.compile(r"network_acl")
SOURCE_KEY = re.compile(r"source|src|allow|whitelist|allowlist|authori[sz]ed|trusted|remote|cidr|ip_range|ip_rule"
                        r"|prefix|ingress|inbound|address|ipv4|ipv6|^ips?$|_ips?$|from")
PORT_KEYS = re.compile(r"(?:^|_)ports?(?:_ranges?)?$|^port_range|^(?:from|to)_port$|^destination_port_ranges?$"
                       r"|^dst_ports?$|^port_specification$|^target_port$|(?:^|_)port_(?:min|max)$|^(?:min|max)_port$")
MASK_KEYS = re.compile(r"size|prefix_?len|prefix_length|mask|bits|netmask|cidr_len")
SOURCE_PORT = re.compile(r"^(?:source|src)_ports?")
DIRECTION_KEYS = ("direction", "type", "traffic_direction", "rule_type", "flow")
ACTION_KEYS = ("action", "access", "rule_action", "mode", "policy", "effect", "type")
NO_PORT_PROTOCOLS = {"icmp", "icmpv6", "1", "58", "ipv6-icmp"}
ALL_PROTOCOLS = {"-1", "all", "*", "any"}
MAX_DEPTH = 8
_SPLIT = re.compile(r"[^a-z0-9]+")

OPEN = network.INGRESS

Opening = tuple[str, str, str]


def words(key: str) -> set[str]:
    """The words of a key or type name."""
    return set(_SPLIT.split(key.lower()))


def openings(resource_type: str, values: dict[str, Any]) -> list[Opening]:
    """(path, source, ports) for each way VALUES let the whole internet in beyond 80/443."""
    if words(resource_type) & AWAY_TYPES or resource_type.endswith("_vpc") or FILTER_TYPES.search(resource_type):
        return []
    found: list[Opening] = []
    _walk(values, "", [values], found)
    return found


def _walk(node: dict[str, Any], path: str, ancestors: list[dict[str, Any]], found: list[Opening]) -> None:
    if len(ancestors) > MAX_DEPTH or _away(node) or _inactive(node):
        return
    for key, value in node.items():
        where = f"{path}.{key}" if path else key
        lowered = key.lower()
        children = [v for v in as_list(value) if isinstance(v, dict)] if isinstance(value, (dict, list)) else []
        if children:
            if not words(lowered) & AWAY:
                for child in children:
                    _walk(child, where, [*ancestors, child], found)
            continue
        if words(lowered) & AWAY or PORT_KEYS.search(lowered):
            continue
        sources = world_sources(value, words=bool(SOURCE_KEY.search(lowered)))
        if sources:
            found += _judged(where, sources, ancestors)
    if whole_range(node):
        found += _judged(path or "(start/end address)", ["0.0.0.0-255.255.255.255"], ancestors)
    split = _split_world(node)
    if split:
        found += _judged(f"{path}.{split}" if path else split, ["0.0.0.0/0"], ancestors)


def _split_world(node: dict[str, Any]) -> str | None:
    """The key of an address given apart from its prefix length (`subnet = "0.0.0.0"`, `subnet_size = 0`)."""
    zero = [k for k, v in node.items() if v in ("0.0.0.0", "::") and not words(k) & AWAY]
    sizes = [k for k, v in node.items() if MASK_KEYS.search(k.lower()) and str(v) in ("0", "0.0.0.0", "::")]
    return zero[0] if zero and sizes else None


def _away(node: dict[str, Any]) -> bool:
    """Whether a block speaks of egress (direction/type) or denies (action/access)."""
    for key in DIRECTION_KEYS:
        if str(node.get(key, "")).lower() in ("egress", "outbound", "out"):
            return True
    if node.get("egress") is True:
        return True
    return any(str(node.get(k, "")).lower() in ("deny", "block", "drop", "reject") for k in ACTION_KEYS)


def _inactive(node: dict[str, Any]) -> bool:
    return node.get("disabled") is True or node.get("enabled") is False


def _judged(path: str, sources: list[str], ancestors: list[dict[str, Any]]) -> list[Opening]:
    ranges = next((r for r in (_ports(a) for a in reversed(ancestors)) if r), None)
    if ranges is None:
        ranges = [ALL_PORTS]
    if ranges == ["none"]:
        return []
    spans = [r for r in ranges if isinstance(r, tuple)]
    if spans and all(low == high and low in WEB_PORTS for low, high in spans):
        return []
    return [(path, source, port_text(spans)) for source in sources]


def _ports(node: dict[str, Any], depth: int = 0) -> list[tuple[int, int] | str]:
    """Port ranges named in NODE or the blocks under it; ["none"] for ICMP-only; [] when it names none."""
    protocol = str(node.get("protocol", node.get("ip_protocol", ""))).lower()
    if protocol in NO_PORT_PROTOCOLS:
        return ["none"]
    found: list[tuple[int, int] | str] = []
    if "from_port" in node or "to_port" in node:
        low, high = node.get("from_port"), node.get("to_port")
        found.append(ALL_PORTS if protocol in ALL_PROTOCOLS or low in (None, -1) else _span(low, high))
    bounds = _bounds(node)
    if bounds:
        found.append(bounds)
    for key, value in node.items():
        lowered = key.lower()
        if SOURCE_PORT.match(lowered) or _bound_key(lowered):
            continue
        if PORT_KEYS.search(lowered) and key not in ("from_port", "to_port"):
            found += [_span(v, None) for v in as_list(value) if known(v) and not isinstance(v, dict)]
            for block in (v for v in as_list(value) if isinstance(v, dict) and depth < 3):
                bounds = _bounds(block)
                found += [bounds] if bounds else [p for p in _ports(block, depth + 1) if p != "none"]
        elif depth < 2 and isinstance(value, (dict, list)) and not words(key) & AWAY:
            for child in (v for v in as_list(value) if isinstance(v, dict)):
                found += [p for p in _ports(child, depth + 1) if p != "none"]
    if not found and protocol in ALL_PROTOCOLS:
        return [ALL_PORTS]
    return found


BOUND_KEYS = re.compile(r"(?:^|_)port_(?:min|max)$|^(?:min|max)_port$|port_range_(?:min|max)$")


def _bound_key(key: str) -> bool:
    return key in ("min", "max") or bool(BOUND_KEYS.search(key))


def _bounds(node: dict[str, Any]) -> tuple[int, int] | None:
    """A port range given as a min/max pair (`port_range_min`/`port_range_max`, `port_min`, `min`/`max`)."""
    low = next((v for k, v in node.items() if _bound_key(k.lower()) and "min" in k.lower()), None)
    high = next((v for k, v in node.items() if _bound_key(k.lower()) and "max" in k.lower()), None)
    if low is None and high is None:
        return None
    return _span(low if low is not None else high, high)


def _span(low: Any, high: Any) -> tuple[int, int]:
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


# What any internet-wide source looks like inside serialized values: a cheap test before the walk.
MAYBE_WORLD = re.compile(rb'0\.0\.0\.0|::|/[0-2]["\s,;]|"(?:\*|any|all|internet|anywhere)"|\b0/0\b')


def _may_open(values: dict[str, Any]) -> bool:
    return bool(values) and MAYBE_WORLD.search(orjson.dumps(values).lower()) is not None


@on_change()
def _internet_exposure(change: Change) -> Iterator[Finding]:
    if change.type in HANDLED:
        return
    before, after = sides(change)
    if not _may_open(after):
        return
    for path, source, ports in new_items(openings(change.type, before), openings(change.type, after)):
        default = (not before and API_ENDPOINT.search(path)) or NETWORK_ACL.search(change.type)
        note = " (a network ACL: security groups still filter)" if NETWORK_ACL.search(change.type) else ""
        ports = "its API endpoint" if API_ENDPOINT.search(path) else ports
        yield finding(OPEN, change.address,
                      f"{change.address}: {path} opens {ports} to {source} (the whole internet){note}",
                      Severity.MEDIUM if default else None)


PUBLIC_SERVICE = declare(
    "public-service", Severity.HIGH,
    "A Kubernetes Service or Helm release becomes an internet-facing load balancer (type LoadBalancer, "
    "load-balancer annotations, Helm set/values) on ports beyond 80/443.")
EXPOSED_TYPES = {"loadbalancer": "LoadBalancer", "nodeport": "NodePort"}
# Annotation keys and values that keep a load balancer inside the network.
INTERNAL_MARKS = re.compile(r"internal|scheme|load-balancer-type", re.IGNORECASE)
INGRESS_CHARTS = re.compile(r"ingress|gateway|traefik|nginx|istio|envoy|contour|kong|haproxy|caddy", re.IGNORECASE)
HELM_TYPE = re.compile(r"^\s*type:\s*[\"']?(LoadBalancer|NodePort)\b", re.IGNORECASE | re.MULTILINE)
HELM_PORT = re.compile(r"^\s*(?:port|http|https|nodePort|servicePort)s?:\s*[\"']?(\d+)", re.IGNORECASE | re.MULTILINE)


def annotation_facing(annotations: dict[str, Any]) -> str | None:
    """'internal' or 'internet-facing' when load-balancer annotations say so; None when they are silent."""
    verdict = None
    for key, value in annotations.items():
        if not INTERNAL_MARKS.search(str(key)) or not isinstance(value, str):
            continue
        text, name = value.strip().lower(), str(key).lower()
        if text in ("internet-facing", "external", "public") or (name.endswith("internal") and text == "false"):
            verdict = "internet-facing"
        elif text in ("internal", "true", "0.0.0.0/0") and (name.endswith("internal") or text == "internal"):
            return "internal"
    return verdict


def _object(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _service(values: dict[str, Any]) -> tuple[str | None, str | None, list[int]]:
    """(service type, annotation facing, ports) of a kubernetes_service(_v1) or kubernetes_manifest Service."""
    manifest = values.get("manifest")
    if isinstance(manifest, dict):
        spec, meta = _object(manifest.get("spec")), _object(manifest.get("metadata"))
        ports = [p.get("port") for p in as_list(spec.get("ports")) if isinstance(p, dict)]
        ranges = spec.get("loadBalancerSourceRanges")
    else:
        spec = _object(next(iter(as_list(values.get("spec"))), None))
        meta = _object(next(iter(as_list(values.get("metadata"))), None))
        ports = [p.get("port") for p in as_list(spec.get("port")) if isinstance(p, dict)]
        ranges = spec.get("load_balancer_source_ranges")
    kind = EXPOSED_TYPES.get(str(spec.get("type", "")).lower())
    facing = annotation_facing(_object(meta.get("annotations")))
    if as_list(ranges) and not world_sources(ranges, words=True):
        facing = "internal"
    return kind, facing, [int(p) for p in ports if isinstance(p, int) or (isinstance(p, str) and p.isdigit())]


def _helm(values: dict[str, Any]) -> tuple[str | None, str | None, list[int]]:
    """(service type, annotation facing, ports) that a helm_release's set blocks and values give its services."""
    chart = f"{values.get('chart', '')} {values.get('name', '')}"
    sets = [s for key in ("set", "set_string") for s in as_list(values.get(key)) if isinstance(s, dict)]
    kind, annotations, ports = None, {}, []
    for item in sets:
        name, value = str(item.get("name", "")).replace("\\", ""), str(item.get("value", ""))
        if name.lower().endswith("type") and value.lower() in EXPOSED_TYPES:
            kind = EXPOSED_TYPES[value.lower()]
        elif "annotations" in name.lower():
            annotations[name] = value
        elif re.search(r"ports?(\.\w+)?$", name, re.IGNORECASE) and value.isdigit():
            ports.append(int(value))
    for text in (v for v in as_list(values.get("values")) if isinstance(v, str)):
        match = HELM_TYPE.search(text)
        kind = EXPOSED_TYPES[match.group(1).lower()] if match else kind
        ports += [int(p) for p in HELM_PORT.findall(text)]
        if re.search(r"(?:scheme|type)[\"']?:\s*[\"']?internal\b|internal[\"']?:\s*[\"']?true", text, re.IGNORECASE):
            annotations["internal"] = "true"
    if kind and not ports and INGRESS_CHARTS.search(chart):
        ports = sorted(WEB_PORTS)  # an ingress controller or gateway serves HTTP(S)
    return kind, annotation_facing(annotations), ports


@on_change(types=("kubernetes_service", "kubernetes_service_v1", "kubernetes_manifest", "helm_release"))
def _public_service(change: Change) -> Iterator[Finding]:
    before, after = sides(change)
    read = _helm if change.type == "helm_release" else _service
    old_kind, old_facing, _ = read(before) if before else (None, None, [])
    kind, facing, ports = read(after)
    if kind is None or facing == "internal":
        return
    if old_kind is not None and old_facing != "internal":
        return  # it was already exposed
    flipped = old_kind is not None  # an internal load balancer made internet-facing
    web = bool(ports) and all(p in WEB_PORTS for p in ports)
    if web and not flipped:
        return
    what = port_text([(p, p) for p in ports]) if ports else "its ports"
    severity = Severity.MEDIUM if kind == "NodePort" else None
    yield finding(PUBLIC_SERVICE, change.address,
                  f"{change.address}: becomes a {kind} service open to the internet on {what}", severity)
