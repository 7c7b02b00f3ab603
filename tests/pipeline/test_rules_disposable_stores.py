"""Stores whose own attributes say their delete loses nothing lasting (disposable.py, wayback.py, expired.py): a
pull request's preview bucket gone with its module, an unattached scratch volume labelled CI, a load-test dataset
nothing has written to for months. Each beside a look-alike that holds data and stays high."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.helpers import review_rules_alone, worst_by_rule
from tfreview.labels import Label
from tfreview.pipeline.findings import Severity

RULE = "resource-delete"


def deleted(address: str, before: dict[str, Any], reason: str | None = None) -> dict[str, Any]:
    """One delete by an invented provider; ADDRESS may sit in one module (`module.x.kind.name`)."""
    *module, kind, name = address.split(".")
    entry: dict[str, Any] = {"address": address, "mode": "managed", "type": kind, "name": name,
                             "provider_name": "registry.terraform.io/acme/nimbus",
                             "change": {"actions": ["delete"], "before": before, "after": None, "after_unknown": {},
                                        "after_sensitive": False}}
    if module:
        entry["module_address"] = ".".join(module)
    if reason:
        entry["action_reason"] = reason
    return entry


def judged(tmp_path: Path, *changes: dict[str, Any], **sections: Any) -> tuple[Label, dict[str, Severity]]:
    result = review_rules_alone(tmp_path, list(changes), **sections)
    return result.label, worst_by_rule(result)


PREVIEW_TAGS = {"Environment": "preview", "PullRequest": "77"}


def test_pull_requests_preview_bucket_gone_with_its_module_is_medium(tmp_path: Path) -> None:
    bucket = {"bucket": "shopfront-docs-preview-pr-77", "tags": PREVIEW_TAGS, "force_destroy": True}
    label, worst = judged(tmp_path, deleted("module.site_preview.nimbus_bucket.site", bucket,
                                            "delete_because_no_module"))
    assert label is Label.LIKELY_SAFE and worst[RULE] is Severity.MEDIUM


def test_bucket_named_for_a_pull_request_but_labelled_production_stays_high(tmp_path: Path) -> None:
    bucket = {"bucket": "shopfront-docs-preview-pr-77", "tags": {"Environment": "production"}}
    label, worst = judged(tmp_path, deleted("module.site_preview.nimbus_bucket.site", bucket,
                                            "delete_because_no_module"))
    assert label is Label.NEEDS_CLOSE_REVIEW and worst[RULE] is Severity.HIGH


def test_preview_labelled_bucket_is_medium_unless_it_says_it_holds_customer_data(tmp_path: Path) -> None:
    """Its own environment tag says preview (no pull request in its name needed); a data-classification label
    naming customer data outweighs the tag."""
    bucket = {"bucket": "shopfront-preview-uploads", "tags": PREVIEW_TAGS}
    _label, worst = judged(tmp_path, deleted("module.site_preview.nimbus_bucket.site", bucket,
                                             "delete_because_no_module"))
    assert worst[RULE] is Severity.MEDIUM
    customer = {**bucket, "tags": {**PREVIEW_TAGS, "data-classification": "customer"}}
    _label, worst = judged(tmp_path, deleted("module.site_preview.nimbus_bucket.site", customer,
                                             "delete_because_no_module"))
    assert worst[RULE] is Severity.HIGH


def test_unattached_scratch_volume_labelled_ci_is_medium(tmp_path: Path) -> None:
    volume = {"label": "build-scratch-3", "server_id": None, "size": 20, "tags": ["env:ci", "ttl:3d"]}
    label, worst = judged(tmp_path, deleted("nimbus_block_volume.scratch", volume))
    assert label is Label.LIKELY_SAFE and worst[RULE] is Severity.MEDIUM


def test_attached_volume_stays_high_whatever_its_labels(tmp_path: Path) -> None:
    volume = {"label": "build-scratch-3", "server_id": "srv-8812", "size": 20, "tags": ["env:ci"]}
    label, worst = judged(tmp_path, deleted("nimbus_block_volume.scratch", volume))
    assert label is Label.NEEDS_CLOSE_REVIEW and worst[RULE] is Severity.HIGH


def test_unattached_production_volume_stays_high(tmp_path: Path) -> None:
    volume = {"label": "ledger-data", "server_id": None, "size": 200, "tags": ["env:prod"]}
    _label, worst = judged(tmp_path, deleted("nimbus_block_volume.ledger", volume))
    assert worst[RULE] is Severity.HIGH


PLANNED = {"timestamp": "2026-05-20T10:00:00Z"}


def test_load_test_dataset_not_written_for_months_is_medium(tmp_path: Path) -> None:
    dataset = {"name": "perf-test-checkout-q4", "description": "gatling run", "last_written_at": "2026-01-10T00:00:00Z"}
    label, worst = judged(tmp_path, deleted("tracehub_dataset.perf", dataset), **PLANNED)
    assert label is Label.LIKELY_SAFE and worst[RULE] is Severity.MEDIUM


def test_load_test_dataset_written_last_week_stays_high(tmp_path: Path) -> None:
    dataset = {"name": "perf-test-checkout-q4", "last_written_at": "2026-05-13T00:00:00Z"}
    _label, worst = judged(tmp_path, deleted("tracehub_dataset.perf", dataset), **PLANNED)
    assert worst[RULE] is Severity.HIGH


def test_stale_production_dataset_stays_high(tmp_path: Path) -> None:
    dataset = {"name": "prod-checkout", "description": "production traces", "last_written_at": "2025-10-01T00:00:00Z"}
    label, worst = judged(tmp_path, deleted("tracehub_dataset.checkout", dataset), **PLANNED)
    assert label is Label.NEEDS_CLOSE_REVIEW and worst[RULE] is Severity.HIGH
