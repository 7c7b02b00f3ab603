"""Access bypasses judged by who they admit (guardrails.py): a bypass for everyone stays high, one for a single
monitor address whose `everyone` selector is false stays likely safe."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.helpers import review_rules_alone, worst_by_rule
from tfreview.labels import Label
from tfreview.pipeline.findings import Severity

RULE = "bypass-for-everyone"


def judged(tmp_path: Path, include: list[dict[str, Any]]) -> tuple[Label, dict[str, Severity]]:
    after = {"app_id": "app-7781", "decision": "bypass", "include": include, "exclude": [], "name": "probe"}
    change = {"address": "gatekeep_access_rule.probe", "mode": "managed", "type": "gatekeep_access_rule",
              "name": "probe", "provider_name": "registry.terraform.io/acme/gatekeep",
              "change": {"actions": ["create"], "before": None, "after": after, "after_unknown": {},
                         "after_sensitive": {}}}
    result = review_rules_alone(tmp_path, [change])
    return result.label, worst_by_rule(result)


def test_bypass_for_everyone_flag_is_high(tmp_path: Path) -> None:
    label, worst = judged(tmp_path, [{"everyone": True, "ip": []}])
    assert label is Label.NEEDS_CLOSE_REVIEW and worst.get(RULE) is Severity.HIGH


def test_bypass_with_an_everyone_block_is_high(tmp_path: Path) -> None:
    _label, worst = judged(tmp_path, [{"everyone": {}}])
    assert worst.get(RULE) is Severity.HIGH


def test_bypass_for_one_monitor_address_stays_safe(tmp_path: Path) -> None:
    label, worst = judged(tmp_path, [{"everyone": False, "ip": ["203.0.113.9/32"], "email": []}])
    assert RULE not in worst and label is Label.LIKELY_SAFE
