"""The detectors by meaning (exposure, controls vocabulary, reach): each risky case across providers fires its
rule, each benign look-alike stays likely safe (fixtures/rules/cases/), and the value readers they share."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.helpers import ROOT
from tfreview.pipeline.changes import Action, Change, normalize
from tfreview.pipeline.diff import UNKNOWN
from tfreview.pipeline.findings import CHANGE_HOOKS, Finding, ReviewInput, Severity
from tfreview.pipeline.plan import parse_plan
from tfreview.pipeline.review import review
from tfreview.pipeline.rules import controls, exposure, kinds, lifecycle, reach, services, upgrades
from tfreview.pipeline.rules.capabilities import policies
from tfreview.pipeline.rules.values import pairs, tls_version, world_sources, yaml_scalars
from tfreview.settings import Settings

CASES_DIR = ROOT / "fixtures" / "rules" / "cases"
CASES: list[dict[str, Any]] = json.loads((CASES_DIR / "manifest.json").read_text())["plans"]


def _id(entry: dict[str, Any]) -> str:
    return str(entry["path"]).removesuffix(".json")


def test_every_risky_case_has_a_benign_look_alike() -> None:
    risky = [c for c in CASES if c["expected"] == "needs_close_review"]
    assert len(risky) >= 20 and len(CASES) - len(risky) >= len(risky) * 2 // 3
    assert len({c["rule"] for c in risky}) >= 14


@pytest.mark.parametrize("entry", CASES, ids=_id)
def test_case_gets_its_label_from_rules_alone(entry: dict[str, Any]) -> None:
    result = review(CASES_DIR / entry["path"], Settings(backend="none"))
    assert result.label.value == entry["expected"], [(f.rule, f.message) for f in result.findings]
    assert not result.errors
    if entry["rule"]:
        assert entry["rule"] in {f.rule for f in result.findings}


def change(resource_type: str, before: Any, after: Any, action: Action = Action.UPDATE,
           unknown: Any = None, actions: list[str] | None = None) -> Change:
    return Change(address=f"{resource_type}.x", type=resource_type, action=action,
                  actions=actions or [action.value], before=before, after=after, after_unknown=unknown or {})


def every_check(item: Change) -> list[Finding]:
    """What every registered per-change check (the curated watches and the vocabulary) finds in one change."""
    return [f for hook in CHANGE_HOOKS if hook.wants(item.type, item.action) for f in hook.check(item)]


# --- values ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "version"), [
    ("TLS1_2", 1.2), ("TLS1_0", 1.0), ("tls1.2", 1.2), ("1.2", 1.2), ("TLS_1_0", 1.0), ("TLSv1.2_2021", 1.2),
    ("TLSv1_2016", 1.0), ("TLSv1", 1.0), ("ELBSecurityPolicy-TLS13-1-2-2021-06", 1.2),
    ("ELBSecurityPolicy-2016-08", 1.0), ("ELBSecurityPolicy-TLS-1-1-2017-01", 1.1), ("SSLv3", 0.3),
    ("MODERN", None), ("my-armor-policy", None), (UNKNOWN, None), (1.0, 1.0), (1.2, 1.2), (True, None),
    ("Policy-Min-TLS-1-0-2019-07", 1.0), ("TLS 1.2", 1.2),
])
def test_tls_versions_are_parsed(text: str, version: float | None) -> None:
    assert tls_version(text) == version


@pytest.mark.parametrize(("value", "words", "found"), [
    (["0.0.0.0/0"], False, ["0.0.0.0/0"]), (["::/0"], False, ["::/0"]), ("0/0", False, ["0/0"]),
    (["0.0.0.0/1", "128.0.0.0/1"], False, ["0.0.0.0/1 + 128.0.0.0/1"]), (["10.0.0.0/8"], False, []),
    ("*", True, ["*"]), ("*", False, []), ("Internet", True, ["Internet"]), (["0.0.0.0"], True, []),
    ("10.0.0.0/8, 0.0.0.0/0", False, ["0.0.0.0/0"]), (["::ffff:0.0.0.0/96"], False, ["0.0.0.0/0"]),
    (["0.0.0.0/2", "64.0.0.0/2", "128.0.0.0/2", "192.0.0.0/2"], False,
     ["0.0.0.0/2 + 64.0.0.0/2 + 128.0.0.0/2 + 192.0.0.0/2"]),
])
def test_world_sources_by_value_shape(value: Any, words: bool, found: list[str]) -> None:
    assert world_sources(value, words) == found


def test_pairs_marks_values_known_only_after_apply() -> None:
    found = pairs(change("x", {"a": {"b": True}, "c": 1}, {"a": {}, "c": 1}, unknown={"a": {"b": True}}))
    assert found == (("a.b", True, UNKNOWN),)


def test_pairs_shared_by_rules_never_mix_two_changes() -> None:
    first, second = change("x", {"a": 1}, {"a": 2}), change("x", {"a": 1}, {"a": 3})
    assert pairs(first) == (("a", 1, 2),) and pairs(second) == (("a", 1, 3),)
    assert pairs(first) == (("a", 1, 2),) and pairs(first) is pairs(first)


@pytest.mark.parametrize(("values", "where"), [
    ({"policy": 'path "sys/*" {\n  capabilities = ["sudo"]\n}'}, ["policy"]),
    ({"rules": [{"text": 'path "sys/*" {\n  capabilities = ["sudo"]\n}'}]}, ["rules[0].text"]),
    ({"name": "app", "tags": {"team": "x"}}, []), ('path "sys/*" {\n  capabilities = ["sudo"]\n}', ["policy"]),
])
def test_path_policies_are_found_at_any_depth_and_values_without_one_are_skipped(values: Any, where: list[str]) -> None:
    assert [w for w, _ in policies(values)] == where


# --- exposure ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("resource_type", "values", "ports"), [
    ("acmecloud_rule", {"protocol": "tcp", "port": 22, "allowed_ips": ["0.0.0.0/0"]}, "port 22 (SSH)"),
    ("x_fw", {"ingress": [{"from_port": 0, "to_port": 65535, "source_ranges": ["::/0"]}]}, "all ports"),
    ("x_fw", {"rule": [{"source": "Internet", "ports": ["3389"]}]}, "port 3389 (RDP)"),
    ("x_sql_firewall_rule", {"start_ip_address": "0.0.0.0", "end_ip_address": "255.255.255.255"}, "all ports"),
    ("x_sql_firewall_rule", {"start_ip_address": "10.0.17.62", "end_ip_address": "255.255.255.255"}, "all ports"),
    # Under half of the space, but 1.0.0.0-9.255.255.255 is nine public /8s: no allow-list (publicspan.py).
    ("x_sql_firewall_rule", {"start_ip_address": "0.0.0.0", "end_ip_address": "10.0.17.62"}, "all ports"),
    ("x_acl_entries", {"entry": [{"ip": "0.0.0.0", "subnet": "0", "negated": False}]}, "all ports"),
])
def test_openings_of_any_provider(resource_type: str, values: dict[str, Any], ports: str) -> None:
    assert [o[2] for o in exposure.openings(resource_type, values)][:1] == [ports]


@pytest.mark.parametrize(("resource_type", "values"), [
    ("acmecloud_rule", {"protocol": "tcp", "port": 443, "allowed_ips": ["0.0.0.0/0"]}),
    ("x_fw", {"egress": [{"cidr_blocks": ["0.0.0.0/0"]}]}),
    ("x_fw", {"direction": "EGRESS", "cidr": "0.0.0.0/0"}),
    ("x_fw", {"action": "deny", "source_ranges": ["0.0.0.0/0"]}),
    ("x_route", {"destination_cidr_block": "0.0.0.0/0"}),
    ("x_fw", {"rule": [{"source": "10.0.0.0/8", "destination_address": "*"}]}),
    ("x_fw", {"protocol": "icmp", "cidr_blocks": ["0.0.0.0/0"]}),
    ("x_sql_firewall_rule", {"start_ip_address": "10.0.0.0", "end_ip_address": "10.0.17.62"}),  # private space
    ("x_sql_firewall_rule", {"start_ip_address": "203.0.113.0", "end_ip_address": "203.0.113.255"}),  # one office
    ("x_sql_firewall_rule", {"start_ip_address": "0.0.0.0", "end_ip_address": "0.0.0.0"}),  # Azure services only
    ("aws_s3_bucket_cors_configuration", {"cors_rule": [{"allowed_origins": ["*"], "allowed_headers": ["*"]}]}),
    ("vault_token_auth_backend_role", {"allowed_policies": ["*"]}),  # identity, not a network source
    ("acme_policy", {"allowed_groups": ["*"]}),
    ("x_acl_entries", {"entry": [{"ip": "203.0.113.41", "subnet": "32", "negated": False}]}),  # one office host
    ("x_acl_entries", {"entry": [{"ip": "0.0.0.0", "subnet": "32", "negated": False}]}),  # the one address only
])
def test_benign_look_alikes_open_nothing(resource_type: str, values: dict[str, Any]) -> None:
    assert exposure.openings(resource_type, values) == []


def test_only_new_openings_are_reported() -> None:
    values = {"port": 22, "allowed_ips": ["0.0.0.0/0"]}
    assert list(exposure._internet_exposure(change("acme_fw", values, {**values, "name": "x"}))) == []
    assert list(exposure._internet_exposure(change("acme_fw", {**values, "allowed_ips": []}, values)))


def test_api_endpoint_cidrs_at_their_default_on_create_are_medium() -> None:
    values = {"vpc_config": [{"public_access_cidrs": ["0.0.0.0/0"]}]}
    found = list(exposure._internet_exposure(change("aws_eks_cluster", None, values, Action.CREATE)))
    assert [f.severity for f in found] == [Severity.MEDIUM]


@pytest.mark.parametrize(("annotations", "facing"), [
    ({"service.beta.kubernetes.io/aws-load-balancer-scheme": "internet-facing"}, "internet-facing"),
    ({"service.beta.kubernetes.io/aws-load-balancer-internal": "true"}, "internal"),
    ({"service.beta.kubernetes.io/azure-load-balancer-internal": "false"}, "internet-facing"),
    ({"networking.gke.io/load-balancer-type": "Internal"}, "internal"),
    ({"prometheus.io/scrape": "true"}, None),
])
def test_load_balancer_annotations(annotations: dict[str, str], facing: str | None) -> None:
    assert services.annotation_facing(annotations) == facing


# --- controls vocabulary -------------------------------------------------------------------------------


@pytest.mark.parametrize(("resource_type", "path", "before", "after", "rule"), [
    ("acme_db", "termination_protection_enabled", True, False, "protection-disabled"),
    ("acme_db", "force_destroy", False, True, "protection-disabled"),
    ("acme_store", "encryption_at_rest", True, False, "encryption-disabled"),
    ("acme_store", "customer_managed_key_id", "key/1", None, "encryption-disabled"),
    ("acme_store", "kms_key_arn", "arn:key/1", None, "encryption-disabled"),
    ("acme_db", "backup_retention_days", 7, 0, "backup-reduced"),
    ("acme_trail", "enabled", True, False, "detection-disabled"),
    ("acme_kms_key", "state", "Enabled", "PendingDeletion", "key-disabled"),
    ("acme_listener", "min_tls_version", "TLS1_2", "TLS1_0", "tls-downgrade"),
    ("acme_cdn", "viewer_protocol_policy", "redirect-to-https", "allow-all", "tls-downgrade"),
    ("acme_app", "visibility_level", "private", "public", "public-access"),
    ("acme_app", "ingress", "INGRESS_TRAFFIC_INTERNAL_ONLY", "INGRESS_TRAFFIC_ALL", "public-access"),
    ("acme_org", "sso_enforced", True, False, "auth-weakened"),
    ("acme_pool", "min_replicas", 2, 0, "scaled-to-zero"),
])
def test_a_control_weakens(resource_type: str, path: str, before: Any, after: Any, rule: str) -> None:
    assert [f.rule for f in every_check(change(resource_type, {path: before}, {path: after}))] == [rule]


@pytest.mark.parametrize(("resource_type", "path", "before", "after"), [
    ("acme_db", "deletion_protection_enabled", False, True),
    ("acme_store", "encryption_at_rest", False, True),
    ("acme_listener", "min_tls_version", "TLS1_0", "TLS1_2"),
    ("acme_pool", "min_replicas", 3, 5),
    ("acme_pool", "min_replicas", 5, 3),
    ("acme_app", "visibility", "public", "private"),
    ("acme_app", "description", "on", "off"),
    ("acme_db", "tags.enabled", "true", "false"),
])
def test_a_control_strengthened_or_unrelated_is_quiet(resource_type: str, path: str, before: Any, after: Any) -> None:
    assert every_check(change(resource_type, {path: before}, {path: after})) == []


def test_a_control_that_becomes_unknown_is_medium_and_named() -> None:
    found = list(controls._weakened(change("acme_db", {"deletion_protection": True}, {},
                                           unknown={"deletion_protection": True})))
    assert [(f.rule, f.severity) for f in found] == [("control-unknown", Severity.MEDIUM)]
    assert "deletion_protection" in found[0].message


def test_an_unknown_value_is_not_weakened_when_it_was_already_weak() -> None:
    assert list(controls._weakened(change("acme_db", {"deletion_protection": False}, {},
                                          unknown={"deletion_protection": True}))) == []


def test_creates_are_judged_only_where_the_weak_value_is_notable() -> None:
    weak = list(controls._created_weak(change("acme_store", None, {"encrypted": False, "versioning": False},
                                              Action.CREATE)))
    assert [(f.rule, f.severity) for f in weak] == [("encryption-disabled", Severity.MEDIUM)]
    public = list(controls._created_weak(change("acme_db", None, {"publicly_accessible": True}, Action.CREATE)))
    assert [(f.rule, f.severity) for f in public] == [("public-access", Severity.HIGH)]


# --- reach ---------------------------------------------------------------------------------------------


def test_name_servers_moved_on_a_registered_domain() -> None:
    before = {"domain_name": "acme.example", "name_server": [{"name": "ns-1.awsdns-01.org"}]}
    after = {**before, "name_server": [{"name": "ns1.elsewhere.example"}]}
    found = list(reach._delegation(change("aws_route53domains_registered_domain", before, after)))
    assert [f.rule for f in found] == ["dns-delegation"]


def test_apex_record_deleted_but_not_a_subdomain() -> None:
    apex = {"name": "acme.example", "type": "A", "records": ["203.0.113.1"]}
    assert list(reach._delegation(change("aws_route53_record", apex, None, Action.DELETE)))
    sub = {**apex, "name": "old.acme.example"}
    assert not list(reach._delegation(change("aws_route53_record", sub, None, Action.DELETE)))


def test_import_that_changes_only_tags_is_medium() -> None:
    item = change("aws_instance", {"id": "i-1", "tags": {"a": "1"}}, {"id": "i-1", "tags": {"a": "2"}})
    item.importing = True
    assert [f.severity for f in upgrades._import_with_changes(item)] == [Severity.MEDIUM]


# --- destruction in context ------------------------------------------------------------------------------


@pytest.mark.parametrize(("resource_type", "immutable"), [
    ("aws_ecs_task_definition", True), ("aws_launch_configuration", True), ("google_compute_instance_template", True),
    ("aws_lambda_layer_version", True), ("aws_ami", True), ("google_kms_crypto_key_version", False),
    ("aws_launch_template", False), ("aws_db_instance", False),
])
def test_types_immutable_by_design(resource_type: str, immutable: bool) -> None:
    assert kinds.is_immutable_type(resource_type) is immutable


# --- name/value settings, shares, redirects: the same vocabulary reads them ------------------------------

SETTINGS_CASES = [
    ("cloudflare_zone_setting", {"setting_id": "ssl", "value": "strict"}, {"setting_id": "ssl", "value": "flexible"},
     "tls-downgrade"),
    ("helm_release", {"set": [{"name": "replicaCount", "value": "3"}]},
     {"set": [{"name": "replicaCount", "value": "0"}]}, "scaled-to-zero"),
    ("aws_db_parameter_group", {"parameter": [{"name": "rds.force_ssl", "value": "1"}]},
     {"parameter": [{"name": "rds.force_ssl", "value": "0"}]}, "encryption-disabled"),
    ("google_sql_database_instance", {"settings": [{"database_flags": [{"name": "log_connections", "value": "on"}]}]},
     {"settings": [{"database_flags": [{"name": "log_connections", "value": "off"}]}]}, "logging-disabled"),
    ("azurerm_postgresql_flexible_server_configuration", {"name": "require_secure_transport", "value": "on"},
     {"name": "require_secure_transport", "value": "off"}, "encryption-disabled"),
    ("aws_lambda_function_url", {"authorization_type": "AWS_IAM"}, {"authorization_type": "NONE"}, "public-access"),
    ("azurerm_key_vault", {"network_acls": [{"default_action": "Deny"}]},
     {"network_acls": [{"default_action": "Allow"}]}, "public-access"),
    ("aws_db_snapshot", {"shared_accounts": []}, {"shared_accounts": ["all"]}, "public-access"),
    ("azurerm_monitor_diagnostic_setting", {"enabled_log": [{"category": "AuditEvent"}]}, {"enabled_log": []},
     "logging-disabled"),
    ("aws_cloudfront_distribution", {"origin": [{"origin_ssl_protocols": ["TLSv1.2"]}]},
     {"origin": [{"origin_ssl_protocols": ["TLSv1", "TLSv1.2"]}]}, "tls-downgrade"),
    ("aws_lb_listener", {"default_action": [{"type": "redirect", "redirect": [{"protocol": "HTTPS"}]}]},
     {"default_action": [{"type": "forward", "redirect": []}]}, "tls-downgrade"),
    ("azurerm_redis_cache", {"enable_non_ssl_port": False}, {"enable_non_ssl_port": True}, "tls-downgrade"),
    ("bitbucket_repository", {"is_private": True}, {"is_private": False}, "public-access"),
    ("aws_opensearch_domain", {"domain_endpoint_options": [{"tls_security_policy": "Policy-Min-TLS-1-2-2019-07"}]},
     {"domain_endpoint_options": [{"tls_security_policy": "Policy-Min-TLS-1-0-2019-07"}]}, "tls-downgrade"),
    ("aws_msk_cluster", {"encryption_in_transit": [{"client_broker": "TLS"}]},
     {"encryption_in_transit": [{"client_broker": "TLS_PLAINTEXT"}]}, "tls-downgrade"),
    ("aws_ecr_repository", {"image_scanning_configuration": [{"scan_on_push": True}]},
     {"image_scanning_configuration": [{"scan_on_push": False}]}, "detection-disabled"),
    ("azurerm_mssql_server_security_alert_policy", {"state": "Enabled"}, {"state": "Disabled"}, "detection-disabled"),
    ("aws_s3_bucket_object_lock_configuration", {"rule": [{"default_retention": [{"mode": "COMPLIANCE"}]}]},
     {"rule": [{"default_retention": [{"mode": "GOVERNANCE"}]}]}, "protection-disabled"),
    ("kubernetes_manifest", {"manifest": {"kind": "Service", "spec": {"type": "ClusterIP", "ports": [{"port": 6379}]}}},
     {"manifest": {"kind": "Service", "spec": {"type": "LoadBalancer", "ports": [{"port": 6379}]}}}, "public-service"),
    ("pagerduty_service", {"status": "active"}, {"status": "disabled"}, "detection-disabled"),
    ("azurerm_mssql_server_extended_auditing_policy", {"enabled": True}, {"enabled": False}, "detection-disabled"),
    ("azurerm_security_center_subscription_pricing", {"tier": "Standard"}, {"tier": "Free"}, "detection-disabled"),
    ("tfe_policy_set", {"enforcement_level": "hard-mandatory"}, {"enforcement_level": "advisory"},
     "protection-disabled"),
    ("google_org_policy_policy", {"spec": [{"rules": [{"enforce": "TRUE"}]}]},
     {"spec": [{"rules": [{"enforce": "FALSE"}]}]}, "protection-disabled"),
    ("acme_store", {"config": [{"encryption": [{"at_rest": [{"enabled": True}]}]}]},
     {"config": [{"encryption": [{"at_rest": [{"enabled": False}]}]}]}, "encryption-disabled"),
    ("pageco_api_integration", {"allow_configuration_access": False}, {"allow_configuration_access": True},
     "iam-privileged-role"),
    ("flagco_environment", {"approval_settings": [{"required": True}]}, {"approval_settings": [{"required": False}]},
     "protection-disabled"),
    ("vultr_firewall_rule", {"subnet": "10.0.0.0", "subnet_size": 8, "port": "22"},
     {"subnet": "0.0.0.0", "subnet_size": 0, "port": "22"}, "network-open-ingress"),
    ("helm_release", {"values": ["replicaCount: 3\n"]}, {"values": ["replicaCount: 0\n"]}, "scaled-to-zero"),
    ("cloudflare_record", {"type": "A", "proxied": True}, {"type": "A", "proxied": False}, "public-access"),
    ("aws_efs_backup_policy", {"backup_policy": [{"status": "ENABLED"}]}, {"backup_policy": [{"status": "DISABLED"}]},
     "backup-reduced"),
    ("azurerm_backup_policy_vm", {"retention_daily": [{"count": 30}]}, {"retention_daily": [{"count": 7}]},
     "backup-reduced"),
    ("google_storage_bucket", {"retention_policy": [{"retention_period": 2592000}]}, {"retention_policy": []},
     "backup-reduced"),
    ("aws_secretsmanager_secret", {"recovery_window_in_days": 30}, {"recovery_window_in_days": 0},
     "protection-disabled"),
    ("google_bigquery_dataset", {"delete_contents_on_destroy": False}, {"delete_contents_on_destroy": True},
     "protection-disabled"),
    ("kubernetes_pod_disruption_budget_v1", {"spec": [{"min_available": "2"}]}, {"spec": [{"min_available": "0"}]},
     "protection-disabled"),
    ("aws_redshift_logging", {"bucket_name": "logs"}, {"bucket_name": None}, "logging-disabled"),
    ("google_container_cluster", {"binary_authorization": [{"evaluation_mode": "PROJECT_SINGLETON_POLICY_ENFORCE"}]},
     {"binary_authorization": [{"evaluation_mode": "DISABLED"}]}, "detection-disabled"),
    ("google_container_cluster", {"network_policy": [{"enabled": True}]}, {"network_policy": [{"enabled": False}]},
     "detection-disabled"),
    ("google_container_cluster", {"enable_legacy_abac": False}, {"enable_legacy_abac": True}, "auth-weakened"),
    ("azurerm_kubernetes_cluster", {"role_based_access_control_enabled": True},
     {"role_based_access_control_enabled": False}, "auth-weakened"),
    ("azurerm_linux_virtual_machine_scale_set", {"instances": 3}, {"instances": 0}, "scaled-to-zero"),
    ("github_repository", {"archived": False}, {"archived": True}, "scaled-to-zero"),
    ("aws_kms_key", {"enable_key_rotation": True}, {"enable_key_rotation": False}, "key-disabled"),
    ("nomad_job", {"task_groups": [{"count": 3}]}, {"task_groups": [{"count": 0}]}, "scaled-to-zero"),
    ("aws_lb", {"desync_mitigation_mode": "strictest"}, {"desync_mitigation_mode": "monitor"}, "detection-disabled"),
    ("fastly_service_vcl", {"backend": [{"use_ssl": True, "ssl_check_cert": True}]},
     {"backend": [{"use_ssl": False, "ssl_check_cert": False}]}, "tls-downgrade"),
    ("aws_transfer_server", {"endpoint_type": "VPC"}, {"endpoint_type": "PUBLIC"}, "public-access"),
    ("aws_api_gateway_rest_api", {"endpoint_configuration": [{"types": ["PRIVATE"]}]},
     {"endpoint_configuration": [{"types": ["REGIONAL"]}]}, "public-access"),
    ("aws_sagemaker_notebook_instance", {"direct_internet_access": "Disabled"}, {"direct_internet_access": "Enabled"},
     "public-access"),
    ("google_compute_instance", {"network_interface": [{"access_config": []}]},
     {"network_interface": [{"access_config": [{"network_tier": "PREMIUM"}]}]}, "public-access"),
    ("azurerm_network_interface", {"ip_configuration": [{"public_ip_address_id": None}]},
     {"ip_configuration": [{"public_ip_address_id": "/subscriptions/x/publicIPAddresses/pip"}]}, "public-access"),
    ("kubernetes_labels", {"labels": {"pod-security.kubernetes.io/enforce": "restricted"}},
     {"labels": {"pod-security.kubernetes.io/enforce": "privileged"}}, "detection-disabled"),
    ("aws_ec2_instance_state", {"state": "running"}, {"state": "stopped"}, "scaled-to-zero"),
    ("aws_s3_bucket_ownership_controls", {"rule": [{"object_ownership": "BucketOwnerEnforced"}]},
     {"rule": [{"object_ownership": "ObjectWriter"}]}, "public-access"),
    ("google_storage_bucket", {"uniform_bucket_level_access": True}, {"uniform_bucket_level_access": False},
     "public-access"),
    ("azurerm_storage_account", {"shared_access_key_enabled": False}, {"shared_access_key_enabled": True},
     "auth-weakened"),
    ("kubernetes_deployment_v1", {"spec": [{"security_context": [{"run_as_non_root": True}]}]},
     {"spec": [{"security_context": [{"run_as_non_root": False}]}]}, "detection-disabled"),
    ("aws_msk_cluster", {"connectivity_info": [{"public_access": [{"type": "DISABLED"}]}]},
     {"connectivity_info": [{"public_access": [{"type": "SERVICE_PROVIDED_EIPS"}]}]}, "public-access"),
    ("aws_glue_data_catalog_encryption_settings", {"encryption_at_rest": [{"catalog_encryption_mode": "SSE-KMS"}]},
     {"encryption_at_rest": [{"catalog_encryption_mode": "DISABLED"}]}, "encryption-disabled"),
    ("cloudflare_zone_setting", {"setting_id": "security_level", "value": "high"},
     {"setting_id": "security_level", "value": "essentially_off"}, "detection-disabled"),
    ("okta_factor", {"active": True}, {"active": False}, "auth-weakened"),
    ("auth0_guardian", {"policy": "all-applications"}, {"policy": "never"}, "auth-weakened"),
    ("grafana_rule_group", {"rule": [{"is_paused": False}]}, {"rule": [{"is_paused": True}]}, "detection-disabled"),
    ("alicloud_security_group_rule", {"type": "ingress", "port_range": "22/22", "cidr_ip": "10.0.0.0/8"},
     {"type": "ingress", "port_range": "22/22", "cidr_ip": "0.0.0.0/0"}, "network-open-ingress"),
    ("aws_iam_account_password_policy", {"minimum_password_length": 14}, {"minimum_password_length": 6},
     "auth-weakened"),
    ("cloudflare_ruleset", {"rules": [{"action": "execute", "enabled": True}]},
     {"rules": [{"action": "execute", "enabled": False}]}, "detection-disabled"),
    ("azurerm_postgresql_flexible_server", {"high_availability": [{"mode": "ZoneRedundant"}]},
     {"high_availability": []}, "availability-reduced"),
    ("aws_lambda_function", {"reserved_concurrent_executions": -1}, {"reserved_concurrent_executions": 0},
     "scaled-to-zero"),
    ("azurerm_linux_web_app", {"enabled": True}, {"enabled": False}, "scaled-to-zero"),
    ("kubernetes_ingress_v1", {"metadata": [{"annotations": {"alb.ingress.kubernetes.io/scheme": "internal"}}]},
     {"metadata": [{"annotations": {"alb.ingress.kubernetes.io/scheme": "internet-facing"}}]}, "public-access"),
]


@pytest.mark.parametrize(("resource_type", "before", "after", "rule"), SETTINGS_CASES,
                         ids=[c[0] for c in SETTINGS_CASES])
def test_settings_and_shares_weaken(resource_type: str, before: Any, after: Any, rule: str) -> None:
    assert rule in {f.rule for f in every_check(change(resource_type, before, after))}


@pytest.mark.parametrize(("resource_type", "before", "after", "rule"), SETTINGS_CASES,
                         ids=[c[0] for c in SETTINGS_CASES])
def test_the_reverse_change_hardens_and_is_quiet(resource_type: str, before: Any, after: Any, rule: str) -> None:
    assert [f for f in every_check(change(resource_type, after, before)) if f.severity is Severity.HIGH] == []


def test_approvals_off_in_a_tagged_dev_environment_is_not_high() -> None:
    before = {"key": "dev", "tags": {"env": "dev"}, "approval_settings": [{"required": True}]}
    item = change("flagco_environment", before, {**before, "approval_settings": [{"required": False}]})
    assert [f for f in every_check(item) if f.severity is Severity.HIGH] == []


def test_a_setting_nobody_guards_is_quiet() -> None:
    item = change("cloudflare_zone_setting", {"setting_id": "development_mode", "value": "on"},
                  {"setting_id": "development_mode", "value": "off"})
    assert every_check(item) == []


@pytest.mark.parametrize(("resource_type", "values", "severity"), [
    ("openstack_networking_secgroup_rule_v2", {"direction": "ingress", "remote_ip_prefix": "0.0.0.0/0",
                                               "port_range_min": 22, "port_range_max": 22}, Severity.HIGH),
    ("openstack_networking_secgroup_rule_v2", {"direction": "ingress", "remote_ip_prefix": "0.0.0.0/0",
                                               "port_range_min": 443, "port_range_max": 443}, None),
    ("alicloud_security_group_rule", {"type": "ingress", "port_range": "443/443", "cidr_ip": "0.0.0.0/0"}, None),
    ("alicloud_security_group_rule", {"type": "ingress", "port_range": "-1/-1", "cidr_ip": "0.0.0.0/0"},
     Severity.HIGH),
    ("ibm_is_security_group_rule", {"direction": "inbound", "remote": "0.0.0.0/0",
                                    "tcp": [{"port_min": 1, "port_max": 65535}]}, Severity.HIGH),
    ("ibm_is_security_group_rule", {"direction": "inbound", "remote": "0.0.0.0/0",
                                    "tcp": [{"port_min": 443, "port_max": 443}]}, None),
    ("oci_core_security_list",
     {"ingress_security_rules": [{"source": "0.0.0.0/0", "tcp_options": [{"min": 22, "max": 22}]}],
      "egress_security_rules": [{"destination": "0.0.0.0/0", "protocol": "all"}]}, Severity.HIGH),
    ("acme_firewall", {"allowed_ips": "10.0.0.0/8, 0.0.0.0/0", "port": 6379}, Severity.HIGH),
    ("google_compute_router", {"bgp": [{"advertised_ip_ranges": [{"range": "0.0.0.0/0"}]}]}, None),
    ("aws_networkfirewall_rule_group", {"rules": [{"action": "PASS", "source": "ANY", "destination_port": "443"}]},
     None),
    ("aws_network_acl_rule", {"egress": False, "rule_action": "allow", "cidr_block": "0.0.0.0/0", "protocol": "-1"},
     Severity.MEDIUM),
])
def test_created_openings(resource_type: str, values: dict[str, Any], severity: Severity | None) -> None:
    found = [f for f in exposure._internet_exposure(change(resource_type, None, values, Action.CREATE))]
    assert [f.severity for f in found][:1] == ([severity] if severity else [])


def test_disabling_an_access_key_is_not_a_key_disabled() -> None:
    assert every_check(change("aws_iam_access_key", {"status": "Active"}, {"status": "Inactive"})) == []


def test_turning_off_detailed_monitoring_is_quiet() -> None:
    assert every_check(change("aws_instance", {"monitoring": True}, {"monitoring": False})) == []


@pytest.mark.parametrize(("resource_type", "stateful"), [
    ("aws_db_instance", True), ("acmecloud_database", True), ("acme_object_storage_bucket", True),
    ("aws_lb_target_group", False), ("aws_security_group", False),
])
def test_stateful_by_table_or_by_name(resource_type: str, stateful: bool) -> None:
    assert kinds.looks_stateful(resource_type) is stateful


def test_deleting_a_downtime_lets_alerts_resume() -> None:
    plan = ROOT / "fixtures" / "rules" / "cases" / "datadog_downtime_one_monitor.json"
    document = json.loads(plan.read_text())
    entry = document["resource_changes"][0]
    entry["change"].update(actions=["delete"], before={**entry["change"]["after"], "id": "4412"}, after=None,
                           after_unknown={})
    found = [f for f in lifecycle._deletes(_input(document)) if f.rule == "resource-delete"]
    assert [f.severity for f in found] == [Severity.LOW]


def _input(document: dict[str, Any]) -> ReviewInput:
    plan = parse_plan(document)
    return ReviewInput(plan=plan, changeset=normalize(plan))


def test_a_snapshot_shared_with_everyone_on_create() -> None:
    item = change("aws_snapshot_create_volume_permission", None, {"snapshot_id": "snap-1", "account_id": "all"},
                  Action.CREATE)
    assert [(f.rule, f.severity) for f in every_check(item)] == [("public-access", Severity.HIGH)]


def test_yaml_values_are_read_by_dotted_path() -> None:
    text = "replicaCount: 0\nservice:\n  type: LoadBalancer  # public\n  ports:\n    - 80\nimage:\n  tag: \"1.2\"\n"
    assert yaml_scalars(text) == {"replicaCount": "0", "service.type": "LoadBalancer", "image.tag": "1.2"}


def test_a_replaced_link_is_medium() -> None:
    document = json.loads((CASES_DIR / "task_definition_replaced.json").read_text())
    entry = document["resource_changes"][0]
    entry.update(type="aws_iam_role_policy_attachment", address="aws_iam_role_policy_attachment.api")
    found = [f for f in lifecycle._replaces(_input(document))]
    assert [f.severity for f in found] == [Severity.MEDIUM]


@pytest.mark.parametrize(("resource_type", "before", "after"), [
    ("aws_api_gateway_api_key", {"enabled": True}, {"enabled": False}),
    ("aws_api_gateway_stage", {"xray_tracing_enabled": True}, {"xray_tracing_enabled": False}),
    ("azurerm_key_vault_key", {"version": "3f2a9c1b"}, {"version": "9b1c2d3e"}),
    ("aws_rds_cluster", {"engine_version": "8.0.mysql_aurora.3.04.0"}, {"engine_version": "8.0.mysql_aurora.3.05.2"}),
    ("aws_lambda_function", {"environment": [{"variables": {"FEATURE_ENABLED": "true"}}]},
     {"environment": [{"variables": {"FEATURE_ENABLED": "false"}}]}),
    ("google_cloud_run_v2_service", {"template": [{"scaling": [{"min_instance_count": 1}]}]},
     {"template": [{"scaling": [{"min_instance_count": 0}]}]}),
])
def test_look_alikes_stay_below_high(resource_type: str, before: Any, after: Any) -> None:
    assert [f for f in every_check(change(resource_type, before, after)) if f.severity is Severity.HIGH] == []


@pytest.mark.parametrize(("before", "after", "severity"), [
    ("6.2", "7.1", Severity.MEDIUM), ("7.1", "6.2", Severity.HIGH), ("POSTGRES_14", "POSTGRES_15", Severity.MEDIUM),
    ("5.7.mysql_aurora.2.11.2", "8.0.mysql_aurora.3.05.2", Severity.MEDIUM)])
def test_a_major_version_change_either_way(before: str, after: str, severity: Severity) -> None:
    """Up is the provider's supported path, for the model to weigh; down is no path any provider supports."""
    found = every_check(change("aws_elasticache_replication_group", {"engine_version": before},
                               {"engine_version": after}))
    assert [(f.rule, f.severity) for f in found] == [("major-upgrade", severity)]


