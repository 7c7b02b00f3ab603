"""Changes that leave things stronger: a digest is not a credential, a replace forced by settings moving to their
stricter side, a store restored from a snapshot the plan makes, a signing request re-made, an admin grant moved
from one mechanism to another for the same principal; each with a twin that stays high."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.pipeline.test_rules_deletes_by_what_they_lose import gone, worst
from tfreview.pipeline.credential_names import find_by_key
from tfreview.pipeline.findings import Severity

REPLACE = ["delete", "create"]


def updated(address: str, before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """One in-place update entry."""
    entry = gone(address, before, "", ["update"])
    entry["change"]["after"] = after
    del entry["action_reason"]
    return entry


def replaced(address: str, before: dict[str, Any], after: dict[str, Any], *paths: str) -> dict[str, Any]:
    """A replace (no replace_paths unless PATHS)."""
    entry = gone(address, before, "replace_because_cannot_update", REPLACE)
    entry["change"]["after"] = after
    if paths:
        entry["change"]["replace_paths"] = [[p] for p in paths]
    return entry


@pytest.mark.parametrize(("key", "value"), [("checksum/secret", "d4e5f6a7"),
                                            ("config.sha256/password", "sha256:" + "ab" * 32),
                                            ("sha256_token", "9f86d081884c7d65")])
def test_digest_under_secret_key_is_no_credential(key: str, value: str) -> None:
    assert find_by_key(key, value) is None


@pytest.mark.parametrize(("key", "value"), [("checksum/secret", "hunter2-rotate!"), ("db_password", "d4e5f6a7"),
                                            ("annotations.secret", "S3cr3tValue9")])
def test_real_secret_under_key_stays(key: str, value: str) -> None:
    assert find_by_key(key, value) is not None


def _pod(annotation: str, value: str) -> dict[str, Any]:
    return {"metadata": [{"name": "orders"}],
            "spec": [{"template": [{"metadata": [{"annotations": {annotation: value}}]}]}]}


def test_checksum_annotation_is_no_finding(tmp_path: Path) -> None:
    change = updated("kubernetes_deployment_v1.orders", _pod("checksum/secret", "a1b2c3"),
                     _pod("checksum/secret", "d4e5f6"))
    assert worst(tmp_path, [change], "credential-in-plan") is None


def test_secret_in_annotation_stays_high(tmp_path: Path) -> None:
    change = updated("kubernetes_deployment_v1.orders", _pod("db/secret", "a1b2c3"), _pod("db/secret", "Pr0d-Hunter2x"))
    assert worst(tmp_path, [change], "credential-in-plan") is Severity.HIGH


VARIABLE = {"project": "1234", "key": "DEPLOY_TOKEN", "masked": False, "protected": False, "environment_scope": "*"}


@pytest.mark.parametrize("address", ["gitlab_project_variable.deploy", "acme_ci_variable.deploy"])
def test_variable_replaced_to_mask_and_protect_is_medium(tmp_path: Path, address: str) -> None:
    after = {**VARIABLE, "masked": True, "protected": True, "environment_scope": "production", "raw": True}
    assert worst(tmp_path, [replaced(address, VARIABLE, after)], "resource-replace") is Severity.MEDIUM


@pytest.mark.parametrize("after", [{**VARIABLE, "protected": True, "value": "x2"},
                                   {**VARIABLE, "environment_scope": "prod"},
                                   {**VARIABLE, "masked": True, "environment_scope": "prod-*"},
                                   {**VARIABLE, "masked": True, "protected": True, "project": "999"}])
def test_variable_replaced_unmasked_or_moved_stays_high(tmp_path: Path, after: dict[str, Any]) -> None:
    assert worst(tmp_path, [replaced("gitlab_project_variable.deploy", VARIABLE, after)],
                 "resource-replace") is Severity.HIGH


DB = {"identifier": "reports", "storage_encrypted": False, "deletion_protection": False,
      "skip_final_snapshot": False, "final_snapshot_identifier": "reports-final-1"}
RESTORED = {**DB, "storage_encrypted": True, "deletion_protection": True, "snapshot_identifier": "reports-cmk",
            "final_snapshot_identifier": "reports-final-2"}


def _snapshot_copy(target: str = "reports-cmk") -> dict[str, Any]:
    entry = gone("aws_db_snapshot_copy.reports_cmk", {}, "", ["create"])
    entry["change"].update(before=None, after={"source_db_snapshot_identifier": "reports-pre",
                                               "target_db_snapshot_identifier": target})
    return entry


@pytest.mark.parametrize("address", ["aws_db_instance.reports", "acme_database.reports"])
def test_store_replaced_from_snapshot_the_plan_makes_is_medium(tmp_path: Path, address: str) -> None:
    changes = [_snapshot_copy(), replaced(address, DB, RESTORED)]
    assert worst(tmp_path, changes, "resource-replace") is Severity.MEDIUM


@pytest.mark.parametrize(("before", "after", "copy"), [
    (DB, {k: v for k, v in RESTORED.items() if k != "snapshot_identifier"}, True),  # no snapshot source
    ({**DB, "skip_final_snapshot": True}, RESTORED, True),  # no final copy of the current data
    (DB, RESTORED, False),  # a snapshot the plan does not make
    ({**DB, "storage_encrypted": True}, {**RESTORED, "storage_encrypted": False}, True),  # weaker
    ({**DB, "publicly_accessible": False}, {**RESTORED, "publicly_accessible": True}, True)])
def test_store_replaced_without_restore_or_weaker_stays_high(tmp_path: Path, before: dict[str, Any],
                                                             after: dict[str, Any], copy: bool) -> None:
    changes = [_snapshot_copy("reports-cmk" if copy else "other"), replaced("aws_db_instance.reports", before, after)]
    assert worst(tmp_path, changes, "resource-replace") is Severity.HIGH


CSR = {"backend": "pki_int", "type": "internal", "common_name": "Acme Intermediate CA 2025", "key_type": "ec",
       "key_bits": 256}


@pytest.mark.parametrize("address", ["vault_pki_secret_backend_intermediate_cert_request.int",
                                     "tls_cert_request.web", "acme_csr.edge"])
def test_signing_request_remade_destroy_first_is_medium(tmp_path: Path, address: str) -> None:
    after = {**CSR, "common_name": "Acme Intermediate CA 2026", "key_bits": 384}
    assert worst(tmp_path, [replaced(address, CSR, after)], "resource-replace") is Severity.MEDIUM


@pytest.mark.parametrize(("address", "bits"), [("vault_pki_secret_backend_intermediate_cert_request.int", 128),
                                               ("vault_pki_secret_backend_root_cert.root", 384)])
def test_weaker_request_or_certificate_destroyed_first_stays_high(tmp_path: Path, address: str, bits: int) -> None:
    after = {**CSR, "common_name": "Acme CA 2026", "key_bits": bits}
    assert worst(tmp_path, [replaced(address, CSR, after)], "resource-replace") is Severity.HIGH


SRE = "arn:aws:iam::111122223333:role/sre"
NODES = "arn:aws:iam::111122223333:role/nodes"


def _aws_auth(map_roles: str) -> dict[str, Any]:
    return gone("kubernetes_config_map_v1_data.aws_auth", {
        "metadata": [{"name": "aws-auth", "namespace": "kube-system"}], "data": {"mapRoles": map_roles}})


def _created(address: str, after: dict[str, Any]) -> dict[str, Any]:
    entry = gone(address, {}, "", ["create"])
    entry["change"].update(before=None, after=after)
    return entry


def _access(principal: str = SRE) -> list[dict[str, Any]]:
    return [_created("aws_eks_access_entry.sre", {"cluster_name": "prod", "principal_arn": principal}),
            _created("aws_eks_access_policy_association.sre", {
                "cluster_name": "prod", "principal_arn": principal, "access_scope": [{"type": "cluster"}],
                "policy_arn": "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy"})]


MASTERS = f"- rolearn: {SRE}\n  username: sre\n  groups: [system:masters]\n"


def test_admin_mapping_moved_to_access_policy_is_medium(tmp_path: Path) -> None:
    changes = [_aws_auth(MASTERS), *_access()]
    assert worst(tmp_path, changes, "iam-privileged-role") is Severity.MEDIUM
    assert worst(tmp_path, changes, "resource-delete") is Severity.MEDIUM


def _alice_owner() -> dict[str, Any]:
    return gone("google_project_iam_member.alice_owner",
                {"project": "p1", "role": "roles/owner", "member": "user:alice@acme.io"})


def test_owner_binding_moved_to_same_member_is_medium(tmp_path: Path) -> None:
    old = _alice_owner()
    new = _created("google_project_iam_binding.owners", {"project": "p1", "role": "roles/owner",
                                                         "members": ["user:alice@acme.io"]})
    assert worst(tmp_path, [old, new], "iam-privileged-role") is Severity.MEDIUM


@pytest.mark.parametrize("changes", [
    _access(),  # a new admin grant, nothing removed
    [_aws_auth(f"- rolearn: {SRE}\n  username: sre\n  groups: [viewers]\n"), *_access()],  # it was not admin
    [_aws_auth(f"- rolearn: {SRE}\n  groups: [viewers]\n- rolearn: {NODES}\n  groups: [system:masters]\n"),
     *_access()],  # another identity was admin
    [_aws_auth(MASTERS), *_access(NODES)],  # another principal gets it
    [_alice_owner(),
     _created("google_project_iam_member.sre",
              {"project": "p1", "role": "roles/compute.admin", "member": "group:sre@acme.io"})],
    [_alice_owner(),
     _created("google_project_iam_member.alice",
              {"project": "p2", "role": "roles/owner", "member": "user:alice@acme.io"})],
])
def test_new_admin_grant_not_moved_stays_high(tmp_path: Path, changes: list[dict[str, Any]]) -> None:
    assert worst(tmp_path, changes, "iam-privileged-role") is Severity.HIGH


def test_mapping_deleted_with_an_identity_not_granted_again_stays_high(tmp_path: Path) -> None:
    changes = [_aws_auth(MASTERS + f"- rolearn: {NODES}\n  groups: [system:nodes]\n"), *_access()]
    assert worst(tmp_path, changes, "resource-delete") is Severity.HIGH


@pytest.mark.parametrize("address", ["datadog_application_key.legacy", "acme_app_key.ci"])
def test_application_key_deleted_is_a_revoked_credential(tmp_path: Path, address: str) -> None:
    assert worst(tmp_path, [gone(address, {"name": "legacy-dashboards", "id": "f0e1d2c3"})]) is Severity.MEDIUM


@pytest.mark.parametrize("address", ["datadog_application.legacy", "acme_application_keyring.main"])
def test_application_or_key_store_deleted_stays_high(tmp_path: Path, address: str) -> None:
    assert worst(tmp_path, [gone(address, {"name": "legacy-dashboards", "id": "f0e1d2c3"})]) is Severity.HIGH
