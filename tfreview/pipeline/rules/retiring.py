"""Risk rules, lifecycle helper (delete grading): an older generation retired while the plan keeps a newer one of its
type that is no weaker, and what shares its identity and goes with it (the function's own role), when nothing kept
refers to them; ladders.py grades deletes with it.

A generation is a word of an object's name (its identity, or the name of its address) that counts releases: a
version (`thumbnailer-v1`, `gen3`, `r5`), a season or wave (`s11`, `season11`, `wave2`) or a year (`archive-2025`).
The newer one is the same name with a later count (`ranked-s11-eu` → `ranked-s12-eu`, `community_s11[0]` →
`community_s12[0]`). Plain numbers are no generation: `node-00` beside `node-01` are two members of one fleet.
"""

from __future__ import annotations

import json
import re

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import ReviewInput
from tfreview.pipeline.rules.planview import PlanView, plan_view
from tfreview.pipeline.rules.successors import identity_of
from tfreview.pipeline.rules.tightened import weaker_successor
from tfreview.pipeline.rules.wayback import kept_copy

_VERSIONED_NAME = lazy_compile(r"^(?P<base>.*?[a-z])[-_.]?v(?P<number>\d+)$", re.IGNORECASE)
# One word of a name that counts generations: a marker and its number, or a year.
GENERATION = lazy_compile(r"^(?:(?P<marker>v|s|season|gen|generation|r|rel|release|rev|revision|wave|phase|edition"
                          r"|cohort)(?P<count>\d{1,4})|(?P<year>20\d\d))$")
_WORD_SEPARATORS = lazy_compile(r"([^a-z0-9]+)")
IDS = ("id", "arn")
# Types that keep records (logs, trails, audit): a retired generation's own logs are judged by what they keep.
RECORDS = lazy_compile(r"(?:^|_)(?:log|logs|logging|trail|audit)(?:_|$)")
Generation = tuple[str, int, str]  # the name with its generation word blanked, the count, the word


def _generations(name: str) -> list[Generation]:
    """(the name with one generation word blanked, its count, the word) for each generation word in NAME."""
    parts = _WORD_SEPARATORS.split(name.lower())
    found = []
    for i, part in enumerate(parts):
        if (match := GENERATION.match(part)) is not None:
            blank = "#" if match["year"] else f"{match['marker']}#"
            found.append(("".join([*parts[:i], blank, *parts[i + 1:]]), int(match["count"] or match["year"]), part))
    if (versioned := _VERSIONED_NAME.match(name)) is not None:
        found.append((f"{versioned['base'].lower()} v#", int(versioned["number"]), f"v{versioned['number']}"))
    return found


def _counts(change: Change) -> set[str]:
    """The generation words of a deleted object's names (`s11`, `v2`, `2025`)."""
    return {word for _base, _count, word in _version_of(change, False)}


def _version_of(change: Change, after: bool) -> list[Generation]:
    """The generations of an object's identity and of its address's name (`module.x.fleet.s11_eu` → s#_eu, 11)."""
    values = change.after if after else change.before
    identity = identity_of(values, change.type) if isinstance(values, dict) else None
    named = _generations(identity[1]) if identity else []
    own = f"{change.module or ''}:{change.address.rsplit(f'{change.type}.', 1)[-1]}"
    return [*named, *((f"@{base}", n, word) for base, n, word in _generations(own))]


class _Kept:
    """The plan's kept objects (not deleted): their generations by type and name, and their values as text."""

    def __init__(self, view: PlanView) -> None:
        self.versions: dict[tuple[str, str], list[tuple[int, Change]]] = {}
        texts = []
        for other in view.changes:
            if other.mode != "managed" or other.action in (Action.DELETE, Action.REPLACE, Action.FORGET):
                continue
            for base, number, _word in _version_of(other, True):
                self.versions.setdefault((other.type, base), []).append((number, other))
            texts.append(json.dumps([other.before, other.after]))
        self.text = "\n".join(texts)


def _unreferenced(change: Change, kept: _Kept) -> bool:
    """Whether no kept object holds the deleted object's identity, id or ARN."""
    before = change.before if isinstance(change.before, dict) else {}
    identity = identity_of(before, change.type)
    held = [v for k in IDS if isinstance(v := before.get(k), str) and len(v) >= 6]
    return all(json.dumps(v)[1:-1] not in kept.text for v in [*(identity[1:] if identity else ()), *held])


def retired_version(change: Change, ri: ReviewInput) -> str | None:
    """Why a deleted object is an older generation retired, or None: its name carries a generation, the plan keeps
    an object of its type with the same name at a later one, no weaker, and nothing kept refers to it; or it shares
    its identity with such a retired object deleted with it (the function's own role), and nothing kept refers to
    it."""
    if change.action is not Action.DELETE:
        return None
    view = plan_view(ri)
    kept = view.derived("kept versions and values", _Kept)
    versions = _version_of(change, False)
    if not versions or not _unreferenced(change, kept):
        return None
    if (newer := _newer(change, versions, kept)) is not None:
        return f"an older generation retired: a later one, {newer.address}, is kept and nothing refers to it"
    if RECORDS.search(change.type):
        return None  # logs and trails of a retired generation are judged as what they keep
    retired = view.derived("retired generations by word", _Retired)
    for word in sorted(_counts(change)):
        for other in retired.by_word.get(word, []):
            if other is not change and other.type != change.type:
                return f"it goes with {other.address}, an older generation retired, and nothing kept refers to it"
    return None


class _Retired:
    """The plan's deletes that are an older generation retired (a later one kept), by each generation word of
    their names: what a delete of another type with the same word (`s11`) goes with."""

    def __init__(self, view: PlanView) -> None:
        kept = view.derived("kept versions and values", _Kept)
        self.by_word: dict[str, list[Change]] = {}
        for change in view.of(Action.DELETE):
            versions = _version_of(change, False)
            if versions and _newer(change, versions, kept) is not None:
                for word in {word for _base, _count, word in versions}:
                    self.by_word.setdefault(word, []).append(change)


def _newer(change: Change, versions: list[Generation], kept: _Kept) -> Change | None:
    """The kept object of CHANGE's type at a later generation of its name that holds none of its controls more
    weakly, or None."""
    return next((other for base, old, _word in versions for number, other in kept.versions.get((change.type, base), [])
                 if number > old and not weaker_successor(change, other)), None)


def retired_with_copy(change: Change, ri: ReviewInput) -> str | None:
    """Why a deleted store is an older generation retired with its data kept, or None: it takes a final copy of
    itself on destroy and the plan keeps a later generation of it (retired_version) that nothing kept refers to."""
    if (why := kept_copy(change)) is None or (retired := retired_version(change, ri)) is None:
        return None
    return f"{retired}; {why}"
