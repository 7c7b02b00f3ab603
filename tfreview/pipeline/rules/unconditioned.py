"""Risk rules, network filtering: an allow rule of any provider with no condition at all (every source,
destination, service, user, group and location list empty, or holding only `any`) matches all traffic and lets it
through.

Reported under firewall-passes-all (declared in traffic.py) when a change makes an active rule so; a rule that
denies or blocks, one switched off, or one that names anything to match (a list item, an expression, a port) is
left alone.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Change
from tfreview.pipeline.findings import Finding, finding, on_change
from tfreview.pipeline.rules.common import sides
from tfreview.pipeline.rules.passage import PASS_ALL

_SPLIT = lazy_compile(r"[^a-z0-9]+")
ACTION_KEYS = ("action", "rule_action", "access", "decision", "verdict")
ALLOWS = {"allow", "accept", "permit", "pass"}
OFF = {"disabled", "disable", "inactive", "off", "false", "paused"}
# Words of a rule's own settings (its name, place, switch, logging), which match nothing.
META_WORDS = {"name", "description", "order", "rank", "state", "status", "action", "id", "enabled", "enable",
              "disabled", "logging", "log", "logs", "full", "priority", "position", "comment", "comments", "type",
              "default", "predefined", "access", "sequence", "precedence", "index", "notes", "title", "labels",
              "label", "tags", "tag", "all", "timeouts", "version", "decision", "verdict", "uid", "etag"}
NUMBER_CONDITIONS = {"port", "ports", "protocol", "protocols"}
MIN_CONDITIONS = 3  # enough empty match lists to tell the rule's shape: one empty list alone says little


def _meta(key: str) -> bool:
    return {w for w in _SPLIT.split(key.lower()) if w} <= META_WORDS


# List items that match anything (`source_addresses = ["any"]`): such a list narrows nothing.
ANY = {"any", "*", "all", "0.0.0.0/0", "::/0"}


def _unconstrained(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, str) and v.strip().lower() in ANY
                                                           for v in value)


def _allows_everything(values: dict[str, Any]) -> bool:
    """Whether VALUES are an active allow rule whose every match list is empty and that names nothing to match."""
    verb = next((values[k] for k in ACTION_KEYS if isinstance(values.get(k), str)), None)
    if verb is None or verb.strip().lower() not in ALLOWS:
        return False
    if values.get("enabled") is False or values.get("disabled") is True \
            or str(values.get("state", values.get("status", ""))).strip().lower() in OFF:
        return False
    empty_lists = 0
    for key, value in values.items():
        if _meta(key) or value is None:
            continue
        if isinstance(value, bool):
            continue
        if isinstance(value, (int, float)):
            if {w for w in _SPLIT.split(key.lower())} & NUMBER_CONDITIONS:
                return False
            continue
        if value in ([], {}, "") or _unconstrained(value):
            empty_lists += isinstance(value, list)
            continue
        return False  # something to match: a source, a service, an expression
    return empty_lists >= MIN_CONDITIONS


@on_change(words=(b"allow", b"accept", b"permit", b"pass"), type_pattern=lazy_compile(r"rule|filter|firewall|acl"))
def _unconditioned_allow(change: Change) -> Iterator[Finding]:
    before, after = sides(change)
    if after and _allows_everything(after) and not (before and _allows_everything(before)):
        yield finding(PASS_ALL, change.address,
                      f"{change.address}: an active allow rule with no condition (every source, destination, "
                      "service and user list empty) matches all traffic and lets it through")
