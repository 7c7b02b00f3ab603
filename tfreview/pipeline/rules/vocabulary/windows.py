"""The security-controls vocabulary (risk rules stage), first lines: retention windows the generic lines misread.

`retention_in_days` = 0 keeps logs forever (CloudWatch log groups, Azure diagnostic retention policies): a cut to
0 lengthens retention, and must decide before the generic `*retention*days` count reads 0 as nothing kept.
How long a versioned store keeps old versions is its recovery window against overwrites and deletes: a cut is a
backup cut (`noncurrent_days` 90 → 1), on any provider's spelling of it.
"""

from __future__ import annotations

from typing import Any

from tfreview.pipeline.findings import Severity
from tfreview.pipeline.rules.controls import control
from tfreview.pipeline.rules.retention import BACKUP
from tfreview.pipeline.rules.values import number
from tfreview.pipeline.rules.watch import watch


def forever_at_zero(value: Any) -> float | None:
    """A count of days where 0 means kept forever."""
    amount = number(value)
    return float("inf") if amount == 0 else amount


control(BACKUP, r"retention_in_days", forever_at_zero, "backups or retention cut", above_zero=Severity.MEDIUM)

for _path in ("noncurrent_version_expiration.noncurrent_days", "noncurrent_version_expiration.days",
              "days_since_noncurrent_time", "version.delete_after_days_since_creation",
              "noncurrent_version_expiration.newer_noncurrent_versions"):
    watch(BACKUP, _path, "lowered", "old object versions (the recovery window) kept for less time")
