"""A certificate deleted after it expired (its expiry before the plan's timestamp) that nothing in the plan refers
to: medium; one still valid, still referred to, or with no timestamp to compare with stays high."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.pipeline.test_rules_deletes_by_what_they_lose import gone
from tests.pipeline.test_rules_successors_take_over import kept
from tfreview.pipeline.findings import Severity
from tfreview.pipeline.review import review
from tfreview.settings import Settings

ARN = "arn:acme:iam::1:server-certificate/api-2024"
CERT = {"id": "ASCA1", "arn": ARN, "name": "api-2024", "expiration": "2025-06-30T23:59:59Z"}


def _severity(tmp_path: Path, changes: list[dict[str, Any]], timestamp: str | None) -> Severity:
    doc: dict[str, Any] = {"format_version": "1.2", "terraform_version": "1.9.8", "resource_changes": changes}
    if timestamp:
        doc["timestamp"] = timestamp
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(doc))
    found = [f.severity for f in review(path, Settings(backend="none")).findings if f.rule == "resource-delete"]
    assert len(found) == 1
    return found[0]


def test_expired_unreferenced_certificate_deleted_is_medium(tmp_path: Path) -> None:
    plan = [gone("acme_server_certificate.api", CERT),
            kept("acme_lb_listener.https", {"port": 443, "certificate_arn": "arn:acme:acm::1:certificate/new"})]
    assert _severity(tmp_path, plan, "2026-11-25T16:48:11Z") is Severity.MEDIUM


@pytest.mark.parametrize(("plan", "timestamp"), [
    ([gone("acme_server_certificate.api", {**CERT, "expiration": "2027-06-30T23:59:59Z"})], "2026-11-25T16:48:11Z"),
    ([gone("acme_server_certificate.api", CERT),
      kept("acme_lb_listener.https", {"port": 443, "certificate_arn": ARN})], "2026-11-25T16:48:11Z"),
    ([gone("acme_server_certificate.api", CERT)], None),
], ids=["still-valid", "still-served", "no-timestamp"])
def test_valid_or_referenced_certificate_deleted_stays_high(tmp_path: Path, plan: list[dict[str, Any]],
                                                            timestamp: str | None) -> None:
    assert _severity(tmp_path, plan, timestamp) is Severity.HIGH
