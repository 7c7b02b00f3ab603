"""Incidents corpus, google and azurerm."""

from __future__ import annotations

import copy
from typing import Any

from inc_lib import UL, Blocks, Plan, R, Ref, U, create, noop, scenario, update
from rtypes import PROJECT, SUB

NET = f"projects/{PROJECT}/global/networks/prod-vpc"


def firewall(name: str, ports: list[str], ranges: list[str], tags: list[str]) -> dict[str, Any]:
    return {"allow": [{"ports": ports, "protocol": "tcp"}], "deny": [], "description": "", "destination_ranges": [],
            "direction": "INGRESS", "disabled": False, "log_config": [], "name": name, "network": NET, "priority": 1000,
            "project": PROJECT, "source_ranges": ranges, "source_service_accounts": None, "source_tags": None,
            "target_service_accounts": None, "target_tags": tags, "timeouts": None}


FW_COMPUTED = {"creation_timestamp": U, "enable_logging": U, "id": U, "self_link": U}


# ------------------------------------------------------------------------------------------ google
@scenario("google/inc_firewall_rdp_world.json", "exposure",
          "a GCE firewall rule allows 3389/tcp from 0.0.0.0/0 to the Windows jump hosts")
def gce_rdp() -> dict[str, Any]:
    p = Plan("2026-03-16T08:01:01Z")
    create(p, R("google_compute_firewall", "rdp", schema_version=1), firewall("allow-rdp", ["3389"], ["0.0.0.0/0"], ["win-jump"]),
           FW_COMPUTED)
    return p.build()


@scenario("google/inc_firewall_lb_health_checks.json", "benign-exposure",
          "a firewall rule admits Google's load-balancer health-check ranges (35.191.0.0/16, 130.211.0.0/22) on 8080")
def gce_hc() -> dict[str, Any]:
    p = Plan("2026-03-16T08:31:01Z")
    create(p, R("google_compute_firewall", "health_checks", schema_version=1),
           firewall("allow-lb-health-checks", ["8080"], ["35.191.0.0/16", "130.211.0.0/22"], ["web"]), FW_COMPUTED)
    return p.build()


def sql_instance(networks: list[dict[str, Any]], *, protection: bool = True, backups: bool = True) -> dict[str, Any]:
    return {"connection_name": f"{PROJECT}:us-central1:orders-pg", "database_version": "POSTGRES_16",
            "deletion_protection": protection, "id": "orders-pg", "name": "orders-pg", "project": PROJECT,
            "region": "us-central1", "self_link": f"https://sqladmin.googleapis.com/sql/v1beta4/projects/{PROJECT}/instances/orders-pg",
            "settings": [{"activation_policy": "ALWAYS", "availability_type": "REGIONAL", "tier": "db-custom-4-16384",
                          "backup_configuration": [{"enabled": backups, "point_in_time_recovery_enabled": backups,
                                                    "start_time": "03:00", "transaction_log_retention_days": 7,
                                                    "backup_retention_settings": [{"retained_backups": 14,
                                                                                   "retention_unit": "COUNT"}]}],
                          "ip_configuration": [{"ipv4_enabled": True, "private_network": NET, "ssl_mode": "ENCRYPTED_ONLY",
                                                "authorized_networks": networks}],
                          "user_labels": {"env": "prod", "team": "orders"}, "version": 42}]}


@scenario("google/inc_cloudsql_authorized_any.json", "exposure",
          "the orders Cloud SQL instance gets an authorized network 0.0.0.0/0 on its public IP: Postgres answers "
          "the whole internet")
def sql_any() -> dict[str, Any]:
    p = Plan("2026-03-16T09:00:00Z")
    before = sql_instance([{"expiration_time": "", "name": "office", "value": "198.51.100.0/24"}])
    after = sql_instance([{"expiration_time": "", "name": "office", "value": "198.51.100.0/24"},
                          {"expiration_time": "", "name": "anywhere", "value": "0.0.0.0/0"}])
    update(p, R("google_sql_database_instance", "orders"), before, {"settings": after["settings"]})
    return p.build()


