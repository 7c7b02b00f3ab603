"""Deletes judged by what the store's own attributes prove (teardowns.py): each teardown that loses nothing lasting
beside its risky twin of the same type that still holds real data and stays high."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.helpers import review_rules_alone, worst_by_rule
from tfreview.labels import Label
from tfreview.pipeline.findings import Severity

RULE = "resource-delete"


def deleted(address: str, before: dict[str, Any]) -> dict[str, Any]:
    """One delete by an invented provider."""
    kind, name = address.split(".")
    return {"address": address, "mode": "managed", "type": kind, "name": name,
            "provider_name": "registry.terraform.io/acme/nimbus",
            "change": {"actions": ["delete"], "before": before, "after": None, "after_unknown": {},
                       "after_sensitive": {}}}


def kept(address: str, values: dict[str, Any]) -> dict[str, Any]:
    """One object the plan keeps unchanged."""
    kind, name = address.split(".")
    return {"address": address, "mode": "managed", "type": kind, "name": name,
            "provider_name": "registry.terraform.io/acme/nimbus",
            "change": {"actions": ["no-op"], "before": values, "after": values, "after_unknown": {},
                       "after_sensitive": {}}}


def judged(tmp_path: Path, *changes: dict[str, Any], **sections: Any) -> tuple[Label, Severity | None]:
    result = review_rules_alone(tmp_path, list(changes), **sections)
    return result.label, worst_by_rule(result).get(RULE)


def safe(outcome: tuple[Label, Severity | None]) -> bool:
    return outcome[0] is Label.LIKELY_SAFE and outcome[1] is not Severity.HIGH


def high(outcome: tuple[Label, Severity | None]) -> bool:
    return outcome[0] is Label.NEEDS_CLOSE_REVIEW and outcome[1] is Severity.HIGH


# A scratch file system over a durable repository, and a persistent one that holds the only copy.
def filesystem(deployment: str, repository: str) -> dict[str, Any]:
    return {"id": "fs-77aa01", "deployment_type": deployment, "import_path": repository,
            "automatic_backup_retention_days": 0, "storage_capacity": 1200,
            "tags": {"Environment": "prod", "Name": "frames"}}


def test_scratch_file_system_linked_to_a_bucket_is_not_high(tmp_path: Path) -> None:
    plan = deleted("nimbus_parallel_file_system.frames", filesystem("SCRATCH_1", "gs://acme-frames-source"))
    assert safe(judged(tmp_path, plan))


def test_persistent_file_system_linked_to_a_bucket_stays_high(tmp_path: Path) -> None:
    plan = deleted("nimbus_parallel_file_system.frames", filesystem("PERSISTENT_1", "gs://acme-frames-source"))
    assert high(judged(tmp_path, plan))


def test_scratch_file_system_with_no_repository_stays_high(tmp_path: Path) -> None:
    plan = deleted("nimbus_parallel_file_system.frames", filesystem("SCRATCH_1", ""))
    assert high(judged(tmp_path, plan))


# A certificate authority never activated, and an enabled one that signs live certificates.
def authority(state: str, pem: str) -> dict[str, Any]:
    return {"id": "ca-intermediate-9", "name": "intermediate-9", "state": state, "pem_ca_certificate": pem,
            "labels": {"env": "prod"}}


def test_authority_never_activated_that_issued_nothing_is_not_high(tmp_path: Path) -> None:
    assert safe(judged(tmp_path, deleted("orbit_certificate_authority.next", authority("PENDING_ACTIVATION", ""))))


def test_enabled_authority_stays_high(tmp_path: Path) -> None:
    pem = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----"
    assert high(judged(tmp_path, deleted("orbit_certificate_authority.next", authority("ENABLED", pem))))


def test_staged_authority_that_holds_a_certificate_stays_high(tmp_path: Path) -> None:
    pem = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----"
    assert high(judged(tmp_path, deleted("orbit_certificate_authority.next", authority("STAGED", pem))))


# A blank CI scratch disk nothing is attached to, and a production data disk or an attached scratch disk.
def disk(labels: dict[str, str], **extra: Any) -> dict[str, Any]:
    return {"id": "vol-builder12-tmp-0042", "name": "builder12-tmp", "size_gb": 64, "labels": labels, **extra}


def test_blank_ci_scratch_disk_with_nothing_attached_is_not_high(tmp_path: Path) -> None:
    assert safe(judged(tmp_path, deleted("nimbus_block_disk.tmp", disk({"env": "ci", "purpose": "scratch"}))))


def test_production_data_disk_stays_high(tmp_path: Path) -> None:
    assert high(judged(tmp_path, deleted("nimbus_block_disk.tmp", disk({"env": "prod", "purpose": "scratch"}))))


def test_scratch_disk_still_attached_to_a_kept_machine_stays_high(tmp_path: Path) -> None:
    machine = kept("nimbus_machine.builder", {"id": "m-12", "disks": ["vol-builder12-tmp-0042"]})
    outcome = judged(tmp_path, deleted("nimbus_block_disk.tmp", disk({"env": "ci", "purpose": "scratch"})), machine)
    assert high(outcome)


def test_scratch_disk_copied_from_a_snapshot_stays_high(tmp_path: Path) -> None:
    plan = deleted("nimbus_block_disk.tmp", disk({"env": "ci", "purpose": "scratch"}, snapshot_id="snap-0f1e"))
    assert high(judged(tmp_path, plan))


# Non-production stores past their labelled lifetime or of one pull request, and look-alikes that are not.
def database(labels: dict[str, str], **extra: Any) -> dict[str, Any]:
    return {"id": "db-cart-81", "identifier": "cart-review-81", "engine": "postgres", "backup_retention_period": 0,
            "deletion_protection": False, "tags": labels, **extra}


def test_staging_store_labelled_expired_is_not_high(tmp_path: Path) -> None:
    plan = deleted("orbit_database_instance.cart", database({"env": "staging", "ttl": "expired"},
                                                            backup_retention_period=7))
    assert safe(judged(tmp_path, plan))


def test_staging_store_whose_expiry_date_is_still_ahead_stays_high(tmp_path: Path) -> None:
    plan = deleted("orbit_database_instance.cart", database({"env": "staging", "expires": "2031-01-01"}))
    assert high(judged(tmp_path, plan, timestamp="2026-06-01T10:00:00Z"))


def test_staging_store_whose_expiry_date_has_passed_is_not_high(tmp_path: Path) -> None:
    plan = deleted("orbit_database_instance.cart", database({"env": "staging", "expires": "2026-05-01"}))
    assert safe(judged(tmp_path, plan, timestamp="2026-06-01T10:00:00Z"))


def test_pull_request_store_that_keeps_no_backups_is_not_high(tmp_path: Path) -> None:
    plan = deleted("orbit_database_instance.cart", database({"Environment": "preview", "PullRequest": "81"}))
    assert safe(judged(tmp_path, plan))


def test_pull_request_store_that_keeps_backups_is_not_high_either(tmp_path: Path) -> None:
    """Its own tag says preview: the backups it keeps do not make its data production's."""
    plan = deleted("orbit_database_instance.cart", database({"Environment": "preview", "PullRequest": "81"},
                                                            backup_retention_period=14))
    assert safe(judged(tmp_path, plan))


