"""Security controls of real provider schemas read by name and value meaning (vocabulary/schemas.py, restrictions.py,
runcommands.py): each weakening has a twin that moves the other way, or a look-alike, and must stay quiet."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.pipeline.test_rules_detectors_through_configuration import judge, resource
from tfreview.pipeline.findings import Severity


def _highs(tmp_path: Path, address: str, after: Any, before: Any = None, actions: list[str] | None = None
           ) -> set[str]:
    found = judge(tmp_path, [resource(address, after, before, actions=actions)])
    return {rule for rule, severity in found.items() if severity is Severity.HIGH}


def _moved(tmp_path: Path, address: str, key: str, old: Any, new: Any) -> set[str]:
    before = {"name": "main", key: old}
    return _highs(tmp_path, address, {**before, key: new}, before)


# (address, attribute, weak before → after): the weakening fires, its reverse stays quiet.
WEAKENINGS = [
    ("azurerm_api_management.prod", "frontend_tls10_enabled", False, True),
    ("azurerm_api_management.prod", "triple_des_ciphers_enabled", False, True),
    ("acme_gateway.edge", "enable_tls11", False, True),
    ("aws_transfer_server.sftp", "protocols", ["FTPS", "SFTP"], ["FTP", "FTPS", "SFTP"]),
    ("aws_transfer_server.sftp", "security_policy_name", "TransferSecurityPolicy-2024-01",
     "TransferSecurityPolicy-2018-11"),
    ("azurerm_application_gateway.web", "ssl_policy_name", "AppGwSslPolicy20220101S", "AppGwSslPolicy20150501"),
    ("azurerm_cosmosdb_account.orders", "minimal_tls_version", "Tls12", "Tls"),
    ("aws_appsync_graphql_api.api", "authentication_type", "AMAZON_COGNITO_USER_POOLS", "API_KEY"),
    ("acme_api.orders", "auth_mode", "oidc", "api_key"),
    ("aws_elasticache_serverless_cache.sessions", "user_group_id", "sessions-users", None),
    ("aws_memorydb_cluster.orders", "acl_name", "orders-acl", "open-access"),
    ("azurerm_api_management_api.payments", "subscription_required", True, False),
    ("aws_api_gateway_method.get", "api_key_required", True, False),
    ("aws_apigatewayv2_api.partner", "disable_execute_api_endpoint", True, False),
    ("google_looker_instance.bi", "allowed_email_domains", ["acme.example"], []),
    ("aws_neptune_cluster.graph", "enable_cloudwatch_logs_exports", ["audit"], []),
    ("aws_redshiftserverless_namespace.analytics", "log_exports", ["connectionlog", "userlog"], []),
    ("aws_ssm_document.patch", "permissions", None, {"type": "Share", "account_ids": "All"}),
    ("acme_volume.nfs", "export_options", ["rw", "root_squash"], ["rw", "no_root_squash"]),
    ("azurerm_storage_share.nfs", "root_squash", "RootSquash", "NoRootSquash"),
    ("aws_fsx_openzfs_volume.research", "clients", "10.20.0.0/16", "*"),
    ("acme_perimeter.data", "restricted_services", ["storage.googleapis.com", "bigquery.googleapis.com"],
     ["bigquery.googleapis.com"]),
    ("acme_waf.edge", "blocked_countries", ["KP", "IR"], []),
]


@pytest.mark.parametrize(("address", "key", "old", "new"), WEAKENINGS, ids=[w[1] for w in WEAKENINGS])
def test_a_control_moved_to_its_weak_value_fires_and_its_reverse_does_not(
        tmp_path: Path, address: str, key: str, old: Any, new: Any) -> None:
    assert _moved(tmp_path, address, key, old, new), "the weakening must be high"
    assert not _moved(tmp_path, address, key, new, old), "the hardening must stay quiet"


@pytest.mark.parametrize(("key", "old", "new"), [
    ("security_policy_name", "TransferSecurityPolicy-2024-01", "TransferSecurityPolicy-FIPS-2024-01"),
    ("protocols", ["SFTP"], ["SFTP", "AS2"]),
    ("authentication_type", "AWS_IAM", "OPENID_CONNECT"),
    ("log_exports", ["userlog"], ["userlog", "connectionlog"]),
    ("restricted_services", ["a.googleapis.com"], ["b.googleapis.com", "a.googleapis.com"]),
    ("restricted_services", ["a.googleapis.com"], ["RESTRICTED-SERVICES"]),
    ("user_group_id", "sessions-users", "sessions-users-v2"),
])
def test_lookalike_moves_stay_quiet(tmp_path: Path, key: str, old: Any, new: Any) -> None:
    assert not _moved(tmp_path, "acme_server.main", key, old, new)


def test_a_parameter_list_is_read_by_its_key(tmp_path: Path) -> None:
    """Redshift Serverless' `config_parameter` holds `parameter_key`/`parameter_value` pairs: require_ssl false."""
    def params(ssl: str) -> dict[str, Any]:
        return {"name": "wg", "config_parameter": [{"parameter_key": "max_query_execution_time",
                                                    "parameter_value": "14400"},
                                                   {"parameter_key": "require_ssl", "parameter_value": ssl}]}
    assert "tls-downgrade" in _highs(tmp_path, "aws_redshiftserverless_workgroup.wg", params("false"), params("true"))
    assert not _highs(tmp_path, "aws_redshiftserverless_workgroup.wg", params("true"), params("false"))


