"""What a firewall newly lets through (risk rules stage; feeds `firewall-passes-all`, `deny-opened-to-world` and
`dns-forwarded-out`).

Firewall rule text (Suricata/IDS rules, iptables) that passes any protocol between any addresses and ports with
no match narrowing it, or an active allow rule whose every match list is empty; an existing rule over the whole
internet turned from deny to allow; all DNS names (`.` or `*`) forwarded to a resolver outside private address
space. Read by what the attribute means, on any provider.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterator
from typing import Any

import orjson

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import Finding, ReviewInput, Severity, declare, finding, on_change, rule
from tfreview.pipeline.rules.aligned import by_identity
from tfreview.pipeline.rules.common import sides
from tfreview.pipeline.rules.traffic import MAX_DEPTH
from tfreview.pipeline.rules.values import world_sources

PASS_ALL = declare("firewall-passes-all", Severity.HIGH,
                   "A firewall rule text (Suricata/IDS rules, iptables) newly passes or accepts any protocol between "
                   "any addresses and ports with no match narrowing it, or an active allow rule of any provider "
                   "has every match list empty: everything the policy dropped gets through.")
ACTION_FLIP = declare("deny-opened-to-world", Severity.HIGH,
                      "An existing firewall/ACL rule whose sources or destinations are the whole internet turns from "
                      "deny to allow, or a new allow from the whole internet is ordered ahead of a deny it covers "
                      "(any provider): the traffic it blocked is let in.")
DNS_OUT = declare("dns-forwarded-out", Severity.HIGH,
                  "All DNS names (domain `.` or `*`) are forwarded to a resolver outside private address space, or a "
                  "forwarding rule or resolver policy that sent its queries to private resolvers now sends them to a "
                  "public address: the queries, internal names included, and their answers go through a server "
                  "outside the organisation's networks.")

_SURICATA = lazy_compile(r"^\s*(pass|accept|allow)\s+(\S+)\s+(\S+)\s+(\S+)\s+(?:->|<>)\s+(\S+)\s+(\S+)\s*(?:\((.*)\))?"
                         r"\s*;?\s*$", re.IGNORECASE)
ANY_WORDS = {"any", "ip", "all", "$external_net", "0.0.0.0/0", "::/0", "[any]", "*"}
NEUTRAL_OPTIONS = {"msg", "sid", "rev", "gid", "classtype", "metadata", "priority", "reference", "flow"}
_OPTION = lazy_compile(r"(?:^|;)\s*([\w.]+)")
_IPTABLES_ACCEPT = lazy_compile(r"(?:^|\s)(?:-j|--jump)\s+ACCEPT\b")
_IPTABLES_MATCH = lazy_compile(r"(?:^|\s)(?:-[sdpiom]|--(?:source|destination|protocol|in-interface|out-interface|"
                               r"match|dport|sport|dports|sports|src-range|dst-range|uid-owner|state|ctstate))\b")


def _pass_all(line: str) -> bool:
    """Whether one rule line passes everything: Suricata `pass ip any any -> any any` with no narrowing
    options, or an iptables `-j ACCEPT` with no match."""
    if match := _SURICATA.match(line):
        _, proto, src, _, dst, dport, options = match.groups()
        keywords = {k.lower() for k in _OPTION.findall(options or "")}
        return proto.lower() in ANY_WORDS | {"tcp", "udp"} and dport.lower() in ANY_WORDS \
            and (src.lower() in ANY_WORDS or dst.lower() in ANY_WORDS) and keywords <= NEUTRAL_OPTIONS
    return bool(_IPTABLES_ACCEPT.search(line)) and not _IPTABLES_MATCH.search(line)


def _pass_lines(value: Any, depth: int = 0) -> set[str]:
    """Rule lines that pass everything, anywhere in VALUE's strings (normalised without their options)."""
    if depth > MAX_DEPTH:
        return set()
    if isinstance(value, str):
        if "->" not in value and "ACCEPT" not in value:
            return set()
        return {" ".join(line.split("(")[0].lower().split()) for line in value.splitlines() if _pass_all(line)}
    items = value.values() if isinstance(value, dict) else value if isinstance(value, list) else ()
    return {line for item in items for line in _pass_lines(item, depth + 1)}


