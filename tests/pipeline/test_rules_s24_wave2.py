"""Session 24, what the second wave of unseen sets (61-63, scored on the rules after the first wave's fixes) showed:
each principle holds its risky case and lets its benign look-alike pass."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.pipeline.test_rules_detectors_through_configuration import judge, resource
from tfreview.pipeline.findings import Severity


def _deleted(address: str, before: dict[str, Any]) -> dict[str, Any]:
    entry = resource(address, None, before, actions=["delete"])
    entry["action_reason"] = "delete_because_no_resource_config"
    return entry


# --- settings moved into a resource of their own ----------------------------------------------------------------------

LOGGING = {"bucket_name": "acme-audit-redshift", "s3_key_prefix": "edw/", "log_destination_type": "s3",
           "log_exports": ["connectionlog", "userlog", "useractivitylog"], "enable": True}


def _cluster(logging: list[dict[str, Any]]) -> dict[str, Any]:
    return {"cluster_identifier": "edw-prod", "node_type": "ra3.xlplus", "logging": logging}


def test_a_logging_block_moved_whole_into_its_own_resource_is_medium(tmp_path: Path) -> None:
    moved = {k: v for k, v in LOGGING.items() if k != "enable"}
    changes = [resource("aws_redshift_cluster.edw", _cluster([]), _cluster([LOGGING])),
               resource("aws_redshift_logging.edw", {"cluster_identifier": "edw-prod", **moved})]
    assert judge(tmp_path, changes).get("logging-disabled") is Severity.MEDIUM


def test_a_logging_block_moved_to_another_bucket_or_dropped_stays_high(tmp_path: Path) -> None:
    other = {"cluster_identifier": "edw-prod", "bucket_name": "someone-elses-bucket", "s3_key_prefix": "edw/",
             "log_destination_type": "s3", "log_exports": ["connectionlog", "userlog", "useractivitylog"]}
    for extra in ([resource("aws_redshift_logging.edw", other)], []):
        changes = [resource("aws_redshift_cluster.edw", _cluster([]), _cluster([LOGGING])), *extra]
        assert judge(tmp_path, changes).get("logging-disabled") is Severity.HIGH


# --- expiry lengthened, a store set to delete itself ------------------------------------------------------------------

def _lifecycle(days: int, transition: list[dict[str, Any]]) -> dict[str, Any]:
    return {"bucket": "acme-log-archive", "rule": [{"id": "retention", "status": "Enabled", "filter": [{}],
                                                     "expiration": [{"days": days}], "transition": transition}]}


def test_a_whole_bucket_expiry_made_longer_with_a_colder_tier_added_says_nothing(tmp_path: Path) -> None:
    glacier = [{"days": 90, "storage_class": "GLACIER"}]
    longer = resource("aws_s3_bucket_lifecycle_configuration.archive", _lifecycle(2555, glacier), _lifecycle(365, []))
    assert "lifecycle-expiration" not in judge(tmp_path, [longer])
    shorter = resource("aws_s3_bucket_lifecycle_configuration.archive", _lifecycle(30, glacier), _lifecycle(365, []))
    assert judge(tmp_path, [shorter]).get("lifecycle-expiration") is Severity.HIGH


def test_an_existing_table_given_a_time_to_delete_itself_is_high(tmp_path: Path) -> None:
    table = resource("google_bigquery_table.archive", {"table_id": "txn_archive", "expiration_time": 1764547200000},
                     {"table_id": "txn_archive", "expiration_time": 0})
    assert judge(tmp_path, [table]).get("lifecycle-expiration") is Severity.HIGH


def test_an_expiry_moved_later_or_set_on_a_new_table_says_nothing(tmp_path: Path) -> None:
    later = resource("google_bigquery_table.scratch", {"table_id": "scratch", "expiration_time": 1800000000000},
                     {"table_id": "scratch", "expiration_time": 1764547200000})
    new = resource("google_bigquery_table.scratch", {"table_id": "scratch", "expiration_time": 1764547200000})
    for change in (later, new):
        assert "lifecycle-expiration" not in judge(tmp_path, [change])


# --- coverage, proxies, modes -----------------------------------------------------------------------------------------

def test_an_org_sink_that_stops_taking_its_childrens_logs_is_high(tmp_path: Path) -> None:
    sink = resource("google_logging_organization_sink.audit", {"name": "audit", "include_children": False},
                    {"name": "audit", "include_children": True})
    assert judge(tmp_path, [sink]).get("logging-disabled") is Severity.HIGH
    wider = resource("google_logging_organization_sink.audit", {"name": "audit", "include_children": True},
                     {"name": "audit", "include_children": False})
    assert "logging-disabled" not in judge(tmp_path, [wider])


def _access_policy(include: dict[str, Any]) -> dict[str, Any]:
    return {"name": "admins", "decision": "allow", "include": [include], "require": []}


def test_an_access_policy_that_includes_everyone_as_an_empty_object_is_high(tmp_path: Path) -> None:
    opened = resource("cloudflare_zero_trust_access_policy.admins", _access_policy({"everyone": {}}),
                      _access_policy({"email_domain": {"domain": "acme.example"}}))
    assert judge(tmp_path, [opened]).get("iam-public-member") is Severity.HIGH
    unset = resource("cloudflare_zero_trust_access_policy.admins",
                     _access_policy({"everyone": None, "email_domain": {"domain": "acme.example"}}),
                     _access_policy({"email_domain": {"domain": "corp.example"}}))
    assert "iam-public-member" not in judge(tmp_path, [unset])


def test_a_mitigation_moved_from_always_on_to_monitor_is_high_and_back_says_nothing(tmp_path: Path) -> None:
    weaker = resource("lumenshield_ddos_policy.ingest", {"mitigation_mode": "monitor"},
                      {"mitigation_mode": "always_on"})
    assert judge(tmp_path, [weaker]).get("detection-disabled") is Severity.HIGH
    stronger = resource("lumenshield_ddos_policy.ingest", {"mitigation_mode": "always_on"},
                        {"mitigation_mode": "monitor"})
    assert "detection-disabled" not in judge(tmp_path, [stronger])


# --- where charts come from -------------------------------------------------------------------------------------------

def _release(repository: str) -> dict[str, Any]:
    return {"name": "ingress-nginx", "chart": "ingress-nginx", "repository": repository, "version": "4.11.3"}


def test_a_chart_moved_from_a_project_page_to_a_domain_that_only_starts_like_it_is_high(tmp_path: Path) -> None:
    moved = resource("helm_release.ingress", _release("https://charts.kube-mirror.io/ingress-nginx"),
                     _release("https://kubernetes.github.io/ingress-nginx"))
    assert judge(tmp_path, [moved]).get("supply-chain-opened") is Severity.HIGH


def test_a_chart_moved_to_its_projects_own_domain_says_nothing(tmp_path: Path) -> None:
    moved = resource("helm_release.prom", _release("https://charts.prometheus.io"),
                     _release("https://prometheus-community.github.io/helm-charts"))
    assert "supply-chain-opened" not in judge(tmp_path, [moved])


# --- masking, locks, links --------------------------------------------------------------------------------------------

def _masking(body: str) -> dict[str, Any]:
    return {"name": "pan", "body": body}


MASKED = "CASE WHEN IS_ROLE_IN_SESSION('PCI_READER') THEN val ELSE CONCAT('****', RIGHT(val, 4)) END"


def test_a_masking_policy_that_unmasks_for_the_role_every_session_holds_is_high(tmp_path: Path) -> None:
    opened = MASKED.replace("THEN val", "OR IS_ROLE_IN_SESSION('PUBLIC') THEN val")
    policy = resource("snowflake_masking_policy.pan", _masking(opened), _masking(MASKED))
    assert judge(tmp_path, [policy]).get("data-policy-opened") is Severity.HIGH
    another = MASKED.replace("THEN val", "OR IS_ROLE_IN_SESSION('FRAUD_ANALYST') THEN val")
    policy = resource("snowflake_masking_policy.pan", _masking(another), _masking(MASKED))
    assert "data-policy-opened" not in judge(tmp_path, [policy])


SUB = "/subscriptions/7d1f3c92-4e0b-4a55-9c1e-2f83b6d04a71/resourceGroups/rg-sql-prod"


def _lock(scope: str, level: str = "CanNotDelete") -> dict[str, Any]:
    return {"name": "lock", "scope": scope, "lock_level": level}


def test_a_lock_replaced_by_one_on_the_group_around_it_is_medium(tmp_path: Path) -> None:
    changes = [_deleted("azurerm_management_lock.db", _lock(f"{SUB}/providers/Microsoft.Sql/servers/s/databases/fx")),
               resource("azurerm_management_lock.rg", _lock(SUB))]
    found = judge(tmp_path, changes)
    assert found.get("protection-disabled") is Severity.MEDIUM and found.get("resource-delete") is Severity.MEDIUM


def test_a_lock_replaced_by_a_weaker_one_or_one_elsewhere_stays_high(tmp_path: Path) -> None:
    old = _lock(f"{SUB}/providers/Microsoft.Sql/servers/s/databases/fx", "ReadOnly")
    for new in (_lock(SUB, "CanNotDelete"), _lock(SUB.replace("rg-sql-prod", "rg-other"), "ReadOnly")):
        changes = [_deleted("azurerm_management_lock.db", old), resource("azurerm_management_lock.rg", new)]
        assert judge(tmp_path, changes).get("protection-disabled") is Severity.HIGH, new


def _association(table: str) -> dict[str, Any]:
    return {"transit_gateway_attachment_id": "tgw-attach-06f5e4d3c2b1a0987", "transit_gateway_route_table_id": table}


def _route_table(key: str, table_id: str) -> dict[str, Any]:
    change = resource(f'aws_ec2_transit_gateway_route_table.this["{key}"]', {"id": table_id},
                      {"id": table_id}, actions=["no-op"])
    return change


def test_a_sandbox_association_moved_to_the_production_table_is_high(tmp_path: Path) -> None:
    tables = [_route_table("prod", "tgw-rtb-0f1e2d3c4b5a69870"), _route_table("sandbox", "tgw-rtb-0a9b8c7d6e5f41302")]
    moved = resource('aws_ec2_transit_gateway_route_table_association.spoke["sandbox"]',
                     _association("tgw-rtb-0f1e2d3c4b5a69870"), _association("tgw-rtb-0a9b8c7d6e5f41302"),
                     actions=["delete", "create"])
    assert judge(tmp_path, [moved, *tables]).get("prod-linked-nonprod") is Severity.HIGH


def test_a_sandbox_association_moved_to_another_sandbox_table_says_nothing(tmp_path: Path) -> None:
    tables = [_route_table("sandbox-b", "tgw-rtb-0f1e2d3c4b5a69870"),
              _route_table("sandbox", "tgw-rtb-0a9b8c7d6e5f41302")]
    moved = resource('aws_ec2_transit_gateway_route_table_association.spoke["sandbox"]',
                     _association("tgw-rtb-0f1e2d3c4b5a69870"), _association("tgw-rtb-0a9b8c7d6e5f41302"),
                     actions=["delete", "create"])
    assert "prod-linked-nonprod" not in judge(tmp_path, [moved, *tables])


# --- made for a project the plan deletes ------------------------------------------------------------------------------

def _in(module: str, entry: dict[str, Any]) -> dict[str, Any]:
    entry["address"] = f"{module}.{entry['address']}"
    entry["module_address"] = module
    return entry


def test_a_budget_named_for_the_project_it_goes_with_is_medium(tmp_path: Path) -> None:
    module = 'module.sandbox["sbx-jm-31ac"]'
    project = {"project_id": "sbx-jm-31ac", "name": "sbx-jm-31ac", "labels": {"env": "sandbox", "ttl": "expired"},
               "deletion_policy": "DELETE"}
    budget = {"display_name": "sbx-jm-31ac", "billing_account": "01A2B3-C4D5E6-F7A8B9"}
    changes = [_in(module, _deleted("google_project.this", project)),
               _in(module, _deleted("google_billing_budget.this", budget))]
    assert judge(tmp_path, changes).get("resource-delete") is Severity.MEDIUM


def test_a_budget_named_for_another_project_stays_high(tmp_path: Path) -> None:
    module = 'module.sandbox["sbx-jm-31ac"]'
    project = {"project_id": "sbx-jm-31ac", "name": "sbx-jm-31ac", "labels": {"env": "sandbox", "ttl": "expired"}}
    budget = {"display_name": "payments-prod", "billing_account": "01A2B3-C4D5E6-F7A8B9"}
    changes = [_in(module, _deleted("google_project.this", project)),
               _in(module, _deleted("google_billing_budget.this", budget))]
    assert judge(tmp_path, changes).get("resource-delete") is Severity.HIGH


def test_a_dev_scratch_table_set_to_clean_itself_up_is_medium(tmp_path: Path) -> None:
    table = resource("google_bigquery_table.stage", {"table_id": "dedupe_stage", "expiration_time": 1762992000000,
                                                     "labels": {"env": "dev"}},
                     {"table_id": "dedupe_stage", "expiration_time": 0, "labels": {"env": "dev"}})
    assert judge(tmp_path, [table]).get("lifecycle-expiration") is Severity.MEDIUM


# --- wave 3 (sets 64-66) ----------------------------------------------------------------------------------------------

def _broker(anonymous: str, key: str = "EMQX_ALLOW_ANONYMOUS") -> dict[str, Any]:
    return {"name": "emqx", "chart": "emqx", "values": [f'emqxConfig:\n  {key}: "{anonymous}"\n']}


def test_an_environment_setting_named_with_its_products_prefix_is_read(tmp_path: Path) -> None:
    opened = resource("helm_release.emqx", _broker("true"), _broker("false"))
    assert judge(tmp_path, [opened]).get("public-access") is Severity.HIGH
    closed = resource("helm_release.emqx", _broker("false"), _broker("true"))
    assert "public-access" not in judge(tmp_path, [closed])
    unrelated = resource("helm_release.emqx", _broker("true", "EMQX_LOG_TO_CONSOLE"),
                         _broker("false", "EMQX_LOG_TO_CONSOLE"))
    assert judge(tmp_path, [unrelated]) == {}


def _topic_rule(sql: str) -> dict[str, Any]:
    return {"name": "bridge", "enabled": True, "sql": sql, "sql_version": "2016-03-23",
            "http": [{"url": "https://ingest.perfmetrics-sync.io/v2/collect"}]}


def test_a_new_rule_forwarding_every_device_message_outside_is_high_and_one_topic_low(tmp_path: Path) -> None:
    every = resource("aws_iot_topic_rule.bridge", _topic_rule("SELECT * FROM '#'"))
    assert judge(tmp_path, [every]).get("egress-outside") is Severity.HIGH
    one = resource("aws_iot_topic_rule.bridge", _topic_rule("SELECT temp FROM 'plant/line1/metrics'"))
    assert judge(tmp_path, [one]).get("egress-outside") is Severity.LOW


def _bucket_policy(actions: list[str], bucket: str = "acme-firmware/releases") -> dict[str, Any]:
    statement = {"Sid": "Partner", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::905418226731:root"},
                 "Action": actions, "Resource": f"arn:aws:s3:::{bucket}/*"}
    return {"bucket": bucket.split("/")[0],
            "policy": json.dumps({"Version": "2012-10-17", "Statement": [statement]})}


def test_another_account_allowed_to_delete_objects_is_high_and_to_write_logs_medium(tmp_path: Path) -> None:
    deletes = resource("aws_s3_bucket_policy.fw", _bucket_policy(["s3:PutObject", "s3:DeleteObject"]))
    assert judge(tmp_path, [deletes]).get("iam-public-member") is Severity.HIGH
    logs = resource("aws_s3_bucket_policy.logs", _bucket_policy(["s3:PutObject"], "org-central-logs/AWSLogs"))
    assert judge(tmp_path, [logs]).get("iam-public-member") is Severity.MEDIUM
    # session 25: writing into a store that devices or builds install from ships code (set 73's firmware bucket)
    firmware = resource("aws_s3_bucket_policy.fw", _bucket_policy(["s3:PutObject"]))
    assert judge(tmp_path, [firmware]).get("iam-public-member") is Severity.HIGH


def test_a_dev_key_goes_with_the_sandbox_store_it_encrypted_and_alone_stays_high(tmp_path: Path) -> None:
    """test_rules_waved_through holds a dev key deleted alone high: copies it encrypted may be kept elsewhere."""
    arn = "arn:aws:kms:eu-west-1:111122223333:key/0f1e2d3c-4b5a-6978-8695-a4b3c2d1e0f9"
    key = _deleted("aws_kms_key.sbx", {"arn": arn, "key_id": arn.rsplit("/", 1)[1], "tags": {"Environment": "dev"}})
    database = _deleted("aws_timestreamwrite_database.sbx", {"database_name": "dev_fw_1187", "kms_key_id": arn,
                                                             "tags": {"Environment": "dev"}})
    assert judge(tmp_path, [key, database]).get("resource-delete") is Severity.MEDIUM
    assert judge(tmp_path, [key]).get("resource-delete") is Severity.HIGH
    store = {"bucket": "acme-prod-data", "kms_master_key_id": arn}
    kept = resource("aws_s3_bucket_server_side_encryption_configuration.prod", store, store, actions=["no-op"])
    assert judge(tmp_path, [key, database, kept]).get("resource-delete") is Severity.HIGH
