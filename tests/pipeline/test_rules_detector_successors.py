"""A deleted monitor succeeded by a detection rule created switched on, notifying someone, watching the same thing:
medium; a successor switched off, notifying nobody, or watching something else stays high."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.pipeline.test_rules_deletes_by_what_they_lose import gone, worst
from tests.pipeline.test_rules_successors_take_over import made
from tfreview.pipeline.findings import Severity

QUERY = "source:cloudtrail @evt.name:ConsoleLogin @userIdentity.type:Root"
MONITOR = {"id": "4821", "name": "AWS root console login", "type": "log alert", "message": "@pagerduty-secops",
           "query": f'logs("{QUERY}").index("*").rollup("count").last("5m") > 0'}
RULE = {"name": "AWS root console login", "enabled": True, "type": "log_detection",
        "message": "Root login detected @pagerduty-secops", "query": [{"name": "a", "query": QUERY}],
        "case": [{"name": "root", "status": "high", "condition": "a > 0"}]}


def test_monitor_succeeded_by_a_detection_rule_is_medium(tmp_path: Path) -> None:
    plan = [gone("watchco_monitor.root_login", MONITOR), made("watchco_security_monitoring_rule.root_login", RULE)]
    assert worst(tmp_path, plan) is Severity.MEDIUM


@pytest.mark.parametrize("rule", [
    {**RULE, "enabled": False},
    {**RULE, "message": "Root login detected"},
    {**RULE, "name": "Impossible travel"},
], ids=["switched-off", "notifies-nobody", "other-topic"])
def test_monitor_whose_successor_is_off_silent_or_elsewhere_stays_high(tmp_path: Path, rule: dict[str, Any]) -> None:
    plan = [gone("watchco_monitor.root_login", MONITOR), made("watchco_security_monitoring_rule.travel", rule)]
    assert worst(tmp_path, plan) is Severity.HIGH
