"""Deletes and replaces judged by what they lose: disposable objects, items in stores, permission links; each
with a look-alike that stays high."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tfreview.pipeline.findings import Severity
from tfreview.pipeline.review import review
from tfreview.settings import Settings


def gone(address: str, before: dict[str, Any], reason: str = "delete_because_no_resource_config",
         actions: list[str] | None = None) -> dict[str, Any]:
    """One delete (or replace, with actions) entry of `terraform show -json`."""
    kind, name = address.split(".")[-2:]
    module = address.rsplit(".", 2)[0] if address.startswith("module.") else None
    after = dict(before) if actions else None
    entry: dict[str, Any] = {
        "address": address, "mode": "managed", "type": kind, "name": name.split("[")[0],
        "provider_name": "registry.terraform.io/acme/acme", "action_reason": reason,
        "change": {"actions": actions or ["delete"], "before": before, "after": after, "after_unknown": {},
                   "after_sensitive": {}}}
    if module:
        entry["module_address"] = module
    return entry


def worst(tmp_path: Path, changes: list[dict[str, Any]], rule: str = "resource-delete") -> Severity | None:
    """Review a plan with rules alone: the worst severity of one rule's findings."""
    path = tmp_path / "plan.json"
    path.write_text(json.dumps({"format_version": "1.2", "terraform_version": "1.9.8", "resource_changes": changes}))
    result = review(path, Settings(backend="none"))
    assert not result.errors
    found = [f.severity for f in result.findings if f.rule == rule]
    return min(found, key=lambda s: s.rank) if found else None


def test_non_durable_auto_deleted_queue_is_medium(tmp_path: Path) -> None:
    queue = {"name": "q", "durable": False, "auto_delete": True}
    assert worst(tmp_path, [gone("acme_queue.q", queue)]) is Severity.MEDIUM


def test_durable_queue_stays_high(tmp_path: Path) -> None:
    assert worst(tmp_path, [gone("acme_queue.q", {"name": "q", "durable": True})]) is Severity.HIGH


def test_server_labelled_ephemeral_is_medium(tmp_path: Path) -> None:
    server = {"name": "r7", "labels": {"role": "ci-runner", "ephemeral": "true"}}
    assert worst(tmp_path, [gone('acme_server.r["r7"]', server, "delete_because_each_key")]) is Severity.MEDIUM


def test_server_without_labels_stays_high(tmp_path: Path) -> None:
    server = {"name": "r7", "labels": {"role": "web", "ephemeral": "false"}}
    assert worst(tmp_path, [gone('acme_server.r["r7"]', server, "delete_because_each_key")]) is Severity.HIGH


def test_database_labelled_ephemeral_stays_high(tmp_path: Path) -> None:
    db = {"identifier": "x", "force_destroy": True, "tags": {"lifecycle": "ephemeral"}}
    assert worst(tmp_path, [gone("aws_db_instance.x", db)]) is Severity.HIGH


def test_paused_monitor_is_medium_and_live_one_high(tmp_path: Path) -> None:
    paused = {"name": "checkout", "status": "paused", "tags": ["env:staging"]}
    assert worst(tmp_path, [gone("acme_synthetics_test.c", paused)]) is Severity.MEDIUM
    live = {"name": "checkout", "status": "live", "tags": ["env:staging"]}
    assert worst(tmp_path, [gone("acme_synthetics_test.c", live)]) is Severity.HIGH


def test_short_retention_log_group_is_medium_long_one_high(tmp_path: Path) -> None:
    assert worst(tmp_path, [gone("aws_cloudwatch_log_group.l", {"retention_in_days": 3})]) is Severity.MEDIUM
    assert worst(tmp_path, [gone("aws_cloudwatch_log_group.l", {"retention_in_days": 0})]) is Severity.HIGH
    assert worst(tmp_path, [gone("aws_cloudwatch_log_group.l", {"retention_in_days": 90})]) is Severity.HIGH


def _module(logs: dict[str, Any], extra: list[dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    prefix = 'module.env["a"].'
    return [gone(prefix + "aws_ecs_service.this", {"name": "web"}, "delete_because_no_module"),
            gone(prefix + "aws_cloudwatch_log_group.this", logs, "delete_because_no_module"), *(extra or [])]


def test_module_instance_with_disposable_member_is_a_teardown(tmp_path: Path) -> None:
    assert worst(tmp_path, _module({"retention_in_days": 3})) is Severity.MEDIUM


def test_module_instance_without_disposable_member_stays_high(tmp_path: Path) -> None:
    assert worst(tmp_path, _module({"retention_in_days": 365})) is Severity.HIGH


def test_module_instance_with_a_database_stays_high(tmp_path: Path) -> None:
    db = gone('module.env["a"].aws_db_instance.this', {"identifier": "x"}, "delete_because_no_module")
    assert worst(tmp_path, _module({"retention_in_days": 3}, [db])) is Severity.HIGH


def test_item_in_store_is_medium_the_store_high(tmp_path: Path) -> None:
    assert worst(tmp_path, [gone("acme_oss_bucket_object.a", {"key": "a.zip"})]) is Severity.MEDIUM
    assert worst(tmp_path, [gone("acme_oss_bucket.a", {"bucket": "a"})]) is Severity.HIGH


def test_permission_replace_is_medium_like_other_links(tmp_path: Path) -> None:
    perm = gone("aws_lambda_permission.s3", {"statement_id": "a"}, "replace_because_cannot_update",
                ["delete", "create"])
    assert worst(tmp_path, [perm], "resource-replace") is Severity.MEDIUM
    fn = gone("aws_lambda_function.f", {"function_name": "f"}, "replace_because_cannot_update", ["delete", "create"])
    assert worst(tmp_path, [fn], "resource-replace") is Severity.HIGH
