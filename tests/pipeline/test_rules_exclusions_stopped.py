"""A switch of an exclusion or suppression turned off (exclusions.py): the records it dropped are kept again, so it
is low, on any provider; a detector switched off elsewhere, and an exclusion that newly drops every record, stay
high. Providers are invented."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.pipeline.test_rules_monitoring_and_modes import judge, resource
from tfreview.pipeline.findings import Severity


def _index(exclusions: list[dict[str, Any]], days: int = 90) -> dict[str, Any]:
    return {"name": "security", "retention_days": days, "filter": [{"query": "source:audit"}],
            "exclusion_filter": exclusions}


SAMPLE = {"name": "sample-gets", "is_enabled": True, "filter": [{"query": "verb:get", "sample_rate": 0.5}]}


def test_an_exclusion_removed_or_switched_off_keeps_more_and_is_low(tmp_path: Path) -> None:
    removed = judge(tmp_path, [resource("logdog_logs_index.security", _index([], 365), before=_index([SAMPLE]))])
    assert removed.get("detection-disabled", Severity.LOW) is Severity.LOW
    off = judge(tmp_path, [resource("logdog_logs_index.security", _index([{**SAMPLE, "is_enabled": False}]),
                                    before=_index([SAMPLE]))])
    assert off.get("detection-disabled", Severity.LOW) is Severity.LOW


def test_an_exclusion_resource_disabled_is_low(tmp_path: Path) -> None:
    def exclusion(disabled: bool) -> dict[str, Any]:
        return {"name": "drop-healthchecks", "filter": "httpRequest.userAgent:probe", "disabled": disabled}

    found = judge(tmp_path, [resource("cloudco_logging_exclusion.probes", exclusion(True), before=exclusion(False))])
    assert found.get("detection-disabled", Severity.LOW) is Severity.LOW


def test_a_detector_switched_off_stays_high(tmp_path: Path) -> None:
    def monitor(enabled: bool) -> dict[str, Any]:
        return {"name": "root-login", "enabled": enabled, "query": "source:audit @user:root"}

    found = judge(tmp_path, [resource("logdog_security_monitoring_rule.root", monitor(False), before=monitor(True))])
    assert found["detection-disabled"] is Severity.HIGH


def test_a_new_exclusion_that_drops_everything_stays_high(tmp_path: Path) -> None:
    everything = {"name": "drop-noise", "is_enabled": True, "filter": [{"query": "*", "sample_rate": 1.0}]}
    found = judge(tmp_path, [resource("logdog_logs_index.security", _index([everything]), before=_index([]))])
    assert found["detection-disabled"] is Severity.HIGH
