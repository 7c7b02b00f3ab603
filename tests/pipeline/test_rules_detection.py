"""Detection weakened by meaning, on any provider (rules/unreachable.py, rules/blinding.py): an alert condition that
can no longer fire (threshold raised tenfold or to an absurd value, comparison flipped, a window or its query's
window stretched tenfold) and findings auto-closed by class (a type prefix or wildcard, a whole severity band); each
beside a benign look-alike (modest tuning, a narrow suppression, a saved view) that stays likely safe."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.helpers import review_rules_alone, worst_by_rule
from tfreview.labels import Label
from tfreview.pipeline.findings import Severity

DETECTION = "detection-disabled"


def entry(address: str, before: Any, after: Any, provider: str = "acme/acme") -> dict[str, Any]:
    """One resource change of `terraform show -json`."""
    kind, name = address.split(".")
    actions = ["create"] if before is None else ["delete"] if after is None else ["update"]
    return {"address": address, "mode": "managed", "type": kind, "name": name,
            "provider_name": f"registry.terraform.io/{provider}",
            "change": {"actions": actions, "before": before, "after": after, "after_unknown": {},
                       "after_sensitive": {}}}


def judged(tmp_path: Path, *changes: dict[str, Any]) -> tuple[Label, dict[str, Severity]]:
    result = review_rules_alone(tmp_path, list(changes))
    return result.label, worst_by_rule(result)


def high(found: tuple[Label, dict[str, Severity]]) -> bool:
    return found[1].get(DETECTION) is Severity.HIGH and found[0] is Label.NEEDS_CLOSE_REVIEW


def safe(found: tuple[Label, dict[str, Severity]]) -> bool:
    return found[0] is Label.LIKELY_SAFE


# --- thresholds ---------------------------------------------------------------------------------------------


def dd_monitor(query: str, critical: str, name: str = "[SEC] root login") -> dict[str, Any]:
    return {"name": name, "type": "log alert", "query": query, "message": "@pagerduty-secops",
            "monitor_thresholds": [{"critical": critical, "warning": ""}]}


def test_a_security_monitor_threshold_raised_to_an_absurd_value_is_high(tmp_path: Path) -> None:
    old = dd_monitor('logs("@evt.name:ConsoleLogin root").last("5m") > 0', "0")
    new = dd_monitor('logs("@evt.name:ConsoleLogin root").last("5m") > 1000000', "1000000")
    assert high(judged(tmp_path, entry("datadog_monitor.root", old, new, "datadog/datadog")))


def test_an_invented_siem_rule_threshold_raised_tenfold_is_high(tmp_path: Path) -> None:
    old = {"name": "brute force", "alert_threshold": 5, "comparator": "greater_than", "notify": ["secops"]}
    new = {**old, "alert_threshold": 50}
    assert high(judged(tmp_path, entry("watchtower_detection_rule.bruteforce", old, new)))


def test_a_cloudwatch_alarm_below_threshold_lowered_tenfold_is_high(tmp_path: Path) -> None:
    old = {"alarm_name": "healthy-hosts", "comparison_operator": "LessThanThreshold", "threshold": 2,
           "evaluation_periods": 1, "period": 60, "alarm_actions": ["arn:aws:sns:eu-west-1:1:ops"]}
    new = {**old, "threshold": 0.1}
    assert high(judged(tmp_path, entry("aws_cloudwatch_metric_alarm.hosts", old, new, "hashicorp/aws")))


def test_a_kibana_rule_threshold_inside_its_json_params_raised_is_high(tmp_path: Path) -> None:
    def rule(threshold: int) -> dict[str, Any]:
        return {"name": "ssh brute force", "rule_type_id": ".index-threshold", "params": json.dumps(
            {"threshold": [threshold], "thresholdComparator": ">", "timeWindowSize": 5, "timeWindowUnit": "m"})}
    change = entry("elasticstack_kibana_alerting_rule.ssh", rule(0), rule(5000), "elastic/elasticstack")
    assert high(judged(tmp_path, change))


def test_a_latency_threshold_tuned_modestly_stays_safe(tmp_path: Path) -> None:
    old = dd_monitor("avg(last_10m):p99:trace.http.request.duration{service:api} > 0.5", "0.5", "[API] p99")
    new = dd_monitor("avg(last_10m):p99:trace.http.request.duration{service:api} > 0.75", "0.75", "[API] p99")
    assert safe(judged(tmp_path, entry("datadog_monitor.api", old, new, "datadog/datadog")))


def test_a_failed_login_count_from_any_to_a_few_stays_safe(tmp_path: Path) -> None:
    def monitor(threshold: int) -> dict[str, Any]:
        return {"name": "failed logins", "trigger_conditions": [{"logs_static_condition": [{"critical": [
            {"time_range": "-15m", "alert": [{"threshold": threshold, "threshold_type": "GreaterThan"}]}]}]}]}
    assert safe(judged(tmp_path, entry("sumologic_monitor.logins", monitor(0), monitor(10), "sumologic/sumologic")))
    assert high(judged(tmp_path, entry("sumologic_monitor.logins", monitor(0), monitor(500), "sumologic/sumologic")))


def test_a_below_alarm_raised_is_stricter_and_stays_safe(tmp_path: Path) -> None:
    old = {"alarm_name": "healthy-hosts", "comparison_operator": "LessThanThreshold", "threshold": 1}
    new = {**old, "threshold": 20}
    assert safe(judged(tmp_path, entry("aws_cloudwatch_metric_alarm.hosts", old, new, "hashicorp/aws")))


# --- windows and comparisons --------------------------------------------------------------------------------


def nr_condition(duration: int, threshold: float = 0) -> dict[str, Any]:
    return {"name": "sudo on bastion", "critical": [{"operator": "above", "threshold": threshold,
                                                     "threshold_duration": duration}]}


def test_a_condition_window_stretched_to_a_day_is_high(tmp_path: Path) -> None:
    change = entry("newrelic_nrql_alert_condition.sudo", nr_condition(60), nr_condition(86400), "newrelic/newrelic")
    assert high(judged(tmp_path, change))


def test_a_prometheus_rule_for_stretched_in_a_manifest_is_high(tmp_path: Path) -> None:
    def manifest(hold: str) -> dict[str, Any]:
        return {"manifest": {"apiVersion": "monitoring.coreos.com/v1", "kind": "PrometheusRule",
                             "spec": {"groups": [{"name": "sec", "rules": [
                                 {"alert": "KubeAPIExec", "expr": "sum(rate(exec_total[5m])) > 0", "for": hold}]}]}}}
    change = entry("kubernetes_manifest.sec_rules", manifest("1m"), manifest("12h"), "hashicorp/kubernetes")
    assert high(judged(tmp_path, change))


def test_a_comparison_flipped_is_high(tmp_path: Path) -> None:
    old = {"display_name": "admin role granted", "conditions": [{"condition_threshold": {
        "comparison": "COMPARISON_GT", "threshold_value": 0, "duration": "60s"}}]}
    new = {"display_name": "admin role granted", "conditions": [{"condition_threshold": {
        "comparison": "COMPARISON_LT", "threshold_value": 0, "duration": "60s"}}]}
    assert high(judged(tmp_path, entry("google_monitoring_alert_policy.admin", old, new, "hashicorp/google")))


def test_a_rule_run_more_often_and_a_window_doubled_stay_safe(tmp_path: Path) -> None:
    old = {"name": "impossible travel", "query_frequency": "PT1H", "trigger_threshold": 0,
           "trigger_operator": "GreaterThan"}
    new = {**old, "query_frequency": "PT15M"}
    assert safe(judged(tmp_path, entry("azurerm_sentinel_alert_rule_scheduled.travel", old, new, "hashicorp/azurerm")))
    change = entry("newrelic_nrql_alert_condition.p95", nr_condition(300, 1.5), nr_condition(600, 2),
                   "newrelic/newrelic")
    assert safe(judged(tmp_path, change))


def test_a_query_window_stretched_tenfold_on_another_provider_is_high(tmp_path: Path) -> None:
    old = {"name": "[SEC] key created", "query": "events('iam').rollup('count').last('5m') > 0"}
    new = {**old, "query": "events('iam').rollup('count').last('1d') > 0"}
    assert high(judged(tmp_path, entry("acmewatch_monitor.key", old, new)))


# --- findings closed by class -------------------------------------------------------------------------------


def gd_filter(action: str, *criterion: dict[str, Any]) -> dict[str, Any]:
    return {"name": "triage", "action": action, "rank": 1, "detector_id": "b6c5d4e3f2a1",
            "criteria": [{"criterion": list(criterion)}]}


def test_findings_archived_by_a_type_prefix_are_high(tmp_path: Path) -> None:
    after = gd_filter("ARCHIVE", {"field": "type", "matches": ["CredentialAccess:*"]},
                      {"field": "severity", "greater_than_or_equal": "1"})
    assert high(judged(tmp_path, entry("aws_guardduty_filter.noise", None, after, "hashicorp/aws")))


def test_hub_findings_suppressed_by_a_title_prefix_are_high(tmp_path: Path) -> None:
    after = {"name": "quiet", "actions": [{"type": "FINDING_FIELDS_UPDATE",
                                           "finding_fields_update": [{"workflow": [{"status": "SUPPRESSED"}]}]}],
             "criteria": [{"title": [{"comparison": "PREFIX", "value": "IAM"}]}]}
    assert high(judged(tmp_path, entry("aws_securityhub_automation_rule.quiet", None, after, "hashicorp/aws")))


def test_a_whole_severity_band_archived_is_high(tmp_path: Path) -> None:
    after = gd_filter("ARCHIVE", {"field": "severity", "less_than": "7"})
    assert high(judged(tmp_path, entry("aws_guardduty_filter.below_high", None, after, "hashicorp/aws")))


def test_a_saved_view_and_a_one_instance_suppression_stay_safe(tmp_path: Path) -> None:
    view = gd_filter("NOOP", {"field": "severity", "greater_than_or_equal": "7"})
    assert safe(judged(tmp_path, entry("aws_guardduty_filter.view", None, view, "hashicorp/aws")))
    one = gd_filter("ARCHIVE", {"field": "type", "equals": ["Recon:EC2/PortProbeUnprotectedPort"]},
                    {"field": "resource.instanceDetails.instanceId", "equals": ["i-0abc1234def567890"]})
    assert safe(judged(tmp_path, entry("aws_guardduty_filter.scanner", None, one, "hashicorp/aws")))


def test_only_the_low_band_suppressed_stays_safe_and_the_medium_band_is_high(tmp_path: Path) -> None:
    def rule(*labels: str) -> dict[str, Any]:
        return {"name": "quiet", "actions": [{"type": "FINDING_FIELDS_UPDATE",
                                              "finding_fields_update": [{"workflow": [{"status": "SUPPRESSED"}]}]}],
                "criteria": [{"severity_label": [{"comparison": "EQUALS", "value": v} for v in labels]}]}
    low = entry("aws_securityhub_automation_rule.low", None, rule("INFORMATIONAL", "LOW"), "hashicorp/aws")
    assert safe(judged(tmp_path, low))
    medium = entry("aws_securityhub_automation_rule.medium", None, rule("LOW", "MEDIUM"), "hashicorp/aws")
    assert high(judged(tmp_path, medium))
