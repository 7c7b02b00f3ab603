"""Risk rules, lifecycle helper (delete grading): a claim on a volume deleted while the volume itself is kept with
a reclaim policy of Retain (as the plan leaves it) — the data stays on the volume, released until a claim binds it
again (the plan may create one that binds it by name), nothing is lost. A plan that creates a claim binding another
volume instead moves the workload off its data, and stays high. ladders.py grades deletes with it."""

from __future__ import annotations

from typing import Any

import orjson

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import ReviewInput
from tfreview.pipeline.rules.planview import PlanView, plan_view
from tfreview.pipeline.rules.values import leaves, plain

# The setting by which a claim names the volume it binds.
BINDS = lazy_compile(r"(?:^|_)volume_(?:name|id)$|^volume$")
# A volume's reclaim policy, and the value that keeps the volume and its data when its claim goes.
RECLAIM = lazy_compile(r"reclaim_policy$")
RETAIN = "retain"
BRACKET_IN_TEXT = lazy_compile(rb"\]\w")


def _bound(values: Any) -> set[str]:
    """The volumes a claim names."""
    try:  # a setting named for a volume spells `volume` in the values' JSON: most objects skip the walk
        text = orjson.dumps(values)
    except orjson.JSONEncodeError:
        text = b"volume"
    # (plain() drops a key's own brackets, `vol[0]ume`: a bracket inside a string is followed by a word character,
    # which JSON's own list brackets never are)
    if b"volume" not in text and not BRACKET_IN_TEXT.search(text):
        return set()
    return {value for path, value in leaves(values)
            if isinstance(value, str) and value and BINDS.search(plain(path).rpartition(".")[2])}


def _own_name(values: Any) -> str | None:
    """An object's own name (top level, or in its Kubernetes metadata)."""
    values = values if isinstance(values, dict) else {}
    metadata = values.get("metadata")
    block = metadata[0] if isinstance(metadata, list) and metadata and isinstance(metadata[0], dict) else values
    name = block.get("name") if isinstance(block, dict) else None
    return name if isinstance(name, str) and name else None


class _Volumes:
    """Per plan: the volumes kept with a Retain reclaim policy by name, and the volumes claims being created bind."""

    def __init__(self, view: PlanView) -> None:
        self.retained: dict[str, Change] = {}
        self.bound: dict[str, Change] = {}
        for change in view.changes:
            if change.action in (Action.DELETE, Action.REPLACE):
                continue
            name = _own_name(change.after)
            policies = [str(v).lower() for path, v in leaves(change.after) if RECLAIM.search(plain(path))]
            if name and policies and all(policy == RETAIN for policy in policies):
                self.retained[name] = change
            if change.action is Action.CREATE:
                for volume in _bound(change.after):
                    self.bound.setdefault(volume, change)


def rebound(change: Change, ri: ReviewInput) -> str | None:
    """Why deleting a claim loses nothing, or None: every volume it bound is kept with reclaim policy Retain, and
    the plan creates no claim, or one that binds it again."""
    volumes = _bound(change.before) if change.action is Action.DELETE else set()
    if not volumes:
        return None
    index = plan_view(ri).derived("retained volumes", _Volumes)
    if not all(v in index.retained for v in volumes):
        return None
    volume = sorted(volumes)[0]
    kept = f"its volume {volume} is kept with reclaim policy Retain ({index.retained[volume].address})"
    if all(v in index.bound and index.bound[v] is not change for v in volumes):
        return f"{kept} and {index.bound[volume].address} binds it again"
    if index.bound:  # the plan's new claim binds another volume: the workload moves off its data
        return None
    return f"{kept}: released with its data, until a claim binds it again"
