"""Decommissioning judged by what the plan proves: a store that keeps a final copy retired with the names that
reached it, a cache that persists nothing, a workload already at zero copies, a stopped task, a helper that only
deleted objects used, a way in named after a deleted store; each with a risky twin that stays high."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.pipeline.test_rules_deletes_by_what_they_lose import gone
from tests.pipeline.test_rules_successors_take_over import made
from tfreview.pipeline.findings import Severity
from tfreview.pipeline.review import review
from tfreview.settings import Settings

HOST = "billing-old.x7k2.eu-west-1.rds.amazonaws.com"


def _severity(tmp_path: Path, changes: list[dict[str, Any]], address: str,
              timestamp: str | None = None) -> Severity | None:
    """Review a plan (made at TIMESTAMP) with rules alone: the severity of the resource-delete finding on ADDRESS."""
    path = tmp_path / "plan.json"
    plan: dict[str, Any] = {"format_version": "1.2", "terraform_version": "1.9.8", "resource_changes": changes}
    if timestamp:
        plan["timestamp"] = timestamp
    path.write_text(json.dumps(plan))
    result = review(path, Settings(backend="none"))
    assert not result.errors
    found = [f.severity for f in result.findings if f.rule == "resource-delete" and f.address == address]
    return found[0] if found else None


# --- a store keeping a final copy, retired with the names that reached it ---------------------------------------
def _database(**extra: Any) -> dict[str, Any]:
    return {"identifier": "billing-old", "engine": "postgres", "skip_final_snapshot": False,
            "final_snapshot_identifier": "billing-old-final", "tags": {"env": "prod"}, **extra}


def _retired(database: dict[str, Any], *more: dict[str, Any]) -> list[dict[str, Any]]:
    return [gone("aws_db_instance.billing", database),
            gone("aws_route53_record.billing", {"name": "billing-db.corp", "type": "CNAME", "records": [HOST]}),
            *more]


@pytest.mark.parametrize("database", [_database(), _database(address=HOST, final_snapshot_identifier="f-1")],
                         ids=["host-named-after-it", "own-host"])
def test_store_with_final_copy_retired_with_its_name_is_medium(tmp_path: Path, database: dict[str, Any]) -> None:
    assert _severity(tmp_path, _retired(database), "aws_db_instance.billing") is Severity.MEDIUM


@pytest.mark.parametrize(("database", "more"), [
    (_database(skip_final_snapshot=True), []),
    (_database(final_snapshot_identifier=None), []),
    (_database(), [made("aws_ecs_task_definition.api", {"family": "api", "environment": f"DB_HOST={HOST}"})]),
], ids=["skips-final-snapshot", "no-final-snapshot", "kept-object-still-names-it"])
def test_store_retired_without_a_way_back_or_still_named_stays_high(tmp_path: Path, database: dict[str, Any],
                                                                    more: list[dict[str, Any]]) -> None:
    assert _severity(tmp_path, _retired(database, *more), "aws_db_instance.billing") is Severity.HIGH


def test_store_with_final_copy_but_no_name_retired_stays_high(tmp_path: Path) -> None:
    assert _severity(tmp_path, [gone("aws_db_instance.billing", _database())], "aws_db_instance.billing") \
        is Severity.HIGH


# --- an in-memory cache that persists nothing -----------------------------------------------------------------
def _cache(**config: Any) -> dict[str, Any]:
    return {"name": "sessions-cache-old", "sku_name": "Standard",
            "redis_configuration": [{"rdb_backup_enabled": False, "aof_backup_enabled": False,
                                     "maxmemory_policy": "allkeys-lru", **config}]}


@pytest.mark.parametrize(("address", "values"), [
    ("azurerm_redis_cache.old", _cache()),
    ("acme_kv_cache.old", {"name": "kv-old", "persistence": {"mode": "disabled"},
                           "settings": {"maxmemory-policy": "allkeys-lfu"}}),
    ("aws_elasticache_cluster.old", {"cluster_id": "pages", "engine": "memcached", "num_cache_nodes": 2}),
], ids=["redis-no-rdb-no-aof", "invented-provider", "memcached"])
def test_cache_that_persists_nothing_is_medium(tmp_path: Path, address: str, values: dict[str, Any]) -> None:
    assert _severity(tmp_path, [gone(address, values)], address) is Severity.MEDIUM


@pytest.mark.parametrize("values", [
    _cache(aof_backup_enabled=True),
    _cache(rdb_backup_enabled=True, rdb_backup_frequency=60),
    _cache(maxmemory_policy="noeviction"),
    _cache(maxmemory_policy="volatile-lru"),
    {"name": "kv-old", "persistence": {"mode": "RDB"}, "settings": {"maxmemory-policy": "allkeys-lru"}},
], ids=["aof-on", "rdb-on", "never-evicts", "evicts-only-expiring-keys", "persistence-mode"])
def test_cache_that_persists_or_keeps_keys_stays_high(tmp_path: Path, values: dict[str, Any]) -> None:
    assert _severity(tmp_path, [gone("azurerm_redis_cache.old", values)], "azurerm_redis_cache.old") \
        is Severity.HIGH


# --- a workload already scaled to zero -------------------------------------------------------------------------
def _release(values: str, **extra: Any) -> dict[str, Any]:
    return {"name": "pdf-worker", "namespace": "docs", "chart": "./charts/worker", "status": "deployed",
            "values": [values], **extra}


@pytest.mark.parametrize(("address", "values"), [
    ("helm_release.worker", _release("replicaCount: 0\npersistence:\n  enabled: false\n")),
    ("helm_release.worker", _release("image: x\n", set=[{"name": "replicaCount", "value": "0"}])),
    ("acme_service.worker", {"name": "worker", "desired_count": 0, "image": "worker:1"}),
], ids=["helm-values", "helm-set", "invented-service"])
def test_workload_at_zero_copies_without_storage_is_medium(tmp_path: Path, address: str,
                                                           values: dict[str, Any]) -> None:
    assert _severity(tmp_path, [gone(address, values)], address) is Severity.MEDIUM


@pytest.mark.parametrize("values", [
    _release("replicaCount: 2\n"),
    _release("replicaCount: 0\npersistence:\n  enabled: true\n  size: 10Gi\n"),
    _release("replicaCount: 0\nautoscaling:\n  enabled: true\n  maxReplicas: 5\n"),
    _release("replicaCount: 0\nworker:\n  replicas: 3\n"),
    _release("image: x\n"),
    _release("replicaCount: 0\n", chart="bitnami/postgresql"),
    _release("replicaCount: 0\nexistingClaim: worker-data\n"),
], ids=["replicas-running", "persistent-volume", "autoscaler-on", "other-component-running", "no-count",
        "data-engine", "existing-claim"])
def test_workload_running_or_keeping_data_stays_high(tmp_path: Path, values: dict[str, Any]) -> None:
    assert _severity(tmp_path, [gone("helm_release.worker", values)], "helm_release.worker") is Severity.HIGH


# --- a stopped replication task --------------------------------------------------------------------------------
@pytest.mark.parametrize(("status", "expected"), [("stopped", Severity.MEDIUM), ("running", Severity.HIGH)])
def test_stopped_task_runs_nothing(tmp_path: Path, status: str, expected: Severity) -> None:
    task = {"replication_task_id": "orders-cdc", "migration_type": "full-load-and-cdc", "status": status}
    assert _severity(tmp_path, [gone("acme_replication_task.orders", task)], "acme_replication_task.orders") \
        is expected


def test_stopped_task_queue_still_holds_its_tasks(tmp_path: Path) -> None:
    queue = {"name": "render-jobs", "state": "stopped"}
    assert _severity(tmp_path, [gone("acme_tasks_queue.render", queue)], "acme_tasks_queue.render") is Severity.HIGH


# --- a helper used only by objects the plan deletes ------------------------------------------------------------
POLICY = {"id": "PEPFAX9", "name": "fax EP", "rule": [{"target": [{"type": "schedule", "id": "PSCH1"}]}]}


def test_helper_deleted_with_its_only_user_is_medium(tmp_path: Path) -> None:
    changes = [gone("acme_escalation_policy.fax", POLICY),
               gone("acme_service.fax", {"id": "PSVC1", "name": "fax", "escalation_policy": "PEPFAX9"})]
    assert _severity(tmp_path, changes, "acme_escalation_policy.fax") is Severity.MEDIUM


@pytest.mark.parametrize("more", [
    [],
    [gone("acme_service.fax", {"id": "PSVC1", "name": "fax", "escalation_policy": "PEPFAX9"}),
     made("acme_service.print", {"name": "print", "escalation_policy": "PEPFAX9"})],
    [gone("acme_service.fax", {"id": "PSVC1", "name": "fax", "description": "PEPFAX9"})],
], ids=["no-user-deleted", "kept-user-still-names-it", "mention-not-a-reference"])
def test_helper_still_used_or_unlinked_stays_high(tmp_path: Path, more: list[dict[str, Any]]) -> None:
    changes = [gone("acme_escalation_policy.fax", POLICY), *more]
    assert _severity(tmp_path, changes, "acme_escalation_policy.fax") is Severity.HIGH


def test_key_used_only_by_a_deleted_store_stays_high(tmp_path: Path) -> None:
    changes = [gone("acme_crypto_key.db", {"id": "key-77aa", "name": "db-key"}),
               gone("acme_database.db", {"id": "db-1", "name": "db", "crypto_key": "key-77aa"})]
    assert _severity(tmp_path, changes, "acme_crypto_key.db") is Severity.HIGH


# --- a way in named after a store the plan deletes -------------------------------------------------------------
def test_private_endpoint_named_after_deleted_store_is_medium(tmp_path: Path) -> None:
    changes = [gone("azurerm_redis_cache.old", _cache(aof_backup_enabled=True)),
               gone("azurerm_private_endpoint.old", {"name": "pe-sessions-cache-old", "subnet_id": "/s/pe"})]
    assert _severity(tmp_path, changes, "azurerm_private_endpoint.old") is Severity.MEDIUM
    assert _severity(tmp_path, changes, "azurerm_redis_cache.old") is Severity.HIGH


@pytest.mark.parametrize("name", ["pe-sessions-cache-new", "pe-sessions"], ids=["other-store", "one-short-word"])
def test_endpoint_not_named_after_a_deleted_store_stays_high(tmp_path: Path, name: str) -> None:
    changes = [gone("azurerm_redis_cache.old", _cache()),
               gone("azurerm_private_endpoint.old", {"name": name, "subnet_id": "/s/pe"})]
    assert _severity(tmp_path, changes, "azurerm_private_endpoint.old") is Severity.HIGH


# --- past use by its own dates, when the plan was made ---------------------------------------------------------
NOW = "2026-11-25T16:48:11Z"
CERT = {"id": "ASCA77", "arn": "arn:aws:iam::1:server-certificate/api-2024", "name": "api-2024",
        "expiration": "2025-06-30T23:59:59Z"}


@pytest.mark.parametrize("address", ["aws_iam_server_certificate.old", "acme_tls_cert.old", "acme_api_token.old"])
def test_expired_certificate_or_token_is_medium(tmp_path: Path, address: str) -> None:
    assert _severity(tmp_path, [gone(address, CERT)], address, NOW) is Severity.MEDIUM


@pytest.mark.parametrize(("values", "timestamp", "more"), [
    ({**CERT, "expiration": "2027-06-30T23:59:59Z"}, NOW, []),
    (CERT, None, []),
    (CERT, NOW, [made("aws_lb_listener.https", {"port": 443, "certificate_arn": CERT["arn"]})]),
    ({k: v for k, v in CERT.items() if k != "expiration"}, NOW, []),
], ids=["still-valid", "plan-time-unknown", "kept-listener-names-it", "no-expiry"])
def test_certificate_not_proved_expired_and_unused_stays_high(tmp_path: Path, values: dict[str, Any],
                                                              timestamp: str | None,
                                                              more: list[dict[str, Any]]) -> None:
    address = "aws_iam_server_certificate.old"
    assert _severity(tmp_path, [gone(address, values), *more], address, timestamp) is Severity.HIGH


def _snapshot(date: str, retention: str | None = "26w", volume: str = "vol-1") -> dict[str, Any]:
    tags = {"retention": retention} if retention else {}
    return {"id": f"snap-{date}", "volume_id": volume, "description": f"weekly {date}", "tags": tags}


def _weekly(values: dict[str, Any], keep: bool = False) -> dict[str, Any]:
    address = f'acme_volume_snapshot.weekly["{values["id"][5:]}"]'
    if not keep:
        return gone(address, values, "delete_because_each_key")
    entry = made(address, values)
    entry["change"].update(actions=["no-op"], before=values)
    return entry


@pytest.mark.parametrize("retention", ["26w", None], ids=["past-its-own-retention", "no-stated-retention"])
def test_copy_aged_out_with_newer_copy_kept_is_medium(tmp_path: Path, retention: str | None) -> None:
    changes = [_weekly(_snapshot("2026-05-02", retention)), _weekly(_snapshot("2026-11-21"), True)]
    assert _severity(tmp_path, changes, 'acme_volume_snapshot.weekly["2026-05-02"]', NOW) is Severity.MEDIUM


@pytest.mark.parametrize(("old", "newer", "timestamp"), [
    (_snapshot("2026-10-02"), _snapshot("2026-11-21"), NOW),
    (_snapshot("2026-05-02"), None, NOW),
    (_snapshot("2026-05-02"), _snapshot("2026-11-21", volume="vol-2"), NOW),
    (_snapshot("2026-05-02"), _snapshot("2026-11-21"), None),
    (_snapshot("2026-05-02"), _snapshot("2026-04-11"), NOW),
], ids=["within-retention", "no-copy-kept", "kept-copy-of-another-source",
        "plan-time-unknown", "only-older-copy-kept"])
def test_copy_not_proved_past_retention_stays_high(tmp_path: Path, old: dict[str, Any],
                                                   newer: dict[str, Any] | None, timestamp: str | None) -> None:
    changes = [_weekly(old), *([_weekly(newer, True)] if newer is not None else [])]
    address = f'acme_volume_snapshot.weekly["{old["id"][5:]}"]'
    assert _severity(tmp_path, changes, address, timestamp) is Severity.HIGH
