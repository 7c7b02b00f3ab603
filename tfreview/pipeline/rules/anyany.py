"""Risk rules, network (reported under network-open-ingress): a firewall rule of any provider, at any depth of a
policy or rule collection, that allows every source to every destination on every port (`*` → `*`, all ports,
any protocol). A rule that names one side (a subnet, a host, a port) is a path through the firewall and stays
quiet; only rules the change adds are judged."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import Finding, Severity, finding, on_change
from tfreview.pipeline.rules.common import sides
from tfreview.pipeline.rules.network import INGRESS

SOURCES = lazy_compile(r"(?:source|src|from)_?(?:addresses|address|address_prefix(?:es)?|prefix(?:es)?|cidrs?"
                       r"|cidr_blocks|ranges?|ips?|ip_ranges|networks?)?|sources")
DESTINATIONS = lazy_compile(r"(?:destination|dest|dst|to)_?(?:addresses|address|address_prefix(?:es)?|prefix(?:es)?"
                            r"|cidrs?|cidr_blocks|ranges?|ips?|ip_ranges|networks?)?|destinations")
# What a rule matches traffic by beyond its addresses: ports, or the services and applications a next-generation
# firewall names (PAN-OS `services`, `applications`); `any` there lets every kind of traffic through.
PORTS = lazy_compile(r"(?:destination_|dest_|dst_|to_)?ports?(?:_ranges?)?|port_ranges?|services|applications")
EVERY = frozenset({"*", "any", "all", "0.0.0.0/0", "::/0", "internet", "0-65535", "1-65535", "*:*"})
ALLOWS = frozenset({"allow", "accept", "permit", "pass"})
VERBS = ALLOWS | {"deny", "drop", "block", "reject"}
ACTION = lazy_compile(r"(?:\w+_)?(?:action|verdict|access|policy)")
MAX_DEPTH = 8


def _every(value: Any) -> bool:
    """Whether VALUE (one value or a list) holds a value meaning every address or port."""
    items = value if isinstance(value, list) else [value]
    return any(isinstance(item, str | int) and str(item).strip().lower() in EVERY for item in items)


def _verb(block: dict[str, Any], inherited: str | None) -> str | None:
    """The allow or deny verb of BLOCK, else the one of its enclosing block."""
    for key, value in block.items():
        if isinstance(value, str) and ACTION.fullmatch(key.lower()) and value.strip().lower() in VERBS:
            return value.strip().lower()
    return inherited


def open_rules(value: Any, inherited: str | None = None, depth: int = 0) -> Iterator[str]:
    """The names of rule blocks in VALUE that allow every source to every destination on every port."""
    if depth > MAX_DEPTH:
        return
    if isinstance(value, list):
        for item in value:
            yield from open_rules(item, inherited, depth + 1)
        return
    if not isinstance(value, dict):
        return
    verb = _verb(value, inherited)
    keys = {key.lower(): item for key, item in value.items()}
    sources = [item for key, item in keys.items() if SOURCES.fullmatch(key)]
    targets = [item for key, item in keys.items() if DESTINATIONS.fullmatch(key)]
    ports = [item for key, item in keys.items() if PORTS.fullmatch(key)]
    outbound = str(keys.get("direction", "")).strip().lower() in {"outbound", "egress"}
    if verb in ALLOWS and not outbound and sources and targets and ports and any(_every(s) for s in sources) \
            and any(_every(t) for t in targets) and any(_every(p) for p in ports):
        yield str(value.get("name") or "a rule")
    for item in value.values():
        if isinstance(item, dict | list):
            yield from open_rules(item, verb, depth + 1)


@on_change(actions=(Action.CREATE, Action.UPDATE, Action.REPLACE), words=(b"*", b"0.0.0.0/0", b"any"))
def _any_to_any(change: Change) -> Iterator[Finding]:
    before, after = sides(change)
    new = [name for name in open_rules(after) if name not in set(open_rules(before))]
    if new:
        yield finding(INGRESS, change.address, f"{change.address}: rule {new[0]} allows every source to every "
                      "destination on every port (the firewall no longer separates anything)", Severity.HIGH)
