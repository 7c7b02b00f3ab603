"""Storage and backup judgments: strengthening is never weakening (a lock lengthened in another unit, a fixed count
handed to autoscaling, a config replaced to turn encryption on), deletes judged by what the store holds (named
disposable with a destroy guard off, configuration going with its store, ephemeral processing clusters, successors),
keys that may erase every bucket, and YAML maps that are no credential; each with a look-alike that stays caught."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.pipeline.test_rules_deletes_by_what_they_hold import made
from tests.pipeline.test_rules_deletes_by_what_they_lose import gone, worst
from tfreview.pipeline.credentials import find_in_text
from tfreview.pipeline.findings import Severity
from tfreview.pipeline.rules.datakeys import destructive

REPLACE = ["delete", "create"]


def changed(address: str, before: dict[str, Any], after: dict[str, Any],
            actions: list[str] | None = None) -> dict[str, Any]:
    """One update (or replace) entry of `terraform show -json`."""
    entry = gone(address, before, actions=actions or ["update"])
    entry["change"]["after"] = after
    entry.pop("action_reason", None)
    return entry


def lock(days: int | None, years: int | None) -> dict[str, Any]:
    return {"bucket": "audit-trail", "rule": [{"default_retention": [{"mode": "COMPLIANCE", "days": days,
                                                                       "years": years}]}]}


def test_lock_lengthened_in_another_unit_is_not_weakened(tmp_path: Path) -> None:
    plan = [changed("acme_bucket_lock_configuration.audit", lock(365, None), lock(None, 7))]
    assert worst(tmp_path, plan, "backup-reduced") is None


def test_lock_shortened_in_another_unit_stays_high(tmp_path: Path) -> None:
    plan = [changed("acme_bucket_lock_configuration.audit", lock(None, 7), lock(30, None))]
    assert worst(tmp_path, plan, "backup-reduced") is Severity.HIGH


def serving(fixed: int, scaling: list[dict[str, int]]) -> dict[str, Any]:
    return {"name": "recs", "online_serving_config": [{"fixed_node_count": fixed, "scaling": scaling}]}


def test_fixed_count_handed_to_autoscaling_is_not_scaled_to_zero(tmp_path: Path) -> None:
    plan = [changed("acme_feature_store.recs", serving(2, []), serving(0, [{"min_node_count": 2,
                                                                            "max_node_count": 6}]))]
    assert worst(tmp_path, plan, "scaled-to-zero") is None


def test_fixed_count_to_zero_with_lower_minimum_stays_high(tmp_path: Path) -> None:
    plan = [changed("acme_feature_store.recs", serving(4, []), serving(0, [{"min_node_count": 0,
                                                                            "max_node_count": 6}]))]
    assert worst(tmp_path, plan, "scaled-to-zero") is Severity.HIGH


def key(capabilities: list[str], bucket: str | None) -> dict[str, Any]:
    entry = made("acme_storage_access_key.ci", {"key_name": "ci", "capabilities": capabilities,
                                                 "bucket_id": bucket, "name_prefix": None})
    entry["change"]["after_unknown"] = {"secret": True, "id": True}
    return entry


def test_key_that_deletes_on_every_bucket_is_admin_like(tmp_path: Path) -> None:
    plan = [key(["listFiles", "readFiles", "deleteFiles", "bypassGovernance"], None)]
    assert worst(tmp_path, plan, "iam-privileged-role") is Severity.HIGH


def test_key_that_deletes_on_one_bucket_or_only_reads_is_not(tmp_path: Path) -> None:
    assert worst(tmp_path, [key(["readFiles", "deleteFiles"], "4a5b6c")], "iam-privileged-role") is None
    assert worst(tmp_path, [key(["listFiles", "readFiles"], None)], "iam-privileged-role") is None


def test_destructive_capabilities_by_meaning() -> None:
    assert destructive("deleteFiles") and destructive("s3:DeleteObject") and destructive("writeFileRetentions")
    assert not destructive("readFiles") and not destructive("writeFiles") and not destructive("listBuckets")


def test_yaml_key_opening_a_map_is_no_credential() -> None:
    assert find_in_text("credentials:\n  useSecret: false\n") == []
    assert find_in_text("credentials:\n  password: hunter22x\n") == [("password", "hunter22x")]
    assert find_in_text("password:\n  hunter22x\n") == [("password", "hunter22x")]


def bucket(name: str, force_destroy: bool) -> dict[str, Any]:
    return {"name": name, "id": name, "force_destroy": force_destroy, "acl": "private"}


def test_bucket_named_disposable_that_refuses_deletion_while_full_is_medium(tmp_path: Path) -> None:
    plan = [gone("acme_spaces_bucket.preview", bucket("pr-1432-preview-dev", False))]
    assert worst(tmp_path, plan) is Severity.MEDIUM


def test_bucket_named_disposable_with_force_destroy_stays_high(tmp_path: Path) -> None:
    assert worst(tmp_path, [gone("acme_spaces_bucket.p", bucket("pr-1432-preview-dev", True))]) is Severity.HIGH
    # Not disposable by name, but the guard alone proves no object goes (guarded.py): medium.
    assert worst(tmp_path, [gone("acme_spaces_bucket.p", bucket("preview-prod-assets", False))]) is Severity.MEDIUM


def dataset(name: str, keep_contents: bool) -> dict[str, Any]:
    return {"dataset_id": name, "id": f"projects/p/datasets/{name}", "delete_contents_on_destroy": not keep_contents}


def test_dataset_named_disposable_whose_delete_fails_while_full_is_medium(tmp_path: Path) -> None:
    """Any store's own `<noun>_id` names it, and `delete_contents_on_destroy = false` guards like force_destroy."""
    assert worst(tmp_path, [gone("acme_warehouse_dataset.t", dataset("tmp_migration_q3", True))]) is Severity.MEDIUM


