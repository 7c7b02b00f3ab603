"""Data leaving the perimeter, and the guards that keep it in: inside is only provable by what the plan shows as its
own (provider configuration, ARNs of managed resources, organisation members, the provider's organisation). Each
principle has a risky case, a second one of another provider or shape, and a benign look-alike that stays quiet
(rules: egress.py/receivers.py/owned.py, foreign.py, peering.py, principals.py, outsiders.py, traffic.py,
blinding.py, fetched.py, deliberate.py, tightened.py)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import review_rules_alone, worst_by_rule
from tfreview.labels import Label
from tfreview.pipeline.findings import Severity

OWN = "111122223333"
OUTSIDE = "999988887777"
SUB = "6f1c2b8e-3d4a-4f57-9a0e-2c71d5b8e913"
OTHER_SUB = "c2a9e7d4-81f0-4b6e-a3d5-95e0f7b4c218"
TENANT = "0b8d4e21-7c3f-4a9e-b6d2-1e5f8a7c9d30"
VENDOR_TENANT = "e94b6c1d-3f2a-4d85-b7e0-2a9c5f1d8e63"


def entry(address: str, before: Any, after: Any, provider: str = "registry.terraform.io/acme/acme",
          actions: list[str] | None = None) -> dict[str, Any]:
    """One resource change of `terraform show -json`."""
    mode = "data" if address.startswith("data.") else "managed"
    kind, name = address.removeprefix("data.").split(".")
    if actions is None:
        actions = ["create"] if before is None else ["delete"] if after is None else ["update"]
    return {"address": address, "mode": mode, "type": kind, "name": name, "provider_name": provider,
            "change": {"actions": actions, "before": before, "after": after, "after_unknown": {},
                       "after_sensitive": {}}}


def judged(tmp_path: Path, *changes: dict[str, Any], **sections: Any) -> tuple[Label, dict[str, Severity]]:
    result = review_rules_alone(tmp_path, list(changes), **sections)
    return result.label, worst_by_rule(result)


def policy(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


# --- a receiver's owner named inside its destination block --------------------------------------------------------

def export(account: str, uri: str) -> dict[str, Any]:
    return {"name": "nightly", "schedule": "0 2 * * *",
            "destination": [{"aws_account_id": account, "uri": uri, "role_arn": None}]}


def test_an_export_pointed_at_an_account_the_plan_never_shows_leaves(tmp_path: Path) -> None:
    old = {**export(OWN, "s3://acme-archive/x/"), "role": f"arn:aws:iam::{OWN}:role/writer"}
    new = {**export(OUTSIDE, "s3://lumen-landing/x/"), "role": f"arn:aws:iam::{OWN}:role/writer"}
    label, found = judged(tmp_path, entry("dataport_export.nightly", old, new))
    assert found["egress-outside"] is Severity.HIGH and label is Label.NEEDS_CLOSE_REVIEW


def test_replication_whose_key_and_account_are_the_receivers_leaves(tmp_path: Path) -> None:
    # the destination's KMS key names the outside account too: a reference inside the receiver's block is the
    # receiver's, never evidence that the plan owns that account
    rule = {"destination": [{"account": OUTSIDE, "bucket": "arn:aws:s3:::acme-dr",
                             "access_control_translation": [{"owner": "Destination"}],
                             "encryption_configuration": [{"replica_kms_key_id":
                                                           f"arn:aws:kms:eu-central-1:{OUTSIDE}:key/k"}]}],
            "status": "Enabled"}
    after = {"bucket": "acme-data", "role": f"arn:aws:iam::{OWN}:role/replication", "rule": [rule]}
    label, found = judged(tmp_path, entry("aws_s3_bucket_replication_configuration.r", None, after,
                                          "registry.terraform.io/hashicorp/aws"))
    assert found["egress-outside"] is Severity.HIGH and label is Label.NEEDS_CLOSE_REVIEW


def test_object_replication_to_another_subscription_leaves(tmp_path: Path) -> None:
    after = {"source_storage_account_id": f"/subscriptions/{SUB}/resourceGroups/rg/providers/x/storageAccounts/a",
             "destination_storage_account_id": f"/subscriptions/{OTHER_SUB}/resourceGroups/rg/providers/x/"
                                               "storageAccounts/b",
             "rules": [{"source_container_name": "invoices", "destination_container_name": "invoices"}]}
    label, found = judged(tmp_path, entry("acme_storage_object_replication.r", None, after))
    assert found["egress-outside"] is Severity.HIGH and label is Label.NEEDS_CLOSE_REVIEW


def test_an_export_or_replication_inside_the_plans_own_account_stays_quiet(tmp_path: Path) -> None:
    old = {**export(OWN, "s3://acme-archive/x/"), "role": f"arn:aws:iam::{OWN}:role/writer"}
    new = {**export(OWN, "s3://acme-archive/y/"), "role": f"arn:aws:iam::{OWN}:role/writer"}
    same = {"source_storage_account_id": f"/subscriptions/{SUB}/resourceGroups/rg/providers/x/storageAccounts/a",
            "destination_storage_account_id": f"/subscriptions/{SUB}/resourceGroups/dr/providers/x/storageAccounts/b"}
    label, found = judged(tmp_path, entry("dataport_export.nightly", old, new),
                          entry("acme_storage_object_replication.r", None, same))
    assert "egress-outside" not in found and label is Label.LIKELY_SAFE


# --- a resource a grant lets in, by the project it lives in -------------------------------------------------------

def view_access(project: str) -> dict[str, Any]:
    return {"dataset_id": "customers", "project": "acme-data-prod", "role": None,
            "view": [{"project_id": project, "dataset_id": "shared", "table_id": "ltv"}]}


def test_an_authorized_view_in_a_vendors_project_reads_the_dataset(tmp_path: Path) -> None:
    label, found = judged(tmp_path, entry("google_bigquery_dataset_access.v", None, view_access("lumen-insights")))
    assert found["foreign-data-share"] is Severity.HIGH and label is Label.NEEDS_CLOSE_REVIEW


def test_a_dataset_access_block_naming_another_projects_dataset_reads_it(tmp_path: Path) -> None:
    access = [{"role": "READER", "dataset": [{"dataset": [{"project_id": "partnerco-bi", "dataset_id": "x"}]}]}]
    before = {"dataset_id": "orders", "project": "acme-data-prod", "access": []}
    label, found = judged(tmp_path, entry("acme_dataset.orders", before, {**before, "access": access}))
    assert found["foreign-data-share"] is Severity.HIGH and label is Label.NEEDS_CLOSE_REVIEW


def test_an_authorized_view_in_a_project_named_like_the_plans_own_is_medium(tmp_path: Path) -> None:
    label, found = judged(tmp_path, entry("google_bigquery_dataset_access.v", None, view_access("acme-reporting")))
    assert found["foreign-data-share"] is Severity.MEDIUM and label is Label.LIKELY_SAFE
    label, found = judged(tmp_path, entry("google_bigquery_dataset_access.v", None, view_access("acme-data-prod")))
    assert "foreign-data-share" not in found and label is Label.LIKELY_SAFE


# --- a consumer named by an identifier ----------------------------------------------------------------------------

def authorization(consumer: str, writes: bool) -> dict[str, Any]:
    return {"data_share_arn": f"arn:aws:redshift:eu-west-1:{OWN}:datashare:1/finance", "consumer_identifier": consumer,
            "allow_writes": writes}


def test_a_datashare_authorized_with_writes_to_an_outside_account_is_high(tmp_path: Path) -> None:
    label, found = judged(tmp_path, entry("aws_redshift_data_share_authorization.f", None,
                                          authorization(OUTSIDE, True), "registry.terraform.io/hashicorp/aws"))
    assert found["foreign-data-share"] is Severity.HIGH and label is Label.NEEDS_CLOSE_REVIEW


def test_an_invented_share_grant_to_an_outside_recipient_with_writes_is_high(tmp_path: Path) -> None:
    after = {"share": f"arn:aws:acme:eu-west-1:{OWN}:share/orders", "recipient_id": f"arn:aws:iam::{OUTSIDE}:root",
             "enable_writes": True}
    label, found = judged(tmp_path, entry("acme_share_grant.g", None, after))
    assert found["foreign-data-share"] is Severity.HIGH and label is Label.NEEDS_CLOSE_REVIEW


def test_a_read_only_datashare_or_one_to_an_organisation_member_stays_safe(tmp_path: Path) -> None:
    label, found = judged(tmp_path, entry("aws_redshift_data_share_authorization.f", None,
                                          authorization(OUTSIDE, False), "registry.terraform.io/hashicorp/aws"))
    assert found["foreign-data-share"] is Severity.MEDIUM and label is Label.LIKELY_SAFE
    member = {"id": "530871962245", "arn": f"arn:aws:organizations::{OWN}:account/o-abc123/530871962245"}
    label, found = judged(tmp_path, entry("aws_redshift_data_share_authorization.f", None,
                                          authorization("530871962245", True), "registry.terraform.io/hashicorp/aws"),
                          entry("aws_organizations_account.backup", member, member,
                                "registry.terraform.io/hashicorp/aws", ["no-op"]))
    assert "foreign-data-share" not in found and label is Label.LIKELY_SAFE


# --- an outside account that may take the data out ----------------------------------------------------------------

def queue_policy(*actions: str) -> dict[str, Any]:
    statement = {"Sid": "Consumer", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{OUTSIDE}:root"},
                 "Action": list(actions), "Resource": f"arn:aws:sqs:eu-west-1:{OWN}:orders"}
    return {"queue_url": f"https://sqs.eu-west-1.amazonaws.com/{OWN}/orders", "policy": policy(statement)}


def test_an_outside_account_that_may_receive_a_queues_messages_drains_it(tmp_path: Path) -> None:
    label, found = judged(tmp_path, entry("aws_sqs_queue_policy.q", None,
                                          queue_policy("sqs:ReceiveMessage", "sqs:DeleteMessage"),
                                          "registry.terraform.io/hashicorp/aws"))
    assert found["iam-public-member"] is Severity.HIGH and label is Label.NEEDS_CLOSE_REVIEW


def test_an_outside_account_that_may_get_every_object_reads_the_bucket(tmp_path: Path) -> None:
    statement = {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{OUTSIDE}:role/reader"},
                 "Action": ["s3:Get*"], "Resource": "arn:aws:s3:::acme-exports/*"}
    after = {"bucket": "acme-exports", "policy": policy(statement)}
    other = {"name": "x", "arn": f"arn:aws:iam::{OWN}:role/x"}
    label, found = judged(tmp_path, entry("aws_s3_bucket_policy.p", None, after, "registry.terraform.io/hashicorp/aws"),
                          entry("aws_iam_role.x", other, other, "registry.terraform.io/hashicorp/aws", ["no-op"]))
    assert found["iam-public-member"] is Severity.HIGH and label is Label.NEEDS_CLOSE_REVIEW


def test_an_outside_account_that_may_only_send_in_stays_medium(tmp_path: Path) -> None:
    label, found = judged(tmp_path, entry("aws_sqs_queue_policy.q", None, queue_policy("sqs:SendMessage"),
                                          "registry.terraform.io/hashicorp/aws"))
    assert found["iam-public-member"] is Severity.MEDIUM and label is Label.LIKELY_SAFE


OWN_ROLE = {"name": "x", "arn": f"arn:aws:iam::{OWN}:role/x"}


def registry_policy(*actions: str) -> dict[str, Any]:
    statement = {"Sid": "Vendor", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{OUTSIDE}:root"},
                 "Action": list(actions)}
    return {"repository": "payments-api", "registry_id": OWN, "policy": policy(statement)}


@pytest.mark.parametrize("actions", [("ecr:PutImage", "ecr:UploadLayerPart", "ecr:BatchGetImage"), ("ecr:Put*",)])
def test_an_outside_account_that_may_push_images_can_replace_what_is_deployed(
        tmp_path: Path, actions: tuple[str, ...]) -> None:
    label, found = judged(tmp_path, entry("aws_ecr_repository_policy.r", None, registry_policy(*actions),
                                          "registry.terraform.io/hashicorp/aws"),
                          entry("aws_iam_role.x", OWN_ROLE, OWN_ROLE, "registry.terraform.io/hashicorp/aws", ["no-op"]))
    assert found["iam-public-member"] is Severity.HIGH and label is Label.NEEDS_CLOSE_REVIEW


def test_an_outside_account_that_may_only_pull_images_stays_medium(tmp_path: Path) -> None:
    label, found = judged(tmp_path, entry("aws_ecr_repository_policy.r", None,
                                          registry_policy("ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"),
                                          "registry.terraform.io/hashicorp/aws"),
                          entry("aws_iam_role.x", OWN_ROLE, OWN_ROLE, "registry.terraform.io/hashicorp/aws", ["no-op"]))
    assert found["iam-public-member"] is Severity.MEDIUM and label is Label.LIKELY_SAFE


# --- a grant to another organisation's application ----------------------------------------------------------------

def assignment(principal: str) -> dict[str, Any]:
    return {"principal_id": principal, "principal_type": "ServicePrincipal", "scope": f"/subscriptions/{SUB}",
            "role_definition_name": "Storage Blob Data Contributor"}


def read_principal(object_id: str, owner: str) -> dict[str, Any]:
    values = {"object_id": object_id, "app_owner_organization_id": owner, "display_name": "Connector"}
    resource = {"address": "data.azuread_service_principal.app", "mode": "data", "type": "azuread_service_principal",
                "name": "app", "provider_name": "registry.terraform.io/hashicorp/azuread", "values": values}
    return {"format_version": "1.0", "values": {"root_module": {"resources": [resource]}}}


def test_a_role_for_a_vendors_multi_tenant_app_leaves_the_organisation(tmp_path: Path) -> None:
    label, found = judged(tmp_path, entry("azurerm_role_assignment.r", None, assignment("8e3f1a6c"),
                                          "registry.terraform.io/hashicorp/azurerm"),
                          prior_state=read_principal("8e3f1a6c", VENDOR_TENANT))
    assert found["foreign-data-share"] is Severity.HIGH and label is Label.NEEDS_CLOSE_REVIEW


def test_an_invented_membership_for_an_app_another_tenant_publishes_leaves(tmp_path: Path) -> None:
    app = {"object_id": "7a4c2e9f", "owner_tenant_id": VENDOR_TENANT, "name": "sync"}
    member = {"group": "data-writers", "member_id": "7a4c2e9f", "tenant_id": TENANT}
    label, found = judged(tmp_path, entry("acme_group_member.m", None, member),
                          entry("acme_service_principal.sync", app, app, actions=["no-op"]))
    assert found["foreign-data-share"] is Severity.HIGH and label is Label.NEEDS_CLOSE_REVIEW


def test_a_role_for_the_plans_own_or_the_platforms_app_stays_quiet(tmp_path: Path) -> None:
    config = {"provider_config": {"azuread": {"name": "azuread", "expressions":
                                              {"tenant_id": {"constant_value": TENANT}}}}}
    label, found = judged(tmp_path, entry("azurerm_role_assignment.r", None, assignment("2d7b9e41"),
                                          "registry.terraform.io/hashicorp/azurerm"),
                          prior_state=read_principal("2d7b9e41", TENANT), configuration=config)
    assert "foreign-data-share" not in found and label is Label.LIKELY_SAFE
    label, found = judged(tmp_path, entry("azurerm_role_assignment.r", None, assignment("2d7b9e41"),
                                          "registry.terraform.io/hashicorp/azurerm"),
                          prior_state=read_principal("2d7b9e41", "f8cdef31-a31e-4b4a-93e4-5f571e91255a"))
    assert "foreign-data-share" not in found and label is Label.LIKELY_SAFE


# --- a guard against copying data out, switched off ---------------------------------------------------------------

def parameter(key: str, value: str) -> dict[str, Any]:
    return {"id": key, "key": key, "value": value}


def test_unload_guards_of_a_warehouse_switched_off_open_egress(tmp_path: Path) -> None:
    label, found = judged(tmp_path, entry("snowflake_account_parameter.p", parameter("PREVENT_UNLOAD_TO_INLINE_URL",
                                                                                     "true"),
                                          parameter("PREVENT_UNLOAD_TO_INLINE_URL", "false")))
    assert found["egress-policy-opened"] is Severity.HIGH and label is Label.NEEDS_CLOSE_REVIEW


def test_a_workspaces_exfiltration_protection_switched_off_opens_egress(tmp_path: Path) -> None:
    before = {"name": "analytics", "data_exfiltration_protection_enabled": True, "sku": "standard"}
    label, found = judged(tmp_path, entry("acme_workspace.w", before,
                                          {**before, "data_exfiltration_protection_enabled": False}))
    assert found["egress-policy-opened"] is Severity.HIGH and label is Label.NEEDS_CLOSE_REVIEW


def test_a_timeout_lowered_or_a_guard_turned_on_stays_quiet(tmp_path: Path) -> None:
    label, found = judged(tmp_path,
                          entry("snowflake_account_parameter.t", parameter("STATEMENT_TIMEOUT_IN_SECONDS", "172800"),
                                parameter("STATEMENT_TIMEOUT_IN_SECONDS", "3600")),
                          entry("snowflake_account_parameter.g",
                                parameter("REQUIRE_STORAGE_INTEGRATION_FOR_STAGE_OPERATION", "false"),
                                parameter("REQUIRE_STORAGE_INTEGRATION_FOR_STAGE_OPERATION", "true")))
    assert "egress-policy-opened" not in found and label is Label.LIKELY_SAFE


# --- what a trail records, narrowed --------------------------------------------------------------------------------

def trail(*buckets: str) -> dict[str, Any]:
    selectors = [{"read_write_type": "All", "include_management_events": True, "data_resource": []}]
    if buckets:
        selectors.append({"read_write_type": "All", "include_management_events": False,
                          "data_resource": [{"type": "AWS::S3::Object", "values": list(buckets)}]})
    return {"name": "org-trail", "enable_logging": True, "event_selector": selectors}


def test_a_trails_data_event_selector_removed_blinds_it(tmp_path: Path) -> None:
    label, found = judged(tmp_path, entry("aws_cloudtrail.org", trail("arn:aws:s3:::acme-customers/"), trail()))
    assert found["detection-disabled"] is Severity.HIGH and label is Label.NEEDS_CLOSE_REVIEW


def test_an_audit_configs_data_read_log_type_removed_blinds_it(tmp_path: Path) -> None:
    before = {"service": "bigquery.googleapis.com", "audit_log_config": [{"log_type": "DATA_READ"},
                                                                        {"log_type": "ADMIN_READ"}]}
    after = {**before, "audit_log_config": [{"log_type": "ADMIN_READ"}]}
    label, found = judged(tmp_path, entry("acme_project_audit_config.bq", before, after))
    assert found["detection-disabled"] is Severity.HIGH and label is Label.NEEDS_CLOSE_REVIEW


def test_a_trail_that_records_one_more_bucket_or_drops_a_narrowing_field_stays_quiet(tmp_path: Path) -> None:
    grown = entry("aws_cloudtrail.org", trail("arn:aws:s3:::a/"), trail("arn:aws:s3:::a/", "arn:aws:s3:::b/"))
    fields = [{"field": "eventCategory", "equals": ["Data"]},
              {"field": "resources.type", "equals": ["AWS::S3::Object"]}]
    narrow = {"name": "store", "advanced_event_selector": [
        {"name": "s3 reads", "field_selector": [*fields, {"field": "readOnly", "equals": ["true"]}]}]}
    wide = {"name": "store", "advanced_event_selector": [{"name": "s3 all", "field_selector": fields}]}
    label, found = judged(tmp_path, grown, entry("aws_cloudtrail_event_data_store.s", narrow, wide))
    assert "detection-disabled" not in found and label is Label.LIKELY_SAFE


# --- an image published by an account the plan never shows --------------------------------------------------------

def image_plan(owners: list[str], kind: str = "aws_ami", actions: list[str] | None = None,
               consumer: str = "aws_launch_template.etl") -> tuple[dict[str, Any], dict[str, Any]]:
    before = {"name": "etl", "image_id": "ami-0aaa", "arn": f"arn:aws:ec2:eu-west-1:{OWN}:launch-template/lt-1"}
    after = {**before, "image_id": "ami-0bbb"}
    change = entry(consumer, None if actions == ["create"] else before, after,
                   "registry.terraform.io/hashicorp/aws", actions)
    data = {"address": f"data.{kind}.etl", "mode": "data", "type": kind, "name": "etl",
            "expressions": {"owners": {"constant_value": owners}, "most_recent": {"constant_value": True}}}
    managed = {"address": consumer, "mode": "managed", "type": consumer.split(".")[0], "name": "etl",
               "expressions": {"image_id": {"references": [f"data.{kind}.etl.id", f"data.{kind}.etl"]}}}
    return change, {"root_module": {"resources": [data, managed]}}


def test_a_launch_template_re_pointed_at_an_outside_accounts_image_opens_the_supply_chain(tmp_path: Path) -> None:
    change, config = image_plan([OUTSIDE])
    label, found = judged(tmp_path, change, configuration=config)
    assert found["supply-chain-opened"] is Severity.HIGH and label is Label.NEEDS_CLOSE_REVIEW


def test_an_instance_rebuilt_from_an_invented_image_lookup_of_another_account_is_high(tmp_path: Path) -> None:
    change, config = image_plan([OUTSIDE], "acme_machine_image", ["delete", "create"], "acme_instance.etl")
    label, found = judged(tmp_path, change, configuration=config)
    assert found["supply-chain-opened"] is Severity.HIGH and label is Label.NEEDS_CLOSE_REVIEW


def test_own_and_os_publisher_images_stay_quiet_and_a_new_workload_is_medium(tmp_path: Path) -> None:
    for owners in (["self"], [OWN], ["099720109477"]):
        change, config = image_plan(owners)
        label, found = judged(tmp_path, change, configuration=config)
        assert "supply-chain-opened" not in found and label is Label.LIKELY_SAFE
    change, config = image_plan([OUTSIDE], actions=["create"])
    label, found = judged(tmp_path, change, configuration=config)
    assert found["supply-chain-opened"] is Severity.MEDIUM and label is Label.LIKELY_SAFE


# --- published, and readable with no identity ---------------------------------------------------------------------

def test_a_share_created_public_with_anonymous_access_is_high(tmp_path: Path) -> None:
    after = {"name": "orders", "visibility": "public", "anonymous_access": True, "allowed_orgs": []}
    label, found = judged(tmp_path, entry("dataport_share.orders", None, after))
    assert found["public-access"] is Severity.HIGH and label is Label.NEEDS_CLOSE_REVIEW


def test_a_dataset_created_public_without_authentication_is_high(tmp_path: Path) -> None:
    after = {"title": "claims", "visibility": "public", "require_authentication": False}
    label, found = judged(tmp_path, entry("acme_catalog_dataset.claims", None, after))
    assert found["public-access"] is Severity.HIGH and label is Label.NEEDS_CLOSE_REVIEW


def test_a_public_listing_for_signed_in_users_stays_medium(tmp_path: Path) -> None:
    signed_in = {"name": "orders", "visibility": "public", "anonymous_access": False}
    blocked = {"name": "orders", "visibility": "public", "block_anonymous_access": True}
    label, found = judged(tmp_path, entry("dataport_share.a", None, signed_in),
                          entry("dataport_share.b", None, blocked))
    assert found["public-access"] is Severity.MEDIUM and label is Label.LIKELY_SAFE


# --- a recipient that signs in with a bearer token or link --------------------------------------------------------

def test_an_open_sharing_token_recipient_is_high(tmp_path: Path) -> None:
    after = {"name": "claims-consumer", "authentication_type": "TOKEN", "ip_access_list": []}
    label, found = judged(tmp_path, entry("databricks_recipient.c", None, after))
    assert found["foreign-data-share"] is Severity.HIGH and label is Label.NEEDS_CLOSE_REVIEW


def test_an_invented_share_recipient_moved_to_link_sign_in_is_high(tmp_path: Path) -> None:
    before = {"name": "partner", "auth_method": "account"}
    label, found = judged(tmp_path, entry("acme_share_recipient.p", before, {**before, "auth_method": "link"}))
    assert found["foreign-data-share"] is Severity.HIGH and label is Label.NEEDS_CLOSE_REVIEW


def test_an_identity_recipient_stays_quiet_and_an_ip_listed_token_one_is_medium(tmp_path: Path) -> None:
    metastore = {"name": "eu", "authentication_type": "DATABRICKS", "data_recipient_global_metastore_id": "aws:x:1"}
    label, found = judged(tmp_path, entry("databricks_recipient.eu", None, metastore))
    assert "foreign-data-share" not in found and label is Label.LIKELY_SAFE
    listed = {"name": "partner", "authentication_type": "TOKEN",
              "ip_access_list": [{"allowed_ip_addresses": ["203.0.113.0/28"]}]}
    label, found = judged(tmp_path, entry("databricks_recipient.p", None, listed))
    assert found["foreign-data-share"] is Severity.MEDIUM and label is Label.LIKELY_SAFE


# --- a backup selection re-made unchanged --------------------------------------------------------------------------

def selection(*resources: str) -> dict[str, Any]:
    return {"name": "prod", "plan_id": "pl-1", "iam_role_arn": f"arn:aws:iam::{OWN}:role/backup",
            "resources": list(resources), "selection_tag": [{"key": "backup", "type": "STRINGEQUALS", "value": "d"}]}


def test_a_backup_selection_re_made_unchanged_is_medium(tmp_path: Path) -> None:
    change = entry("aws_backup_selection.s", {**selection("db:a"), "id": "sel-1"}, selection("db:a"),
                   actions=["delete", "create"])
    label, found = judged(tmp_path, change)
    assert found["resource-replace"] is Severity.MEDIUM and label is Label.LIKELY_SAFE


def test_a_backup_selection_re_made_selecting_less_stays_high(tmp_path: Path) -> None:
    change = entry("acme_backup_selection.s", selection("db:a", "db:b"), selection("db:a"),
                   actions=["delete", "create"])
    label, found = judged(tmp_path, change)
    assert found["resource-replace"] is Severity.HIGH and label is Label.NEEDS_CLOSE_REVIEW
