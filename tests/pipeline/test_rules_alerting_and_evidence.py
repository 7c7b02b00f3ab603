"""Alerts routed to nobody and retention of evidence cut, judged by what attributes mean (invented providers
included), each with a benign look-alike that stays likely safe."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.helpers import review_rules_alone, worst_by_rule
from tests.pipeline.test_rules_monitoring_and_modes import resource
from tfreview.labels import Label
from tfreview.pipeline.findings import Severity
from tfreview.pipeline.rules.evidence import sharp
from tfreview.pipeline.rules.units import duration, unit_of


def judge(tmp_path: Path, changes: list[dict[str, Any]], **sections: Any) -> dict[str, Severity]:
    """{rule: worst severity} of a plan of CHANGES reviewed with rules alone."""
    return worst_by_rule(review_rules_alone(tmp_path, changes, **sections))


def label(tmp_path: Path, changes: list[dict[str, Any]], **sections: Any) -> Label:
    """The label rules alone give a plan of CHANGES."""
    return review_rules_alone(tmp_path, changes, **sections).label


def update(address: str, before: dict[str, Any], **changed: Any) -> dict[str, Any]:
    """An update of ADDRESS from BEFORE with CHANGED attributes."""
    return resource(address, {**before, **changed}, before=before)


# --- recipients emptied ---------------------------------------------------------------------------------------

PAGER = {"name": "api errors", "query": "errors > 5", "message": "Errors high. Runbook: https://wiki/x\n"
         "@pager-api-primary @chat-incidents", "priority": 1}


def test_a_monitor_whose_message_loses_every_handle_alerts_nobody(tmp_path: Path) -> None:
    change = update("beaconhq_monitor.api", PAGER, message="Errors high. Runbook: https://wiki/x")
    assert judge(tmp_path, [change]).get("alerts-to-nobody") is Severity.HIGH


def test_a_monitor_that_keeps_one_handle_is_quiet(tmp_path: Path) -> None:
    change = update("beaconhq_monitor.api", PAGER, message="Errors high. @pager-api-primary", priority=2)
    assert label(tmp_path, [change]) is Label.LIKELY_SAFE


def test_an_email_address_in_a_message_is_no_handle(tmp_path: Path) -> None:
    before = {**PAGER, "message": "Errors high, mail ops@acme.io"}
    assert label(tmp_path, [update("beaconhq_monitor.api", before, message="Errors high")]) is Label.LIKELY_SAFE


ROUTE = {"name": "prod-critical", "matchers": ["severity=critical"], "receivers": ["pd-primary", "chat"],
         "group_wait_seconds": 30}


def test_a_route_whose_receivers_are_emptied_alerts_nobody(tmp_path: Path) -> None:
    change = update("lookout_alert_route.critical", ROUTE, receivers=[])
    assert judge(tmp_path, [change]).get("alerts-to-nobody") is Severity.HIGH


def test_a_route_that_gains_a_receiver_is_quiet(tmp_path: Path) -> None:
    change = update("lookout_alert_route.critical", ROUTE, receivers=["pd-primary", "chat", "email"])
    assert label(tmp_path, [change]) is Label.LIKELY_SAFE


def test_an_issue_alert_whose_actions_are_emptied_alerts_nobody(tmp_path: Path) -> None:
    before = {"name": "new errors", "actions": [{"notify_email": [{"target": "team"}]}], "frequency": 30}
    change = update("bugnet_issue_alert.new", before, actions=[])
    assert judge(tmp_path, [change]).get("alerts-to-nobody") is Severity.HIGH


def test_a_route_table_losing_routes_is_no_alert(tmp_path: Path) -> None:
    before = {"vpc_id": "vpc-1", "route": [{"cidr_block": "10.0.0.0/8", "gateway_id": "vgw-1"}], "rule": []}
    assert "alerts-to-nobody" not in judge(tmp_path, [update("acme_route_table.main", before, route=[])])


ROTATION = {"name": "weekly", "layer": [{"name": "Weekly", "users": ["U1", "U2", "U3", "U4"]}]}


def test_an_on_call_rotation_cut_to_one_person_is_high(tmp_path: Path) -> None:
    change = update("pagerbell_schedule.payments", ROTATION, layer=[{"name": "Weekly", "users": ["U9"]}])
    assert judge(tmp_path, [change]).get("alerts-to-nobody") is Severity.HIGH


def test_a_rotation_swapping_one_person_is_quiet(tmp_path: Path) -> None:
    change = update("pagerbell_schedule.payments", ROTATION,
                    layer=[{"name": "Weekly", "users": ["U1", "U2", "U3", "U5"]}])
    assert label(tmp_path, [change]) is Label.LIKELY_SAFE


def _escalation_plan(members: list[str]) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    team = resource("pagerbell_team.holding", {"name": "holding", "member": members, "ignore_members": False})
    before = {"name": "core", "rules": [{"delay": 0, "recipient": [{"type": "schedule", "id": "sched-1"}]}]}
    after = {"name": "core", "rules": [{"delay": 0, "recipient": [{"type": "team", "id": None}]}]}
    escalation = resource("pagerbell_escalation.core", after, before=before)
    escalation["change"]["after_unknown"] = {"rules": [{"recipient": [{"id": True}]}]}
    config = {"root_module": {"resources": [
        {"address": "pagerbell_team.holding", "mode": "managed", "type": "pagerbell_team", "name": "holding",
         "expressions": {"name": {"constant_value": "holding"}}},
        {"address": "pagerbell_escalation.core", "mode": "managed", "type": "pagerbell_escalation", "name": "core",
         "expressions": {"rules": {"references": ["pagerbell_team.holding.id", "pagerbell_team.holding"]}}}]}}
    return [team, escalation], config


def test_an_escalation_to_a_team_created_empty_alerts_nobody(tmp_path: Path) -> None:
    changes, config = _escalation_plan([])
    assert judge(tmp_path, changes, configuration=config).get("alerts-to-empty-team") is Severity.HIGH


def test_an_escalation_to_a_new_team_with_members_is_quiet(tmp_path: Path) -> None:
    changes, config = _escalation_plan(["u-alice", "u-bob"])
    assert label(tmp_path, changes, configuration=config) is Label.LIKELY_SAFE


def test_an_alert_intake_replaced_by_a_new_monitor_on_the_same_thing_is_not_high(tmp_path: Path) -> None:
    old = resource("pagerbell_service_integration.legacy_backup",
                   None, before={"name": "legacy-bacula-email", "type": "email_inbound"})
    new = resource("beaconhq_monitor.backup_failed", {"name": "[backup] job failed", "message": "@pager-storage"})
    assert judge(tmp_path, [old, new]).get("resource-delete") is Severity.MEDIUM


def test_an_alert_intake_deleted_alone_stays_high(tmp_path: Path) -> None:
    old = resource("pagerbell_service_integration.legacy_backup",
                   None, before={"name": "legacy-bacula-email", "type": "email_inbound"})
    other = resource("beaconhq_monitor.cpu", {"name": "cpu high", "message": "@pager-infra"})
    assert judge(tmp_path, [old, other]).get("resource-delete") is Severity.HIGH


def test_a_mute_scoped_to_one_named_condition_is_quiet(tmp_path: Path) -> None:
    mute = {"name": "migration", "enabled": True,
            "condition": [{"operator": "AND", "conditions": [
                {"attribute": "conditionName", "operator": "EQUALS", "values": ["orders-db lag"]}]}],
            "schedule": [{"start_time": "2026-12-06T02:00:00", "end_time": "2026-12-06T04:00:00"}]}
    assert label(tmp_path, [resource("relicly_alert_muting_rule.m", mute)]) is Label.LIKELY_SAFE


def test_a_mute_on_the_whole_account_mutes_everything(tmp_path: Path) -> None:
    mute = {"name": "quiet", "enabled": True, "schedule": [],
            "condition": [{"operator": "OR", "conditions": [
                {"attribute": "accountId", "operator": "EQUALS", "values": ["3012345"]}]}]}
    assert judge(tmp_path, [resource("relicly_alert_muting_rule.m", mute)]).get("monitoring-muted") is Severity.HIGH


def test_a_sandbox_alert_deleted_is_not_high(tmp_path: Path) -> None:
    alert = {"name": "playground errors", "project": "sandbox-playground", "environment": "dev",
             "actions": [{"notify_email": [{"target": "owners"}]}]}
    change = resource("bugnet_issue_alert.playground", None, before=alert)
    assert judge(tmp_path, [change]).get("resource-delete") is not Severity.HIGH


def test_a_production_alert_deleted_stays_high(tmp_path: Path) -> None:
    alert = {"name": "api errors", "project": "api", "environment": "production",
             "actions": [{"notify_email": [{"target": "owners"}]}]}
    change = resource("bugnet_issue_alert.api", None, before=alert)
    assert judge(tmp_path, [change]).get("resource-delete") is Severity.HIGH


# --- retention of evidence --------------------------------------------------------------------------------------

def test_durations_are_read_in_any_spelling() -> None:
    hour = 3600
    assert duration("720h0m0s") == 720 * hour
    assert duration("400d") == 9600 * hour
    assert duration("P30D") == 720 * hour
    assert duration(2, "days") == 48 * hour
    assert duration(3600) is None
    assert sharp(400 * 24 * hour, 24 * hour) and sharp(30, 3, ratio_only=True)
    assert not sharp(14 * 24 * hour, 7 * 24 * hour)
    assert not sharp(30, 7, ratio_only=True)


ILM = {"name": "audit-logs", "hot": [{"min_age": "0ms", "rollover": [{"max_age": "1d"}]}],
       "delete": [{"min_age": "400d"}]}


def test_an_audit_log_phase_cut_to_a_day_is_high(tmp_path: Path) -> None:
    change = update("searchco_index_lifecycle.audit", ILM, delete=[{"min_age": "1d"}])
    assert judge(tmp_path, [change]).get("backup-reduced") is Severity.HIGH


def test_a_dev_debug_log_phase_halved_is_quiet(tmp_path: Path) -> None:
    before = {**ILM, "name": "app-debug-dev", "delete": [{"min_age": "14d"}]}
    assert label(tmp_path, [update("searchco_index_lifecycle.debug", before, delete=[{"min_age": "7d"}])]) \
        is Label.LIKELY_SAFE


def test_a_rollover_shortened_is_no_retention_cut(tmp_path: Path) -> None:
    change = update("searchco_index_lifecycle.audit", ILM, hot=[{"min_age": "0ms", "rollover": [{"max_age": "1h"}]}])
    assert label(tmp_path, [change]) is Label.LIKELY_SAFE


STREAM = {"topic_name": "payments.ledger.v1", "config": {"cleanup.policy": "delete", "retention.ms": "-1"}}


def test_a_ledger_stream_kept_for_ever_cut_to_an_hour_is_high(tmp_path: Path) -> None:
    change = update("streamco_topic.ledger", STREAM, config={"cleanup.policy": "delete", "retention.ms": "3600000"})
    assert judge(tmp_path, [change]).get("backup-reduced") is Severity.HIGH


def test_a_clickstream_kept_for_ever_cut_to_an_hour_is_quiet(tmp_path: Path) -> None:
    before = {"topic_name": "web.clickstream.v1", "config": STREAM["config"]}
    change = update("streamco_topic.clicks", before, config={"cleanup.policy": "delete", "retention.ms": "3600000"})
    assert label(tmp_path, [change]) is Label.LIKELY_SAFE


def test_abbreviated_units_end_a_key() -> None:
    assert unit_of("config.retention.ms", None) == "ms" and unit_of("ttl_sec", None) == "sec"
    assert unit_of("config.retention.bytes", None) is None


BACKUPS = {"cluster_name": "orders", "restore_window_days": 7,
           "policy_item_daily": [{"frequency_interval": 1, "retention_unit": "days", "retention_value": 30}]}


def test_a_backup_schedule_slashed_is_high(tmp_path: Path) -> None:
    change = update("dbcloud_backup_schedule.orders", BACKUPS,
                    policy_item_daily=[{"frequency_interval": 1, "retention_unit": "days", "retention_value": 1}])
    assert judge(tmp_path, [change]).get("backup-reduced") is Severity.HIGH


def test_a_backup_schedule_taken_more_often_is_quiet(tmp_path: Path) -> None:
    change = update("dbcloud_backup_schedule.orders", BACKUPS,
                    policy_item_daily=[{"frequency_interval": 2, "retention_unit": "days", "retention_value": 30}])
    assert label(tmp_path, [change]) is Label.LIKELY_SAFE


def _manifest(ttl: str) -> dict[str, Any]:
    spec = {"schedule": "0 2 * * *", "template": {"snapshotVolumes": True, "ttl": ttl}}
    return {"manifest": {"apiVersion": "backups.example.io/v1", "kind": "Schedule", "spec": spec}}


def test_a_backup_schedule_ttl_cut_to_an_hour_is_high(tmp_path: Path) -> None:
    change = resource("kubernetes_manifest.daily", _manifest("1h0m0s"), before=_manifest("720h0m0s"))
    assert judge(tmp_path, [change]).get("backup-reduced") is Severity.HIGH


def test_a_dns_record_ttl_cut_is_no_evidence(tmp_path: Path) -> None:
    record = {"name": "www", "type": "A", "ttl": 3600, "records": ["192.0.2.1"]}
    assert label(tmp_path, [update("dnsco_record.www", record, ttl=60)]) is Label.LIKELY_SAFE


LOCKED = {"name": "ledger-archive", "retention_lock_days": 2555, "lock_mode": "compliance", "lock_state": "armed"}


def test_a_vault_lock_disarmed_is_high(tmp_path: Path) -> None:
    found = judge(tmp_path, [update("frostbox_archive_vault.ledger", LOCKED, lock_mode="advisory",
                                    lock_state="disarmed")])
    assert found.get("protection-disabled") is Severity.HIGH


def test_a_vault_lock_cut_to_a_day_is_high(tmp_path: Path) -> None:
    change = update("frostbox_archive_vault.ledger", LOCKED, retention_lock_days=1)
    assert judge(tmp_path, [change]).get("backup-reduced") is Severity.HIGH


def test_a_vault_lock_extended_is_quiet(tmp_path: Path) -> None:
    change = update("frostbox_archive_vault.ledger", LOCKED, retention_lock_days=3650)
    assert label(tmp_path, [change]) is Label.LIKELY_SAFE


def test_a_lifecycle_expiring_a_log_bucket_prefix_after_a_day_is_high(tmp_path: Path) -> None:
    def rules(days: int) -> dict[str, Any]:
        return {"bucket": "acme-org-audit-logs", "rule": [{"id": "archive", "status": "Enabled",
                                                           "filter": [{"prefix": "trail/"}],
                                                           "expiration": [{"days": days}]}]}
    change = resource("cloudco_bucket_lifecycle_configuration.audit", rules(1), before=rules(2555))
    assert judge(tmp_path, [change]).get("backup-reduced") is Severity.HIGH


def test_a_lifecycle_expiring_a_tmp_prefix_is_quiet(tmp_path: Path) -> None:
    before = {"bucket": "acme-exports", "rule": [{"id": "a", "status": "Enabled", "filter": [{"prefix": ""}],
                                                  "transition": [{"days": 90}]}]}
    after = {**before, "rule": [*before["rule"], {"id": "tmp", "status": "Enabled", "filter": [{"prefix": "tmp/"}],
                                                   "expiration": [{"days": 3}]}]}
    assert label(tmp_path, [resource("cloudco_bucket_lifecycle_configuration.x", after, before=before)]) \
        is Label.LIKELY_SAFE


def _gcs_bucket(*delete_ages: int) -> dict[str, Any]:
    rules = [{"action": [{"type": "Delete", "storage_class": ""}],
              "condition": [{"age": age, "days_since_custom_time": 0, "matches_prefix": [], "with_state": "ANY"}]}
             for age in delete_ages]
    return {"name": "acme-raw-events", "location": "EU", "lifecycle_rule": rules}


def test_a_new_whole_bucket_retention_of_over_a_year_is_shown_not_held(tmp_path: Path) -> None:
    change = update("google_storage_bucket.raw", _gcs_bucket(), lifecycle_rule=_gcs_bucket(400)["lifecycle_rule"])
    assert judge(tmp_path, [change]).get("lifecycle-expiration") is Severity.MEDIUM
    assert label(tmp_path, [change]) is Label.LIKELY_SAFE


def test_a_new_whole_bucket_expiry_of_a_month_is_high(tmp_path: Path) -> None:
    change = update("google_storage_bucket.raw", _gcs_bucket(), lifecycle_rule=_gcs_bucket(30)["lifecycle_rule"])
    assert judge(tmp_path, [change]).get("lifecycle-expiration") is Severity.HIGH


def test_an_existing_retention_cut_to_a_year_is_high(tmp_path: Path) -> None:
    change = update("google_storage_bucket.audit", _gcs_bucket(2557), lifecycle_rule=_gcs_bucket(400)["lifecycle_rule"])
    assert judge(tmp_path, [change]).get("lifecycle-expiration") is Severity.HIGH


def test_a_long_retention_that_purges_old_versions_in_a_day_is_high(tmp_path: Path) -> None:
    rules = {"bucket": "acme-exports", "rule": [{"id": "keep", "status": "Enabled", "filter": [{"prefix": ""}],
                                                 "expiration": [{"days": 400}],
                                                 "noncurrent_version_expiration": [{"noncurrent_days": 1}]}]}
    change = resource("aws_s3_bucket_lifecycle_configuration.x", rules, before={"bucket": "acme-exports", "rule": []})
    assert judge(tmp_path, [change]).get("lifecycle-expiration") is Severity.HIGH


def test_an_ilm_policy_expiring_a_whole_backup_bucket_is_high(tmp_path: Path) -> None:
    policy = {"bucket": "velero-backups", "rule": [{"id": "housekeeping", "status": "Enabled", "expiration": "1d",
                                                    "filter": ""}]}
    assert judge(tmp_path, [resource("objstore_ilm_policy.v", policy)]).get("lifecycle-expiration") is Severity.HIGH


def test_an_ilm_policy_expiring_one_prefix_is_quiet(tmp_path: Path) -> None:
    before = {"bucket": "loki-chunks", "rule": [{"id": "a", "status": "Enabled", "expiration": "", "filter": "x/"}]}
    after = {"bucket": "loki-chunks", "rule": [{"id": "b", "status": "Enabled", "expiration": "30d",
                                                "filter": "index/"}]}
    assert label(tmp_path, [resource("objstore_ilm_policy.l", after, before=before)]) is Label.LIKELY_SAFE


def test_a_dev_log_group_retention_halved_is_low(tmp_path: Path) -> None:
    group = {"name": "/fn/dev-thumbs", "retention_in_days": 14, "tags": {"env": "dev"}}
    change = update("aws_cloudwatch_log_group.dev", group, retention_in_days=7)
    assert judge(tmp_path, [change]).get("backup-reduced") is Severity.LOW


def test_a_production_log_group_retention_halved_stays_high(tmp_path: Path) -> None:
    group = {"name": "/fn/thumbs", "retention_in_days": 14, "tags": {"env": "prod"}}
    change = update("aws_cloudwatch_log_group.prod", group, retention_in_days=7)
    assert judge(tmp_path, [change]).get("backup-reduced") is Severity.HIGH


def test_a_secret_engine_lease_shortened_is_no_evidence_cut(tmp_path: Path) -> None:
    mount = {"path": "kv-prod", "type": "kv", "default_lease_ttl_seconds": 3600, "max_lease_ttl_seconds": 86400}
    change = update("vault_mount.kv", mount, default_lease_ttl_seconds=60, max_lease_ttl_seconds=600)
    assert label(tmp_path, [change]) is Label.LIKELY_SAFE


def _lock(days: int | None, years: int | None) -> dict[str, Any]:
    return {"bucket": "acme-audit-trail", "rule": [{"default_retention": [{"days": days, "mode": "COMPLIANCE",
                                                                           "years": years}]}]}


def test_an_object_lock_written_in_years_instead_of_days_is_quiet(tmp_path: Path) -> None:
    change = resource("aws_s3_bucket_object_lock_configuration.a", _lock(None, 7), before=_lock(365, None))
    assert label(tmp_path, [change]) is Label.LIKELY_SAFE


def test_an_object_lock_cut_from_years_to_a_day_is_high(tmp_path: Path) -> None:
    change = resource("aws_s3_bucket_object_lock_configuration.a", _lock(1, None), before=_lock(None, 7))
    assert judge(tmp_path, [change]).get("backup-reduced") is Severity.HIGH


def test_a_backup_selection_replaced_is_not_high(tmp_path: Path) -> None:
    selection = {"name": "prod-rds", "plan_id": "pl-1", "resources": ["arn:aws:rds:eu-west-1:1:db:orders"]}
    change = resource("aws_backup_selection.prod", {**selection, "resources": [*selection["resources"], "db2"]},
                      before=selection, actions=["delete", "create"])
    assert judge(tmp_path, [change]).get("resource-replace") is Severity.MEDIUM