def test_retain_to_delete_on_removal_fires(tmp_path: Path) -> None:
    def domain(mode: str) -> dict[str, Any]:
        return {"domain_name": "studio", "retention_policy": [{"home_efs_file_system": mode}]}
    assert "reclaim-to-delete" in _highs(tmp_path, "aws_sagemaker_domain.s", domain("Delete"), domain("Retain"))
    assert not _highs(tmp_path, "aws_sagemaker_domain.s", domain("Retain"), domain("Delete"))


@pytest.mark.parametrize(("identity", "fires"), [("ANY_IDENTITY", True), ("ANY_SERVICE_ACCOUNT", True),
                                                 (None, False)])
def test_an_ingress_from_any_identity_fires(tmp_path: Path, identity: str | None, fires: bool) -> None:
    before = {"title": "data", "status": [{"restricted_services": ["storage.googleapis.com"], "ingress_policies": []}]}
    rule = {"ingress_from": [{"identity_type": identity,
                              "identities": [] if identity else ["serviceAccount:sync@p.iam.gserviceaccount.com"]}]}
    after = {"title": "data", "status": [{"restricted_services": ["storage.googleapis.com"],
                                          "ingress_policies": [rule]}]}
    found = _highs(tmp_path, "google_access_context_manager_service_perimeter.p", after, before)
    assert ("public-access" in found) is fires


@pytest.mark.parametrize(("principal", "fires"), [("IAM_ALLOWED_PRINCIPALS", True),
                                                  ("arn:aws:iam::111122223333:role/etl", False)])
def test_a_grant_to_every_principal_fires(tmp_path: Path, principal: str, fires: bool) -> None:
    after = {"principal": principal, "permissions": ["ALL"], "database": [{"name": "sales"}]}
    assert ("public-access" in _highs(tmp_path, "aws_lakeformation_permissions.p", after)) is fires


@pytest.mark.parametrize(("value", "fires"), [("True", True), ("False", False)])
def test_an_app_that_shows_its_configuration_fires(tmp_path: Path, value: str, fires: bool) -> None:
    before = {"name": "c", "airflow_config_overrides": {"core-dags_are_paused_at_creation": "True"}}
    after = {"name": "c", "airflow_config_overrides": {**before["airflow_config_overrides"],
                                                       "webserver-expose_config": value}}
    assert ("public-access" in _highs(tmp_path, "google_composer_environment.c", after, before)) is fires


@pytest.mark.parametrize(("value", "fires"), [(True, True), (False, False)])
def test_clients_let_in_unauthenticated_fire(tmp_path: Path, value: bool, fires: bool) -> None:
    before = {"name": "events", "client_authentication": [{"unauthenticated": False, "sasl": [{"iam": True}]}]}
    after = {"name": "events", "client_authentication": [{"unauthenticated": value, "sasl": [{"iam": True}]}]}
    assert ("public-access" in _highs(tmp_path, "aws_msk_cluster.events", after, before)) is fires


