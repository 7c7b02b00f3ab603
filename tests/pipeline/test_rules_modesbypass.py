"""Detection lost through modes, bypass lists and additive policies: an audit selector narrowed to reads, a
recorder excluding security-relevant types, a review-bypass list gaining members, a namespace-wide allow-all
network policy, a paging monitor whose only twin pages less urgently. Each risky change beside a benign look-alike
that stays likely safe."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.helpers import review_rules_alone, worst_by_rule
from tfreview.labels import Label
from tfreview.pipeline.findings import Severity


def entry(address: str, before: Any, after: Any, actions: list[str] | None = None) -> dict[str, Any]:
    """One resource change (an invented provider unless the address names a real type)."""
    kind, name = address.split(".")
    default = ["create"] if before is None else ["delete"] if after is None else ["update"]
    return {"address": address, "mode": "managed", "type": kind, "name": name,
            "provider_name": "registry.terraform.io/acme/acme",
            "change": {"actions": actions or default, "before": before, "after": after, "after_unknown": {},
                       "after_sensitive": {}}}


def judged(tmp_path: Path, *changes: dict[str, Any]) -> tuple[Label, dict[str, Severity]]:
    result = review_rules_alone(tmp_path, list(changes))
    return result.label, worst_by_rule(result)


def trail(selector: dict[str, Any]) -> dict[str, Any]:
    return {"id": "trail-0042", "name": "org-audit", "event_selector": [selector]}


def test_audit_selector_narrowed_to_reads_is_high(tmp_path: Path) -> None:
    for key, old, new in (("read_write_type", "All", "ReadOnly"), ("operation_type", "WRITE_ONLY", "READ_ONLY")):
        label, worst = judged(tmp_path, entry("orbit_audit_trail.org", trail({key: old}), trail({key: new})))
        assert label is Label.NEEDS_CLOSE_REVIEW and worst.get("detection-disabled") is Severity.HIGH, key


def test_audit_selector_widened_to_all_stays_safe(tmp_path: Path) -> None:
    label, worst = judged(tmp_path, entry("orbit_audit_trail.org", trail({"read_write_type": "WriteOnly"}),
                                          trail({"read_write_type": "All"})))
    assert "detection-disabled" not in worst and label is Label.LIKELY_SAFE


def recorder(excluded: list[str]) -> dict[str, Any]:
    return {"id": "rec-main", "name": "main", "recording_group": [
        {"exclusion_by_resource_types": [{"resource_types": excluded}] if excluded else []}]}


def test_recorder_excluding_identity_and_firewall_types_is_high(tmp_path: Path) -> None:
    label, worst = judged(tmp_path, entry("skyline_config_recorder.main", recorder([]),
                                          recorder(["Skyline::IAM::Role", "Skyline::Net::Firewall"])))
    assert label is Label.NEEDS_CLOSE_REVIEW and worst.get("detection-disabled") is Severity.HIGH


def test_recorder_excluding_a_noisy_metrics_type_stays_safe(tmp_path: Path) -> None:
    label, worst = judged(tmp_path, entry("skyline_config_recorder.main", recorder([]),
                                          recorder(["Skyline::Compute::Volume", "Skyline::Metrics::Datapoint"])))
    assert "detection-disabled" not in worst and label is Label.LIKELY_SAFE


def protection(bypassers: list[str]) -> dict[str, Any]:
    return {"id": "bp-main", "pattern": "main", "review_rules": [
        {"required_approving_review_count": 2, "merge_bypassers": bypassers}]}


def test_review_bypass_list_gaining_members_is_high(tmp_path: Path) -> None:
    label, worst = judged(tmp_path, entry("forge_branch_protection.main", protection(["@deploy-bot"]),
                                          protection(["@deploy-bot", "vendors/outsourced-team"])))
    assert label is Label.NEEDS_CLOSE_REVIEW and worst.get("protection-disabled") is Severity.HIGH


def test_review_bypass_list_emptied_or_shortened_stays_safe(tmp_path: Path) -> None:
    for after in ([], ["@deploy-bot"]):
        label, worst = judged(tmp_path, entry("forge_branch_protection.main",
                                              protection(["@deploy-bot", "vendors/outsourced-team"]),
                                              protection(after)))
        assert "protection-disabled" not in worst and label is Label.LIKELY_SAFE, after


def policy(rule: dict[str, Any], pods: dict[str, Any]) -> dict[str, Any]:
    return {"metadata": [{"name": "np-under-test", "namespace": "ledger"}],
            "spec": [{"ingress": [rule], "egress": [], "pod_selector": [{"match_expressions": [], **pods}],
                      "policy_types": ["Ingress"]}]}


def test_new_network_policy_allowing_everything_to_every_pod_is_high(tmp_path: Path) -> None:
    label, worst = judged(tmp_path, entry("kubernetes_network_policy_v1.open_up", None,
                                          policy({"from": [], "ports": []}, {"match_labels": {}})))
    assert label is Label.NEEDS_CLOSE_REVIEW and worst.get("network-open-ingress") is Severity.HIGH


def test_new_network_policy_allowing_one_namespace_on_one_port_stays_safe(tmp_path: Path) -> None:
    rule = {"from": [{"namespace_selector": [{"match_labels": {"team": "billing"}}]}],
            "ports": [{"port": "8443", "protocol": "TCP"}]}
    label, worst = judged(tmp_path, entry("kubernetes_network_policy_v1.billing_in", None,
                                          policy(rule, {"match_labels": {}})))
    assert worst.get("network-open-ingress") is not Severity.HIGH and label is Label.LIKELY_SAFE


def monitor(ident: str, name: str, priority: str) -> dict[str, Any]:
    return {"id": ident, "name": name, "type": "metric alert", "priority": priority,
            "query": "avg(last_5m):avg:ledger.errors{env:prod} > 5", "message": "Ledger errors @oncall-ledger"}


def test_paging_monitor_deleted_beside_a_less_urgent_twin_is_high(tmp_path: Path) -> None:
    label, worst = judged(tmp_path,
                          entry("skyline_monitor.errors_p1", monitor("m-1", "ledger errors", "1"), None),
                          entry("skyline_monitor.errors_p3", monitor("m-3", "ledger errors low", "3"),
                                monitor("m-3", "ledger errors low", "3"), ["no-op"]))
    assert label is Label.NEEDS_CLOSE_REVIEW and worst.get("resource-delete") is Severity.HIGH


def test_paging_monitor_deleted_beside_an_equally_urgent_twin_stays_safe(tmp_path: Path) -> None:
    label, worst = judged(tmp_path,
                          entry("skyline_monitor.errors_old", monitor("m-1", "ledger errors", "P1"), None),
                          entry("skyline_monitor.errors_new", monitor("m-3", "ledger errors v2", "P1"),
                                monitor("m-3", "ledger errors v2", "P1"), ["no-op"]))
    assert worst.get("resource-delete") is not Severity.HIGH and label is Label.LIKELY_SAFE


def test_bypass_actor_added_to_a_rule_set_that_requires_no_review_stays_safe(tmp_path: Path) -> None:
    def tag_rules(actors: list[dict[str, Any]]) -> dict[str, Any]:
        return {"id": "rs-tags", "target": "tag", "bypass_actors": actors,
                "rules": [{"deletion": True, "non_fast_forward": True, "pull_request": []}]}
    label, worst = judged(tmp_path, entry("forge_repository_ruleset.tags", tag_rules([]),
                                          tag_rules([{"actor_id": 77, "actor_type": "Integration"}])))
    assert "protection-disabled" not in worst and label is Label.LIKELY_SAFE


def test_bypass_actor_added_to_a_rule_set_requiring_review_is_high(tmp_path: Path) -> None:
    def main_rules(actors: list[dict[str, Any]]) -> dict[str, Any]:
        return {"id": "rs-main", "target": "branch", "bypass_actors": actors,
                "rules": [{"pull_request": [{"required_approving_review_count": 1}]}]}
    label, worst = judged(tmp_path, entry("forge_repository_ruleset.main", main_rules([]),
                                          main_rules([{"actor_id": 77, "actor_type": "Team"}])))
    assert label is Label.NEEDS_CLOSE_REVIEW and worst.get("protection-disabled") is Severity.HIGH
