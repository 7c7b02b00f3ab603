"""A log or audit stream retired while the same plan creates its successor of the same scope or wider (any type of
its kind): medium; a successor that watches less, carries fewer events or is off, or none at all, stays high."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.pipeline.test_rules_deletes_by_what_they_lose import gone, worst
from tests.pipeline.test_rules_successors_take_over import made
from tfreview.pipeline.findings import Severity
from tfreview.pipeline.review import review
from tfreview.settings import Settings

TRAIL = {"name": "account-trail", "arn": "arn:aws:cloudtrail:us-east-1:111122223333:trail/account-trail",
         "s3_bucket_name": "trail-bucket", "is_multi_region_trail": True, "enable_logging": True,
         "enable_log_file_validation": True, "is_organization_trail": False}
ORG_TRAIL = {**TRAIL, "name": "org-trail", "arn": None, "s3_bucket_name": "org-audit", "is_organization_trail": True}
SINK = {"name": "audit", "project": "acme-prod", "destination": "bigquery.googleapis.com/projects/acme-prod/x",
        "filter": 'logName:"cloudaudit.googleapis.com"'}
ORG_SINK = {"name": "org-audit", "org_id": "1234", "include_children": True, "filter": SINK["filter"],
            "destination": "logging.googleapis.com/projects/logs/buckets/org"}
DIAG = {"name": "kv-to-sa", "target_resource_id": "/subs/0/vaults/kv-prod", "storage_account_id": "/subs/0/sa/old",
        "enabled_log": [{"category": "AuditEvent"}]}


def _both(tmp_path: Path, plan: list[dict[str, Any]]) -> tuple[Severity | None, Severity | None]:
    return worst(tmp_path, plan), worst(tmp_path, plan, "logging-disabled")


@pytest.mark.parametrize(("old", "new"), [
    (gone("aws_cloudtrail.account", TRAIL), made("aws_cloudtrail.org", ORG_TRAIL)),
    (gone("google_logging_project_sink.audit", SINK), made("google_logging_organization_sink.audit", ORG_SINK)),
    (gone("azurerm_monitor_diagnostic_setting.sa", DIAG),
     made("azurerm_monitor_diagnostic_setting.law", {**DIAG, "name": "kv-to-law", "storage_account_id": None,
                                                     "log_analytics_workspace_id": "/subs/0/law/central"})),
    (gone("vault_audit.file", {"type": "file", "path": "file", "local": False, "options": {"file_path": "/a.log"}}),
     made("vault_audit.socket", {"type": "socket", "path": "siem", "local": False, "options": {"address": "s:9"}})),
], ids=["account-to-org-trail", "project-to-org-sink", "diagnostics-to-workspace", "audit-device-swap"])
def test_stream_handed_to_a_successor_of_its_scope_is_medium(tmp_path: Path, old: dict[str, Any],
                                                              new: dict[str, Any]) -> None:
    severities = _both(tmp_path, [old, new])
    assert Severity.HIGH not in severities and Severity.MEDIUM in severities


@pytest.mark.parametrize(("old", "new"), [
    (gone("aws_cloudtrail.account", TRAIL), made("aws_cloudtrail.org", {**ORG_TRAIL, "is_multi_region_trail": False})),
    (gone("aws_cloudtrail.account", TRAIL), made("aws_cloudtrail.org", {**ORG_TRAIL, "enable_logging": False})),
    (gone("aws_cloudtrail.account", {**TRAIL, "event_selector": [{"include_management_events": True}]}),
     made("aws_cloudtrail.org", {**ORG_TRAIL, "event_selector": [{"include_management_events": False}]})),
    (gone("google_logging_project_sink.audit", SINK),
     made("google_logging_organization_sink.audit", {**ORG_SINK, "include_children": False})),
    (gone("google_logging_project_sink.audit", SINK),
     made("google_logging_organization_sink.audit", {**ORG_SINK, "filter": "severity>=ERROR"})),
    (gone("azurerm_monitor_diagnostic_setting.sa", DIAG),
     made("azurerm_monitor_diagnostic_setting.law", {**DIAG, "target_resource_id": "/subs/0/vaults/kv-dev"})),
    (gone("vault_audit.file", {"type": "file", "path": "file", "local": False}),
     made("vault_policy.ops", {"name": "ops", "policy": "path \"audit\" {}"})),
], ids=["one-region", "switched-off", "no-management-events", "org-without-children", "fewer-events",
        "other-resource", "no-audit-device-left"])
def test_stream_without_a_successor_as_wide_stays_high(tmp_path: Path, old: dict[str, Any],
                                                        new: dict[str, Any]) -> None:
    assert Severity.HIGH in _both(tmp_path, [old, new])


# --- a successor that selects everything, or watches a list of scopes holding the old one ------------------------
TENANT = {"name": "local", "tenant": "payments", "destination": "s3://payments-audit", "event_classes": ["auth"],
          "enabled": True}
ORG_STREAM = {"name": "org", "destination": "https://collector.example/audit", "tenants": ["*"],
              "event_classes": ["auth", "admin"], "enabled": True}


@pytest.mark.parametrize(("old", "new"), [
    (gone("azurerm_monitor_diagnostic_setting.sa", DIAG),
     made("azurerm_monitor_diagnostic_setting.law", {**DIAG, "name": "kv-to-law", "storage_account_id": None,
                                                     "enabled_log": [{"category": "", "category_group": "allLogs"}]})),
    (gone("acme_audit_stream.local", TENANT), made("acme_org_audit_stream.all", ORG_STREAM)),
    (gone("acme_audit_stream.local", TENANT),
     made("acme_org_audit_stream.all", {**ORG_STREAM, "tenants": ["billing", "payments"]})),
    (gone("azurerm_monitor_diagnostic_setting.sa", DIAG),
     made("azurerm_monitor_diagnostic_setting.law", {**DIAG, "name": "kv-to-law", "storage_account_id": None,
                                                     "enabled_log": [{"category": "", "category_group": "audit"}]})),
    (gone("acme_audit_stream.local", TENANT),
     made("acme_org_audit_stream.all", {**{k: v for k, v in ORG_STREAM.items() if k != "tenants"},
                                        "all_tenants": True})),
], ids=["all-logs-group", "every-tenant", "listed-tenant", "audit-group-covers-audit-event", "all-tenants-switch"])
def test_stream_handed_to_one_selecting_everything_is_medium(tmp_path: Path, old: dict[str, Any],
                                                              new: dict[str, Any]) -> None:
    severities = _both(tmp_path, [old, new])
    assert Severity.HIGH not in severities and Severity.MEDIUM in severities


@pytest.mark.parametrize(("old", "new"), [
    (gone("azurerm_monitor_diagnostic_setting.sa", DIAG),
     made("azurerm_monitor_diagnostic_setting.law", {**DIAG, "enabled_log": [{"category_group": "allMetrics"}]})),
    (gone("azurerm_monitor_diagnostic_setting.sa", DIAG),
     made("azurerm_monitor_diagnostic_setting.law", {**DIAG, "enabled_log": [{"category": "allLogs",
                                                                               "enabled": False}]})),
    (gone("acme_audit_stream.local", TENANT), made("acme_org_audit_stream.all", {**ORG_STREAM, "tenants": ["hr"]})),
    (gone("acme_audit_stream.local", TENANT),
     made("acme_org_audit_stream.all", {**ORG_STREAM, "tenants": ["hr"], "all_tenants": False})),
    (gone("acme_audit_stream.local", TENANT), made("acme_org_audit_stream.all", {**ORG_STREAM, "enabled": False})),
    (gone("acme_audit_stream.local", TENANT),
     made("acme_org_audit_stream.all", {**ORG_STREAM, "event_classes": ["admin"]})),
    (gone("azurerm_monitor_diagnostic_setting.sa", {**DIAG, "enabled_log": [{"category": "RequestLogs"}]}),
     made("azurerm_monitor_diagnostic_setting.law", {**DIAG, "enabled_log": [{"category_group": "audit"}]})),
], ids=["other-group", "everything-switched-off", "other-tenant", "all-tenants-off", "successor-off",
        "fewer-events",
        "audit-group-misses-requests"])
def test_stream_handed_to_a_narrower_one_stays_high(tmp_path: Path, old: dict[str, Any], new: dict[str, Any]) -> None:
    assert Severity.HIGH in _both(tmp_path, [old, new])


# --- a log store only a handed-over stream wrote into -------------------------------------------------------------
FLOW = {"vpc_id": "vpc-1", "traffic_type": "ALL", "log_destination_type": "cloud-watch-logs",
        "log_destination": "arn:aws:logs:eu-west-1:111122223333:log-group:/vpc/prod-flow", "iam_role_arn": "r"}
GROUP = {"id": "/vpc/prod-flow", "name": "/vpc/prod-flow", "retention_in_days": 30}
CENTRAL = {**FLOW, "log_destination_type": "s3", "log_destination": "arn:aws:s3:::archive/flow/", "iam_role_arn": None}


def _store(tmp_path: Path, plan: list[dict[str, Any]]) -> Severity:
    """The severity of the log store's own delete finding."""
    path = tmp_path / "plan.json"
    path.write_text(json.dumps({"format_version": "1.2", "terraform_version": "1.9.8", "resource_changes": plan}))
    found = [f.severity for f in review(path, Settings(backend="none")).findings
             if f.rule == "resource-delete" and f.address == "aws_cloudwatch_log_group.flow"]
    assert len(found) == 1
    return found[0]


