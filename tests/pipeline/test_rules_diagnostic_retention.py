"""watch.py: a modest retention cut on data kept only to troubleshoot (debug or trace output) is low; the same
cut on audit or legal-hold data, or a sharp cut on debug data, stays high."""

from __future__ import annotations

from typing import Any

import pytest

from tests.pipeline.test_rules_semantics import change, every_check
from tfreview.pipeline.findings import Severity


def _worst(before: dict[str, Any], after: dict[str, Any]) -> Severity | None:
    found = [f.severity for f in every_check(change("keepco_retention_policy", before, after))
             if f.rule == "backup-reduced"]
    return min(found, key=lambda s: s.rank) if found else None


def _policy(dataset: str, days: int, **extra: Any) -> dict[str, Any]:
    return {"dataset": dataset, "retention_days": days, "legal_hold": False, **extra}


def test_a_modest_cut_on_debug_output_is_housekeeping() -> None:
    assert _worst(_policy("edge-debug-logs", 30), _policy("edge-debug-logs", 14)) is Severity.LOW
    assert _worst(_policy("api-traces", 30), _policy("api-traces", 7)) is Severity.LOW


@pytest.mark.parametrize(("before", "after"), [
    (_policy("admin-audit-logs", 30), _policy("admin-audit-logs", 14)),  # an audit trail
    (_policy("edge-debug-logs", 30, legal_hold=True), _policy("edge-debug-logs", 14, legal_hold=True)),
    (_policy("edge-debug-logs", 30), _policy("edge-debug-logs", 1)),  # a sharp cut
    (_policy("security-debug-logs", 30), _policy("security-debug-logs", 14)),
])
def test_evidence_or_a_sharp_cut_stays_high(before: dict[str, Any], after: dict[str, Any]) -> None:
    assert _worst(before, after) is Severity.HIGH
