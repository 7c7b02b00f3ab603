"""Risk rules, lifecycle helper (delete grading): a for_each instance of a disposable kind rotated to a new key — the
same block creates a new key with the same settings (names differ only by the key) while the old key goes, and the
old one's labels, name or expiry say it was made to be thrown away (a CI run's cluster, a PR preview, a month's load
test); ladders.py grades deletes with it."""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Change
from tfreview.pipeline.findings import ReviewInput
from tfreview.pipeline.rules.disposable import NAMED_DISPOSABLE
from tfreview.pipeline.rules.environments import PRODUCTION_TOKENS, label_pairs, label_tokens, labelled_disposable
from tfreview.pipeline.rules.planview import PlanView, plan_view

_KEY = lazy_compile(r'\["([^"]*)"\]$')
_TOKEN = lazy_compile(r"[a-z0-9]+")
# Label keys that give the object an expiry: one made to expire is made to be thrown away.
EXPIRY_KEYS = frozenset({"ttl", "expires", "expiry", "expiration", "expires_at", "expires_on", "expire_after",
                         "delete_after", "delete_by"})
# Settings that guard the object against its delete: a guarded one is not treated as disposable.
GUARDS = lazy_compile(r"^(?:deletion_protection\w*|termination_protection\w*|delete_protection|prevent_destroy)$")
# Settings that do not describe the object (its identity, its state as the provider reports it).
MAX_SIBLINGS = 64  # new keys of one block compared with each old one: a bound, so a huge for_each stays linear
IDENTITY = frozenset({"id", "arn", "self_link", "state", "state_name", "status", "created_at", "updated_at"})


def key_rotated(change: Change, ri: ReviewInput) -> str | None:
    """Why a deleted for_each instance is a rotation of a disposable one, or None: its key is gone, the same block
    creates a new key whose every known setting equals the old one's with the key swapped, and the old one says it
    is disposable (labels, an expiry, its name) with no production word and no delete guard."""
    match = _KEY.search(change.address)
    before = change.before if isinstance(change.before, dict) else {}
    if change.action_reason != "delete_because_each_key" or match is None or not before:
        return None
    why = _disposable(before)
    if why is None:
        return None
    blocks = plan_view(ri).derived("keyed creates by block", _creates_by_block)
    for other, new in blocks.get(change.address[:match.start()], [])[:MAX_SIBLINGS]:
        if new != match[1] and _same_settings(before, other.after, match[1], new):
            return (f"{why}, rotated to a new key: the same block creates {other.address} with the same settings")
    return None


def _creates_by_block(view: PlanView) -> dict[str, list[tuple[Change, str]]]:
    """The plan's keyed creates by their block's address, with their key (once per plan)."""
    found: dict[str, list[tuple[Change, str]]] = defaultdict(list)
    for changes in view.creates_by_type.values():
        for change in changes:
            if (match := _KEY.search(change.address)) is not None:
                found[change.address[:match.start()]].append((change, match[1]))
    return found


def _disposable(before: dict[str, Any]) -> str | None:
    """What says the object is disposable (its labels, an expiry label, its own name), or None; a production word in
    its labels or name, or a delete guard, says it is not."""
    name = set(_TOKEN.findall(str(before.get("name") or "").lower()))
    if (label_tokens(before) | name) & PRODUCTION_TOKENS or any(
            v is True for k, v in before.items() if GUARDS.match(k)):
        return None
    if labelled_disposable(before):
        return "labelled disposable"
    expiry = next((f"{k}={v}" for k, v in label_pairs(before) if k.strip().lower() in EXPIRY_KEYS and v.strip()),
                  None)
    if expiry is not None:
        return f"labelled to expire ({expiry})"
    return "named disposable" if name & NAMED_DISPOSABLE else None


def _same_settings(before: dict[str, Any], after: Any, old: str, new: str) -> bool:
    """Whether every known setting of the new object equals the old one's with the old key swapped for the new."""
    if not isinstance(after, dict):
        return False
    known = {k: v for k, v in after.items() if v is not None and k not in IDENTITY}
    if len(known) < 2:
        return False
    return all(k in before and _swapped(before[k], old, new) == json.dumps(v, sort_keys=True)
               for k, v in known.items())


def _swapped(value: Any, old: str, new: str) -> str:
    """VALUE as JSON text with the old key replaced by the new one."""
    return json.dumps(value, sort_keys=True).replace(old, new)
