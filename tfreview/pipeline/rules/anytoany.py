"""Risk rules, reach (feeds `policy-allows-anyone`): an access-list document of any mesh, VPN or network provider
(Tailscale ACLs, ZeroTier flow rules, an invented provider's JSON policy) that gains an allow rule from everyone on
the network to every host and port (`"src": ["autogroup:member"], "dst": ["*:*"]`). The rule objects are read
wherever they are held: JSON text in any attribute, or nested blocks. A rule from everyone to named hosts or ports,
or from a named group to everything, is not reported here.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import Finding, finding, on_change
from tfreview.pipeline.rules.values import document
from tfreview.pipeline.rules.workloads import WIDE

ALLOWING = frozenset({"accept", "allow", "permit", "pass"})
SOURCE_KEYS = ("src", "source", "sources", "from", "srcs")
DESTINATION_KEYS = ("dst", "dest", "destination", "destinations", "to", "dsts")
# Who everyone on the network is, in the spellings of mesh and network ACLs.
EVERYONE = frozenset({"*", "autogroup:member", "autogroup:members", "group:everyone", "everyone", "all", "any",
                      "0.0.0.0/0", "::/0"})
EVERYTHING = frozenset({"*", "*:*", "any", "all", "*:any", "0.0.0.0/0:*"})
MAX_DEPTH = 8
MAX_TEXT = 200_000


def _items(value: Any) -> set[str]:
    values = value if isinstance(value, list) else [value]
    return {v.strip().lower() for v in values if isinstance(v, str)}


def _first(rule: dict[str, Any], keys: tuple[str, ...]) -> set[str] | None:
    return next((_items(rule[key]) for key in keys if key in rule), None)


def _open_rules(node: Any, depth: int = 0) -> Iterator[str]:
    """Each allow rule of NODE (JSON text read as a document) from everyone to every host and port, as text."""
    if depth > MAX_DEPTH:
        return
    if isinstance(node, str):
        if "{" in node and len(node) <= MAX_TEXT and (parsed := document(node)) is not None:
            yield from _open_rules(parsed, depth + 1)
        return
    items = node.values() if isinstance(node, dict) else node if isinstance(node, list) else ()
    if isinstance(node, dict) and str(node.get("action", "")).strip().lower() in ALLOWING:
        sources, destinations = _first(node, SOURCE_KEYS), _first(node, DESTINATION_KEYS)
        if sources and destinations and sources & EVERYONE and destinations & EVERYTHING:
            yield f"{sorted(sources & EVERYONE)[0]} → {sorted(destinations & EVERYTHING)[0]}"
    for item in items:
        yield from _open_rules(item, depth + 1)


@on_change(actions=(Action.CREATE, Action.UPDATE, Action.REPLACE), words=(b"*", b"autogroup:member", b"everyone"))
def _everyone_to_everything(change: Change) -> Iterator[Finding]:
    before = set(_open_rules(change.before)) if change.action is not Action.CREATE else set()
    new = sorted(set(_open_rules(change.after)) - before)
    if new:
        yield finding(WIDE, change.address, f"{change.address}: an allow rule now lets everyone on the network reach "
                      f"every host and port ({new[0]})")
