"""Risk rules, lifecycle: deletes, replaces, forgets and imports, and the curated table of resources whose loss
loses data or service."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import Finding, ReviewInput, Severity, finding, is_helper_type, managed, rule
from tfreview.pipeline.rules.acltext import allow_only_policy_deleted
from tfreview.pipeline.rules.allowall import allow_all_policy_deleted
from tfreview.pipeline.rules.cutoff import workload_cut_off
from tfreview.pipeline.rules.disposable import STORE_ITEMS, left_in_place, non_production_scope, teardown
from tfreview.pipeline.rules.ephemeral import brief_messages, preview_instance, with_container
from tfreview.pipeline.rules.guardrails import relaxation_removed
from tfreview.pipeline.rules.jobs import runs_to_completion
from tfreview.pipeline.rules.kubernetes import k8s_stateless, k8s_stateless_workload
from tfreview.pipeline.rules.narrowed import (
    consumers_moved,
    listener_kept,
    public_acl_removed,
    secret_synced,
    type_migrated,
)
from tfreview.pipeline.rules.narrowing import (
    CREDENTIAL_TYPES,
    KEY_STORES,
    allow_only_documents,
    narrowing,
    pushed_secret,
    rotation,
    secured,
    stricter,
    world_entry_removed,
)
from tfreview.pipeline.rules.observers import observer_kept
from tfreview.pipeline.rules.planview import plan_view
from tfreview.pipeline.rules.rebuilds import alerting_retired, machine_rebuilt
from tfreview.pipeline.rules.recipients import replaced_alerting
from tfreview.pipeline.rules.records import mail_policy, record_kept, record_name
from tfreview.pipeline.rules.referrers import referrers_moved
from tfreview.pipeline.rules.replicas import ROUTES, replica_with_primary
from tfreview.pipeline.rules.retired import already_off, retired_with_names, sandbox_only, taken_over
from tfreview.pipeline.rules.retiring import retired_version
from tfreview.pipeline.rules.rulesets import rule_moved
from tfreview.pipeline.rules.shifts import container_renamed, holds_content, renamed, shifted_definition
from tfreview.pipeline.rules.stores import disposable_store, goes_with_store
from tfreview.pipeline.rules.successors import cache_handed_over, folded_into, handed_over, successor
from tfreview.pipeline.rules.superseded import own_logs_retired, superseded
from tfreview.pipeline.rules.takeover import rebuilt, repointed
from tfreview.pipeline.rules.tightened import selection_kept, tightened
from tfreview.pipeline.rules.wayback import branch_of_parent, final_copy, preview_table, reader_of_cluster
from tfreview.pipeline.rules.wiring import unwired
from tfreview.pipeline.rules.workloads import image_redeploy, node_pool_kept_cluster, reclaimable_pool_replaced

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

REASONS = {
    "replace_because_tainted": "it is tainted",
    "replace_because_cannot_update": "an attribute cannot be updated in place",
    "replace_by_request": "replacement was requested (-replace)",
    "replace_by_triggers": "replace_triggered_by fired",
}
# https://developer.hashicorp.com/terraform/internals/json-format (action_reason)
DELETE_REASONS = {
    "delete_because_no_resource_config": "its block was removed from the configuration",
    "delete_because_no_module": "its module was removed from the configuration",
    "delete_because_wrong_repetition": "count/for_each was added or removed",
    "delete_because_count_index": "its count index is now out of range",
    "delete_because_each_key": "its for_each key is gone",
    "delete_because_no_move_target": "its moved target does not exist",
}


# Types immutable by design: every deploy replaces them (a new task definition revision, image, template or
# version), so their destruction is routine, not lost infrastructure. Key versions are not among them.
IMMUTABLE = re.compile(r"_task_definition$|_launch_configuration$|_instance_template$|_job_definition$"
                       r"|_layer_version$|_(?:api_gateway|apigatewayv2)_deployment$|_ami(?:_copy|_from_instance)?$"
                       r"|_application_version$|_secret_version$|_image_recipe$|_container_recipe$"
                       r"|_hosted_configuration_version$|_endpoint_configuration$|_function_version$")
IMMUTABLE_EXCEPT = KEY_STORES  # key versions and rings: the data encrypted with them needs them


# Words in a type name that say it holds data, for types the table above does not list (any provider).
DATA_WORDS = re.compile(r"(?:^|_)(?:db|database|databases|sql|mysql|postgres|postgresql|mongo|mongodb|redis|cache"
                        r"|bucket|storage|disk|volume|table|cluster|queue|topic|stream|vault|key|secret|zone|dns"
                        r"|repository|registry|snapshot|backup|file|filesystem|share|index|dataset|warehouse|lake"
                        r"|elasticsearch|opensearch|search|kafka|broker|ledger|instance)(?:_|$)")


# Config objects named after what they configure (`aws_db_parameter_group`, `aws_elasticache_subnet_group`,
# `*_cache_policy`): the data word names the thing configured, not data the object holds.
CONFIG_OBJECTS = re.compile(r"_(?:parameter_group|option_group|subnet_group|parameter|parameters|configuration"
                            r"|config|policy|setting|settings)$")


def looks_stateful(resource_type: str) -> bool:
    """Whether a type holds data or carries service: listed in STATEFUL_KINDS, or named like it (not a config)."""
    if resource_type in STATEFUL:
        return True
    return not CONFIG_OBJECTS.search(resource_type) and bool(DATA_WORDS.search(resource_type))


# Types that only link two resources or add one rule to another (policy attachments, associations, memberships,
# firewall or listener rules, grants of privileges to a role): a replace re-makes it in the same apply; what it
# opens is judged on its own.
LINKS = re.compile(r"_(?:attachment|association|membership|assignment|rule|permission|grant|target|targets)$"
                   r"|(?:^|_)grants?_")
# Types whose existence silences something (downtimes, mutes, maintenance windows): deleting one restores it.
# Audit devices (where an audit trail is sent; the trail already written stays where it is).
AUDIT_DEVICES = re.compile(r"(?:^|_)audit(?:_device|_sink)?$")
SILENCERS = re.compile(r"(?:^|_)(?:downtime|downtimes|downtime_schedule|mute|muting|silence|maintenance_window"
                       r"|maintenance_exclusion|suppression)(?:_|$)")


# A run-once workload (a job that ran to completion): deleting it loses no data. Not a schedule of jobs, nor
# a definition or dataset that happens to be named like one.
RUN_ONCE = re.compile(r"(?:^|_)job(?:_v\d+)?$")
RUN_ONCE_EXCEPT = re.compile(r"cron|schedul|definition|template|dataset|queue|trigger")


def is_immutable_type(resource_type: str) -> bool:
    """Whether a type is replaced on every deploy by design (task definitions, instance templates, AMIs…)."""
    return bool(IMMUTABLE.search(resource_type)) and not IMMUTABLE_EXCEPT.search(resource_type)


def loss(resource_type: str) -> str:
    """' — <kind>: data or service loss' for stateful types, '' otherwise."""
    kind = STATEFUL.get(resource_type)
    return f" — {kind}: data or service loss" if kind else ""


# A grader says why a delete or replace is graded below the default (a suffix for the message), or None.
Grader = Callable[[Change, ReviewInput], "str | None"]


@dataclass(frozen=True)
class Grade:
    """One rung of a ladder: when `test` answers, the change is graded `severity`; `loses` says whether what goes
    is lost (counted by scale-deletes) or comes back or was disposable."""

    test: Grader
    severity: Severity
    loses: bool = False


def _when(predicate: Callable[[Change], bool], why: str) -> Grader:
    """A grader that gives WHY whenever PREDICATE holds."""
    return lambda change, _ri: f" ({why})" if predicate(change) else None


def _paren(why: str | None) -> str | None:
    """' (WHY)', or None."""
    return None if why is None else f" ({why})"


def _run_once(change: Change) -> bool:
    """Whether a type is a run-once job (not a schedule, definition or dataset)."""
    return bool(RUN_ONCE.search(change.type)) and not RUN_ONCE_EXCEPT.search(change.type)


def _credential(change: Change) -> bool:
    """Whether a type is a credential itself (not a key vault or crypto key), or a pushed copy of a secret."""
    return (bool(CREDENTIAL_TYPES.search(change.type)) and not KEY_STORES.search(change.type)) or pushed_secret(change)


def _rename(change: Change, ri: ReviewInput) -> str | None:
    """' and re-created as …' when a stateless object is re-created with the same name, or None (not for containers:
    a project, workspace or release re-created empty loses its content)."""
    other = None if looks_stateful(change.type) or holds_content(change.type) else renamed(change, ri)
    return None if other is None else (f" and re-created as {other.address} with the same name (a rename: add a "
                                         "moved block to keep it)")


DELETE_LADDER: tuple[Grade, ...] = (
    Grade(_when(lambda c: is_helper_type(c.type), "helper type, holds no infrastructure"), Severity.LOW),
    Grade(_when(lambda c: bool(SILENCERS.search(c.type)), "it silenced alerts: they resume"), Severity.LOW),
    Grade(_when(lambda c: is_immutable_type(c.type), "immutable by design, replaced on deploys"), Severity.LOW),
    Grade(_when(_run_once, "a run-once job: its work is done, no data goes with it"), Severity.LOW),
    Grade(_when(left_in_place, "its own settings leave the object in place: Terraform only stops managing it, "
                "like a forget"), Severity.MEDIUM),
    Grade(_when(_credential, "a credential: access is revoked; check nothing still uses it"), Severity.MEDIUM, True),
    Grade(lambda c, ri: _paren(workload_cut_off(c, ri)), Severity.HIGH, True),
    Grade(lambda c, ri: _paren(node_pool_kept_cluster(c, ri)), Severity.MEDIUM),
    Grade(_when(k8s_stateless_workload, "a stateless workload with no volumes: its pods stop, no data goes with "
                "them; check nothing still routes to it"), Severity.MEDIUM),
    Grade(lambda c, ri: _paren(narrowing(c, plan_view(ri).derived("allow-only policies",
                                                                  lambda view: allow_only_documents(view.changes)))),
          Severity.MEDIUM),
    Grade(lambda c, ri: _paren(world_entry_removed(c, ri.changeset.changes)), Severity.MEDIUM),
    Grade(lambda c, _ri: _paren(allow_only_policy_deleted(c)), Severity.MEDIUM),
    Grade(lambda c, _ri: _paren(relaxation_removed(c)), Severity.MEDIUM),
    Grade(lambda c, _ri: _paren(public_acl_removed(c)), Severity.MEDIUM),
    Grade(_when(lambda c: bool(STORE_ITEMS.search(c.type)), "an item inside a store; the store keeps the rest"),
          Severity.MEDIUM, True),
    Grade(lambda c, _ri: _paren(alerting_retired(c)), Severity.MEDIUM),
    Grade(lambda c, ri: _paren(None if (why := teardown(c, ri, looks_stateful)) is None
                               else f"a disposable object: {why}"), Severity.MEDIUM),
    Grade(lambda c, ri: _paren(brief_messages(c) or with_container(c, ri, looks_stateful) or preview_instance(c, ri)),
          Severity.MEDIUM),
    Grade(_when(mail_policy, "the domain's SPF or DMARC policy: anyone can send mail as the domain"),
          Severity.HIGH, True),
    Grade(lambda c, _ri: _paren(None if (dns := record_name(c)) is None
                                else f"DNS record {dns}: the name stops resolving"), Severity.MEDIUM, True),
    Grade(lambda c, ri: None if looks_stateful(c.type) else container_renamed(c, ri), Severity.HIGH, True),
    Grade(_rename, Severity.MEDIUM),
    Grade(lambda c, ri: None if looks_stateful(c.type) else _paren(shifted_definition(c, ri)), Severity.MEDIUM),
    Grade(lambda c, ri: _paren(cache_handed_over(c, ri)) if looks_stateful(c.type)
          else _paren(successor(c, ri) or handed_over(c, ri) or retired_version(c, ri) or folded_into(c, ri)),
          Severity.MEDIUM),
    Grade(lambda c, _ri: None if looks_stateful(c.type) or (scope := non_production_scope(c)) is None
          else f" (it lived in non-production scope {scope})", Severity.MEDIUM),
    Grade(lambda c, ri: None if looks_stateful(c.type) else _paren(retired_with_names(c, ri)), Severity.MEDIUM, True),
    Grade(lambda c, ri: None if looks_stateful(c.type) else _paren(taken_over(c, ri)), Severity.MEDIUM),
    Grade(lambda c, ri: None if looks_stateful(c.type) else _paren(sandbox_only(c, ri)), Severity.MEDIUM),
    Grade(lambda c, _ri: None if looks_stateful(c.type) else _paren(already_off(c)), Severity.MEDIUM),
    Grade(lambda c, ri: _paren(rebuilt(c, ri, looks_stateful(c.type)) or disposable_store(c)), Severity.MEDIUM),
    Grade(lambda c, ri: None if looks_stateful(c.type) else _paren(replaced_alerting(c, ri)), Severity.MEDIUM),
    Grade(lambda c, ri: _paren(replica_with_primary(c, ri) or reader_of_cluster(c, ri)), Severity.MEDIUM),
    Grade(lambda c, ri: _paren(final_copy(c) or branch_of_parent(c, ri) or preview_table(c)), Severity.MEDIUM),
    Grade(lambda c, ri: _paren(goes_with_store(c, ri, looks_stateful)), Severity.MEDIUM),
    Grade(lambda c, ri: None if looks_stateful(c.type) else _paren(unwired(c, ri)), Severity.MEDIUM),
    Grade(lambda c, ri: _paren(listener_kept(c, ri) or consumers_moved(c, ri) or secret_synced(c, ri)
                               or (None if looks_stateful(c.type) else type_migrated(c, ri))), Severity.MEDIUM),
    Grade(lambda c, _ri: _paren(allow_all_policy_deleted(c)), Severity.MEDIUM),
    Grade(lambda c, ri: None if looks_stateful(c.type) else _paren(referrers_moved(c, ri) or superseded(c, ri)
                                                                   or rule_moved(c, ri)),
          Severity.MEDIUM),
    Grade(lambda c, ri: _paren(own_logs_retired(c, ri)), Severity.MEDIUM, True),
)

REPLACE_LADDER: tuple[Grade, ...] = (
    Grade(_when(lambda c: is_helper_type(c.type), "helper type, holds no infrastructure"), Severity.LOW),
    Grade(_when(lambda c: is_immutable_type(c.type), "immutable by design, replaced on deploys"), Severity.LOW),
    Grade(lambda c, _ri: _paren(rotation(c)), Severity.MEDIUM),
    # replace_triggered_by on a run-once job is the configuration asking for a re-run on each change it names.
    Grade(_when(lambda c: _run_once(c) and c.action_reason == "replace_by_triggers",
                "a run-once job re-run by its replace_triggered_by, as configured"), Severity.MEDIUM),
    # A finished job holds no data; its replacement runs the work again with the new settings, like a new job.
    Grade(_when(lambda c: _run_once(c) and runs_to_completion(c), "a run-once job that runs to completion "
                "re-created: it runs its work again with the new settings; no data goes with the old one"),
          Severity.MEDIUM),
    Grade(_when(lambda c: bool(LINKS.search(c.type) or STORE_ITEMS.search(c.type)),
                "a link or an item in a store, re-made in the same apply"), Severity.MEDIUM),
    Grade(_when(k8s_stateless, "a stateless Kubernetes object: its pods are re-created, no data goes with them"),
          Severity.MEDIUM),
    Grade(lambda c, _ri: None if looks_stateful(c.type) else _paren(image_redeploy(c)), Severity.MEDIUM),
    Grade(lambda c, _ri: _paren(machine_rebuilt(c)), Severity.MEDIUM),
    Grade(lambda c, ri: _paren(reclaimable_pool_replaced(c, ri)), Severity.MEDIUM),
    Grade(_when(lambda c: c.actions[:1] == ["create"] and not looks_stateful(c.type),
                "stateless, and the new one exists before the old one goes"), Severity.MEDIUM),
    Grade(_when(lambda c: c.actions[:1] == ["create"] and bool(AUDIT_DEVICES.search(c.type)),
                "an audit device re-made create-before-destroy: the new one records before the old one goes, "
                "and the trail already written stays"), Severity.MEDIUM),
    Grade(_when(lambda c: bool(ROUTES.search(c.type)),
                "it only routes logs or metrics elsewhere and holds no data; re-made in the same apply"),
          Severity.MEDIUM),
    Grade(lambda c, _ri: _paren(stricter(c, looks_stateful(c.type)) or secured(c)
                                or tightened(c, looks_stateful(c.type)) or selection_kept(c)), Severity.MEDIUM),
    Grade(lambda c, ri: _paren(rebuilt(c, ri, looks_stateful(c.type))), Severity.MEDIUM),
    Grade(lambda c, ri: None if looks_stateful(c.type) else _paren(repointed(c, ri)), Severity.MEDIUM),
    Grade(lambda c, _ri: _paren(record_kept(c) or observer_kept(c)), Severity.MEDIUM),
)


def grade(change: Change, ri: ReviewInput) -> tuple[str, Severity, bool]:
    """Walk the delete or replace ladder: the message suffix, the severity and whether something is lost."""
    graded: dict[int, tuple[str, Severity, bool]] = plan_view(ri).derived("lifecycle grades", lambda _: {})
    if id(change) not in graded:  # resource-delete/-replace and scale-deletes ask for the same changes
        graded[id(change)] = _climb(change, ri)
    return graded[id(change)]


def _climb(change: Change, ri: ReviewInput) -> tuple[str, Severity, bool]:
    ladder = DELETE_LADDER if change.action is Action.DELETE else REPLACE_LADDER
    for rung in ladder:
        if (suffix := rung.test(change, ri)) is not None:
            return suffix, rung.severity, rung.loses
    return loss(change.type), Severity.HIGH, True


def loses_something(change: Change, ri: ReviewInput) -> bool:
    """Whether a managed delete or replace loses something (graded by the ladders; not disposable, not re-made)."""
    return change.action in (Action.DELETE, Action.REPLACE) and grade(change, ri)[2]


@rule("resource-delete", Severity.HIGH,
      "A managed resource is destroyed (data or service loss for stateful types; helper types low).")
def _deletes(ri: ReviewInput) -> Iterator[Finding]:
    for change in managed(ri.changeset, Action.DELETE):
        what = f"deposed object {change.deposed} of {change.address}" if change.deposed else change.address
        reason = DELETE_REASONS.get(change.action_reason or "")
        because = f" because {reason}" if reason else ""
        suffix, severity, _ = grade(change, ri)
        yield finding("resource-delete", change.address, f"{what} is destroyed{because}{suffix}", severity)


@rule("resource-replace", Severity.HIGH,
      "A managed resource is destroyed and re-created; says why and which attribute forces it.")
def _replaces(ri: ReviewInput) -> Iterator[Finding]:
    for change in managed(ri.changeset, Action.REPLACE):
        suffix, severity, _ = grade(change, ri)
        yield finding("resource-replace", change.address, replace_message(change) + suffix, severity)


def replace_message(change: Change) -> str:
    """Say what is replaced, in which order, why, and which attribute forces it."""
    create_first = change.actions[:1] == ["create"]
    order = "created before the old one is destroyed" if create_first else "destroyed, then re-created"
    message = f"{change.address} is replaced ({order})"
    if change.action_reason in REASONS:
        message += f" because {REASONS[change.action_reason]}"
    if change.replace_paths:
        message += f"; forced by {', '.join(change.replace_paths)}"
    return message


@rule("resource-forget", Severity.MEDIUM,
      "A resource leaves Terraform state but keeps existing (removed block with destroy = false).")
def _forgets(ri: ReviewInput) -> Iterator[Finding]:
    for change in managed(ri.changeset, Action.FORGET):
        yield finding("resource-forget", change.address,
                      f"{change.address} is removed from state but not destroyed (forget): "
                      "Terraform stops managing it")


@rule("resource-import", Severity.MEDIUM, "An existing object is imported into state (import block).")
def _imports(ri: ReviewInput) -> Iterator[Finding]:
    for change in ri.changeset.changes:
        if change.importing:
            yield finding("resource-import", change.address,
                          f"{change.address} is imported (id {change.import_id or 'unknown'}): "
                          "check the object is the one you mean to manage")
