"""Postures read by value meaning across providers (vocabulary/postures.py), grants to personal mailboxes and outside
projects' service accounts (mailboxes.py), key selectors that are no credential: each weakening has a twin that
moves the other way, or a look-alike, and must stay quiet."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.pipeline.test_rules_detectors_through_configuration import judge, resource
from tfreview.pipeline.findings import Severity


def _highs(tmp_path: Path, changes: list[dict[str, Any]]) -> set[str]:
    found = judge(tmp_path, changes)
    return {rule for rule, severity in found.items() if severity is Severity.HIGH}


def _moved(tmp_path: Path, address: str, key: str, old: Any, new: Any) -> set[str]:
    before = {"name": "main", key: old}
    return _highs(tmp_path, [resource(address, {**before, key: new}, before)])


# (address, attribute, strong before → weak after): the weakening is high, its reverse stays quiet.
WEAKENINGS = [
    # a verdict that stopped something now lets it through, whatever the attribute is called
    ("aws_route53_resolver_firewall_rule.malware", "action", "BLOCK", "ALLOW"),
    ("google_network_security_gateway_security_policy_rule.default", "basic_profile", "DENY", "ALLOW"),
    ("google_network_security_server_tls_policy.mtls", "client_validation_mode", "REJECT_INVALID",
     "ALLOW_INVALID_OR_MISSING_CLIENT_CERT"),
    ("aws_networkfirewall_firewall_policy.main", "stateless_default_actions", "aws:drop", "aws:pass"),
    ("acme_edge_filter.geo", "verdict", "reject", "accept"),
    # enforcement, whatever the spelling
    ("google_firebase_app_check_service_config.firestore", "enforcement_mode", "ENFORCED", "UNENFORCED"),
    ("acme_attestation.devices", "attestation", "enforced", "unenforced"),
    # a traffic policy from a named few to all
    ("azurerm_storage_sync.files", "incoming_traffic_policy", "AllowVirtualNetworksOnly", "AllowAllTraffic"),
    ("acme_cache.sessions", "inbound_network_policy", "SelectedNetworks", "AllNetworks"),
    # retention given as a duration text, cut to a day
    ("azurerm_kusto_database.security", "soft_delete_period", "P365D", "P1D"),
    ("acme_lake.events", "retention_duration", "720h", "12h"),
    # a credential's validity grown past a year
    ("azurerm_key_vault_managed_storage_account_sas_token_definition.r", "validity_period", "P1D", "P3650D"),
    ("acme_signed_url_key.cdn", "validity", "P30D", "P5Y"),
    # a security check's own status, log levels, log switches
    ("aws_securityhub_standards_control.ct1", "control_status", "ENABLED", "DISABLED"),
    ("acme_scanner_rule.sqli", "rule_state", "enabled", "disabled"),
    ("aws_iot_logging_options.main", "default_log_level", "WARN", "DISABLED"),
    ("aws_iot_logging_options.main", "disable_all_logs", False, True),
    ("acme_gateway.edge", "logging_level", "INFO", "OFF"),
    # external addresses, TLS switches, automatic regeneration, dependents deleted on destroy
    ("google_cloudbuild_worker_pool.private", "no_external_ip", True, False),
    ("acme_runner_pool.ci", "disable_external_ips", True, False),
    ("aws_quicksight_data_source.finance", "disable_ssl", False, True),
    ("acme_warehouse_link.bi", "tls_disabled", False, True),
    ("azurerm_key_vault_managed_storage_account.logs", "regenerate_key_automatically", True, False),
    ("acme_vault_key.app", "automatic_rotation_enabled", True, False),
    ("aws_kinesis_stream.clicks", "enforce_consumer_deletion", False, True),
]


@pytest.mark.parametrize(("address", "key", "old", "new"), WEAKENINGS, ids=[f"{w[0]}-{w[1]}" for w in WEAKENINGS])
def test_a_posture_moved_to_its_weak_value_fires_and_its_reverse_does_not(
        tmp_path: Path, address: str, key: str, old: Any, new: Any) -> None:
    assert _moved(tmp_path, address, key, old, new), "the weakening must be high"
    assert not _moved(tmp_path, address, key, new, old), "the hardening must stay quiet"


# Look-alikes: moves that weaken nothing (or too little to be high), which must stay quiet.
@pytest.mark.parametrize(("address", "key", "old", "new"), [
    ("acme_waf_rule.bots", "action", "BLOCK", "CAPTCHA"),
    ("acme_router.edge", "mode", "allow_listed", "allow_listed_v2"),
    ("acme_logger.app", "log_filter_mode", "ErrorsOnly", "All"),  # more logging, not more traffic
    ("azurerm_kusto_database.security", "soft_delete_period", "P365D", "P180D"),  # medium at most
    ("azurerm_kusto_database.security", "hot_cache_period", "P31D", "P1D"),  # a cache, not retention
    ("azurerm_key_vault_managed_storage_account.logs", "regeneration_period", "P30D", "P14D"),
    ("acme_signed_url_key.cdn", "validity", "P30D", "P90D"),  # still within a year
    ("acme_build.app", "log_level", "DEBUG", "INFO"),
    ("acme_alarm.cpu", "alarm_state", "ALARM", "OK"),
])
def test_look_alikes_stay_quiet(tmp_path: Path, address: str, key: str, old: Any, new: Any) -> None:
    assert not _moved(tmp_path, address, key, old, new)


def test_a_site_losing_its_basic_auth_is_high_and_gaining_it_is_not(tmp_path: Path) -> None:
    guarded = {"name": "portal", "basic_auth": [{"environments": "AllEnvironments", "password": None}]}
    opened = {"name": "portal", "basic_auth": []}
    assert "auth-weakened" in _highs(tmp_path, [resource("azurerm_static_web_app.portal", opened, guarded)])
    assert not _highs(tmp_path, [resource("azurerm_static_web_app.portal", guarded, opened)])
    # a monitoring data source calling out without basic auth opens nothing of the plan's own
    assert not _highs(tmp_path, [resource("grafana_data_source.prom", {"name": "p", "basic_auth": []},
                                          {"name": "p", "basic_auth": [{"username": "u"}]})])


def _grant(address: str, member_key: str, member: str, **extra: Any) -> dict[str, Any]:
    return resource(address, {"project": "acme-prod-4821", "role": "roles/viewer", member_key: member, **extra},
                    actions=["create"])


@pytest.mark.parametrize(("address", "key", "member"), [
    ("google_secret_manager_secret_iam_member.c", "member", "user:fast.fixes.dev@gmail.com"),
    ("google_gke_hub_scope_rbac_role_binding.c", "user", "dev.helper@gmail.com"),
    ("google_storage_bucket_iam_binding.c", "members", ["group:eng@acme.example", "user:me@outlook.com"]),
    ("acme_workspace_membership.c", "email", "someone@proton.me"),
])
def test_a_grant_to_a_personal_mailbox_is_high(tmp_path: Path, address: str, key: str, member: Any) -> None:
    assert "foreign-data-share" in _highs(tmp_path, [_grant(address, key, member)])


@pytest.mark.parametrize(("address", "key", "member"), [
    ("google_secret_manager_secret_iam_member.c", "member", "user:dev@acme.example"),
    ("google_pubsub_subscription_iam_member.c", "member",
     "serviceAccount:service-123@gcp-sa-pubsub.iam.gserviceaccount.com"),  # a Google service agent
    ("google_pubsub_subscription_iam_member.c", "member",
     "serviceAccount:sync@acme-prod-4821.iam.gserviceaccount.com"),  # the plan's own project
    ("google_monitoring_notification_channel.c", "email", "oncall@gmail.com"),  # no grant: egress judges it
])
def test_grants_inside_the_organisation_stay_quiet(tmp_path: Path, address: str, key: str, member: str) -> None:
    assert "foreign-data-share" not in _highs(tmp_path, [_grant(address, key, member)])


def test_a_grant_to_an_outside_projects_service_account_is_high_unless_the_plan_shows_that_project(
        tmp_path: Path) -> None:
    grant = _grant("google_pubsub_subscription_iam_member.c", "member",
                   "serviceAccount:sync@growth-hacks-3321.iam.gserviceaccount.com")
    assert "foreign-data-share" in _highs(tmp_path, [grant])
    theirs = resource("google_project_service.api", {"project": "growth-hacks-3321", "service": "x"},
                      actions=["create"])
    assert "foreign-data-share" not in _highs(tmp_path, [grant, theirs])


def test_an_existing_personal_grantee_is_not_news(tmp_path: Path) -> None:
    old = {"project": "p-1234", "role": "roles/viewer", "member": "user:me@gmail.com"}
    new = {**old, "role": "roles/browser"}
    assert "foreign-data-share" not in _highs(tmp_path, [resource("google_project_iam_member.m", new, old)])


@pytest.mark.parametrize("selector", ["key1", "key2", "Primary", "secondary", "primaryKey"])
def test_a_key_selector_is_no_credential(tmp_path: Path, selector: str) -> None:
    after = {"name": "logs", "storage_account_key": selector, "regeneration_period": "P30D"}
    found = judge(tmp_path, [resource("azurerm_key_vault_managed_storage_account.logs", after, actions=["create"])])
    assert "credential-in-plan" not in found
    real = {**after, "storage_account_key": "q9ZxP2mVb7Lk4TnW8rYs3Hd6Jf1Gc5Ae0UoIiEeRr+Aa=="}
    found = judge(tmp_path, [resource("azurerm_key_vault_managed_storage_account.logs", real, actions=["create"])])
    assert "credential-in-plan" in found


# --- policies that allow everything, automation that closes everything, mutes of the worst findings --------------

@pytest.mark.parametrize(("old", "new"), [
    ('permit(principal, action, resource)\nwhen { context.groups has "eng" };', "permit(principal, action, resource);"),
    ('permit(principal in Group::"eng", action, resource);', "permit ( principal , action , resource ) ;"),
    ("package authz\ndefault allow := false\nallow { input.user == \"ci\" }", "package authz\ndefault allow := true"),
    ("package authz\ndefault allow = false", "package authz\nallow = true"),
])
def test_a_policy_text_that_now_permits_everything_is_high(tmp_path: Path, old: str, new: str) -> None:
    for address in ("aws_verifiedaccess_group.internal", "acme_authz_policy.api"):
        assert "iam-wildcard" in _highs(tmp_path, [resource(address, {"policy_document": new},
                                                            {"policy_document": old})])
        assert "iam-wildcard" not in _highs(tmp_path, [resource(address, {"policy_document": old},
                                                                {"policy_document": new})])


@pytest.mark.parametrize("text", [
    'permit(principal, action, resource) when { context.risk == "LOW" };',
    "forbid(principal, action, resource);",
    "package authz\ndefault allow := false\nallow if { input.role == \"admin\" }",
])
def test_conditioned_policies_stay_quiet(tmp_path: Path, text: str) -> None:
    assert "iam-wildcard" not in _highs(tmp_path, [resource("acme_authz_policy.api", {"policy": text})])


def _automation(action: dict[str, Any], **conditions: Any) -> dict[str, Any]:
    return {"display_name": "triage", "enabled": True, "triggers_when": "Created", "action_incident": [action],
            **conditions}


def test_automation_closing_every_incident_is_high_and_a_conditioned_one_is_not(tmp_path: Path) -> None:
    close = {"order": 1, "status": "Closed", "classification": "BenignPositive"}
    for address in ("azurerm_sentinel_automation_rule.triage", "acme_siem_automation.noise"):
        assert "detection-disabled" in _highs(tmp_path, [resource(address, _automation(close, condition_json="[]"))])
        conditioned = _automation(close, condition_json='[{"property": "IncidentTitle", "values": ["test"]}]')
        assert "detection-disabled" not in _highs(tmp_path, [resource(address, conditioned)])
        assign = {"order": 1, "owner_id": "1234", "status": None}
        assert "detection-disabled" not in _highs(tmp_path, [resource(address, _automation(assign))])


@pytest.mark.parametrize(("filter_text", "muted"), [
    ('severity="CRITICAL" OR severity="HIGH"', True),
    ("finding.severity = CRITICAL", True),
    ('severity="LOW"', False),
    ('category="OPEN_FIREWALL" AND resource.project="sandbox-1"', False),
])
def test_a_mute_of_the_highest_severities_is_high(tmp_path: Path, filter_text: str, muted: bool) -> None:
    mute = resource("google_scc_v2_organization_mute_config.noise",
                    {"mute_config_id": "noise", "filter": filter_text, "type": "STATIC"})
    assert ("monitoring-muted" in _highs(tmp_path, [mute])) is muted


def test_a_list_item_that_only_moved_is_not_compared_with_its_new_neighbour(tmp_path: Path) -> None:
    deny_all = {"Name": "*", "Action": "deny"}
    one_source = {"Name": "billing-worker", "Action": "allow"}
    before = {"name": "db", "sources": [{"Name": "api", "Action": "allow"}, deny_all]}
    inserted = {"name": "db", "sources": [{"Name": "api", "Action": "allow"}, one_source, deny_all]}
    assert not _highs(tmp_path, [resource("acme_intentions.db", inserted, before)])
    flipped = {"name": "db", "sources": [{"Name": "api", "Action": "allow"}, {"Name": "*", "Action": "allow"}]}
    assert "detection-disabled" in _highs(tmp_path, [resource("acme_intentions.db", flipped, before)])


def _pipeline(*stages: tuple[str, str]) -> dict[str, Any]:
    return {"name": "deploy", "stage": [{"name": name, "action": [{"name": name, "category": kind, "owner": "AWS"}]}
                                        for name, kind in stages]}


def test_a_pipeline_losing_its_manual_approval_is_high(tmp_path: Path) -> None:
    gated = _pipeline(("Source", "Source"), ("Approve", "Approval"), ("Deploy", "Deploy"))
    open_ = _pipeline(("Source", "Source"), ("Deploy", "Deploy"))
    assert "ci-trust-widened" in _highs(tmp_path, [resource("aws_codepipeline.app", open_, gated)])
    assert "ci-trust-widened" not in _highs(tmp_path, [resource("aws_codepipeline.app", gated, open_)])
    renamed = _pipeline(("Source", "Source"), ("Sign-off", "Approval"), ("Deploy", "Deploy"))
    assert "ci-trust-widened" not in _highs(tmp_path, [resource("aws_codepipeline.app", renamed, gated)])
    spinnaker = {"name": "d", "pipeline": '{"stages": [{"type": "manualJudgment"}, {"type": "deploy"}]}'}
    bare = {"name": "d", "pipeline": '{"stages": [{"type": "deploy"}]}'}
    assert "ci-trust-widened" in _highs(tmp_path, [resource("acme_delivery_pipeline.d", bare, spinnaker)])


@pytest.mark.parametrize(("key", "old", "new"), [
    ("configuration_values", '{"enableNetworkPolicy": "true"}', '{"enableNetworkPolicy": "false"}'),
    ("configuration_values", '{"networkPolicyEnforcement": "true"}', '{"networkPolicyEnforcement": "false"}'),
    ("values", '{"podSecurityEnforced": true}', '{"podSecurityEnforced": false}'),
])
def test_policy_enforcement_switched_off_inside_settings_text_is_high(
        tmp_path: Path, key: str, old: str, new: str) -> None:
    assert "detection-disabled" in _moved(tmp_path, "aws_eks_addon.cni", key, old, new)
    assert not _moved(tmp_path, "aws_eks_addon.cni", key, new, old)


def _collection(rule: dict[str, Any], action: str = "Allow") -> dict[str, Any]:
    return {"name": "app", "network_rule_collection": [{"name": "net", "action": action, "rule": [
        {"name": "app-to-db", "protocols": ["TCP"], "source_addresses": ["10.10.1.0/24"],
         "destination_addresses": ["10.10.2.4"], "destination_ports": ["5432"]}, rule]}]}


ANY_ANY = {"name": "debug", "protocols": ["Any"], "source_addresses": ["*"], "destination_addresses": ["*"],
           "destination_ports": ["*"]}


def test_an_allow_rule_from_anything_to_anything_on_every_port_is_high(tmp_path: Path) -> None:
    narrow = {**ANY_ANY, "destination_ports": ["443"]}
    before = _collection(narrow)
    address = "azurerm_firewall_policy_rule_collection_group.app"
    assert "network-open-ingress" in _highs(tmp_path, [resource(address, _collection(ANY_ANY), before)])
    assert "network-open-ingress" not in _highs(tmp_path, [resource(address, before, _collection(ANY_ANY))])
    denied = _collection(ANY_ANY, action="Deny")
    assert "network-open-ingress" not in _highs(tmp_path, [resource(address, denied, before)])
    nsg = {"name": "any", "access": "Allow", "direction": "Inbound", "source_address_prefix": "*",
           "destination_address_prefix": "*", "destination_port_range": "*", "protocol": "*"}
    assert "network-open-ingress" in _highs(tmp_path, [resource("acme_nsg_rule.any", nsg)])
    outbound = {**nsg, "direction": "Outbound"}
    assert "network-open-ingress" not in _highs(tmp_path, [resource("acme_nsg_rule.any", outbound)])


@pytest.mark.parametrize(("address", "values", "admin"), [
    ("aws_ssoadmin_account_assignment.c", {"permission_set_arn": "arn:aws:sso:::permissionSet/ssoins-1/ps-admin",
                                           "principal_type": "USER"}, True),
    ("aws_ssoadmin_account_assignment.c", {"permission_set_arn": "arn:aws:sso:::permissionSet/ssoins-1/ps-readonly",
                                           "principal_type": "USER"}, False),
    ("aws_eks_pod_identity_association.ci", {"role_arn": "arn:aws:iam::1:role/OrganizationAccountAccessRole"}, True),
    ("acme_workload_identity_binding.ci", {"role": "arn:aws:iam::1:role/platform-admin"}, True),
    ("aws_eks_pod_identity_association.ci", {"role_arn": "arn:aws:iam::1:role/orders-reader"}, False),
    ("aws_eks_pod_identity_association.ci", {"role_arn": "arn:aws:iam::1:role/eks-admin-readonly"}, False),
])
def test_admin_handed_to_a_person_or_a_workload_is_high(
        tmp_path: Path, address: str, values: dict[str, Any], admin: bool) -> None:
    found = _highs(tmp_path, [resource(address, {"name": "x", **values})])
    assert ("iam-privileged-role" in found) is admin


@pytest.mark.parametrize(("principal", "outside"), [
    ("arn:aws:quicksight:us-east-1:777788889999:user/default/analyst", True),
    ("arn:aws:quicksight:us-east-1:123456789012:user/default/analyst", False),
])
def test_a_permission_block_granting_to_another_account_is_high(
        tmp_path: Path, principal: str, outside: bool) -> None:
    own = {"name": "finance", "aws_account_id": "123456789012", "permission": [
        {"principal": "arn:aws:quicksight:us-east-1:123456789012:group/default/bi", "actions": ["DescribeDataSource"]}]}
    shared = {**own, "permission": [*own["permission"], {"principal": principal,
                                                         "actions": ["DescribeDataSource", "DeleteDataSource"]}]}
    found = _highs(tmp_path, [resource("acme_bi_data_source.finance", shared, own)])
    assert ("foreign-data-share" in found) is outside
    assert "foreign-data-share" not in _highs(tmp_path, [resource("acme_bi_data_source.finance", own, shared)])
