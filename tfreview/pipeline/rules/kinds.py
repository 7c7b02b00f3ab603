"""Risk rules, lifecycle helpers: what a resource type holds — the curated table of types whose loss loses data
or service, types immutable by design, links, silencers, run-once jobs — read by ladders.py and by the
rules that count what a plan loses (resets.py, safeguards.py)."""

from __future__ import annotations

from functools import cache

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Change
from tfreview.pipeline.rules.narrowing import KEY_STORES

# Resource types that hold data or carry service, by what they are. A delete or replace of one of them
# says "data or service loss". Add types here; keys are the words used in messages.
STATEFUL_KINDS: dict[str, tuple[str, ...]] = {
    "database": (
        "aws_db_instance", "aws_rds_cluster", "aws_rds_global_cluster", "aws_dynamodb_table",
        "aws_docdb_cluster", "aws_neptune_cluster", "aws_redshift_cluster", "aws_elasticache_cluster",
        "aws_elasticache_replication_group", "aws_memorydb_cluster", "aws_opensearch_domain",
        "aws_elasticsearch_domain", "aws_keyspaces_table", "aws_timestreamwrite_table",
        "google_sql_database_instance", "google_sql_database", "google_spanner_instance",
        "google_spanner_database", "google_bigtable_instance", "google_bigtable_table",
        "google_bigquery_dataset", "google_bigquery_table", "google_firestore_database",
        "google_redis_instance", "google_alloydb_cluster", "azurerm_mssql_server", "azurerm_mssql_database",
        "azurerm_postgresql_server", "azurerm_postgresql_database", "azurerm_postgresql_flexible_server",
        "azurerm_postgresql_flexible_server_database", "azurerm_mysql_flexible_server",
        "azurerm_mysql_flexible_database", "azurerm_cosmosdb_account", "azurerm_cosmosdb_sql_database",
        "azurerm_cosmosdb_sql_container", "azurerm_redis_cache", "kubernetes_stateful_set",
        "kubernetes_stateful_set_v1",
    ),
    "storage bucket or account": (
        "aws_s3_bucket", "aws_s3_directory_bucket", "aws_glacier_vault", "aws_backup_vault",
        "aws_ecr_repository", "google_storage_bucket", "google_artifact_registry_repository",
        "azurerm_storage_account", "azurerm_storage_container", "azurerm_storage_share",
        "azurerm_storage_data_lake_gen2_filesystem", "azurerm_container_registry",
        "azurerm_recovery_services_vault",
    ),
    "disk or volume": (
        "aws_ebs_volume", "aws_ebs_snapshot", "aws_db_snapshot", "google_compute_disk",
        "google_compute_region_disk", "google_compute_snapshot", "azurerm_managed_disk", "azurerm_snapshot",
        "kubernetes_persistent_volume", "kubernetes_persistent_volume_v1",
        "kubernetes_persistent_volume_claim", "kubernetes_persistent_volume_claim_v1",
    ),
    "file system": (
        "aws_efs_file_system", "aws_fsx_lustre_file_system", "aws_fsx_windows_file_system",
        "aws_fsx_ontap_file_system", "aws_fsx_openzfs_file_system", "google_filestore_instance",
        "azurerm_netapp_volume",
    ),
    "encryption key": (
        "aws_kms_key", "aws_kms_replica_key", "aws_acmpca_certificate_authority", "google_kms_crypto_key",
        "google_kms_key_ring", "azurerm_key_vault", "azurerm_key_vault_key",
    ),
    "secret": (
        "aws_secretsmanager_secret", "aws_ssm_parameter", "google_secret_manager_secret",
        "azurerm_key_vault_secret", "kubernetes_secret", "kubernetes_secret_v1",
    ),
    "DNS zone": ("aws_route53_zone", "google_dns_managed_zone", "azurerm_dns_zone", "azurerm_private_dns_zone"),
    "network": (
        "aws_vpc", "aws_subnet", "aws_transit_gateway", "aws_eip", "aws_vpn_connection", "aws_dx_connection",
        "google_compute_network", "google_compute_subnetwork", "google_compute_address",
        "google_compute_global_address", "azurerm_virtual_network", "azurerm_subnet", "azurerm_public_ip",
        "azurerm_virtual_network_gateway",
    ),
    "cluster": (
        "aws_eks_cluster", "aws_ecs_cluster", "aws_emr_cluster", "aws_msk_cluster", "google_container_cluster",
        "google_dataproc_cluster", "azurerm_kubernetes_cluster",
    ),
    "queue or topic": (
        "aws_sqs_queue", "aws_sns_topic", "aws_kinesis_stream", "aws_kinesis_firehose_delivery_stream",
        "aws_mq_broker", "google_pubsub_topic", "google_pubsub_subscription", "azurerm_servicebus_namespace",
        "azurerm_servicebus_queue", "azurerm_servicebus_topic", "azurerm_eventhub_namespace",
        "azurerm_eventhub", "azurerm_storage_queue",
    ),
    "namespace, project or resource group (everything inside goes with it)": (
        "kubernetes_namespace", "kubernetes_namespace_v1", "google_project", "google_folder",
        "azurerm_resource_group", "aws_organizations_account",
    ),
    "log store": (
        "aws_cloudwatch_log_group", "google_logging_project_bucket_config", "azurerm_log_analytics_workspace",
    ),
}
STATEFUL: dict[str, str] = {t: kind for kind, types in STATEFUL_KINDS.items() for t in types}


# Types immutable by design: every deploy replaces them (a new task definition revision, image, template or
# version), so their destruction is routine, not lost infrastructure. Key versions are not among them.
IMMUTABLE = lazy_compile(r"_task_definition$|_launch_configuration$|_instance_template$|_job_definition$"
                         r"|_layer_version$|_(?:api_gateway|apigatewayv2)_deployment$|_ami(?:_copy|_from_instance)?$"
                         r"|_application_version$|_secret_version$|_image_recipe$|_container_recipe$"
                         r"|_hosted_configuration_version$|_endpoint_configuration$|_function_version$")
