"""Replaces judged by what the replaced object holds: access entries re-made narrower, with the wider, deny-list
and data-holding look-alikes that stay high."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.pipeline.test_rules_deletes_fixtures_replicas_routes import replaced
from tfreview.pipeline.findings import Severity
from tfreview.pipeline.review import review
from tfreview.pipeline.rules.subranges import covers
from tfreview.settings import Settings


def label(tmp_path: Path, changes: list[dict[str, Any]]) -> str:
    """Review a plan with rules alone: its label."""
    path = tmp_path / "plan.json"
    path.write_text(json.dumps({"format_version": "1.2", "terraform_version": "1.9.8", "resource_changes": changes}))
    result = review(path, Settings(backend="none"))
    assert not result.errors
    return result.label.value


def replace_severity(tmp_path: Path, changes: list[dict[str, Any]], address: str) -> Severity:
    """The severity of the resource-replace finding on ADDRESS."""
    path = tmp_path / "plan.json"
    path.write_text(json.dumps({"format_version": "1.2", "terraform_version": "1.9.8", "resource_changes": changes}))
    result = review(path, Settings(backend="none"))
    return next(f.severity for f in result.findings if f.rule == "resource-replace" and f.address == address)


def test_covers_reads_cidrs_and_host_patterns() -> None:
    assert covers("10.40.0.0/16", "10.40.12.0/24") and not covers("10.40.12.0/24", "10.40.0.0/16")
    assert covers("%", "10.12.4.%") and covers("10.%", "10.12.%") and not covers("10.12.%", "%")
    assert not covers("10.12._", "10.12.%") and covers("*.corp.example", "db.corp.example")
    assert not covers("10.0.0.0/8", "%") and not covers("192.168.0.0/16", "10.0.0.0/24")


def test_access_entry_replaced_narrower_is_medium(tmp_path: Path) -> None:
    entry = {"id": "x1", "project_id": "p1", "cidr_block": "10.40.0.0/16", "comment": "office"}
    after = {"project_id": "p1", "cidr_block": "10.40.12.0/24", "comment": "office vpn only"}
    plan = [replaced("zeta_project_ip_access_list.o", entry, after, [["cidr_block"]])]
    assert replace_severity(tmp_path, plan, "zeta_project_ip_access_list.o") is Severity.MEDIUM
    user = {"id": "app@%", "user": "app", "host": "%", "tls_option": "SSL"}
    plan = [replaced("acme_sql_user.app", user, {**user, "id": None, "host": "10.12.4.%"}, [["host"]])]
    assert replace_severity(tmp_path, plan, "acme_sql_user.app") is Severity.MEDIUM


def test_access_entry_replaced_wider_or_changed_otherwise_stays_high(tmp_path: Path) -> None:
    entry = {"id": "x1", "project_id": "p1", "cidr_block": "10.40.12.0/24"}
    plan = [replaced("zeta_project_ip_access_list.o", entry, {**entry, "cidr_block": "10.40.0.0/16"},
                     [["cidr_block"]])]
    assert replace_severity(tmp_path, plan, "zeta_project_ip_access_list.o") is Severity.HIGH
    user = {"id": "app@10", "user": "app", "host": "10.12.4.%", "tls_option": "SSL"}
    plan = [replaced("acme_sql_user.app", user, {**user, "host": "%"}, [["host"]])]
    assert replace_severity(tmp_path, plan, "acme_sql_user.app") is Severity.HIGH
    loosened = {**user, "host": "10.12.4.1", "tls_option": "NONE"}
    plan = [replaced("acme_sql_user.app", {**user, "host": "10.12.4.%"}, loosened, [["host"]])]
    assert replace_severity(tmp_path, plan, "acme_sql_user.app") is Severity.HIGH


def test_deny_entry_or_data_store_narrowed_stays_high(tmp_path: Path) -> None:
    blocked = {"id": "b1", "cidr_block": "203.0.113.0/24", "action": "deny"}
    plan = [replaced("zeta_ip_access_entry.b", blocked, {**blocked, "cidr_block": "203.0.113.0/28"},
                     [["cidr_block"]])]
    assert replace_severity(tmp_path, plan, "zeta_ip_access_entry.b") is Severity.HIGH
    store = {"id": "d1", "name": "orders", "allowed_ips": ["10.0.0.0/8"]}
    plan = [replaced("zeta_database.d", store, {**store, "allowed_ips": ["10.1.0.0/16"]}, [["allowed_ips"]])]
    assert replace_severity(tmp_path, plan, "zeta_database.d") is Severity.HIGH


def test_function_service_and_scale_set_replaced_are_medium(tmp_path: Path) -> None:
    fn = {"function_name": "thumbnailer", "runtime": "python3.12", "handler": "app.handler"}
    plan = [replaced("aws_lambda_function.t", fn, {**fn, "function_name": "media-thumbnailer"}, [["function_name"]])]
    assert replace_severity(tmp_path, plan, "aws_lambda_function.t") is Severity.MEDIUM
    run = {"name": "api", "location": "us-central1", "template": [{"containers": [{"image": "gcr.io/p/api:2"}]}]}
    plan = [replaced("zeta_run_service.api", run, {**run, "location": "us-east1"}, [["location"]])]
    assert replace_severity(tmp_path, plan, "zeta_run_service.api") is Severity.MEDIUM
    vmss = {"name": "web", "instances": 4, "zones": ["1"], "data_disk": [], "os_disk": [{"storage_account_type": "x"}]}
    plan = [replaced("acme_linux_virtual_machine_scale_set.web", vmss, {**vmss, "zones": ["1", "2"]}, [["zones"]])]
    assert replace_severity(tmp_path, plan, "acme_linux_virtual_machine_scale_set.web") is Severity.MEDIUM


def test_compute_that_mounts_data_or_says_it_keeps_state_stays_high(tmp_path: Path) -> None:
    fn = {"function_name": "thumbnailer", "file_system_config": [{"arn": "arn:efs:ap-1", "local_mount_path": "/mnt"}]}
    plan = [replaced("aws_lambda_function.t", fn, {**fn, "function_name": "media"}, [["function_name"]])]
    assert replace_severity(tmp_path, plan, "aws_lambda_function.t") is Severity.HIGH
    run = {"name": "api", "template": [{"volumes": [{"name": "uploads", "gcs": [{"bucket": "u"}]}]}]}
    plan = [replaced("zeta_run_service.api", run, {**run, "name": "api2"}, [["name"]])]
    assert replace_severity(tmp_path, plan, "zeta_run_service.api") is Severity.HIGH
    vmss = {"name": "kafka", "instances": 3, "data_disk": [{"disk_size_gb": 512}]}
    plan = [replaced("acme_linux_virtual_machine_scale_set.k", vmss, {**vmss, "zones": ["2"]}, [["zones"]])]
    assert replace_severity(tmp_path, plan, "acme_linux_virtual_machine_scale_set.k") is Severity.HIGH
    named = {"name": "vmss-postgres", "instances": 3, "data_disk": []}
    plan = [replaced("acme_linux_virtual_machine_scale_set.p", named, {**named, "zones": ["2"]}, [["zones"]])]
    assert replace_severity(tmp_path, plan, "acme_linux_virtual_machine_scale_set.p") is Severity.HIGH


def test_compute_stopping_itself_when_idle_is_medium_always_on_or_data_pool_stays_high(tmp_path: Path) -> None:
    cluster = {"cluster_name": "shared", "node_type_id": "i3.xlarge", "autotermination_minutes": 60}
    plan = [replaced("zeta_cluster.s", cluster, {**cluster, "node_type_id": "m6.xlarge"}, [["node_type_id"]])]
    assert replace_severity(tmp_path, plan, "zeta_cluster.s") is Severity.MEDIUM
    always_on = {**cluster, "autotermination_minutes": 0}
    plan = [replaced("zeta_cluster.s", always_on, {**always_on, "node_type_id": "m6"}, [["node_type_id"]])]
    assert replace_severity(tmp_path, plan, "zeta_cluster.s") is Severity.HIGH
    pool = {"name": "dw", "sku_name": "DW100c", "auto_pause_delay_in_minutes": 60}
    plan = [replaced("acme_synapse_sql_pool.dw", pool, {**pool, "sku_name": "DW200c"}, [["sku_name"]])]
    assert replace_severity(tmp_path, plan, "acme_synapse_sql_pool.dw") is Severity.HIGH


def test_user_node_pool_replaced_is_medium_system_or_unsaid_stays_high(tmp_path: Path) -> None:
    pool = {"name": "general", "vm_size": "D4", "node_count": 3, "mode": "User"}
    plan = [replaced("acme_kubernetes_cluster_node_pool.g", pool, {**pool, "vm_size": "D8"}, [["vm_size"]])]
    assert replace_severity(tmp_path, plan, "acme_kubernetes_cluster_node_pool.g") is Severity.MEDIUM
    system = {**pool, "mode": "System"}
    plan = [replaced("acme_kubernetes_cluster_node_pool.g", system, {**system, "vm_size": "D8"}, [["vm_size"]])]
    assert replace_severity(tmp_path, plan, "acme_kubernetes_cluster_node_pool.g") is Severity.HIGH
    group = {"cluster_name": "prod", "node_group_name": "general", "instance_types": ["m6i.2xlarge"]}
    plan = [replaced("acme_eks_node_group.g", group, {**group, "instance_types": ["m7i"]}, [["instance_types"]])]
    assert replace_severity(tmp_path, plan, "acme_eks_node_group.g") is Severity.HIGH


def test_template_dashboard_webhook_and_kept_alias_replaced_are_medium(tmp_path: Path) -> None:
    board = {"dashboard": '{"title":"Overview"}'}
    plan = [replaced("acme_dashboard_json.o", board, {"dashboard": '{"title":"v2"}'}, [["dashboard"]])]
    assert replace_severity(tmp_path, plan, "acme_dashboard_json.o") is Severity.MEDIUM
    hook = {"repository": "api", "events": ["push"], "configuration": [{"url": "https://ci.acme.dev/hook"}]}
    plan = [replaced("acme_repository_webhook.ci", hook, {**hook, "repository": "api-server"}, [["repository"]])]
    assert replace_severity(tmp_path, plan, "acme_repository_webhook.ci") is Severity.MEDIUM
    alias = {"name": "alias/app", "target_key_id": "1234abcd"}
    plan = [replaced("acme_kms_alias.a", alias, {**alias, "name": "alias/app-data"}, [["name"]])]
    assert replace_severity(tmp_path, plan, "acme_kms_alias.a") is Severity.MEDIUM


def test_alias_retargeted_or_losing_its_target_and_store_stay_high(tmp_path: Path) -> None:
    alias = {"name": "alias/app", "target_key_id": "1234abcd"}
    plan = [replaced("acme_kms_alias.a", alias, {"name": "alias/app2", "target_key_id": "99ff"}, [["name"]])]
    assert replace_severity(tmp_path, plan, "acme_kms_alias.a") is Severity.HIGH
    key = {"key_id": "1234abcd", "description": "app data"}
    plan = [replaced("acme_kms_alias.a", alias, {**alias, "name": "alias/app2"}, [["name"]]),
            replaced("acme_kms_key.k", key, {**key, "description": "x"}, [["description"]])]
    assert replace_severity(tmp_path, plan, "acme_kms_alias.a") is Severity.HIGH
    table = {"name": "orders", "hash_key": "id"}
    plan = [replaced("aws_dynamodb_table.t", table, {**table, "name": "orders-v2"}, [["name"]])]
    assert replace_severity(tmp_path, plan, "aws_dynamodb_table.t") is Severity.HIGH


def tls_secret(namespace: str, crt: str) -> dict[str, Any]:
    """A TLS secret in NAMESPACE holding certificate CRT."""
    return {"metadata": [{"name": "wildcard", "namespace": namespace}], "type": "kubernetes.io/tls",
            "data": {"tls.crt": crt, "tls.key": crt + "-key"}}


def test_secret_rewritten_in_place_with_new_values_is_medium(tmp_path: Path) -> None:
    plan = [replaced("kubernetes_secret_v1.tls", tls_secret("ingress", "a"), tls_secret("ingress", "b"), [["type"]])]
    plan[0]["change"]["before_sensitive"] = plan[0]["change"]["after_sensitive"] = {"data": True}
    assert replace_severity(tmp_path, plan, "kubernetes_secret_v1.tls") is Severity.MEDIUM


def test_secret_moved_emptied_or_held_elsewhere_stays_high(tmp_path: Path) -> None:
    plan = [replaced("kubernetes_secret_v1.tls", tls_secret("ingress", "a"), tls_secret("public", "b"), [["type"]])]
    assert replace_severity(tmp_path, plan, "kubernetes_secret_v1.tls") is Severity.HIGH
    fewer = tls_secret("ingress", "b")
    fewer["data"].pop("tls.key")
    plan = [replaced("kubernetes_secret_v1.tls", tls_secret("ingress", "a"), fewer, [["type"]])]
    assert replace_severity(tmp_path, plan, "kubernetes_secret_v1.tls") is Severity.HIGH
    unknown = replaced("kubernetes_secret_v1.tls", tls_secret("ingress", "a"), tls_secret("ingress", "a"), [["type"]])
    unknown["change"]["after_unknown"] = {"data": True}
    assert replace_severity(tmp_path, [unknown], "kubernetes_secret_v1.tls") is Severity.HIGH
    container = {"name": "db-root", "recovery_window_in_days": 0}
    plan = [replaced("aws_secretsmanager_secret.s", container, {**container, "name": "db-root-2"}, [["name"]])]
    assert replace_severity(tmp_path, plan, "aws_secretsmanager_secret.s") is Severity.HIGH


def test_notebook_instance_stopping_itself_when_idle_stays_high(tmp_path: Path) -> None:
    notebook = {"name": "analyst", "machine_type": "n2-standard-4", "auto_stop_minutes": 180}
    plan = [replaced("acme_workbench_instance.n", notebook, {**notebook, "machine_type": "n2-standard-8"},
                     [["machine_type"]])]
    assert replace_severity(tmp_path, plan, "acme_workbench_instance.n") is Severity.HIGH
