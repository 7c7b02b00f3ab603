"""Monitoring, alerting and enforcement modes judged by what attributes mean, each with a benign look-alike."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.helpers import review_rules_alone, worst_by_rule
from tfreview.pipeline.findings import Severity


def resource(address: str, after: Any, before: Any = None, actions: list[str] | None = None,
             reason: str | None = None) -> dict[str, Any]:
    """One resource change entry of `terraform show -json` (module addresses allowed)."""
    parts = address.split(".")
    module = ".".join(parts[:2]) if parts[0] == "module" else ""
    kind, name = parts[-2], parts[-1].split("[")[0]
    actions = actions or (["create"] if before is None else ["update"] if after is not None else ["delete"])
    entry: dict[str, Any] = {"address": address, "mode": "managed", "type": kind, "name": name,
                             "provider_name": "registry.terraform.io/acme/acme",
                             "change": {"actions": actions, "before": before, "after": after, "after_unknown": {},
                                        "after_sensitive": {}}}
    if module:
        entry["module_address"] = module
    if reason:
        entry["action_reason"] = reason
    return entry


def judge(tmp_path: Path, changes: list[dict[str, Any]]) -> dict[str, Severity]:
    """Review a plan with rules alone: {rule: worst severity}."""
    return worst_by_rule(review_rules_alone(tmp_path, changes))


def one(tmp_path: Path, resource_type: str, before: Any, after: Any) -> dict[str, Severity]:
    """Findings of a plan that updates (or, with BEFORE None, creates) one resource."""
    return judge(tmp_path, [resource(f"{resource_type}.x", after, before=before)])


# --- silencers: long, or over many services -----------------------------------------------------------

def _window(start: str, end: str, services: list[str]) -> dict[str, Any]:
    return {"start_time": start, "end_time": end, "description": "upgrade", "services": services}


def test_a_three_week_maintenance_window_mutes_monitoring(tmp_path: Path) -> None:
    window = _window("2026-12-01T18:00:00Z", "2026-12-22T18:00:00Z", ["PSVC1"])
    assert one(tmp_path, "opsbell_maintenance_window", None, window).get("monitoring-muted") is Severity.HIGH


def test_a_window_over_many_services_mutes_monitoring(tmp_path: Path) -> None:
    window = _window("2026-12-01T18:00:00Z", "2026-12-01T20:00:00Z", [f"PSVC{i}" for i in range(7)])
    assert one(tmp_path, "opsbell_maintenance_window", None, window).get("monitoring-muted") is Severity.HIGH


def test_a_two_hour_window_on_one_service_is_quiet(tmp_path: Path) -> None:
    window = _window("2026-12-01T18:00:00Z", "2026-12-01T20:00:00Z", ["PSVC1"])
    assert "monitoring-muted" not in one(tmp_path, "opsbell_maintenance_window", None, window)


# --- enforcement ladders, strictness levels -----------------------------------------------------------

@pytest.mark.parametrize("key", ["mode", "enforcement_mode"])
def test_waf_from_block_to_detect_only_is_detection_lost(tmp_path: Path, key: str) -> None:
    found = one(tmp_path, "shieldly_waf_policy", {"name": "edge", key: "block"}, {"name": "edge", key: "detect_only"})
    assert found.get("detection-disabled") is Severity.HIGH


def test_waf_paranoia_level_lowered_is_detection_lost(tmp_path: Path) -> None:
    found = one(tmp_path, "shieldly_waf_policy", {"name": "edge", "mode": "block", "paranoia_level": 3},
                {"name": "edge", "mode": "block", "paranoia_level": 1})
    assert found.get("detection-disabled") is Severity.HIGH


@pytest.mark.parametrize(("before", "after"), [
    ({"name": "edge", "mode": "detect", "paranoia_level": 1}, {"name": "edge", "mode": "block", "paranoia_level": 2}),
    ({"name": "edge", "mode": "block", "custom_rule": [{"name": "geo", "action": "block"}]},
     {"name": "edge", "mode": "block", "custom_rule": [{"name": "geo-eu", "action": "block"}]}),
])
def test_waf_made_stricter_or_a_custom_rule_edited_is_quiet(tmp_path: Path, before: Any, after: Any) -> None:
    assert "detection-disabled" not in one(tmp_path, "shieldly_waf_policy", before, after)


def test_a_managed_rule_set_removed_is_detection_lost(tmp_path: Path) -> None:
    found = one(tmp_path, "shieldly_waf_policy", {"name": "edge", "managed_rulesets": ["owasp_core", "bots"]},
                {"name": "edge", "managed_rulesets": ["bots"]})
    assert found.get("detection-disabled") is Severity.HIGH


@pytest.mark.parametrize(("before", "after"), [
    (["bots"], ["owasp_core", "bots"]),
    ([{"type": "OWASP", "version": "3.2"}], [{"type": "OWASP", "version": "4.0"}]),
])
def test_a_rule_set_added_or_upgraded_is_quiet(tmp_path: Path, before: Any, after: Any) -> None:
    found = one(tmp_path, "shieldly_waf_policy", {"name": "edge", "managed_rule_set": before},
                {"name": "edge", "managed_rule_set": after})
    assert "detection-disabled" not in found


# --- alerting downgraded --------------------------------------------------------------------------------

def _service(urgency: str) -> dict[str, Any]:
    return {"name": "payments", "escalation_policy": "P1", "incident_urgency_rule": [{"type": "constant",
                                                                                       "urgency": urgency}]}


def test_incident_urgency_high_to_low_is_alerting_downgraded(tmp_path: Path) -> None:
    found = one(tmp_path, "opsbell_alerting_service", _service("high"), _service("low"))
    assert found.get("detection-disabled") is Severity.HIGH


def test_incident_urgency_raised_is_quiet(tmp_path: Path) -> None:
    assert "detection-disabled" not in one(tmp_path, "opsbell_alerting_service", _service("low"), _service("high"))


# --- monitors retired with their whole module -----------------------------------------------------------

def _monitor(env: str) -> dict[str, Any]:
    return {"name": f"[{env}] search latency", "query": "avg(last_5m):p99:latency{service:search} > 2"}


def _search_monitors() -> list[dict[str, Any]]:
    return [resource(f'module.search_obs.acmewatch_monitor.latency["{k}"]', None, before=_monitor("prod"),
                     reason="delete_because_no_module") for k in ("p99", "errors")]


def test_a_module_holding_only_monitoring_retired_with_its_service_is_not_close_review(tmp_path: Path) -> None:
    service = resource("acme_search_service.search", None, before={"name": "search", "replicas": 3},
                       reason="delete_because_no_resource_config")
    result = review_rules_alone(tmp_path, [*_search_monitors(), service])
    assert all(f.severity is Severity.MEDIUM for f in result.findings if "acmewatch_monitor" in (f.address or ""))


def test_a_module_holding_only_monitoring_removed_while_its_service_runs_stays_high(tmp_path: Path) -> None:
    """Session 30: nothing left watches the service (an unseen writer's plan; the earlier stance read it medium)."""
    assert worst_by_rule(review_rules_alone(tmp_path, _search_monitors())).get("resource-delete") is Severity.HIGH


def test_a_prod_monitor_deleted_alone_stays_high(tmp_path: Path) -> None:
    changes = [resource("acmewatch_monitor.latency", None, before=_monitor("prod"),
                        reason="delete_because_no_resource_config")]
    assert judge(tmp_path, changes).get("resource-delete") is Severity.HIGH


def test_a_module_with_monitors_and_a_database_going_stays_high(tmp_path: Path) -> None:
    changes = [resource("module.search.acmewatch_monitor.latency", None, before=_monitor("prod"),
                        reason="delete_because_no_module"),
               resource("module.search.aws_db_instance.main", None, before={"identifier": "search"},
                        reason="delete_because_no_module")]
    assert judge(tmp_path, changes).get("resource-delete") is Severity.HIGH


# --- scale-to-zero: a minimum of 0 only allows zero ---------------------------------------------------

def _nodes(low: int, desired: int, high: int) -> dict[str, Any]:
    return {"node_group_name": "workers", "scaling_config": [{"min_size": low, "max_size": high,
                                                             "desired_size": desired}]}


def test_minimum_size_to_zero_is_medium(tmp_path: Path) -> None:
    assert one(tmp_path, "aws_eks_node_group", _nodes(1, 2, 6), _nodes(0, 2, 6)).get("scaled-to-zero") \
        is Severity.MEDIUM


@pytest.mark.parametrize("after", [_nodes(0, 0, 6), _nodes(0, 0, 0)])
def test_desired_or_maximum_to_zero_stays_high(tmp_path: Path, after: dict[str, Any]) -> None:
    assert one(tmp_path, "aws_eks_node_group", _nodes(1, 2, 6), after).get("scaled-to-zero") is Severity.HIGH


@pytest.mark.parametrize(("tags", "severity"), [({"env": "dev"}, Severity.MEDIUM),
                                                 ({"env": "prod"}, Severity.HIGH),
                                                 ({"env": "staging", "tier": "production"}, Severity.HIGH),
                                                 ({}, Severity.HIGH)])
def test_desired_to_zero_is_medium_only_where_the_tags_say_non_production(
        tmp_path: Path, tags: dict[str, str], severity: Severity) -> None:
    before, after = {**_nodes(1, 2, 6), "tags": tags}, {**_nodes(0, 0, 6), "tags": tags}
    assert one(tmp_path, "aws_eks_node_group", before, after).get("scaled-to-zero") is severity


def test_prod_service_desired_count_to_zero_stays_high(tmp_path: Path) -> None:
    before = {"name": "api", "desired_count": 3, "tags": {"environment": "production"}}
    after = {"name": "api", "desired_count": 0, "tags": {"environment": "production"}}
    assert one(tmp_path, "aws_ecs_service", before, after).get("scaled-to-zero") is Severity.HIGH


def test_firewall_rule_action_block_to_log_is_high(tmp_path: Path) -> None:
    """A WAF ruleset's managed-rule override switched from block to log (Cloudflare rulesets, any provider's)."""
    def ruleset(action: str) -> dict[str, Any]:
        return {"name": "zone waf", "phase": "http_request_firewall_managed", "rules": [
            {"action": "execute", "action_parameters": [{"id": "owasp", "overrides": [{"action": action}]}]}]}

    change = {"address": "zeta_ruleset.waf", "mode": "managed", "type": "zeta_ruleset", "name": "waf",
              "provider_name": "registry.example.com/acme/zeta",
              "change": {"actions": ["update"], "before": ruleset("block"), "after": ruleset("log"),
                         "after_unknown": {}}}
    result = review_rules_alone(tmp_path, [change])
    assert worst_by_rule(result).get("detection-disabled") == Severity.HIGH
    change["change"] = {**change["change"], "before": ruleset("log"), "after": ruleset("block")}
    assert review_rules_alone(tmp_path, [change]).label.value == "likely_safe"
