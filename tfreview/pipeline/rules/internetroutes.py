"""Risk rules, network exposure (reported under `segments-joined`): a default route to the internet (0.0.0.0/0 or
::/0 through an internet gateway; Azure's next hop `Internet`) added to a route table that already exists — one the
plan does not create, named in the configuration for what it serves (`aws_route_table.ot_control`). Every subnet
of that table gains a direct path to and from the internet, around the NAT, firewall or private link its traffic
took (an OT control network, a database tier). A table given only by its id, or by a module's generic name
(`this`, `main`), names nothing: the plan does not say what it serves.

A route made with its own new table (a new public subnet), a table whose own name says public, DMZ or edge (public
subnets route to the internet gateway by design), and a default route moved out of the table's inline routes into
its own resource (the table's update drops the same route) say nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.addresses import config_address
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.configuration import configuration
from tfreview.pipeline.findings import RULES, Finding, ReviewInput, Severity, finding, managed, rule
from tfreview.pipeline.rules.common import as_list
from tfreview.pipeline.rules.crossings import JOINED

ROUTE_TYPES = frozenset({"aws_route", "azurerm_route"})
DEFAULT = frozenset({"0.0.0.0/0", "::/0"})
# A module's generic names for its one table: they say nothing of what the table serves.
GENERIC = frozenset({"this", "main", "default", "rt", "route_table", "table", "routes", "vpc", "primary", "shared"})
TABLE_KEYS = ("route_table_id", "route_table_name")
PUBLIC_NAMES = lazy_compile(r"public|(?:^|[_-])pub(?:$|[_-])|dmz|edge|ingress|internet|igw|egress_only", re.IGNORECASE)


def _to_internet(values: dict[str, Any]) -> bool:
    destination = values.get("destination_cidr_block") or values.get("destination_ipv6_cidr_block") \
        or values.get("address_prefix")
    if str(destination or "").strip() not in DEFAULT:
        return False
    gateway = str(values.get("gateway_id") or "")
    return gateway.startswith("igw-") or str(values.get("next_hop_type") or "").lower() == "internet"


def _table(change: Change, ri: ReviewInput) -> tuple[str, bool]:
    """(the table the configuration names, whether the plan creates it); ("", False) when only an id names it."""
    expressions = configuration(ri.plan).expressions(change.address) or {}
    for key in TABLE_KEYS:
        references = [r for r in as_list((expressions.get(key) or {}).get("references")) if isinstance(r, str)]
        if references:
            table = references[-1]
            created = any(config_address(c.address).endswith(config_address(table))
                          for c in managed(ri.changeset, Action.CREATE))
            return table, created
    return "", False


def _moved_inline(ri: ReviewInput) -> bool:
    """Whether a route table of the plan drops an inline default route to the internet (moved to its own resource)."""
    for change in managed(ri.changeset, Action.UPDATE, Action.REPLACE):
        if change.type in ("aws_route_table", "azurerm_route_table") and isinstance(change.before, dict):
            routes = as_list(change.before.get("route"))
            if any(isinstance(r, dict) and _route_block_to_internet(r) for r in routes):
                return True
    return False


def _route_block_to_internet(block: dict[str, Any]) -> bool:
    cidr = str(block.get("cidr_block") or block.get("ipv6_cidr_block") or block.get("address_prefix") or "")
    gateway = str(block.get("gateway_id") or "")
    return cidr in DEFAULT and (gateway.startswith("igw-") or str(block.get("next_hop_type") or "").lower()
                                == "internet")


@rule(JOINED, Severity.HIGH, RULES[JOINED].description)
def _internet_route(ri: ReviewInput) -> Iterator[Finding]:
    made = [c for c in managed(ri.changeset, Action.CREATE) if c.type in ROUTE_TYPES
            and isinstance(c.after, dict) and _to_internet(c.after)]
    if not made or _moved_inline(ri):
        return
    for change in made:
        table, created = _table(change, ri)
        name = config_address(table).rsplit(".", 1)[-1].lower()
        if created or not name or name in GENERIC or PUBLIC_NAMES.search(name) \
                or PUBLIC_NAMES.search(change.address.rsplit(".", 1)[-1]):
            continue
        yield finding(JOINED, change.address, f"{change.address}: a default route to the internet is added to "
                      f"{table}, an existing route table: every subnet of it gains a direct path to and from the "
                      "internet")