DENY_WORDS = {"deny", "denied", "drop", "reject", "block", "blocked"}
ALLOW_WORDS = {"allow", "allowed", "accept", "pass", "permit"}
ACTION_KEY = lazy_compile(r"^(?:\w+_)?(?:action|access|decision|verdict)$|^policy$")
ADDRESS_WORDS = {"cidr", "cidrs", "ip", "ips", "source", "sources", "src", "address", "addresses", "prefix",
                 "prefixes", "range", "ranges", "remote", "destination", "dst", "dest"}


def _nodes(before: Any, after: Any, depth: int = 0) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    """Pairs of blocks at the same place on both sides: list items by their name when every item of both sides has
    one of its own (a rule inserted above the deny-all shifts it down a place; it is not the deny-all changed)."""
    if depth > MAX_DEPTH:
        return
    if isinstance(before, dict) and isinstance(after, dict):
        yield before, after
        for key, old in before.items():
            yield from _nodes(old, after.get(key), depth + 1)
    elif isinstance(before, list) and isinstance(after, list):
        for old, new in _paired(before, after):
            yield from _nodes(old, new, depth + 1)


def _paired(before: list[Any], after: list[Any]) -> Iterator[tuple[Any, Any]]:
    """Items of two lists paired by their names when all are uniquely named blocks, or by another identity key both
    sides share (a NACL entry's `rule_no`, a rule's priority: aligned.py), else by position."""
    old, new = _by_name(before), _by_name(after)
    if old is None or new is None:
        keyed_old, keyed_new = by_identity(before), by_identity(after)
        if keyed_old is None or keyed_new is None or keyed_old[0] != keyed_new[0]:
            yield from zip(before, after, strict=False)
            return
        old, new = keyed_old[1], keyed_new[1]
    yield from ((item, new[name]) for name, item in old.items() if name in new)


def _by_name(items: list[Any]) -> dict[str, Any] | None:
    """The blocks of a list by their own names, or None when one is no block, has no name or shares it."""
    named = {item["name"]: item for item in items if isinstance(item, dict) and isinstance(item.get("name"), str)
             and item["name"]}
    return named if items and len(named) == len(items) else None


def _world_addresses(node: dict[str, Any]) -> list[str]:
    return [w for key, value in node.items() if set(re.split(r"[^a-z0-9]+", key.lower())) & ADDRESS_WORDS
            and "port" not in key.lower() for w in world_sources(value, words=True)]


INTERNAL = [ipaddress.ip_network(n) for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10",
                                              "169.254.0.0/16", "127.0.0.0/8", "fc00::/7", "fe80::/10", "::1/128")]
ROOT_DOMAINS = {".", "*", "*."}


def _external_ips(value: Any, depth: int = 0) -> list[str]:
    """IP address literals in VALUE outside private, shared and link-local space."""
    if depth > MAX_DEPTH:
        return []
    if isinstance(value, str):
        try:
            address = ipaddress.ip_address(value.strip())
        except ValueError:
            return []
        return [] if any(address in net for net in INTERNAL) else [value]
    items = value.values() if isinstance(value, dict) else value if isinstance(value, list) else ()
    return [ip for item in items for ip in _external_ips(item, depth + 1)]


def _forwards_all_out(resource_type: str, values: dict[str, Any]) -> list[str]:
    """External resolvers that every DNS name is forwarded to, when VALUES forward the root domain."""
    root = any("domain" in k.lower() and isinstance(v, str) and v.strip() in ROOT_DOMAINS for k, v in values.items())
    forward = "forward" in resource_type or any(isinstance(v, str) and v.lower() == "forward" for v in values.values())
    return _external_ips(values) if root and forward else []


# C-speed prechecks: a rule line, an allow word beside a deny-able action, a root domain.
_MAY_PASS = lazy_compile(rb"->|accept|allow|permit|pass")
_MAY_ROOT = lazy_compile(rb'"(?:\.|\*|\*\.)"')