IMMUTABLE_EXCEPT = KEY_STORES  # key versions and rings: the data encrypted with them needs them


# Words in a type name that say it holds data, for types the table above does not list (any provider).
DATA_WORDS = lazy_compile(r"(?:^|_)(?:db|database|databases|sql|mysql|postgres|postgresql|pg|mssql|mariadb|cassandra"
                          r"|clickhouse|couchdb|influxdb|mongo|mongodb|redis|cache"
                          r"|bucket|storage|disk|volume|table|cluster|queue|topic|stream|vault|key|secret|zone|dns"
                          r"|repository|registry|snapshot|backup|file|filesystem|share|index|dataset|warehouse|lake"
                          r"|elasticsearch|opensearch|search|kafka|broker|ledger|instance)(?:_|$)")


# Config objects named after what they configure (`aws_db_parameter_group`, `aws_elasticache_subnet_group`,
# `*_cache_policy`, `aws_backup_selection`), and links (`digitalocean_volume_attachment`): the data word names the
# thing configured or attached, not data the object holds.
CONFIG_OBJECTS = lazy_compile(r"_(?:parameter_group|option_group|subnet_group|parameter|parameters|configuration"
                              r"|config|policy|setting|settings|role|selection|attachment|association)$")


@cache  # a plan holds a few hundred types at most; the ladders ask again for each of its changes
def looks_stateful(resource_type: str) -> bool:
    """Whether a type holds data or carries service: listed in STATEFUL_KINDS, or named like it (not a config)."""
    if resource_type in STATEFUL:
        return True
    return not CONFIG_OBJECTS.search(resource_type) and bool(DATA_WORDS.search(resource_type))


# Types that hold other objects (an org or project scope, a namespace, a folder, a resource group, a compartment):
# deleting one deletes what is inside, so another of its type with the same settings holds other things.
SCOPES = lazy_compile(r"(?:^|_)(?:scope|org|organization|organisation|project|namespace|folder|resource_group"
                      r"|compartment|workspace|tenant|space)(?:_v\d+)?$")


# Types that only link two resources or add one rule to another (policy attachments, associations, memberships,
# firewall or listener rules, grants of privileges to a role): a replace re-makes it in the same apply; what it
# opens is judged on its own.
LINKS = lazy_compile(r"_(?:attachment|association|membership|assignment|rule|permission|grant|target|targets)$"
                     r"|(?:^|_)grants?_")


def push_subscription(change: Change) -> bool:
    """Whether a subscription only forwards each message to an endpoint as it is published (SNS's `protocol` and
    `endpoint`): the topic keeps nothing for it, so re-making it loses no message already delivered."""
    after = change.after if isinstance(change.after, dict) else {}
    return change.type.endswith("_subscription") and isinstance(after.get("protocol"), str) \
        and isinstance(after.get("endpoint"), str) and bool(after["endpoint"])


# Types whose existence silences something (downtimes, mutes, maintenance windows): deleting one restores it.
# Audit devices (where an audit trail is sent; the trail already written stays where it is).
AUDIT_DEVICES = lazy_compile(r"(?:^|_)audit(?:_device|_sink)?$")
SILENCERS = lazy_compile(r"(?:^|_)(?:downtime|downtimes|downtime_schedule|mute|muting|silence|maintenance_window"
                         r"|maintenance_exclusion|suppression)(?:_|$)")


# A run-once workload (a job that ran to completion): deleting it loses no data. Not a schedule of jobs, nor
# a definition or dataset that happens to be named like one.
RUN_ONCE = lazy_compile(r"(?:^|_)job(?:_v\d+)?$")
RUN_ONCE_EXCEPT = lazy_compile(r"cron|schedul|definition|template|dataset|queue|trigger")


def is_immutable_type(resource_type: str) -> bool:
    """Whether a type is replaced on every deploy by design (task definitions, instance templates, AMIs…)."""
    return bool(IMMUTABLE.search(resource_type)) and not IMMUTABLE_EXCEPT.search(resource_type)


# The kind a type's own words name when the table above does not list it (`aiven_pg`, `cloudflare_zone`), so a
# finding says what decides; words that name compute as often as data (instance, cluster, cache) name nothing.
WORD_KINDS = {
    "database": ("db", "database", "databases", "sql", "mysql", "postgres", "postgresql", "pg", "mssql", "mariadb",
                 "cassandra", "clickhouse", "couchdb", "influxdb", "mongo", "mongodb", "redis", "table", "dataset",
                 "warehouse", "elasticsearch", "opensearch"),
    "storage bucket or repository": ("bucket", "storage", "repository", "registry", "lake", "share"),
    "disk, volume or backup": ("disk", "volume", "snapshot", "backup", "filesystem"),
    "secret or key store": ("secret", "vault"),
    "DNS zone": ("zone", "dns"),
    "queue, topic or stream": ("queue", "topic", "stream", "kafka", "broker"),
}
_WORD_KIND = {word: kind for kind, words in WORD_KINDS.items() for word in words}


def loss(resource_type: str) -> str:
    """' — <kind>: data or service loss' for stateful types (listed, or named by their own words), '' otherwise."""
    kind = STATEFUL.get(resource_type)
    if kind is None and looks_stateful(resource_type):
        word = next((w for w in reversed(resource_type.split("_")[1:]) if w in _WORD_KIND), None)
        kind = f"{_WORD_KIND[word]} (its type says {word})" if word else None
    return f" — {kind}: data or service loss" if kind else ""