@scenario("google/inc_cloudsql_protection_backups_off.json", "destruction",
          "the orders Cloud SQL instance loses deletion_protection and automated backups with point-in-time "
          "recovery in one apply")
def sql_backups() -> dict[str, Any]:
    p = Plan("2026-03-16T09:30:00Z")
    before = sql_instance([])
    after = sql_instance([], protection=False, backups=False)
    update(p, R("google_sql_database_instance", "orders"), before,
           {"deletion_protection": False, "settings": after["settings"]})
    return p.build()


@scenario("google/inc_project_editor_binding.json", "identity",
          "roles/editor (a primitive role: write on nearly every service) is bound project-wide to the CI service "
          "account and a contractor's Google account")
def editor() -> dict[str, Any]:
    p = Plan("2026-03-16T10:10:10Z")
    create(p, R("google_project_iam_binding", "editors"),
           {"condition": [], "members": ["serviceAccount:ci-deployer@acme-prod-4821.iam.gserviceaccount.com",
                                         "user:j.doe.contractor@gmail.com"], "project": PROJECT, "role": "roles/editor"},
           {"etag": U, "id": U})
    return p.build()


@scenario("google/inc_bucket_all_authenticated.json", "exposure",
          "the ML training-data bucket grants roles/storage.objectViewer to allAuthenticatedUsers: any Google "
          "account in the world can read it")
def all_auth() -> dict[str, Any]:
    p = Plan("2026-03-16T11:11:11Z")
    create(p, R("google_storage_bucket_iam_member", "training_read"),
           {"bucket": "b/acme-ml-training-data", "condition": [], "member": "allAuthenticatedUsers",
            "role": "roles/storage.objectViewer"}, {"etag": U, "id": U})
    return p.build()


@scenario("google/inc_bucket_reader_service_account.json", "benign-identity",
          "the ML training-data bucket grants roles/storage.objectViewer to the training job's own service account")
def sa_read() -> dict[str, Any]:
    p = Plan("2026-03-16T11:41:11Z")
    create(p, R("google_storage_bucket_iam_member", "training_read"),
           {"bucket": "b/acme-ml-training-data", "condition": [],
            "member": "serviceAccount:trainer@acme-prod-4821.iam.gserviceaccount.com",
            "role": "roles/storage.objectViewer"}, {"etag": U, "id": U})
    return p.build()


@scenario("google/inc_vm_default_sa_cloud_platform.json", "identity",
          "a new VM runs as the project's default compute service account (Editor on the project) with the "
          "cloud-platform scope: any process on it gets project-wide write access")
def default_sa() -> dict[str, Any]:
    p = Plan("2026-03-16T13:13:13Z")
    create(p, R("google_compute_instance", "batch", schema_version=6), {
        "allow_stopping_for_update": None, "boot_disk": [{"auto_delete": True, "initialize_params": [{"image": "debian-cloud/debian-12",
                                                                                                    "size": 50}]}],
        "can_ip_forward": False, "deletion_protection": False, "machine_type": "e2-standard-4", "name": "batch-runner-1",
        "network_interface": [{"network": "prod-vpc", "subnetwork": "batch", "access_config": []}], "project": PROJECT,
        "service_account": [{"email": "418273645091-compute@developer.gserviceaccount.com",
                             "scopes": ["https://www.googleapis.com/auth/cloud-platform"]}],
        "zone": "us-central1-a"},
        {"cpu_platform": U, "current_status": U, "id": U, "instance_id": U, "label_fingerprint": U,
         "metadata_fingerprint": U, "self_link": U, "tags_fingerprint": U, "effective_labels": U})
    return p.build()


def ssl_policy(profile: str, min_tls: str) -> dict[str, Any]:
    return {"creation_timestamp": "2024-02-01T10:00:00.000-08:00", "custom_features": [], "description": "",
            "enabled_features": ["TLS_AES_128_GCM_SHA256"], "fingerprint": "8vQ2RzXyW1A=",
            "id": f"projects/{PROJECT}/global/sslPolicies/web", "min_tls_version": min_tls, "name": "web",
            "profile": profile, "project": PROJECT,
            "self_link": f"https://www.googleapis.com/compute/v1/projects/{PROJECT}/global/sslPolicies/web"}


