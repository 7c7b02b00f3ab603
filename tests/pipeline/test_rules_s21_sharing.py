"""Data sharing and transfer: copies, exports, log deliveries and shares that newly reach someone else, each with a
benign look-alike. Providers are invented where they can be, so only what attributes mean can decide."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.helpers import review_rules_alone, worst_by_rule
from tfreview.pipeline.findings import Severity


def entry(address: str, after: Any, before: Any = None, provider: str = "acme/acme") -> dict[str, Any]:
    """One resource_changes entry of `terraform show -json`: a create without BEFORE, an update with it."""
    kind, name = address.split(".")
    return {"address": address, "mode": "managed", "type": kind, "name": name,
            "provider_name": f"registry.example.com/{provider}",
            "change": {"actions": ["create"] if before is None else ["update"], "before": before, "after": after,
                       "after_unknown": {}, "before_sensitive": {}, "after_sensitive": {}}}


def judged(tmp_path: Path, changes: list[dict[str, Any]], rule: str) -> tuple[Severity | None, str]:
    result = review_rules_alone(tmp_path, changes)
    return worst_by_rule(result).get(rule), result.label.value


# A value an update newly writes (a grant following the moved copy) does not vouch for the account it names.

def _copy_to(account: str, grant_follows: bool) -> list[dict[str, Any]]:
    before = {"source": "arn:aws:s3:::ledger-prod", "target": [{"owner_account": "111122223333",
                                                                 "store": "arn:aws:s3:::ledger-dr"}]}
    after = {"source": "arn:aws:s3:::ledger-prod", "target": [{"owner_account": account,
                                                                "store": "arn:aws:s3:::ledger-dr"}]}
    policy = '{"Statement":[{"Effect":"Allow","Action":"s3:PutObject","Resource":"arn:aws:s3:::ledger-dr/*"}]}'
    moved = policy.replace("arn:aws:s3:::ledger-dr/*", f"arn:aws:kms:us-east-1:{account}:key/k1")
    return [entry("vaultco_copy_rule.ledger", after, before=before),
            entry("vaultco_role_policy.copier", {"policy": moved if grant_follows else policy},
                  before={"policy": policy}),
            entry("vaultco_role.copier", {"arn": "arn:aws:iam::111122223333:role/copier"},
                  before={"arn": "arn:aws:iam::111122223333:role/copier"}),
            entry("vaultco_key.dr", {"arn": "arn:aws:kms:us-east-1:444455556666:key/k2"},
                  before={"arn": "arn:aws:kms:us-east-1:444455556666:key/k2"})]


def test_copy_moved_to_an_account_only_its_updated_grant_names_is_high(tmp_path: Path) -> None:
    assert judged(tmp_path, _copy_to("999988887777", True), "egress-outside") == (Severity.HIGH,
                                                                                   "needs_close_review")


def test_copy_moved_to_an_account_the_plan_already_holds_is_quiet(tmp_path: Path) -> None:
    assert judged(tmp_path, _copy_to("444455556666", True), "egress-outside")[1] == "likely_safe"


def _log_endpoint(url: str, name: str) -> list[dict[str, Any]]:
    before = {"endpoint": [{"name": "Vendorlogs", "url": "https://intake.vendorlogs.example.com/v1"}]}
    return [entry("streamco_delivery.app_logs", {"endpoint": [{"name": name, "url": url}]}, before=before)]


def test_log_endpoint_moved_to_a_host_only_its_new_label_names_is_high(tmp_path: Path) -> None:
    assert judged(tmp_path, _log_endpoint("https://in.tailrelay.net/v1", "tailrelay"),
                  "egress-outside") == (Severity.HIGH, "needs_close_review")


def test_log_endpoint_moved_within_its_vendor_is_quiet(tmp_path: Path) -> None:
    assert judged(tmp_path, _log_endpoint("https://intake-eu.vendorlogs.example.com/v1", "Vendorlogs-eu"),
                  "egress-outside") == (None, "likely_safe")


# A bare IPv4 address with a port names a host as much as a name does.

def _mirror(host: str) -> list[dict[str, Any]]:
    before = {"bucket": "edi", "target": [{"endpoint": "dr.corp.northwind.io:9000", "bucket": "edi"}]}
    return [entry("objstore_mirror.edi", {"bucket": "edi", "target": [{"endpoint": host, "bucket": "edi"}]},
                  before=before)]


def test_mirror_moved_to_a_public_address_and_port_is_high(tmp_path: Path) -> None:
    assert judged(tmp_path, _mirror("203.0.113.40:9443"), "egress-outside") == (Severity.HIGH,
                                                                                  "needs_close_review")


def test_mirror_moved_to_a_private_address_and_port_is_quiet(tmp_path: Path) -> None:
    assert judged(tmp_path, _mirror("10.20.4.7:9000"), "egress-outside") == (None, "likely_safe")


# A bucket receiver moved to a bucket nothing in the plan names, of none of the plan's bucket naming.

def _log_push(destination: str, create_bucket: str | None = None) -> list[dict[str, Any]]:
    changes = [entry("edgeco_log_push.requests", {"destination": destination},
                     before={"destination": "gs://northwind-edge-logs/requests"})]
    if create_bucket:
        changes.append(entry("google_storage_bucket.logs_v2", {"name": create_bucket, "location": "EU"},
                             provider="hashicorp/google"))
    return changes


def test_log_push_moved_to_a_bucket_nobody_here_names_is_high(tmp_path: Path) -> None:
    assert judged(tmp_path, _log_push("gs://edgelogs-drop-41c9/requests"), "egress-outside") == (
        Severity.HIGH, "needs_close_review")


def test_log_push_moved_to_a_bucket_created_in_the_plan_is_quiet(tmp_path: Path) -> None:
    assert judged(tmp_path, _log_push("gs://edge-archive-v2/requests", "edge-archive-v2"),
                  "egress-outside") == (None, "likely_safe")


def test_log_push_moved_to_a_bucket_of_the_plans_naming_is_quiet(tmp_path: Path) -> None:
    assert judged(tmp_path, _log_push("gs://northwind-edge-logs-v2/requests"), "egress-outside") == (
        None, "likely_safe")


def _sync_sink(bucket: str) -> list[dict[str, Any]]:
    before = {"spec": [{"data_sink": [{"bucket_name": "northwind-archive"}],
                        "data_source": [{"bucket_name": "northwind-cdn"}]}]}
    after = {"spec": [{"data_sink": [{"bucket_name": bucket}], "data_source": [{"bucket_name": "northwind-cdn"}]}]}
    return [entry("syncco_job.cdn_logs", after, before=before)]


def test_sync_sink_bucket_name_moved_outside_is_high(tmp_path: Path) -> None:
    assert judged(tmp_path, _sync_sink("cdnshare-9f3e"), "egress-outside") == (Severity.HIGH, "needs_close_review")


def test_sync_sink_moved_from_a_log_group_to_a_bucket_is_quiet(tmp_path: Path) -> None:
    before = {"log_destination": "arn:aws:logs:us-east-1:111122223333:log-group:/vpc/flow"}
    change = entry("netco_flow_log.vpc", {"log_destination": "arn:aws:s3:::flowlogs-central/vpc/"}, before=before)
    assert judged(tmp_path, [change], "egress-outside")[1] == "likely_safe"


# A plan that takes back receivers a drift added by hand (a share's members) closes access; one that puts back
# receivers a drift took away, or reverts any other hand edit, is still to be checked.

def _drifted_share(configured: list[str], by_hand: list[str]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    def state(members: list[str]) -> dict[str, Any]:
        return {"id": "orders-2024-05", "encrypted": True, "consumer_accounts": members}
    drift = entry("warehouseco_dataset_share.orders", state(by_hand), before=state(configured))
    change = entry("warehouseco_dataset_share.orders", state(configured), before=state(by_hand))
    return [change], [drift]


def _drift_judged(tmp_path: Path, configured: list[str], by_hand: list[str]) -> tuple[Severity | None, str]:
    changes, drift = _drifted_share(configured, by_hand)
    result = review_rules_alone(tmp_path, changes, resource_drift=drift)
    return worst_by_rule(result).get("drift-on-changed"), result.label.value


def test_plan_taking_back_receivers_added_by_hand_is_not_high(tmp_path: Path) -> None:
    assert _drift_judged(tmp_path, ["ORG.MAIN"], ["ORG.MAIN", "PARTNER.X1"]) == (Severity.MEDIUM, "likely_safe")


def test_plan_putting_back_receivers_removed_by_hand_stays_high(tmp_path: Path) -> None:
    assert _drift_judged(tmp_path, ["ORG.MAIN", "PARTNER.X1"], ["ORG.MAIN"]) == (Severity.HIGH,
                                                                                  "needs_close_review")


# An account of the organisation the plan's provider signs in to is the plan's own.

def _warehouse_share(tmp_path: Path, consumer: str) -> tuple[Severity | None, str]:
    before = {"name": "METRICS", "accounts": ["PARTNERCO.PROD"]}
    change = entry("snowflake_share.metrics", {**before, "accounts": ["PARTNERCO.PROD", consumer]}, before=before,
                   provider="snowflake-labs/snowflake")
    configuration = {"provider_config": {"snowflake": {"name": "snowflake", "expressions": {
        "organization_name": {"constant_value": "northwind"}, "account_name": {"constant_value": "MAIN"}}}}}
    result = review_rules_alone(tmp_path, [change], configuration=configuration)
    return worst_by_rule(result).get("foreign-data-share"), result.label.value


def test_share_to_an_account_of_the_providers_own_organisation_is_quiet(tmp_path: Path) -> None:
    assert _warehouse_share(tmp_path, "NORTHWIND.DR_EU") == (None, "likely_safe")


def test_share_to_an_account_of_a_third_organisation_stays_high(tmp_path: Path) -> None:
    assert _warehouse_share(tmp_path, "SHIPFAST.REPORTING") == (Severity.HIGH, "needs_close_review")


# A grant replaced only because its condition gains AND-ed parts (an expiry) narrows access; one whose condition
# loses a part widens it.

def _conditioned_grant(tmp_path: Path, old: str, new: str) -> tuple[Severity | None, str]:
    def grant(expression: str) -> dict[str, Any]:
        return {"bucket": "exports", "role": "roles/storage.objectViewer", "member": "group:carrier@partner.example",
                "condition": [{"title": "scoped", "expression": expression}]}
    change = entry("google_storage_bucket_iam_member.carrier", grant(new), before=grant(old),
                   provider="hashicorp/google")
    change["change"]["actions"] = ["delete", "create"]
    change["change"]["replace_paths"] = [["condition"]]
    result = review_rules_alone(tmp_path, [change])
    return worst_by_rule(result).get("resource-replace"), result.label.value


PREFIX = 'resource.name.startsWith("projects/_/buckets/exports/objects/carrier/")'


def test_grant_replaced_to_add_an_expiry_to_its_condition_is_not_high(tmp_path: Path) -> None:
    narrower = f'{PREFIX} && request.time < timestamp("2026-01-01T00:00:00Z")'
    assert _conditioned_grant(tmp_path, PREFIX, narrower) == (Severity.MEDIUM, "likely_safe")


def test_grant_replaced_to_drop_its_prefix_condition_stays_high(tmp_path: Path) -> None:
    wider = 'request.time < timestamp("2026-01-01T00:00:00Z")'
    assert _conditioned_grant(tmp_path, PREFIX, wider) == (Severity.HIGH, "needs_close_review")


# A holder's root read as one thing: a logical mapping's "/" target, else its home directory; a storage prefix
# that scopes a user's file system, removed, leaves the whole bucket.

def _ftp_user(tmp_path: Path, before: dict[str, Any], after: dict[str, Any]) -> tuple[Severity | None, str]:
    change = entry("filegate_user.carrier", {"user": "carrier", **after}, before={"user": "carrier", **before})
    result = review_rules_alone(tmp_path, [change])
    return worst_by_rule(result).get("root-widened"), result.label.value


MAPPED = {"home_directory_type": "LOGICAL", "home_directory": "",
          "home_directory_mappings": [{"entry": "/", "target": "/drop/carrier"}]}


def test_logical_mapping_dropped_for_a_top_level_home_is_high(tmp_path: Path) -> None:
    unmapped = {"home_directory_type": "PATH", "home_directory": "/", "home_directory_mappings": []}
    assert _ftp_user(tmp_path, MAPPED, unmapped) == (Severity.HIGH, "needs_close_review")


def test_home_path_turned_into_a_logical_mapping_of_it_is_quiet(tmp_path: Path) -> None:
    pathed = {"home_directory_type": "PATH", "home_directory": "/drop/carrier", "home_directory_mappings": []}
    assert _ftp_user(tmp_path, pathed, MAPPED) == (None, "likely_safe")


def _fs(prefix: str | None) -> dict[str, Any]:
    return {"filesystem": {"gcsconfig": {"bucket": "edi", "key_prefix": prefix}, "provider": 2},
            "permissions": {"/": ["list", "download", "upload"]}}


def test_storage_prefix_of_a_users_file_system_removed_is_high(tmp_path: Path) -> None:
    assert _ftp_user(tmp_path, _fs("partners/carrier/"), _fs(None)) == (Severity.HIGH, "needs_close_review")


def test_storage_prefix_moved_down_is_quiet(tmp_path: Path) -> None:
    assert _ftp_user(tmp_path, _fs("partners/carrier/"), _fs("partners/carrier/in/")) == (None, "likely_safe")


# "*" on a directory of a user confined to its own subtree is every operation on its own files, not everything.

def _all_ops(tmp_path: Path, prefix: str) -> tuple[Severity | None, str]:
    after = {**_fs(prefix), "permissions": {"/": ["*"]}}
    change = entry("filegate_user.carrier", {"user": "carrier", **after}, before={"user": "carrier", **_fs(prefix)})
    result = review_rules_alone(tmp_path, [change])
    return worst_by_rule(result).get("iam-wildcard"), result.label.value


def test_every_operation_inside_a_confined_root_is_medium(tmp_path: Path) -> None:
    assert _all_ops(tmp_path, "partners/carrier/") == (Severity.MEDIUM, "likely_safe")


def test_every_operation_on_an_unconfined_view_stays_high(tmp_path: Path) -> None:
    assert _all_ops(tmp_path, "") == (Severity.HIGH, "needs_close_review")


# A restriction on what a share's readers may take out, switched off: they keep copies revoking cannot reach.

def _exchange_listing(tmp_path: Path, before: bool, after: bool) -> tuple[Severity | None, str]:
    def listing(on: bool) -> dict[str, Any]:
        return {"name": "rates", "subscriber_controls": [{"prevent_download": on, "watermark": True}]}
    result = review_rules_alone(tmp_path, [entry("dataxchange_listing.rates", listing(after), before=listing(before))])
    return worst_by_rule(result).get("auth-weakened"), result.label.value


def test_export_restriction_switched_off_is_high(tmp_path: Path) -> None:
    assert _exchange_listing(tmp_path, True, False) == (Severity.HIGH, "needs_close_review")


def test_export_restriction_switched_on_is_quiet(tmp_path: Path) -> None:
    assert _exchange_listing(tmp_path, False, True) == (None, "likely_safe")


# A client's pinned identity of the far end (host-key fingerprints, known_hosts) removed: any host is accepted.

def _remote(tmp_path: Path, before: list[str], after: list[str]) -> tuple[Severity | None, str]:
    def pull(keys: list[str]) -> dict[str, Any]:
        return {"name": "carrier-pull", "remote": [{"host": "sftp.carrier.example:22", "known_hosts": keys}]}
    result = review_rules_alone(tmp_path, [entry("filesync_connector.carrier", pull(after), before=pull(before))])
    return worst_by_rule(result).get("tls-downgrade"), result.label.value


KEY = "sftp.carrier.example ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIG9uZXR3b3RocmVl"


def test_pinned_host_keys_removed_is_high(tmp_path: Path) -> None:
    assert _remote(tmp_path, [KEY], []) == (Severity.HIGH, "needs_close_review")


def test_pinned_host_key_rotated_is_quiet(tmp_path: Path) -> None:
    rotated = KEY.replace("G9uZXR3b3RocmVl", "HRocmVlZm91cmZp")
    assert _remote(tmp_path, [KEY], [rotated]) == (None, "likely_safe")


# On a data platform that gives each customer a host of its own, the host's first label is the customer: a loader
# moved to another customer's host sends every sync there. A destination object's `host` is its receiver.

def _loader(tmp_path: Path, host: str) -> tuple[Severity | None, str]:
    before = {"name": "crm-sync", "settings": [{"host": "northwind-prod.c7x2.mongodb.net", "user": "loader"}]}
    change = entry("pipeco_destination.crm", {**before, "settings": [{"host": host, "user": "loader"}]},
                   before=before)
    result = review_rules_alone(tmp_path, [change, entry("atlasco_cluster.prod", {"name": "northwind-prod"},
                                                          before={"name": "northwind-prod"})])
    return worst_by_rule(result).get("egress-outside"), result.label.value


def test_loader_moved_to_another_customers_platform_host_is_high(tmp_path: Path) -> None:
    assert _loader(tmp_path, "qx81733.c7x2.mongodb.net") == (Severity.HIGH, "needs_close_review")


def test_loader_moved_to_a_platform_host_named_for_the_plans_own_is_quiet(tmp_path: Path) -> None:
    assert _loader(tmp_path, "northwind-analytics.c7x2.mongodb.net") == (None, "likely_safe")


# An export's bucket owner names the account the copy lands in.

def _export(tmp_path: Path, owner: str) -> tuple[Severity | None, str]:
    export = entry("aws_dynamodb_table_export.orders", {
        "table_arn": "arn:aws:dynamodb:eu-west-1:111122223333:table/orders", "s3_bucket": "orders-exports",
        "s3_bucket_owner": owner, "export_format": "ION"}, provider="hashicorp/aws")
    result = review_rules_alone(tmp_path, [export])
    return worst_by_rule(result).get("foreign-data-share"), result.label.value


def test_export_into_a_bucket_of_an_unknown_account_is_high(tmp_path: Path) -> None:
    assert _export(tmp_path, "908172635401") == (Severity.HIGH, "needs_close_review")


def test_export_into_a_bucket_of_the_tables_own_account_is_quiet(tmp_path: Path) -> None:
    assert _export(tmp_path, "111122223333") == (None, "likely_safe")


# A resource policy's grant lifted from one path of a store to the whole store, same principal and actions.

def _store_policy(tmp_path: Path, principal: str, old: str, new: str) -> tuple[Severity | None, str]:
    def doc(resource: str) -> str:
        return json.dumps({"Version": "2012-10-17", "Statement": [{
            "Sid": "CarrierRead", "Effect": "Allow", "Principal": {"AWS": principal},
            "Action": ["s3:GetObject"], "Resource": resource}]})
    change = entry("aws_s3_bucket_policy.exports", {"bucket": "exports", "policy": doc(new)},
                   before={"bucket": "exports", "policy": doc(old)}, provider="hashicorp/aws")
    own = entry("aws_s3_bucket.exports", {"bucket": "exports", "arn": "arn:aws:s3:::exports",
                                         "owner_id": "111122223333"},
                before={"bucket": "exports", "arn": "arn:aws:s3:::exports", "owner_id": "111122223333"},
                provider="hashicorp/aws")
    own["change"]["actions"] = ["no-op"]
    configuration = {"provider_config": {"aws": {"name": "aws", "expressions": {
        "allowed_account_ids": {"constant_value": ["111122223333"]}}}}}
    result = review_rules_alone(tmp_path, [change, own], configuration=configuration)
    return worst_by_rule(result).get("iam-wildcard"), result.label.value


PARTNER = "arn:aws:iam::908172635401:role/carrier-pull"


def test_partner_grant_lifted_from_its_prefix_to_the_whole_bucket_is_high(tmp_path: Path) -> None:
    assert _store_policy(tmp_path, PARTNER, "arn:aws:s3:::exports/carriers/acme/*", "arn:aws:s3:::exports/*") == (
        Severity.HIGH, "needs_close_review")


def test_partner_grant_moved_down_its_prefix_is_quiet(tmp_path: Path) -> None:
    assert _store_policy(tmp_path, PARTNER, "arn:aws:s3:::exports/carriers/acme/*",
                         "arn:aws:s3:::exports/carriers/acme/out/*") == (None, "likely_safe")


def test_own_role_grant_lifted_to_the_whole_bucket_is_not_high(tmp_path: Path) -> None:
    assert _store_policy(tmp_path, "arn:aws:iam::111122223333:role/reporting", "arn:aws:s3:::exports/reports/*",
                         "arn:aws:s3:::exports/*")[1] == "likely_safe"


# A CI workflow that newly runs another publisher's action by a branch, handing it secrets.

WORKFLOW = """stages:
jobs:
  publish:
    steps:
      - uses: actions/checkout@v4
{step}
      - run: make dist
