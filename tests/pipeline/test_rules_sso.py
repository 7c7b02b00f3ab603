"""Identity providers, SSO and workforce access: OAuth/OIDC and SAML clients loosened, admin flags and roles,
everyone groups, self-edited rule attributes, tenant-wide consent, vacuous federated conditions, inactive sign-in
apps deleted; each with a benign look-alike. Providers are invented, so only what attributes mean can decide."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import review_rules_alone

SAFE, REVIEW = "likely_safe", "needs_close_review"


def entry(address: str, after: Any, before: Any = None, action: str | None = None) -> dict[str, Any]:
    """One resource_changes entry of `terraform show -json` (an invented provider)."""
    kind, name = address.rsplit(".", 1)
    actions = [action] if action else ["create"] if before is None else ["update"]
    return {"address": address, "mode": "managed", "type": kind, "name": name,
            "provider_name": "registry.example.com/idpco/idpco",
            "change": {"actions": actions, "before": before, "after": after,
                       "after_unknown": {}, "before_sensitive": {}, "after_sensitive": {}}}


def label(tmp_path: Path, changes: list[dict[str, Any]], **sections: Any) -> str:
    return review_rules_alone(tmp_path, changes, **sections).label.value


def _client(**changed: Any) -> list[dict[str, Any]]:
    before = {"label": "Ledger", "login_uris": ["https://ledger.northwind.io/callback"],
              "grant_kinds": ["authorization_code"], "implicit_enabled": False, "pkce": "S256",
              "client_kind": "CONFIDENTIAL",
              "audience_mode": "SingleTenant", "assertion_signed": True, "redirect_uris":
              ["https://ledger.northwind.io/callback"]}
    return [entry("idpco_oidc_client.ledger", {**before, **changed}, before=before)]


@pytest.mark.parametrize(("changed", "expected"), [
    ({"redirect_uris": ["https://ledger.northwind.io/callback", "https://ledger-preview.vercel.app/callback"]}, REVIEW),
    ({"redirect_uris": ["https://ledger.northwind.io/callback", "https://ledger.northwind.io.sso-chk.net/cb"]}, REVIEW),
    ({"redirect_uris": ["*"]}, REVIEW),
    ({"redirect_uris": ["https://*.pages.example-cdn.net/callback"]}, REVIEW),
    ({"redirect_uris": ["http://ledger-test.northwind.io/callback"]}, REVIEW),
    ({"implicit_enabled": True}, REVIEW),
    ({"grant_kinds": ["authorization_code", "implicit"]}, REVIEW),
    ({"pkce": "OPTIONAL"}, REVIEW),
    ({"client_kind": "PUBLIC"}, REVIEW),
    ({"audience_mode": "AzureADMultipleOrgs"}, REVIEW),
    ({"assertion_signed": False}, REVIEW),
    # look-alikes: a redirect on the organisation's own subdomain, localhost, signing turned on, PKCE kept
    ({"redirect_uris": ["https://ledger.northwind.io/callback", "https://ledger-v2.northwind.io/callback"]}, SAFE),
    ({"redirect_uris": ["https://ledger.northwind.io/callback", "http://localhost:3000/callback"]}, SAFE),
    ({"pkce": "S256", "label": "Ledger v2"}, SAFE),
])
def test_client_loosened(tmp_path: Path, changed: dict[str, Any], expected: str) -> None:
    assert label(tmp_path, _client(**changed)) == expected


def test_signing_turned_on_is_quiet(tmp_path: Path) -> None:
    before = {"label": "Ledger", "assertion_signed": False, "response_signed": False}
    after = {**before, "assertion_signed": True, "response_signed": True}
    assert label(tmp_path, [entry("idpco_saml_app.ledger", after, before=before)]) == SAFE


def test_jit_provisioning_that_creates_admins_or_accepts_personal_mail(tmp_path: Path) -> None:
    before = {"sso": [{"autocreate_role": "viewer", "autocreate_domains": ["northwind.io"]}]}
    admins = {"sso": [{"autocreate_role": "admin", "autocreate_domains": ["northwind.io"]}]}
    anyone = {"sso": [{"autocreate_role": "viewer", "autocreate_domains": ["northwind.io", "gmail.com"]}]}
    own = {"sso": [{"autocreate_role": "editor", "autocreate_domains": ["northwind.io", "northwind.co.uk"]}]}
    assert label(tmp_path, [entry("idpco_org_settings.main", admins, before=before)]) == REVIEW
    assert label(tmp_path, [entry("idpco_org_settings.main", anyone, before=before)]) == REVIEW
    assert label(tmp_path, [entry("idpco_org_settings.main", own, before=before)]) == SAFE


@pytest.mark.parametrize(("before", "after", "expected"), [
    ({"email": "a@northwind.io", "is_admin": False}, {"email": "a@northwind.io", "is_admin": True}, REVIEW),
    ({"email": "a@northwind.io", "is_admin": True}, {"email": "a@northwind.io", "is_admin": False}, SAFE),
    ({"perms": [{"manage_teams": False, "read_projects": True}]},
     {"perms": [{"manage_teams": True, "read_projects": True}]}, REVIEW),
    ({"perms": [{"manage_workspaces": False, "read_projects": False}]},
     {"perms": [{"manage_workspaces": False, "read_projects": True}]}, SAFE),
])
def test_admin_flags_and_identity_management(tmp_path: Path, before: Any, after: Any, expected: str) -> None:
    assert label(tmp_path, [entry("idpco_account.ops", after, before=before)]) == expected


def test_everyone_group_into_admin_team_or_secrets_or_excluded(tmp_path: Path) -> None:
    team = {"team": "org-owners", "groups": ["Platform-Owners"]}
    synced = {**team, "groups": ["Platform-Owners", "All Employees"]}
    assert label(tmp_path, [entry("idpco_team_sync.owners", synced, before=team)]) == REVIEW
    readers = {"team": "docs-readers", "groups": ["Docs"]}
    assert label(tmp_path, [entry("idpco_team_sync.docs", {**readers, "groups": ["Docs", "All Employees"]},
                                  before=readers)]) == SAFE
    vault = {"safe": "prod-root-credentials", "principal": "group:all-staff", "rights": ["read", "reveal"]}
    assert label(tmp_path, [entry("idpco_safe_access.root", vault)]) == REVIEW
    wiki = {"space": "handbook", "principal": "group:all-staff", "rights": ["read"]}
    assert label(tmp_path, [entry("idpco_space_access.handbook", wiki)]) == SAFE
    policy = {"name": "require mfa", "users": [{"excluded_groups": ["breakglass"]}]}
    widened = {**policy, "users": [{"excluded_groups": ["breakglass", "Everyone"]}]}
    assert label(tmp_path, [entry("idpco_signin_policy.mfa", widened, before=policy)]) == REVIEW
    kept = {**policy, "users": [{"excluded_groups": ["breakglass", "breakglass-2"]}]}
    assert label(tmp_path, [entry("idpco_signin_policy.mfa", kept, before=policy)]) == SAFE


def test_admin_role_named_by_the_configuration_reference(tmp_path: Path) -> None:
    after = {"role_id": "91447453409", "assignee": "1048573928"}
    configuration = {"root_module": {"resources": [{
        "address": "idpco_role_assignment.bot", "mode": "managed", "type": "idpco_role_assignment", "name": "bot",
        "expressions": {"role_id": {"references": ["data.idpco_role.{}.id", "data.idpco_role.{}"]}}}]}}

    def plan(role: str) -> dict[str, Any]:
        text = json.dumps(configuration).replace("{}", role)
        return dict(configuration=json.loads(text))

    assert label(tmp_path, [entry("idpco_role_assignment.bot", after)], **plan("super_admin")) == REVIEW
    assert label(tmp_path, [entry("idpco_role_assignment.bot", after)], **plan("help_desk_viewer")) == SAFE


def test_group_rule_on_a_self_edited_attribute(tmp_path: Path) -> None:
    before = {"name": "Auto-assign platform admins", "expression_value": 'isMemberOfGroupName("SRE-Approved")'}
    after = {**before, "expression_value": 'String.stringContains(user.title, "Engineer")'}
    assert label(tmp_path, [entry("idpco_group_rule.admins", after, before=before)]) == REVIEW
    benign = {"name": "Auto-assign engineering wiki", "expression_value": before["expression_value"]}
    assert label(tmp_path, [entry("idpco_group_rule.wiki", {**benign, "expression_value": after["expression_value"]},
                                  before=benign)]) == SAFE


def test_tenant_wide_consent_to_data_scopes(tmp_path: Path) -> None:
    grant = {"client_principal_id": "f1e2", "claim_values": ["openid", "Mail.ReadWrite", "Files.ReadWrite.All"],
             "user_object_id": None}
    assert label(tmp_path, [entry("idpco_delegated_permission_grant.mail", grant)]) == REVIEW
    signin = {**grant, "claim_values": ["openid", "profile", "User.Read"]}
    assert label(tmp_path, [entry("idpco_delegated_permission_grant.mail", signin)]) == SAFE


def test_user_management_scopes_and_anyone_can_join(tmp_path: Path) -> None:
    before = {"audience": "https://idp.northwind.io/api/", "scopes": ["read:users"]}
    after = {**before, "scopes": ["read:users", "create:users", "delete:users"]}
    assert label(tmp_path, [entry("idpco_client_grant.sync", after, before=before)]) == REVIEW
    assert label(tmp_path, [entry("idpco_client_grant.sync", {**before, "scopes": ["read:users", "read:stats"]},
                                  before=before)]) == SAFE
    group = {"email": "approvers@northwind.io", "who_can_join": "INVITED_CAN_JOIN"}
    assert label(tmp_path, [entry("idpco_group_settings.approvers", {**group, "who_can_join": "ANYONE_CAN_JOIN"},
                                  before=group)]) == REVIEW
    assert label(tmp_path, [entry("idpco_group_settings.approvers", {**group, "who_can_join": "CAN_REQUEST_TO_JOIN"},
                                  before=group)]) == SAFE


def test_vacuous_federated_condition(tmp_path: Path) -> None:
    before = {"attribute_condition": "assertion.owner == 'northwind' && assertion.ref == 'refs/heads/main'",
              "attribute_mapping": {"google.subject": "assertion.sub"}}
    loose = {**before, "attribute_condition": "assertion.owner != ''"}
    tighter = {**before, "attribute_condition": "assertion.owner == 'northwind'"}
    address = "idpco_workload_identity_pool_provider.ci"
    assert label(tmp_path, [entry(address, loose, before=before)]) == REVIEW
    assert label(tmp_path, [entry(address, tighter, before=before)]) == SAFE


def test_inactive_sign_in_app_deleted_is_quiet(tmp_path: Path) -> None:
    app = {"label": "Wiki (retired)", "status": "INACTIVE", "redirect_uris": ["https://wiki-old.northwind.io/cb"]}
    assert label(tmp_path, [entry("idpco_app_oauth.wiki", None, before=app, action="delete")]) == SAFE
    assert label(tmp_path, [entry("idpco_app_oauth.wiki", None, before={**app, "status": "ACTIVE"},
                                  action="delete")]) == REVIEW


def test_notification_mailbox_added_is_low_but_moved_is_high(tmp_path: Path) -> None:
    before = {"name": "hr", "notification_email_addresses": []}
    added = {**before, "notification_email_addresses": ["iam-team@contoso-hr.com"]}
    assert label(tmp_path, [entry("idpco_service_principal.hr", added, before=before)]) == SAFE
    held = {"name": "hr", "notification_email_addresses": ["iam-team@northwind.io"]}
    moved = {**held, "notification_email_addresses": ["iam-team@contoso-hr.com"]}
    assert label(tmp_path, [entry("idpco_service_principal.hr", moved, before=held)]) == REVIEW


def test_access_level_made_public_is_not_a_public_client(tmp_path: Path) -> None:
    before = {"name": "handbook", "pages_access_level": "enabled", "description": "company handbook"}
    after = {**before, "pages_access_level": "public"}
    result = review_rules_alone(tmp_path, [entry("idpco_project.handbook", after, before=before)])
    assert "client-loosened" not in {f.rule for f in result.findings}


def test_scoped_cloud_admin_role_is_left_to_the_cloud_grant_rules(tmp_path: Path) -> None:
    grant = {"bucket": "assets", "role": "roles/storage.objectAdmin", "member": "serviceAccount:ci@p.iam.example"}
    result = review_rules_alone(tmp_path, [entry("google_storage_bucket_iam_member.ci", grant)])
    assert "workforce-access" not in {f.rule for f in result.findings}


def test_redirect_or_cors_origin_outside_a_sign_in_client_is_not_a_client(tmp_path: Path) -> None:
    cors = {"bucket": "assets", "cors": [{"allowed_origins": ["https://assets.northwind.io"]}]}
    partner = {**cors, "cors": [{"allowed_origins": ["https://assets.northwind.io", "https://shop.partnerco.net"]}]}
    result = review_rules_alone(tmp_path, [entry("idpco_client_bucket.assets", partner, before=cors)])
    assert "client-loosened" not in {f.rule for f in result.findings}
    page = {"name": "promo", "redirect_url": "https://promo.northwind.io"}
    moved = {**page, "redirect_url": "https://promo.partnerco.net"}
    result = review_rules_alone(tmp_path, [entry("idpco_page_rule.promo", moved, before=page)])
    assert "client-loosened" not in {f.rule for f in result.findings}


def test_redirect_on_a_domain_the_plan_configures_is_ours(tmp_path: Path) -> None:
    before = {"label": "Shop", "redirect_uris": ["https://shop.northwind.io/cb"]}
    after = {**before, "redirect_uris": ["https://shop.northwind.io/cb", "https://shop.northwind-retail.com/cb"]}
    zone = entry("idpco_dns_zone.retail", {"domain": "northwind-retail.com"})
    assert label(tmp_path, [entry("idpco_oidc_client.shop", after, before=before), zone]) == SAFE
    assert label(tmp_path, [entry("idpco_oidc_client.shop", after, before=before)]) == REVIEW


def test_a_policy_named_everyone_grants_only_whom_its_rules_include(tmp_path: Path) -> None:
    # Names are not grants: renaming an admin panel's policy "everyone" changes no one's access.
    before = {"name": "sso-admin-panel", "decision": "allow", "include": [{"email_domain": ["northwind.io"]}]}
    renamed = {**before, "name": "everyone", "require": [{"group": ["c9f0e1d2"]}]}
    assert label(tmp_path, [entry("idpco_access_policy.admin_panel", renamed, before=before)]) == SAFE
    # Its risky twin: the everyone group put into the admin panel's include is still read as a grant.
    opened = {**before, "include": [{"email_domain": ["northwind.io"], "groups": ["Everyone"]}]}
    assert label(tmp_path, [entry("idpco_access_policy.admin_panel", opened, before=before)]) == REVIEW