def test_log_store_of_a_stream_handed_to_its_successor_is_medium(tmp_path: Path) -> None:
    plan = [gone("aws_flow_log.local", FLOW), gone("aws_cloudwatch_log_group.flow", GROUP),
            made("aws_flow_log.central", CENTRAL)]
    assert worst(tmp_path, plan) is Severity.MEDIUM


@pytest.mark.parametrize("plan", [
    [gone("aws_flow_log.local", FLOW), gone("aws_cloudwatch_log_group.flow", GROUP),
     made("aws_flow_log.central", {**CENTRAL, "vpc_id": "vpc-2"})],
    [gone("aws_flow_log.local", FLOW), gone("aws_cloudwatch_log_group.flow", {**GROUP, "retention_in_days": 365}),
     made("aws_flow_log.central", CENTRAL)],
    [gone("aws_flow_log.local", FLOW), gone("aws_cloudwatch_log_group.flow", GROUP),
     made("aws_flow_log.central", CENTRAL),
     made("aws_cloudwatch_log_subscription_filter.f", {"name": "f", "log_group_name": "/vpc/prod-flow"})],
], ids=["successor-elsewhere", "kept-a-year", "still-read"])
def test_log_store_whose_stream_or_readers_remain_stays_high(tmp_path: Path, plan: list[dict[str, Any]]) -> None:
    assert _store(tmp_path, plan) is Severity.HIGH


