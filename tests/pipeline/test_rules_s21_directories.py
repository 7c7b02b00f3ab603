"""Directories and end-user compute (session 21): weak directory mechanisms switched on, lockout and trust
authentication turned off, sign-in policies loosened, device encryption no longer required, session recording off
and credential roles widened to any account. Each risky case has a benign twin that must stay quiet."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.pipeline.test_rules_detectors_through_configuration import judge, resource
from tfreview.pipeline.findings import Severity


def _highs(tmp_path: Path, address: str, after: Any, before: Any = None) -> set[str]:
    found = judge(tmp_path, [resource(address, after, before)])
    return {rule for rule, severity in found.items() if severity is Severity.HIGH}


@pytest.mark.parametrize(("address", "key", "old", "new", "rule"), [
    # weak directory mechanisms switched on (NTLMv1, TLS 1.0 spelled with a v), passwords stored reversibly
    ("google_managed_ad.corp", "allow_ntlmv1", False, True, "tls-downgrade"),
    ("vsphere_directory.corp", "ldap_tls_v1_0_enabled", False, True, "tls-downgrade"),
    ("samba_domain.corp", "store_passwords_reversible", "Disabled", "Enabled", "auth-weakened"),
    # lockout and trust authentication off
    ("auth0_tenant.corp", "max_failed_login_attempts", 5, 0, "auth-weakened"),
    ("windows_ad_trust.partner", "selective_authentication", True, False, "auth-weakened"),
    # full-disk encryption of a device profile
    ("jamfpro_disk_encryption_configuration.macs", "filevault_required", True, False, "encryption-disabled"),
    # a session recorder switched off
    ("boundary_session_recording_policy.corp", "mode", "proxy", "none", "detection-disabled"),
    # a credential role for any account name
    ("step_ca_provisioner.ssh", "valid_principals", ["deploy", "app"], ["*"], "iam-wildcard"),
])
def test_a_directory_control_weakened_fires_and_its_reverse_does_not(
        tmp_path: Path, address: str, key: str, old: Any, new: Any, rule: str) -> None:
    before = {"name": "corp", key: old}
    assert rule in _highs(tmp_path, address, {**before, key: new}, before)
    assert rule not in _highs(tmp_path, address, before, {**before, key: new})


@pytest.mark.parametrize(("address", "key", "old", "new"), [
    # TLS 1.2 is not TLS 1.0 with a qualifier; RC4 off is hardening
    ("vsphere_directory.corp", "ldap_tls_v1_2_enabled", False, True),
    ("aws_directory_service_directory.corp", "kerberos_rc4_encryption_enabled", True, False),
    # a stricter lockout threshold
    ("auth0_tenant.corp", "max_failed_login_attempts", 10, 5),
    # a recorder's mode moved between recording modes
    ("teleport_session_recording_config.cluster", "mode", "node", "proxy-sync"),
    # a credential role narrowed or renamed
    ("vault_ssh_secret_backend_role.ops", "allowed_users", "*", "ubuntu"),
    ("vault_ssh_secret_backend_role.ops", "allowed_users", "ubuntu", "ubuntu,ec2-user"),
])
def test_hardening_and_tuning_of_the_same_controls_stay_quiet(
        tmp_path: Path, address: str, key: str, old: Any, new: Any) -> None:
    before = {"name": "corp", key: old}
    assert not _highs(tmp_path, address, {**before, key: new}, before)


def _policy(operator: str, apps: list[str]) -> dict[str, Any]:
    return {"display_name": "admins require MFA and compliant device",
            "conditions": [{"applications": [{"included_applications": apps}]}],
            "grant_controls": [{"operator": operator, "built_in_controls": ["mfa", "compliantDevice"]}]}


@pytest.mark.parametrize(("old", "new", "fires"), [
    (_policy("AND", ["All"]), _policy("OR", ["All"]), True),
    (_policy("AND", ["All"]), _policy("AND", ["Office365"]), True),
    (_policy("OR", ["All"]), _policy("AND", ["All"]), False),
    (_policy("AND", ["Office365"]), _policy("AND", ["All"]), False),
    (_policy("AND", ["Office365"]), _policy("AND", ["Office365", "AzurePortal"]), False),
])
def test_a_sign_in_policy_that_requires_less_or_covers_less_fires(
        tmp_path: Path, old: dict[str, Any], new: dict[str, Any], fires: bool) -> None:
    found = _highs(tmp_path, "microsoft365wp_conditional_access_policy.admins", new, old)
    assert ("auth-weakened" in found) is fires
