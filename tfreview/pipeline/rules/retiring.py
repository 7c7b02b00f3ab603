"""Risk rules, lifecycle helper (delete grading): an older version (`<name>-v<N>`) retired while the plan keeps a
newer one of its type that is no weaker, and what shares its identity and goes with it (the function's own role),
when nothing kept refers to them; ladders.py grades deletes with it."""

from __future__ import annotations

import json
import re

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import ReviewInput
from tfreview.pipeline.rules.planview import PlanView, plan_view
from tfreview.pipeline.rules.successors import identity_of
from tfreview.pipeline.rules.tightened import weaker_successor

_VERSIONED_NAME = lazy_compile(r"^(?P<base>.*?[a-z])[-_.]?v(?P<number>\d+)$", re.IGNORECASE)
IDS = ("id", "arn")


def _version_of(change: Change, after: bool) -> tuple[str, int] | None:
    """(base, version) of an object's identity written `<base>-v<N>` (`thumbnailer-v1`), or None."""
    values = change.after if after else change.before
    identity = identity_of(values, change.type) if isinstance(values, dict) else None
    found = _VERSIONED_NAME.match(identity[1]) if identity else None
    return None if found is None else (found["base"].lower(), int(found["number"]))


class _Kept:
    """The plan's kept objects (not deleted): their versions by type and base, and their values as text."""

    def __init__(self, view: PlanView) -> None:
        self.versions: dict[tuple[str, str], list[tuple[int, Change]]] = {}
        texts = []
        for other in view.changes:
            if other.mode != "managed" or other.action in (Action.DELETE, Action.REPLACE, Action.FORGET):
                continue
            if (version := _version_of(other, True)) is not None:
                self.versions.setdefault((other.type, version[0]), []).append((version[1], other))
            texts.append(json.dumps([other.before, other.after]))
        self.text = "\n".join(texts)


def _unreferenced(change: Change, kept: _Kept) -> bool:
    """Whether no kept object holds the deleted object's identity, id or ARN."""
    before = change.before if isinstance(change.before, dict) else {}
    identity = identity_of(before, change.type)
    held = [v for k in IDS if isinstance(v := before.get(k), str) and len(v) >= 6]
    return all(json.dumps(v)[1:-1] not in kept.text for v in [*(identity[1:] if identity else ()), *held])


def retired_version(change: Change, ri: ReviewInput) -> str | None:
    """Why a deleted object is an older version retired, or None: its identity is `<base>-v<N>`, the plan keeps an
    object of its type at a newer version of the same base, and nothing kept refers to it; or it shares its
    identity with such a retired object deleted with it (the function's own role), and nothing kept refers to it."""
    if change.action is not Action.DELETE:
        return None
    view = plan_view(ri)
    kept = view.derived("kept versions and values", _Kept)
    version = _version_of(change, False)
    if version is None or not _unreferenced(change, kept):
        return None
    if _newer(change, version, kept):
        return f"an older version retired: a newer {version[0]} version is kept in the plan and nothing refers to it"
    for other in view.of(Action.DELETE):
        if other is not change and other.type != change.type and _version_of(other, False) == version \
                and _newer(other, version, kept):
            return f"it goes with {other.address}, an older version retired, and nothing kept refers to it"
    return None


def _newer(change: Change, version: tuple[str, int], kept: _Kept) -> bool:
    """Whether the plan keeps a newer version of CHANGE's object that holds none of its controls more weakly."""
    return any(number > version[1] and not weaker_successor(change, other)
               for number, other in kept.versions.get((change.type, version[0]), []))