@pytest.mark.parametrize(("resource_type", "before", "after", "risky"), [
    ("helm_release", {"set": [{"name": "auth.enabled", "value": "true"}]},
     {"set": [{"name": "auth.enabled", "value": "false"}]}, True),
    ("helm_release", {"set": [{"name": "auth.enabled", "value": "false"}]},
     {"set": [{"name": "auth.enabled", "value": "true"}]}, False),  # the look-alike: auth turned on
    ("acme_deploy_key", {"read_only": True, "title": "ci"}, {"read_only": False, "title": "ci"}, True),
    ("acme_deploy_key", {"read_only": False, "title": "ci"}, {"read_only": True, "title": "ci"}, False),
    ("acme_dashboard", {"read_only": True}, {"read_only": False}, False),  # not a credential
    # A set whose value is a config file (YAML) sets that file's keys: security switched off inside it.
    ("helm_release", {"set": [{"name": "appConfig.server\\.yml", "value": "xpack.security.enabled: true"}]},
     {"set": [{"name": "appConfig.server\\.yml", "value": "xpack.security.enabled: false"}]}, True),
    ("helm_release", {"set": [{"name": "appConfig.server\\.yml", "value": "server:\n  security:\n    enabled: true"}]},
     {"set": [{"name": "appConfig.server\\.yml", "value": "server:\n  security:\n    enabled: false"}]}, True),
    # The look-alikes: the same file with security kept on and only logging changed; a URL value is no document.
    ("helm_release", {"set": [{"name": "appConfig.server\\.yml", "value": "security.enabled: true\nlog: info"}]},
     {"set": [{"name": "appConfig.server\\.yml", "value": "security.enabled: true\nlog: debug"}]}, False),
    ("helm_release", {"set": [{"name": "upstream", "value": "http://a.internal"}]},
     {"set": [{"name": "upstream", "value": "http://b.internal"}]}, False),
], ids=["helm-auth-off", "helm-auth-on", "key-made-writable", "key-made-read-only", "dashboard-editable",
        "set-file-security-off", "set-file-nested-security-off", "set-file-security-kept", "set-url-value"])
def test_protective_switches_in_values_and_credentials(resource_type: str, before: dict[str, Any],
                                                       after: dict[str, Any], risky: bool) -> None:
    from tfreview.pipeline.findings import Severity
    from tfreview.pipeline.rules.controls import _weakened

    found = list(_weakened(change(resource_type, before, after)))
    assert any(f.severity is Severity.HIGH for f in found) is risky, found
