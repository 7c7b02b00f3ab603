"""Internet exposure by meaning, for every resource type of every provider (risk rules stage).

An ingress-like attribute is recognised by its key and value shape (`cidr_blocks`, `source_ranges`,
`allowed_ips`, `ipv4`… holding 0.0.0.0/0, ::/0, 0/0, 0.0.0.0/1 + 128.0.0.0/1, or `*`/`Internet`/`any` under a
source-like key; a 0.0.0.0–255.255.255.255 start/end pair), away from egress, routes and deny rules. Ports come
from the nearest enclosing block that names any; 80/443 alone is the benign look-alike. Only openings a change
adds are reported. The types network.py reads field by field are left to it. A source that is `(known after
apply)` is judged by what its configuration expression can resolve to (`var.allowed_cidrs` = ["0.0.0.0/0"]).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import orjson

import tfreview.pipeline.rules.network as network
from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Change
from tfreview.pipeline.configuration import Configuration, configuration, module_of
from tfreview.pipeline.diff import UNKNOWN
from tfreview.pipeline.findings import (
    ALTERING,
    Finding,
    ReviewInput,
    Severity,
    finding,
    managed,
    on_change,
)
from tfreview.pipeline.rules.common import as_list, new_items, sides, snake_case
from tfreview.pipeline.rules.direction import (
    AWAY,
    AWAY_TYPES,
    DEFAULT_KEYS,
    INBOUND_PEER,
    denies_by_default,
    faces_away,
    faces_inbound,
    inactive,
    words,
)
from tfreview.pipeline.rules.ports import (
    ALL_PORTS,
    BY_DESIGN,
    NO_PORT_PROTOCOLS,
    PORT_KEYS,
    WEB_PORTS,
    block_ports,
    port_text,
    served_by_design,
)
from tfreview.pipeline.rules.values import document, whole_range, world_sources
from tfreview.pipeline.rules.webswap import web_port_swapped

HANDLED = {"aws_security_group", "aws_security_group_rule", "aws_vpc_security_group_ingress_rule",
           "google_compute_firewall", *network.AZURE_RULE_TYPES, *network.DB_FIREWALL_RULES,
           "google_sql_database_instance"}
# Filters in front of a service (WAF, Cloud Armor): an "allow *" default rule there opens nothing by itself.
FILTER_TYPES = lazy_compile(r"security_policy|web_acl|firewall_policy|_ruleset|rule_group"
                            r"|firewall_(?:network|application|nat)_rule")
# A ruleset whose type says it admits traffic in is an ingress allow-list, not a filter in front of a service.
INBOUND_TYPES = {"inbound", "ingress"}
# CIDR lists that guard a managed API endpoint (EKS, GKE, AKS): a provider default on create, news on update.
API_ENDPOINT = lazy_compile(r"public_access_cidrs|master_authorized_networks|authorized_ip_ranges")
# Stateless network ACLs allow everything by default and leave filtering to security groups, unless the ACL's own
# default says deny (`default_action = "deny"`): then it is the filter, and an allow from anywhere opens a door.
NETWORK_ACL = lazy_compile(r"network_acl")
EVERY_PORT = "all ports"  # how port_text names every port: an ACL rule allowing them all from anywhere filters nothing
ORDERED = lazy_compile(r"(?:rule_)?(?:number|priority|sequence|order)")  # an entry's place in its ACL
NETWORK_NOUNS = {"cidr", "cidrs", "ip", "ips", "ipv4", "ipv6", "address", "addresses", "source", "sources", "src",
                 "range", "ranges", "prefix", "prefixes", "network", "networks", "net", "nets", "subnet", "subnets",
                 "remote", "from", "inbound", "ingress", "whitelist", "allowlist", "host", "hosts", "client",
                 "clients", "rule", "rules"}
SOURCE_KEY = lazy_compile(r"source|src|allow|whitelist|allowlist|authori[sz]ed|trusted|remote|cidr|ip_range|ip_rule"
                          r"|prefix|ingress|inbound|address|ipv4|ipv6|^ips?$|_ips?$|from")
# A module's inputs a local of sources may be built from: those named for sources, and plain ranges
# (`extra_ssh_ranges`): only a value that holds the whole internet ever makes a finding of them.
INPUT_KEY = lazy_compile(SOURCE_KEY.pattern + r"|ranges?$")
MASK_KEYS = lazy_compile(r"size|prefix_?len|prefix_length|mask|bits|netmask|cidr_len")
# keys that hold a prefix length when their value is a bare number (Fastly ACL entries: `ip` + `subnet = "0"`)
SPLIT_PREFIX_KEYS = {"subnet", "prefix", "cidr"}
MAX_DEPTH = 8
# A list of sources whose members are blocks (`Sources = [{Name = "*", Action = "allow"}]`), and the keys that
# name a member.
SOURCE_LISTS = {"source", "sources", "src", "from", "clients", "peers_allowed"}
IDENTITY_KEYS = {"name", "id", "service", "principal", "identity", "peer"}
# Free text (names, descriptions, titles, alert messages, queries) describes; it never opens anything.
FREE_TEXT = lazy_compile(r"(?:\w+_)?(?:name|description|desc|title|message|msg|query|comment|notes?|summary|label)")
ALLOW_WORDS = {"allowed", "allow", "authorized", "authorised", "permitted", "trusted"}
OPEN = network.INGRESS

Opening = tuple[str, str, str]


def openings(resource_type: str, values: dict[str, Any]) -> list[Opening]:
    """(path, source, ports) for each way VALUES let the whole internet in beyond 80/443."""
    if resource_type.endswith("_vpc") or (FILTER_TYPES.search(resource_type)
                                          and not words(resource_type) & INBOUND_TYPES):
        return []
    found: list[Opening] = []
    # On a route, VPN or peering type an internet-wide address is a destination, unless a key says in so many
    # words that it lists the sources allowed in (`allowed_sources` on a service-mesh route).
    _walk(values, "", [values], found, explicit=bool(words(resource_type) & AWAY_TYPES))
    return found


def _walk(node: dict[str, Any], path: str, ancestors: list[dict[str, Any]], found: list[Opening],
          explicit: bool = False) -> None:
    if len(ancestors) > MAX_DEPTH or faces_away(node) or inactive(node):
        return
    away = AWAY - INBOUND_PEER if faces_inbound(node) else AWAY
    for key, value in node.items():
        where = f"{path}.{key}" if path else key
        lowered = key.lower()
        value = document(value) or value  # a policy held as JSON/HuJSON text (an ACL document) is read as blocks
        children = [v for v in as_list(value) if isinstance(v, dict)] if isinstance(value, (dict, list)) else []
        if children:
            if not words(lowered) & away:
                for child in children:
                    if words(lowered) & SOURCE_LISTS and not faces_away(child):
                        found += [(f"{where}.{k}", "*", p) for k, p in _wildcard_members(child, ancestors)]
                    _walk(child, where, [*ancestors, child], found, explicit)
            continue
        if words(lowered) & away or PORT_KEYS.search(lowered) or FREE_TEXT.fullmatch(lowered) \
                or (explicit and not _explicit_source(lowered)):
            continue
        # `*`/`any`/`Internet` count only under a key that names network sources: `allowed_origins = ["*"]`
        # (CORS), `allowed_policies = ["*"]` or `allowed_headers` open no port to anyone.
        # camelCase keys count by their words too (Cilium's `fromEntities = ["world"]`: from + entities)
        network_words = bool(SOURCE_KEY.search(lowered)) and bool(words(snake_case(key)) & NETWORK_NOUNS)
        sources = world_sources(value, words=network_words)
        if sources:
            found += _judged(where, sources, ancestors)
        for text_rule in _rule_texts(value):
            found += _judged(where, world_sources(text_rule["source"], words=False), [*ancestors, text_rule])
    wide = whole_range(node)
    if wide:
        found += _judged(path or "(start/end address)", [wide], ancestors)
    split = _split_world(node)
    if split:
        found += _judged(f"{path}.{split}" if path else split, ["0.0.0.0/0"], ancestors)


# A rule written as one line of fields (`ACCEPT#0.0.0.0/0#3306#TCP`): action, source, ports, protocol.
RULE_TEXT = lazy_compile(r"[#|]")
ALLOW_TOKENS = {"accept", "allow", "permit", "pass"}
PORT_TOKEN = lazy_compile(r"^(?:\d+(?:[-:,]\d+)*|all|any)$", re.IGNORECASE)


def _rule_texts(value: Any) -> Iterator[dict[str, Any]]:
    """The fields of each one-line rule text in VALUE that allows (an allow word, no deny word), as a block."""
    for text in (v for v in as_list(value) if isinstance(v, str) and RULE_TEXT.search(v)):
        tokens = [t.strip() for t in RULE_TEXT.split(text) if t.strip()]
        lowered = {t.lower() for t in tokens}
        if len(tokens) < 3 or not lowered & ALLOW_TOKENS or lowered & {"deny", "drop", "reject", "block"}:
            continue
        ports = [port for t in tokens if PORT_TOKEN.match(t) for port in t.split(",")]
        protocol = next((t for t in tokens if t.lower() in NO_PORT_PROTOCOLS | {"tcp", "udp"}), "")
        yield {"source": [t for t in tokens if "/" in t], "port": ports or ["all"], "protocol": protocol.lower()}


def _explicit_source(key: str) -> bool:
    """Whether a key says it lists the sources allowed in (`allowed_sources`, `permitted_clients`)."""
    found = words(key)
    return bool(found & ALLOW_WORDS) and bool(found & {"source", "sources", "src", "client", "clients"})


def _wildcard_members(member: dict[str, Any], ancestors: list[dict[str, Any]]) -> Iterator[tuple[str, str]]:
    """(key, ports) for a member of a source list whose identity (name, id, service) is the wildcard `*`:
    a service-mesh intention from `*` lets every service in."""
    for key, value in member.items():
        if words(key) & IDENTITY_KEYS and isinstance(value, str) and value.strip() in ("*", "*/*"):
            yield from ((key, ports) for _, _, ports in _judged(key, ["*"], [*ancestors, member]))


def _split_world(node: dict[str, Any]) -> str | None:
    """The key of an address given apart from its prefix length (`subnet = "0.0.0.0"`, `subnet_size = 0`)."""
    zero = [k for k, v in node.items() if v in ("0.0.0.0", "::") and not words(k) & AWAY]
    sizes = [k for k, v in node.items() if (MASK_KEYS.search(k.lower()) and str(v) in ("0", "0.0.0.0", "::"))
             or (words(k) & SPLIT_PREFIX_KEYS and str(v).strip() == "0")]  # `subnet = "0"` beside `ip`
    return zero[0] if zero and sizes else None


def _judged(path: str, sources: list[str], ancestors: list[dict[str, Any]]) -> list[Opening]:
    ranges = next((r for r in (block_ports(a) for a in reversed(ancestors)) if r), None)
    if ranges is None:
        ranges = [ALL_PORTS]
    if ranges == ["none"]:
        return []
    spans = [r for r in ranges if isinstance(r, tuple)]
    if spans and all(low == high and low in WEB_PORTS for low, high in spans):
        return []
    protocol = next((a.get("protocol", a.get("ip_protocol")) for a in reversed(ancestors)
                     if a.get("protocol", a.get("ip_protocol")) is not None), None)
    text = port_text(spans) + (BY_DESIGN if served_by_design(spans, protocol) else "")
    return [(path, source, text) for source in sources]


# What any internet-wide source looks like inside serialized values: a cheap test before the walk.
# Prefixes up to /8: several /8s of public space are no allow-list (publicspan.py); a START-END range ends in .255.
MAYBE_WORLD = lazy_compile(rb'0\.0\.0\.0|255\.255\.255\.255|::|/[0-8]["\s,;]|\d\s*-\s*\d{1,3}\.\d{1,3}\.\d{1,3}\.255\b'
                           rb'|"(?:\*|any|all|internet|anywhere|everywhere|world)\\?"|\b0/0\b')

# Words one of which every MAYBE_WORLD match holds: the dispatcher's first check (wordgate.py).
MAYBE_WORLD_WORDS = (b"0.0.0.0", b"255.255.255.255", b"::", b"/0", b"/1", b"/2", b"/3", b"/4", b"/5", b"/6", b"/7",
                     b"/8", b".255", b'"*', b'"any', b'"all',
                     b'"internet', b'"everywhere', b'"world')


def _may_open(values: dict[str, Any]) -> bool:
    return bool(values) and MAYBE_WORLD.search(orjson.dumps(values).lower()) is not None


@on_change(words=MAYBE_WORLD_WORDS)
def _internet_exposure(change: Change) -> Iterator[Finding]:
    if change.type in HANDLED:
        return
    before, after = sides(change)
    if not _may_open(after):
        return
    swapped = web_port_swapped(before, after) if before else None
    for path, source, ports in new_items(openings(change.type, before), openings(change.type, after)):
        acl = bool(NETWORK_ACL.search(change.type)) and not denies_by_default(after)
        # every protocol and port from anywhere, added to an ACL that had rules (a numbered entry, or an update):
        # the denies after it never apply. A new ACL that allows all is the provider's default ACL written out, and
        # on an ACL whose own default allows, the rule lets in nothing more.
        everything = acl and ports == EVERY_PORT and not _allows_by_default(after) \
            and (bool(before) or any(ORDERED.fullmatch(k) for k in after))
        default = (not before and API_ENDPOINT.search(path)) or (acl and not everything) or swapped is not None \
            or ports.endswith(BY_DESIGN)
        note = " (a network ACL rule that lets everything in: every deny after it is overridden)" if everything \
            else " (a network ACL: security groups still filter)" if acl else f" ({swapped})" if swapped else ""
        ports = "its API endpoint" if API_ENDPOINT.search(path) else ports
        yield finding(OPEN, change.address,
                      f"{change.address}: {path} opens {ports} to {source} (the whole internet){note}",
                      Severity.MEDIUM if default else None)


def _allows_by_default(values: dict[str, Any]) -> bool:
    """Whether an ACL's own default action or inbound policy admits what no rule names."""
    return any(DEFAULT_KEYS.match(key.lower()) and str(value).lower() in ALLOW_TOKENS for key, value in values.items())


