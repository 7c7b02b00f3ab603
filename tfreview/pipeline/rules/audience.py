"""Risk rules, network exposure by audience: a whole private network range (a /16 or wider) opened to an
everyone group (Everyone, All Users, all members), on any zero-trust or VPN provider. The group is judged by its
name: the value itself, or the `name` of the resource or data source its id is read from.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterator
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action
from tfreview.pipeline.configuration import Configuration, configuration, module_of
from tfreview.pipeline.findings import Finding, ReviewInput, Severity, finding, managed, rule

EVERYONE = "range-to-everyone"
DESCRIPTION = ("A whole private network range (a /16 or wider: 10.0.0.0/8) is granted to an everyone group "
               "(Everyone, All Users, all members), judged by the group's name on any provider: every user "
               "reaches every host in it.")

_SPLIT = lazy_compile(r"[^a-z0-9]+")
ADDRESS_WORDS = {"address", "addresses", "cidr", "cidrs", "range", "ranges", "network", "networks", "subnet"}
GROUP_WORDS = {"group", "groups", "principal", "principals", "audience", "team", "teams", "members"}
EVERYONE_NAMES = lazy_compile(r"^(?:everyone|all[ _-]?(?:users|members|employees|staff|accounts)|anyone)$",
                              re.IGNORECASE)
WIDE_PREFIX = 16
MAX_DEPTH = 6


def _words(key: str) -> set[str]:
    return {w for w in _SPLIT.split(key.lower()) if w}


def _wide_private(values: dict[str, Any]) -> str | None:
    """A private CIDR of /16 or wider held under an address-like key of VALUES."""
    for key, value in values.items():
        for text in (value if isinstance(value, list) else [value]):
            if not isinstance(text, str) or "/" not in text or not _words(key) & ADDRESS_WORDS:
                continue
            try:
                net = ipaddress.ip_network(text.strip(), strict=False)
            except ValueError:
                continue
            if net.is_private and net.prefixlen <= (WIDE_PREFIX if net.version == 4 else 48):
                return text
    return None


def _group_expressions(node: Any, inside: bool = False, depth: int = 0) -> Iterator[Any]:
    """Expressions (and values) under group-like keys, at any depth."""
    if depth > MAX_DEPTH:
        return
    if isinstance(node, list):
        for item in node:
            yield from _group_expressions(item, inside, depth + 1)
    elif isinstance(node, dict):
        if inside and ("references" in node or "constant_value" in node):
            yield node
            return
        for key, value in node.items():
            grouped = inside or bool(_words(key) & GROUP_WORDS)
            if grouped and isinstance(value, str):
                yield {"constant_value": value}
            yield from _group_expressions(value, grouped, depth + 1)


def _names(config: Configuration, address: str, expression: dict[str, Any]) -> Iterator[str]:
    """The names an expression's group is known by: a constant, or the referenced object's name."""
    constant = expression.get("constant_value")
    for value in (constant if isinstance(constant, list) else [constant]):
        if isinstance(value, str):
            yield value
    module = module_of(address)
    for reference in expression.get("references") or []:
        if not isinstance(reference, str):
            continue
        parts = reference.split(".")
        target = ".".join(parts[:3] if parts[0] == "data" else parts[:2])
        after, _ = config.planned.get(f"{module}.{target}".lstrip("."), (None, None))
        for key in ("name", "display_name", "title"):
            if isinstance(after, dict) and isinstance(after.get(key), str):
                yield after[key]


def _everyone_ranges(ri: ReviewInput) -> Iterator[Finding]:
    """Creates and updates whose wide private range is granted to a group named like everyone."""
    config: Configuration | None = None
    for change in managed(ri.changeset, Action.CREATE, Action.UPDATE):
        after = change.after if isinstance(change.after, dict) else None
        wide = _wide_private(after) if after else None
        if after is None or wide is None:
            continue
        before = change.before if isinstance(change.before, dict) else {}
        if before and _wide_private(before) == wide and [*_group_expressions(before)] == [*_group_expressions(after)]:
            continue  # an update that changes neither the range nor who it is granted to
        config = config or configuration(ri.plan)
        found = [*_group_expressions(config.expressions(change.address) or {}), *_group_expressions(after)]
        everyone = next((n for e in found for n in _names(config, change.address, e) if EVERYONE_NAMES.match(n)),
                        None)
        if everyone is not None:
            yield finding(EVERYONE, change.address, f"{change.address}: the private range {wide} is granted to the "
                          f"group {everyone!r}: every user reaches every host in it")


rule(EVERYONE, Severity.HIGH, DESCRIPTION)(_everyone_ranges)