@scenario("google/inc_ssl_policy_tls10.json", "downgrade",
          "the HTTPS load balancer's SSL policy goes from MODERN / TLS_1_2 to COMPATIBLE / TLS_1_0")
def ssl_down() -> dict[str, Any]:
    p = Plan("2026-03-16T14:14:14Z")
    update(p, R("google_compute_ssl_policy", "web"), ssl_policy("MODERN", "TLS_1_2"),
           {"profile": "COMPATIBLE", "min_tls_version": "TLS_1_0", "enabled_features": UL, "fingerprint": U})
    return p.build()


@scenario("google/inc_ssl_policy_tighten.json", "benign-downgrade",
          "the HTTPS load balancer's SSL policy is tightened from COMPATIBLE / TLS_1_0 to RESTRICTED / TLS_1_2")
def ssl_up() -> dict[str, Any]:
    p = Plan("2026-03-16T14:44:14Z")
    update(p, R("google_compute_ssl_policy", "web"), ssl_policy("COMPATIBLE", "TLS_1_0"),
           {"profile": "RESTRICTED", "min_tls_version": "TLS_1_2", "enabled_features": UL, "fingerprint": U})
    return p.build()


@scenario("google/inc_function_env_sa_key.json", "credentials",
          "a Cloud Function's environment carries a whole GCP service-account key JSON (private_key and all) in "
          "GOOGLE_CREDENTIALS instead of using the function's identity")
def sa_key_env() -> dict[str, Any]:
    p = Plan("2026-03-16T15:15:15Z")
    key = ('{"type":"service_account","project_id":"acme-prod-4821","private_key_id":"4f1c2b3a5d6e7f8091a2b3c4d5e6f708192a3b4c",'
           '"private_key":"-----BEGIN PRIVATE KEY-----\\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7kP3z\\n'
           '-----END PRIVATE KEY-----\\n","client_email":"exporter@acme-prod-4821.iam.gserviceaccount.com",'
           '"client_id":"104729384756102938475","token_uri":"https://oauth2.googleapis.com/token"}')
    before = {"available_memory_mb": 256, "entry_point": "export", "environment_variables": {"BUCKET": "acme-exports"},
              "id": f"projects/{PROJECT}/locations/us-central1/functions/exporter", "name": "exporter", "project": PROJECT,
              "region": "us-central1", "runtime": "python312", "trigger_http": True}
    update(p, R("google_cloudfunctions_function", "exporter"), before,
           {"environment_variables": {"BUCKET": "acme-exports", "GOOGLE_CREDENTIALS": key}})
    return p.build()


# ------------------------------------------------------------------------------------------ azurerm
RG = f"/subscriptions/{SUB}/resourceGroups/rg-prod-app"


def nsg_rule(name: str, port: str, source: str, priority: int) -> dict[str, Any]:
    return {"access": "Allow", "description": "", "destination_address_prefix": "*", "destination_address_prefixes": None,
            "destination_application_security_group_ids": None, "destination_port_range": port,
            "destination_port_ranges": None, "direction": "Inbound", "name": name, "network_security_group_name": "nsg-app",
            "priority": priority, "protocol": "Tcp", "resource_group_name": "rg-prod-app", "source_address_prefix": source,
            "source_address_prefixes": None, "source_application_security_group_ids": None, "source_port_range": "*",
            "source_port_ranges": None, "timeouts": None}


@scenario("azurerm/inc_nsg_rdp_any_source.json", "exposure",
          "an NSG rule allows inbound 3389/Tcp from source_address_prefix \"*\" to every VM in the app subnet")
def nsg_rdp() -> dict[str, Any]:
    p = Plan("2026-03-17T08:00:00Z")
    create(p, R("azurerm_network_security_rule", "rdp"), nsg_rule("allow-rdp", "3389", "*", 300), {"id": U})
    return p.build()


@scenario("azurerm/inc_nsg_https_internet_appgw.json", "benign-exposure",
          "an NSG rule allows 443/Tcp from the Internet service tag to the application gateway's public frontend")
