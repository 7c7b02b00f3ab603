"""A trail deleted while the plan creates one covering at least as much (sinks.py): medium, likely safe, even where
the old one's home region is only known after apply for the new, multi-region one; a successor that narrows anything
(read-only events, one region, no validation, another home region) leaves it high."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.helpers import review_rules_alone, worst_by_rule
from tfreview.labels import Label
from tfreview.pipeline.findings import Severity

KIND = "aws_cloudtrail"
OLD = {"name": "quill-trail", "arn": "arn:aws:cloudtrail:eu-west-1:210987654321:trail/quill-trail",
       "s3_bucket_name": "quill-trail-logs", "enable_logging": True, "enable_log_file_validation": True,
       "is_multi_region_trail": True, "home_region": "eu-west-1",
       "include_global_service_events": True, "is_organization_trail": False,
       "event_selector": [{"read_write_type": "All", "include_management_events": True, "data_resource": []}]}


def entry(name: str, actions: list[str], before: Any, after: Any) -> dict[str, Any]:
    return {"address": f"{KIND}.{name}", "mode": "managed", "type": KIND, "name": name,
            "provider_name": "registry.terraform.io/hashicorp/aws",
            "change": {"actions": actions, "before": before, "after": after, "after_unknown": {"arn": True},
                       "after_sensitive": {}}}


def judged(tmp_path: Path, **changed: Any) -> tuple[Label, dict[str, Severity]]:
    new = {**OLD, "name": "quill-org-trail", "s3_bucket_name": "quill-org-logs", "arn": None, "home_region": None,
           "is_organization_trail": True, **changed}
    result = review_rules_alone(tmp_path, [entry("account", ["delete"], OLD, None),
                                           entry("org", ["create"], None, new)])
    return result.label, worst_by_rule(result)


def test_trail_succeeded_by_a_wider_one_stays_safe(tmp_path: Path) -> None:
    label, worst = judged(tmp_path)
    assert label is Label.LIKELY_SAFE and worst.get("logging-disabled") is Severity.MEDIUM


def test_successor_logging_only_reads_is_high(tmp_path: Path) -> None:
    label, _worst = judged(tmp_path, event_selector=[{"read_write_type": "ReadOnly",
                                                      "include_management_events": True, "data_resource": []}])
    assert label is Label.NEEDS_CLOSE_REVIEW


def test_successor_in_one_region_without_validation_is_high(tmp_path: Path) -> None:
    label, _worst = judged(tmp_path, is_multi_region_trail=False, enable_log_file_validation=False)
    assert label is Label.NEEDS_CLOSE_REVIEW


def test_successor_watching_another_resource_is_high(tmp_path: Path) -> None:
    old = {"name": "vpc-flow", "vpc_id": "vpc-0quill01", "traffic_type": "ALL", "log_destination": "arn:old"}
    new = {**old, "name": "vpc-flow-v2", "vpc_id": "vpc-0quill99", "log_destination": "arn:new"}
    changes = [{**entry("old", ["delete"], old, None), "type": "aws_flow_log", "address": "aws_flow_log.old"},
               {**entry("new", ["create"], None, new), "type": "aws_flow_log", "address": "aws_flow_log.new"}]
    label = review_rules_alone(tmp_path, changes).label
    assert label is Label.NEEDS_CLOSE_REVIEW


def test_flow_log_moved_to_a_new_destination_stays_safe(tmp_path: Path) -> None:
    old = {"name": "vpc-flow", "vpc_id": "vpc-0quill01", "traffic_type": "ALL", "log_destination": "arn:old"}
    new = {**old, "name": "vpc-flow-v2", "log_destination": "arn:new"}
    changes = [{**entry("old", ["delete"], old, None), "type": "aws_flow_log", "address": "aws_flow_log.old"},
               {**entry("new", ["create"], None, new), "type": "aws_flow_log", "address": "aws_flow_log.new"}]
    assert review_rules_alone(tmp_path, changes).label is Label.LIKELY_SAFE


def test_single_region_successor_homed_elsewhere_is_high(tmp_path: Path) -> None:
    label, _worst = judged(tmp_path, is_multi_region_trail=False, home_region="us-west-2")
    assert label is Label.NEEDS_CLOSE_REVIEW
