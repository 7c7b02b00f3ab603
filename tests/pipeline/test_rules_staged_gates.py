"""A deploy target's approval gate dropped where the target deploys outside production (stagedgates.py): medium
when its own name and its destination both say a non-production stage; a production target stays high."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.helpers import review_rules_alone, worst_by_rule
from tfreview.labels import Label
from tfreview.pipeline.findings import Severity


def target(tmp_path: Path, name: str, cluster: str) -> tuple[Label, dict[str, Severity]]:
    before: dict[str, Any] = {"name": name, "require_approval": True, "labels": {"env": "prod"},
                              "runtime": [{"cluster": f"regions/eu-1/clusters/{cluster}"}]}
    change = {"address": f"shipyard_delivery_target.{name}", "mode": "managed", "type": "shipyard_delivery_target",
              "name": name, "provider_name": "registry.terraform.io/acme/shipyard",
              "change": {"actions": ["update"], "before": before, "after": {**before, "require_approval": False},
                         "after_unknown": {}, "after_sensitive": {}}}
    result = review_rules_alone(tmp_path, [change])
    return result.label, worst_by_rule(result)


def test_gate_dropped_on_a_staging_target_is_medium(tmp_path: Path) -> None:
    label, worst = target(tmp_path, "staging", "staging")
    assert label is Label.LIKELY_SAFE and worst and all(s is Severity.MEDIUM for s in worst.values())


def test_gate_dropped_on_a_production_target_stays_high(tmp_path: Path) -> None:
    label, worst = target(tmp_path, "prod", "prod")
    assert label is Label.NEEDS_CLOSE_REVIEW and Severity.HIGH in worst.values()


def test_staging_named_target_that_deploys_to_production_stays_high(tmp_path: Path) -> None:
    label, _worst = target(tmp_path, "staging", "prod-eu")
    assert label is Label.NEEDS_CLOSE_REVIEW
