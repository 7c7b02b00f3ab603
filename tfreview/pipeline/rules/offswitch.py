"""Risk rules helper (controls engine): a switch turned off on something that only lets things through.

Read as a detector by its type (a firewall, a monitoring provider, a log index), an object may still be an allow
rule (`action = "ALLOW"`), a public share (`grafana_dashboard_public`, `share = "public"`), an exclusion that
drops records before they are kept or a muting rule that silences alerts. Turning such an object off lets less
through, keeps more records or lets alerts through again: it is tightening, never a detector going blind. A deny
or block rule, a monitor or an inclusion filter turned off is none of these and stays reported.
"""

from __future__ import annotations

import re
from typing import Any

from tfreview.pipeline.changes import Change
from tfreview.pipeline.rules.common import sides

_SPLIT = re.compile(r"[^a-z0-9]+")
_STEP = re.compile(r"([^.\[\]]+)|\[(\d+)\]")
ACTION_KEYS = ("action", "access", "effect", "decision", "rule_action", "permission_type")
ALLOWS = {"allow", "accept", "permit", "pass", "grant"}
# Words of a type or block key that name a share to the public or an exclusion of records.
SHARE_WORDS = {"public", "share", "shared", "sharing"}
EXCLUSION_WORDS = {"exclusion", "exclusions", "exclude", "excluded", "exemption", "exemptions", "suppression",
                   "suppressions", "muting", "mute", "silence", "silences", "downtime", "downtimes", "snooze"}


def _words(text: str) -> set[str]:
    return {w for w in _SPLIT.split(text.lower()) if w}


def _blocks(values: dict[str, Any], path: str) -> list[tuple[str, dict[str, Any]]]:
    """(key, block) for every block PATH passes through, outermost first; the resource itself has key ''."""
    found: list[tuple[str, dict[str, Any]]] = [("", values)]
    node: Any = values
    key = ""
    steps = list(_STEP.finditer(path))
    for step in steps[:-1]:
        name, index = step.group(1), step.group(2)
        if name is not None:
            key = name
            node = node.get(name) if isinstance(node, dict) else None
        else:
            node = node[int(index)] if isinstance(node, list) and int(index) < len(node) else None
        if isinstance(node, dict):
            found.append((key, node))
    return found


def _allows(block: dict[str, Any]) -> bool:
    return any(isinstance(block.get(k), str) and str(block[k]).strip().lower() in ALLOWS for k in ACTION_KEYS)


def opens_nothing(change: Change, path: str) -> bool:
    """Whether the switch at PATH, turned off, belongs to an allow rule, a public share or an exclusion."""
    if _words(change.type) & (SHARE_WORDS | EXCLUSION_WORDS):
        return True
    before, _after = sides(change)
    return any(_words(key) & (SHARE_WORDS | EXCLUSION_WORDS) or _allows(block) for key, block in _blocks(before, path))
