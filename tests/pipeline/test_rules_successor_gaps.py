"""A successor that leaves a gap does not take the deleted object's job over (carried.py): it throws records away,
is switched off, sends where its name says non-production (a sandbox) when the old destination's did not, adds a
setting at its weak end, no longer sends to a recipient, switches a notification off, or starts a stateful release
on new, empty volumes, or follows a destroy that empties the old one. Each stays high; its benign twin (the same
successor without the gap) stays medium."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.pipeline.test_rules_deletes_by_what_they_lose import gone, worst
from tests.pipeline.test_rules_successors_take_over import made
from tfreview.pipeline.findings import Severity

AUDIT = {"type": "file", "path": "file", "local": False, "options": {"file_path": "/vault/audit/audit.log"}}
PUSH = {"zone_id": "z1", "dataset": "http_requests", "enabled": True, "name": "http-to-s3",
        "destination_conf": "s3://edge-logs/http", "frequency": "high", "fields": ["ClientIP", "RayID"]}
MONITOR = {"name": "[prod] checkout p99", "type": "query alert", "query": "avg(last_5m):p99:checkout > 1.5",
           "message": "latency high @pager-payments-oncall @chat-payments", "tags": ["team:payments"],
           "notify_no_data": True}
SERVICE = {"name": "search", "escalation_policy": "PESC1", "alert_creation": "create_alerts_and_incidents"}
RELEASE = {"name": "orders-db", "namespace": "orders", "chart": "postgresql",
           "values": ["primary:\n  persistence:\n    enabled: true\n    size: 100Gi\n"]}
HA = {"name": "orders-db-ha", "namespace": "orders", "chart": "postgresql-ha",
      "values": ["persistence:\n  enabled: true\n  size: 100Gi\n"]}
DIAG = {"name": "kv-diag", "target_resource_id": "/subscriptions/prod-1/resourceGroups/app/vaults/kv",
        "log_analytics_workspace_id": "/subscriptions/prod-1/resourceGroups/sec/workspaces/law-sec",
        "enabled_log": [{"category": "AuditEvent"}]}


def _diag(workspace: str) -> dict[str, Any]:
    return gone("azurerm_monitor_diagnostic_setting.kv", DIAG, "replace_because_cannot_update",
                ["delete", "create"]) | {"change": {
                    "actions": ["delete", "create"], "before": DIAG, "after": {**DIAG, "name": "kv-diag-v2",
                                                                           "log_analytics_workspace_id": workspace},
                    "after_unknown": {}, "after_sensitive": {}}}


GAPS = [
    ([gone("vault_audit.file", AUDIT),
      made("vault_audit.next", {**AUDIT, "path": "file-v2", "options": {"file_path": "discard"}})],
     [gone("vault_audit.file", AUDIT),
      made("vault_audit.next", {**AUDIT, "path": "file-v2", "options": {"file_path": "/vault/audit/v2.log"}})]),
    ([gone("lognest_audit_device.main", {"name": "main", "output_path": "/var/log/audit.log"}),
      made("lognest_audit_device.next", {"name": "main-v2", "output_path": "/dev/null"})],
     [gone("lognest_audit_device.main", {"name": "main", "output_path": "/var/log/audit.log"}),
      made("lognest_audit_device.next", {"name": "main-v2", "output_path": "/var/log/audit-v2.log"})]),
    ([gone("cloudflare_logpush_job.s3", PUSH),
      made("cloudflare_logpush_job.r2", {**PUSH, "enabled": False, "name": "http-to-r2",
                                         "destination_conf": "r2://edge-logs/http"})],
     [gone("cloudflare_logpush_job.s3", PUSH),
      made("cloudflare_logpush_job.r2", {**PUSH, "name": "http-to-r2", "destination_conf": "r2://edge-logs/http"})]),
    ([gone("datadog_monitor.p99", MONITOR),
      made("datadog_monitor.p99_v2", {**MONITOR, "name": "[prod] checkout p99 (v2)",
                                      "message": "latency high @chat-payments"})],
     [gone("datadog_monitor.p99", MONITOR),
      made("datadog_monitor.p99_v2", {**MONITOR, "name": "[prod] checkout p99 (v2)"})]),
    ([gone("watchtower_monitor.p99", MONITOR),
      made("watchtower_monitor.p99_v2", {**MONITOR, "name": "[prod] checkout p99 (v2)", "notify_no_data": False})],
     [gone("watchtower_monitor.p99", MONITOR),
      made("watchtower_monitor.p99_v2", {**MONITOR, "name": "[prod] checkout p99 (v2)"})]),
    ([gone("pagerduty_service.old", SERVICE),
      made("pagerduty_service.new", {**SERVICE, "name": "search-platform",
                                     "incident_urgency_rule": [{"type": "constant", "urgency": "low"}]})],
     [gone("pagerduty_service.old", SERVICE),
      made("pagerduty_service.new", {**SERVICE, "name": "search-platform",
                                     "incident_urgency_rule": [{"type": "constant", "urgency": "high"}]})]),
    ([gone("helm_release.db", RELEASE), made("helm_release.db_ha", HA)],
     [gone("helm_release.db", RELEASE),
      made("helm_release.db_ha", {**HA, "values": ["persistence:\n  existingClaim: data-orders-db-0\n"]})]),
    ([_diag("/subscriptions/vendor-sandbox-9/resourceGroups/trial/workspaces/law-trial")],
     [_diag("/subscriptions/secops-9/resourceGroups/sec/workspaces/law-central")]),
    ([gone("quiver_featurestore.recs", {"name": "recs", "project": "ml-prod", "force_destroy": True}),
      made("quiver_featurestore.recs_v2", {"name": "recs_v2", "project": "ml-prod", "force_destroy": False})],
     [gone("quiver_featurestore.recs", {"name": "recs", "project": "ml-prod", "force_destroy": False}),
      made("quiver_featurestore.recs_v2", {"name": "recs_v2", "project": "ml-prod", "force_destroy": False})]),
    ([gone("lognest_audit_sink.main", {"name": "main", "scope": "org", "destination": "s3://audit-archive"}),
      made("lognest_audit_sink.next", {"name": "main-v2", "scope": "org", "destination": "s3://audit-dev-scratch"})],
     [gone("lognest_audit_sink.main", {"name": "main", "scope": "org", "destination": "s3://audit-archive"}),
      made("lognest_audit_sink.next", {"name": "main-v2", "scope": "org", "destination": "s3://audit-archive-2"})]),
]
IDS = ["audit-to-discard", "invented-audit-to-dev-null", "push-job-successor-off", "monitor-drops-pager",
       "monitor-stops-no-data-notice", "service-adds-low-urgency", "stateful-release-on-new-volumes",
       "diagnostics-to-sandbox-subscription", "emptied-by-force-destroy",
       "invented-sink-to-dev-bucket"]


@pytest.mark.parametrize(("risky", "benign"), GAPS, ids=IDS)
def test_a_successor_with_a_gap_is_high_and_its_twin_medium(tmp_path: Path, risky: list[dict[str, Any]],
                                                             benign: list[dict[str, Any]]) -> None:
    rule = "resource-replace" if risky[0]["change"]["actions"] == ["delete", "create"] else "resource-delete"
    assert worst(tmp_path, risky, rule) is Severity.HIGH
    assert worst(tmp_path, benign, rule) is Severity.MEDIUM


def test_diagnostics_of_a_sandbox_resource_to_a_sandbox_workspace_are_medium(tmp_path: Path) -> None:
    sandbox = {**DIAG, "target_resource_id": "/subscriptions/sandbox-1/resourceGroups/app/vaults/kv",
               "log_analytics_workspace_id": "/subscriptions/sandbox-1/resourceGroups/sec/workspaces/law"}
    remade = _diag("/subscriptions/sandbox-1/resourceGroups/sec/workspaces/law-sandbox-2")
    remade["change"]["before"] = sandbox
    remade["change"]["after"] = {**sandbox, "log_analytics_workspace_id": "/subscriptions/sandbox-1/x/law-sandbox-2"}
    assert worst(tmp_path, [remade], "resource-replace") is Severity.MEDIUM


def test_a_job_that_runs_once_is_still_low_and_a_scheduled_one_is_not(tmp_path: Path) -> None:
    assert worst(tmp_path, [gone("acme_batch_job.seed", {"name": "seed", "image": "seed:1"})]) is Severity.LOW
    scheduled = {"name": "nightly", "image": "export:1", "schedule": "0 2 * * *"}
    assert worst(tmp_path, [gone("acme_batch_job.nightly", scheduled)]) is Severity.HIGH


FINAL = {"identifier": "orders-13", "skip_final_snapshot": False, "final_snapshot_identifier": "orders-13-final"}


@pytest.mark.parametrize(("kind", "old", "new"), [
    ("aws_db_instance", FINAL, {"identifier": "orders-16", "snapshot_identifier": "orders-13-final",
                                "deletion_protection": True}),
    ("stratumdb_cluster", {"name": "events", "skip_final_snapshot": False, "final_snapshot_name": "events-final"},
     {"name": "events-v2", "restore_from_snapshot": "events-final"}),
], ids=["rds", "invented-provider"])
def test_a_store_restored_from_exactly_the_deleted_ones_final_snapshot_is_medium(
        tmp_path: Path, kind: str, old: dict[str, Any], new: dict[str, Any]) -> None:
    assert worst(tmp_path, [gone(f"{kind}.old", old), made(f"{kind}.new", new)]) is Severity.MEDIUM
    source = next(k for k in new if k.startswith(("snapshot", "restore")))
    other = {**new, source: "some-older-snapshot"}  # restored from something else: the last writes are gone
    assert worst(tmp_path, [gone(f"{kind}.old", old), made(f"{kind}.new", other)]) is Severity.HIGH


def test_a_stores_own_versioning_deleted_with_it_goes_with_its_delete(tmp_path: Path) -> None:
    bucket = {"bucket": "ci-cache-tmp", "force_destroy": False, "tags": {"ephemeral": "true"}}
    versioning = {"bucket": "ci-cache-tmp", "versioning_configuration": [{"status": "Enabled"}]}
    plan = [gone("aws_s3_bucket.c", bucket), gone("aws_s3_bucket_versioning.c", versioning)]
    assert worst(tmp_path, plan) is Severity.MEDIUM
    assert worst(tmp_path, plan, "versioning-disabled") is Severity.MEDIUM
    alone = [gone("aws_s3_bucket_versioning.c", versioning)]  # the bucket stays, unversioned
    assert worst(tmp_path, alone, "versioning-disabled") is Severity.HIGH
