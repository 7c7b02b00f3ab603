"""Risk rules, network exposure: a source allow-list (authorized/allowed/trusted IP ranges) emptied or removed.

On most providers an endpoint's allow-list is a restriction added on top of an open default: emptying it, nulling
it or removing its block lets anyone in, like adding 0.0.0.0/0. Not reported when the resource is private anyway
(a private flag on, a public flag off, an internal ingress class or scheme), when a deny default in the same
block makes an empty list mean "nobody", or when another source list in the same block still narrows who gets in
or an auth gate is added beside it.
Free-form strings count too: an annotation or value holding comma-separated CIDRs is an allow-list, and so
does a list of network filters attached by reference (`traffic_filter`) once every one is detached, and a list
of the e-mail domains allowed to sign in or join once emptied or set to "*".
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Change
from tfreview.pipeline.findings import Finding, Severity, declare, finding, on_change
from tfreview.pipeline.rules.common import sides

EMPTIED = declare("allowlist-emptied", Severity.HIGH,
                  "A source allow-list (authorized/allowed/trusted IP ranges or networks, ip_allowlist, whitelist, "
                  "source_ranges…, the traffic filters attached by reference, the e-mail domains allowed to sign "
                  "in) that held entries is emptied, nulled or removed on a resource that is not otherwise private, "
                  "on any provider: the endpoint is open to anyone. Also any allow-list (allowed, trusted, permitted) "
                  "that comes to hold an entry matching everything (*, */*, **).")

_SPLIT = lazy_compile(r"[^a-z0-9]+")
ALLOW_WORDS = {"authorized", "authorised", "allowed", "allow", "bound", "allowlist", "allowlisted", "whitelist",
               "whitelisted", "trusted", "permitted", "source", "sources", "src"}
NETWORK_WORDS = {"ip", "ips", "cidr", "cidrs", "range", "ranges", "network", "networks", "address", "addresses",
                 "prefix", "prefixes", "subnet", "subnets", "allowlist", "whitelist"}
AWAY_WORDS = {"egress", "outbound", "destination", "dest", "dst", "deny", "denied", "blocked", "block", "blacklist",
              "denylist", "port", "ports", "tags", "tag", "account", "accounts", "service"}
DEFAULT_KEYS = lazy_compile(r"^(?:default_action|default|default_access|action|policy)$")
PRIVATE_FLAG = lazy_compile(r"private")
PUBLIC_FLAG = lazy_compile(r"public")
OFF_WORDS = {"disabled", "disable", "off", "false", "none", "deny"}
_CIDRISH = lazy_compile(r"^[0-9a-fA-F:.]+(?:/\d{1,3})?$")
_LIST_SEPARATORS = lazy_compile(r"[\s,;]+")
# Another gate on the same block: an auth annotation added (auth-url, auth-type) keeps strangers out.
SOURCE_WORDS = {"source", "sources", "src", "allowed", "authorized", "trusted"}
# Values of a setting about a list, not sources themselves.
SETTING_WORDS = {"yes", "no", "true", "false", "on", "off", "enabled", "disabled", "none", "all", "any"}
AUTH_WORDS = {"auth", "authentication", "oauth", "oidc", "signin"}
# A class or scheme that says the endpoint only serves the inside network.
INSIDE_KEYS = {"class", "scheme"}
INSIDE_WORDS = {"internal", "private", "intranet"}
MAX_DEPTH = 8


def _words(key: str) -> set[str]:
    return {w for w in _SPLIT.split(key.lower()) if w}


def allow_key(key: str) -> bool:
    """Whether a key names a list of sources allowed in (and not a deny list, a destination or ports)."""
    found = _words(key)
    return bool(found & ALLOW_WORDS or found & {"allowlist", "whitelist"}) and bool(found & NETWORK_WORDS) \
        and not found & AWAY_WORDS


# A list of the network filters attached to an endpoint, by reference (`traffic_filter = ["tf-3c9d"]`,
# `ip_filter_ids`): the filters hold the allowed ranges; detaching every one leaves the endpoint open.
FILTER_NOUNS = {"filter", "filters", "ruleset", "rulesets", "acl", "acls"}
REFERENCE_WORDS = {"id", "ids", "ref", "refs", "names"}
FILTER_SCOPES = {"traffic", "ip", "network", "ingress", "inbound", "firewall"}


def _filter_key(key: str) -> bool:
    """Whether a key lists the network filters (allow-lists by reference) attached to an endpoint."""
    found = _words(key)
    by_reference = allow_key(key) and bool(found & REFERENCE_WORDS)  # `ip_allowlist_ids`: allow-lists by id
    return (by_reference or (bool(found & FILTER_NOUNS) and bool(found & FILTER_SCOPES))) \
        and not found & AWAY_WORDS and not found & {"exclusion", "exclude", "log", "logs"}


# The e-mail domains whose people may sign in or join (`allowed_email_domains`): emptied or set to "*", anyone may.
DOMAIN_WORDS = {"domain", "domains", "email", "emails"}


def _domain_key(key: str) -> bool:
    """Whether a key lists the e-mail domains allowed to sign in or join."""
    found = _words(key)
    return bool(found & (ALLOW_WORDS - {"source", "sources", "src", "bound"})) and bool(found & DOMAIN_WORDS) \
        and not found & (AWAY_WORDS | {"redirect", "origin", "origins", "cors", "logout", "callback"})


def _addresses(value: Any, depth: int = 0) -> bool:
    """Whether VALUE holds at least one IP address or CIDR (strings, lists, nested blocks)."""
    if depth > MAX_DEPTH:
        return False
    if isinstance(value, str):  # free-form annotations and values hold "10.0.0.0/8,192.168.0.0/24"
        return any(_address(part) for part in _LIST_SEPARATORS.split(value) if part)
    if isinstance(value, list):
        return any(_addresses(v, depth + 1) for v in value)
    if isinstance(value, dict):
        return any(_addresses(v, depth + 1) for v in value.values())
    return False


def _address(text: str) -> bool:
    if not _CIDRISH.match(text):
        return False
    try:
        ipaddress.ip_network(text, strict=False)
    except ValueError:
        return False
    return True


def _world(value: Any, depth: int = 0) -> bool:
    """Whether VALUE already lets every address in (a /0 range): emptying such a list opens nothing new."""
    if depth > MAX_DEPTH:
        return False
    if isinstance(value, str):
        return any(_address(p) and ipaddress.ip_network(p, strict=False).prefixlen == 0
                   for p in _LIST_SEPARATORS.split(value) if p)
    items = value.values() if isinstance(value, dict) else value if isinstance(value, list) else ()
    return any(_world(v, depth + 1) for v in items)


def _empty(value: Any) -> bool:
    return value is None or value == [] or value == "" or value == {}


def _deny_default(node: dict[str, Any]) -> bool:
    return any(DEFAULT_KEYS.match(k) and str(v).lower() in {"deny", "denied", "block", "reject", "drop"}
               for k, v in node.items())


def _other_sources(node: dict[str, Any], key: str, before: dict[str, Any]) -> bool:
    """Whether another source list in the same block still narrows who gets in, or an auth gate is added."""
    return any(k != key and not _empty(v) and ((bool(_words(k) & SOURCE_WORDS) and _sources(v))
                                               or (bool(_words(k) & AUTH_WORDS) and _empty(before.get(k))))
               for k, v in node.items())


def _sources(value: Any) -> bool:
    """Whether a value can name sources (a list, a block, an address, a group's id) — not a yes/no setting about
    the list (`allowed_ips_protected_branches_only = "no"`)."""
    return isinstance(value, (list, dict)) or (isinstance(value, str) and value.strip().lower() not in SETTING_WORDS)


def _emptied(before: Any, after: Any, unknown: Any, path: str, depth: int = 0) -> Iterator[str]:
    """Paths of allow-lists that held addresses in BEFORE and are empty, null or gone in AFTER (a value known
    only after apply, UNKNOWN in after_unknown, is not empty)."""
    if depth > MAX_DEPTH or not isinstance(before, dict) or unknown is True:
        return
    after_node = after if isinstance(after, dict) else {}
    unknown_node = unknown if isinstance(unknown, dict) else {}
    if _deny_default(after_node) or _deny_default(before):
        return
    for key, old in before.items():
        new = after_node.get(key)
        inner = unknown_node.get(key)
        if inner is True or new == old:  # an unchanged value (compared at C speed) empties nothing
            continue
        where = f"{path}.{key}" if path else key
        if _filter_key(key) and isinstance(old, list) and old and all(isinstance(v, str) for v in old) \
                and _empty(new) and not _world(old):
            if not _other_sources(after_node, key, before):
                yield where
            continue
        if _domain_key(key) and isinstance(old, list) and old and "*" not in old \
                and (_empty(new) or (isinstance(new, list) and "*" in new)):
            if not _other_sources(after_node, key, before):
                yield where
            continue
        if allow_key(key) and _addresses(old) and not _world(old) and (_empty(new) or not _addresses(new)):
            if not _other_sources(after_node, key, before):
                yield where
            continue
        if isinstance(old, list):
            # Whole blocks removed while others survive narrow access: judge only blocks still there.
            shrunk = isinstance(new, list) and 0 < len(new) < len(old)
            for index, item in enumerate(old):
                if shrunk:
                    continue
                next_after = new[index] if isinstance(new, list) and index < len(new) else None
                next_unknown = inner[index] if isinstance(inner, list) and index < len(inner) else None
                yield from _emptied(item, next_after, next_unknown, f"{where}[{index}]", depth + 1)
        elif isinstance(old, dict):
            yield from _emptied(old, new, inner, where, depth + 1)


def private(values: Any, depth: int = 0) -> bool:
    """Whether values say the resource is private anyway: a private flag on, or a public access flag off; never
    when they say its endpoint is not private (private nodes behind a public control-plane endpoint)."""
    if depth == 0 and _public_endpoint(values):
        return False
    if depth > MAX_DEPTH:
        return False
    if isinstance(values, list):
        return any(private(v, depth + 1) for v in values)
    if not isinstance(values, dict):
        return False
    for key, value in values.items():
        lowered = key.lower()
        if PRIVATE_FLAG.search(lowered) and value is True:
            return True
        if PUBLIC_FLAG.search(lowered) and (value is False or str(value).lower() in OFF_WORDS):
            return True
        if lowered == "ipv4_enabled" and value is False:  # Cloud SQL without a public IPv4 address
            return True
        if _words(key) & INSIDE_KEYS and isinstance(value, str) and _words(value) & INSIDE_WORDS:
            return True
        if isinstance(value, (dict, list)) and private(value, depth + 1):
            return True
    return False


def _public_endpoint(values: Any, depth: int = 0) -> bool:
    """Whether a flag says the endpoint is not private (enable_private_endpoint = false) or is public."""
    if depth > MAX_DEPTH:
        return False
    if isinstance(values, list):
        return any(_public_endpoint(v, depth + 1) for v in values)
    if not isinstance(values, dict):
        return False
    for key, value in values.items():
        words = _words(key)
        if "endpoint" in words and (("private" in words and value is False) or ("public" in words and value is True)):
            return True
        # the cluster's own private switch off (`private_cluster_enabled = false`) with no public switch off beside
        # it: its API server is public, whatever its nodes' address flags say (`node_public_ip_enabled = false` keeps
        # the nodes, not the endpoint, inside)
        if {"private", "cluster"} <= words and not words & {"public", "fqdn", "dns", "zone"} and value is False \
                and not any("public" in _words(k) and "private" not in _words(k) and v is False
                            for k, v in values.items()):
            return True
        if isinstance(value, (dict, list)) and _public_endpoint(value, depth + 1):
            return True
    return False


# Words of a switch that gives a resource its address on the internet (`ipv4_enabled`, `public_ip_enabled`,
# `internet_access`, `external_access`): turned off, the allow-list in front of that address guards nothing.
OUTSIDE_WORDS = {"public", "ipv4", "internet", "external"}


def closed(before: Any, after: Any, depth: int = 0) -> bool:
    """Whether the same change turns off the resource's internet-facing address (a public, IPv4, internet or
    external switch true → false): it stops being public, so an allow-list emptied with it opens nothing."""
    if depth > MAX_DEPTH:
        return False
    if isinstance(before, list) and isinstance(after, list):
        return any(closed(b, a, depth + 1) for b, a in zip(before, after, strict=False))
    if not isinstance(before, dict) or not isinstance(after, dict):
        return False
    for key, value in after.items():
        was = before.get(key)
        if _words(key) & OUTSIDE_WORDS and not _words(key) & {"private", "disabled", "block", "blocked"} \
                and was is True and value is False:
            return True
        if isinstance(value, (dict, list)) and closed(was, value, depth + 1):
            return True
    return False


@on_change(words=(b"authorized", b"authorised", b"allow", b"bound", b"whitelist", b"trusted", b"permitted",
                  b"source", b"src", b"filter", b"ruleset", b"acl"))  # ALLOW_WORDS: allow_key() needs one; FILTER_NOUNS
def _allowlist_emptied(change: Change) -> Iterator[Finding]:
    before, after = sides(change)
    if not before or not after:
        return
    paths = list(_emptied(before, after, change.after_unknown, ""))
    if not paths or private(after) or closed(before, after):
        return
    yield finding(EMPTIED, change.address,
                  f"{change.address}: {', '.join(paths)} held allowed source addresses and is now empty or removed "
                  "on a resource that is not private: anyone can reach it (like allowing 0.0.0.0/0)")
