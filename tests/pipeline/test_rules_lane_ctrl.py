"""Controls, reach, credentials and lifecycle judged by principle, each with a benign look-alike."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tfreview.pipeline.findings import Severity
from tfreview.pipeline.review import review
from tfreview.settings import Settings


def judge(tmp_path: Path, resource_type: str, before: Any, after: Any,
          actions: list[str] | None = None) -> tuple[str, dict[str, Severity]]:
    """Review a one-change plan with rules alone: (label, {rule: worst severity})."""
    if actions is None:
        actions = ["create"] if before is None else ["delete"] if after is None else ["update"]
    plan = {"format_version": "1.2", "terraform_version": "1.9.8", "resource_changes": [{
        "address": f"{resource_type}.x", "mode": "managed", "type": resource_type, "name": "x",
        "provider_name": "registry.terraform.io/acme/acme",
        "change": {"actions": actions, "before": before, "after": after, "after_unknown": {}}}]}
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan))
    result = review(path, Settings(backend="none"))
    assert not result.errors
    worst: dict[str, Severity] = {}
    for f in result.findings:
        if f.rule not in worst or f.severity.rank < worst[f.rule].rank:
            worst[f.rule] = f.severity
    return result.label.value, worst


# --- lifecycle: deletes judged by what they lose ------------------------------------------------------

@pytest.mark.parametrize(("resource_type", "before", "severity"), [
    ("kubernetes_job_v1", {"metadata": [{"name": "migrate-1"}]}, Severity.LOW),
    ("acme_batch_job", {"name": "backfill"}, Severity.LOW),
    ("aws_iam_access_key", {"user": "ci", "status": "Inactive"}, Severity.MEDIUM),
    ("acme_api_key", {"name": "old"}, Severity.MEDIUM),
    ("cloudflare_record", {"name": "staging-old", "type": "CNAME", "content": "lb.internal"}, Severity.MEDIUM),
    ("aws_route53_record", {"name": "api.example.com", "type": "A"}, Severity.MEDIUM),
])
def test_deletes_that_lose_no_data_are_not_high(tmp_path: Path, resource_type: str, before: Any,
                                                severity: Severity) -> None:
    label, worst = judge(tmp_path, resource_type, before, None)
    assert (label, worst) == ("likely_safe", {"resource-delete": severity})


@pytest.mark.parametrize(("resource_type", "before"), [
    ("aws_glue_job_definition_store", {"name": "x"}),
    ("acme_job_queue", {"name": "q"}),
    ("aws_kms_key", {"key_id": "k"}),
    ("aws_db_instance", {"identifier": "orders"}),
    ("aws_route53_record", {"name": "example.com", "type": "A"}),
    ("aws_route53_record", {"name": "sub.example.com", "type": "NS"}),
    ("acme_cron_job", {"name": "nightly"}),
])
def test_stateful_and_apex_deletes_stay_high(tmp_path: Path, resource_type: str, before: Any) -> None:
    label, worst = judge(tmp_path, resource_type, before, None)
    assert label == "needs_close_review" and Severity.HIGH in worst.values()
