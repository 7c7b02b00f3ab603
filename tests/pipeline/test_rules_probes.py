"""Probes (fixtures/rules/probes/probes.json): scenarios of one to nine changes across 30-odd providers, written
to test the detectors by meaning on cases they were not built from, risky ones next to benign look-alikes.
Each is expanded into a `terraform show -json` document and reviewed with rules alone."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import ROOT
from tfreview.pipeline.review import review
from tfreview.settings import Settings

PROBES_FILE = ROOT / "fixtures" / "rules" / "probes" / "probes.json"
PROBES: list[dict[str, Any]] = json.loads(PROBES_FILE.read_text())["probes"]


def plan(probe: dict[str, Any]) -> dict[str, Any]:
    """The probe's changes in a format 1.2 plan document."""
    document = {"format_version": "1.2", "terraform_version": "1.9.5", "applyable": True, "complete": True,
                "errored": False, "planned_values": {"root_module": {}}, "configuration": {"root_module": {}},
                "resource_changes": probe["resource_changes"]}
    if "resource_drift" in probe:
        document["resource_drift"] = probe["resource_drift"]
    return document


def test_probes_are_many_and_balanced() -> None:
    risky = [p for p in PROBES if p["expected"] == "needs_close_review"]
    assert len(PROBES) >= 300 and len(risky) >= 150 and len(PROBES) - len(risky) >= 150


@pytest.mark.parametrize("probe", PROBES, ids=[p["name"] for p in PROBES])
def test_probe_label_from_rules_alone(probe: dict[str, Any], tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan(probe)))
    result = review(path, Settings(backend="none"))
    assert not result.errors
    assert result.label.value == probe["expected"], [(f.rule, f.message) for f in result.findings]
