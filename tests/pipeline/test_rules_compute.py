"""Compute, containers and orchestration by what attributes mean (workloads.py, vocabulary.py, pipelines.py,
access.py, hosts.py, retired.py): each risky change with a benign look-alike that stays likely safe."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.helpers import review_rules_alone, worst_by_rule
from tfreview.labels import Label
from tfreview.pipeline.findings import Severity


def entry(address: str, before: Any, after: Any, actions: list[str] | None = None,
          replace_paths: list[list[str | int]] | None = None) -> dict[str, Any]:
    """One resource change of `terraform show -json` by an invented provider."""
    kind, name = address.split(".")
    actions = actions or (["create"] if before is None else ["delete"] if after is None else ["update"])
    change: dict[str, Any] = {"actions": actions, "before": before, "after": after, "after_unknown": {},
                              "after_sensitive": {}}
    if replace_paths:
        change["replace_paths"] = replace_paths
    return {"address": address, "mode": "managed", "type": kind, "name": name,
            "provider_name": "registry.terraform.io/acme/acme", "change": change}


def judged(tmp_path: Path, *changes: dict[str, Any]) -> tuple[Label, dict[str, Severity]]:
    result = review_rules_alone(tmp_path, list(changes))
    return result.label, worst_by_rule(result)


def task(container: dict[str, Any], **top: Any) -> dict[str, Any]:
    return {"family": "agent", "network_mode": "bridge", "volume": [],
            "container_definitions": json.dumps([{"name": "a", "image": "acme/agent:1", **container}]), **top}


def test_privileged_container_inside_json_definitions_escapes(tmp_path: Path) -> None:
    after = task({"privileged": True, "linuxParameters": {"capabilities": {"add": ["SYS_ADMIN"]}}},
                 network_mode="host", volume=[{"name": "sock", "host_path": "/var/run/docker.sock"}])
    label, found = judged(tmp_path, entry("orca_task_spec.agent", task({"privileged": False}), after))
    assert found["workload-node-escape"] is Severity.HIGH and label is Label.NEEDS_CLOSE_REVIEW


def test_unprivileged_json_definitions_with_a_log_volume_are_quiet(tmp_path: Path) -> None:
    after = task({"privileged": False, "linuxParameters": {"capabilities": {"drop": ["ALL"]}}},
                 volume=[{"name": "logs", "host_path": "/var/log/agent"}])
    label, found = judged(tmp_path, entry("orca_task_spec.agent", task({}), after))
    assert "workload-node-escape" not in found and label is Label.LIKELY_SAFE


def jobspec(config: str) -> dict[str, Any]:
    return {"name": "shipper", "jobspec": f'job "shipper" {{\n  task "v" {{\n    config {{\n{config}    }}\n  }}\n}}\n'}


def test_privileged_host_root_in_hcl_job_text_escapes(tmp_path: Path) -> None:
    after = jobspec('      privileged = true\n      network_mode = "host"\n      volumes = ["/:/host:rw"]\n')
    label, found = judged(tmp_path, entry("kite_job.shipper", jobspec('      volumes = ["/var/log:/l:ro"]\n'), after))
    assert found["workload-node-escape"] is Severity.HIGH and label is Label.NEEDS_CLOSE_REVIEW


def test_hcl_job_text_with_a_read_only_log_mount_is_quiet(tmp_path: Path) -> None:
    after = jobspec('      privileged = false\n      volumes = ["/var/log:/host/var/log:ro"]\n')
    label, found = judged(tmp_path, entry("kite_job.shipper", jobspec('      image = "v:1"\n'), after))
    assert "workload-node-escape" not in found and label is Label.LIKELY_SAFE


def vm(**metadata: Any) -> dict[str, Any]:
    return {"name": "ingest", "metadata_service": [{"enabled": True, "hop_limit": 1, **metadata}]}


def test_metadata_session_tokens_no_longer_required_is_high(tmp_path: Path) -> None:
    label, found = judged(tmp_path, entry("heron_vm.ingest", vm(require_session_token=True),
                                          vm(require_session_token=False)))
    assert found["tls-downgrade"] is Severity.HIGH and label is Label.NEEDS_CLOSE_REVIEW


def test_metadata_hop_limit_raised_with_tokens_required_is_quiet(tmp_path: Path) -> None:
    label, _ = judged(tmp_path, entry("heron_vm.ingest", vm(require_session_token=True),
                                      {**vm(require_session_token=True, hop_limit=2)}))
    assert label is Label.LIKELY_SAFE


def pool(legacy: str) -> dict[str, Any]:
    return {"name": "general", "node_config": [{"metadata": {"disable-legacy-endpoints": legacy}}]}


def test_legacy_metadata_endpoints_re_enabled_is_high(tmp_path: Path) -> None:
    label, found = judged(tmp_path, entry("heron_node_pool.general", pool("true"), pool("false")))
    assert found["tls-downgrade"] is Severity.HIGH and label is Label.NEEDS_CLOSE_REVIEW


def test_legacy_metadata_endpoints_disabled_is_quiet(tmp_path: Path) -> None:
    label, _ = judged(tmp_path, entry("heron_node_pool.general", pool("false"), pool("true")))
    assert label is Label.LIKELY_SAFE


def api_server(anonymous: bool, modes: list[str]) -> dict[str, Any]:
    return {"name": "main", "api_server": [{"anonymous_auth": anonymous, "authorization_modes": modes}]}


def test_anonymous_auth_and_always_allow_are_high(tmp_path: Path) -> None:
    label, found = judged(tmp_path, entry("lumen_cluster.main", api_server(False, ["Node", "RBAC"]),
                                          api_server(True, ["AlwaysAllow"])))
    assert found["auth-weakened"] is Severity.HIGH and label is Label.NEEDS_CLOSE_REVIEW


def test_always_allow_alone_is_high_and_adding_webhook_is_quiet(tmp_path: Path) -> None:
    _, found = judged(tmp_path, entry("lumen_cluster.main", api_server(False, ["RBAC"]),
                                      api_server(False, ["AlwaysAllow"])))
    assert found["auth-weakened"] is Severity.HIGH
    label, _ = judged(tmp_path, entry("lumen_cluster.main", api_server(False, ["RBAC"]),
                                      api_server(False, ["Node", "RBAC", "Webhook"])))
    assert label is Label.LIKELY_SAFE


def runner(level: str) -> dict[str, Any]:
    return {"description": "deploy", "locked": True, "access_level": level}


def test_runner_opened_to_unprotected_refs_is_high(tmp_path: Path) -> None:
    label, found = judged(tmp_path, entry("forge_runner.deploy", runner("ref_protected"), runner("not_protected")))
    assert found["ci-trust-widened"] is Severity.HIGH and label is Label.NEEDS_CLOSE_REVIEW


def test_runner_kept_to_protected_refs_is_quiet(tmp_path: Path) -> None:
    label, _ = judged(tmp_path, entry("forge_runner.deploy", runner("not_protected"), runner("ref_protected")))
    assert label is Label.LIKELY_SAFE


def tunnel(*rules: dict[str, Any]) -> dict[str, Any]:
    return {"tunnel_id": "t1", "config": [{"ingress_rule": [*rules, {"hostname": "", "service": "http_status:404"}]}]}


def test_tunnel_to_the_kubernetes_api_without_access_is_high(tmp_path: Path) -> None:
    kube = {"hostname": "k8s.acme.io", "service": "https://kubernetes.default.svc:443", "origin_request": []}
    label, found = judged(tmp_path, entry("mesa_tunnel_config.edge", tunnel(), tunnel(kube)))
    assert found["public-host"] is Severity.HIGH and label is Label.NEEDS_CLOSE_REVIEW


def test_tunnel_to_ssh_behind_an_access_policy_or_to_a_web_app_is_quiet(tmp_path: Path) -> None:
    ssh = {"hostname": "ssh.acme.io", "service": "ssh://bastion:22",
           "origin_request": [{"access": [{"required": True, "team_name": "acme"}]}]}
    web = {"hostname": "grafana.acme.io", "service": "http://grafana:3000"}
    label, found = judged(tmp_path, entry("mesa_tunnel_config.edge", tunnel(), tunnel(ssh, web)))
    assert "public-host" not in found and label is Label.LIKELY_SAFE


def grant(role: str, **privileges: Any) -> dict[str, Any]:
    return {"account_role_name": role, "with_grant_option": True, "on_account_object": [{"object_name": "POOL"}],
            **privileges}


def test_all_privileges_to_public_is_high(tmp_path: Path) -> None:
    label, found = judged(tmp_path, entry("floe_grant_to_role.pool", None, grant("PUBLIC", all_privileges=True)))
    assert found["iam-public-member"] is Severity.HIGH and label is Label.NEEDS_CLOSE_REVIEW


def test_usage_to_public_or_all_to_a_named_role_is_quiet(tmp_path: Path) -> None:
    label, _ = judged(tmp_path, entry("floe_grant_to_role.pool", None, grant("PUBLIC", privileges=["USAGE"])),
                      entry("floe_grant_to_role.ml", None, grant("ML_ENGINEERS", all_privileges=True)))
    assert label is Label.LIKELY_SAFE


def machine(*services: dict[str, Any]) -> dict[str, Any]:
    return {"app": "acme", "name": "m1", "image": "acme/img:1", "services": list(services)}


def test_machine_publishing_a_database_port_is_high(tmp_path: Path) -> None:
    pg = {"internal_port": 5432, "protocol": "tcp", "ports": [{"port": 5432}]}
    label, found = judged(tmp_path, entry("wisp_machine.pg", machine(), machine(pg)))
    assert found["public-host"] is Severity.HIGH and label is Label.NEEDS_CLOSE_REVIEW


def test_machine_publishing_https_or_a_private_database_service_is_quiet(tmp_path: Path) -> None:
    web = {"internal_port": 8080, "protocol": "tcp", "ports": [{"port": 443}]}
    private = {"internal_port": 5432, "protocol": "tcp", "ports": []}
    label, found = judged(tmp_path, entry("wisp_machine.web", machine(), machine(web, private)))
    assert "public-host" not in found and label is Label.LIKELY_SAFE


def test_deleting_a_service_already_disabled_is_medium(tmp_path: Path) -> None:
    label, found = judged(tmp_path, entry("bell_service.legacy", {"name": "legacy", "status": "disabled"}, None))
    assert found["resource-delete"] is Severity.MEDIUM and label is Label.LIKELY_SAFE


def test_deleting_a_service_still_active_or_a_disabled_key_stays_high(tmp_path: Path) -> None:
    _, found = judged(tmp_path, entry("bell_service.live", {"name": "live", "status": "active"}, None))
    assert found["resource-delete"] is Severity.HIGH
    _, found = judged(tmp_path, entry("bell_kms_key.old", {"name": "old", "status": "disabled"}, None))
    assert found["resource-delete"] is Severity.HIGH


def group(image: str, **container: Any) -> dict[str, Any]:
    return {"name": "worker", "ip_address_type": "Private",
            "container": [{"name": "w", "image": image, "secure_environment_variables": {"DB": "x"}, **container}]}


def test_container_group_replaced_for_a_new_image_is_medium(tmp_path: Path) -> None:
    label, found = judged(tmp_path, entry("nimbus_container_group.worker", group("w:1"), group("w:2"),
                                          ["delete", "create"], [["container", 0, "image"]]))
    assert found["resource-replace"] is Severity.MEDIUM and label is Label.LIKELY_SAFE


def test_container_group_with_a_volume_or_a_database_machine_boot_image_replace_stays_high(tmp_path: Path) -> None:
    """A machine's boot disk goes with it: a new boot image is a routine rebuild (rules/rebuilds.py) only when
    nothing says the machine keeps state; a database server's does."""
    volume = {"volume": [{"name": "data", "mount_path": "/data", "share_name": "d"}]}
    _, found = judged(tmp_path, entry("nimbus_container_group.worker", group("w:1", **volume),
                                      group("w:2", **volume), ["delete", "create"], [["container", 0, "image"]]))
    assert found["resource-replace"] is Severity.HIGH
    box = {"name": "pg-1", "boot_disk": [{"initialize_params": [{"image": "debian-11"}]}]}
    box2 = {"name": "pg-1", "boot_disk": [{"initialize_params": [{"image": "debian-12"}]}]}
    _, found = judged(tmp_path, entry("nimbus_instance.pg", box, box2, ["delete", "create"],
                                      [["boot_disk", 0, "initialize_params", 0, "image"]]))
    assert found["resource-replace"] is Severity.HIGH


def test_container_block_replaced_for_an_image_and_environment_is_medium(tmp_path: Path) -> None:
    """The provider names the whole container block; inside it only the image and the environment change."""
    before = group("w:1", environment_variables={"BATCH": "500"})
    after = group("w:2", environment_variables={"BATCH": "500"})
    after["container"][0]["secure_environment_variables"] = {"DB": "x", "QUEUE_URL": "y"}
    label, found = judged(tmp_path, entry("nimbus_container_group.worker", before, after,
                                          ["delete", "create"], [["container"]]))
    assert found["resource-replace"] is Severity.MEDIUM and label is Label.LIKELY_SAFE


def test_container_block_replaced_for_its_mounts_stays_high(tmp_path: Path) -> None:
    before = group("w:1", volume=[{"name": "data", "mount_path": "/data"}])
    after = group("w:1", volume=[{"name": "data", "mount_path": "/srv/data"}])
    _, found = judged(tmp_path, entry("nimbus_container_group.worker", before, after,
                                      ["delete", "create"], [["container"]]))
    assert found["resource-replace"] is Severity.HIGH
