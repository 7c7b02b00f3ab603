"""Risk rules, retention of evidence and copies (risk rules stage): how long logs, audit trails, backups,
snapshots and locked archives are kept, cut sharply on any provider — to a day or less or by an order of magnitude
on what holds evidence, to a quarter or less under a year on an audit trail, or below a week and to a quarter or
less on what keeps copies to restore from. A HashiCorp Vault object's TTLs are lifetimes of what it issues, not
retention.

Read by what attributes mean (retention, ttl, keep, expire, delete_after, min_age of a delete phase, lock days…),
as a duration in any spelling (units.duration), and by what the resource holds (audit, backup, log, snapshot words
in its type, name or keys), never by a provider's own names. One finding per attribute. A sharp cut on a resource
whose own tags say non-production is medium unless it also leaves almost no copies; modest cuts are left to the
curated retention watches.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import Finding, ReviewInput, Severity, finding, grader, on_change
from tfreview.pipeline.rules.common import mentions, show, sides
from tfreview.pipeline.rules.environments import non_production
from tfreview.pipeline.rules.retention import BACKUP
from tfreview.pipeline.rules.tiers import longer_tier_kept
from tfreview.pipeline.rules.units import duration, parent, unit_of, words
from tfreview.pipeline.rules.values import leaves, pairs, plain
from tfreview.pipeline.rules.watch import (
    BUSINESS_DOMAINS,
    EVIDENCE_DAYS,
    TRAIL_WORDS,
    kept_long_enough,
    named_trail,
    scratch_scoped,
)

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
# A sharp cut: to a day or less from at least two days, or to a tenth or less.
DAY = 86400.0
SHARP_RATIO = 10
# What keeps copies to restore from: a type, a manifest's kind or API group, or a sibling setting naming it. (Not
# `vault` alone: a secrets vault's lease TTLs keep no copies.)
KEEPERS = lazy_compile(r"backup|snapshot|recovery|restore|archive", re.IGNORECASE)
# How long a credential or session lives: shorter is stricter, nothing to restore from.
LIVING = lazy_compile(r"lease|token|session|credential|password|cache|cookie", re.IGNORECASE)
# Words of a setting that say how long copies are kept (not when a job runs: `reference_hour_of_day`).
KEEPS_COPIES = lazy_compile(r"(?:^|_|\.)(?:ttl|retention|retain|retained|keep|expire|expiry|expiration|window|lock)"
                            r"(?:_|$|\.)", re.IGNORECASE)
WEEK = 604800.0
SLASHED = 4  # kept a quarter or less of what it was


def sharp(before: float | None, after: float | None, ratio_only: bool = False) -> bool:
    """Whether a retention of BEFORE seconds cut to AFTER is sharp (a day or less, or a tenth or less)."""
    if before is None or after is None or after <= 0 or after >= before:
        return False
    return after * SHARP_RATIO <= before or (not ratio_only and after <= DAY and before >= 2 * DAY)


def _trail_slashed(change: Change, before: float | None, after: float | None) -> bool:
    """Whether an audit trail's retention is cut to a quarter or less, under a year (a tenancy's audit log 365 days
    → 90): most evidence regimes ask for a year of who did what."""
    return before is not None and after is not None and 0 < after < EVIDENCE_DAYS * DAY \
        and after * SLASHED <= before and named_trail(change, TRAIL_WORDS - BUSINESS_DOMAINS)


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
    if change.type.startswith("vault_"):  # HashiCorp Vault's own objects: a secrets engine's TTLs keep no copies
        names -= {"vault"}
    return bool(names & EVIDENCE)


def _keeps_copies(change: Change, path: str) -> bool:
    """Whether the change is about copies to restore from: its type, manifest kind or a sibling names one."""
    if KEEPERS.search(change.type):
        return True
    block = parent(change.after, path) or {}
    manifest = change.after.get("manifest") if isinstance(change.after, dict) else None
    head = " ".join(str(manifest.get(k, "")) for k in ("apiVersion", "kind")) if isinstance(manifest, dict) else ""
    return bool(KEEPERS.search(head) or any(KEEPERS.search(str(k)) for k in block))


def _copies_setting(path: str) -> bool:
    """Whether the setting at PATH says how long copies are kept (not how long a lease or session lives)."""
    return bool(KEEPS_COPIES.search(plain(path))) and not LIVING.search(path)


def _shown(value: float) -> str:
    """Seconds in the largest unit they fill (`1 day`, `36 hours`); `for ever` for no limit."""
    if value == math.inf:
        return "for ever"
    for name, size in (("day", 86400), ("hour", 3600), ("minute", 60), ("second", 1)):
        if value >= size or name == "second":
            amount = value / size
            return f"{amount:g} {name}" + ("" if amount == 1 else "s")
    return ""


# A KEEPING or KEEPS_COPIES word in a path: both kinds of cut need one.
@on_change(actions=(Action.UPDATE,), words=(b"retention", b"retain", b"ttl", b"keep", b"expir", b"delet", b"purge",
                                             b"lock", b"restore", b"window"))
def _retention_cut(change: Change) -> Iterator[Finding]:
    before, after = sides(change)
    if before == after:
        return
    evidence = holds_evidence(change, before)
    for path, was, now in pairs(change):
        if isinstance(was, bool) or isinstance(now, bool) or was is None or now is None:
            continue
        if path.startswith("object.") and "manifest" in before:
            continue  # a Kubernetes manifest's `object` repeats its `manifest`
        judged, copies = evidence and _keeping(path), _copies_setting(path)
        if not (judged or copies):
            continue
        old = duration(was, unit_of(path, parent(before, path)))
        new = duration(now, unit_of(path, parent(after, path)))
        if old is not None and old < 0 and new is not None and new > 0:
            old = math.inf  # a negative retention (`retention.ms = -1`) keeps everything for ever
        # Copies kept under a week and a quarter or less of before (a cut to 0 is the security controls').
        slashed = copies and old is not None and new is not None and 0 < new < WEEK and new * SLASHED <= old \
            and _keeps_copies(change, path)
        if not judged:
            cut = False
        elif old is None and isinstance(was, (int, float)) and isinstance(now, (int, float)):
            cut = sharp(float(was), float(now), ratio_only=True)  # no unit: only the ratio can be judged
        else:
            cut = sharp(old, new) or _trail_slashed(change, old, new)
        if not (cut or slashed):
            continue
        severity = Severity.MEDIUM if not slashed and non_production(change) else Severity.HIGH
        if longer_tier_kept(change, path, old) or scratch_scoped(change, path):
            severity = Severity.LOW  # a finer tier under a longer one kept, or a rule for scratch data only
        if new is not None and not _keeps_copies(change, path) \
                and (floor := kept_long_enough(change, new / DAY, None if old is None else old / DAY)) is not None:
            severity = max(severity, floor, key=lambda s: s.rank)  # logs still kept long enough to serve
        kept = f"kept {_shown(new)} instead of {_shown(old)}; " if old is not None and new is not None else ""
        yield finding(BACKUP, change.address,
                      f"{change.address}: {path} {show(was)} → {show(now)} ({kept}logs, audit trail or copies to "
                      "restore from expire far sooner)", severity)


@grader
def one_per_cut(review_input: ReviewInput, findings: list[Finding]) -> list[Finding]:
    """One backup-reduced finding per cut attribute: where a curated watch, a security control and the retention
    judgment above read the same `ADDRESS: PATH BEFORE → AFTER`, the most severe of their findings is kept."""
    first: dict[tuple[str | None, str], int] = {}
    kept: list[Finding] = []
    for found in findings:
        cut = found.message.partition(" (")[0]
        if found.rule != BACKUP or " → " not in cut:
            kept.append(found)
        elif (found.address, cut) not in first:
            first[found.address, cut] = len(kept)
            kept.append(found)
        elif found.severity.rank < kept[first[found.address, cut]].severity.rank:
            kept[first[found.address, cut]] = found
    return kept