AUDIT_CONFIG = {"project": "acme-prod", "service": "storage.googleapis.com",
                "audit_log_config": [{"log_type": "DATA_READ", "exempted_members": []},
                                     {"log_type": "DATA_WRITE", "exempted_members": []}]}
ALL_SERVICES = {**AUDIT_CONFIG, "service": "allServices",
                "audit_log_config": [{"log_type": "ADMIN_READ", "exempted_members": []},
                                     *AUDIT_CONFIG["audit_log_config"]]}


@pytest.mark.parametrize(("new", "severity"), [
    (ALL_SERVICES, Severity.MEDIUM),
    ({**ALL_SERVICES, "audit_log_config": [{"log_type": "ADMIN_READ", "exempted_members": []}]}, Severity.HIGH),
    ({**AUDIT_CONFIG, "service": "bigquery.googleapis.com"}, Severity.HIGH),
    ({**ALL_SERVICES, "audit_log_config": [{"log_type": "DATA_READ", "exempted_members": ["user:a@x.io"]},
                                           {"log_type": "DATA_WRITE", "exempted_members": []}]}, Severity.HIGH),
], ids=["folded-into-all-services", "all-services-admin-only", "another-service", "an-exemption-added"])
def test_an_audit_config_folded_into_one_for_all_services_that_logs_as_much_is_medium(
        tmp_path: Path, new: dict[str, Any], severity: Severity) -> None:
    plan = [gone("google_project_iam_audit_config.gcs", AUDIT_CONFIG), made("google_project_iam_audit_config.all", new)]
    assert _both(tmp_path, plan) == (severity, severity)