def test_dataset_that_deletes_its_tables_stays_high(tmp_path: Path) -> None:
    assert worst(tmp_path, [gone("acme_warehouse_dataset.t", dataset("tmp_migration_q3", False))]) is Severity.HIGH
    assert worst(tmp_path, [gone("acme_warehouse_dataset.t", dataset("orders_history", False))]) is Severity.HIGH


def rules_of(name: str) -> dict[str, Any]:
    return {"bucket": name, "id": name, "rule": [{"id": "expire-all", "status": "Enabled"}]}


def test_configuration_deleted_with_its_store_is_medium(tmp_path: Path) -> None:
    plan = [gone("acme_bucket.scratch", bucket("scratch-7f3a", False)),
            gone("acme_bucket_lifecycle_configuration.scratch", rules_of("scratch-7f3a"))]
    found = [worst(tmp_path, [entry]) for entry in plan]
    assert found[1] is Severity.HIGH  # alone, the store kept: its rules go
    assert worst(tmp_path, plan) is Severity.MEDIUM  # its guard refuses a full delete, nothing kept names it
    disposable = [gone("acme_bucket.scratch", bucket("ci-scratch-7f3a", False)),
                  gone("acme_bucket_lifecycle_configuration.scratch", rules_of("ci-scratch-7f3a"))]
    assert worst(tmp_path, disposable) is Severity.MEDIUM


def encryption(mode: str, key_arn: str) -> dict[str, Any]:
    return {"name": "etl", "encryption": [{"storage_encryption_mode": mode, "kms_key_arn": key_arn}]}


ARN = "arn:acme:kms:eu-1:1234:key/5f0c2a8e"


def test_config_replaced_to_turn_encryption_on_is_medium(tmp_path: Path) -> None:
    plan = [changed("acme_etl_security_configuration.etl", encryption("DISABLED", ""), encryption("SSE-KMS", ARN),
                    REPLACE)]
    assert worst(tmp_path, plan, "resource-replace") is Severity.MEDIUM


