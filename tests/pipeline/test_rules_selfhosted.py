"""Self-hosted infrastructure: disposable machines and namespaces deleted (by name, meta labels, overlay disks) and
STARTTLS dropped for implicit TLS — benign, likely safe; their risky look-alikes stay needs close review."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.helpers import review_rules_alone


def change(address: str, actions: list[str], before: Any, after: Any) -> dict[str, Any]:
    """One entry of `terraform show -json` on an invented provider."""
    kind, name = address.split(".")[-2:]
    return {"address": address, "mode": "managed", "type": kind, "name": name.split("[")[0],
            "provider_name": "registry.example.com/acme/hyperv",
            "change": {"actions": actions, "before": before, "after": after, "after_unknown": {}}}


def label(tmp_path: Path, *changes: dict[str, Any]) -> str:
    return review_rules_alone(tmp_path, list(changes)).label.value


DISK = "/pool/images/runner-7-overlay.qcow2"


def machine(name: str) -> dict[str, Any]:
    return {"id": "4f1e9a77-2c1d-4e3f-8a90-ab12cd34ef56", "name": name, "vcpu": 4, "memory": 8192,
            "disk": [{"volume_id": DISK}]}


def volume(base: str | None) -> dict[str, Any]:
    return {"id": DISK, "name": "runner-7-overlay.qcow2", "size": 21474836480, "base_volume_id": base}


def test_an_ephemeral_machine_and_its_overlay_disk_deleted_are_safe(tmp_path: Path) -> None:
    assert label(tmp_path, change("virtly_guest.runner[7]", ["delete"], machine("ci-ephemeral-7"), None),
                 change("virtly_disk.overlay[7]", ["delete"], volume("/pool/images/base.qcow2"), None)) \
        == "likely_safe"


def test_a_named_production_machine_or_a_full_disk_deleted_needs_review(tmp_path: Path) -> None:
    assert label(tmp_path, change("virtly_guest.runner[7]", ["delete"], machine("gitlab-prod"), None)) \
        == "needs_close_review"
    assert label(tmp_path, change("virtly_guest.runner[7]", ["delete"], machine("ci-ephemeral-7"), None),
                 change("virtly_disk.overlay[7]", ["delete"], volume(None), None)) == "needs_close_review"


def test_a_namespace_whose_meta_says_ephemeral_deleted_is_safe(tmp_path: Path) -> None:
    space = {"name": "pr-77", "description": "preview", "meta": {"ephemeral": "true"}}
    assert label(tmp_path, change("jobly_namespace.preview", ["delete"], space, None)) == "likely_safe"
    kept = {"name": "payments", "description": "payments", "meta": {"owner": "team-pay"}}
    assert label(tmp_path, change("jobly_namespace.payments", ["delete"], kept, None)) == "needs_close_review"


def test_starttls_dropped_for_implicit_tls_is_safe_but_dropped_alone_needs_review(tmp_path: Path) -> None:
    before = {"url": "ldap://dc01.corp.example:389", "starttls": True}
    assert label(tmp_path, change("dirauth_backend.corp", ["update"], before,
                                  {"url": "ldaps://dc01.corp.example:636", "starttls": False})) == "likely_safe"
    assert label(tmp_path, change("dirauth_backend.corp", ["update"], before,
                                  {"url": "ldap://dc01.corp.example:389", "starttls": False})) == "needs_close_review"


AUDIT = {"id": "file", "type": "file", "path": "file", "options": {"file_path": "/var/audit/audit.log"}}


def test_an_audit_device_replaced_create_before_destroy_is_safe(tmp_path: Path) -> None:
    after = {**AUDIT, "path": "file-v2", "options": {"file_path": "/var/log/audit.log"}}
    assert label(tmp_path, change("keyvaulty_audit.file", ["create", "delete"], AUDIT, after)) == "likely_safe"
    assert label(tmp_path, change("keyvaulty_audit.file", ["delete", "create"], AUDIT, after)) \
        == "needs_close_review"
    assert label(tmp_path, change("keyvaulty_audit.file", ["delete"], AUDIT, None)) == "needs_close_review"


def test_an_acl_policy_that_only_grants_deleted_is_safe(tmp_path: Path) -> None:
    grants = {"name": "legacy", "policy": 'path "secret/data/legacy/*" {\n  capabilities = ["read"]\n}\n'}
    assert label(tmp_path, change("keyvaulty_policy.legacy", ["delete"], grants, None)) == "likely_safe"
    denies = {"name": "fence", "rules": 'key_prefix "vault/" {\n  policy = "deny"\n}\n'}
    assert label(tmp_path, change("quorumly_acl_policy.fence", ["delete"], denies, None)) == "needs_close_review"


def test_a_mesh_that_stops_restricting_destinations_needs_review(tmp_path: Path) -> None:
    on = {"kind": "mesh", "config_json": '{"TransparentProxy": {"MeshDestinationsOnly": true}}'}
    off = {"kind": "mesh", "config_json": '{"TransparentProxy": {"MeshDestinationsOnly": false}}'}
    assert label(tmp_path, change("meshy_config_entry.mesh", ["update"], on, off)) == "needs_close_review"
    assert label(tmp_path, change("meshy_config_entry.mesh", ["update"], off, on)) == "likely_safe"


def test_a_chart_service_type_made_load_balancer_needs_review(tmp_path: Path) -> None:
    def release(kind: str, version: str) -> dict[str, Any]:
        return {"name": "secrets", "chart": "secrets", "version": version,
                "values": [f"server:\n  replicas: 3\nui:\n  enabled: true\n  serviceType: {kind}\n"]}
    assert label(tmp_path, change("helm_release.secrets", ["update"], release("ClusterIP", "1.0"),
                                  release("LoadBalancer", "1.0"))) == "needs_close_review"
    assert label(tmp_path, change("helm_release.secrets", ["update"], release("ClusterIP", "1.0"),
                                  release("ClusterIP", "1.1"))) == "likely_safe"


def test_a_floating_ip_for_a_database_needs_review(tmp_path: Path) -> None:
    assert label(tmp_path, change("cloudstack_floatingip_v2.pgsql", ["create"], None,
                                  {"pool": "ext-net", "description": "pgsql-primary"})) == "needs_close_review"
    assert label(tmp_path, change("cloudstack_floatingip_v2.web", ["create"], None,
                                  {"pool": "ext-net", "description": "web-frontend"})) == "likely_safe"
