"""Deletes and replaces of what its own settings prove idle or rebuildable: an identity last used long before the
plan was made (and the attachment that goes with it), a schedule already suspended, a store whose own lifecycle
deletes everything within days, a machine rebuilt from a new image in another zone. Their twins — used recently,
holding data, still running, keeping objects longer, a data disk or role — stay high."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.pipeline.test_rules_deletes_by_what_they_lose import gone
from tfreview.pipeline.findings import Severity
from tfreview.pipeline.review import review
from tfreview.settings import Settings


def _worst(tmp_path: Path, changes: list[dict[str, Any]], address: str) -> Severity | None:
    path = tmp_path / "plan.json"
    path.write_text(json.dumps({"format_version": "1.2", "terraform_version": "1.9.8",
                                "timestamp": "2026-12-01T22:14:07Z", "resource_changes": changes}))
    found = [f.severity for f in review(path, Settings(backend="none")).findings
             if f.rule == "resource-delete" and f.address == address]
    return min(found, key=lambda s: s.rank) if found else None


def _role(last_used: str, kind: str = "aws_iam_role") -> list[dict[str, Any]]:
    role = {"name": "legacy-ci", "arn": "arn:aws:iam::111122223333:role/legacy-ci",
            "role_last_used": [{"last_used_date": last_used, "region": "eu-west-1"}]}
    attachment = {"role": "legacy-ci", "policy_arn": "arn:aws:iam::111122223333:policy/deploy"}
    return [gone(f"{kind}.ci", role), gone(f"{kind}_policy_attachment.ci", attachment)]


def test_a_role_last_used_years_before_the_plan_goes_with_its_attachment(tmp_path: Path) -> None:
    plan = _role("2024-03-02T11:40:00Z")
    assert _worst(tmp_path, plan, "aws_iam_role.ci") is Severity.MEDIUM
    assert _worst(tmp_path, plan, "aws_iam_role_policy_attachment.ci") is Severity.MEDIUM


def test_a_role_used_last_week_or_with_no_record_stays_high(tmp_path: Path) -> None:
    assert _worst(tmp_path, _role("2026-11-24T08:00:00Z"), "aws_iam_role.ci") is Severity.HIGH
    assert _worst(tmp_path, _role("not recorded"), "aws_iam_role.ci") is Severity.HIGH


def test_an_invented_service_account_idle_for_a_year_is_medium_but_a_key_that_encrypted_data_is_not(
        tmp_path: Path) -> None:
    account = {"name": "svc-reporting", "last_login_at": "2025-09-01T00:00:00Z"}
    assert _worst(tmp_path, [gone("zenith_service_account.r", account)], "zenith_service_account.r") \
        is Severity.MEDIUM
    key = {"name": "reports-key", "key_last_used_at": "2025-01-01T00:00:00Z"}
    assert _worst(tmp_path, [gone("zenith_kms_key.r", key)], "zenith_kms_key.r") is Severity.HIGH


def test_a_suspended_cron_job_is_medium_and_a_running_one_high(tmp_path: Path) -> None:
    def cron(suspend: bool) -> dict[str, Any]:
        return gone("kubernetes_cron_job_v1.export", {
            "metadata": [{"name": "export", "namespace": "reporting"}],
            "spec": [{"schedule": "0 2 * * *", "suspend": suspend, "concurrency_policy": "Forbid"}]})
    assert _worst(tmp_path, [cron(True)], "kubernetes_cron_job_v1.export") is Severity.MEDIUM
    assert _worst(tmp_path, [cron(False)], "kubernetes_cron_job_v1.export") is Severity.HIGH


def _cache(rule: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return gone("google_storage_bucket.cache", {"name": "ci-cache", "force_destroy": True,
                                                "lifecycle_rule": [rule], **extra})


def test_a_store_whose_own_lifecycle_deletes_everything_within_days_is_medium(tmp_path: Path) -> None:
    rule = {"action": [{"type": "Delete"}], "condition": [{"age": 3, "with_state": "ANY", "matches_prefix": []}]}
    assert _worst(tmp_path, [_cache(rule)], "google_storage_bucket.cache") is Severity.MEDIUM
    expiring = {"id": "all", "status": "Enabled", "expiration": [{"days": 1}]}
    assert _worst(tmp_path, [gone("nimbus_bucket.c", {"name": "c", "lifecycle_rule": [expiring]})], "nimbus_bucket.c") \
        is Severity.MEDIUM


def test_a_store_that_keeps_some_objects_longer_stays_high(tmp_path: Path) -> None:
    month = {"action": [{"type": "Delete"}], "condition": [{"age": 30}]}
    prefix = {"action": [{"type": "Delete"}], "condition": [{"age": 3, "matches_prefix": ["tmp/"]}]}
    archive = {"action": [{"type": "SetStorageClass"}], "condition": [{"age": 3}]}
    off = {"status": "Disabled", "action": [{"type": "Delete"}], "condition": [{"age": 3}]}
    for rule in (month, prefix, archive, off):
        assert _worst(tmp_path, [_cache(rule)], "google_storage_bucket.cache") is Severity.HIGH
    quick = {"action": [{"type": "Delete"}], "condition": [{"age": 3}]}
    versioned = _cache(quick, versioning=[{"enabled": True}])
    assert _worst(tmp_path, [versioned], "google_storage_bucket.cache") is Severity.HIGH


def _machine(name: str, zone: str, image: str, disks: list[Any]) -> dict[str, Any]:
    return {"name": name, "zone": zone, "attached_disk": disks,
            "boot_disk": [{"auto_delete": True, "initialize_params": [{"image": image}]}]}


def test_a_machine_rebuilt_from_a_new_image_in_another_zone_is_medium(tmp_path: Path) -> None:
    def replace(before: dict[str, Any], after: dict[str, Any]) -> list[dict[str, Any]]:
        entry = gone("google_compute_instance.web", before, "replace_because_cannot_update", ["delete", "create"])
        entry["change"]["after"] = after
        return [entry]
    old = _machine("web-canary", "europe-west1-b", "debian-12", [])
    assert _worst_replace(tmp_path, replace(old, _machine("web-canary", "europe-west1-c", "web-1130", []))) \
        is Severity.MEDIUM
    disk = [{"source": "projects/p/zones/z/disks/data"}]
    for before, after in ((_machine("db-primary", "z-b", "debian-12", []), _machine("db-primary", "z-c", "pg-2", [])),
                          ({**old, "attached_disk": disk}, {**_machine("web", "z-c", "web-1130", disk)}),
                          (old, {**old, "zone": "europe-west1-c"})):  # a zone move alone is no new image
        assert _worst_replace(tmp_path, replace(before, after)) is Severity.HIGH


def _worst_replace(tmp_path: Path, changes: list[dict[str, Any]]) -> Severity | None:
    path = tmp_path / "plan.json"
    path.write_text(json.dumps({"format_version": "1.2", "terraform_version": "1.9.8", "resource_changes": changes}))
    found = [f.severity for f in review(path, Settings(backend="none")).findings if f.rule == "resource-replace"]
    return min(found, key=lambda s: s.rank) if found else None