"""


def _workflow(tmp_path: Path, step: str) -> tuple[Severity | None, str]:
    old = WORKFLOW.format(step="      - run: ./upload.sh")
    change = entry("gitlab_repository_file.publish", {"file_path": ".forgejo/workflows/publish.yml",
                                                       "content": WORKFLOW.format(step=step)},
                   before={"file_path": ".forgejo/workflows/publish.yml", "content": old})
    result = review_rules_alone(tmp_path, [change])
    return worst_by_rule(result).get("supply-chain-opened"), result.label.value


def test_third_party_action_by_branch_handed_secrets_is_high(tmp_path: Path) -> None:
    step = ("      - uses: blobsync-tools/upload-action@develop\n        with:\n"
            "          token: ${{ secrets.STORE_TOKEN }}")
    assert _workflow(tmp_path, step) == (Severity.HIGH, "needs_close_review")


def test_third_party_action_pinned_to_a_commit_is_quiet(tmp_path: Path) -> None:
    step = ("      - uses: blobsync-tools/upload-action@0f3c2b1a9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b # v2.1.0\n"
            "        with:\n          token: ${{ secrets.STORE_TOKEN }}")
    assert _workflow(tmp_path, step) == (None, "likely_safe")


# A grant moved from one named object to every object of its container reaches what the one object hid.

def _object_grant(tmp_path: Path, old: dict[str, Any], new: dict[str, Any]) -> tuple[Severity | None, str]:
    base = {"privileges": ["SELECT"], "to_role": "PARTNER_READER"}
    change = entry("lakeco_object_grant.partner", {**base, **new}, before={**base, **old})
    result = review_rules_alone(tmp_path, [change])
    return worst_by_rule(result).get("grant-scope-widened"), result.label.value


def test_grant_moved_from_a_view_to_every_table_of_its_schema_is_high(tmp_path: Path) -> None:
    old = {"on_object": [{"object_type": "VIEW", "object_name": "SALES.SHARED.TOTALS_V"}]}
    new = {"on_object": [{"all": [{"object_type_plural": "TABLES", "in_schema": "SALES.RAW"}]}]}
    assert _object_grant(tmp_path, old, new) == (Severity.HIGH, "needs_close_review")


def test_grant_moved_to_another_single_view_is_quiet(tmp_path: Path) -> None:
    old = {"on_object": [{"object_type": "VIEW", "object_name": "SALES.SHARED.TOTALS_V"}]}
    new = {"on_object": [{"object_type": "VIEW", "object_name": "SALES.SHARED.TOTALS_V2"}]}
    assert _object_grant(tmp_path, old, new) == (None, "likely_safe")


# A copy job switched to delete from its sink what its source lacks: high where another job writes to that sink.

def _copy_job(address: str, source: str, extra: bool, before: bool | None = None) -> dict[str, Any]:
    def job(deletes: bool) -> dict[str, Any]:
        return {"source": [{"bucket": source}], "destination": [{"bucket": "audit-archive", "path": "in/"}],
                "options": [{"delete_extraneous_in_destination": deletes}]}
    return entry(address, job(extra), before=None if before is None else job(before))


def _mirror_judged(tmp_path: Path, shared: bool) -> tuple[Severity | None, str]:
    changes = [_copy_job("syncco_job.app", "app-audit", True, before=False)]
    if shared:
        kept = _copy_job("syncco_job.iam", "iam-audit", False, before=False)
        kept["change"]["actions"] = ["no-op"]
        changes.append(kept)
    result = review_rules_alone(tmp_path, changes)
    return worst_by_rule(result).get("lifecycle-expiration"), result.label.value


def test_mirroring_into_a_sink_another_job_fills_is_high(tmp_path: Path) -> None:
    assert _mirror_judged(tmp_path, True) == (Severity.HIGH, "needs_close_review")


def test_mirroring_into_a_sink_of_its_own_is_medium(tmp_path: Path) -> None:
    assert _mirror_judged(tmp_path, False) == (Severity.MEDIUM, "likely_safe")


# A bearer link minted for years with rights to change data: whoever holds it keeps them.

def _presigned(tmp_path: Path, expires: str, write: bool) -> tuple[Severity | None, str]:
    link = entry("objco_presigned_url.vendor_drop", {
        "bucket": "claims", "access": [{"read": True, "write": write, "delete": write}],
        "valid_from": "2026-01-10T00:00:00Z", "expiration": expires})
    result = review_rules_alone(tmp_path, [link], timestamp="2026-01-10T09:00:00Z")
    return worst_by_rule(result).get("foreign-data-share"), result.label.value


def test_writable_link_valid_for_years_is_high(tmp_path: Path) -> None:
    assert _presigned(tmp_path, "2031-01-10T00:00:00Z", True) == (Severity.HIGH, "needs_close_review")


def test_writable_link_valid_for_a_week_is_quiet(tmp_path: Path) -> None:
    assert _presigned(tmp_path, "2026-01-17T00:00:00Z", True) == (None, "likely_safe")


def test_read_only_https_link_valid_for_years_is_quiet(tmp_path: Path) -> None:
    assert _presigned(tmp_path, "2031-01-10T00:00:00Z", False) == (None, "likely_safe")
