"""Risk rules, lifecycle helper: an object retired after a cut-over — a newer version of it (`report-gen-v2` for
`report-gen-v1`, same type) stays in the plan, and the log store that held only its own output, kept a month or
less anyway, goes with it. Lifecycle.py grades deletes with it."""

from __future__ import annotations

import re
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import ReviewInput
from tfreview.pipeline.rules.common import string_leaves
from tfreview.pipeline.rules.planview import PlanView, plan_view
from tfreview.pipeline.rules.sinks import sink_succeeded
from tfreview.pipeline.rules.tightened import weaker_successor
from tfreview.pipeline.rules.units import duration, unit_of, words
from tfreview.pipeline.rules.watch import KEPT_AS_EVIDENCE

NAME_KEYS = ("name", "function_name", "display_name", "title")
_VERSIONED = lazy_compile(r"^(?P<stem>.*?[a-z0-9])[-_.]v(?P<version>\d+)$", re.IGNORECASE)
LOG_STORES = lazy_compile(r"(?:^|_)(?:log_group|log_stream|logs?)(?:_|$)")
_RETENTION = lazy_compile(r"retention", re.IGNORECASE)
MAX_KEPT_S = 31 * 86400  # operational logs kept a month or less: not an archive anyone relies on
_OFF = frozenset({"disabled", "inactive", "stopped", "off"})


def _name(values: Any) -> str:
    values = values if isinstance(values, dict) else {}
    return next((str(values[k]) for k in NAME_KEYS if isinstance(values.get(k), str) and values[k]), "")


def _version(name: str) -> tuple[str, int] | None:
    found = _VERSIONED.match(name.strip().lower())
    return None if found is None else (found["stem"], int(found["version"]))


def _serving(change: Change) -> bool:
    values = change.after if isinstance(change.after, dict) else {}
    states = {str(values.get(k)).lower() for k in ("state", "status")}
    return values.get("enabled") is not False and not states & _OFF


def _kept_versions(view: PlanView) -> dict[tuple[str, str], tuple[int, Change]]:
    """The newest version kept (created, updated or untouched, and not switched off) per (type, stem)."""
    kept: dict[tuple[str, str], tuple[int, Change]] = {}
    for change in view.changes:
        if change.mode != "managed" or change.action is Action.DELETE or not _serving(change):
            continue
        found = _version(_name(change.after))
        if found is not None and found[1] > kept.get((change.type, found[0]), (0, change))[0]:
            kept[(change.type, found[0])] = (found[1], change)
    return kept


def superseded(change: Change, ri: ReviewInput) -> str | None:
    """Why deleting a versioned object is a cut-over, or None: a newer version of it, same type, stays serving and
    is no weaker than it."""
    found = _version(_name(change.before)) if change.action is Action.DELETE else None
    if found is None:
        return None
    newest = plan_view(ri).derived("kept versions", _kept_versions).get((change.type, found[0]))
    if newest is None or newest[0] <= found[1] or weaker_successor(change, newest[1]):
        return None
    return f"version {found[1]} retired after the cut-over: version {newest[0]} of {found[0]} stays"


def _retained_s(values: dict[str, Any]) -> float | None:
    """How long the store keeps what it holds, in seconds (None when unbounded or not said)."""
    spans = [duration(v, unit_of(k, values)) for k, v in values.items() if _RETENTION.search(str(k))]
    known = [s for s in spans if s is not None and s > 0]
    return min(known) if known else None


def _named(values: Any) -> set[str]:
    """Every name a value's strings give a store: the string itself and each tail after a colon (an ARN's
    `log-group:NAME`, with a trailing `:*` dropped)."""
    names: set[str] = set()
    for text in string_leaves(values):
        if len(text) > 512:  # documents and scripts name no store by themselves
            continue
        text = text.removesuffix(":*")
        parts = text.split(":")
        names.update(":".join(parts[i:]) for i in range(len(parts)))
    return names


def _store_refs(view: PlanView) -> tuple[set[str], dict[str, list[Change]]]:
    """The store names what the plan keeps names, and the deleted objects naming each store name."""
    kept: set[str] = set()
    deleted: dict[str, list[Change]] = {}
    for change in view.changes:
        if change.mode != "managed":
            continue
        if change.action is Action.DELETE:
            for name in _named(change.before):
                deleted.setdefault(name, []).append(change)
        else:
            kept |= _named(change.after)
    return kept, deleted


def _writers_succeeded(store: Change, name: str, ri: ReviewInput) -> list[Change]:
    """The deleted log or audit streams that wrote into STORE, each succeeded by a stream the plan creates, when
    nothing the plan keeps names the store any more; else []."""
    kept, deleted = plan_view(ri).derived("log store references", _store_refs)
    writers = [c for c in deleted.get(name, []) if c is not store]
    if name in kept or not writers:
        return []
    return writers if all(sink_succeeded(c, ri) for c in writers) else []


def own_logs_retired(change: Change, ri: ReviewInput) -> str | None:
    """Why deleting a log store loses no evidence anyone relies on, or None: it only held the output of an object
    the plan deletes (its name ends with that object's name, or only streams the plan hands to successors wrote
    into it), it kept a month or less anyway, and nothing in its name says audit, security or compliance."""
    before = change.before if isinstance(change.before, dict) else {}
    name = _name(before)
    if change.action is not Action.DELETE or not LOG_STORES.search(change.type) or not name:
        return None
    kept_s = _retained_s(before)
    if kept_s is None or kept_s > MAX_KEPT_S or words(name) & KEPT_AS_EVIDENCE:
        return None
    last = re.split(r"[/:]", name.rstrip("/"))[-1].lower()
    owners = [c for c in plan_view(ri).of(Action.DELETE) if c is not change and not LOG_STORES.search(c.type)
              and _name(c.before).lower() == last] or _writers_succeeded(change, name, ri)
    if not owners:
        return None
    return (f"the logs of {owners[0].address}, deleted in the same plan; they were kept "
            f"{round(kept_s / 86400)} days anyway")