def _unknown_sources(unknown: Any) -> Iterator[tuple[str | int, ...]]:
    """Paths (top-level keys, or keys of nested blocks) that after_unknown marks as known only after apply."""
    for key, value in (unknown.items() if isinstance(unknown, dict) else ()):
        if value is True:
            yield (key,)
        for index, block in enumerate(value if isinstance(value, list) else ()):
            for inner, flag in (block.items() if isinstance(block, dict) else ()):
                if flag is True:
                    yield key, index, inner


def _substituted(after: dict[str, Any], path: tuple[str | int, ...], values: list[Any]) -> dict[str, Any] | None:
    """AFTER with the value at PATH replaced by the known values its expression can take; None if none known."""
    known_values = [v for value in values for v in as_list(value) if v is not UNKNOWN and v is not None]
    if not known_values:
        return None
    copy: dict[str, Any] = orjson.loads(orjson.dumps(after))
    node: Any = copy
    for step in path[:-1]:
        node = node[step] if isinstance(node, list) and isinstance(step, int) and step < len(node) else (
            node.get(step) if isinstance(node, dict) and isinstance(step, str) else None)
    if not isinstance(node, dict):
        return None
    node[path[-1]] = known_values
    return copy


def _each_reference(config: Configuration, address: str, path: tuple[str | int, ...],
                    values: list[Any] | None) -> list[Any] | None:
    """VALUES of nested blocks, where an attribute built from several references (`concat(var.extra, data.x.y)`)
    was left unresolved, given every value those references hold: any of them may end up in the result."""
    expression = config.expression(address, path)
    if not isinstance(expression, list) or not values or not isinstance(values[0], list):
        return values
    for block, expressions in zip(values[0], expression, strict=False):
        for key, value in (block.items() if isinstance(block, dict) and isinstance(expressions, dict) else ()):
            if value is UNKNOWN and isinstance(expressions.get(key), dict):
                known = [item for candidate in config.candidates(expressions[key], module_of(address))
                         if candidate is not UNKNOWN for item in as_list(candidate)]
                block[key] = known or UNKNOWN
    return values


