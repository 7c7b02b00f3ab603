"""A log or audit stream retired while the same plan creates its successor of the same scope or wider (any type of
its kind): medium; a successor that watches less, carries fewer events or is off, or none at all, stays high."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.pipeline.test_rules_deletes_by_what_they_lose import gone, worst
from tests.pipeline.test_rules_successors_take_over import made
from tfreview.pipeline.findings import Severity

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
