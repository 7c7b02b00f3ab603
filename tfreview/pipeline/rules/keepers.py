"""Risk rules, context grading (retention stage): a retention cut is medium, not high, when the plan shows something
else that still keeps the data — another copy in the same resource kept at least as long as the cut one was (a copy
to a second vault, backups kept beyond a shortened log window), a dead-letter target beside a queue that still
buffers a day, an archive of the same provider that the plan keeps and whose query covers everything or names the
store, or a lock on the store whose minimum retention the cut still meets. Read by what attributes mean, on any
provider. Backups switched off, sharp cuts (to a day or a tenth; a queue's to a day excepted), cuts with nothing
else keeping the data, and keepers the plan deletes or weakens stay as their rules graded them."""

from __future__ import annotations

import re
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import Finding, ReviewInput, Severity, graded_medium, grader
from tfreview.pipeline.rules.common import show, sides
from tfreview.pipeline.rules.evidence import DAY, SHARP_RATIO
from tfreview.pipeline.rules.retention import BACKUP
from tfreview.pipeline.rules.units import duration, parent, unit_of, words
from tfreview.pipeline.rules.values import leaves, number, pairs, plain

# Words of a setting that say how long copies are kept; NOT_KEPT words say it is a bound, a move or a lifetime of
# something else (a lock's minimum is a floor, not a copy; a transition moves the same copy).
KEPT = frozenset({"retention", "retain", "retained", "keep", "delete", "expire", "expiration", "expiry", "ttl"})
NOT_KEPT = frozenset({"min", "max", "minimum", "maximum", "transition", "cold", "grace",
                      "lease", "token", "session", "cache", "cookie", "timeout", "interval", "delay", "schedule",
                      "changeable", "incomplete", "multipart", "noncurrent"})
# Words of a path that say it keeps copies of the data (not how long metrics or insights about it are kept).
COPIES = frozenset({"backup", "backups", "copy", "copies", "snapshot", "snapshots", "replica", "replicas",
                    "replication", "archive", "archives", "vault"})
# A setting that sends what fails delivery somewhere it is kept.
DEAD_LETTER = lazy_compile(r"dead_?letter|redrive|\bdlq\b|_dlq|dlq_", re.IGNORECASE)
# What a resource of the plan keeps as copies of another: its type says archive, backup, snapshot or export.
KEEPER_TYPES = lazy_compile(r"archive|backup|snapshot|export", re.IGNORECASE)
# A query or filter that takes everything.
MATCH_ALL = frozenset({"*", "*:*", "all", "true"})
QUERY_WORDS = frozenset({"query", "filter", "selection", "selector", "match", "include"})
# Words of a key that points at another resource (`backup_vault_name`, `bucket_id`, `vault_arn`).
POINTER = frozenset({"name", "id", "arn", "bucket", "vault"})
NAME_KEYS = ("name", "id", "bucket", "queue_name", "stream_name", "index", "log_group_name")


@grader
def kept_elsewhere(review_input: ReviewInput, findings: list[Finding]) -> list[Finding]:
    """Retention cuts whose data the plan still keeps elsewhere: medium, with what keeps it."""
    if not any(f.rule == BACKUP and f.severity is Severity.HIGH for f in findings):
        return findings
    changes = {c.address: c for c in review_input.changeset.changes if c.mode == "managed"}
    weakened = {f.address for f in findings if f.rule == BACKUP and f.severity is Severity.HIGH}
    graded: list[Finding] = []
    for found in findings:
        change = changes.get(found.address or "")
        if found.rule == BACKUP and found.severity is Severity.HIGH and change is not None \
                and change.action is Action.UPDATE and (cut := _cut(change, found.message)) is not None:
            path, old, new = cut
            keeper = _dead_letter(change, new) or (not _sharp(old, new) and (
                _copy_kept(change, path, old) or _archive(change, changes.values(), weakened)
                or _locked(change, new, changes.values(), weakened)))
            if keeper:
                found = graded_medium(found, keeper)
        graded.append(found)
    return graded


def _cut(change: Change, message: str) -> tuple[str, float, float] | None:
    """The attribute a finding's message names, with its old and new retention in days, when it is a cut to
    more than zero (not a switch turned off)."""
    before, after = sides(change)
    for path, was, now in pairs(change):
        if not message.startswith(f"{change.address}: {path} "):
            continue
        old, new = _days(path, was, before), _days(path, now, after)
        if old is not None and new is not None and 0 < new < old:
            return path, old, new
    return None


def _sharp(old: float, new: float) -> bool:
    """A cut to a day or less, or to a tenth or less: the copies kept elsewhere are coarser than what is lost."""
    return new <= 1 or new * SHARP_RATIO <= old


