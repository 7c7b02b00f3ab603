"""Dated snapshots or backups of a source deleted while a newer dated copy of the same source stays and the source
keeps its retention: medium (old recovery points age out); no newer copy, undated copies, a source deleted or its
retention cut stay high."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.pipeline.test_rules_deletes_by_what_they_lose import gone, worst
from tests.pipeline.test_rules_successors_take_over import kept, made
from tfreview.pipeline.findings import Severity


def _snap(day: str, volume: str = "vol-1", **extra: Any) -> dict[str, Any]:
    return {"id": f"snap-{day}", "volume_id": volume, "description": f"weekly {day}", "encrypted": True, **extra}


def _old(day: str, volume: str = "vol-1") -> dict[str, Any]:
    return gone(f'acme_volume_snapshot.weekly["{day}"]', _snap(day, volume), "delete_because_each_key")


def _new(day: str, volume: str = "vol-1") -> dict[str, Any]:
    return kept(f'acme_volume_snapshot.weekly["{day}"]', _snap(day, volume))


DISK = "projects/p/zones/z/disks/ledger"


@pytest.mark.parametrize("plan", [
    [_old("2026-05-02"), _old("2026-05-09"), _new("2026-11-07"), _new("2026-11-14")],
    [gone("acme_compute_snapshot.manual", {"name": "ledger-20250301", "source_disk": DISK}),
     kept("acme_compute_snapshot.latest", {"name": "ledger-20261101", "source_disk": DISK})],
    [gone("acme_db_snapshot.m", {"db_snapshot_identifier": "ledger-2026-08", "db_instance_identifier": "ledger"}),
     made("acme_db_snapshot.n", {"db_snapshot_identifier": "ledger-2026-11", "db_instance_identifier": "ledger"}),
     kept("acme_db_instance.ledger", {"identifier": "ledger", "backup_retention_period": 14})],
], ids=["weekly-kept", "manual-kept-by-name", "monthly-db"])
def test_older_copies_rotated_out_with_a_newer_one_kept_is_medium(tmp_path: Path, plan: list[dict[str, Any]]) -> None:
    assert worst(tmp_path, plan) is Severity.MEDIUM


@pytest.mark.parametrize("plan", [
    [_old("2026-05-02"), _old("2026-11-14")],
    [_old("2026-05-02"), _new("2026-04-25")],
    [_old("2026-05-02"), _new("2026-11-07", volume="vol-2")],
    [gone("acme_volume_snapshot.a", {"id": "snap-a", "volume_id": "vol-1"}),
     kept("acme_volume_snapshot.b", {"id": "snap-b", "volume_id": "vol-1"})],
    [_old("2026-05-02"), _new("2026-11-07"), gone("acme_volume.data", {"id": "vol-1", "size": 100})],
    [gone("acme_db_snapshot.m", {"db_snapshot_identifier": "ledger-2026-08", "db_instance_identifier": "ledger"}),
     kept("acme_db_snapshot.n", {"db_snapshot_identifier": "ledger-2026-11", "db_instance_identifier": "ledger"}),
     {**kept("acme_db_instance.ledger", {"identifier": "ledger", "backup_retention_period": 0}),
      "change": {"actions": ["update"], "before": {"identifier": "ledger", "backup_retention_period": 14},
                 "after": {"identifier": "ledger", "backup_retention_period": 0}, "after_unknown": {},
                 "after_sensitive": {}}}],
], ids=["every-copy-goes", "kept-copy-older", "other-volume", "undated", "source-deleted", "retention-cut"])
def test_copies_without_a_newer_one_of_a_kept_source_stay_high(tmp_path: Path, plan: list[dict[str, Any]]) -> None:
    assert worst(tmp_path, plan) is Severity.HIGH


# --- a snapshot schedule attached to the source ------------------------------------------------------------------
def _schedule(snapshots: bool = True) -> dict[str, Any]:
    kind = "snapshot_schedule_policy" if snapshots else "instance_schedule_policy"
    return made("acme_compute_resource_policy.daily", {"name": "daily-14d", kind: [{"retention_days": 14}]})


def _attachment(disk: str = "ledger") -> dict[str, Any]:
    return made("acme_compute_disk_resource_policy_attachment.ledger", {"name": "daily-14d", "disk": disk})


MANUAL = gone("acme_compute_snapshot.manual", {"name": "ledger-old", "source_disk": DISK})


def test_copies_pruned_after_a_snapshot_schedule_is_attached_to_the_source_are_medium(tmp_path: Path) -> None:
    assert worst(tmp_path, [MANUAL, _schedule(), _attachment()]) is Severity.MEDIUM


@pytest.mark.parametrize("plan", [
    [MANUAL, _schedule(snapshots=False), _attachment()],
    [MANUAL, _schedule(), _attachment("other-disk")],
    [MANUAL, _schedule()],
], ids=["start-stop-schedule", "other-disk", "not-attached"])
def test_copies_pruned_without_a_snapshot_schedule_on_the_source_stay_high(tmp_path: Path,
                                                                          plan: list[dict[str, Any]]) -> None:
    assert worst(tmp_path, plan) is Severity.HIGH
