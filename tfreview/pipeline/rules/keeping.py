"""Risk rules, retention: how long a backup, snapshot or locked vault keeps what it holds, read as a duration in
any spelling (`ttl = "720h0m0s"`, `retention_value = 30` with `retention_unit = "days"`, `retention_lock_days`) —
a cut to under a week and to a quarter or less of what it was leaves almost nothing to restore from."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import Finding, finding, on_change
from tfreview.pipeline.rules.retention import BACKUP
from tfreview.pipeline.rules.units import UNITS, parent
from tfreview.pipeline.rules.values import number, pairs, plain

# What keeps copies to restore from: a type, a manifest's kind or API group, or a sibling setting naming it. (Not
# `vault` alone: a secrets vault's lease TTLs keep no copies.)
KEEPERS = re.compile(r"backup|snapshot|recovery|restore|archive", re.IGNORECASE)
# How long a credential or session lives: shorter is stricter, nothing to restore from.
LIVING = re.compile(r"lease|token|session|credential|password|cache|cookie", re.IGNORECASE)
# Words of a setting that say how long something is kept (not when a job runs: `reference_hour_of_day`).
KEEPING = re.compile(r"(?:^|_|\.)(?:ttl|retention|retain|retained|keep|expire|expiry|expiration|window|lock)"
                     r"(?:_|$|\.)", re.IGNORECASE)
_GO = re.compile(r"(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h|d|w|y)")
_GO_UNITS = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "ms": 1e-3, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800,
             "y": 31536000}
WEEK = 604800
SLASHED = 4  # kept a quarter or less of what it was


def _text_duration(value: str) -> float | None:
    """Seconds in a Go-style duration (`720h0m0s`, `30d`), or None."""
    text = value.strip().lower()
    parts = _GO.findall(text)
    if not parts or "".join(a + u for a, u in parts) != text:
        return None
    return sum(float(amount) * _GO_UNITS[unit] for amount, unit in parts)


def seconds(change_values: Any, path: str, value: Any) -> float | None:
    """How long the setting at PATH keeps things, in seconds: a duration text, a number named by its unit
    (`retention_lock_days`), or a number with a sibling `*unit` setting; None when it is not a duration."""
    if isinstance(value, str) and (found := _text_duration(value)) is not None:
        return found
    amount = number(value) if not isinstance(value, str) else None
    if amount is None:
        return None
    leaf = plain(path).rsplit(".", 1)[-1].lower()
    unit = leaf.rsplit("_", 1)[-1]
    if unit in UNITS:
        return amount * UNITS[unit]
    block = parent(change_values, path) or {}
    named = [str(v).lower() for k, v in block.items() if str(k).lower().endswith("unit") and isinstance(v, str)]
    return amount * UNITS[named[0]] if len(named) == 1 and named[0] in UNITS else None


def _keeps_copies(change: Change, path: str) -> bool:
    """Whether the change is about copies to restore from: its type, manifest kind or a sibling names one."""
    if KEEPERS.search(change.type):
        return True
    block = parent(change.after, path) or {}
    manifest = change.after.get("manifest") if isinstance(change.after, dict) else None
    head = " ".join(str(manifest.get(k, "")) for k in ("apiVersion", "kind")) if isinstance(manifest, dict) else ""
    return bool(KEEPERS.search(head) or any(KEEPERS.search(str(k)) for k in block))


def _show(value: float) -> str:
    for name, size in (("days", 86400), ("hours", 3600), ("minutes", 60)):
        if value >= size:
            return f"{value / size:g} {name}"
    return f"{value:g} seconds"


@on_change(actions=(Action.UPDATE,))
def _slashed(change: Change) -> Iterator[Finding]:
    for path, before, after in pairs(change):
        if not KEEPING.search(plain(path)) or LIVING.search(path) or isinstance(before, (bool, type(None))) \
                or isinstance(after, bool):
            continue
        old, new = seconds(change.before, path, before), seconds(change.after, path, after)
        if old is None or new is None or new >= WEEK or new * SLASHED > old or not _keeps_copies(change, path):
            continue
        if number(after) == 0:
            continue  # a number cut to 0: the security controls already say so
        yield finding(BACKUP, change.address, f"{change.address}: {path} keeps copies {_show(new)} instead of "
                      f"{_show(old)}: little is left to restore from")
