"""Risk rules, retention of evidence (risk rules stage): how long logs, audit trails, backups, snapshots and
locked archives are kept, cut sharply (to a day or less, or by an order of magnitude) on any provider.

Read by what attributes mean (retention, ttl, keep, expire, delete_after, min_age of a delete phase, lock days…)
and by what the resource holds (audit, backup, log, snapshot words in its type, name or keys), never by a
provider's own names. A sharp cut on a resource whose own tags say non-production is medium; modest cuts are
left to the curated retention watches.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import Finding, Severity, finding, on_change
from tfreview.pipeline.rules.common import known, mentions, show, sides
from tfreview.pipeline.rules.disposable import non_production
from tfreview.pipeline.rules.retention import BACKUP
from tfreview.pipeline.rules.values import leaves, plain

# Words of an attribute path that say it bounds how long something is kept before it goes.
KEEPING = frozenset({"retention", "retain", "retained", "ttl", "keep", "expire", "expires", "expiration", "expiry",
                     "delete", "deleting", "deletion", "purge", "lock", "restore"})
# Words that say a duration is about something else (when to move, rotate, check or wait), not how long data stays.
NOT_KEEPING = frozenset({"transition", "rotation", "rotate", "rollover", "frequency", "interval", "delay", "timeout",
                         "refresh", "cooldown", "schedule", "start", "reference", "initiation", "incomplete",
                         "multipart", "unfinished", "canceling", "grace",
                         # lifetimes of access, not of data: a shorter lease, token or session is stricter
                         "lease", "token", "session", "credential", "password", "secret", "cert", "certificate",
                         "cache", "cached"})
# Words that say what a resource holds is evidence or a way back: logs, audit trails, backups, locked archives.
EVIDENCE = frozenset({"audit", "audits", "backup", "backups", "snapshot", "snapshots", "log", "logs", "logging",
                      "trail", "cloudtrail", "archive", "archives", "vault", "ledger", "velero", "restic", "kasten",
                      "veeam", "bacula", "borg", "recovery", "siem", "journal", "oplog", "oplogs", "evidence",
                      "forensic", "forensics", "compliance", "lock", "immutable", "worm", "restore"})
EVIDENCE_BYTES = tuple(word.encode() for word in ("audit", "backup", "snapshot", "log", "trail", "archive", "vault",
                                                  "ledger", "velero", "restic", "kasten", "veeam", "bacula", "borg",
                                                  "recover", "siem", "journal", "evidence", "forensic", "complian",
                                                  "lock", "immutab", "worm", "restore"))
HOURS = {"ms": 1 / 3_600_000, "s": 1 / 3600, "sec": 1 / 3600, "second": 1 / 3600, "seconds": 1 / 3600,
         "m": 1 / 60, "min": 1 / 60, "minute": 1 / 60, "minutes": 1 / 60, "h": 1, "hour": 1, "hours": 1,
         "d": 24, "day": 24, "days": 24, "w": 168, "week": 168, "weeks": 168, "month": 720, "months": 720,
         "y": 8760, "year": 8760, "years": 8760}
KEY_UNITS = frozenset({"second", "seconds", "minute", "minutes", "hour", "hours", "day", "days", "week", "weeks",
                       "month", "months", "year", "years"})
_PART = re.compile(r"(\d+(?:\.\d+)?)(ms|s|m|h|d|w|y)")
_DURATION = re.compile(r"(?:\d+(?:\.\d+)?(?:ms|s|m|h|d|w|y))+")
_ISO = re.compile(r"P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?")
_WORD = re.compile(r"[a-z0-9]+")
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
# A sharp cut: to a day or less from at least two days, or to a tenth or less.
DAY = 24.0
SHARP_RATIO = 10


def words(text: str) -> set[str]:
    """The lower-case words of a name or path (`snapshotVolumes` → snapshot, volumes)."""
    return set(_WORD.findall(_CAMEL.sub("_", text).lower()))


def hours(value: Any, unit: str | None) -> float | None:
    """A duration in hours: a number in UNIT, or a string such as `720h0m0s`, `400d`, `P30D`; None otherwise."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value) * HOURS[unit] if unit else None
    if not isinstance(value, str) or not known(value):
        return None
    text = value.strip()
    if text.isdigit():
        return float(text) * HOURS[unit] if unit else None
    if _DURATION.fullmatch(text):
        return sum(float(n) * HOURS[u] for n, u in _PART.findall(text))
    iso = _ISO.fullmatch(text.upper())
    if iso and any(iso.groups()):
        parts = [float(g or 0) for g in iso.groups()]
        return sum(n * h for n, h in zip(parts, (8760, 720, 168, 24, 1, 1 / 60, 1 / 3600), strict=True))
    return None


