"""Risk rules, network (reported under network-open-ingress): an allow rule of any provider, at any depth of a
policy, whose sources or destinations stop being a list of named things. Two ways, one meaning (reach):

- the side's list is emptied while nothing else on that side names anything: in NSX-T, GCP firewalls, PAN-OS and
  most rule models an empty match means ANY (`source_groups = []`, `source_ranges = []`);
- a negation switch on a side is turned on (`destinations_excluded`, `negate_source`, `srcaddr_negate`): the rule
  now admits everything EXCEPT what it names, so a dev-to-dev rule becomes dev-to-everything-else.

Only updates of rules that already existed are judged (a rule found again by its name, id or position); a side
narrowed or changed to other names, a deny rule, a rule this change disables, and a new rule stay quiet.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import Finding, Severity, finding, on_change
from tfreview.pipeline.rules.common import sides
from tfreview.pipeline.rules.network import INGRESS
from tfreview.pipeline.rules.strengths import flag

SOURCE = lazy_compile(r"(?:source|src|from)_?(?:groups?|addresse?s?|addrs?|address_prefix(?:es)?|prefix(?:es)?|cidrs?"
                      r"|cidr_blocks|ranges?|ips?|ip_ranges|networks?|tags|members|entities|zones|objects)?|sources")
DESTINATION = lazy_compile(r"(?:destination|dest|dst|to)_?(?:groups?|addresse?s?|addrs?|address_prefix(?:es)?"
                           r"|prefix(?:es)?|cidrs?|cidr_blocks|ranges?|ips?|ip_ranges|networks?|tags|members"
                           r"|entities|zones|objects)?|destinations")
# A switch that turns a side into its complement: `sources_excluded`, `negate_destination`, `srcaddr_negate`.
_SIDE = r"(?:sources?|src|srcaddr|source_address(?:es)?|destinations?|dest|dst|dstaddr|destination_address(?:es)?)"
NEGATION = lazy_compile(rf"{_SIDE}_(?:excluded|exclude|negated?|inverted?|not)|(?:negate|invert|exclude|not)_{_SIDE}")
ACTION = lazy_compile(r"(?:\w+_)?(?:action|verdict|policy)")
ALLOWS = frozenset({"allow", "accept", "permit", "pass", "allowed", "jump_to_application"})
IDENTITY = ("nsx_id", "rule_id", "id", "display_name", "name", "sequence_number", "priority")
MAX_DEPTH = 8


def _allows(rule: dict[str, Any]) -> bool:
    """Whether RULE lets traffic through: its verb allows, or it names none (an allow is the usual default)."""
    for key, value in rule.items():
        if isinstance(value, str) and ACTION.fullmatch(key.lower()):
            return value.strip().lower() in ALLOWS
    return flag(rule.get("disabled")) != 1 and flag(rule.get("enabled", True)) != 0


def _names_any(value: Any) -> bool:
    return bool(value) if isinstance(value, list | dict) else isinstance(value, str) and bool(value.strip())


def _side_opened(old: dict[str, Any], new: dict[str, Any], side: Any) -> str | None:
    """The key of a SIDE list emptied in NEW while no key of that side still names something; None otherwise."""
    keys = [key for key in new if isinstance(key, str) and side.fullmatch(key.lower())]
    if any(_names_any(new[key]) for key in keys):
        return None
    for key in keys:
        if new[key] == [] and isinstance(old.get(key), list) and any(_names_any(i) for i in old[key]):
            return key
    return None


def _opened(old: dict[str, Any], new: dict[str, Any]) -> str | None:
    """How the rule NEW (formerly OLD) stops naming its sources or destinations, in words; None when it does not."""
    if not _allows(new):
        return None
    for side, what in ((SOURCE, "source"), (DESTINATION, "destination")):
        key = _side_opened(old, new, side)
        if key:
            return f"{key} is emptied, and an empty {what} list matches any {what}"
    for key, value in new.items():
        if isinstance(key, str) and NEGATION.fullmatch(key.lower()) and flag(value) == 1 and flag(old.get(key)) != 1:
            return f"{key} is turned on: the rule now matches everything except what it names"
    return None


def _key(item: Any) -> Any:
    if isinstance(item, dict):
        for name in IDENTITY:
            if isinstance(item.get(name), str | int) and item.get(name) not in ("", None):
                return (name, item[name])
    return None


def _pairs(before: Any, after: Any, depth: int = 0) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    """(old, new) for every object of AFTER found again in BEFORE: by the same key, or by its name or position."""
    if depth > MAX_DEPTH:
        return
    if isinstance(before, dict) and isinstance(after, dict):
        yield before, after
        for key, value in after.items():
            if isinstance(value, dict | list) and key in before:
                yield from _pairs(before[key], value, depth + 1)
    elif isinstance(before, list) and isinstance(after, list):
        old = {_key(item): item for item in before if _key(item) is not None}
        for index, item in enumerate(after):
            known = _key(item)
            if known is not None and known in old:
                yield from _pairs(old[known], item, depth + 1)
            elif known is None and len(before) == len(after):
                yield from _pairs(before[index], item, depth + 1)


@on_change(actions=(Action.UPDATE,))
def _any_side(change: Change) -> Iterator[Finding]:
    before, after = sides(change)
    for old, new in _pairs(before, after):
        how = _opened(old, new)
        if how:
            name = new.get("display_name") or new.get("name") or change.address
            yield finding(INGRESS, change.address, f"{change.address}: allow rule {name}: {how} (it reaches far "
                          "more than it named)", Severity.HIGH)
            return
