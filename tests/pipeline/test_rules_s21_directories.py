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


# --- settings inside an MDM profile's property list ----------------------------------------------------------

def _profile(assessment: bool, name: str = "Gatekeeper") -> str:
    flag = "<true/>" if assessment else "<false/>"
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" '
            '"http://www.apple.com/DTDs/PropertyList-1.0.dtd">\n<plist version="1.0"><dict>\n'
            f'<key>PayloadContent</key><array><dict><key>EnableAssessment</key>{flag}\n'
            f'<key>PayloadDisplayName</key><string>{name}</string></dict></array>\n'
            '<key>PayloadType</key><string>Configuration</string></dict></plist>\n')


@pytest.mark.parametrize(("old", "new", "fires"), [
    (_profile(True), _profile(False), True),
    (_profile(False), _profile(True), False),
    (_profile(True), _profile(True, name="Gatekeeper (ring 2)"), False),
])
def test_gatekeeper_switched_off_inside_a_plist_profile_fires(tmp_path: Path, old: str, new: str, fires: bool) -> None:
    before = {"name": "macos security", "profile_xml": old}
    found = _highs(tmp_path, "kandji_custom_profile.gatekeeper", {**before, "profile_xml": new}, before)
    assert ("detection-disabled" in found) is fires


# --- membership rules and grants that reach everyone --------------------------------------------------------

def _group_rule(condition: str, name: str) -> dict[str, Any]:
    after = {"name": name, "status": "ACTIVE", "expression_type": "urn:okta:expression:1.0",
             "expression_value": condition}
    before = {**after, "expression_value": 'user.department == "SRE" AND user.title == "Lead"'}
    return resource("okta_group_rule.r", after, before)


@pytest.mark.parametrize(("condition", "name", "fires"), [
    ('user.department == "SRE" OR String.stringContains(user.email, "@acme.io")', "prod-admins (auto)", True),
    ('user.department == "SRE" || user.email.endsWith("@acme.io")', "break-glass-owners", True),
    ('user.department == "SRE" AND String.stringContains(user.email, "@acme.io")', "prod-admins (auto)", False),
    ('String.stringContains(user.email, "@agency.example")', "contractors (auto)", False),
    ('(user.department == "SRE" OR user.department == "Ops") AND user.title == "Lead"', "prod-admins (auto)",
     False),
])
def test_an_or_clause_every_workforce_account_meets_admits_everyone_to_admin(
        tmp_path: Path, condition: str, name: str, fires: bool) -> None:
    found = judge(tmp_path, [_group_rule(condition, name)])
    assert (found.get("iam-privileged-role") is Severity.HIGH) is fires


@pytest.mark.parametrize(("principal", "grants", "fires"), [
    ("u_auth", ["ids=*;type=*;actions=*"], True),
    ("u_anon", ["ids=*;type=target;actions=authorize-session"], True),
    ("u_anon", ["ids=*;type=scope;actions=list,no-op", "ids=*;type=auth-method;actions=authenticate,list"], False),
    ("u_1234567890", ["ids=*;type=*;actions=*"], False),
])
def test_a_role_granted_to_every_user_fires_unless_it_only_lets_them_sign_in(
        tmp_path: Path, principal: str, grants: list[str], fires: bool) -> None:
    before = {"name": "org", "scope_id": "o_1", "grant_strings": grants, "principal_ids": ["g_admins"]}
    after = {**before, "principal_ids": ["g_admins", principal]}
    assert ("iam-public-member" in _highs(tmp_path, "boundary_role.org", after, before)) is fires


@pytest.mark.parametrize(("group", "fires"), [("CORP\\Domain Users", True), ("CORP\\VDI-Finance-Users", False)])
def test_a_desktop_allow_list_opened_to_every_domain_account_fires(tmp_path: Path, group: str, fires: bool) -> None:
    before = {"name": "finance", "restricted_access_users": [{"allow_list": ["CORP\\VDI-Payroll"]}]}
    after = {"name": "finance", "restricted_access_users": [{"allow_list": [group]}]}
    assert ("iam-public-member" in _highs(tmp_path, "horizon_desktop_pool.finance", after, before)) is fires


