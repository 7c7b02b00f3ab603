"""A switch turned off on something that works against protection (inverted.py): an exclusion or suppression (what
it dropped is kept again), an allow rule, a public share — low, on any provider; a detector or a blocking rule
switched off, and an exclusion that newly drops every record, stay high. Providers are invented."""

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


def _rule(action: str, state: str) -> dict[str, Any]:
    return {"name": "legacy-ftp", "order": 14, "state": state, "action": action, "src_ips": ["10.20.0.0/16"]}


def test_an_allow_rule_disabled_is_low_and_a_blocking_rule_disabled_high(tmp_path: Path) -> None:
    allow = judge(tmp_path, [resource("edgezap_firewall_rule.ftp", _rule("ALLOW", "DISABLED"),
                                      before=_rule("ALLOW", "ENABLED"))])
    assert allow.get("detection-disabled", Severity.LOW) is Severity.LOW
    block = judge(tmp_path, [resource("edgezap_firewall_rule.ftp", _rule("BLOCK_DROP", "DISABLED"),
                                      before=_rule("BLOCK_DROP", "ENABLED"))])
    assert block["detection-disabled"] is Severity.HIGH


def test_a_public_share_switched_off_is_low(tmp_path: Path) -> None:
    def share(enabled: bool) -> dict[str, Any]:
        return {"dashboard_uid": "revenue", "is_enabled": enabled, "share": "public"}

    found = judge(tmp_path, [resource("chartly_monitoring_dashboard_public.revenue", share(False), before=share(True))])
    assert found.get("detection-disabled", Severity.LOW) is Severity.LOW
