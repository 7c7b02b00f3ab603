"""A replaced node pool of spot machines or one that scales to zero holds nothing; a regular pool still does."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.helpers import review_rules_alone, worst_by_rule
from tests.pipeline.test_rules_detectors_through_configuration import resource
from tfreview.pipeline.findings import Severity


def _replaced(tmp_path: Path, settings: dict[str, Any]) -> Severity | None:
    before = {"name": "batch", "cluster_id": "c-1", "machine_size": "m8", **settings}
    after = {**before, "machine_size": "m16"}
    change = resource("acme_cluster_node_pool.batch", after, before, actions=["delete", "create"])
    change["change"]["replace_paths"] = [["machine_size"]]
    return worst_by_rule(review_rules_alone(tmp_path, [change])).get("resource-replace")


@pytest.mark.parametrize("settings", [{"priority": "Spot", "min_count": 1}, {"node_config": [{"preemptible": True}]},
                                      {"autoscaling": [{"min_node_count": 0, "max_node_count": 9}]}])
def test_reclaimable_or_scale_to_zero_pool_replaced_is_medium(tmp_path: Path, settings: dict[str, Any]) -> None:
    assert _replaced(tmp_path, settings) is Severity.MEDIUM


@pytest.mark.parametrize("settings", [{"priority": "Regular", "min_count": 2}, {"spot": False, "min_count": 3}])
def test_regular_pool_replaced_stays_high(tmp_path: Path, settings: dict[str, Any]) -> None:
    assert _replaced(tmp_path, settings) is Severity.HIGH