def nsg_https() -> dict[str, Any]:
    p = Plan("2026-03-17T08:30:00Z")
    rule = nsg_rule("allow-https-in", "443", "Internet", 200)
    rule["network_security_group_name"] = "nsg-appgw"
    create(p, R("azurerm_network_security_rule", "https"), rule, {"id": U})
    return p.build()


def sql_fw(name: str, start: str, end: str) -> dict[str, Any]:
    return {"end_ip_address": end, "name": name, "server_id": f"{RG}/providers/Microsoft.Sql/servers/sql-orders-prod",
            "start_ip_address": start, "timeouts": None}


@scenario("azurerm/inc_sql_firewall_full_range.json", "exposure",
          "an Azure SQL firewall rule from 0.0.0.0 to 255.255.255.255 (\"temporary, for the migration\"): the "
          "orders SQL server accepts logins from every IPv4 address")
def sql_full() -> dict[str, Any]:
    p = Plan("2026-03-17T09:00:00Z")
    create(p, R("azurerm_mssql_firewall_rule", "migration"), sql_fw("migration-temp", "0.0.0.0", "255.255.255.255"), {"id": U})
    return p.build()


@scenario("azurerm/inc_sql_firewall_azure_services.json", "benign-exposure",
          "the documented AllowAzureServices rule (0.0.0.0 to 0.0.0.0), which admits Azure services, not the internet")
def sql_azure() -> dict[str, Any]:
    p = Plan("2026-03-17T09:30:00Z")
    create(p, R("azurerm_mssql_firewall_rule", "azure_services"), sql_fw("AllowAzureServices", "0.0.0.0", "0.0.0.0"), {"id": U})
    return p.build()


def storage(tls: str, https_only: bool) -> dict[str, Any]:
    return {"access_tier": "Hot", "account_kind": "StorageV2", "account_replication_type": "GRS", "account_tier": "Standard",
            "allow_nested_items_to_be_public": False, "https_traffic_only_enabled": https_only,
            "id": f"{RG}/providers/Microsoft.Storage/storageAccounts/acmeprodinvoices", "location": "westeurope",
            "min_tls_version": tls, "name": "acmeprodinvoices", "public_network_access_enabled": True,
            "resource_group_name": "rg-prod-app", "shared_access_key_enabled": True, "tags": {"env": "prod"}}


SA_SENSITIVE = {"primary_access_key", "secondary_access_key", "primary_connection_string", "secondary_connection_string"}


@scenario("azurerm/inc_storage_tls10_http.json", "downgrade",
          "the invoices storage account drops min_tls_version TLS1_2 -> TLS1_0 and allows plain HTTP "
          "(https_traffic_only_enabled true -> false)")
def sa_down() -> dict[str, Any]:
    p = Plan("2026-03-17T10:00:00Z")
    update(p, R("azurerm_storage_account", "invoices", schema_version=4, sensitive=SA_SENSITIVE), storage("TLS1_2", True),
           {"min_tls_version": "TLS1_0", "https_traffic_only_enabled": False})
    return p.build()


@scenario("azurerm/inc_storage_tls_tighten.json", "benign-downgrade",
          "the invoices storage account raises min_tls_version TLS1_0 -> TLS1_2 and enforces HTTPS only")
def sa_up() -> dict[str, Any]:
    p = Plan("2026-03-17T10:30:00Z")
    update(p, R("azurerm_storage_account", "invoices", schema_version=4, sensitive=SA_SENSITIVE), storage("TLS1_0", False),
           {"min_tls_version": "TLS1_2", "https_traffic_only_enabled": True})
    return p.build()


def assignment(role: str, scope: str, principal: str, ptype: str) -> dict[str, Any]:
    return {"condition": None, "condition_version": None, "delegated_managed_identity_resource_id": None,
            "description": None, "principal_id": principal, "principal_type": ptype, "role_definition_name": role,
            "scope": scope, "skip_service_principal_aad_check": None, "timeouts": None}


@scenario("azurerm/inc_owner_guest_subscription.json", "identity",
          "Owner on the whole production subscription is assigned to a guest (external) user account")