def test_config_replaced_to_turn_encryption_off_stays_high(tmp_path: Path) -> None:
    plan = [changed("acme_etl_security_configuration.etl", encryption("SSE-KMS", ARN), encryption("DISABLED", ""),
                    REPLACE)]
    assert worst(tmp_path, plan, "resource-replace") is Severity.HIGH


def selection(resources: list[str], excluded: list[str] | None = None) -> dict[str, Any]:
    return {"name": "prod-db", "plan_id": "pl-9f8e", "resources": resources, "not_resources": excluded or []}


def test_backup_selection_replaced_to_select_more_is_medium(tmp_path: Path) -> None:
    plan = [changed("acme_backup_selection.db", selection(["db:orders"]), selection(["db:orders", "db:billing"]),
                    REPLACE)]
    assert worst(tmp_path, plan, "resource-replace") is Severity.MEDIUM


def test_backup_selection_replaced_to_select_less_or_vault_replaced_stays_high(tmp_path: Path) -> None:
    fewer = changed("acme_backup_selection.db", selection(["db:orders", "db:billing"]), selection(["db:orders"]),
                    REPLACE)
    excluded = changed("acme_backup_selection.db", selection(["*"]), selection(["*", "db:x"], ["db:billing"]),
                       REPLACE)
    assert worst(tmp_path, [fewer], "resource-replace") is Severity.HIGH
    assert worst(tmp_path, [excluded], "resource-replace") is Severity.HIGH
    vault = {"name": "central", "force_destroy": True}
    assert worst(tmp_path, [gone("acme_backup_vault.v", vault, actions=REPLACE)], "resource-replace") \
        is Severity.HIGH


def security(version: str, in_transit: bool) -> dict[str, Any]:
    document = {"EncryptionConfiguration": {"EnableInTransitEncryption": in_transit, "EnableAtRestEncryption": True}}
    return {"name": f"emr-sec-{version}", "configuration": json.dumps(document)}


def test_configuration_version_with_successor_is_medium(tmp_path: Path) -> None:
    old = gone("acme_cluster_security_configuration.v2", security("v2", True))
    assert worst(tmp_path, [old, made("acme_cluster_security_configuration.v3", security("v3", True))]) \
        is Severity.MEDIUM
    assert worst(tmp_path, [old, made("acme_cluster_security_configuration.x", {"name": "billing"})]) \
        is Severity.HIGH


def test_configuration_version_with_weaker_successor_stays_high(tmp_path: Path) -> None:
    old = gone("acme_cluster_security_configuration.v2", security("v2", True))
    assert worst(tmp_path, [old, made("acme_cluster_security_configuration.v3", security("v3", False))]) \
        is Severity.HIGH


def cluster(labels: dict[str, str]) -> dict[str, Any]:
    return {"name": "backfill-20261128", "labels": labels, "cluster_config": [{"worker_config": [{"num": 4}]}]}


def test_processing_cluster_labelled_ephemeral_is_medium(tmp_path: Path) -> None:
    assert worst(tmp_path, [gone("acme_dataproc_cluster.b", cluster({"ephemeral": "true"}))]) is Severity.MEDIUM
    assert worst(tmp_path, [gone("acme_dataproc_cluster.b", cluster({"team": "analytics"}))]) is Severity.HIGH
    assert worst(tmp_path, [gone("acme_dataproc_cluster.b", cluster({"ephemeral": "true", "env": "prod"}))]) \
        is Severity.HIGH


def release(values: str) -> dict[str, Any]:
    return changed("acme_release.backup", {"name": "backup", "version": "7.2.1", "values": [values]},
                   {"name": "backup", "version": "8.0.0", "values": [values]})


def test_helm_values_with_a_credentials_map_are_no_credential(tmp_path: Path) -> None:
    assert worst(tmp_path, [release("bucket: b\ncredentials:\n  useSecret: false\n")], "credential-in-plan") is None
    assert worst(tmp_path, [release("bucket: b\ncredentials:\n  password: hunter22x\n")], "credential-in-plan") \
        is Severity.HIGH


