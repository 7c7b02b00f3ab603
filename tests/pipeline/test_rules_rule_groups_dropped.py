"""A WAF's rules that each run a whole managed or shared rule group, dropped from its rules list, let through the
attacks they caught; the same groups re-ordered, renamed or moved from count to block are not a loss."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.helpers import review_rules_alone, worst_by_rule
from tfreview.pipeline.findings import Severity


def group(name: str, priority: int, rule_name: str | None = None, mode: str = "none") -> dict[str, Any]:
    statement = {"managed_rule_group_statement": [{"name": name, "vendor_name": "AWS"}]}
    return {"name": rule_name or name, "priority": priority, "action": [],
            "override_action": [{"count": [{}] if mode == "count" else [], "none": [{}] if mode == "none" else []}],
            "statement": [statement]}


def geo_block() -> dict[str, Any]:
    return {"name": "geo-block", "priority": 5, "action": [{"block": [{}]}], "override_action": [],
            "statement": [{"geo_match_statement": [{"country_codes": ["KP"]}]}]}


def acl(before: list[dict[str, Any]], after: list[dict[str, Any]]) -> dict[str, Any]:
    common = {"name": "edge", "scope": "CLOUDFRONT", "default_action": [{"allow": [{}], "block": []}]}
    return {"address": "aws_wafv2_web_acl.edge", "mode": "managed", "type": "aws_wafv2_web_acl", "name": "edge",
            "change": {"actions": ["update"], "before": {**common, "rule": before},
                       "after": {**common, "rule": after}, "after_unknown": {}}}


def detection(tmp_path: Path, change: dict[str, Any]) -> Severity | None:
    return worst_by_rule(review_rules_alone(tmp_path, [change])).get("detection-disabled")


def test_managed_groups_dropped_for_a_small_rule_need_close_review(tmp_path: Path) -> None:
    before = [group("AWSManagedRulesCommonRuleSet", 10), group("AWSManagedRulesSQLiRuleSet", 11)]
    assert detection(tmp_path, acl(before, [geo_block()])) is Severity.HIGH
    only_override = [{"name": "AWSManagedRulesCommonRuleSet", "priority": 10,
                      "override_action": [{"count": [], "none": [{}]}]}]
    assert detection(tmp_path, acl(only_override, [geo_block()])) is Severity.HIGH


def test_groups_reordered_renamed_or_enforced_are_no_loss(tmp_path: Path) -> None:
    before = [group("AWSManagedRulesCommonRuleSet", 10, mode="count"), group("AWSManagedRulesSQLiRuleSet", 11)]
    after = [geo_block(), group("AWSManagedRulesSQLiRuleSet", 1, rule_name="sqli"),
             group("AWSManagedRulesCommonRuleSet", 2, rule_name="common")]
    assert detection(tmp_path, acl(before, after)) is None
