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


def ruleset(before: list[dict[str, Any]], after: list[dict[str, Any]], rtype: str, key: str) -> dict[str, Any]:
    return {"address": f"{rtype}.waf", "mode": "managed", "type": rtype, "name": "waf",
            "change": {"actions": ["update"], "before": {"name": "waf", key: before},
                       "after": {"name": "waf", key: after}, "after_unknown": {}}}


def test_a_cloudflare_managed_ruleset_no_longer_executed_is_a_loss_and_a_skip_rule_removed_is_not(
        tmp_path: Path) -> None:
    execute = {"action": "execute", "action_parameters": [{"id": "efb7b8c949ac4650a09736fc376e9aee"}],
               "expression": "true"}
    block = {"action": "block", "expression": '(http.request.uri.path contains "/admin")'}
    skip = {"action": "skip", "action_parameters": [{"ruleset": "current"}], "expression": "ip.src in {192.0.2.0/24}"}
    dropped = ruleset([execute, block], [block], "cloudflare_ruleset", "rules")
    assert detection(tmp_path, dropped) is Severity.HIGH
    reordered = ruleset([execute, block], [block, execute], "cloudflare_ruleset", "rules")
    assert detection(tmp_path, reordered) is None
    assert detection(tmp_path, ruleset([skip, execute, block], [execute, block], "cloudflare_ruleset", "rules")) \
        is None


def test_a_cloud_armor_preconfigured_waf_rule_removed_is_a_loss(tmp_path: Path) -> None:
    def rule(priority: int, expression: str) -> dict[str, Any]:
        return {"action": "deny(403)", "priority": priority, "match": [{"expr": [{"expression": expression}]}]}
    sqli = rule(1000, "evaluatePreconfiguredWaf('sqli-v33-stable', {'sensitivity': 1})")
    geo = rule(900, "origin.region_code == 'KP'")
    assert detection(tmp_path, ruleset([sqli, geo], [geo], "google_compute_security_policy", "rule")) \
        is Severity.HIGH
    renumbered = rule(2000, "evaluatePreconfiguredWaf('sqli-v33-stable', {'sensitivity': 2})")
    assert detection(tmp_path, ruleset([sqli, geo], [renumbered, geo], "google_compute_security_policy", "rule")) \
        is None