def owner_guest() -> dict[str, Any]:
    p = Plan("2026-03-17T11:00:00Z")
    create(p, R("azurerm_role_assignment", "vendor_owner"),
           assignment("Owner", f"/subscriptions/{SUB}", "9b8c7d6e-5f4a-4b3c-2d1e-0f9a8b7c6d5e", "User"),
           {"id": U, "name": U, "principal_type": U, "role_definition_id": U})
    return p.build()


@scenario("azurerm/inc_reader_managed_identity_rg.json", "benign-identity",
          "Reader on one resource group is assigned to the monitoring app's managed identity")
def reader_mi() -> dict[str, Any]:
    p = Plan("2026-03-17T11:30:00Z")
    create(p, R("azurerm_role_assignment", "monitor_reader"),
           {**assignment("Reader", RG, U, "ServicePrincipal"), "principal_id": U},
           {"id": U, "name": U, "principal_id": U, "role_definition_id": U},
           config={"scope": RG, "role_definition_name": "Reader",
                   "principal_id": Ref("azurerm_user_assigned_identity.monitor.principal_id",
                                       "azurerm_user_assigned_identity.monitor")})
    return p.build()


@scenario("azurerm/inc_webapp_storage_key_setting.json", "credentials",
          "a web app's app_settings gets a storage connection string with the account key in plain text "
          "(AccountKey=…), copied from the portal instead of referencing Key Vault")
def webapp_key() -> dict[str, Any]:
    p = Plan("2026-03-17T12:00:00Z")
    conn = ("DefaultEndpointsProtocol=https;AccountName=acmeprodinvoices;AccountKey=q8Jz3Lm+X0v7Rk2YwP9bN4tH6sQ1eC5dF8gA"
            "0uZ3iO7yT2rE9wL4kM6nB1vX5cJ8hG3fD0sA7pQ2mW9zR4tY6uI1oP3lK5jH8gF2dS==;EndpointSuffix=core.windows.net")
    before = {"app_settings": {"WEBSITE_RUN_FROM_PACKAGE": "1"}, "enabled": True, "https_only": True,
              "id": f"{RG}/providers/Microsoft.Web/sites/app-invoices-prod", "location": "westeurope",
              "name": "app-invoices-prod", "resource_group_name": "rg-prod-app",
              "service_plan_id": f"{RG}/providers/Microsoft.Web/serverFarms/asp-prod"}
    update(p, R("azurerm_linux_web_app", "invoices", sensitive={"site_credential"}), before,
           {"app_settings": {"WEBSITE_RUN_FROM_PACKAGE": "1", "INVOICE_STORAGE": conn}})
    return p.build()


@scenario("azurerm/inc_webapp_keyvault_reference.json", "benign-credentials",
          "a web app setting is a Key Vault reference (@Microsoft.KeyVault(SecretUri=…)), not the secret itself")
def webapp_ref() -> dict[str, Any]:
    p = Plan("2026-03-17T12:30:00Z")
    ref = "@Microsoft.KeyVault(SecretUri=https://kv-prod-app.vault.azure.net/secrets/invoice-storage/)"
    before = {"app_settings": {"WEBSITE_RUN_FROM_PACKAGE": "1"}, "enabled": True, "https_only": True,
              "id": f"{RG}/providers/Microsoft.Web/sites/app-invoices-prod", "location": "westeurope",
              "name": "app-invoices-prod", "resource_group_name": "rg-prod-app"}
    update(p, R("azurerm_linux_web_app", "invoices", sensitive={"site_credential"}), before,
           {"app_settings": {"WEBSITE_RUN_FROM_PACKAGE": "1", "INVOICE_STORAGE": ref}})
    noop(p, R("azurerm_key_vault_secret", "invoice_storage", sensitive={"value"}),
         {"id": "https://kv-prod-app.vault.azure.net/secrets/invoice-storage/0a1b2c3d", "name": "invoice-storage",
          "key_vault_id": f"{RG}/providers/Microsoft.KeyVault/vaults/kv-prod-app", "value": "(from pipeline)",
          "content_type": "connection-string"})
    return p.build()


__all__ = ["Blocks", "copy"]