def _configured_exposure(ri: ReviewInput) -> Iterator[Finding]:
    """Sources unknown in the plan whose configuration resolves (in part) to the whole internet."""
    config: Configuration | None = None
    for change in managed(ri.changeset, *ALTERING):
        after = change.after if isinstance(change.after, dict) else None
        for path in (list(_unknown_sources(change.after_unknown)) if after is not None else []):
            if not SOURCE_KEY.search(str(path[-1]).lower()) or words(str(path[-1])) & AWAY:
                continue
            config = config or configuration(ri.plan)
            values = _each_reference(config, change.address, path, config.values(change.address, path))
            how = "configured from a value"
            if (fed := _local_inputs(config, change.address, path, values)) is not None:
                values, how = fed
            substituted = _substituted(after, path, values or []) if after is not None else None
            if substituted is None:
                continue
            key = ".".join(str(p) for p in path if not isinstance(p, int))
            for where, source, ports in openings(change.type, substituted):
                if where == key or where.startswith(key + ".") or where.endswith(key):
                    yield finding(OPEN, change.address, f"{change.address}: {where} (known after apply) is "
                                  f"{how} that opens {ports} to {source} (the whole internet)")
    yield from _allow_lists_of_everyone(ri)


def _allow_lists_of_everyone(ri: ReviewInput) -> Iterator[Finding]:
    """A source (resolved from the configuration, or known) that reads a variable or local named as an allow-list
    holding the whole internet, on a rule whose ports alone raise nothing (80/443): the allow-list is defeated."""
    config: Configuration | None = None
    for change in managed(ri.changeset, *ALTERING):
        after = change.after if isinstance(change.after, dict) else {}
        keys = [k for k, v in after.items() if SOURCE_KEY.search(k.lower()) and not words(k) & AWAY
                and world_sources([t for t in as_list(v) if isinstance(t, str)], words=False)]
        if not keys:
            continue
        if openings(change.type, after):
            continue  # its ports already make the opening high
        config = config or configuration(ri.plan)
        for key in keys:
            listed = _allow_list_of_everyone(config, change.address, (key,), [after[key]])
            if listed:
                yield finding(OPEN, change.address, f"{change.address}: {key} reads {listed}, named as an "
                              "allow-list, which holds the whole internet: what it was to limit admits everyone, "
                              "even on the web's ports")
                break