def test_legacy_protocols_turned_off_is_hardening(tmp_path: Path) -> None:
    before = {"name": "apim", "security": [{"frontend_tls10_enabled": True, "frontend_tls11_enabled": True,
                                            "backend_ssl30_enabled": False}]}
    after = {"name": "apim", "security": [{"frontend_tls10_enabled": False, "frontend_tls11_enabled": False,
                                           "backend_ssl30_enabled": False}]}
    assert not _highs(tmp_path, "azurerm_api_management.prod", after, before)


SCRIPT = "mainSteps:\n  - action: aws:runShellScript\n    inputs:\n      runCommand:\n        - {}\n"


@pytest.mark.parametrize(("line", "fires"), [
    ("curl -fsSL http://203.0.113.77/agent/bootstrap.sh | sudo bash", True),
    ("curl -fsSL https://downloads.example.com/agent/bootstrap.sh | sudo bash", False),
    ("curl -fsSL http://203.0.113.77/agent/bootstrap.sh -o /tmp/b.sh", False),
])
def test_a_command_document_piping_plain_http_into_a_shell_fires(tmp_path: Path, line: str, fires: bool) -> None:
    before = {"name": "patch", "document_type": "Command", "content": SCRIPT.format("sudo dnf -y update")}
    after = {**before, "content": SCRIPT.format(line)}
    assert ("boot-script-weakens" in _highs(tmp_path, "aws_ssm_document.patch", after, before)) is fires


def test_a_foreign_account_given_every_action_is_high(tmp_path: Path) -> None:
    def policy(action: str) -> dict[str, Any]:
        return {"policy": '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": '
                          '"arn:aws:iam::999988887777:root"}, "Action": "' + action + '", "Resource": '
                          '"arn:aws:glue:eu-west-1:111122223333:catalog"}]}'}
    own = resource("aws_iam_role.etl", {"name": "etl", "arn": "arn:aws:iam::111122223333:role/etl"},
                   {"name": "etl", "arn": "arn:aws:iam::111122223333:role/etl"})
    wild = judge(tmp_path, [own, resource("aws_glue_resource_policy.c", policy("glue:*"))])
    specific = judge(tmp_path, [own, resource("aws_glue_resource_policy.c", policy("glue:GetTable"))])
    assert wild.get("iam-public-member") is Severity.HIGH
    assert specific.get("iam-public-member") is not Severity.HIGH


@pytest.mark.parametrize("address", ["aws_ram_principal_association.vendor", "aws_lakeformation_permissions.old_etl"])
def test_revoking_a_grant_narrows_access(tmp_path: Path, address: str) -> None:
    before = {"principal": "arn:aws:iam::111122223333:role/old-etl", "permissions": ["ALTER", "INSERT"],
              "resource_share_arn": "arn:aws:ram:eu-west-1:111122223333:resource-share/x"}
    found = judge(tmp_path, [resource(address, None, before, actions=["delete"])])
    assert found.get("resource-delete") is Severity.MEDIUM


def test_deleting_a_deny_permission_stays_high(tmp_path: Path) -> None:
    before = {"principal": "group:contractors", "permissions": ["DENY_READ"], "effect": "Deny"}
    found = judge(tmp_path, [resource("acme_project_permissions.block", None, before, actions=["delete"])])
    assert found.get("resource-delete") is Severity.HIGH


def _ports(ssh: dict[str, Any]) -> dict[str, Any]:
    web = {"protocol": "tcp", "from_port": 443, "to_port": 443, "cidrs": ["0.0.0.0/0"], "cidr_list_aliases": []}
    return {"instance_name": "site", "port_info": [web, {"protocol": "tcp", "from_port": 22, "to_port": 22, **ssh}]}


