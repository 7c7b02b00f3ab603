"""Detection and response weakened by meaning, second pass (rules/predicates.py, blinding.py, recipients.py,
vocabulary/signals.py): findings closed by criteria an ordinary finding meets (every product but a test one, a
severity band OR one category); alerts routed to a receiver that delivers nowhere (a `null` receiver, notify type
`none`, a contact point on loopback or the discard port) or with delivery switched off. Each risky case comes with a
second provider or shape and a benign look-alike (real tuning that keeps detection working) that stays likely safe."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.pipeline.test_rules_detection import entry, high, judged, safe
from tfreview.pipeline.findings import Severity
from tfreview.pipeline.rules.findingclasses import class_wide

# --- findings closed by criteria an ordinary finding meets ------------------------------------------------------


def _automation(criteria: dict[str, Any], status: str = "SUPPRESSED") -> dict[str, Any]:
    return {"rule_name": "weekly", "rule_status": "ENABLED", "criteria": [criteria],
            "actions": [{"type": "FINDING_FIELDS_UPDATE",
                         "finding_fields_update": [{"workflow": [{"status": status}]}]}]}


def test_a_suppression_of_every_product_but_a_test_one_takes_the_whole_class(tmp_path: Path) -> None:
    criteria = {"product_name": [{"comparison": "NOT_EQUALS", "value": "Inspector-Test"}],
                "record_state": [{"comparison": "EQUALS", "value": "ACTIVE"}]}
    assert high(judged(tmp_path, entry("aws_securityhub_automation_rule.triage", None, _automation(criteria))))


def test_a_mute_of_a_severity_band_or_one_category_takes_the_whole_band(tmp_path: Path) -> None:
    before = {"filter": 'category="PUBLIC_LOG_BUCKET" AND resource.project_display_name="sandbox"'}
    after = {"filter": 'severity="HIGH" OR severity="CRITICAL" OR category="PUBLIC_LOG_BUCKET"'}
    assert high(judged(tmp_path, entry("google_scc_mute_config.tuning", before, after, "hashicorp/google")))
    # An invented findings service's silence, same meaning.
    assert high(judged(tmp_path, entry("wardex_finding_silence.q4", before, after)))


def test_an_archive_filter_on_the_severity_words_of_every_band_is_class_wide(tmp_path: Path) -> None:
    def macie(levels: list[str]) -> dict[str, Any]:
        return {"action": "ARCHIVE", "name": "archive-low-noise",
                "finding_criteria": [{"criterion": [{"field": "severity.description", "eq": levels}]}]}
    every = macie(["Low", "Medium", "High"])
    assert high(judged(tmp_path, entry("aws_macie2_findings_filter.low", macie(["Low"]), every)))
    assert safe(judged(tmp_path, entry("aws_macie2_findings_filter.low", macie(["Low", "Medium"]), macie(["Low"]))))


def test_triage_that_names_a_resource_an_account_or_one_type_stays_narrow() -> None:
    assert not class_wide({"product_name": [{"comparison": "EQUALS", "value": "Inspector"}],
                           "resource_id": [{"comparison": "EQUALS", "value": "arn:aws:ec2:1:2:instance/i-1"}]})
    assert not class_wide('severity="LOW" AND NOT type="Policy:IAMUser/RootCredentialUsage"')
    assert not class_wide('severity="HIGH" AND category="PUBLIC_LOG_BUCKET"')
    assert class_wide('NOT product_name="Inspector-Test" AND record_state="ACTIVE"')


def test_a_suppression_that_only_raises_severity_or_a_narrow_mute_stays_safe(tmp_path: Path) -> None:
    criteria = {"aws_account_id": [{"comparison": "EQUALS", "value": "111122223333"}]}
    assert safe(judged(tmp_path, entry("aws_securityhub_automation_rule.prod", None, {
        "rule_name": "prod", "criteria": [criteria],
        "actions": [{"type": "FINDING_FIELDS_UPDATE", "finding_fields_update": [{"severity": [{"label": "HIGH"}]}]}]})))
    before = {"filter": 'category="PUBLIC_LOG_BUCKET" AND resource.project_display_name="sandbox"', "description": "a"}
    assert safe(judged(tmp_path, entry("google_scc_mute_config.sandbox", before, {**before, "description": "b"},
                                       "hashicorp/google")))


# --- alerts routed to a receiver that delivers nowhere ----------------------------------------------------------


def test_a_routing_rule_whose_notify_type_becomes_none_reaches_nobody(tmp_path: Path) -> None:
    before = {"name": "security", "notify": [{"type": "escalation", "name": "secops", "id": "e1"}]}
    after = {"name": "security", "notify": [{"type": "none", "name": "", "id": ""}]}
    assert high(judged(tmp_path, entry("opsgenie_team_routing_rule.security", before, after, "opsgenie/opsgenie")))
    moved = {"name": "security", "notify": [{"type": "escalation", "name": "secops-24x7", "id": "e2"}]}
    assert safe(judged(tmp_path, entry("opsgenie_team_routing_rule.security", before, moved, "opsgenie/opsgenie")))


def _chart(receiver: str, replicas: int = 1) -> dict[str, Any]:
    values = (f"grafana:\n  replicas: {replicas}\nalertmanager:\n  config:\n    route:\n      receiver: {receiver}\n"
              "      group_by: [alertname]\n")
    return {"name": "kps", "chart": "kube-prometheus-stack", "version": "65.1.1", "values": [values]}


def test_an_alertmanager_default_route_sent_to_the_null_receiver_reaches_nobody(tmp_path: Path) -> None:
    found = judged(tmp_path, entry("helm_release.kps", _chart("pagerduty-secops"), _chart('"null"'), "hashicorp/helm"))
    assert high(found)
    assert safe(judged(tmp_path, entry("helm_release.kps", _chart("pagerduty-secops"), _chart("pagerduty-secops", 2),
                                       "hashicorp/helm")))
    # Moving from the null receiver to a real one is a repair.
    assert safe(judged(tmp_path, entry("helm_release.kps", _chart('"null"'), _chart("pagerduty-secops"),
                                       "hashicorp/helm")))


def test_a_workflow_whose_destinations_are_switched_off_reaches_nobody(tmp_path: Path) -> None:
    before = {"name": "secops", "destinations_enabled": True, "muting_rules_handling": "NOTIFY_ALL_ISSUES"}
    assert high(judged(tmp_path, entry("newrelic_workflow.secops", before, {**before, "destinations_enabled": False},
                                       "newrelic/newrelic")))
    assert high(judged(tmp_path, entry("pagerbell_route.secops", {"name": "s", "send_notifications": True},
                                       {"name": "s", "send_notifications": False})))
    skip = {**before, "muting_rules_handling": "DONT_NOTIFY_FULLY_MUTED_ISSUES"}
    assert safe(judged(tmp_path, entry("newrelic_workflow.secops", before, skip, "newrelic/newrelic")))


def _policy_plan(url: str, provider: str = "grafana/grafana") -> list[dict[str, Any]]:
    sink = entry("grafana_contact_point.sink", None, {"name": "maintenance", "webhook": [{"url": url}]}, provider)
    policy = entry("grafana_notification_policy.root", {"contact_point": "secops-pager", "group_wait": "30s"},
                   {"contact_point": "maintenance", "group_wait": "30s"}, provider)
    return [sink, policy]


def test_a_policy_routed_to_a_contact_point_on_loopback_or_the_discard_port_reaches_nobody(tmp_path: Path) -> None:
    found = judged(tmp_path, *_policy_plan("http://127.0.0.1:9/"))
    assert found[1].get("alerts-to-empty-team") is Severity.HIGH
    assert judged(tmp_path, *_policy_plan("https://localhost/hook"))[1].get("alerts-to-empty-team") is Severity.HIGH
    assert judged(tmp_path, *_policy_plan("https://alerts.example.net:9/x"))[1].get("alerts-to-empty-team") \
        is Severity.HIGH


def test_a_policy_routed_to_a_real_new_contact_point_stays_safe(tmp_path: Path) -> None:
    assert safe(judged(tmp_path, *_policy_plan("https://events.pagerduty.com/integration/abc/enqueue")))


# --- alert conditions made unreachable: new shapes --------------------------------------------------------------


def _prom_rule(expr: str, hold: str = "1m") -> dict[str, Any]:
    rules = {"alert": "FalcoCritical", "expr": expr, "for": hold}
    return {"manifest": {"apiVersion": "monitoring.coreos.com/v1", "kind": "PrometheusRule",
                         "spec": {"groups": [{"name": "runtime", "rules": [rules]}]}}}


def test_a_prometheus_rule_neutralised_by_unless_on_vector_never_fires(tmp_path: Path) -> None:
    expr = 'sum by (ns) (rate(falco_events{priority="Critical"}[5m])) > 0'
    found = judged(tmp_path, entry("kubernetes_manifest.rules", _prom_rule(expr),
                                   _prom_rule(expr + " unless on() vector(1)"), "hashicorp/kubernetes"))
    assert high(found)
    # An invented provider's alert with the same idiom.
    assert high(judged(tmp_path, entry("vmetrics_alert_rule.sudo", {"expr": "count(sudo_total) > 0"},
                                       {"expr": "count(sudo_total) > 0 unless on () vector(0)"})))
    # Damping flaps with a longer `for:` keeps the alert; a maintenance silence by a real series is conditional.
    assert safe(judged(tmp_path, entry("kubernetes_manifest.rules", _prom_rule(expr), _prom_rule(expr, "3m"),
                                       "hashicorp/kubernetes")))
    assert safe(judged(tmp_path, entry("vmetrics_alert_rule.sudo", {"expr": "count(sudo_total) > 0"},
                                       {"expr": 'count(sudo_total) > 0 unless on() maintenance{job="x"} == 1'})))


def _grafana(threshold: float, hold: str = "0s") -> dict[str, Any]:
    model = ('{"refId": "C", "type": "threshold", "expression": "A", "conditions": [{"evaluator": {"type": "gt", '
             f'"params": [{threshold}]}}}}]}}')
    return {"name": "runtime", "rule": [{"name": "falco", "for": hold, "no_data_state": "Alerting",
                                         "data": [{"ref_id": "C", "model": model}]}]}


def test_a_grafana_threshold_in_its_json_model_made_absurd_never_fires(tmp_path: Path) -> None:
    assert high(judged(tmp_path, entry("grafana_rule_group.runtime", _grafana(0), _grafana(1e9), "grafana/grafana")))
    assert high(judged(tmp_path, entry("grafana_rule_group.runtime", _grafana(5), _grafana(500), "grafana/grafana")))
    assert safe(judged(tmp_path, entry("grafana_rule_group.runtime", _grafana(0), _grafana(0, "1m"),
                                       "grafana/grafana")))
    assert safe(judged(tmp_path, entry("grafana_rule_group.runtime", _grafana(80), _grafana(85), "grafana/grafana")))


def _gcp_policy(alignment: str) -> dict[str, Any]:
    return {"display_name": "owner grant", "conditions": [{"condition_threshold": [
        {"threshold_value": 0, "duration": "0s", "aggregations": [{"alignment_period": alignment}]}]}]}


def test_an_alignment_period_stretched_from_a_minute_to_a_day_fires_far_later(tmp_path: Path) -> None:
    assert high(judged(tmp_path, entry("google_monitoring_alert_policy.owner", _gcp_policy("60s"),
                                       _gcp_policy("86400s"), "hashicorp/google")))
    assert high(judged(tmp_path, entry("skyline_alert.owner", {"alignment_period": 300}, {"alignment_period": 43200})))
    assert safe(judged(tmp_path, entry("google_monitoring_alert_policy.owner", _gcp_policy("60s"),
                                       _gcp_policy("300s"), "hashicorp/google")))


# --- false alarms: coverage kept or an exemption removed --------------------------------------------------------


def _enabler(types: list[str]) -> dict[str, Any]:
    return {"account_ids": ["482913576204"], "resource_types": types}


def _replaced(address: str, before: Any, after: Any) -> dict[str, Any]:
    change = entry(address, before, after)
    change["change"]["actions"] = ["delete", "create"]
    change["action_reason"] = "replace_because_cannot_update"
    change["change"]["replace_paths"] = [["resource_types"]]
    return change


def test_a_scanner_enabler_re_made_with_more_coverage_is_only_a_gap(tmp_path: Path) -> None:
    found = judged(tmp_path, _replaced("aws_inspector2_enabler.this", _enabler(["EC2", "ECR", "LAMBDA"]),
                                       _enabler(["EC2", "ECR", "LAMBDA", "LAMBDA_CODE"])))
    assert safe(found)
    assert found[1].get("resource-replace") is Severity.MEDIUM


def test_a_scanner_enabler_re_made_with_less_coverage_stays_high(tmp_path: Path) -> None:
    found = judged(tmp_path, _replaced("aws_inspector2_enabler.this", _enabler(["EC2", "ECR", "LAMBDA"]),
                                       _enabler(["EC2"])))
    assert not safe(found)


def _audit(exempt: list[str]) -> dict[str, Any]:
    return {"service": "allServices", "project": "p",
            "audit_log_config": [{"log_type": "ADMIN_READ", "exempted_members": []},
                                 {"log_type": "DATA_READ", "exempted_members": exempt}]}


def test_an_audit_exemption_removed_logs_more_and_stays_safe(tmp_path: Path) -> None:
    member = "serviceAccount:etl@p.iam.gserviceaccount.com"
    assert safe(judged(tmp_path, entry("google_project_iam_audit_config.all", _audit([member]), _audit([]),
                                       "hashicorp/google")))
    # The risky twin: the same member exempted.
    found = judged(tmp_path, entry("google_project_iam_audit_config.all", _audit([]), _audit([member]),
                                   "hashicorp/google"))
    assert found[1].get("logging-disabled") is Severity.HIGH


# --- delivery downgraded, silencers with no end, security logs forwarded in part ---------------------------------


def test_a_log_delivery_endpoint_moved_from_https_to_http_is_a_downgrade(tmp_path: Path) -> None:
    def stream(url: str) -> dict[str, Any]:
        return {"name": "logs", "destination": "http_endpoint", "http_endpoint_configuration": [{"url": url}]}
    found = judged(tmp_path, entry("aws_kinesis_firehose_delivery_stream.dd", stream("https://intake.example.com/v1"),
                                   stream("http://intake.example.com/v1"), "hashicorp/aws"))
    assert found[1].get("tls-downgrade") is Severity.HIGH
    hook = judged(tmp_path, entry("logrelay_forwarder.siem", {"webhook": "wss://siem.example.net/in"},
                                  {"webhook": "ws://siem.example.net/in"}))
    assert hook[1].get("tls-downgrade") is Severity.HIGH
    assert safe(judged(tmp_path, entry("aws_kinesis_firehose_delivery_stream.dd", stream("https://a.example.com/v1"),
                                       stream("https://b.example.eu/v1"), "hashicorp/aws")))
    # Plain traffic to a name the internet cannot reach stays inside one's network (egress.py judges it).
    assert safe(judged(tmp_path, entry("logrelay_forwarder.siem", {"webhook": "https://siem.corp.internal/in"},
                                       {"webhook": "http://siem.corp.internal:8080/in"})))


def _downtime(**schedule: str) -> dict[str, Any]:
    return {"scope": "env:prod", "message": "maintenance", "monitor_identifier": [{"monitor_tags": ["team:secops"]}],
            "one_time_schedule": [schedule]}


def test_a_downtime_with_a_start_and_no_end_mutes_for_good(tmp_path: Path) -> None:
    found = judged(tmp_path, entry("datadog_downtime_schedule.m", None, _downtime(start="2026-12-03T02:00:00Z"),
                                   "datadog/datadog"))
    assert found[1].get("monitoring-muted") is Severity.HIGH
    silence = judged(tmp_path, entry("alertdesk_silence.secops", None,
                                     {"matchers": ["team=secops"], "starts_at": "2026-12-03T02:00:00Z"}))
    assert silence[1].get("monitoring-muted") is Severity.HIGH
    assert safe(judged(tmp_path, entry("datadog_downtime_schedule.m", None, _downtime(
        start="2026-12-03T02:00:00Z", end="2026-12-03T04:00:00Z"), "datadog/datadog")))
    assert safe(judged(tmp_path, entry("alertdesk_silence.secops", None, {
        "matchers": ["team=secops"], "starts_at": "2026-12-03T02:00:00Z", "duration": "2h"})))


def _subscription(group: str, pattern: str) -> dict[str, Any]:
    return {"name": "to-siem", "log_group_name": group, "filter_pattern": pattern,
            "destination_arn": "arn:aws:firehose:us-east-1:1:deliverystream/siem"}


def test_a_security_log_forwarder_narrowed_from_everything_drops_records(tmp_path: Path) -> None:
    assert high(judged(tmp_path, entry("aws_cloudwatch_log_subscription_filter.trail",
                                       _subscription("aws-cloudtrail-logs-org", ""),
                                       _subscription("aws-cloudtrail-logs-org", "{ $.readOnly IS TRUE }"))))
    assert high(judged(tmp_path, entry("logrelay_log_forwarder.audit", {"source": "k8s-audit", "filter": ""},
                                       {"source": "k8s-audit", "filter": "verb:get"})))
    assert safe(judged(tmp_path, entry("aws_cloudwatch_log_subscription_filter.web", _subscription("/ecs/web", ""),
                                       _subscription("/ecs/web", "?ERROR ?WARN"))))


def _index(query: str, rate: float) -> dict[str, Any]:
    return {"name": "main", "exclusion_filter": [{"name": "volume", "is_enabled": True,
                                                  "filter": [{"query": query, "sample_rate": rate}]}]}


def test_nine_in_ten_security_records_sampled_out_is_as_bad_as_dropping_them(tmp_path: Path) -> None:
    before = {"name": "main", "exclusion_filter": []}
    found = judged(tmp_path, entry("datadog_logs_index.main", before, _index("source:kubernetes.audit", 0.95),
                                   "datadog/datadog"))
    assert found[1].get("logging-disabled") is Severity.HIGH
    half = judged(tmp_path, entry("datadog_logs_index.main", before, _index("source:cloudtrail", 0.5),
                                  "datadog/datadog"))
    assert half[1].get("logging-disabled") is Severity.MEDIUM
    health = _index('source:elb @http.url_details.path:"/healthz"', 0.95)
    assert safe(judged(tmp_path, entry("datadog_logs_index.main", before, health, "datadog/datadog")))


def test_a_detection_query_that_exempts_every_role_goes_blind_to_a_class_of_callers(tmp_path: Path) -> None:
    base = "source:cloudtrail @evt.name:CreateUser -@userIdentity.arn:*terraform*"
    def rule(query: str) -> dict[str, Any]:
        return {"name": "iam user created", "query": [{"query": query}]}
    assert high(judged(tmp_path, entry("datadog_security_monitoring_rule.r", rule(base),
                                       rule(base + " -@userIdentity.arn:*role/*"), "datadog/datadog")))
    assert high(judged(tmp_path, entry("siemly_detection_rule.r", {"query": "event=CreateUser"},
                                       {"query": "event=CreateUser NOT principal.arn=*assumed-role*"})))
    exact = base.replace("*terraform*", '"arn:aws:sts::1:assumed-role/terraform-ci/atlantis"')
    assert safe(judged(tmp_path, entry("datadog_security_monitoring_rule.r", rule(base), rule(exact),
                                       "datadog/datadog")))


def _trail(*excluded: str) -> dict[str, Any]:
    selectors = [{"field": "eventCategory", "equals": ["Management"]}]
    if excluded:
        selectors.append({"field": "eventSource", "not_equals": list(excluded)})
    return {"name": "org", "is_multi_region_trail": True,
            "advanced_event_selector": [{"name": "mgmt", "field_selector": selectors}]}


def test_an_audit_selector_that_excludes_the_identity_services_blinds_the_trail(tmp_path: Path) -> None:
    found = judged(tmp_path, entry("aws_cloudtrail.org", _trail(), _trail("kms.amazonaws.com", "iam.amazonaws.com"),
                                   "hashicorp/aws"))
    assert found[1].get("logging-disabled") is Severity.HIGH
    other = judged(tmp_path, entry("audithub_trail.org", {"name": "org", "exclude_sources": ["kms"]},
                                   {"name": "org", "exclude_sources": ["kms", "sts"]}))
    assert other[1].get("logging-disabled") is Severity.HIGH
    # Cutting KMS decrypt noise keeps every identity event.
    assert safe(judged(tmp_path, entry("aws_cloudtrail.org", _trail(), _trail("kms.amazonaws.com"), "hashicorp/aws")))


# --- a security agent's chart from a look-alike on a free hosting platform ---------------------------------------


def _release(repository: str, version: str = "4.8.1") -> dict[str, Any]:
    return {"name": "falco", "chart": "falco", "repository": repository, "version": version, "namespace": "falco"}


def test_a_chart_moved_to_a_look_alike_subdomain_on_free_hosting_is_another_publisher(tmp_path: Path) -> None:
    official = "https://falcosecurity.github.io/charts"
    found = judged(tmp_path, entry("helm_release.falco", _release(official),
                                   _release("https://falco-charts.pages.dev/stable"), "hashicorp/helm"))
    assert found[1].get("supply-chain-opened") is Severity.HIGH
    netlify = judged(tmp_path, entry("helm_release.falco", _release("https://charts.falco.org"),
                                     _release("https://falco-mirror.netlify.app"), "hashicorp/helm"))
    assert netlify[1].get("supply-chain-opened") is Severity.HIGH
    assert safe(judged(tmp_path, entry("helm_release.falco", _release(official), _release(official, "4.8.2"),
                                       "hashicorp/helm")))
    # The publisher's own name on the platform is its new home.
    assert safe(judged(tmp_path, entry("helm_release.falco", _release("https://charts.falcosecurity.org"),
                                       _release(official), "hashicorp/helm")))


# --- event rules whose numeric filter no event reaches ------------------------------------------------------------


def _pattern(severity: list[Any]) -> dict[str, Any]:
    return {"name": "guardduty-to-pager", "event_bus_name": "default", "state": "ENABLED",
            "event_pattern": json.dumps({"source": ["aws.guardduty"], "detail-type": ["GuardDuty Finding"],
                                         "detail": {"severity": [{"numeric": severity}]}})}


def _grid(bound: float) -> dict[str, Any]:
    return {"name": "defender-alerts", "advanced_filter": [
        {"number_greater_than_or_equals": [{"key": "data.severity", "value": bound}]}]}


def test_an_event_rule_whose_numeric_match_is_raised_tenfold_routes_nothing(tmp_path: Path) -> None:
    assert high(judged(tmp_path, entry("aws_cloudwatch_event_rule.gd", _pattern([">=", 7]), _pattern([">=", 100]),
                                       "hashicorp/aws")))
    # Event Grid's filter block, same meaning.
    assert high(judged(tmp_path, entry("azurerm_eventgrid_event_subscription.alerts", _grid(4), _grid(400),
                                       "hashicorp/azurerm")))


def test_an_event_rule_tuned_or_widened_stays_safe(tmp_path: Path) -> None:
    assert safe(judged(tmp_path, entry("aws_cloudwatch_event_rule.gd", _pattern([">=", 4]), _pattern([">=", 7]),
                                       "hashicorp/aws")))
    assert safe(judged(tmp_path, entry("aws_cloudwatch_event_rule.gd", _pattern([">=", 7]), _pattern([">=", 0.1]),
                                       "hashicorp/aws")))
    assert safe(judged(tmp_path, entry("azurerm_eventgrid_event_subscription.alerts", _grid(4), _grid(7),
                                       "hashicorp/azurerm")))