def vault(mode: str, state: str) -> dict[str, Any]:
    return {"name": "ledger", "retention_lock_days": 2555, "lock_mode": mode, "lock_state": state}


def test_retention_lock_weakened_or_disarmed_on_any_provider_is_high(tmp_path: Path) -> None:
    weakened = changed("acme_archive_vault.l", vault("compliance", "armed"), vault("advisory", "armed"))
    disarmed = changed("acme_archive_vault.l", vault("compliance", "armed"), vault("compliance", "disarmed"))
    nested = changed("acme_bucket.b", {"file_lock": [{"default_retention": [{"mode": "compliance"}]}]},
                     {"file_lock": [{"default_retention": [{"mode": "governance"}]}]})
    for plan in (weakened, disarmed, nested):
        assert worst(tmp_path, [plan], "protection-disabled") is Severity.HIGH


def test_retention_lock_made_stricter_is_not_weakened(tmp_path: Path) -> None:
    stricter = changed("acme_archive_vault.l", vault("governance", "disarmed"), vault("compliance", "armed"))
    assert worst(tmp_path, [stricter], "protection-disabled") is None


def ilm(expiration: str, prefix: str) -> dict[str, Any]:
    return {"bucket": "velero-backups", "rule": [{"id": "housekeeping", "status": "Enabled", "expiration": expiration,
                                                  "filter": prefix, "tags": {}}]}


def test_ilm_rule_expiring_the_whole_bucket_by_a_bare_age_is_high(tmp_path: Path) -> None:
    assert worst(tmp_path, [made("acme_ilm_policy.velero", ilm("1d", ""))], "lifecycle-expiration") is Severity.HIGH


def test_ilm_rule_with_a_bare_prefix_filter_or_no_expiry_is_not(tmp_path: Path) -> None:
    assert worst(tmp_path, [made("acme_ilm_policy.loki", ilm("30d", "index/"))], "lifecycle-expiration") is None
    assert worst(tmp_path, [made("acme_ilm_policy.loki", ilm("", ""))], "lifecycle-expiration") is None


def schedule(ttl: str, value: int) -> dict[str, Any]:
    return {"name": "nightly", "template": {"ttl": ttl, "snapshotVolumes": True},
            "policy_daily": [{"frequency_interval": 1, "retention_unit": "days", "retention_value": value}],
            "reference_hour_of_day": 3}


def test_backup_kept_for_hours_instead_of_weeks_is_high(tmp_path: Path) -> None:
    ttl = changed("acme_backup_schedule.n", schedule("720h0m0s", 30), schedule("1h0m0s", 30))
    kept = changed("acme_backup_schedule.n", schedule("720h0m0s", 30), schedule("720h0m0s", 1))
    assert worst(tmp_path, [ttl], "backup-reduced") is Severity.HIGH
    assert worst(tmp_path, [kept], "backup-reduced") is Severity.HIGH


def test_backup_kept_a_little_less_or_a_cache_ttl_cut_is_not(tmp_path: Path) -> None:
    shorter = changed("acme_backup_schedule.n", schedule("720h0m0s", 30), schedule("336h0m0s", 14))
    hour = changed("acme_backup_schedule.n", schedule("720h0m0s", 30), {**schedule("720h0m0s", 30),
                                                                          "reference_hour_of_day": 1})
    cache = changed("acme_cdn_cache_rule.c", {"name": "c", "ttl": "720h"}, {"name": "c", "ttl": "1h"})
    for plan in (shorter, hour, cache):
        assert worst(tmp_path, [plan], "backup-reduced") is None


def test_secrets_vault_lease_ttl_shortened_is_not_a_backup_cut(tmp_path: Path) -> None:
    mount = changed("acme_vault_mount.kv", {"path": "kv", "max_lease_ttl_seconds": 86400},
                    {"path": "kv", "max_lease_ttl_seconds": 3600})
    assert worst(tmp_path, [mount], "backup-reduced") is None
