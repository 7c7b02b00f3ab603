"""A long-lived key for an identity the plan or the key's module makes an admin (keyholders.py): high; a key for an
identity with a lesser role, or an admin grant to someone else, stays medium."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.pipeline.test_rules_successors_take_over import made
from tfreview.pipeline.findings import Severity
from tfreview.pipeline.review import review
from tfreview.settings import Settings

EMAIL = "deployer@acme-prod.iam.gserviceaccount.com"
KEY = made("google_service_account_key.deployer", {"service_account_id": EMAIL, "private_key_type":
                                                   "TYPE_GOOGLE_CREDENTIALS_FILE"})


def _severity(tmp_path: Path, changes: list[dict[str, Any]], configuration: dict[str, Any] | None = None) -> Any:
    path = tmp_path / "plan.json"
    plan: dict[str, Any] = {"format_version": "1.2", "terraform_version": "1.9.8", "resource_changes": changes}
    if configuration is not None:
        plan["configuration"] = configuration
    path.write_text(json.dumps(plan))
    found = [f.severity for f in review(path, Settings(backend="none")).findings
             if f.rule == "iam-privileged-role" and "long-lived access key" in f.message]
    return found[0] if found else None


def _member(role: str, member: str) -> dict[str, Any]:
    return made("google_project_iam_member.deployer", {"project": "acme-prod", "role": role, "member": member})


def test_key_for_an_identity_granted_owner_in_the_plan_is_high(tmp_path: Path) -> None:
    assert _severity(tmp_path, [KEY, _member("roles/owner", f"serviceAccount:{EMAIL}")]) is Severity.HIGH


def test_access_key_for_a_user_attached_administrator_access_is_high(tmp_path: Path) -> None:
    key = made("aws_iam_access_key.ci", {"user": "ci-deployer"})
    attach = made("aws_iam_user_policy_attachment.ci", {"user": "ci-deployer",
                                                        "policy_arn": "arn:aws:iam::aws:policy/AdministratorAccess"})
    assert _severity(tmp_path, [key, attach]) is Severity.HIGH


@pytest.mark.parametrize("roles", [["acme-prod=>roles/owner"], ["acme-prod=>roles/logging.logWriter"]],
                         ids=["owner", "log-writer"])
def test_key_made_by_a_module_judged_by_the_roles_the_module_grants(tmp_path: Path, roles: list[str]) -> None:
    key = {**KEY, "address": 'module.deployer_sa.google_service_account_key.keys["deployer"]',
           "module_address": "module.deployer_sa"}
    configuration = {"root_module": {"module_calls": {"deployer_sa": {
        "source": "terraform-google-modules/service-accounts/google",
        "expressions": {"names": {"constant_value": ["deployer"]}, "project_roles": {"constant_value": roles},
                        "generate_keys": {"constant_value": True}}, "module": {"resources": []}}}}}
    expected = Severity.HIGH if "roles/owner" in roles[0] else Severity.MEDIUM
    assert _severity(tmp_path, [key], configuration) is expected


@pytest.mark.parametrize("grant", [
    _member("roles/viewer", f"serviceAccount:{EMAIL}"),
    _member("roles/owner", "serviceAccount:other@acme-prod.iam.gserviceaccount.com"),
], ids=["lesser-role", "admin-to-someone-else"])
def test_key_without_an_admin_grant_to_its_holder_stays_medium(tmp_path: Path, grant: dict[str, Any]) -> None:
    assert _severity(tmp_path, [KEY, grant]) is Severity.MEDIUM