# A rule line (`->`, ACCEPT), an action value that allows (ALLOW_WORDS, a whole string) or a root domain (_MAY_ROOT).
@on_change(words=(b"->", b"accept", b'"allow', b'"pass"', b'"permit"', b'"."', b'"*"', b'"*."'))
def _passage(change: Change) -> Iterator[Finding]:
    before, after = sides(change)
    if not after:
        return
    text = orjson.dumps(after).lower()
    if before and before != after and _MAY_PASS.search(text):
        added = _pass_lines(after) - _pass_lines(before)
        if added:
            yield finding(PASS_ALL, change.address, f"{change.address}: a rule `{sorted(added)[0]}` now passes any "
                          "traffic between any addresses and ports: what the policy dropped gets through")
        for old, new in _nodes(before, after):
            flipped = [k for k, v in new.items() if ACTION_KEY.match(k.lower()) and isinstance(v, str)
                       and v.lower() in ALLOW_WORDS and str(old.get(k)).lower() in DENY_WORDS]
            if flipped and (world := _world_addresses(new)):
                yield finding(ACTION_FLIP, change.address, f"{change.address}: {flipped[0]} turns from deny to "
                              f"allow for {world[0]} (the whole internet): the traffic it blocked is let in")
    outside = _forwards_all_out(change.type, after) if _MAY_ROOT.search(text) else []
    if outside and not (before and _forwards_all_out(change.type, before) == outside):
        yield finding(DNS_OUT, change.address, f"{change.address}: every DNS name is forwarded to {outside[0]}, "
                      "outside private address space: all queries and answers pass through an outside resolver")


# --- a new allow from the whole internet ordered ahead of the denies it covers ------------------------------------
# Rule lists evaluated in order (a network ACL's entries by `rule_no`, a security policy's rules by `priority`): the
# first entry that matches decides. An allow from everywhere put ahead of a deny it covers (the same ports, or every
# protocol) voids that deny, though no existing entry changed.
ORDER_KEYS = ("rule_no", "rule_number", "priority", "sequence", "order")
_ALL_PROTOCOLS = {"-1", "all", "*", "any"}


def _ordered_entries(value: Any, depth: int = 0) -> Iterator[list[dict[str, Any]]]:
    """Lists of entries that each carry an action and an order number, anywhere in VALUE."""
    if depth > MAX_DEPTH:
        return
    if isinstance(value, dict):
        for item in value.values():
            yield from _ordered_entries(item, depth + 1)
    elif isinstance(value, list):
        entries = [v for v in value if isinstance(v, dict)]
        if entries and all(_action(e) and _order(e) is not None for e in entries):
            yield entries
        for item in value:
            yield from _ordered_entries(item, depth + 1)


def _action(entry: dict[str, Any]) -> str | None:
    return next((v.lower() for k, v in entry.items() if ACTION_KEY.match(k.lower()) and isinstance(v, str)
                 and v.lower() in ALLOW_WORDS | DENY_WORDS), None)


def _order(entry: dict[str, Any]) -> float | None:
    value = next((entry[k] for k in ORDER_KEYS if k in entry), None)
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _ports(entry: dict[str, Any]) -> tuple[str, float, float]:
    protocol = str(entry.get("protocol", "")).lower()
    low, high = entry.get("from_port"), entry.get("to_port")
    if protocol in _ALL_PROTOCOLS or not isinstance(low, int) or not isinstance(high, int) or (low, high) == (0, 0):
        return ("all" if protocol in _ALL_PROTOCOLS else protocol), 0, 65535
    return protocol, low, high


def _covers(allow: dict[str, Any], deny: dict[str, Any]) -> bool:
    (p1, lo1, hi1), (p2, lo2, hi2) = _ports(allow), _ports(deny)
    return (p1 == "all" or p1 == p2) and lo1 <= lo2 and hi1 >= hi2


