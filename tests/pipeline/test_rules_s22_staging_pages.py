"""Alerting downgraded on a non-production copy (session 22): a staging service whose alerts stop paging is
reported at medium; the same change on a production service, or on one whose tags say production whatever its name,
stays held."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.pipeline.test_rules_detectors_through_configuration import judge, resource
from tfreview.pipeline.findings import Severity


def _service(name: str, urgency: str, **extra: Any) -> dict[str, Any]:
    return {"name": name, "escalation_policy": "P3LQX9A",
            "incident_urgency_rule": [{"type": "constant", "urgency": urgency}], **extra}


@pytest.mark.parametrize(("name", "extra", "severity"), [
    ("checkout-staging", {}, Severity.MEDIUM),
    ("checkout", {"tags": {"env": "dev"}}, Severity.MEDIUM),
    ("checkout", {}, Severity.HIGH),
    ("checkout-staging", {"tags": {"env": "production"}}, Severity.HIGH),
])
def test_urgency_lowered_is_medium_only_for_a_non_production_copy(
        tmp_path: Path, name: str, extra: dict[str, Any], severity: Severity) -> None:
    change = resource("opsgenie_service.checkout", _service(name, "low", **extra), _service(name, "high", **extra))
    assert judge(tmp_path, [change]).get("detection-disabled") is severity
