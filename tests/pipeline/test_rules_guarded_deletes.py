"""A store deleted with its destroy guard on (guarded.py): medium alone and beside a successor that holds every
setting it had; high when a kept object still names it, the successor is weaker, or the guard is off."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.pipeline.test_rules_deletes_by_what_they_lose import gone, worst
from tests.pipeline.test_rules_successors_take_over import made
from tfreview.pipeline.findings import Severity

OLD = {"bucket": "acme-media-use1", "force_destroy": False, "object_lock_enabled": False}
NEW = {"bucket": "acme-media-euw1", "force_destroy": False, "object_lock_enabled": False}
BLOCK = {"block_public_acls": True, "block_public_policy": True, "ignore_public_acls": True,
         "restrict_public_buckets": True}


def _kept(address: str, values: dict[str, Any]) -> dict[str, Any]:
    entry = made(address, values)
    entry["change"].update(actions=["no-op"], before=values)
    return entry


def _move(old: dict[str, Any], new: dict[str, Any], new_block: dict[str, Any] | None = BLOCK) -> list[dict[str, Any]]:
    plan = [gone("zeta_bucket.media", old), made("zeta_bucket.media_euw1", new),
            gone("zeta_bucket_public_access_block.media", {"bucket": old["bucket"], **BLOCK})]
    if new_block is not None:
        plan.append(made("zeta_bucket_public_access_block.media_euw1", {"bucket": new["bucket"], **new_block}))
    return plan


def test_guarded_bucket_deleted_alone_is_medium(tmp_path: Path) -> None:
    scratch = {"name": "acme-dms-scratch-2026q2", "force_destroy": False, "tags": {"owner": "platform"}}
    assert worst(tmp_path, [gone("zeta_storage_bucket.scratch", scratch)]) is Severity.MEDIUM


def test_guarded_bucket_moved_to_an_equal_successor_is_medium(tmp_path: Path) -> None:
    assert worst(tmp_path, _move(OLD, NEW)) is Severity.MEDIUM


def test_guarded_dataset_deleted_alone_is_medium(tmp_path: Path) -> None:
    dataset = {"dataset_id": "orders_history", "delete_contents_on_destroy": False}
    assert worst(tmp_path, [gone("zeta_warehouse_dataset.h", dataset)]) is Severity.MEDIUM


@pytest.mark.parametrize("plan", [
    [gone("zeta_bucket.media", {**OLD, "force_destroy": True})],
    [gone("zeta_bucket.media", {**OLD, "object_count": 3})],
    [gone("zeta_bucket.docs", {"bucket": "docs.acme.com", "force_destroy": False}),
     _kept("zeta_dns_record.docs", {"name": "docs.acme.com", "type": "CNAME",
                                    "records": ["docs.acme.com.s3-website-us-east-1.amazonaws.com"]})],
    [gone("zeta_bucket.logs", {"bucket": "legacy-logs-acme", "force_destroy": False}),
     _kept("zeta_cdn.web", {"logging_config": [{"bucket": "legacy-logs-acme.s3.amazonaws.com"}]})],
    [gone("zeta_bucket.logs", {"bucket": "legacy-logs-acme", "force_destroy": False}),
     made("zeta_bucket_policy.p", {"policy": '{"Resource": "arn:zeta:s3:::legacy-logs-acme/*"}'})],
    _move(OLD, {**NEW, "force_destroy": True}),
    _move({**OLD, "object_lock_enabled": True}, NEW),
    _move(OLD, NEW, new_block=None),
    _move(OLD, NEW, new_block={**BLOCK, "block_public_policy": False}),
], ids=["force-destroy-on", "reports-objects", "kept-cname-names-it", "kept-origin-names-it", "new-policy-names-it",
        "successor-force-destroy", "successor-drops-object-lock", "successor-lacks-access-block",
        "successor-weaker-access-block"])
def test_guarded_deletes_that_may_lose_something_stay_high(tmp_path: Path, plan: list[dict[str, Any]]) -> None:
    assert worst(tmp_path, plan) is Severity.HIGH


def test_a_tag_naming_the_old_bucket_is_not_a_reference(tmp_path: Path) -> None:
    new = {**NEW, "tags": {"migrated_from": "acme-media-use1"}}
    assert worst(tmp_path, _move(OLD, new)) is Severity.MEDIUM


def test_guarded_dns_zone_stays_high(tmp_path: Path) -> None:
    """An empty zone deleted still takes its delegation: the guard protects records, not the name."""
    zone = {"name": "public", "dns_name": "acme.example.", "force_destroy": False, "visibility": "public"}
    assert worst(tmp_path, [gone("zeta_dns_managed_zone.public", zone)]) is Severity.HIGH
