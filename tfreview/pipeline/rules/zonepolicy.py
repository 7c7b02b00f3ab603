"""Risk rules, exposure (reported under `network-open-ingress`): a next-generation firewall's policy that lets
anything in from the internet side. Such firewalls (Fortinet, Palo Alto, Check Point, Sophos, any vendor) name their
sides by zone or interface (`wan1`, `untrust`, `outside`) and their sources by address objects (`all`, `any`): a
policy or rule whose action allows, whose source side is internet-facing and whose source address is every address
opens whatever it leads to (an OT cell, a database network) to the whole internet, on any provider.

A segment strangers' devices join (guest or passenger Wi-Fi, visitors) allowed every service into an inside segment
(a payment kiosk network) is the same opening one hop in.

The same rule from an inside zone (`lan`, `trust`), for a named source address object, with a deny action, or only
for the web (`ssl`, `web-browsing`, HTTPS: a public site in a DMZ, the firewall's look-alike of 443 open on a load
balancer) is not a finding; neither is one that already allowed the same before the change.

An appliance's administrator account or management access whose trusted hosts (`trusthost1 = "0.0.0.0 0.0.0.0"`,
`admin_sources`, `management_cidrs`) hold the whole internet lets its sign-in page be tried from anywhere; a list
of named management networks is not a finding.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import Finding, finding, on_change
from tfreview.pipeline.rules.values import world_sources

POLICY_TYPES = lazy_compile(r"(?:firewall|segment|segmentation|zone)_polic(?:y|ies)|security_(?:rule|policy|policies)"
                            r"|policy_rules?|access_rules?|firewall_rules?|rule_?base")
ACTION_KEY = lazy_compile(r"^(?:action|rule_action)$")
ALLOWING = frozenset({"accept", "allow", "permit", "pass"})
SOURCE_SIDE = lazy_compile(r"^(?:src_?intf|source_?(?:zones?|interfaces?|intfs?|segments?)|from_?(?:zones?|segments?)"
                           r"|from)$")
DESTINATION_SIDE = lazy_compile(r"^(?:dst_?intf|destination_?(?:zones?|interfaces?|intfs?|segments?)"
                                r"|to_?(?:zones?|segments?)|to)$")
# Segments strangers' devices join (guest or passenger Wi-Fi, visitors, BYOD): isolated from everything inside.
GUEST = lazy_compile(r"^(?:guest[\w-]*|[\w-]*wi-?fi[\w-]*|pax[\w-]*|passenger[\w-]*|visitors?[\w-]*|byod[\w-]*)$")
EVERY_SERVICE = frozenset({"any", "all", "*", "0-65535", "1-65535"})
SOURCE_ADDRESS = lazy_compile(r"^(?:src_?addr\w*|source_?(?:addresses|address|addrs?|networks?|ips?))$")
# Interface and zone names that face the internet in every vendor's defaults and common use.
OUTSIDE = lazy_compile(r"^(?:wan\d*|untrust\w*|outside\w*|internet\w*|external\w*|public\w*|isp\d*|inet)$")
SERVICES = lazy_compile(r"^(?:services?|applications?|apps?|ports?|dst_?ports?|destination_?ports?)$")
WEB = frozenset({"ssl", "web-browsing", "http", "https", "http-80", "https-443", "80", "443", "tcp/80", "tcp/443",
                 "tcp-80", "tcp-443", "service-http", "service-https", "http2", "quic", "application-default"})
MAX_DEPTH = 6


def _names(value: Any) -> list[str]:
    """The names a setting lists: strings, or blocks' `name`."""
    items = value if isinstance(value, list) else [value]
    found = [item.get("name") if isinstance(item, dict) else item for item in items]
    return [name.strip().lower() for name in found if isinstance(name, str)]


def _open_rules(node: Any, depth: int = 0) -> Iterator[str]:
    """A short description of every allowing rule (this block or one nested in it) from outside for every source."""
    if depth > MAX_DEPTH:
        return
    if isinstance(node, list):
        for item in node:
            yield from _open_rules(item, depth + 1)
        return
    if not isinstance(node, dict):
        return
    action = [str(v).lower() for k, v in node.items() if ACTION_KEY.match(k)]
    sides = [n for k, v in node.items() if SOURCE_SIDE.match(k) for n in _names(v)]
    sources = [n for k, v in node.items() if SOURCE_ADDRESS.match(k) for n in _names(v)]
    outside = [s for s in sides if OUTSIDE.match(s)]
    guests = [s for s in sides if GUEST.match(s)]
    targets = [n for k, v in node.items() if DESTINATION_SIDE.match(k) for n in _names(v)]
    services = {n for k, v in node.items() if SERVICES.match(k) for n in _names(v)}
    web_only = bool(services - {"application-default"}) and services <= WEB
    world = bool(world_sources(sources, words=True))  # `all`, `any`, 0.0.0.0/0, `0.0.0.0 0.0.0.0`
    every_source = world or not any(SOURCE_ADDRESS.match(k) for k in node)
    allowing = bool(action) and action[0] in ALLOWING
    rule = repr(node["name"]) if isinstance(node.get("name"), str) and node["name"] else "a rule"
    if allowing and outside and world and not web_only:
        yield f"{rule} allows every source address from {outside[0]!r} (the internet side)"
    elif allowing and guests and every_source and services & EVERY_SERVICE and targets \
            and not any(OUTSIDE.match(t) for t in targets):
        yield f"{rule} allows every service from the guest segment {guests[0]!r} into {targets[0]!r}"
    for value in node.values():
        if isinstance(value, (list, dict)):
            yield from _open_rules(value, depth + 1)


@on_change(actions=(Action.CREATE, Action.UPDATE, Action.REPLACE), type_pattern=POLICY_TYPES)
def _open_from_outside(change: Change) -> Iterator[Finding]:
    before = set(_open_rules(change.before)) if change.action is not Action.CREATE else set()
    for opened in sorted(set(_open_rules(change.after)) - before)[:3]:
        yield finding("network-open-ingress", change.address, f"{change.address}: {opened[:160]}: whatever it leads "
                      "to is open to every device there")


TRUSTED_HOSTS = lazy_compile(r"^(?:trust_?hosts?\d*|trusted_?hosts?\d*|(?:admin|management|mgmt)_?(?:sources?|cidrs?"
                             r"|ips?|hosts?|networks?|access_?list))$")


def _admin_from_anywhere(values: Any) -> list[str]:
    settings = values if isinstance(values, dict) else {}
    return [key for key, value in settings.items() if TRUSTED_HOSTS.match(key) and world_sources(value, words=False)]


@on_change(actions=(Action.CREATE, Action.UPDATE, Action.REPLACE), words=(b"trust", b"admin", b"management", b"mgmt"))
def _administered_from_anywhere(change: Change) -> Iterator[Finding]:
    opened = sorted(set(_admin_from_anywhere(change.after)) - set(_admin_from_anywhere(change.before)))
    if opened:
        yield finding("network-open-ingress", change.address, f"{change.address}: {', '.join(opened[:3])} trust "
                      "every address: administration is open to sign-in attempts from the whole internet")
