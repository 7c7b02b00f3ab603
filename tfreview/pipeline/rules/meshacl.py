"""Risk rules, identity: a mesh network's access policy held as JSON or HuJSON text (Tailscale/Headscale-style
`acls`, `grants` and `ssh` rules, any attribute) read for whom it admits: a new rule that lets every member (`*`,
`autogroup:member`, or a group made of them) reach SSH, RDP or database ports (or every port), or SSH in as root
without check mode, or a tag that carries access (a rule's source) whose owners come to include every member: any
member may tag a machine with it and take that access; a tag, or a group named for outsiders (a vendor's, a
contractor's), newly reaching every machine on every port (`*:*`); a test, dev or QA source (`tag:test-device`) newly
reaching an admin or data port of a production destination (`tag:prod-db:5432`). A named group of the company's own
reaching everything, a tag reaching named ports of its own environment, and everyone reaching a web port are not
this rule."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import orjson

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Change
from tfreview.pipeline.findings import Finding, Severity, finding, on_change
from tfreview.pipeline.rules.capabilities import strip_comments
from tfreview.pipeline.rules.common import sides
from tfreview.pipeline.rules.environments import NON_PRODUCTION_ENVS, PRODUCTION_TOKENS, TOKEN
from tfreview.pipeline.rules.grants import PRIVILEGED
from tfreview.pipeline.rules.ports import ADMIN_PORTS

EVERYONE = frozenset({"*", "autogroup:member", "autogroup:members", "group:everyone"})
TRAILING_COMMA = lazy_compile(r",(\s*[}\]])")
MAX_TEXT = 200_000
Rule = tuple[str, str]  # what kind of rule, its canonical text


def policy(text: str) -> dict[str, Any] | None:
    """The policy TEXT holds when it is a JSON or HuJSON object with `acls` or `ssh` rules; None otherwise."""
    if len(text) > MAX_TEXT or not any(f'"{key}"' in text for key in ("acls", "ssh", "grants")):
        return None
    try:
        value = orjson.loads(TRAILING_COMMA.sub(r"\1", strip_comments(text)))
    except orjson.JSONDecodeError:
        return None
    return value if isinstance(value, dict) else None


def open_rules(value: dict[str, Any]) -> Iterator[Rule]:
    """(kind, description) of each rule in a policy that admits every member to an admin port or root SSH, and of
    each tag every member may put on a machine while the tag carries access (it is a rule's source)."""
    groups = _groups(value)
    for rule in _rules(value.get("acls")):
        if _everyone(rule.get("src"), groups) and str(rule.get("action", "accept")).lower() == "accept":
            ports = [p for dst in _strings(rule.get("dst")) if (p := _admin_port(dst))]
            if ports:
                yield "acls", f"every member reaches {', '.join(sorted(set(ports))[:4])}"
        elif str(rule.get("action", "accept")).lower() == "accept" and "*:*" in _strings(rule.get("dst")):
            machines = [src for src in _strings(rule.get("src")) if _machine_or_outsider(src)]
            if machines:
                yield "acls", f"{machines[0]} reaches every machine on every port"
        elif str(rule.get("action", "accept")).lower() == "accept":
            crossing = _test_to_production(rule)
            if crossing:
                yield "acls", crossing
    for rule in _rules(value.get("grants")):  # the newer form: `ip` lists the ports, `dst` the hosts
        if _everyone(rule.get("src"), groups):
            ports = [p for host in _strings(rule.get("dst")) for ip in _strings(rule.get("ip"))
                     if (p := _admin_port(f"{host}:{ip.rpartition(':')[2]}"))]
            if ports:
                yield "grants", f"every member reaches {', '.join(sorted(set(ports))[:4])}"
    for rule in _rules(value.get("ssh")):
        users = _strings(rule.get("users"))
        if _everyone(rule.get("src"), groups) and str(rule.get("action", "")).lower() == "accept" and "root" in users:
            hosts = ", ".join(_strings(rule.get("dst"))[:3])
            yield "ssh", f"every member may SSH as root to {hosts} without check mode"
    owners = value.get("tagOwners")
    owners = owners if isinstance(owners, dict) else {}
    rules = _rules(value.get("acls")) + _rules(value.get("grants"))
    sources = {src for rule in rules for src in _strings(rule.get("src"))}
    for tag, who in sorted(owners.items()):
        if tag in sources and _everyone(who, groups):
            yield "tagOwners", f"every member may tag a machine {tag} and take the access its rules give"


# Sources whose reach everywhere is a way in: a tag (machines, whose compromise carries the tag's access), or a group
# named for people from outside (vendors, contractors, guests). An admins group reaching everything is a choice.
OUTSIDERS = lazy_compile(r"vendor|contractor|guest|partner|external|third|supplier|temp|intern", re.IGNORECASE)


def _machine_or_outsider(source: str) -> bool:
    name = source.strip().lower()
    return name.startswith("tag:") or (name.startswith("group:") and bool(OUTSIDERS.search(name)))


def _test_to_production(rule: dict[str, Any]) -> str | None:
    """How a rule lets a test, dev or QA source reach a production destination's admin or data port, or None."""
    tests = [src for src in _strings(rule.get("src"))
             if (words := set(TOKEN.findall(src.lower()))) & NON_PRODUCTION_ENVS and not words & PRODUCTION_TOKENS]
    if not tests:
        return None
    for dst in _strings(rule.get("dst")):
        host = dst.rsplit(":", 1)[0].lower()
        port = _admin_port(dst)
        if port and set(TOKEN.findall(host)) & PRODUCTION_TOKENS:
            return f"{tests[0]}, a test or development source, reaches {port} of production"
    return None


# Destinations that are each member's own devices: every member reaching them reaches only what they own.
OWN_DEVICES = frozenset({"autogroup:self"})


def _admin_port(dst: str) -> str | None:
    """What an ACL destination (`host:ports`) opens that is admin: every port, or an admin or database port; nothing
    on a member's own devices (`autogroup:self`)."""
    ports = dst.rsplit(":", 1)[1] if ":" in dst else ""
    if dst.rsplit(":", 1)[0].strip().lower() in OWN_DEVICES:
        return None
    if ports == "*":
        return f"{dst} (every port)"
    for part in ports.split(","):
        low, _, high = part.partition("-")
        if low.isdigit() and (high or low).isdigit():
            named = [f"{dst.rsplit(':', 1)[0]}:{p} ({name})" for p, name in ADMIN_PORTS.items()
                     if int(low) <= p <= int(high or low)]
            if named:
                return named[0]
    return None


def _everyone(value: Any, groups: dict[str, list[str]] | None = None, depth: int = 0) -> bool:
    """Whether a list of principals admits every member: `*`, `autogroup:member`, or a group made of them."""
    for item in _strings(value):
        name = item.strip().lower()
        if name in EVERYONE or (depth < 4 and groups and name in groups and _everyone(groups[name], groups, depth + 1)):
            return True
    return False


def _groups(value: dict[str, Any]) -> dict[str, list[str]]:
    groups = value.get("groups")
    return {str(k).lower(): _strings(v) for k, v in groups.items()} if isinstance(groups, dict) else {}


def _strings(value: Any) -> list[str]:
    return [str(v) for v in value if isinstance(v, str)] if isinstance(value, list) else []


def _rules(value: Any) -> list[dict[str, Any]]:
    return [r for r in value if isinstance(r, dict)] if isinstance(value, list) else []


def _policies(values: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    for key, text in values.items():
        if isinstance(text, str) and (found := policy(text)) is not None:
            yield key, found


@on_change(words=(b"acls", b"ssh", b"grants"))
def _members_opened(change: Change) -> Iterator[Finding]:
    """A mesh policy's new rule that admits every member to admin ports or root SSH."""
    before, after = sides(change)
    old = {rule for _, value in _policies(before) for rule in open_rules(value)}
    for key, value in _policies(after):
        for kind, text in open_rules(value):
            if (kind, text) not in old:
                yield finding(PRIVILEGED, change.address, f"{change.address}: {key} {kind} rule: {text}", Severity.HIGH)

