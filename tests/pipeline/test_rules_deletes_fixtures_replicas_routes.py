"""Deletes and replaces: test fixtures and preview teardowns, monitors of non-production, read replicas,
log routes, stricter settings, load-balancer targets, and scale-deletes counting only what is lost; each with a
look-alike that keeps its severity."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.pipeline.test_rules_deletes_by_what_they_lose import gone, worst
from tfreview.pipeline.findings import Severity
from tfreview.pipeline.review import review
from tfreview.settings import Settings

REPLACE = ["delete", "create"]
ROOT = [{"volume_size": 8, "delete_on_termination": True}]


def replaced(address: str, before: dict[str, Any], after: dict[str, Any], paths: list[list[str]]) -> dict[str, Any]:
    """One replace entry whose after differs from before, forced by PATHS."""
    entry = gone(address, before, "replace_because_cannot_update", actions=REPLACE)
    entry["change"]["after"] = after
    entry["change"]["replace_paths"] = paths
    return entry


def severity_of(tmp_path: Path, changes: list[dict[str, Any]], address: str) -> Severity:
    """Review a plan with rules alone: the severity of the delete or replace finding on ADDRESS."""
    path = tmp_path / "plan.json"
    path.write_text(json.dumps({"format_version": "1.2", "terraform_version": "1.9.8", "resource_changes": changes}))
    result = review(path, Settings(backend="none"))
    return next(f.severity for f in result.findings if f.address == address and f.rule.startswith("resource-"))


def fixture(tags: dict[str, str], **extra: Any) -> dict[str, Any]:
    """A small instance with TAGS whose root disk goes with it."""
    return {"instance_type": "t3.micro", "tags": tags, "root_block_device": ROOT, **extra}


def test_ci_fixture_instances_and_group_are_medium_and_not_counted(tmp_path: Path) -> None:
    tags = {"purpose": "ci-fixture", "env": "test"}
    plan = [gone(f"aws_instance.fx[{i}]", fixture(tags)) for i in range(8)]
    plan.append(gone("aws_security_group.fx", {"name": "fx", "tags": {"env": "test"}}))
    assert worst(tmp_path, plan) is Severity.MEDIUM
    assert worst(tmp_path, plan, "scale-deletes") is None


def test_prod_tagged_fixture_stays_high(tmp_path: Path) -> None:
    tags = {"purpose": "ci-fixture", "env": "prod"}
    assert worst(tmp_path, [gone("aws_instance.fx", fixture(tags))]) is Severity.HIGH


def test_fixture_with_extra_volume_or_kept_disk_stays_high(tmp_path: Path) -> None:
    tags = {"purpose": "ci-fixture"}
    extra = fixture(tags, ebs_block_device=[{"device_name": "/dev/sdf", "delete_on_termination": True}])
    assert worst(tmp_path, [gone("aws_instance.fx", extra)]) is Severity.HIGH
    kept = fixture(tags, root_block_device=[{"delete_on_termination": False}])
    assert worst(tmp_path, [gone("aws_instance.fx", kept)]) is Severity.HIGH


def test_owner_word_is_not_an_environment(tmp_path: Path) -> None:
    assert worst(tmp_path, [gone("aws_instance.app", fixture({"owner": "test-team"}))]) is Severity.HIGH


def test_stateless_replaces_do_not_count_towards_scale(tmp_path: Path) -> None:
    spec = [{"selector": [{"match_labels": {"app": "x"}}]}]
    plan = [gone(f"kubernetes_deployment.d{i}", {"metadata": [{"name": f"d{i}"}], "spec": spec}, actions=REPLACE)
            for i in range(7)]
    assert worst(tmp_path, plan, "scale-deletes") is None


def test_many_lost_deletes_still_count(tmp_path: Path) -> None:
    plan = [gone(f"acme_server.s{i}", {"name": f"s{i}", "labels": {"role": "web"}}) for i in range(6)]
    assert worst(tmp_path, plan, "scale-deletes") is Severity.HIGH


def test_load_balancer_target_replaced_is_medium(tmp_path: Path) -> None:
    target = {"load_balancer_id": 1, "server_id": 2, "type": "server"}
    plan = [replaced("hcloud_load_balancer_target.t", target, {**target, "server_id": 3}, [["server_id"]])]
    assert worst(tmp_path, plan, "resource-replace") is Severity.MEDIUM


def test_target_group_replaced_stays_high(tmp_path: Path) -> None:
    group = {"name": "web", "port": 80}
    plan = [replaced("acme_lb_target_group.g", group, {**group, "port": 81}, [["port"]])]
    assert worst(tmp_path, plan, "resource-replace") is Severity.HIGH


def test_preview_keyed_release_teardown_is_medium(tmp_path: Path) -> None:
    release = {"name": "pr-1811", "chart": "./charts/shop", "namespace": "preview-pr-1811"}
    assert worst(tmp_path, [gone('helm_release.preview["pr-1811"]', release, "delete_because_each_key")]) \
        is Severity.MEDIUM


def test_preview_keyed_database_chart_stays_high(tmp_path: Path) -> None:
    release = {"name": "pr-1811-db", "chart": "bitnami/postgresql", "namespace": "preview-pr-1811"}
    assert worst(tmp_path, [gone('helm_release.preview["pr-1811"]', release, "delete_because_each_key")]) \
        is Severity.HIGH


def test_release_keyed_by_a_tenant_stays_high(tmp_path: Path) -> None:
    release = {"name": "acme-corp", "chart": "./charts/shop"}
    assert worst(tmp_path, [gone('helm_release.tenant["acme-corp"]', release, "delete_because_each_key")]) \
        is Severity.HIGH


def test_read_replica_with_primary_kept_is_medium(tmp_path: Path) -> None:
    replica = {"name": "analytics-eu", "primary_cluster_id": "lbc-1", "id": "lbr-2"}
    assert worst(tmp_path, [gone("zeta_read_replica.r", replica)]) is Severity.MEDIUM


def test_replica_whose_primary_is_deleted_stays_high(tmp_path: Path) -> None:
    replica = {"name": "analytics-eu", "primary_cluster_id": "lbc-1", "id": "lbr-2"}
    primary = {"name": "main", "id": "lbc-1"}
    plan = [gone("zeta_read_replica.r", replica), gone("zeta_cluster.main", primary)]
    assert severity_of(tmp_path, plan, "zeta_read_replica.r") is Severity.HIGH


def test_db_instance_with_source_is_a_replica_and_primary_itself_stays_high(tmp_path: Path) -> None:
    assert worst(tmp_path, [gone("aws_db_instance.r", {"identifier": "r", "replicate_source_db": "main"})]) \
        is Severity.MEDIUM
    assert worst(tmp_path, [gone("aws_db_instance.m", {"identifier": "main", "replicate_source_db": ""})]) \
        is Severity.HIGH


def test_variable_made_sensitive_is_medium_and_revealed_stays_high(tmp_path: Path) -> None:
    hidden = {"key": "TF_VAR_pw", "sensitive": False, "value": "x"}
    plan = [replaced("tfe_variable.pw", hidden, {**hidden, "sensitive": True}, [["sensitive"]])]
    assert worst(tmp_path, plan, "resource-replace") is Severity.MEDIUM
    shown = {"key": "TF_VAR_pw", "sensitive": True, "value": "x"}
    plan = [replaced("tfe_variable.pw", shown, {**shown, "sensitive": False}, [["sensitive"]])]
    assert worst(tmp_path, plan, "resource-replace") is Severity.HIGH


def test_store_encrypted_by_replace_stays_high(tmp_path: Path) -> None:
    db = {"identifier": "main", "storage_encrypted": False, "encrypted": False}
    plan = [replaced("acme_database.d", db, {**db, "encrypted": True}, [["encrypted"]])]
    assert worst(tmp_path, plan, "resource-replace") is Severity.HIGH


def test_diagnostic_setting_replaced_is_medium_deleted_stays_high(tmp_path: Path) -> None:
    setting = {"name": "kv-diag", "target_resource_id": "/kv/1", "log_analytics_workspace_id": "/ws/1"}
    plan = [replaced("azurerm_monitor_diagnostic_setting.kv", setting, {**setting, "name": "kv-logs"}, [["name"]])]
    assert worst(tmp_path, plan, "resource-replace") is Severity.MEDIUM
    assert worst(tmp_path, [gone("azurerm_monitor_diagnostic_setting.kv", setting)]) is Severity.HIGH


def test_staging_or_retired_monitor_deleted_is_medium_prod_stays_high(tmp_path: Path) -> None:
    staging = {"name": "canary", "tags": ["env:staging", "owner:qa"], "priority": 5}
    assert worst(tmp_path, [gone("datadog_monitor.c", staging)]) is Severity.MEDIUM
    retired = {"name": "canary", "tags": ["team:web", "retired"]}
    assert worst(tmp_path, [gone("datadog_monitor.c", retired)]) is Severity.MEDIUM
    prod = {"name": "canary", "tags": ["env:prod", "owner:qa"]}
    assert worst(tmp_path, [gone("datadog_monitor.c", prod)]) is Severity.HIGH
    owner_only = {"name": "canary", "tags": ["owner:qa"]}
    assert worst(tmp_path, [gone("datadog_monitor.c", owner_only)]) is Severity.HIGH


def test_read_replica_replaced_with_primary_kept_is_medium(tmp_path: Path) -> None:
    replica = {"identifier": "orders-replica", "replicate_source_db": "orders-main", "availability_zone": "a"}
    plan = [replaced("aws_db_instance.r", replica, {**replica, "availability_zone": "b"}, [["availability_zone"]])]
    assert worst(tmp_path, plan, "resource-replace") is Severity.MEDIUM


def test_replica_replaced_as_standalone_or_with_its_primary_stays_high(tmp_path: Path) -> None:
    replica = {"identifier": "orders-replica", "replicate_source_db": "orders-main", "availability_zone": "a"}
    promoted = {**replica, "replicate_source_db": None, "availability_zone": "b"}
    plan = [replaced("aws_db_instance.r", replica, promoted, [["availability_zone"]])]
    assert worst(tmp_path, plan, "resource-replace") is Severity.HIGH
    primary = {"identifier": "orders-main", "availability_zone": "a"}
    plan = [replaced("aws_db_instance.r", replica, {**replica, "availability_zone": "b"}, [["availability_zone"]]),
            replaced("aws_db_instance.m", primary, {**primary, "availability_zone": "b"}, [["availability_zone"]])]
    assert severity_of(tmp_path, plan, "aws_db_instance.r") is Severity.HIGH