def _days(path: str, value: Any, values: dict[str, Any]) -> float | None:
    """A retention in days: a duration in any spelling, else a bare number read as days (or as that many copies,
    one a day, for a count of backups)."""
    if isinstance(value, bool):
        return None
    seconds = duration(value, unit_of(path, parent(values, path)))
    if seconds is not None:
        return seconds / DAY
    return number(value)


def _keeps(path: str) -> bool:
    """Whether the setting's own key says it bounds how long copies are kept (not its block's name alone)."""
    names = words(plain(path).rpartition(".")[2])
    return bool(names & KEPT) and not names & NOT_KEPT


def _copy_kept(change: Change, path: str, old: float) -> str:
    """Another copy in the same resource, unchanged and kept at least as long as the cut one was, under no switch
    turned off; empty when there is none."""
    before, after = sides(change)
    old_leaves = dict(leaves(before))
    for where, value in leaves(after):
        if plain(where) == plain(path) or not _keeps(where) or not words(plain(where)) & COPIES \
                or old_leaves.get(where) != value:
            continue
        days = _days(where, value, after)
        if days is not None and days >= old and not _switched_off(after, where):
            return f"{where} = {show(value)} still keeps a copy at least as long as before"
    return ""


def _switched_off(values: dict[str, Any], path: str) -> bool:
    """Whether a block on the way to PATH has an `enabled`-style switch that is off."""
    steps = plain(path).split(".")
    for depth in range(len(steps)):
        block = parent(values, ".".join(steps[:depth + 1])) if depth else values
        if isinstance(block, dict) and any(value is False and words(str(key)) & {"enabled", "enable"}
                                           for key, value in block.items()):
            return True
    return False


def _dead_letter(change: Change, new: float) -> str:
    """A dead-letter target that keeps what fails delivery, on a queue that still buffers a day or more."""
    if new < 1:
        return ""
    _, after = sides(change)
    for where, value in leaves(after):
        if DEAD_LETTER.search(where) and isinstance(value, str) and value.strip() not in ("", "{}", "null"):
            return f"what fails delivery is kept by its dead-letter target ({where})"
    return ""


def _archive(change: Change, changes: Any, weakened: set[str | None]) -> str:
    """An archive of the same provider that the plan keeps, taking everything or naming this store."""
    provider = change.type.partition("_")[0]
    _, after = sides(change)
    names = {v for k in NAME_KEYS if isinstance(v := after.get(k), str) and len(v) > 2}
    for other in changes:
        if other is change or other.action is Action.DELETE or other.address in weakened \
                or other.type.partition("_")[0] != provider or not KEEPER_TYPES.search(other.type):
            continue
        _, kept = sides(other)
        takes_all = any(words(plain(where)) & QUERY_WORDS and isinstance(value, str)
                        and value.strip().lower() in MATCH_ALL for where, value in leaves(kept))
        # What the keeper points at (not its own name: an archive called like the store proves nothing).
        named = any(isinstance(text, str) and where not in NAME_KEYS
                    and (text in names or text.rsplit("/", 1)[-1] in names or text.rsplit(":", 1)[-1] in names)
                    for where, value in leaves(kept) for text in (value if isinstance(value, list) else [value]))
        if takes_all or named:
            return f"{other.address} keeps an archive of it"
    return ""


def _locked(change: Change, new: float, changes: Any, weakened: set[str | None]) -> str:
    """A lock the plan keeps on the store this change writes to, whose minimum retention the cut still meets: the
    floor the organisation set holds (a vault lock's `min_retention_days`)."""
    _, after = sides(change)
    held = {text for _, value in leaves(after) for text in (value if isinstance(value, list) else [value])
            if isinstance(text, str) and len(text) > 3}
    for other in changes:
        if other is change or other.action is Action.DELETE or other.address in weakened \
                or "lock" not in words(other.type):
            continue
        _, lock = sides(other)
        points = any(words(key) & POINTER and value in held for key, value in lock.items() if isinstance(value, str))
        floors = [_days(where, value, lock) for where, value in leaves(lock)
                  if words(plain(where).rpartition(".")[2]) & {"min", "minimum"} and _keeps_any(where)]
        if points and floors and all(floor is not None and floor <= new for floor in floors):
            return f"{other.address} still enforces its minimum retention, which the cut meets"
    return ""


def _keeps_any(path: str) -> bool:
    """Whether a key names a retention, whatever bound it sets (`min_retention_days`)."""
    return bool(words(plain(path).rpartition(".")[2]) & KEPT)