def _k8s_everyone(resources: list[str], verbs: list[str]) -> list[dict[str, Any]]:
    role = resource("kubernetes_cluster_role.picker", {
        "metadata": [{"name": "picker"}], "rule": [{"api_groups": [""], "resources": resources, "verbs": verbs}]})
    binding = resource("kubernetes_cluster_role_binding.picker", {
        "metadata": [{"name": "picker"}], "role_ref": [{"kind": "ClusterRole", "name": "picker",
                                                        "api_group": "rbac.authorization.k8s.io"}],
        "subject": [{"kind": "Group", "name": "system:authenticated", "api_group": "rbac.authorization.k8s.io"}]})
    return [role, binding]


@pytest.mark.parametrize(("resources", "verbs", "level"), [
    (["namespaces"], ["get", "list", "watch"], Severity.MEDIUM),
    (["namespaces", "secrets"], ["get", "list"], Severity.HIGH),
    (["namespaces"], ["get", "list", "delete"], Severity.HIGH),
])
def test_everyone_bound_to_a_role_that_only_lists_namespaces_is_shown_not_alarming(
        tmp_path: Path, resources: list[str], verbs: list[str], level: Severity) -> None:
    assert judge(tmp_path, _k8s_everyone(resources, verbs)).get("iam-public-member") is level


# --- code a managed machine fetches and runs ------------------------------------------------------------------

@pytest.mark.parametrize(("shell", "url", "fires"), [
    ("/bin/bash", "https://raw.githubusercontent.com/tools/bootstrap/main/install.sh", True),
    ("/usr/bin/env python3", "https://gitlab.com/tools/bootstrap/-/raw/master/install.py", True),
    ("/bin/bash", "https://raw.githubusercontent.com/tools/bootstrap/v2.3.0/install.sh", False),
])
def test_a_device_script_piping_a_moving_branch_into_a_shell_by_its_path_fires(
        tmp_path: Path, shell: str, url: str, fires: bool) -> None:
    before = {"name": "enrolment", "script_content": "#!/bin/sh\n/usr/sbin/installer -pkg /tmp/b.pkg -target /\n"}
    after = {**before, "script_content": f"#!/bin/sh\ncurl -fsSL {url} | {shell}\n"}
    assert ("boot-script-weakens" in _highs(tmp_path, "intune_macos_shell_script.enrolment", after, before)) is fires


@pytest.mark.parametrize(("url", "fires"), [
    ("https://raw.githubusercontent.com/community/dsc/main/Configuration.zip", True),
    ("https://bitbucket.org/community/dsc/raw/master/setup.ps1", True),
    ("https://raw.githubusercontent.com/community/dsc/3f9c2a1b7d/Configuration.zip", False),
    ("https://artifacts.example.com/dsc/main/Configuration.zip", False),
])
def test_an_extension_fetching_its_code_from_a_moving_branch_fires(tmp_path: Path, url: str, fires: bool) -> None:
    old = '{"fileUris": ["https://acmestore.blob.core.windows.net/scripts/setup-1.4.ps1"], "commandToExecute": "x"}'
    before = {"name": "setup", "settings": old}
    after = {"name": "setup", "settings": old.replace("https://acmestore.blob.core.windows.net/scripts/setup-1.4.ps1",
                                                      url)}
    found = _highs(tmp_path, "google_compute_instance_guest_policy.setup", after, before)
    assert ("supply-chain-opened" in found) is fires


# --- a generated credential replaced by a literal ---------------------------------------------------------------

GENERATED = "q7X(Lr#v2Nw=Gk8]Zt!dPs4{Mh9<Cy6b"
TYPED = "Glacier-Ferry-7731-Kestrel!"


