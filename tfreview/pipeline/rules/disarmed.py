"""Risk rules, security controls stage: a rule that blocks, switched off. A URL filter, firewall, WAF or DLP rule of
any provider whose action stops traffic (BLOCK, deny, drop) and whose own switch turns off (`state` ENABLED →
DISABLED, `enabled` true → false, `disabled` false → true): what it stopped now passes. An allow rule switched off
closes a door instead, and a blocking rule whose description changes stays armed.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import Finding, Severity, finding, on_change
from tfreview.pipeline.rules.common import sides
from tfreview.pipeline.rules.environments import non_production
from tfreview.pipeline.rules.strengths import flag
from tfreview.pipeline.rules.vocabulary import DETECTION
from tfreview.pipeline.rules.vocabulary.postures import verdict

ACTION_KEY = lazy_compile(r"^(?:\w+_)?action$")
# The switches that arm a whole rule (not one feature of it); `disabled` reads the other way round.
ARMING = ("state", "status", "enabled", "is_enabled", "enable", "active", "is_active")
DISARMING = ("disabled", "is_disabled")
MAX_DEPTH = 8


def _blocks(rule: dict[str, Any]) -> bool:
    """Whether RULE's action stops what it matches (BLOCK, deny, drop)."""
    return any(verdict(value) == 1 for key, value in rule.items() if ACTION_KEY.match(str(key).lower()))


def _armed(rule: dict[str, Any]) -> float | None:
    """1 while RULE is on, 0 once it is off, None when it has no switch of its own."""
    for key in ARMING:
        if key in rule and (strength := flag(rule[key])) is not None:
            return strength
    for key in DISARMING:
        if key in rule and (strength := flag(rule[key])) is not None:
            return 1 - strength
    return None


def _disarmed(before: Any, after: Any, path: str, depth: int) -> Iterator[str]:
    """Paths of blocking rules, at any depth, that are on before and off after."""
    if depth > MAX_DEPTH:
        return
    if isinstance(before, dict) and isinstance(after, dict):
        if _blocks(before) and _blocks(after) and _armed(before) == 1 and _armed(after) == 0:
            yield path or "the rule"
        for key in before.keys() & after.keys():
            yield from _disarmed(before[key], after[key], f"{path}.{key}" if path else str(key), depth + 1)
    elif isinstance(before, list) and isinstance(after, list):
        for label, old, new in _paired(before, after):
            yield from _disarmed(old, new, f"{path}[{label}]", depth + 1)


def _paired(before: list[Any], after: list[Any]) -> Iterator[tuple[str, Any, Any]]:
    """Items of two lists paired by their `name` when every item has one, else by position when as many."""
    if before and all(isinstance(i, dict) and isinstance(i.get("name"), str) for i in before + after):
        named = {i["name"]: i for i in after}
        yield from ((repr(i["name"]), i, named[i["name"]]) for i in before if i["name"] in named)
    elif len(before) == len(after):
        yield from ((str(n), old, new) for n, (old, new) in enumerate(zip(before, after, strict=True)))


@on_change(actions=(Action.UPDATE,), words=(b"action",))
def _blocking_rule_off(change: Change) -> Iterator[Finding]:
    before, after = sides(change)
    severity = Severity.MEDIUM if non_production(change) else Severity.HIGH
    for where in _disarmed(before, after, "", 0):
        yield finding(DETECTION, change.address, f"{change.address}: {where} blocks what it matches and is switched "
                      "off (what it stopped now passes)", severity)
