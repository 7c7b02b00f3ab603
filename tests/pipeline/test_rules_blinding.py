"""Detection blinded by filters, exclusions, suppressions and switches (rules/blinding.py, the vocabulary lines for
trails, management events, disabled monitors and scheduled searches, successors.py, non-production scopes), each
with a benign look-alike that stays likely safe. Providers are invented: the rules read what attributes mean."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.helpers import review_rules_alone, worst_by_rule
from tfreview.labels import Label
from tfreview.pipeline.findings import Severity


def entry(address: str, before: Any, after: Any) -> dict[str, Any]:
    """One resource change of `terraform show -json` by an invented provider."""
    kind, name = address.split(".")
    actions = ["create"] if before is None else ["delete"] if after is None else ["update"]
    return {"address": address, "mode": "managed", "type": kind, "name": name,
            "provider_name": "registry.terraform.io/acme/acme",
            "change": {"actions": actions, "before": before, "after": after, "after_unknown": {},
                       "after_sensitive": {}}}


def judged(tmp_path: Path, *changes: dict[str, Any]) -> tuple[Label, dict[str, Severity]]:
    result = review_rules_alone(tmp_path, list(changes))
    return result.label, worst_by_rule(result)


def stage(condition: str, kind: str = "discard") -> dict[str, Any]:
    return {"name": "audit", "stages": [{"kind": "parse", "condition": ""}, {"kind": kind, "condition": condition}]}


def test_a_discard_stage_whose_condition_always_holds_blinds(tmp_path: Path) -> None:
    old, new = stage('kind == "heartbeat"'), stage('kind == "heartbeat" || !(kind == "heartbeat")')
    label, found = judged(tmp_path, entry("loghose_route.audit", old, new))
    assert found["detection-disabled"] is Severity.HIGH and label is Label.NEEDS_CLOSE_REVIEW


def test_a_narrow_discard_stage_stays_safe(tmp_path: Path) -> None:
    old, new = stage('kind == "heartbeat"'), stage('app == "thumbs" && kind == "trace"')
    label, found = judged(tmp_path, entry("loghose_route.audit", old, new))
    assert "detection-disabled" not in found and label is Label.LIKELY_SAFE


def test_a_new_exclusion_of_every_severity_blinds(tmp_path: Path) -> None:
    after = {"name": "cut-cost", "disabled": False, "filter": "severity >= DEFAULT"}
    label, _ = judged(tmp_path, entry("acmelog_exclusion.cost", None, after))
    assert label is Label.NEEDS_CLOSE_REVIEW


def test_a_disabled_exclusion_of_everything_and_a_debug_exclusion_stay_safe(tmp_path: Path) -> None:
    off = {"name": "cut-cost", "disabled": True, "filter": "severity >= DEFAULT"}
    debug = {"name": "no-debug", "disabled": False, "filter": "severity = DEBUG"}
    label, found = judged(tmp_path, entry("acmelog_exclusion.cost", None, off),
                          entry("acmelog_exclusion.debug", None, debug))
    assert "detection-disabled" not in found and label is Label.LIKELY_SAFE


def test_archiving_every_finding_blinds_and_archiving_one_type_does_not(tmp_path: Path) -> None:
    every = {"action": "ARCHIVE", "criteria": [{"field": "severity", "greater_than_or_equal": "0"}]}
    one = {"action": "ARCHIVE", "criteria": [{"field": "type", "equals": ["Recon:PortProbe"]},
                                             {"field": "instance", "equals": ["i-0abc"]}]}
    assert judged(tmp_path, entry("sentinelx_finding_rule.all", None, every))[0] is Label.NEEDS_CLOSE_REVIEW
    assert judged(tmp_path, entry("sentinelx_finding_rule.one", None, one))[0] is Label.LIKELY_SAFE


def test_suppressing_every_critical_finding_blinds_and_informational_does_not(tmp_path: Path) -> None:
    def rule(level: str) -> dict[str, Any]:
        return {"actions": [{"set": [{"workflow_status": "SUPPRESSED"}]}],
                "criteria": [{"severity_label": [{"comparison": "EQUALS", "value": level}], "account_id": []}]}
    crit, info = rule("CRITICAL"), rule("INFORMATIONAL")
    assert judged(tmp_path, entry("hubx_findings_automation.c", None, crit))[0] is Label.NEEDS_CLOSE_REVIEW
    assert judged(tmp_path, entry("hubx_findings_automation.i", None, info))[0] is Label.LIKELY_SAFE


def test_an_index_exclusion_sampling_every_log_out(tmp_path: Path) -> None:
    kept = [{"name": "lb", "is_enabled": True, "filter": [{"query": "service:lb path:/healthz", "sample_rate": 1}]}]
    every = [*kept, {"name": "x", "is_enabled": True, "filter": [{"query": "env:qa OR -env:qa", "sample_rate": 1}]}]
    cdn = [*kept, {"name": "y", "is_enabled": True,
                   "filter": [{"query": "source:cdn status:200 path:/static/*", "sample_rate": 0.9}]}]
    index = "obsy_logs_index.main"
    label, found = judged(tmp_path, entry(index, {"exclusion_filter": kept}, {"exclusion_filter": every}))
    assert found["detection-disabled"] is Severity.HIGH and label is Label.NEEDS_CLOSE_REVIEW
    label, found = judged(tmp_path, entry(index, {"exclusion_filter": kept}, {"exclusion_filter": cdn}))
    assert "detection-disabled" not in found and label is Label.LIKELY_SAFE


def test_a_metric_filter_that_can_never_match_blinds_and_a_wider_one_does_not(tmp_path: Path) -> None:
    old = '{ ($.eventName = "Delete*") || ($.eventName = "*Revoke") }'
    never = '{ ($.eventName = "Delete*") && ($.eventName = "*Revoke") }'
    wider = '{ ($.eventName = "Delete*") || ($.eventName = "*Revoke") || ($.eventName = "Detach*") }'
    assert judged(tmp_path, entry("cwx_metric_filter.deletes", {"pattern": old}, {"pattern": never}))[0] \
        is Label.NEEDS_CLOSE_REVIEW
    assert judged(tmp_path, entry("cwx_metric_filter.deletes", {"pattern": old}, {"pattern": wider}))[0] \
        is Label.LIKELY_SAFE


def test_an_export_filter_no_record_passes_blinds(tmp_path: Path) -> None:
    never = '{"where":{"key":"OriginStatus","operator":"lt","value":0}}'
    narrow = '{"where":{"key":"OriginStatus","operator":"geq","value":500}}'
    assert judged(tmp_path, entry("edgex_log_export.siem", {"filter": ""}, {"filter": never}))[0] \
        is Label.NEEDS_CLOSE_REVIEW
    assert judged(tmp_path, entry("edgex_log_export.siem", {"filter": ""}, {"filter": narrow}))[0] is Label.LIKELY_SAFE


def test_flow_logs_recording_nothing_blind_and_sampling_does_not(tmp_path: Path) -> None:
    def subnet(expr: str, sampling: float) -> dict[str, Any]:
        return {"name": "core", "log_config": [{"flow_sampling": sampling, "filter_expr": expr}]}
    assert judged(tmp_path, entry("cloudy_subnet.core", subnet("true", 1), subnet("false", 1)))[0] \
        is Label.NEEDS_CLOSE_REVIEW
    assert judged(tmp_path, entry("cloudy_subnet.core", subnet("true", 1), subnet("true", 0.5)))[0] \
        is Label.LIKELY_SAFE


def test_principals_exempted_from_audit_logs(tmp_path: Path) -> None:
    def config(*members: str) -> dict[str, Any]:
        return {"audit_log_config": [{"log_type": "DATA_READ", "exempted_members": list(members)}]}
    label, found = judged(tmp_path, entry("cloudy_audit_config.all", config(), config("serviceAccount:etl@x")))
    assert found["logging-disabled"] is Severity.HIGH and label is Label.NEEDS_CLOSE_REVIEW
    wider = {"audit_log_config": [*config()["audit_log_config"], {"log_type": "DATA_WRITE", "exempted_members": []}]}
    assert judged(tmp_path, entry("cloudy_audit_config.all", config(), wider))[0] is Label.LIKELY_SAFE


def test_detection_switches_by_meaning(tmp_path: Path) -> None:
    cases = [("zencloud_actiontrail.org", {"status": "Enable"}, {"status": "Disable"}),
             ("awsx_trail.org", {"event_selector": [{"include_management_events": True}]},
              {"event_selector": [{"include_management_events": False}]}),
             ("logly_monitor.root", {"is_disabled": False}, {"is_disabled": True}),
             ("siemco_saved_search.brute", {"is_scheduled": True}, {"is_scheduled": False})]
    for address, before, after in cases:
        assert judged(tmp_path, entry(address, before, after))[0] is Label.NEEDS_CLOSE_REVIEW, address


def test_detection_switches_turned_on_stay_safe(tmp_path: Path) -> None:
    cases = [("zencloud_actiontrail.org", {"status": "Enable", "event_rw": "Write"},
              {"status": "Enable", "event_rw": "All"}),
             ("logly_monitor.root", {"is_disabled": True}, {"is_disabled": False}),
             ("siemco_saved_search.brute", {"is_scheduled": False}, {"is_scheduled": True})]
    for address, before, after in cases:
        assert judged(tmp_path, entry(address, before, after))[0] is Label.LIKELY_SAFE, address


def test_a_standard_replaced_by_its_newer_version_is_not_a_loss(tmp_path: Path) -> None:
    old = {"id": "sub/benchmark-x/v/2.0.0", "standard_arn": "arn:hub:::ruleset/benchmark-x/v/2.0.0"}
    new = {"id": None, "standard_arn": "arn:hub:eu-1::standards/benchmark-x/v/3.0.0"}
    other = {"id": None, "standard_arn": "arn:hub:eu-1::standards/other-practices/v/1.0.0"}
    label, found = judged(tmp_path, entry("hubx_standard.x2", old, None), entry("hubx_standard.x3", None, new))
    assert found["resource-delete"] is Severity.MEDIUM and label is Label.LIKELY_SAFE
    label, found = judged(tmp_path, entry("hubx_standard.x2", old, None), entry("hubx_standard.o1", None, other))
    assert found["resource-delete"] is Severity.HIGH and label is Label.NEEDS_CLOSE_REVIEW


def test_a_sink_deleted_from_a_sandbox_project_is_not_a_loss(tmp_path: Path) -> None:
    def sink(project: str) -> dict[str, Any]:
        return {"name": "debug-export", "project": project, "destination": "storage/bucket", "filter": ""}
    label, _ = judged(tmp_path, entry("google_logging_project_sink.debug", sink("acme-dev-sandbox"), None))
    assert label is Label.LIKELY_SAFE
    label, _ = judged(tmp_path, entry("google_logging_project_sink.debug", sink("acme-prod-core"), None))
    assert label is Label.NEEDS_CLOSE_REVIEW


def test_a_config_deleted_from_a_projects_dev_environment_is_not_a_loss(tmp_path: Path) -> None:
    def config(environment: str) -> dict[str, Any]:
        return {"project": "billing-api", "environment": environment, "name": f"{environment}_bob-branch"}
    label, _ = judged(tmp_path, entry("vaultco_config.branch", config("dev"), None))
    assert label is Label.LIKELY_SAFE
    label, _ = judged(tmp_path, entry("vaultco_config.branch", config("prd"), None))
    assert label is Label.NEEDS_CLOSE_REVIEW


def test_an_archive_that_keeps_every_log_and_a_firewall_that_drops_stay_safe(tmp_path: Path) -> None:
    archive = {"name": "all-logs", "query": "*", "destination": [{"bucket": "acme-log-archive"}]}
    firewall = {"name": "edge", "rule": [{"action": "drop", "expression": ""}]}
    label, found = judged(tmp_path, entry("obsy_logs_archive.all", None, archive),
                          entry("netco_firewall_policy.edge", {"name": "edge", "rule": []}, firewall))
    assert "detection-disabled" not in found and label is Label.LIKELY_SAFE
