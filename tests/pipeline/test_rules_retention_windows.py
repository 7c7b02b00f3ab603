"""Red-team forms on retention windows: the window of old object versions cut (any provider's spelling) is a
backup cut; a log retention set to 0, which the provider defines as "keep forever", is not."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.helpers import review_rules_alone, worst_by_rule
from tfreview.pipeline.findings import Severity

RULE = "backup-reduced"


def _update(kind: str, before: dict[str, Any], after: dict[str, Any],
            provider: str = "hashicorp/aws") -> dict[str, Any]:
    return {"address": f"{kind}.main", "mode": "managed", "type": kind, "name": "main",
            "provider_name": f"registry.terraform.io/{provider}",
            "change": {"actions": ["update"], "before": before, "after": after, "after_unknown": {},
                       "before_sensitive": {}, "after_sensitive": {}}}


def _s3(block: str, days: int) -> dict[str, Any]:
    inner = {"noncurrent_days": days, **({"storage_class": "GLACIER"} if "transition" in block else {})}
    return {"bucket": "ledger", "rule": [{"id": "old", "status": "Enabled", "filter": [{"prefix": ""}],
                                          block: [inner]}]}


def _gcs(days: int) -> dict[str, Any]:
    return {"name": "ledger", "lifecycle_rule": [{"action": [{"type": "Delete"}],
                                                  "condition": [{"days_since_noncurrent_time": days}]}]}


def _logs(days: int) -> dict[str, Any]:
    return {"name": "/audit/api", "retention_in_days": days}


def judge(tmp_path: Path, change: dict[str, Any]) -> Severity | None:
    return worst_by_rule(review_rules_alone(tmp_path, [change])).get(RULE)


@pytest.mark.parametrize("change", [
    _update("aws_s3_bucket_lifecycle_configuration", _s3("noncurrent_version_expiration", 90),
            _s3("noncurrent_version_expiration", 1)),
    _update("google_storage_bucket", _gcs(30), _gcs(1), "hashicorp/google"),
    _update("aws_cloudwatch_log_group", _logs(0), _logs(7)),
], ids=["s3-noncurrent-90-to-1", "gcs-noncurrent-30-to-1", "logs-forever-to-a-week"])
def test_a_recovery_or_log_window_cut_is_high(tmp_path: Path, change: dict[str, Any]) -> None:
    assert judge(tmp_path, change) is Severity.HIGH


@pytest.mark.parametrize("change", [
    _update("aws_s3_bucket_lifecycle_configuration", _s3("noncurrent_version_expiration", 30),
            _s3("noncurrent_version_expiration", 90)),
    _update("aws_s3_bucket_lifecycle_configuration", _s3("noncurrent_version_transition", 90),
            _s3("noncurrent_version_transition", 30)),
    _update("aws_cloudwatch_log_group", _logs(365), _logs(0)),
], ids=["s3-noncurrent-lengthened", "s3-transition-sooner", "logs-kept-forever"])
def test_a_longer_window_or_a_colder_tier_is_quiet(tmp_path: Path, change: dict[str, Any]) -> None:
    assert judge(tmp_path, change) is None