def sharp(before_h: float | None, after_h: float | None, ratio_only: bool = False) -> bool:
    """Whether a retention of BEFORE_H hours cut to AFTER_H is sharp (a day or less, or a tenth or less)."""
    if before_h is None or after_h is None or after_h <= 0 or after_h >= before_h:
        return False
    return after_h * SHARP_RATIO <= before_h or (not ratio_only and after_h <= DAY and before_h >= 2 * DAY)


def _unit(path: str, block: dict[str, Any]) -> str | None:
    """The unit of a number at PATH: named by its key (`_days`, `hours`) or by a sibling `unit` key."""
    for word in words(path.rpartition(".")[2]) & KEY_UNITS:
        return word
    for key, value in block.items():
        if "unit" in key.lower() and isinstance(value, str) and value.strip().lower() in HOURS:
            return value.strip().lower()
    return None


def _block(values: dict[str, Any], path: str) -> dict[str, Any]:
    """The object that holds the leaf at PATH (for its sibling keys)."""
    node: Any = values
    for step in re.findall(r"[^.\[\]]+|\[\d+\]", path.rpartition(".")[0]):
        if step.startswith("["):
            index = int(step[1:-1])
            node = node[index] if isinstance(node, list) and index < len(node) else None
        else:
            node = node.get(step) if isinstance(node, dict) else None
        if isinstance(node, list) and len(node) == 1 and isinstance(node[0], dict):
            node = node[0]
    return node if isinstance(node, dict) else {}


def _keeping(path: str) -> bool:
    names = words(plain(path))
    return bool(names & KEEPING) and not names & NOT_KEEPING


def holds_evidence(change: Change, values: dict[str, Any]) -> bool:
    """Whether the resource holds logs, audit trails, backups or locked archives: its type, name or keys say so."""
    if not mentions([change.type, change.address, values], EVIDENCE_BYTES):
        return False
    names = words(change.type) | words(change.address.rpartition(".")[2])
    for key, value in values.items():
        names |= words(key)
        if isinstance(value, str) and key in ("name", "bucket", "bucket_name", "cluster_name", "id", "kind"):
            names |= words(value)
    manifest = values.get("manifest")
    if isinstance(manifest, dict):
        names |= {w for path, _ in leaves(manifest) for w in words(path)}
        names |= words(str(manifest.get("apiVersion") or "")) | words(str(manifest.get("kind") or ""))
    return bool(names & EVIDENCE)


@on_change(actions=(Action.UPDATE,))
def _evidence_cut(change: Change) -> Iterator[Finding]:
    before, after = sides(change)
    if before == after or not holds_evidence(change, before):
        return
    old = {p: v for p, v in leaves(before) if _keeping(p)}
    if not old:
        return
    new = dict(leaves(after))
    for path, value in old.items():
        if path.startswith("object.") and "manifest" in before:
            continue  # a Kubernetes manifest's `object` repeats its `manifest`
        if path not in new or new[path] == value:
            continue
        unit = _unit(path, _block(before, path))
        old_h, new_h = hours(value, unit), hours(new[path], unit)
        if old_h is None and isinstance(value, (int, float)) and isinstance(new[path], (int, float)):
            old_h, new_h = float(value), float(new[path])  # no unit: only the ratio can be judged
            cut = sharp(old_h, new_h, ratio_only=True)
        else:
            cut = sharp(old_h, new_h)
        if cut:
            severity = Severity.MEDIUM if non_production(change) else Severity.HIGH
            yield finding(BACKUP, change.address,
                          f"{change.address}: {path} {show(value)} → {show(new[path])} (logs, audit trail or "
                          "backups kept far shorter: evidence and restore points expire)", severity)