def test_pull_request_store_with_deletion_protection_stays_high(tmp_path: Path) -> None:
    plan = deleted("orbit_database_instance.cart", database({"Environment": "preview", "PullRequest": "81"},
                                                            deletion_protection=True))
    assert high(judged(tmp_path, plan))


def test_store_named_preview_but_labelled_production_stays_high(tmp_path: Path) -> None:
    plan = deleted("orbit_database_instance.cart", database({"Environment": "prod", "PullRequest": "81"},
                                                            identifier="preview-pr-81"))
    assert high(judged(tmp_path, plan))


# A restore-drill copy that keeps no backups, and a cluster labelled drill that keeps backups of its own.
def cluster(backups: bool) -> dict[str, Any]:
    return {"id": "clusters/ledger-drill", "name": "ledger-drill", "labels": {"purpose": "restore-drill"},
            "automated_backup_policy": [{"enabled": backups, "retention_count": 30}],
            "continuous_backup_config": [{"enabled": backups, "recovery_window_days": 14}]}


def test_restore_drill_copy_that_keeps_no_backups_is_not_high(tmp_path: Path) -> None:
    assert safe(judged(tmp_path, deleted("orbit_db_cluster.drill", cluster(backups=False))))


def test_cluster_labelled_drill_that_keeps_backups_stays_high(tmp_path: Path) -> None:
    assert high(judged(tmp_path, deleted("orbit_db_cluster.drill", cluster(backups=True))))


def test_disk_named_tmp_with_no_environment_label_stays_high(tmp_path: Path) -> None:
    assert high(judged(tmp_path, deleted("nimbus_block_disk.tmp", disk({"owner": "migration-tmp"}))))


def test_authority_pending_its_certificate_with_only_a_signing_request_is_not_high(tmp_path: Path) -> None:
    before = {"id": "pca-41", "status": "PENDING_CERTIFICATE", "certificate": "", "certificate_chain": "",
              "certificate_signing_request": "-----BEGIN CERTIFICATE REQUEST-----\nMIIB\n-----END"}
    assert safe(judged(tmp_path, deleted("orbit_private_certificate_authority.spare", before)))