@on_change(words=(b"rule_no", b"rule_number", b"priority", b"sequence"))
def _allow_ahead_of_deny(change: Change) -> Iterator[Finding]:
    before, after = sides(change)
    old = {(_action(e), _order(e), tuple(_world_addresses(e)), _ports(e)) for entries in _ordered_entries(before)
           for e in entries}
    for entries in _ordered_entries(after):
        for allow in (e for e in entries if _action(e) in ALLOW_WORDS and _world_addresses(e)):
            if (_action(allow), _order(allow), tuple(_world_addresses(allow)), _ports(allow)) in old:
                continue
            voided = [d for d in entries if _action(d) in DENY_WORDS and (_order(d) or 0) > (_order(allow) or 0)
                      and _covers(allow, d)]
            if voided:
                yield finding(ACTION_FLIP, change.address, f"{change.address}: entry {_order(allow):g} allows "
                              f"{_world_addresses(allow)[0]} (the whole internet) ahead of the deny entry "
                              f"{_order(voided[0]):g}: the traffic that deny blocked is let in")
                return


# --- firewall rules as separate resources: an allow from the internet that now outranks a deny ---------------------
# Google Cloud firewall rules (any provider whose rules are resources of their own, with a priority where the
# lower number wins and a deny wins a tie): an allow from everywhere whose priority now beats a deny of the same
# network and direction that it covers (a port of the deny among its own) lets through what the deny blocked.
def _rule_ports(values: dict[str, Any], key: str) -> list[tuple[str, set[str] | None]]:
    """(protocol, ports or None for every port) of a rule's allow or deny blocks."""
    return [(str(b.get("protocol", "")).lower(), {str(p) for p in b.get("ports") or []} or None)
            for b in values.get(key) or [] if isinstance(b, dict)]


def _beats(allow: dict[str, Any], deny: dict[str, Any]) -> bool:
    """Whether an allow rule covers some port a deny rule blocks, on targets the deny applies to."""
    if allow.get("network") != deny.get("network") or str(allow.get("direction", "INGRESS")).upper() != str(
            deny.get("direction", "INGRESS")).upper():
        return False
    denied_tags, allowed_tags = set(deny.get("target_tags") or []), set(allow.get("target_tags") or [])
    if denied_tags and allowed_tags and not denied_tags & allowed_tags:
        return False
    for protocol, ports in _rule_ports(allow, "allow"):
        for blocked, closed in _rule_ports(deny, "deny"):
            if protocol in (blocked, "all") and (ports is None or closed is None or ports & closed):
                return True
    return False


@rule(ACTION_FLIP, Severity.HIGH, "An existing firewall/ACL rule whose sources or destinations are the whole "
      "internet turns from deny to allow, or a new allow from the whole internet is ordered ahead of a deny it "
      "covers (any provider): the traffic it blocked is let in.")
def _allow_outranks_deny(ri: ReviewInput) -> Iterator[Finding]:
    rules = [c for c in ri.changeset.changes if c.type.endswith("firewall") and c.mode == "managed"
             and c.action is not Action.DELETE and isinstance(c.after, dict) and _number(c.after.get("priority"))]
    denies = [c for c in rules if _rule_ports(c.after, "deny")]
    for change in rules:
        after, before = change.after, change.before if isinstance(change.before, dict) else {}
        if change.action is Action.NO_OP or not _rule_ports(after, "allow") or not _world_addresses(after) \
                or after.get("disabled") is True:
            continue
        was = _number(before.get("priority")) if before.get("allow") and _world_addresses(before) else None
        now = _number(after.get("priority"))
        for deny in denies:
            rank = _number(deny.after.get("priority"))
            if deny is change or rank is None or now is None or now >= rank or (was is not None and was < rank):
                continue
            if _beats(after, deny.after):
                yield finding(ACTION_FLIP, change.address, f"{change.address}: an allow from "
                              f"{_world_addresses(after)[0]} (the whole internet) at priority {now:g} now outranks "
                              f"{deny.address} (deny, priority {rank:g}): what that deny blocked is let in")
                break


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None
