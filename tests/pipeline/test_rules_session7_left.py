"""Session 7's last misses and false alarms, by principle, each with its twin (a risky one that stays high for a
false-alarm fix, a benign look-alike that stays safe for a recall fix)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import review_rules_alone, worst_by_rule
from tfreview.pipeline.findings import Severity
from tfreview.pipeline.rules.chartmodes import mode_of


def entry(address: str, before: Any, after: Any, after_sensitive: Any = None) -> dict[str, Any]:
    """One resource change; the action follows from which sides are there."""
    actions = ["create"] if before is None else ["delete"] if after is None else ["update"]
    rtype, _, name = address.partition(".")
    change: dict[str, Any] = {"actions": actions, "before": before, "after": after, "after_unknown": {}}
    if after_sensitive is not None:
        change["after_sensitive"] = after_sensitive
    return {"address": address, "mode": "managed", "type": rtype, "name": name,
            "provider_name": "registry.terraform.io/acme/acme", "change": change}


def judge(tmp_path: Path, changes: list[dict[str, Any]], **sections: Any) -> tuple[str, dict[str, Severity]]:
    """(label, {rule: worst severity}) of a plan of CHANGES reviewed with the rules alone."""
    result = review_rules_alone(tmp_path, changes, **sections)
    return result.label.value, worst_by_rule(result)


# --- NS records: only a change of where they point moves a delegation -------------------------------------------

NS = {"name": "shop", "type": "NS", "content": "ns1.partner-dns.net", "ttl": 3600, "comment": None}


@pytest.mark.parametrize("rtype", ["cloudflare_record", "acme_dns_record"])
def test_an_ns_record_whose_ttl_alone_changes_moves_no_delegation(tmp_path: Path, rtype: str) -> None:
    label, worst = judge(tmp_path, [entry(f"{rtype}.ns", NS, {**NS, "ttl": 300, "comment": "pre-cutover"})])
    assert (label, worst.get("dns-delegation")) == ("likely_safe", None)


def test_an_ns_record_pointed_elsewhere_still_moves_the_delegation(tmp_path: Path) -> None:
    label, worst = judge(tmp_path, [entry("cloudflare_record.ns", NS, {**NS, "ttl": 300,
                                                                        "content": "ns1.elsewhere.example"})])
    assert (label, worst["dns-delegation"]) == ("needs_close_review", Severity.HIGH)


# --- a Deny that lets one more named value through stands; one removed or opened to a wildcard does not ---------

def _scp(regions: list[str] | None) -> dict[str, Any]:
    statements = [] if regions is None else [{
        "Sid": "DenyOtherRegions", "Effect": "Deny", "NotAction": ["iam:*", "sts:*"], "Resource": "*",
        "Condition": {"StringNotEquals": {"aws:RequestedRegion": regions}}}]
    return {"name": "region-lock", "type": "SERVICE_CONTROL_POLICY",
            "content": json.dumps({"Version": "2012-10-17", "Statement": statements or [
                {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::x/*"}]})}


def test_a_deny_that_exempts_one_more_region_is_narrowed_not_lost(tmp_path: Path) -> None:
    label, worst = judge(tmp_path, [entry("aws_organizations_policy.lock", _scp(["eu-west-1"]),
                                          _scp(["eu-west-1", "eu-central-1"]))])
    assert (label, worst.get("iam-wildcard")) == ("likely_safe", Severity.MEDIUM)


@pytest.mark.parametrize("after", [None, ["eu-west-1", "*"]], ids=["removed", "wildcard-exemption"])
def test_a_deny_removed_or_opened_to_a_wildcard_is_still_lost(tmp_path: Path, after: list[str] | None) -> None:
    label, worst = judge(tmp_path, [entry("aws_organizations_policy.lock", _scp(["eu-west-1"]), _scp(after))])
    assert (label, worst["iam-wildcard"]) == ("needs_close_review", Severity.HIGH)


# --- network policies: an empty peer or port list in an allow rule matches everything ----------------------------

def _netpol(ingress: list[dict[str, Any]]) -> dict[str, Any]:
    return {"metadata": [{"name": "api", "namespace": "payments"}], "spec": [{
        "pod_selector": [{"match_labels": {"app": "api"}}], "policy_types": ["Ingress"], "ingress": ingress}]}


GATEWAY = {"from": [{"namespace_selector": [{"match_labels": {"name": "gateway"}}], "pod_selector": []}],
           "ports": [{"port": "8443", "protocol": "TCP"}]}


@pytest.mark.parametrize("opened", [
    {"from": [], "ports": []},
    {"from": [{"namespace_selector": [{"match_labels": {}, "match_expressions": []}]}], "ports": []},
    {"from": [{"ip_block": [{"cidr": "0.0.0.0/0", "except": []}]}]},
], ids=["emptied", "empty-namespace-selector", "whole-internet"])
def test_an_ingress_rule_opened_to_every_source_on_every_port_is_high(tmp_path: Path, opened: Any) -> None:
    label, worst = judge(tmp_path, [entry("kubernetes_network_policy_v1.api", _netpol([GATEWAY]), _netpol([opened]))])
    assert (label, worst["network-open-ingress"]) == ("needs_close_review", Severity.HIGH)


@pytest.mark.parametrize("narrow", [
    {"from": [{"pod_selector": [{"match_labels": {"app": "web"}}]}], "ports": []},
    {"from": [{"namespace_selector": [{"match_labels": {"name": "gateway"}}]}], "ports": []},
    {"from": [{"pod_selector": [{"match_labels": {}}]}], "ports": [{"port": "8443"}]},
], ids=["one-app-any-port", "one-namespace", "same-namespace"])
def test_an_ingress_rule_still_naming_its_sources_is_not_opened(tmp_path: Path, narrow: Any) -> None:
    label, worst = judge(tmp_path, [entry("kubernetes_network_policy_v1.api", _netpol([GATEWAY]), _netpol([narrow]))])
    assert (label, worst.get("network-open-ingress")) == ("likely_safe", None)


def test_a_manifest_network_policy_emptied_is_read_the_same(tmp_path: Path) -> None:
    def manifest(rule: dict[str, Any]) -> dict[str, Any]:
        return {"manifest": {"kind": "NetworkPolicy", "spec": {"podSelector": {"matchLabels": {"app": "api"}},
                                                               "policyTypes": ["Ingress"], "ingress": [rule]}}}
    was = {"from": [{"podSelector": {"matchLabels": {"app": "web"}}}], "ports": [{"port": 80}]}
    label, worst = judge(tmp_path, [entry("kubernetes_manifest.np", manifest(was), manifest({}))])
    assert (label, worst["network-open-ingress"]) == ("needs_close_review", Severity.HIGH)


@pytest.mark.parametrize(("opened", "port"), [
    ({"from": [{"namespace_selector": [{"match_labels": {}}]}]}, "5432"),
    ({"from": [{"ip_block": [{"cidr": "0.0.0.0/0", "except": []}]}]}, "6379"),
    ({"from": [{"namespace_selector": [{"match_labels": {}, "match_expressions": []}]}]}, "8080"),
], ids=["every-namespace-postgres", "internet-redis", "every-namespace-app-port"])
def test_an_ingress_rule_opened_to_every_source_on_a_database_or_app_port_is_high(tmp_path: Path, opened: Any,
                                                                        port: str) -> None:
    before, after = dict(GATEWAY, ports=[{"port": port}]), dict(opened, ports=[{"port": port}])
    label, worst = judge(tmp_path, [entry("kubernetes_network_policy_v1.db", _netpol([before]), _netpol([after]))])
    assert (label, worst["network-open-ingress"]) == ("needs_close_review", Severity.HIGH)


def test_every_source_on_the_webs_ports_or_in_a_new_policy_stays_medium(tmp_path: Path) -> None:
    web = {"from": [{"ip_block": [{"cidr": "0.0.0.0/0", "except": []}]}], "ports": [{"port": "443"}, {"port": 80}]}
    label, worst = judge(tmp_path, [entry("kubernetes_network_policy_v1.api", _netpol([GATEWAY]), _netpol([web]))])
    assert (label, worst["network-open-ingress"]) == ("likely_safe", Severity.MEDIUM)
    database = {"from": [{"namespace_selector": [{"match_labels": {}}]}], "ports": [{"port": "5432"}]}
    label, worst = judge(tmp_path, [entry("kubernetes_network_policy_v1.db", None, _netpol([database]))])
    assert (label, worst["network-open-ingress"]) == ("likely_safe", Severity.MEDIUM)


# --- chart values switching on a dev, insecure or debug mode -------------------------------------------------

def _release(sets: list[dict[str, str]], values: str = "server:\n  ha:\n    enabled: true\n") -> dict[str, Any]:
    return {"name": "vault", "chart": "vault", "namespace": "vault", "values": [values], "set": sets}


@pytest.mark.parametrize(("path", "value", "mode"), [
    ("server.dev.enabled", "true", "dev"), ("devMode", "true", "dev"), ("global.insecure", "1", "insecure"),
    ("api.debug", "true", "debug"), ("server.dev.enabled", "false", None), ("server.devRootToken", "root", None),
    ("logLevel", "debug", None), ("developer.enabled", "true", None), ("dev.image.tag", "true", None),
])
def test_what_a_chart_value_switches_on(path: str, value: str, mode: str | None) -> None:
    assert mode_of(path, value) == mode


@pytest.mark.parametrize("rtype", ["helm_release", "acme_chart_release"])
def test_a_chart_set_switching_on_dev_mode_is_high(tmp_path: Path, rtype: str) -> None:
    sets = [{"name": "server.dev.enabled", "value": "true", "type": ""}]
    label, worst = judge(tmp_path, [entry(f"{rtype}.vault", _release([]), _release(sets))])
    assert (label, worst["auth-weakened"]) == ("needs_close_review", Severity.HIGH)


def test_dev_mode_in_a_values_document_is_read_too(tmp_path: Path) -> None:
    label, worst = judge(tmp_path, [entry("helm_release.vault", _release([]),
                                          _release([], "server:\n  dev:\n    enabled: true\n"))])
    assert (label, worst["auth-weakened"]) == ("needs_close_review", Severity.HIGH)


def test_a_chart_set_that_turns_dev_mode_off_or_tunes_replicas_is_safe(tmp_path: Path) -> None:
    was = _release([{"name": "server.dev.enabled", "value": "true"}])
    now = _release([{"name": "server.dev.enabled", "value": "false"}, {"name": "server.ha.replicas", "value": "5"}])
    label, worst = judge(tmp_path, [entry("helm_release.vault", was, now)])
    assert (label, worst.get("auth-weakened")) == ("likely_safe", None)


# --- receivers the plan cannot place among its own ----------------------------------------------------------

def test_a_snapshot_shared_with_an_account_nothing_else_names_is_high(tmp_path: Path) -> None:
    share = entry("aws_snapshot_create_volume_permission.pg", None, {"snapshot_id": "snap-1",
                                                                     "account_id": "444455556666"})
    label, worst = judge(tmp_path, [share])
    assert (label, worst["foreign-data-share"]) == ("needs_close_review", Severity.HIGH)


def test_a_snapshot_shared_with_an_account_the_state_shows_as_its_own_is_safe(tmp_path: Path) -> None:
    share = entry("aws_ami_launch_permission.ci", None, {"image_id": "ami-1", "account_id": "444455556666"})
    state = {"values": {"root_module": {"resources": [{"address": "aws_iam_role.ci", "mode": "managed",
                                                       "type": "aws_iam_role", "name": "ci", "values": {
                                                           "arn": "arn:aws:iam::444455556666:role/ci"}}]}}}
    label, worst = judge(tmp_path, [share], prior_state=state)
    assert (label, worst.get("foreign-data-share")) == ("likely_safe", None)


VAULT_TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47"


def _access_policy(tenant: str) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    policy = entry("azurerm_key_vault_access_policy.support", None, {
        "key_vault_id": "/subscriptions/x/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv",
        "tenant_id": tenant,
        "object_id": "0e9d8c7b-6a5f-4e3d-2c1b-0a9f8e7d6c5b", "secret_permissions": ["Get", "List"]})
    state = {"values": {"root_module": {"resources": [{"address": "azurerm_key_vault.kv", "mode": "managed",
                                                       "type": "azurerm_key_vault", "name": "kv",
                                                       "values": {"name": "kv", "tenant_id": VAULT_TENANT}}]}}}
    return [policy], state


def test_an_access_policy_for_a_principal_of_another_tenant_is_high(tmp_path: Path) -> None:
    changes, state = _access_policy("d41c8f7e-0000-4b2a-9f11-77aa00bb22cc")
    label, worst = judge(tmp_path, changes, prior_state=state)
    assert (label, worst["foreign-data-share"]) == ("needs_close_review", Severity.HIGH)


def test_an_access_policy_in_the_vaults_own_tenant_is_safe(tmp_path: Path) -> None:
    changes, state = _access_policy(VAULT_TENANT)
    label, worst = judge(tmp_path, changes, prior_state=state)
    assert (label, worst.get("foreign-data-share")) == ("likely_safe", None)


def test_an_owner_capability_granted_on_an_invented_store_is_high_and_read_is_not(tmp_path: Path) -> None:
    def grant(capabilities: list[str]) -> dict[str, Any]:
        return entry("vaultline_access_grant.bot", None, {"path": "prod/", "principal": "bot:ci@partners",
                                                          "capabilities": capabilities})
    label, worst = judge(tmp_path, [grant(["read", "list", "owner"])])
    assert (label, worst["iam-privileged-role"]) == ("needs_close_review", Severity.HIGH)
    assert judge(tmp_path, [grant(["read", "list"])])[0] == "likely_safe"


# --- an admin role narrower than the tenant-wide one the same plan removes ----------------------------------

def _okta(group_role: str, removed: bool) -> list[dict[str, Any]]:
    changes = [entry("okta_group_role.admins", None, {"group_id": "00g1", "role_type": group_role})]
    if removed:
        changes.append(entry("okta_user_admin_roles.ann", {"user_id": "00u1", "admin_roles": ["SUPER_ADMIN"]}, None))
    return changes


def test_a_narrower_admin_role_for_a_group_while_super_admin_goes_is_medium(tmp_path: Path) -> None:
    label, worst = judge(tmp_path, _okta("APP_ADMIN", removed=True))
    assert (label, worst["iam-privileged-role"]) == ("likely_safe", Severity.MEDIUM)


@pytest.mark.parametrize(("role", "removed"), [("APP_ADMIN", False), ("SUPER_ADMIN", True), ("ORG_ADMIN", True)])
def test_an_admin_role_with_nothing_wider_removed_or_itself_tenant_wide_stays_high(
        tmp_path: Path, role: str, removed: bool) -> None:
    label, worst = judge(tmp_path, _okta(role, removed))
    assert (label, worst["iam-privileged-role"]) == ("needs_close_review", Severity.HIGH)


def test_a_security_admin_at_the_organisation_for_a_removed_project_owner_stays_high(tmp_path: Path) -> None:
    member = "serviceAccount:ci@p.iam.gserviceaccount.com"
    changes = [entry("google_project_iam_member.ci", {"project": "p", "role": "roles/owner", "member": member}, None),
               entry("google_organization_iam_member.ci", None, {"org_id": "1", "role": "roles/iam.securityAdmin",
                                                                  "member": member})]
    label, worst = judge(tmp_path, changes)
    assert (label, worst["iam-privileged-role"]) == ("needs_close_review", Severity.HIGH)


GRANTED_TENANT = "d41c8f7e-0000-4b2a-9f11-77aa00bb22cc"


@pytest.mark.parametrize(("name", "value", "foreign"), [
    ("home_tenant_id", VAULT_TENANT, True),
    ("home_tenant_id", GRANTED_TENANT, False),
    ("partner_tenant_id", VAULT_TENANT, False),
], ids=["grant-outside-the-home-variable", "grant-in-the-home-variable", "a-partner-variable-names-no-home"])
def test_a_variable_naming_the_plans_tenant_places_a_grant(tmp_path: Path, name: str, value: str,
                                                           foreign: bool) -> None:
    changes, _ = _access_policy(GRANTED_TENANT)
    _, worst = judge(tmp_path, changes, variables={name: {"value": value}})
    assert (worst.get("foreign-data-share") == Severity.HIGH) is foreign
