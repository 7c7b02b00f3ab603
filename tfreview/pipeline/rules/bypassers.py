"""Risk rules, review gates (reported under protection-disabled): a bypass allowance of any provider — GitHub's
`pull_request_bypassers`, a ruleset's `bypass_actors`, a bypass allowance's users or teams, an invented gate's
`merge_bypassers` — gains members on an object that requires a review: the new holders merge or push without it.
An allowance emptied or shortened tightens the gate, as does a holder kept with a narrower mode (always → through a
pull request only), and one on an object that requires no review and no check (a tag ruleset that only blocks
creating, moving or deleting tags: a release bot's bypass) bypasses nothing that matters; one that requires signed
commits or status checks is bypassed by the new holder. Updates only: a new gate's allowances are a choice the plan
shows whole."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import Finding, finding, on_change
from tfreview.pipeline.rules.common import sides
from tfreview.pipeline.rules.protection import PROTECTION

BYPASS = lazy_compile(r"bypass")
# Settings that require a review or an approval; a non-empty, non-false, non-zero one guards the object.
REVIEW = lazy_compile(r"review|approv|pull_request")


def _allowances(value: Any, path: str = "") -> Iterator[tuple[str, list[Any]]]:
    """(path, list) of every list held under a key that names a bypass, anywhere inside VALUE."""
    if isinstance(value, dict):
        for key, item in value.items():
            where = f"{path}.{key}".lstrip(".")
            if BYPASS.search(str(key).lower()) and isinstance(item, list):
                yield where, item
            else:
                yield from _allowances(item, where)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _allowances(item, f"{path}[{index}]")


# How far a holder may bypass, by its mode: only through a pull request (the rest of the gate still applies), or
# always. A holder that stays and moves to a narrower mode gains nothing.
MODE_RANK = {"pull_request": 1, "pullrequest": 1, "always": 2, "exempt": 2}


def _members(items: list[Any]) -> set[str]:
    """The holders an allowance names: its strings, or each block whole."""
    return {item if isinstance(item, str) else json.dumps(item, sort_keys=True) for item in items
            if item not in (None, "", {}, [])}


def _holder(member: str) -> tuple[str, str]:
    """(who, mode) of a holder: its block without the keys that say how it bypasses, and that mode."""
    try:
        block = json.loads(member)
    except ValueError:
        return member, ""
    if not isinstance(block, dict):
        return member, ""
    mode = next((str(v).lower() for k, v in block.items() if "mode" in str(k).lower()), "")
    who = {k: v for k, v in block.items() if "mode" not in str(k).lower()}
    return json.dumps(who, sort_keys=True), mode


def _widened(gained: list[str], kept: set[str]) -> list[str]:
    """The gained holders who were not there before, or were there with a mode no wider than now."""
    before = dict(map(_holder, kept))
    wider = []
    for member in gained:
        who, mode = _holder(member)
        old = before.get(who)
        if old is None or MODE_RANK.get(mode, 3) > MODE_RANK.get(old, 3):
            wider.append(member)
    return wider


def _requires_review(value: Any, under_review: bool = False) -> bool:
    """Whether an object requires a review: a setting whose name says review or approval holds something."""
    if isinstance(value, dict):
        return any(_requires_review(item, under_review or bool(REVIEW.search(str(key).lower())))
                   for key, item in value.items() if not BYPASS.search(str(key).lower()))
    if isinstance(value, list):
        return any(_requires_review(item, under_review) for item in value)
    return under_review and value not in (None, False, 0, "", "0")


# Rules that check what a ref may point at: signed commits only, status checks, deployments first. Whoever bypasses
# them points a release at a commit nobody checked or signed. (Blocking a tag's creation or update is how a release
# bot comes to need a bypass at all: skipping those alone is its job.)
HISTORY_GUARDS = lazy_compile(r"^(?:required_signatures|required_status_checks|required_deployments"
                              r"|required_code_scanning)$")


def _guards_history(value: Any, depth: int = 0) -> bool:
    """Whether an object holds a rule that checks what its refs point at (signatures, status checks)."""
    if depth > 6:
        return False
    if isinstance(value, dict):
        return any((HISTORY_GUARDS.match(str(key)) and item not in (None, False, [], {}, "", 0))
                   or _guards_history(item, depth + 1) for key, item in value.items()
                   if not BYPASS.search(str(key).lower()))
    if isinstance(value, list):
        return any(_guards_history(item, depth + 1) for item in value)
    return False


@on_change(actions=(Action.UPDATE, Action.REPLACE), words=(b"bypass",))
def bypass_gained(change: Change) -> Iterator[Finding]:
    """A bypass allowance on an object that requires a review gains members."""
    before, after = sides(change)
    old = dict(_allowances(before))
    for path, items in _allowances(after):
        kept = _members(old.get(path, []))
        gained = _widened(sorted(_members(items) - kept), kept)
        if gained and (REVIEW.search(path.lower()) or _requires_review(after) or _guards_history(after)):
            yield finding(PROTECTION, change.address,
                          f"{change.address}: {path} gains {', '.join(gained[:3])}"
                          f"{' and more' if len(gained) > 3 else ''} (more holders may now bypass its review or the "
                          "rules it enforces)")