# A variable or local named for the few people or places it admits (`admin_cidrs`, `office_ranges`,
# `trusted_networks`, `vpn_cidrs`): given the whole internet, what it was to limit is open, even on 443. A generic
# `allowed_cidrs` is not one: public load balancers take ["0.0.0.0/0"] through it by design.
ALLOW_LIST_NAME = lazy_compile(r"(?:^|_)(?:admin|admins|trusted|office|vpn|mgmt|management|bastion|operator"
                               r"|operators|internal|corp|corporate|staff|employee|employees)(?:_|$)")


def _allow_list_of_everyone(config: Configuration, address: str, path: tuple[str | int, ...],
                            values: list[Any]) -> str | None:
    """The reference (`var.admin_cidrs`) a source reads when its name says allow-list and its values hold the whole
    internet; None otherwise."""
    expression = config.expression(address, path)
    references = expression.get("references") if isinstance(expression, dict) else None
    named = next((r for r in references or [] if isinstance(r, str) and r.startswith(("var.", "local."))
                  and ALLOW_LIST_NAME.search(r.split(".", 1)[1].lower())), None)
    texts = [v for value in values for v in as_list(value) if isinstance(v, str)]
    return named if named and world_sources(texts, words=False) else None


def _local_inputs(config: Configuration, address: str, path: tuple[str | int, ...],
                  values: list[Any] | None) -> tuple[list[Any], str] | None:
    """For a source the configuration builds from a local (which `show -json` never prints) and nothing else
    resolves: the module's inputs named for sources (`extra_source_ranges`, `allowed_cidrs`), each a value the
    local can be built from, and how to say so; None otherwise."""
    if values is None or any(v is not UNKNOWN for v in values):
        return None
    expression = config.expression(address, path)
    references = expression.get("references") if isinstance(expression, dict) else None
    local = next((r for r in references or [] if isinstance(r, str) and r.startswith("local.")), None)
    if local is None:
        return None
    fed = {name: value for name, value in config.inputs(module_of(address)).items()
           if value is not UNKNOWN and INPUT_KEY.search(name.lower()) and not words(name) & AWAY}
    if not fed:
        return None
    shown = ", ".join(f"var.{name}" for name in fed)
    return list(fed.values()), f"built from {local}, which the plan does not show, in a module given {shown}: a value"


# Registered by attachedopen.py, the rule's one plan-wide check with the attachments it judges (one per rule id).
configured_exposure = _configured_exposure
