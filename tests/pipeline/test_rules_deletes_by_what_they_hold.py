"""Deletes and replaces judged by what the object holds and by the rest of the plan: config rebuilt from code,
stateless or spot machines, caches without persistence, successors that take over; each with a look-alike."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.pipeline.test_rules_deletes_by_what_they_lose import gone, worst
from tfreview.pipeline.findings import Severity

REPLACE = ["delete", "create"]


def made(address: str, after: dict[str, Any]) -> dict[str, Any]:
    """One create entry of `terraform show -json`."""
    kind, name = address.split(".")
    return {"address": address, "mode": "managed", "type": kind, "name": name,
            "provider_name": "registry.terraform.io/acme/acme",
            "change": {"actions": ["create"], "before": None, "after": after, "after_unknown": {},
                       "after_sensitive": {}}}


def test_monitor_replaced_is_medium(tmp_path: Path) -> None:
    monitor = {"name": "latency", "type": "query alert", "query": "avg(last_5m):x > 1"}
    assert worst(tmp_path, [gone("acme_monitor.m", monitor, actions=REPLACE)], "resource-replace") is Severity.MEDIUM


def test_compute_warehouse_replaced_is_medium(tmp_path: Path) -> None:
    warehouse = {"name": "ETL", "warehouse_size": "XSMALL"}
    assert worst(tmp_path, [gone("acme_warehouse.w", warehouse, actions=REPLACE)],
                 "resource-replace") is Severity.MEDIUM


def test_database_replaced_stays_high(tmp_path: Path) -> None:
    db = {"name": "analytics", "is_transient": True}
    assert worst(tmp_path, [gone("acme_database.d", db, actions=REPLACE)], "resource-replace") is Severity.HIGH


def test_dashboard_deleted_is_medium(tmp_path: Path) -> None:
    assert worst(tmp_path, [gone("acme_one_dashboard.d", {"name": "scratch"})]) is Severity.MEDIUM


def test_rule_deleted_with_successor_of_same_assignments_is_medium(tmp_path: Path) -> None:
    old = {"name": "api-by-path", "target_assignments": ["pool-1"]}
    new = {"name": "api", "target_assignments": ["pool-1"]}
    assert worst(tmp_path, [gone("acme_routing_rule.old", old), made("acme_routing_rule.new", new)]) \
        is Severity.MEDIUM


def test_rule_deleted_without_successor_stays_high(tmp_path: Path) -> None:
    """A routing rule with no successor stays high (a deleted group-assignment rule is a membership removed)."""
    old = {"name": "api-by-path", "target_assignments": ["pool-1"]}
    other = {"name": "billing", "target_assignments": ["pool-2"]}
    assert worst(tmp_path, [gone("acme_routing_rule.old", old), made("acme_routing_rule.new", other)]) \
        is Severity.HIGH


def test_page_rule_replaced_by_ruleset_with_same_host_is_medium(tmp_path: Path) -> None:
    old = {"target": "www.example.org/*", "actions": [{"forwarding_url": "https://example.org/$1"}]}
    new = {"name": "redirects", "rules": [{"expression": '(http.host eq "www.example.org")'}]}
    assert worst(tmp_path, [gone("acme_page_rule.r", old), made("acme_ruleset.r", new)]) is Severity.MEDIUM


def test_plan_migrated_to_successor_type_is_medium(tmp_path: Path) -> None:
    changes = [gone("acme_app_service_plan.p", {"name": "asp-web"}), made("acme_service_plan.p", {"name": "asp-web-2"})]
    assert worst(tmp_path, changes) is Severity.MEDIUM


def test_data_holder_with_look_alike_successor_stays_high(tmp_path: Path) -> None:
    changes = [gone("acme_bucket.b", {"name": "logs"}), made("acme_bucket.c", {"name": "logs-2"})]
    assert worst(tmp_path, changes) is Severity.HIGH


def test_stateless_server_replaced_for_image_is_medium(tmp_path: Path) -> None:
    server = {"name": "runner-1", "image": "a", "labels": {"role": "ci-runner"}}
    assert worst(tmp_path, [gone("acme_server.s", server, actions=REPLACE)], "resource-replace") is Severity.MEDIUM


def test_database_server_replaced_stays_high(tmp_path: Path) -> None:
    server = {"name": "db1", "image": "a", "labels": {"role": "postgres-primary"}}
    assert worst(tmp_path, [gone("acme_server.s", server, actions=REPLACE)], "resource-replace") is Severity.HIGH


def test_stateless_server_with_data_disk_stays_high(tmp_path: Path) -> None:
    server = {"name": "web-1", "tags": ["stateless"], "data_disks": [{"size": 100}]}
    assert worst(tmp_path, [gone("acme_instance.s", server, actions=REPLACE)], "resource-replace") is Severity.HIGH


def test_spot_machine_deleted_is_medium(tmp_path: Path) -> None:
    machine = {"instance_name": "b", "spot_strategy": "SpotAsPriceGo"}
    assert worst(tmp_path, [gone("acme_instance.b", machine)]) is Severity.MEDIUM


def test_on_demand_machine_deleted_stays_high(tmp_path: Path) -> None:
    machine = {"instance_name": "b", "spot_strategy": "NoSpot"}
    assert worst(tmp_path, [gone("acme_instance.b", machine)]) is Severity.HIGH


def test_memcached_cluster_deleted_is_medium(tmp_path: Path) -> None:
    assert worst(tmp_path, [gone("acme_cache_cluster.c", {"engine": "memcached"})]) is Severity.MEDIUM


def test_redis_cluster_deleted_stays_high(tmp_path: Path) -> None:
    assert worst(tmp_path, [gone("acme_cache_cluster.c", {"engine": "redis", "snapshot_retention_limit": 5})]) \
        is Severity.HIGH


def test_cache_without_durability_is_medium(tmp_path: Path) -> None:
    assert worst(tmp_path, [gone("acme_cache.c", {"name": "s", "durability": "none"})]) is Severity.MEDIUM


def test_bucket_tagged_ci_cache_and_not_force_destroyed_is_medium(tmp_path: Path) -> None:
    bucket = {"bucket": "ci-cache", "force_destroy": False, "tags": {"ephemeral": "true"}}
    assert worst(tmp_path, [gone("aws_s3_bucket.c", bucket)]) is Severity.MEDIUM


def test_bucket_tagged_ci_cache_but_force_destroyed_stays_high(tmp_path: Path) -> None:
    bucket = {"bucket": "ci-cache", "force_destroy": True, "tags": {"ephemeral": "true"}}
    assert worst(tmp_path, [gone("aws_s3_bucket.c", bucket)]) is Severity.HIGH


def test_bucket_not_force_destroyed_without_tags_is_medium_unless_named_by_a_kept_object(tmp_path: Path) -> None:
    """The provider refuses to delete it while it holds anything (guarded.py); a kept reader keeps it high."""
    bucket = {"bucket": "audit-archive", "force_destroy": False}
    assert worst(tmp_path, [gone("aws_s3_bucket.c", bucket)]) is Severity.MEDIUM
    reader = made("aws_lambda_function.r", {"environment": [{"variables": {"BUCKET": "audit-archive"}}]})
    assert worst(tmp_path, [gone("aws_s3_bucket.c", bucket), reader]) is Severity.HIGH


def test_managed_database_instance_tagged_worker_stays_high(tmp_path: Path) -> None:
    db = {"identifier": "jobs", "tags": {"role": "worker"}}
    assert worst(tmp_path, [gone("aws_db_instance.d", db, actions=REPLACE)], "resource-replace") is Severity.HIGH


def namespace(name: str, labels: dict[str, str]) -> dict[str, Any]:
    """A deleted kubernetes namespace with these labels."""
    return gone("kubernetes_namespace_v1.ns", {"metadata": [{"name": name, "labels": labels}]})


def test_preview_namespace_and_release_inside_it_are_medium(tmp_path: Path) -> None:
    release = gone("helm_release.app", {"name": "web-pr-7", "namespace": "preview-pr-7"})
    assert worst(tmp_path, [namespace("preview-pr-7", {"ephemeral": "true"}), release]) is Severity.MEDIUM


def test_unlabelled_namespace_and_its_release_stay_high(tmp_path: Path) -> None:
    release = gone("helm_release.app", {"name": "web", "namespace": "payments"})
    assert worst(tmp_path, [namespace("payments", {"team": "pay"}), release]) is Severity.HIGH


def test_release_outside_the_preview_namespace_stays_high(tmp_path: Path) -> None:
    release = gone("helm_release.app", {"name": "postgres", "namespace": "data"})
    assert worst(tmp_path, [namespace("preview-pr-7", {"ephemeral": "true"}), release]) is Severity.HIGH


def record(name: str) -> dict[str, Any]:
    """A deleted zone-scoped CNAME record."""
    return gone("acme_record.r", {"zone_id": "z1", "name": name, "type": "CNAME", "content": "lb.example.net"})


def test_zone_relative_record_name_is_not_the_apex(tmp_path: Path) -> None:
    assert worst(tmp_path, [record("pr-7.preview")]) is Severity.MEDIUM
    assert worst(tmp_path, [record("pr-7.preview")], "dns-delegation") is None


def test_registrable_domain_record_is_the_apex(tmp_path: Path) -> None:
    assert worst(tmp_path, [record("example.co.uk")], "dns-delegation") is Severity.HIGH
    assert worst(tmp_path, [record("example.com")]) is Severity.HIGH


def test_stateless_role_does_not_excuse_deleting_the_machine(tmp_path: Path) -> None:
    server = {"name": "web-1", "tags": ["web", "stateless"]}
    assert worst(tmp_path, [gone("acme_instance.s", server)]) is Severity.HIGH


def updated(address: str, before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """One in-place update entry of `terraform show -json`."""
    entry = gone(address, before, actions=["update"])
    entry["change"]["after"] = after
    entry.pop("action_reason")
    return entry


def volume(policy: str) -> dict[str, Any]:
    """A persistent volume's values with this reclaim policy."""
    return {"metadata": [{"name": "pv"}], "spec": [{"persistent_volume_reclaim_policy": policy}]}


