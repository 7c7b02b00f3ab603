"""Messaging and streaming (session 21's principles), each risky plan beside a look-alike that stays likely safe: a
function trusting a service whose topics and buckets any account owns without naming the source, a broker ACL on
every topic, a pipeline that reads every topic."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.helpers import review_rules_alone, worst_by_rule
from tfreview.labels import Label
from tfreview.pipeline.findings import Severity

RISKY, SAFE = Label.NEEDS_CLOSE_REVIEW, Label.LIKELY_SAFE


def entry(address: str, actions: list[str], before: Any, after: Any, **change: Any) -> dict[str, Any]:
    """One resource_changes entry (type and name read from ADDRESS)."""
    kind, name = address.rsplit(".", 1)
    return {"address": address, "mode": "managed", "type": kind, "name": name,
            "provider_name": "registry.terraform.io/hashicorp/x",
            "change": {"actions": actions, "before": before, "after": after, "after_unknown": {},
                       "before_sensitive": {} if before is not None else False,
                       "after_sensitive": {} if after is not None else False, **change}}


def judged(tmp_path: Path, *changes: dict[str, Any]) -> tuple[Label, dict[str, Severity]]:
    result = review_rules_alone(tmp_path, list(changes))
    return result.label, worst_by_rule(result)


# --- a function trusting a service principal with no source -----------------------------------------------------
def permission(principal: str, **source: Any) -> dict[str, Any]:
    return {"action": "lambda:InvokeFunction", "function_name": "thumbnailer", "principal": principal,
            "statement_id": "AllowFromService", "source_arn": None, "source_account": None, **source}


@pytest.mark.parametrize("principal", ["s3.amazonaws.com", "sns.amazonaws.com"])
def test_a_function_trusting_a_topic_or_bucket_service_without_a_source(tmp_path: Path, principal: str) -> None:
    label, found = judged(tmp_path, entry("aws_lambda_permission.from_service", ["create"], None,
                                          permission(principal)))
    assert label is RISKY and found["iam-public-member"] is Severity.HIGH


@pytest.mark.parametrize("source", [{"source_arn": "arn:aws:s3:::media-uploads"},
                                    {"source_account": "111122223333"}])
def test_a_function_trusting_a_service_for_one_source_stays_safe(tmp_path: Path, source: dict[str, str]) -> None:
    label, found = judged(tmp_path, entry("aws_lambda_permission.from_service", ["create"], None,
                                          permission("s3.amazonaws.com", **source)))
    assert label is SAFE and "iam-public-member" not in found


def test_a_source_known_only_after_apply_is_a_source(tmp_path: Path) -> None:
    label, found = judged(tmp_path, entry("aws_lambda_permission.from_service", ["create"], None,
                                          permission("sns.amazonaws.com"), after_unknown={"source_arn": True}))
    assert label is SAFE and "iam-public-member" not in found


# --- a broker ACL on every topic ------------------------------------------------------------------------------
def acl(resource: str, operation: str = "Read", pattern: str = "Literal", kind: str = "Topic") -> dict[str, Any]:
    return {"acl_host": "*", "acl_operation": operation, "acl_permission_type": "Allow",
            "acl_principal": "User:CN=ledger-reader", "resource_name": resource,
            "resource_pattern_type_filter": pattern, "resource_type": kind}


@pytest.mark.parametrize("operation", ["Read", "Write", "All"])
def test_a_named_consumer_granted_every_topic(tmp_path: Path, operation: str) -> None:
    label, found = judged(tmp_path, entry("kafka_acl.ledger", ["create"], None, acl("*", operation)))
    assert label is RISKY and found["iam-wildcard"] is Severity.HIGH


def test_an_aiven_style_acl_on_every_topic(tmp_path: Path) -> None:
    after = {"project": "acme", "service_name": "events", "topic": "*", "permission": "read", "username": "bi"}
    label, found = judged(tmp_path, entry("aiven_kafka_acl.bi", ["create"], None, after))
    assert label is RISKY and found["iam-wildcard"] is Severity.HIGH


@pytest.mark.parametrize("after", [acl("ledger.", pattern="Prefixed"), acl("*", kind="Group"),
                                   acl("*", operation="Describe"), {**acl("*"), "acl_permission_type": "Deny"}])
def test_a_scoped_acl_or_one_on_groups_or_metadata_stays_safe(tmp_path: Path, after: dict[str, Any]) -> None:
    label, found = judged(tmp_path, entry("kafka_acl.ledger", ["create"], None, after))
    assert label is SAFE and found.get("iam-wildcard") is not Severity.HIGH


# --- a pipeline reading every topic ---------------------------------------------------------------------------
def mirror(selection: dict[str, str]) -> dict[str, Any]:
    return {"name": "events-to-partner", "target_bootstrap": "kafka.partner.example:9093", **selection}


@pytest.mark.parametrize("selection", [{"topics_pattern": ".*"}, {"topic_whitelist": "*"}])
def test_a_pipeline_selecting_every_topic(tmp_path: Path, selection: dict[str, str]) -> None:
    label, found = judged(tmp_path, entry("redpanda_mirror.events", ["update"], mirror({"topics_pattern": "orders"}),
                                          mirror(selection)))
    assert label is RISKY and found["allowlist-emptied"] is Severity.HIGH


@pytest.mark.parametrize("selection", [{"topics_pattern": "orders\\..*"}, {"topics_pattern": "orders|refunds"}])
def test_a_pipeline_selecting_a_family_of_topics_stays_safe(tmp_path: Path, selection: dict[str, str]) -> None:
    label, found = judged(tmp_path, entry("redpanda_mirror.events", ["update"], mirror({"topics_pattern": "orders"}),
                                          mirror(selection)))
    assert label is SAFE and "allowlist-emptied" not in found


# --- an authorizer that lets everyone in where no ACL is found ------------------------------------------------
BROKER = "auto.create.topics.enable=false\nnum.io.threads=8\nlog.retention.hours=168\n"


@pytest.mark.parametrize("extra", ["allow.everyone.if.no.acl.found = true\n", "allow_anonymous true\n"])
def test_a_broker_configuration_allowing_everyone_without_an_acl(tmp_path: Path, extra: str) -> None:
    label, found = judged(tmp_path, entry("redpanda_broker_config.events", ["update"],
                                          {"properties": BROKER}, {"properties": BROKER + extra}))
    assert label is RISKY and found["iam-wildcard"] is Severity.HIGH


def test_a_switch_allowing_everyone_without_an_acl(tmp_path: Path) -> None:
    label, found = judged(tmp_path, entry("strimzi_kafka.events", ["update"],
                                          {"allow_everyone_if_no_acl_found": False},
                                          {"allow_everyone_if_no_acl_found": True}))
    assert label is RISKY and found["iam-wildcard"] is Severity.HIGH


@pytest.mark.parametrize("extra", ["allow.everyone.if.no.acl.found=false\n", "num.io.threads=16\n"])
def test_a_broker_configuration_keeping_acls_closed_stays_safe(tmp_path: Path, extra: str) -> None:
    label, found = judged(tmp_path, entry("redpanda_broker_config.events", ["update"],
                                          {"properties": BROKER}, {"properties": BROKER + extra}))
    assert label is SAFE and "iam-wildcard" not in found


# --- drift in a stamp the provider assigns and the plan computes again --------------------------------------
def drifted(key: str, old: str, new: str, unknown: bool) -> tuple[dict[str, Any], dict[str, Any]]:
    """A cluster whose KEY drifted OLD → NEW while the plan grows its volume (and computes KEY again if UNKNOWN)."""
    base = {"cluster_name": "events", "volume_size": 1000}
    drift = entry("aws_msk_cluster.events", ["update"], {**base, key: old}, {**base, key: new})
    after = {**base, "volume_size": 2000, key: None if unknown else old}
    change = entry("aws_msk_cluster.events", ["update"], {**base, key: new}, after,
                   after_unknown={key: True} if unknown else {})
    return drift, change


def test_a_provider_assigned_version_stamp_recomputed_is_bookkeeping(tmp_path: Path) -> None:
    drift, change = drifted("current_version", "K3AEGXETSR30VB", "K1X4CZ5SP0B7QL", unknown=True)
    result = review_rules_alone(tmp_path, [change], resource_drift=[drift])
    assert result.label is SAFE and worst_by_rule(result)["drift-on-changed"] is Severity.MEDIUM


def test_a_configured_version_drift_reverted_stays_high(tmp_path: Path) -> None:
    drift, change = drifted("kafka_version", "3.5.1", "3.6.0", unknown=False)
    result = review_rules_alone(tmp_path, [change], resource_drift=[drift])
    assert result.label is RISKY and worst_by_rule(result)["drift-on-changed"] is Severity.HIGH


# --- a stream's replay window in its provider's documented unit -------------------------------------------
def stream(hours: int) -> dict[str, Any]:
    return {"name": "ledger-events", "shard_count": 4, "retention_period": hours, "encryption_type": "KMS"}


def test_a_stream_retention_in_hours_cut_to_a_day(tmp_path: Path) -> None:
    label, found = judged(tmp_path, entry("aws_kinesis_stream.ledger", ["update"], stream(72), stream(24)))
    assert label is RISKY and found["backup-reduced"] is Severity.HIGH


@pytest.mark.parametrize("hours", [48, 336])
def test_a_stream_retention_still_kept_days_stays_safe(tmp_path: Path, hours: int) -> None:
    label, found = judged(tmp_path, entry("aws_kinesis_stream.ledger", ["update"], stream(168), stream(hours)))
    assert label is SAFE and found.get("backup-reduced") is not Severity.HIGH


# --- an alerting rule switched off beside a new rule that selects nothing -----------------------------------
def event_rule(name: str, pattern: str, enabled: bool, schedule: str = "") -> dict[str, Any]:
    return {"name": name, "description": "", "event_bus_name": "default", "event_pattern": pattern,
            "schedule_expression": schedule, "is_enabled": enabled, "state": "ENABLED" if enabled else "DISABLED"}


FINDINGS = '{"source":["aws.securityhub"],"detail-type":["Security Hub Findings - Imported"]}'


def alert_off(new: dict[str, Any]) -> tuple[dict[str, Any], ...]:
    return (entry("aws_cloudwatch_event_rule.securityhub_alerts", ["update"],
                  event_rule("securityhub-alerts", FINDINGS, True), event_rule("securityhub-alerts", FINDINGS, False)),
            entry("aws_cloudwatch_event_rule.new_rule", ["create"], None, new))


def test_an_alerting_rule_off_beside_a_timer_rule(tmp_path: Path) -> None:
    label, found = judged(tmp_path, *alert_off(event_rule("nightly-cleanup", "", True, "cron(0 3 * * ? *)")))
    assert label is RISKY and found["detection-disabled"] is Severity.HIGH


def test_an_alerting_rule_moved_to_a_new_rule_selecting_events_stays_safe(tmp_path: Path) -> None:
    label, found = judged(tmp_path, *alert_off(event_rule("securityhub-alerts-v2", FINDINGS, True)))
    assert label is SAFE and found["detection-disabled"] is Severity.MEDIUM


# --- a wildcard principal narrowed by an organisation condition -------------------------------------------
def bus_permission(principal: str, condition: list[dict[str, str]]) -> dict[str, Any]:
    return {"action": "events:PutEvents", "event_bus_name": "billing-events", "principal": principal,
            "statement_id": "Producers", "condition": condition}


ORG = [{"key": "aws:PrincipalOrgID", "type": "StringEquals", "value": "o-abc123def4"}]


def test_a_wildcard_principal_with_no_condition(tmp_path: Path) -> None:
    label, found = judged(tmp_path, entry("aws_cloudwatch_event_permission.producers", ["update"],
                                          bus_permission("210987654321", []), bus_permission("*", [])))
    assert label is RISKY and found["supply-chain-opened"] is Severity.HIGH


def test_a_wildcard_principal_narrowed_to_the_organisation_stays_safe(tmp_path: Path) -> None:
    label, found = judged(tmp_path, entry("aws_cloudwatch_event_permission.producers", ["update"],
                                          bus_permission("210987654321", []), bus_permission("*", ORG)))
    assert label is SAFE and "supply-chain-opened" not in found


# --- a credential under a dotted property key ---------------------------------------------------------------
def connector(config: dict[str, str]) -> dict[str, Any]:
    return {"name": "ledger-archive", "config": {"connector.class": "io.confluent.connect.gcs.GcsSinkConnector",
                                                 "topics": "ledger.v1", **config}}


@pytest.mark.parametrize("config", [{"gcs.api.key": "Zr8Qw2Lm5Tx9Kp3Vn7Hc1Bd6Fj4Gs0Ay"},
                                    {"aws.secret.access.key": "h3Kd9Wq2Lx7Tz1PbN5mRc8Ys0Jv4Ge6Fa2Uo7Ki1"}])
def test_a_credential_under_a_dotted_property_key(tmp_path: Path, config: dict[str, str]) -> None:
    label, found = judged(tmp_path, entry("kafka_connect_connector.archive", ["create"], None, connector(config)))
    assert label is RISKY and found["credential-in-plan"] is Severity.HIGH


@pytest.mark.parametrize("config", [{"gcs.api.key.file": "/etc/connect/gcs-key.json"},
                                    {"aws.access.key.id": "AKIAWZ3Q7N2LRK4XPEVM"}])
def test_a_dotted_key_naming_a_file_or_an_identifier_stays_safe(tmp_path: Path, config: dict[str, str]) -> None:
    label, found = judged(tmp_path, entry("kafka_connect_connector.archive", ["create"], None, connector(config)))
    assert label is SAFE and found.get("credential-in-plan") is not Severity.HIGH


# --- an Azure data-plane role granted over a whole subscription ---------------------------------------------
SUBSCRIPTION = "/subscriptions/00000000-1111-2222-3333-444444444444"


def assignment(role: str, scope: str) -> dict[str, Any]:
    return {"role_definition_name": role, "scope": scope, "principal_id": "5e6f7a8b-0000-4000-8000-000000000001",
            "condition": "", "description": "ingest worker"}


@pytest.mark.parametrize(("role", "scope", "severity"), [
    ("Storage Blob Data Reader", SUBSCRIPTION, Severity.MEDIUM),  # one subscription: a look, not a floor
    ("Azure Service Bus Data Receiver", "/providers/Microsoft.Management/managementGroups/platform", Severity.HIGH),
])
def test_a_data_role_over_a_subscription_or_management_group(tmp_path: Path, role: str, scope: str,
                                                             severity: Severity) -> None:
    _, found = judged(tmp_path, entry("azurerm_role_assignment.ingest", ["create"], None, assignment(role, scope)))
    assert found["iam-privileged-role"] is severity


@pytest.mark.parametrize(("role", "scope"), [
    ("Storage Blob Data Reader", f"{SUBSCRIPTION}/resourceGroups/rg-ingest/providers/Microsoft.Storage/"
                                 "storageAccounts/stingest"),
    ("Reader", SUBSCRIPTION),
])
def test_a_data_role_on_one_store_or_a_settings_reader_stays_safe(tmp_path: Path, role: str, scope: str) -> None:
    label, found = judged(tmp_path, entry("azurerm_role_assignment.ingest", ["create"], None, assignment(role, scope)))
    assert label is SAFE and found.get("iam-privileged-role") is not Severity.HIGH


# --- a compacted changelog switched to delete ----------------------------------------------------------------
def topic(policy: str, retention: str = "-1") -> dict[str, Any]:
    return {"topic_name": "balances-store-changelog", "partitions_count": 6,
            "config": {"cleanup_policy": policy, "retention_ms": retention}}


@pytest.mark.parametrize("policy", ["delete", "DELETE"])
def test_a_compacted_topic_switched_to_delete(tmp_path: Path, policy: str) -> None:
    label, found = judged(tmp_path, entry("redpanda_topic.balances", ["update"], topic("compact"),
                                          topic(policy, "604800000")))
    assert label is RISKY and found["backup-reduced"] is Severity.HIGH


@pytest.mark.parametrize(("old", "new"), [("compact", "compact,delete"), ("delete", "compact")])
def test_a_topic_that_still_compacts_stays_safe(tmp_path: Path, old: str, new: str) -> None:
    label, found = judged(tmp_path, entry("redpanda_topic.balances", ["update"], topic(old), topic(new)))
    assert label is SAFE and "backup-reduced" not in found


# --- a schema registry's compatibility rule turned off ------------------------------------------------------
def subject(level: str) -> dict[str, Any]:
    return {"subject_name": "payments.settled-value", "compatibility_level": level}


@pytest.mark.parametrize("old", ["FULL_TRANSITIVE", "BACKWARD"])
def test_a_subject_compatibility_set_to_none(tmp_path: Path, old: str) -> None:
    label, found = judged(tmp_path, entry("confluent_subject_config.settled", ["update"], subject(old),
                                          subject("NONE")))
    assert label is RISKY and found["protection-disabled"] is Severity.HIGH


@pytest.mark.parametrize(("old", "new"), [("BACKWARD", "FULL"), ("NONE", "BACKWARD"), ("BACKWARD", "FORWARD")])
def test_a_subject_compatibility_still_enforced_stays_safe(tmp_path: Path, old: str, new: str) -> None:
    label, found = judged(tmp_path, entry("confluent_subject_config.settled", ["update"], subject(old), subject(new)))
    assert label is SAFE and "protection-disabled" not in found


# --- an authorizer's decision logs excluded -------------------------------------------------------------------
def pipeline(exclusions: list[dict[str, Any]]) -> dict[str, Any]:
    return {"name": "platform", "exclusion": exclusions}


def exclusion(query: str, rate: float) -> dict[str, Any]:
    return {"name": "noise", "is_enabled": True, "filter": [{"query": query, "sample_rate": rate}]}


@pytest.mark.parametrize("query", ["service:opa @decision_logger:authz", "logger:org.apache.kafka.authorizer"])
def test_an_exclusion_dropping_authorizer_decisions(tmp_path: Path, query: str) -> None:
    label, found = judged(tmp_path, entry("newrelic_log_index.platform", ["update"], pipeline([]),
                                          pipeline([exclusion(query, 1.0)])))
    assert label is RISKY and found["logging-disabled"] is Severity.HIGH


def test_an_exclusion_dropping_connector_debug_chatter_stays_safe(tmp_path: Path) -> None:
    label, found = judged(tmp_path, entry("newrelic_log_index.platform", ["update"], pipeline([]),
                                          pipeline([exclusion("service:kafka-connect status:debug", 0.95)])))
    assert label is SAFE and "logging-disabled" not in found


# --- a build's push secret named, not held ----------------------------------------------------------------
def build(push_secret: str) -> dict[str, Any]:
    spec = {"build": {"output": {"type": "docker", "image": "registry.internal/cdc/connect:2.7",
                                 "pushSecret": push_secret}}}
    return {"manifest": {"apiVersion": "kafka.strimzi.io/v1beta2", "kind": "KafkaConnect",
                         "metadata": {"name": "cdc", "namespace": "streaming"}, "spec": spec}}


def test_a_push_secret_holding_a_registry_token(tmp_path: Path) -> None:
    label, found = judged(tmp_path, entry("kubernetes_manifest.cdc", ["create"], None,
                                          build("dckr_pat_Q7mK2xV9pL4rT8wN3bH6cJ1sF5gD0aZ")))
    assert label is RISKY and found["credential-in-plan"] is Severity.HIGH


def test_a_push_secret_naming_a_kubernetes_secret_stays_safe(tmp_path: Path) -> None:
    label, found = judged(tmp_path, entry("kubernetes_manifest.cdc", ["create"], None, build("registry-push")))
    assert label is SAFE and "credential-in-plan" not in found


# --- an image moved to another publisher, named by a tag ------------------------------------------------------
def workload(image: str) -> dict[str, Any]:
    return {"name": "stream-router", "task_definition": {"containerDefinitions": [{"name": "router", "image": image}]}}


DIGEST = "sha256:" + "4f" * 32
OFFICIAL = "docker.io/redpandadata/connect:4.1"


def test_an_image_moved_to_another_publisher_by_tag(tmp_path: Path) -> None:
    label, found = judged(tmp_path, entry("nomad_job.router", ["update"], workload(OFFICIAL),
                                          workload("ghcr.io/jdoe-dev/connect:4.2-fixed")))
    assert label is RISKY and found["supply-chain-opened"] is Severity.HIGH


def test_an_image_moved_to_another_publisher_by_digest_stays_safe(tmp_path: Path) -> None:
    label, found = judged(tmp_path, entry("nomad_job.router", ["update"], workload(OFFICIAL),
                                          workload(f"ghcr.io/jdoe-dev/connect:4.2-fixed@{DIGEST}")))
    assert label is SAFE and found["supply-chain-opened"] is Severity.MEDIUM


# --- a forwarder draining one of our queues to a host outside -------------------------------------------------
def shovel(destination: str) -> dict[str, Any]:
    return {"name": "refunds-forward", "vhost": "payments", "source_queue": "refunds.approved",
            "source_uri": "amqp:///payments", "destination_uri": destination, "destination_queue": "inbound"}


def test_a_forwarder_draining_a_queue_to_an_outside_host(tmp_path: Path) -> None:
    label, found = judged(tmp_path, entry("lavinmq_shovel.refunds", ["create"], None,
                                          shovel("amqps://mq.freight-partner-example.com:5671/in")))
    assert label is RISKY and found["egress-outside"] is Severity.HIGH


def test_a_forwarder_draining_a_queue_into_another_local_vhost_stays_safe(tmp_path: Path) -> None:
    label, found = judged(tmp_path, entry("lavinmq_shovel.refunds", ["create"], None, shovel("amqp:///archive")))
    assert label is SAFE and "egress-outside" not in found