def _account(before: str) -> dict[str, Any]:
    marks = {"password": True}
    return {"address": "keycloak_user.breakglass", "mode": "managed", "type": "keycloak_user", "name": "breakglass",
            "change": {"actions": ["update"], "before": {"username": "breakglass", "password": before},
                       "after": {"username": "breakglass", "password": TYPED}, "after_unknown": {},
                       "before_sensitive": marks, "after_sensitive": marks}}


def _generator(result: str) -> dict[str, Any]:
    return {"address": "random_password.breakglass", "mode": "managed", "type": "random_password",
            "name": "breakglass", "change": {"actions": ["delete"], "before": {"length": 32, "result": result},
                                             "after": None, "after_unknown": {}, "before_sensitive": {"result": True},
                                             "after_sensitive": False}}


@pytest.mark.parametrize(("before", "generator", "level"), [
    (GENERATED, GENERATED, Severity.HIGH),  # the generated password is now typed into the code
    ("Old7secretValue99", "Unrelated9Result42", Severity.MEDIUM),  # one literal rotated for another
])
def test_a_literal_in_place_of_a_generated_password_is_a_credential_put_in_code(
        tmp_path: Path, before: str, generator: str, level: Severity) -> None:
    configuration = {"root_module": {"resources": [{
        "address": "keycloak_user.breakglass", "mode": "managed", "type": "keycloak_user", "name": "breakglass",
        "expressions": {"username": {"constant_value": "breakglass"}, "password": {"constant_value": TYPED}}}]}}
    found = judge(tmp_path, [_account(before), _generator(generator)], configuration=configuration)
    assert found.get("secret-in-code") is level


# --- an account and its password written side by side in prose -------------------------------------------------

@pytest.mark.parametrize(("text", "fires"), [
    ("Break-glass: log in as admin@corp.example / Winter-Harbor-2291-Falcon? then page the SOC.", True),
    ("Escalate to ops@corp.example / #platform-oncall (Slack) during business hours.", False),
    ("Owner: identity@corp.example / Team Identity, runbook v2.1 in the wiki.", False),
])
def test_a_password_beside_its_account_in_a_runbook_text_is_a_credential(tmp_path: Path, text: str,
                                                                           fires: bool) -> None:
    before = {"name": "break glass used", "message": "Break-glass account used."}
    found = _highs(tmp_path, "opsgenie_alert_policy.breakglass", {**before, "message": text}, before)
    assert ("credential-in-plan" in found) is fires


# --- a grant's principal re-pointed to an everyone group, named only by the configuration ----------------------

def _repointed(group: str, role: str) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    before = {"principal_id": "7f1c-admins", "role_id": "r-1", "scope": "tenant/prod"}
    change = resource("zitadel_project_grant_assignment.prod", {**before, "principal_id": "9a2e-new"}, before)
    config = {"root_module": {"resources": [
        {"address": f"data.zitadel_group.{group}", "mode": "data", "type": "zitadel_group", "name": group,
         "expressions": {"display_name": {"constant_value": group.replace("_", "-")}}},
        {"address": "data.zitadel_role.granted", "mode": "data", "type": "zitadel_role", "name": "granted",
         "expressions": {"name": {"constant_value": role}}},
        {"address": "zitadel_project_grant_assignment.prod", "mode": "managed",
         "type": "zitadel_project_grant_assignment", "name": "prod", "expressions": {
             "principal_id": {"references": [f"data.zitadel_group.{group}.id", f"data.zitadel_group.{group}"]},
             "role_id": {"references": ["data.zitadel_role.granted.id", "data.zitadel_role.granted"]},
             "scope": {"constant_value": "tenant/prod"}}}]}}
    return [change], config


@pytest.mark.parametrize(("group", "role", "fires"), [
    ("all_staff", "ProjectOwner", True),
    ("all_staff", "ProjectViewerReadOnly", False),
    ("sre_oncall", "ProjectOwner", False),
])
def test_an_admin_grant_re_pointed_to_an_everyone_group_fires(tmp_path: Path, group: str, role: str,
                                                                fires: bool) -> None:
    changes, config = _repointed(group, role)
    assert (judge(tmp_path, changes, configuration=config).get("workforce-access") is Severity.HIGH) is fires
