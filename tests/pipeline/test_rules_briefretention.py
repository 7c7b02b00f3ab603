"""Log retention judged by what the logs held (watch.py, evidence.py, spans.py): a function's runtime output kept two
weeks, or logs already kept under a week, lose no trail; an audit or trail log group cut to a day stays high."""

from __future__ import annotations

from pathlib import Path

from tests.helpers import review_rules_alone, worst_by_rule
from tfreview.labels import Label
from tfreview.pipeline.findings import Severity

RULE = "backup-reduced"


def judged(tmp_path: Path, kind: str, name: str, before: int, after: int, key: str = "retention_in_days"
           ) -> tuple[Label, dict[str, Severity]]:
    tags = {"Environment": "prod"}
    change = {"address": f"{kind}.this", "mode": "managed", "type": kind, "name": "this",
              "provider_name": "registry.terraform.io/hashicorp/aws",
              "change": {"actions": ["update"], "before": {"name": name, key: before, "tags": tags},
                         "after": {"name": name, key: after, "tags": tags}, "after_unknown": {},
                         "after_sensitive": {}}}
    result = review_rules_alone(tmp_path, [change])
    return result.label, worst_by_rule(result)


def test_function_output_of_a_billing_function_kept_two_weeks_stays_safe(tmp_path: Path) -> None:
    label, worst = judged(tmp_path, "aws_cloudwatch_log_group", "/aws/lambda/quillpay-billing", 30, 14)
    assert worst.get(RULE) is not Severity.HIGH and label is Label.LIKELY_SAFE


def test_audit_log_group_cut_to_a_day_is_high(tmp_path: Path) -> None:
    label, worst = judged(tmp_path, "aws_cloudwatch_log_group", "/org/audit-events", 365, 1)
    assert label is Label.NEEDS_CLOSE_REVIEW and worst.get(RULE) is Severity.HIGH


def test_logs_kept_three_days_cut_to_one_stay_safe(tmp_path: Path) -> None:
    label, worst = judged(tmp_path, "aws_cloudwatch_log_group", "/svc/sandbox-envs", 3, 1)
    assert worst.get(RULE) is not Severity.HIGH and label is Label.LIKELY_SAFE


def test_trail_log_group_kept_three_days_cut_to_one_is_high(tmp_path: Path) -> None:
    _label, worst = judged(tmp_path, "aws_cloudwatch_log_group", "/org/cloudtrail-mirror", 3, 1)
    assert worst.get(RULE) is Severity.HIGH


def test_application_logs_kept_a_month_cut_to_a_day_is_high(tmp_path: Path) -> None:
    _label, worst = judged(tmp_path, "aws_cloudwatch_log_group", "/svc/orders", 30, 1)
    assert worst.get(RULE) is Severity.HIGH
