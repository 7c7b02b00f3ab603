"""Retention cuts judged with what the plan keeps (keepers.py): a modest cut is medium when another copy, a
dead-letter target or an archive of the same provider still keeps the data; each with a risky twin where nothing
else keeps it, or the cut is sharp, that stays high; and fixed sizes zeroed as a mode goes on demand (ondemand.py).
Providers are invented."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.pipeline.test_rules_monitoring_and_modes import judge, resource
from tfreview.pipeline.findings import Severity


def _plan(days: int, copy_days: int, copy_before: int | None = None) -> dict[str, Any]:
    return {"name": "daily-prod", "rule": [{"rule_name": "daily", "target_vault_name": "prod",
                                            "lifecycle": [{"delete_after": days}],
                                            "copy_action": [{"destination": "dr-vault",
                                                             "lifecycle": [{"delete_after": copy_days}]}]}]}


def test_a_cut_whose_second_copy_is_kept_as_long_as_before_is_medium(tmp_path: Path) -> None:
    found = judge(tmp_path, [resource("aws_backup_plan.daily", _plan(35, 90), before=_plan(60, 90))])
    assert found["backup-reduced"] is Severity.MEDIUM


def test_a_cut_whose_second_copy_is_shorter_or_cut_too_stays_high(tmp_path: Path) -> None:
    shorter = judge(tmp_path, [resource("aws_backup_plan.daily", _plan(35, 40), before=_plan(60, 40))])
    assert shorter["backup-reduced"] is Severity.HIGH
    both = judge(tmp_path, [resource("aws_backup_plan.daily", _plan(35, 35), before=_plan(60, 90))])
    assert both["backup-reduced"] is Severity.HIGH


def test_a_sharp_cut_stays_high_whatever_else_is_kept(tmp_path: Path) -> None:
    found = judge(tmp_path, [resource("aws_backup_plan.daily", _plan(1, 90), before=_plan(60, 90))])
    assert found["backup-reduced"] is Severity.HIGH


def _database(log_days: int, backups: int, enabled: bool = True) -> dict[str, Any]:
    return {"name": "orders", "settings": [{"backup_configuration": [{
        "enabled": enabled, "point_in_time_recovery_enabled": True, "transaction_log_retention_days": log_days,
        "backup_retention_settings": [{"retained_backups": backups, "retention_unit": "COUNT"}]}]}]}


def test_a_shorter_log_window_while_backups_are_kept_longer_is_medium(tmp_path: Path) -> None:
    found = judge(tmp_path, [resource("google_sql_database_instance.orders", _database(3, 30),
                                      before=_database(7, 30))])
    assert found["backup-reduced"] is Severity.MEDIUM


def test_fewer_backups_while_the_log_window_stays_is_high(tmp_path: Path) -> None:
    # The unchanged seven-day log window keeps less than the thirty backups did.
    found = judge(tmp_path, [resource("google_sql_database_instance.orders", _database(7, 10),
                                      before=_database(7, 30))])
    assert found["backup-reduced"] is Severity.HIGH


def test_backups_switched_off_stay_high(tmp_path: Path) -> None:
    found = judge(tmp_path, [resource("google_sql_database_instance.orders", _database(3, 30, enabled=False),
                                      before=_database(7, 30))])
    assert found["backup-reduced"] is Severity.HIGH


def _subscription(retention: str, dead_letter: str | None) -> dict[str, Any]:
    policy = [{"dead_letter_topic": dead_letter, "max_delivery_attempts": 10}] if dead_letter else []
    return {"name": "siem-pull", "topic": "audit-logs", "message_retention_duration": retention,
            "dead_letter_policy": policy}


def test_a_queue_cut_to_a_day_with_a_dead_letter_target_is_medium(tmp_path: Path) -> None:
    found = judge(tmp_path, [resource("quillmq_subscription.siem", _subscription("86400s", "audit-logs-dlq"),
                                      before=_subscription("604800s", None))])
    assert found["backup-reduced"] is Severity.MEDIUM


def test_a_queue_cut_without_a_dead_letter_target_or_below_a_day_stays_high(tmp_path: Path) -> None:
    bare = judge(tmp_path, [resource("quillmq_subscription.siem", _subscription("86400s", None),
                                     before=_subscription("604800s", None))])
    assert bare["backup-reduced"] is Severity.HIGH
    short = judge(tmp_path, [resource("quillmq_subscription.siem", _subscription("600s", "audit-logs-dlq"),
                                      before=_subscription("604800s", None))])
    assert short["backup-reduced"] is Severity.HIGH


def _index(days: int) -> dict[str, Any]:
    return {"name": "main", "retention_days": days, "filter": [{"query": "*"}]}


def _archive(query: str) -> dict[str, Any]:
    return {"name": "to-bucket", "query": query, "bucket": [{"name": "log-archive"}]}


def test_an_index_cut_while_an_archive_takes_everything_is_medium(tmp_path: Path) -> None:
    found = judge(tmp_path, [resource("logdog_logs_index.main", _index(15), before=_index(30)),
                             resource("logdog_logs_archive.all", _archive("*"), before=_archive("*"),
                                      actions=["no-op"])])
    assert found["backup-reduced"] is Severity.MEDIUM


def test_an_archive_of_something_else_deleted_or_of_another_provider_keeps_nothing(tmp_path: Path) -> None:
    cut = resource("logdog_logs_index.main", _index(15), before=_index(30))
    partial = resource("logdog_logs_archive.billing", _archive("service:billing"), before=_archive("service:billing"),
                       actions=["no-op"])
    assert judge(tmp_path, [cut, partial])["backup-reduced"] is Severity.HIGH
    deleted = resource("logdog_logs_archive.all", None, before=_archive("*"))
    assert judge(tmp_path, [cut, deleted])["backup-reduced"] is Severity.HIGH
    foreign = resource("otherco_logs_archive.all", _archive("*"), before=_archive("*"), actions=["no-op"])
    assert judge(tmp_path, [cut, foreign])["backup-reduced"] is Severity.HIGH


def _stream(shards: int, mode: str) -> dict[str, Any]:
    return {"name": "clicks", "shard_count": shards, "stream_mode_details": [{"stream_mode": mode}],
            "tags": {"env": "prod"}}


def test_a_shard_count_zeroed_as_the_stream_goes_on_demand_is_low(tmp_path: Path) -> None:
    found = judge(tmp_path, [resource("rivulet_stream.clicks", _stream(0, "ON_DEMAND"),
                                      before=_stream(8, "PROVISIONED"))])
    assert found["scaled-to-zero"] is Severity.LOW


def test_a_shard_count_zeroed_under_a_fixed_mode_stays_high(tmp_path: Path) -> None:
    found = judge(tmp_path, [resource("rivulet_stream.clicks", _stream(0, "PROVISIONED"),
                                      before=_stream(8, "PROVISIONED"))])
    assert found["scaled-to-zero"] is Severity.HIGH


def test_a_request_limit_zeroed_under_an_on_demand_mode_stays_high(tmp_path: Path) -> None:
    def table(limit: int) -> dict[str, Any]:
        return {"name": "orders", "billing_mode": "PAY_PER_REQUEST", "reserved_concurrent_executions": limit,
                "tags": {"env": "prod"}}

    found = judge(tmp_path, [resource("rivulet_function.orders", table(0), before=table(50))])
    assert found["scaled-to-zero"] is Severity.HIGH


def test_an_archive_that_points_at_the_store_keeps_it_but_one_only_named_like_it_does_not(tmp_path: Path) -> None:
    cut = resource("logdog_logs_index.main", {**_index(15), "name": "payments"},
                   before={**_index(30), "name": "payments"})
    pointing = {"name": "nightly", "indexes": ["payments"], "bucket": [{"name": "log-archive"}]}
    assert judge(tmp_path, [cut, resource("logdog_logs_archive.nightly", pointing, before=pointing,
                                          actions=["no-op"])])["backup-reduced"] is Severity.MEDIUM
    namesake = {"name": "payments", "indexes": ["billing"], "bucket": [{"name": "log-archive"}]}
    assert judge(tmp_path, [cut, resource("logdog_logs_archive.payments", namesake, before=namesake,
                                          actions=["no-op"])])["backup-reduced"] is Severity.HIGH


def _lock(vault: str, minimum: int) -> dict[str, Any]:
    return {"backup_vault_name": vault, "min_retention_days": minimum, "max_retention_days": 365}


def _single(days: int) -> dict[str, Any]:
    return {"name": "daily-prod", "rule": [{"rule_name": "daily", "target_vault_name": "prod-vault",
                                            "lifecycle": [{"delete_after": days}]}]}


def test_a_cut_that_still_meets_the_vault_locks_minimum_is_medium(tmp_path: Path) -> None:
    lock = resource("coldvault_vault_lock_configuration.prod", _lock("prod-vault", 30), before=_lock("prod-vault", 30),
                    actions=["no-op"])
    found = judge(tmp_path, [resource("coldvault_backup_plan.daily", _single(35), before=_single(60)), lock])
    assert found["backup-reduced"] is Severity.MEDIUM


def test_a_lock_on_another_vault_or_with_a_higher_floor_keeps_nothing(tmp_path: Path) -> None:
    cut = resource("coldvault_backup_plan.daily", _single(35), before=_single(60))
    other = resource("coldvault_vault_lock_configuration.dr", _lock("dr-vault", 30), before=_lock("dr-vault", 30),
                     actions=["no-op"])
    assert judge(tmp_path, [cut, other])["backup-reduced"] is Severity.HIGH
    higher = resource("coldvault_vault_lock_configuration.prod", _lock("prod-vault", 45),
                      before=_lock("prod-vault", 45), actions=["no-op"])
    assert judge(tmp_path, [cut, higher])["backup-reduced"] is Severity.HIGH


def test_a_longer_retention_of_something_other_than_copies_keeps_nothing(tmp_path: Path) -> None:
    # Two years of performance insights about a database are no copy of its data.
    def db(days: int) -> dict[str, Any]:
        return {"identifier": "orders", "backup_retention_period": days, "performance_insights_retention_period": 731}

    found = judge(tmp_path, [resource("rdsish_db_instance.orders", db(7), before=db(30))])
    assert found["backup-reduced"] is Severity.HIGH
