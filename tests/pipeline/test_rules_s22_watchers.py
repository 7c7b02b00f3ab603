"""Deletes of what only watches or shows (session 22): a monitor whose watched object this plan deletes with it has
nothing left to watch, and a dashboard is a saved layout of charts that holds no data; both are reported at medium.
A monitor of something that stays is still held."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.helpers import review_rules_alone
from tests.pipeline.test_rules_detectors_through_configuration import resource
from tfreview.pipeline.findings import Severity

MONITOR = "newrelic_alert_condition.invoice_errors"


def _gone(address: str, before: dict[str, Any]) -> dict[str, Any]:
    return resource(address, None, before, actions=["delete"])


def _monitor() -> dict[str, Any]:
    return _gone(MONITOR, {"name": "invoice-render errors", "type": "static", "nrql": [
        {"query": "SELECT count(*) FROM TransactionError WHERE appName = 'invoice-render-v1'"}]})


def _severities(tmp_path: Path, changes: list[dict[str, Any]], address: str) -> set[Severity]:
    return {f.severity for f in review_rules_alone(tmp_path, changes).findings
            if f.address == address and f.rule == "resource-delete"}


def test_a_monitor_of_a_function_deleted_with_it_is_medium(tmp_path: Path) -> None:
    function = _gone("aws_lambda_function.invoice_render_v1", {"function_name": "invoice-render-v1",
                                                               "runtime": "nodejs20.x", "memory_size": 512})
    assert _severities(tmp_path, [function, _monitor()], MONITOR) == {Severity.MEDIUM}


def test_a_monitor_of_something_that_stays_is_held(tmp_path: Path) -> None:
    other = _gone("aws_lambda_function.thumbnailer", {"function_name": "thumbnailer-v2", "runtime": "nodejs20.x"})
    assert _severities(tmp_path, [other, _monitor()], MONITOR) == {Severity.HIGH}


def test_a_dashboard_delete_is_medium(tmp_path: Path) -> None:
    board = _gone("grafana_dashboard.legacy_search", {"uid": "legacy-search", "config_json": "{\"panels\": []}"})
    assert _severities(tmp_path, [board], "grafana_dashboard.legacy_search") == {Severity.MEDIUM}
