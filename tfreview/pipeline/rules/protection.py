"""Risk rules, protection turned off: deletion protection and destroy guards, encryption, versioning.

Each `watch()` line names an attribute by its path (a suffix, indices dropped) across aws, google, azurerm
and kubernetes resources, and the direction that weakens it. Add lines to cover more resources.
"""

from __future__ import annotations

from collections.abc import Iterator

from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import Finding, Severity, declare, finding, on_change
from tfreview.pipeline.rules.watch import watch, watch_delete

PROTECTION = declare("protection-disabled", Severity.HIGH,
                     "Deletion protection or a destroy guard is turned off (deletion_protection, force_destroy, "
                     "skip_final_snapshot, locks, recovery windows), or a guard is relaxed (branch protection, "
                     "policy enforcement, object lock, disruption budgets), or a secret-bearing variable loses its "
                     "masked, protected or sensitive flag.")
ENCRYPTION = declare("encryption-disabled", Severity.HIGH,
                     "Encryption at rest or in transit is turned off or its key removed.")
VERSIONING = declare("versioning-disabled", Severity.HIGH, "Object versioning is suspended or disabled.")

for _path in ("deletion_protection", "deletion_protection_enabled", "enable_deletion_protection",
              "termination_protection", "enable_termination_protection", "prevent_destroy",
              "purge_protection_enabled", "deletion_protection_enabled"):
    watch(PROTECTION, _path, "off", "deletion protection turned off")
watch(PROTECTION, "disable_api_termination", "off", "termination protection turned off")
watch(PROTECTION, "disable_api_stop", "off", "stop protection turned off")
watch(PROTECTION, "force_destroy", "on", "a destroy now deletes everything inside too")
watch(PROTECTION, "skip_final_snapshot", "on", "a destroy will take no final snapshot")
watch(PROTECTION, "delete_automated_backups", "on", "a destroy will delete the automated backups too")
watch(PROTECTION, "deletion_policy", "off", "deletion policy turned off",
      types=("google_sql_database", "google_sql_user"))
watch(PROTECTION, "prevent_deletion_if_contains_resources", "off", "resource group delete guard turned off")
# A protective policy attached by reference (a WAF or Cloud Armor policy in front of a backend, a service endpoint
# policy pinning a subnet to its own storage) cleared while the resource stays: traffic no longer passes through it.
# A policy swapped for another is a value changed, not removed.
for _path in ("security_policy", "edge_security_policy", "web_acl_id", "web_acl_arn", "waf_acl_id", "waf_policy_id",
              "web_application_firewall_policy_id", "web_application_firewall_policy_link_id",
              "service_endpoint_policy_ids", "endpoint_policy_ids", "ddos_protection_plan_id"):
    watch(PROTECTION, _path, "removed", "a protective policy attached by reference is detached")
watch_delete(PROTECTION, "a management lock that prevents deletion is removed", "azurerm_management_lock")
watch_delete(PROTECTION, "a lien that prevents project deletion is removed", "google_resource_manager_lien")

for _path in ("encrypted", "storage_encrypted", "at_rest_encryption_enabled", "transit_encryption_enabled",
              "infrastructure_encryption_enabled", "sqs_managed_sse_enabled", "enable_https_traffic_only",
              "https_traffic_only_enabled", "server_side_encryption.enabled", "encryption_at_rest.enabled",
              "encrypt_at_rest.enabled", "node_to_node_encryption.enabled", "encryption_type",
              "encryption_configuration.enabled", "enable_encryption", "encryption_enabled",
              "database_encryption.state", "encryption_in_transit.enabled"):
    watch(ENCRYPTION, _path, "off", "encryption turned off")
for _path in ("kms_key_id", "kms_master_key_id", "kms_key_arn", "kms_key_name", "default_kms_key_name",
              "kms_key_self_link", "customer_managed_key.key_vault_key_id", "key_vault_key_id",
              "encryption_key_arn", "disk_encryption_set_id", "sse_kms_key_id", "kms_key"):
    watch(ENCRYPTION, _path, "removed", "customer-managed encryption key removed")
watch(ENCRYPTION, "sse_algorithm", "removed", "default bucket encryption removed")
watch_delete(ENCRYPTION, "the bucket's default encryption configuration is removed",
             "aws_s3_bucket_server_side_encryption_configuration")
watch_delete(ENCRYPTION, "EBS encryption by default is switched off for the region", "aws_ebs_encryption_by_default")

for _path in ("versioning.enabled", "versioning_configuration.status", "versioning_enabled", "versioning.status"):
    watch(VERSIONING, _path, "off", "versioning turned off")
watch(VERSIONING, "versioning_configuration.mfa_delete", "off", "MFA delete turned off")
watch_delete(VERSIONING, "versioning configuration removed (versioning is suspended)", "aws_s3_bucket_versioning")

# Creating storage without encryption is worth a look, not an alarm: several providers default it off.
CREATED_ENCRYPTION_FLAGS = {
    "aws_ebs_volume": "encrypted", "aws_efs_file_system": "encrypted", "aws_redshift_cluster": "encrypted",
    "aws_db_instance": "storage_encrypted", "aws_rds_cluster": "storage_encrypted",
    "aws_docdb_cluster": "storage_encrypted", "aws_neptune_cluster": "storage_encrypted",
    "aws_elasticache_replication_group": "at_rest_encryption_enabled",
}


@on_change(types=CREATED_ENCRYPTION_FLAGS, actions=(Action.CREATE,))
def _created_unencrypted(change: Change) -> Iterator[Finding]:
    flag = CREATED_ENCRYPTION_FLAGS[change.type]
    if isinstance(change.after, dict) and change.after.get(flag) is False:
        yield finding(ENCRYPTION, change.address, f"{change.address} is created with {flag} = false",
                      Severity.MEDIUM)
