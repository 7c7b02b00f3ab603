"""Risk rules, network exposure through a shared address list: a list of source addresses (a managed prefix list,
an IP set, an address group or object, any provider) newly holds the whole internet while a firewall or ingress rule
the plan shows admits that list, so whatever the rule opens is open to everyone. An existing list that no rule in
the plan refers to is reported on its own: its purpose is to be admitted by rules the plan does not show. A new list
nobody refers to yet, a list named for blocking, a rule that blocks or denies what the list holds, or a rule that
opens only 80/443 is not reported."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Iterator
from typing import Any

import orjson

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import Finding, ReviewInput, Severity, finding, managed, rule
from tfreview.pipeline.rules.network import _beyond_web, _ports
from tfreview.pipeline.rules.values import leaves, world_sources

RULE = "address-list-world"
LIST_TYPE = lazy_compile(r"prefix_?list|ip_?set|ipset|address_?(?:group|list|object|set)|ip_?(?:group|list)"
                         r"|cidr_?(?:list|set|group)|network_?(?:list|group|object)|addr_?(?:group|list)")
NOT_A_LIST = lazy_compile(r"association|attachment|reference|_entry_?(?:policy|rule)$")
WORLD_WORDS = {"*", "any", "all", "internet", "anywhere", "everywhere", "everyone", "world", "0/0"}
DENY = lazy_compile(r"\b(?:deny|denied|drop|block|blocked|reject|blocklist|denylist|blacklist)\b")
MIN_ID = 6


def every_address(value: Any) -> bool:
    """Whether one list entry names every address."""
    if not isinstance(value, str):
        return False
    text = value.strip().lower()
    if text in WORLD_WORDS:
        return True
    try:
        return ipaddress.ip_network(text, strict=False).prefixlen == 0
    except ValueError:
        return False


def _holds_world(values: Any) -> bool:
    """Whether the list's entries name every address, one by one or together (0.0.0.0/1 + 128.0.0.0/1)."""
    if not isinstance(values, dict):
        return False
    items = [item for path, value in leaves(values) if not path.endswith(("description", "name", "tags"))
             for item in (value if isinstance(value, list) else [value])]
    return any(every_address(item) for item in items) or bool(world_sources(items, words=False))


def _identifiers(change: Change) -> set[str]:
    """The strings other resources use to name this list: its id, ARN, self link or name."""
    found: set[str] = set()
    for side in (change.before, change.after):
        if isinstance(side, dict):
            found |= {v for k, v in side.items() if k in ("id", "arn", "self_link", "name") and isinstance(v, str)
                      and len(v) >= MIN_ID}
    return found


def _strings(values: Any) -> Iterable[str]:
    for _, value in leaves(values) if isinstance(values, dict) else ():
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, str):
                yield item


def _admits(change: Change, identifiers: frozenset[str] = frozenset()) -> bool:
    """Whether a rule referring to a list lets its addresses in to more than 80/443: read in the rule block that
    refers to it (a web ACL's `rule` entry), not its neighbours (the ACL's default block), empty settings aside."""
    after = change.after if isinstance(change.after, dict) else {}
    block = _referring(after, identifiers) if identifiers else None
    if DENY.search(orjson.dumps(_set_only(block if block is not None else after)).decode().lower()):
        return False
    low = after.get("from_port", after.get("port"))
    ports = _ports(low, after.get("to_port"), after.get("ip_protocol", after.get("protocol", "tcp")))
    if "from_port" not in after and "port" not in after:
        return True
    return ports is None or _beyond_web(ports)


def _referring(values: Any, identifiers: frozenset[str], rule: Any = None, depth: int = 0) -> Any:
    """The innermost list entry (a rule) of VALUES that holds one of IDENTIFIERS, or None."""
    if depth > 12:
        return None
    if isinstance(values, str):
        return rule if values in identifiers else None
    if isinstance(values, dict):
        return next((found for v in values.values()
                     if (found := _referring(v, identifiers, rule, depth + 1)) is not None), None)
    if isinstance(values, list):
        return next((found for v in values if (found := _referring(v, identifiers, v if isinstance(v, dict) else rule,
                                                                   depth + 1)) is not None), None)
    return None


def _set_only(values: Any) -> Any:
    """VALUES without empty settings: a WAF rule's `action` lists `block = []` beside the `allow` it sets."""
    if isinstance(values, dict):
        return {k: _set_only(v) for k, v in values.items() if v not in (None, "", [], {})}
    if isinstance(values, list):
        return [_set_only(v) for v in values if v not in (None, "", [], {})]
    return values


@rule(RULE, Severity.HIGH,
      "An address list (prefix list, IP set, address group, any provider) newly holds the whole internet while a "
      "rule in the plan admits that list.")
def _address_list_world(ri: ReviewInput) -> Iterator[Finding]:
    """Address lists that gain every address while a rule admits them."""
    lists = [c for c in managed(ri.changeset, Action.CREATE, Action.UPDATE, Action.REPLACE)
             if LIST_TYPE.search(c.type) and not NOT_A_LIST.search(c.type)
             and _holds_world(c.after) and not _holds_world(c.before)]
    if not lists:
        return
    names: dict[str, str] = {i: c.address for c in lists for i in _identifiers(c)}
    own = {c.address for c in lists}
    referred: set[str] = set()
    by_address = {c.address: c for c in ri.changeset.changes if c.mode == "managed"}
    for other in ri.changeset.changes:
        if other.mode != "managed" or other.address in own:
            continue
        listed_here = sorted({names[s] for s in _strings(other.after) if s in names})
        referred.update(listed_here)
        for listed in listed_here if _admits(other, frozenset(i for i, a in names.items() if a in listed_here)) \
                else ():
            yield finding(RULE, listed, f"{listed} now holds the whole internet, and {other.address} admits that "
                          "list: what it opens is open to everyone")
            return
    for address, expressions in _configured(ri.plan.configuration):
        referrer = by_address.get(address)
        for listed in own if address not in own else ():
            if f'"{listed}.' not in expressions:
                continue
            referred.add(listed)
            if referrer is not None and _admits(referrer):
                yield finding(RULE, listed, f"{listed} now holds the whole internet, and {address} refers to that "
                              "list in its configuration: what it admits is open to everyone")
                return
    for change in lists:
        if change.address not in referred and change.action is not Action.CREATE and not _blocking(change):
            yield finding(RULE, change.address, f"{change.address} now holds the whole internet: every allow rule "
                          "that admits this list, in this plan or not, is open to everyone; keep the internet out "
                          "of a shared list and open the one rule that needs it")
            return


def _blocking(change: Change) -> bool:
    """Whether a list's own name, description or tags say it holds addresses to block."""
    words = [v for side in (change.before, change.after) if isinstance(side, dict)
             for k, v in side.items() if k in ("name", "description", "tags", "display_name", "comment")]
    return DENY.search(orjson.dumps(words).decode().lower().replace("_", " ")) is not None


def _configured(configuration: Any) -> Iterator[tuple[str, str]]:
    """(address, serialised expressions) of each root-module resource in the configuration."""
    root = configuration.get("root_module") if isinstance(configuration, dict) else None
    for resource in root.get("resources") or [] if isinstance(root, dict) else []:
        if isinstance(resource, dict) and isinstance(resource.get("address"), str):
            yield resource["address"], orjson.dumps(resource.get("expressions")).decode()
