"""Risk rules, lifecycle helper (delete grading): a store deleted with its destroy guard on (`force_destroy` or
`delete_contents_on_destroy` false), which the provider refuses to delete while it holds anything, so no data can go
with it (not a DNS zone or domain: deleting an empty one still ends the delegation) — judged with the rest of the
plan: nothing kept (created, updated or untouched) may still name it (a DNS record, an origin or a policy naming a
deleted bucket lets anyone who re-creates the name receive its traffic), and a created store of its type that takes
its name's place must hold every setting it had, its settings objects (versioning, encryption, public access block)
included, no weaker. ladders.py grades deletes with it."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import ReviewInput
from tfreview.pipeline.rules.common import as_dict
from tfreview.pipeline.rules.disposable import CONTENT_COUNTS
from tfreview.pipeline.rules.planview import PlanView, plan_view
from tfreview.pipeline.rules.stores import STORE_KEYS, empty_only
from tfreview.pipeline.rules.tightened import weaker_successor
from tfreview.pipeline.rules.values import leaves

NAME_KEYS = ("bucket", "name", "bucket_name", "dataset_id")
MIN_NAME = 4  # a shorter name would be found inside unrelated strings
MAX_LABELS = 8  # dotted names longer than this are not looked for inside host names
# Separators around a name inside a string (a host name, an ARN, a URL); a dot joins labels of a dotted name.
_PARTS = lazy_compile(r"[/:=,@\s\"'*]+")
_TOKENS = lazy_compile(r"[a-z0-9]+")
# Types that are a name others resolve (a DNS zone, a domain): even empty, deleting one breaks what it delegates.
NAMING = lazy_compile(r"(?:^|_)(?:dns|zone|domain|domains|record|records)(?:_|$)")
# Settings whose text describes rather than points (a tag saying where a bucket came from names nothing).
_DESCRIPTIVE = lazy_compile(r"(?:^|\.)(?:tags|tags_all|labels|description|comment|notes?)(?:\.|$)")


def _name(values: Any) -> str | None:
    """The store's own name, or None."""
    values = as_dict(values)
    return next((v for k in NAME_KEYS if isinstance(v := values.get(k), str) and len(v) >= MIN_NAME), None)


def _windows(text: str) -> set[str]:
    """The parts of a string a name can be: between separators, and each run of dotted labels (a bucket
    `docs.acme.com` inside `docs.acme.com.s3-website-us-east-1.amazonaws.com`)."""
    found: set[str] = {text}
    for part in _PARTS.split(text):
        labels = part.split(".")
        for start in range(len(labels)):
            for end in range(start + 1, min(len(labels), start + MAX_LABELS) + 1):
                found.add(".".join(labels[start:end]))
    return found


def names_held_by_kept(view: PlanView) -> dict[str, list[Change]]:
    """Every kept managed object (not deleted, not replaced) by the names its pointing settings hold (once per
    plan)."""
    return view.derived("names held by kept objects", _named_by_kept)


def _named_by_kept(view: PlanView) -> dict[str, list[Change]]:
    index: dict[str, list[Change]] = defaultdict(list)
    for change in view.changes:
        if change.mode != "managed" or change.action in (Action.DELETE, Action.REPLACE):
            continue
        for path, value in leaves(change.after):
            if isinstance(value, str) and not _DESCRIPTIVE.search(path):
                for window in _windows(value):
                    if len(window) >= MIN_NAME:
                        index[window].append(change)
    return index


def _successor(change: Change, view: PlanView, old: str) -> Change | None:
    """The created store of the same type whose name shares the most words with the old name, or None."""
    words = set(_TOKENS.findall(old.lower()))
    best, shared = None, 0
    for other in view.creates_by_type.get(change.type, []):
        count = len(words & set(_TOKENS.findall((_name(other.after) or "").lower())))
        if count > shared:
            best, shared = other, count
    return best


def _settings_of(view: PlanView, name: str, action: Action) -> list[Change]:
    """The objects of this action that configure the store called NAME (their `bucket` or like setting names it)."""
    def names(values: Any) -> bool:
        return any(STORE_KEYS.search(key) and value == name for key, value in as_dict(values).items())
    return [c for c in view.of(action) if names(c.before if action is Action.DELETE else c.after)]


def _weaker(change: Change, view: PlanView, old: str, new: Change) -> bool:
    """Whether the successor holds any setting of the old store more weakly, or lacks a settings object it had."""
    if weaker_successor(change, new):
        return True
    new_name = _name(new.after) or ""
    made = {c.type: c for c in _settings_of(view, new_name, Action.CREATE)}
    return any(s.type not in made or weaker_successor(s, made[s.type])
               for s in _settings_of(view, old, Action.DELETE) if s is not change)


def _holds_something(values: Any) -> bool:
    """Whether the store's own counts say it holds something (its delete fails: a person should look)."""
    return any(CONTENT_COUNTS.match(key) and value != 0 for key, value in as_dict(values).items())


def guarded_delete(change: Change, ri: ReviewInput) -> str | None:
    """Why a store deleted with its destroy guard on loses nothing, or None: nothing kept names it, and a created
    store of its type that takes its place holds every setting it had, no weaker."""
    if change.action is not Action.DELETE or not empty_only(change.before) or NAMING.search(change.type):
        return None
    old = _name(change.before)
    if old is None or _holds_something(change.before):
        return None
    view = plan_view(ri)
    if names_held_by_kept(view).get(old):
        return None
    why = "with its destroy guard on the provider refuses to delete it while it holds anything, and nothing kept " \
          "names it"
    new = _successor(change, view, old)
    if new is None:
        return why
    if _weaker(change, view, old, new):
        return None
    return f"{why}; {new.address} takes its place with every setting it had, no weaker"
