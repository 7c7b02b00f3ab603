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


def _log_group(name: str, days: int, **extra: Any) -> dict[str, Any]:
    return {"name": name, "retention_in_days": days, **extra}


def _log_cut(name: str, before: int, after: int, **extra: Any) -> Severity | None:
    found = [f.severity for f in every_check(change("quillog_log_group", _log_group(name, before, **extra),
                                                    _log_group(name, after, **extra)))
             if f.rule == "backup-reduced"]
    return min(found, key=lambda s: s.rank) if found else None


def test_logs_still_kept_a_year_or_debug_output_kept_a_week_is_tuning() -> None:
    assert _log_cut("/app/checkout/access", 3653, 400) is Severity.MEDIUM  # the evidence window stays
    assert _log_cut("/app/checkout/debug", 3653, 30) is Severity.LOW
    assert _log_cut("/app/checkout/trace", 3653, 7) is Severity.LOW


@pytest.mark.parametrize(("name", "before", "after", "extra"), [
    ("/org/audit-trail", 3653, 3, {}),  # an audit trail cut to days
    ("/app/checkout/access", 3653, 90, {}),  # access logs below a year
    ("/app/checkout/audit", 400, 180, {}),
    ("/app/checkout/debug", 3653, 3, {}),  # debug output below a week
    ("/app/checkout/access", 3653, 400, {"legal_hold": True}),
    ("/app/checkout/security-debug", 3653, 30, {}),
])
def test_audit_and_access_logs_below_a_year_stay_high(name: str, before: int, after: int,
                                                       extra: dict[str, Any]) -> None:
    assert _log_cut(name, before, after, **extra) is Severity.HIGH