@pytest.mark.parametrize(("old", "new", "severity"), [
    ({"cidrs": ["0.0.0.0/0"], "cidr_list_aliases": []}, {"cidrs": [], "cidr_list_aliases": ["lightsail-connect"]},
     Severity.MEDIUM),
    ({"cidrs": ["10.0.0.0/8"], "cidr_list_aliases": []}, {"cidrs": ["10.1.0.0/16"], "cidr_list_aliases": []},
     Severity.MEDIUM),
    ({"cidrs": ["10.0.0.0/8"], "cidr_list_aliases": []}, {"cidrs": ["0.0.0.0/0"], "cidr_list_aliases": []},
     Severity.HIGH),
    ({"cidrs": ["203.0.113.0/24"], "cidr_list_aliases": []}, {"cidrs": [], "cidr_list_aliases": ["lightsail-connect"]},
     Severity.HIGH),
])
def test_a_port_set_replaced_only_to_narrow_its_sources(tmp_path: Path, old: dict[str, Any], new: dict[str, Any],
                                                         severity: Severity) -> None:
    change = resource("aws_lightsail_instance_public_ports.site", _ports(new), _ports(old),
                      actions=["delete", "create"])
    assert judge(tmp_path, [change]).get("resource-replace") is severity


@pytest.mark.parametrize(("branch", "stage", "severity"), [
    ("feature/checkout-v2", "EXPERIMENTAL", Severity.MEDIUM),
    ("main", "PRODUCTION", Severity.HIGH),
    ("feature/x", "PRODUCTION", Severity.HIGH),
])
def test_a_hosted_app_branch_deployment_deleted(tmp_path: Path, branch: str, stage: str, severity: Severity) -> None:
    before = {"app_id": "d2abc", "branch_name": branch, "stage": stage, "framework": "Next.js - SSR",
              "enable_auto_build": True, "custom_domains": []}
    found = judge(tmp_path, [resource("aws_amplify_branch.b", None, before, actions=["delete"])])
    assert found.get("resource-delete") is severity


def test_a_git_branch_deleted_stays_high(tmp_path: Path) -> None:
    before = {"repository": "app", "branch": "feature/x", "source_branch": "main"}
    found = judge(tmp_path, [resource("github_branch.b", None, before, actions=["delete"])])
    assert found.get("resource-delete") is Severity.HIGH


MORE = [
    ("azurerm_api_management.prod", "tls_rsa_with_aes128_cbc_sha_ciphers_enabled", False, True),
    ("azurerm_application_gateway.web", "firewall_mode", "Prevention", "Detection"),
    ("aws_lb.web", "enable_waf_fail_open", False, True),
    ("azurerm_container_registry.r", "admin_enabled", False, True),
    ("azurerm_container_registry.r", "trust_policy_enabled", True, False),
    ("aws_vpc_endpoint_service.s", "acceptance_required", True, False),
    ("azurerm_bastion_host.b", "shareable_link_enabled", False, True),
    ("azurerm_cosmosdb_account.a", "is_virtual_network_filter_enabled", True, False),
    ("azurerm_databricks_workspace.w", "no_public_ip", True, False),
    ("azurerm_log_analytics_workspace.w", "internet_ingestion_enabled", False, True),
    ("azurerm_synapse_workspace.w", "data_exfiltration_protection_enabled", True, False),
    ("azurerm_postgresql_server.p", "ssl_minimal_tls_version_enforced", "TLS1_2", "TLSEnforcementDisabled"),
    ("azurerm_eventhub_namespace.e", "local_authentication_enabled", False, True),
    ("azurerm_batch_account.b", "allowed_authentication_modes", ["AAD"], ["AAD", "SharedKey"]),
    ("aws_mq_broker.m", "authentication_strategy", "ldap", "simple"),
    ("google_cloudfunctions_function.f", "https_trigger_security_level", "SECURE_ALWAYS", "SECURE_OPTIONAL"),
]


@pytest.mark.parametrize(("address", "key", "old", "new"), MORE, ids=[w[1] for w in MORE])
def test_more_schema_controls_read_both_ways(tmp_path: Path, address: str, key: str, old: Any, new: Any) -> None:
    assert _moved(tmp_path, address, key, old, new), "the weakening must be high"
    assert not _moved(tmp_path, address, key, new, old), "the hardening must stay quiet"


def test_an_allow_list_named_restricted_to_narrows(tmp_path: Path) -> None:
    assert not _moved(tmp_path, "acme_app.main", "restricted_ip_ranges", ["10.0.0.0/8", "192.168.0.0/16"],
                      ["10.0.0.0/8"])
