"""A way in for people (bastion, jump host, VPN, remote-admin rule, their public address) retired while the same
plan creates a managed way in: medium; with none created, with a successor open to the internet, a deny rule or
something that holds data, it stays high. A one-factor sign-in path retired while
another of its provider asks a second factor: medium. A deleted application key is a credential revoked."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.pipeline.test_rules_deletes_by_what_they_lose import gone, worst
from tests.pipeline.test_rules_successors_take_over import made
from tfreview.pipeline.findings import Severity

BASTION = [gone("aws_instance.admin", {"id": "i-0b98c76d54e3", "instance_type": "t3.small",
                                       "tags": {"Name": "bastion-prod"}}),
           gone("aws_eip.admin", {"id": "eipalloc-0123", "public_ip": "54.1.2.3", "instance": "i-0b98c76d54e3"})]
SSM = made("aws_vpc_endpoint.ssm", {"vpc_id": "vpc-1", "service_name": "com.amazonaws.us-east-1.ssmmessages"})
VPN = gone("acme_vpn_profile.legacy", {"id": "vp-9912", "name": "legacy", "allowed_cidrs": ["10.0.0.0/8"]})
ROUTE = {"name": "prod", "destination_cidr": "10.0.0.0/16", "allowed_groups": ["sre"]}
RDP = gone("azurerm_network_security_rule.rdp", {"name": "allow-rdp", "access": "Allow", "destination_port_range":
                                                 "3389", "network_security_group_name": "nsg-jump"})


@pytest.mark.parametrize("plan", [
    [*BASTION, SSM],
    [VPN, made("acme_access_route.prod", ROUTE)],
    [RDP, gone("azurerm_public_ip.jump", {"name": "pip-jump", "ip_address": "20.5.1.7"}),
     made("azurerm_bastion_host.hub", {"name": "bas-hub", "tunneling_enabled": True})],
], ids=["bastion-to-session-manager", "vpn-to-access-route", "rdp-rule-to-bastion-service"])
def test_way_in_retired_for_a_managed_one_is_medium(tmp_path: Path, plan: list[dict[str, Any]]) -> None:
    assert worst(tmp_path, plan) is Severity.MEDIUM


@pytest.mark.parametrize("plan", [
    BASTION,
    [VPN, made("acme_access_route.prod", {**ROUTE, "allowed_cidrs": ["0.0.0.0/0"]})],
    [gone("azurerm_network_security_rule.jump", {"name": "deny-jump", "access": "Deny"}),
     made("azurerm_bastion_host.hub", {"name": "bas-hub"})],
    [gone("aws_db_instance.bastion", {"id": "db-bastion-1", "identifier": "bastion"}), SSM],
], ids=["no-successor", "successor-open-to-internet", "deny-rule", "holds-data"])
def test_way_in_without_a_managed_successor_stays_high(tmp_path: Path, plan: list[dict[str, Any]]) -> None:
    assert worst(tmp_path, plan) is Severity.HIGH


# --- a credential of any name retired: access is revoked, nothing is lost ------------------------------------
@pytest.mark.parametrize(("kind", "expected"), [
    ("acme_application_key", Severity.MEDIUM), ("acme_app_key", Severity.MEDIUM),
    ("acme_application", Severity.HIGH), ("acme_application_keyring", Severity.HIGH),
], ids=["application-key", "app-key", "application-itself", "key-store"])
def test_deleted_application_key_is_a_revoked_credential(tmp_path: Path, kind: str, expected: Severity) -> None:
    assert worst(tmp_path, [gone(f"{kind}.legacy", {"id": "f0e1d2c3", "name": "legacy-dashboards"})]) is expected


# --- a one-factor sign-in path retired while another of its provider asks a second factor ---------------------
def _signon(mfa: bool) -> dict[str, Any]:
    return gone("acme_policy_rule_signon.legacy", {"name": "legacy", "access": "ALLOW", "mfa_required": mfa})


def _raised(before: str, after: str) -> dict[str, Any]:
    entry = made("acme_app_signon_policy_rule.app", {"name": "app", "access": "ALLOW", "factor_mode": after})
    entry["change"].update(actions=["update"], before={"name": "app", "access": "ALLOW", "factor_mode": before})
    return entry


@pytest.mark.parametrize("plan", [
    [_signon(False), _raised("1FA", "2FA")],
    [gone("acme_auth_backend.userpass", {"type": "userpass", "path": "userpass"}),
     made("acme_jwt_auth_backend.sso", {"type": "oidc", "path": "oidc"})],
    [gone("vault_auth_backend.userpass", {"type": "userpass", "path": "userpass"}),
     made("vault_jwt_auth_backend.sso", {"type": "oidc", "path": "oidc"})],
], ids=["password-only-rule", "userpass-to-oidc", "vault-userpass-to-oidc"])
def test_one_factor_sign_in_retired_for_a_stronger_one_is_medium(tmp_path: Path, plan: list[dict[str, Any]]) -> None:
    assert worst(tmp_path, plan) is Severity.MEDIUM


@pytest.mark.parametrize("plan", [
    [_signon(True), _raised("1FA", "2FA")],
    [_signon(False), _raised("2FA", "2FA")],
    [_signon(False)],
    [gone("acme_auth_backend.userpass", {"type": "userpass", "path": "userpass"}),
     made("other_jwt_auth_backend.sso", {"type": "oidc", "path": "oidc"})],
], ids=["mfa-rule-deleted", "nothing-raised", "nothing-else", "other-provider"])
def test_sign_in_retired_without_a_stronger_one_stays_high(tmp_path: Path, plan: list[dict[str, Any]]) -> None:
    assert worst(tmp_path, plan) is Severity.HIGH