def test_reclaim_policy_retain_to_delete_is_high(tmp_path: Path) -> None:
    change = updated("kubernetes_persistent_volume_v1.pv", volume("Retain"), volume("Delete"))
    assert worst(tmp_path, [change], "reclaim-to-delete") is Severity.HIGH


def test_reclaim_policy_delete_to_retain_is_quiet(tmp_path: Path) -> None:
    change = updated("kubernetes_persistent_volume_v1.pv", volume("Delete"), volume("Retain"))
    assert worst(tmp_path, [change], "reclaim-to-delete") is None


def test_any_deletion_policy_snapshot_to_delete_is_high(tmp_path: Path) -> None:
    change = updated("acme_stack.s", {"deletion_policy": "Snapshot"}, {"deletion_policy": "Delete"})
    assert worst(tmp_path, [change], "reclaim-to-delete") is Severity.HIGH


def test_database_cut_to_one_node_is_high(tmp_path: Path) -> None:
    change = updated("acme_database_cluster.c", {"name": "pg", "node_count": 2}, {"name": "pg", "node_count": 1})
    assert worst(tmp_path, [change], "redundancy-cut") is Severity.HIGH


def test_database_keeping_two_nodes_is_quiet(tmp_path: Path) -> None:
    change = updated("acme_database_cluster.c", {"name": "pg", "node_count": 3}, {"name": "pg", "node_count": 2})
    assert worst(tmp_path, [change], "redundancy-cut") is None


def test_stateless_pool_cut_to_one_is_not_a_redundancy_cut(tmp_path: Path) -> None:
    change = updated("acme_node_pool.p", {"name": "web", "node_count": 3}, {"name": "web", "node_count": 1})
    assert worst(tmp_path, [change], "redundancy-cut") is None
