"""Risk rules, reach (egress-policy-opened): a firewall whose outbound rules only reached named destinations (a
prefix list, internal ranges, one service) gains a rule letting all traffic out to the internet — every address,
every port or protocol. A segment kept from the internet (a cardholder-data network, a database tier) can now send
its data anywhere. Any provider's outbound rule blocks are read (`egress`, `outbound_rule`, `security_rule` or
`rule` blocks whose direction is outbound). A firewall that already let everything out, a new firewall (its egress
a choice in the open, often the cloud's default), a new rule to one destination or one port, and deny rules stay
quiet.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import Finding, finding, on_change
from tfreview.pipeline.rules.addresslists import every_address
from tfreview.pipeline.rules.common import as_list, sides
from tfreview.pipeline.rules.grants import denies
from tfreview.pipeline.rules.network import ALL_PORTS, _ports
from tfreview.pipeline.rules.traffic import EGRESS

EGRESS_BLOCKS = lazy_compile(r"(?:\w+_)?(?:egress|outbound)(?:_rules?|_security_rules?)?")
RULE_BLOCKS = lazy_compile(r"(?:\w+_)?(?:security_)?rules?")
DESTINATIONS = lazy_compile(r"(?:ipv6_)?cidr_blocks|cidr_ipv[46]|destination_(?:address_prefix(?:es)?|ranges?|cidrs?)"
                            r"|destinations?|to_cidrs?")
OUTBOUND = {"outbound", "egress", "out"}


def _outbound_rules(values: dict[str, Any]) -> list[dict[str, Any]]:
    """The outbound rules among a firewall's blocks."""
    found: list[dict[str, Any]] = []
    for key, value in values.items():
        items = [item for item in as_list(value) if isinstance(item, dict)]
        if EGRESS_BLOCKS.fullmatch(key):
            found += items
        elif RULE_BLOCKS.fullmatch(key):
            found += [item for item in items if str(item.get("direction") or item.get("type")).lower() in OUTBOUND]
    return found


def _everything_out(rule: dict[str, Any]) -> str | None:
    """The destination through which RULE lets all traffic out to every address; None when it does not."""
    if denies(rule):
        return None
    world = next((str(item) for key, value in rule.items() if DESTINATIONS.fullmatch(key)
                  for item in as_list(value) if every_address(item)), None)
    protocol = rule.get("protocol", rule.get("ip_protocol"))
    ports = "*" if rule.get("destination_port_range") == "*" else _ports(
        rule.get("from_port"), rule.get("to_port"), protocol)
    return world if world and ports in ("*", ALL_PORTS) else None


@on_change(actions=(Action.UPDATE,), words=(b"egress", b"outbound"))
def _egress_opened(change: Change) -> Iterator[Finding]:
    before, after = sides(change)
    old = _outbound_rules(before)
    if not old or any(_everything_out(rule) for rule in old):
        return  # no outbound rules to compare with, or everything already went out
    world = next(filter(None, (_everything_out(rule) for rule in _outbound_rules(after))), None)
    if world:
        yield finding(EGRESS, change.address, f"{change.address}: its outbound rules reached only named destinations; "
                      f"a rule now lets all traffic out to {world}: whatever it holds can be sent anywhere")