@pytest.mark.parametrize(("old", "new", "expected"), [
    ({**TRAIL, "is_multi_region_trail": False}, ORG_TRAIL, Severity.MEDIUM),
    ({**TRAIL, "exclude_management_event_sources": True}, {**ORG_TRAIL, "exclude_management_event_sources": False},
     Severity.MEDIUM),
    (TRAIL, {**ORG_TRAIL, "is_multi_region_trail": False}, Severity.HIGH),
    ({**TRAIL, "include_global_service_events": True}, {**ORG_TRAIL, "include_global_service_events": False},
     Severity.HIGH),
    ({**TRAIL, "exclude_management_event_sources": False}, {**ORG_TRAIL, "exclude_management_event_sources": True},
     Severity.HIGH),
], ids=["single-region-to-multi-region", "exclusion-switched-off", "multi-region-to-single", "global-events-off",
        "exclusion-switched-on"])
def test_selection_switches_judged_by_which_way_they_select(tmp_path: Path, old: dict[str, Any],
                                                            new: dict[str, Any], expected: Severity) -> None:
    """A successor whose selecting switch turns on (or excluding switch off) carries more; the reverse, less."""
    plan = [gone("aws_cloudtrail.account", old), made("aws_cloudtrail.org", new)]
    assert max(_both(tmp_path, plan), key=lambda s: s is Severity.HIGH) is expected


def _kept(address: str, values: dict[str, Any]) -> dict[str, Any]:
    entry = made(address, values)
    entry["change"].update(actions=["no-op"], before=values)
    return entry


KV_DIAG = {**DIAG, "enabled_log": [{"category_group": "audit"}, {"category_group": "allLogs"}],
           "storage_account_id": None, "log_analytics_workspace_id": "/subs/0/law/sec"}


def test_duplicate_stream_removed_while_an_identical_one_is_kept_is_medium(tmp_path: Path) -> None:
    plan = [gone("azurerm_monitor_diagnostic_setting.old", {**KV_DIAG, "name": "legacy"}),
            _kept("azurerm_monitor_diagnostic_setting.audit", KV_DIAG)]
    assert Severity.HIGH not in _both(tmp_path, plan)


@pytest.mark.parametrize("kept", [
    {**KV_DIAG, "target_resource_id": "/subs/0/vaults/kv-dev"},
    {**KV_DIAG, "enabled_log": [{"category": "AzurePolicyEvaluationDetails"}]},
    {**KV_DIAG, "enabled": False},
], ids=["other-target", "fewer-categories", "switched-off"])
def test_stream_removed_beside_a_kept_one_that_carries_less_stays_high(tmp_path: Path, kept: dict[str, Any]) -> None:
    plan = [gone("azurerm_monitor_diagnostic_setting.old", {**KV_DIAG, "name": "legacy"}),
            _kept("azurerm_monitor_diagnostic_setting.audit", kept)]
    assert Severity.HIGH in _both(tmp_path, plan)
