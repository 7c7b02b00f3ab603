"""A claim deleted while its volume is kept with reclaim policy Retain and a new claim binds the same volume:
medium (rebound.py). The volume left on Delete, or the new claim binding another volume: high."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.pipeline.test_rules_deletes_by_what_they_lose import gone, worst
from tests.pipeline.test_rules_successors_take_over import made
from tfreview.pipeline.findings import Severity


def _claim(name: str, volume: str) -> dict[str, Any]:
    return {"metadata": [{"name": name, "namespace": "search"}],
            "spec": [{"storage_class_name": "gp2", "volume_name": volume, "access_modes": ["ReadWriteOnce"]}]}


def _volume(policy: str) -> dict[str, Any]:
    values = {"metadata": [{"name": "pv-search-0"}],
              "spec": [{"persistent_volume_reclaim_policy": policy, "capacity": {"storage": "500Gi"}}]}
    entry = made("kubernetes_persistent_volume_v1.search", values)
    entry["change"].update(actions=["update"], before={**values, "spec": [{"persistent_volume_reclaim_policy":
                                                                             "Delete"}]})
    return entry


@pytest.mark.parametrize(("policy", "rebound_to", "severity"), [
    ("Retain", "pv-search-0", Severity.MEDIUM),
    ("Delete", "pv-search-0", Severity.HIGH),
    ("Retain", "pv-search-1", Severity.HIGH),
], ids=["retained-and-rebound", "volume-left-on-delete", "new-claim-on-another-volume"])
def test_a_claim_whose_retained_volume_is_bound_again_is_medium(tmp_path: Path, policy: str, rebound_to: str,
                                                               severity: Severity) -> None:
    plan = [gone("kubernetes_persistent_volume_claim_v1.old", _claim("search-data", "pv-search-0")), _volume(policy),
            made("kubernetes_persistent_volume_claim_v1.new", _claim("search-data-v2", rebound_to))]
    assert worst(tmp_path, plan) is severity
