"""Severity by context: routine replaces of stateless Kubernetes objects and config objects, public read on a
website bucket, many routine changes, and key policies that grant use of a key to another account."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from tfreview.config import FileConfig
from tfreview.pipeline.changes import normalize
from tfreview.pipeline.findings import Finding, ReviewInput, Severity
from tfreview.pipeline.mask import mask_document
from tfreview.pipeline.plan import parse_plan
from tfreview.pipeline.risk import evaluate

PROVIDERS = {"kubernetes": "registry.terraform.io/hashicorp/kubernetes", "aws": "registry.terraform.io/hashicorp/aws",
             "google": "registry.terraform.io/hashicorp/google"}


def resource(resource_type: str, before: Any, after: Any, actions: list[str], name: str = "x",
             replace_paths: list[list[str]] | None = None) -> dict[str, Any]:
    """One resource_changes entry as `terraform show -json` writes it."""
    change: dict[str, Any] = {"actions": actions, "before": before, "after": after, "after_unknown": {},
                              "before_sensitive": {}, "after_sensitive": {}}
    if replace_paths:
        change["replace_paths"] = replace_paths
    entry = {"address": f"{resource_type}.{name}", "mode": "managed", "type": resource_type, "name": name,
             "provider_name": PROVIDERS[resource_type.split("_", 1)[0]], "change": change}
    if len(actions) == 2:
        entry["action_reason"] = "replace_because_cannot_update"
    return entry


def plan(*entries: dict[str, Any]) -> dict[str, Any]:
    return {"format_version": "1.2", "terraform_version": "1.9.5", "applyable": True, "complete": True,
            "resource_changes": list(entries)}


def run(document: dict[str, Any], config: dict[str, Any] | None = None) -> list[Finding]:
    document = copy.deepcopy(document)
    masking = mask_document(document)
    parsed = parse_plan(document)
    return evaluate(ReviewInput(plan=parsed, changeset=normalize(parsed),
                                config=FileConfig.model_validate(config or {}), masking=masking))


def graded(found: list[Finding], rule_id: str) -> list[Severity]:
    return [f.severity for f in found if f.rule == rule_id]


DELETE_FIRST = ["delete", "create"]
CREATE_FIRST = ["create", "delete"]


# --- 1. replacing a stateless Kubernetes object is routine ----------------------------------------------

def _k8s(kind_spec: dict[str, Any], selector: str) -> dict[str, Any]:
    return {"metadata": [{"name": "web", "namespace": "shop"}], "spec": [{**kind_spec, "selector": [
        {"match_labels": {"app": selector}}]}]}


@pytest.mark.parametrize("resource_type", [
    "kubernetes_deployment_v1", "kubernetes_daemon_set_v1", "kubernetes_daemonset", "kubernetes_config_map_v1",
    "kubernetes_ingress_v1", "kubernetes_cron_job_v1", "kubernetes_horizontal_pod_autoscaler_v2",
    "kubernetes_pod_disruption_budget_v1", "kubernetes_role_binding_v1", "kubernetes_cluster_role",
    "kubernetes_service_account_v1", "kubernetes_service_v1",
])
def test_replacing_a_stateless_kubernetes_object_is_medium(resource_type: str) -> None:
    entry = resource(resource_type, _k8s({"replicas": 3}, "web"), _k8s({"replicas": 3}, "web-v2"), DELETE_FIRST,
                     replace_paths=[["spec", "0", "selector"]])
    found = run(plan(entry))
    assert graded(found, "resource-replace") == [Severity.MEDIUM]
    assert "stateless Kubernetes object" in found[0].message


@pytest.mark.parametrize("resource_type", [
    "kubernetes_stateful_set_v1", "kubernetes_persistent_volume_claim_v1", "kubernetes_persistent_volume",
    "kubernetes_namespace_v1", "kubernetes_secret_v1",
])
def test_replacing_a_stateful_kubernetes_object_stays_high(resource_type: str) -> None:
    entry = resource(resource_type, _k8s({}, "db"), _k8s({}, "db-v2"), DELETE_FIRST)
    assert graded(run(plan(entry)), "resource-replace") == [Severity.HIGH]


def test_replacing_a_load_balancer_service_stays_high_it_gets_a_new_address() -> None:
    entry = resource("kubernetes_service_v1", _k8s({"type": "LoadBalancer"}, "web"),
                     _k8s({"type": "LoadBalancer"}, "web-v2"), DELETE_FIRST)
    assert graded(run(plan(entry)), "resource-replace") == [Severity.HIGH]


def test_a_manifest_is_judged_by_its_kind() -> None:
    def manifest(kind: str, app: str) -> dict[str, Any]:
        return {"manifest": {"apiVersion": "apps/v1", "kind": kind, "metadata": {"name": "web"},
                             "spec": {"selector": {"matchLabels": {"app": app}}}}}

    deployment = resource("kubernetes_manifest", manifest("Deployment", "a"), manifest("Deployment", "b"),
                          DELETE_FIRST)
    stateful = resource("kubernetes_manifest", manifest("StatefulSet", "a"), manifest("StatefulSet", "b"),
                        DELETE_FIRST, name="db")
    found = run(plan(deployment, stateful))
    assert {(f.address, f.severity) for f in found if f.rule == "resource-replace"} == {
        ("kubernetes_manifest.x", Severity.MEDIUM), ("kubernetes_manifest.db", Severity.HIGH)}


def test_deleting_a_stateless_deployment_is_medium_a_stateful_set_stays_high() -> None:
    # Two sets' authors label a Deployment with no volumes deleted benign: its pods hold nothing (kubernetes.py).
    entry = resource("kubernetes_deployment_v1", _k8s({}, "web"), None, ["delete"])
    assert graded(run(plan(entry)), "resource-delete") == [Severity.MEDIUM]
    entry = resource("kubernetes_stateful_set_v1", _k8s({}, "web"), None, ["delete"])
    assert graded(run(plan(entry)), "resource-delete") == [Severity.HIGH]


# --- 2. config objects named after what they configure hold no data ---------------------------------------

@pytest.mark.parametrize("resource_type", [
    "aws_db_parameter_group", "aws_rds_cluster_parameter_group", "aws_db_option_group", "aws_db_subnet_group",
    "aws_elasticache_parameter_group", "aws_elasticache_subnet_group", "aws_cloudfront_cache_policy",
    "aws_redshift_parameter_group", "aws_msk_configuration",
])
def test_a_create_before_destroy_replace_of_a_config_object_is_medium(resource_type: str) -> None:
    entry = resource(resource_type, {"name": "main-pg15", "family": "postgres15"},
                     {"name": "main-pg16", "family": "postgres16"}, CREATE_FIRST, replace_paths=[["family"]])
    assert graded(run(plan(entry)), "resource-replace") == [Severity.MEDIUM]


@pytest.mark.parametrize("resource_type", ["aws_db_instance", "aws_ssm_parameter", "aws_elasticache_cluster",
                                           "aws_db_proxy_target_group_db", "aws_ebs_volume"])
def test_a_create_before_destroy_replace_of_a_data_store_stays_high(resource_type: str) -> None:
    entry = resource(resource_type, {"name": "main"}, {"name": "main-2"}, CREATE_FIRST)
    assert graded(run(plan(entry)), "resource-replace") == [Severity.HIGH]


def test_a_destroy_first_replace_of_a_config_object_is_unchanged() -> None:
    entry = resource("aws_db_parameter_group", {"name": "pg"}, {"name": "pg2"}, DELETE_FIRST)
    assert graded(run(plan(entry)), "resource-replace") == [Severity.HIGH]


# --- 5. a key or secret policy that lets another account use it -------------------------------------------

OWN, PARTNER = "412093388123", "680512334478"


def _key_policy(*statements: dict[str, Any]) -> str:
    root = {"Sid": "Root", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{OWN}:root"}, "Action": "kms:*",
            "Resource": "*"}
    return json.dumps({"Version": "2012-10-17", "Statement": [root, *statements]})


def _partner(actions: list[str], condition: dict[str, Any] | None = None) -> dict[str, Any]:
    statement = {"Sid": "Partner", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{PARTNER}:root"},
                 "Action": actions, "Resource": "*"}
    return {**statement, "Condition": condition} if condition else statement


def _key(policy: str, resource_type: str = "aws_kms_key") -> dict[str, Any]:
    arn = f"arn:aws:kms:eu-west-1:{OWN}:key/1234"
    return resource(resource_type, {"arn": arn, "policy": _key_policy()}, {"arn": arn, "policy": policy}, ["update"])


@pytest.mark.parametrize("actions", [["kms:Decrypt", "kms:DescribeKey"], ["kms:CreateGrant"], ["kms:ReEncrypt*"],
                                     ["kms:*"]])
def test_a_key_policy_that_lets_another_account_use_the_key_is_high(actions: list[str]) -> None:
    found = [f for f in run(plan(_key(_key_policy(_partner(actions))))) if f.rule == "iam-public-member"]
    assert [f.severity for f in found] == [Severity.HIGH]
    assert PARTNER in found[0].message and "kms:" in found[0].message


def test_a_secret_policy_that_lets_another_account_read_it_is_high() -> None:
    secret = _partner(["secretsmanager:GetSecretValue"])
    entry = resource("aws_secretsmanager_secret_policy", {"secret_arn": f"arn:aws:secretsmanager:eu-west-1:{OWN}:"
                     "secret:db", "policy": None}, {"secret_arn": f"arn:aws:secretsmanager:eu-west-1:{OWN}:secret:db",
                     "policy": json.dumps({"Version": "2012-10-17", "Statement": [secret]})}, ["update"])
    owner = resource("aws_secretsmanager_secret", {"arn": f"arn:aws:secretsmanager:eu-west-1:{OWN}:secret:db"},
                     {"arn": f"arn:aws:secretsmanager:eu-west-1:{OWN}:secret:db"}, ["no-op"], name="db")
    assert graded(run(plan(entry, owner)), "iam-public-member") == [Severity.HIGH]


@pytest.mark.parametrize("statements", [
    [],  # the default key policy: the plan's own account root
    [_partner(["kms:DescribeKey"])],  # another account may only describe it
    [_partner(["kms:Decrypt"], {"StringEquals": {"aws:PrincipalOrgID": "o-abc123"}})],  # guarded by organisation
])
def test_key_policies_that_keep_the_key_in_the_plans_accounts_are_not_high(statements: list[dict[str, Any]]) -> None:
    found = run(plan(_key(_key_policy(*statements))))
    assert Severity.HIGH not in graded(found, "iam-public-member")


def test_another_account_on_a_queue_policy_stays_medium() -> None:
    arn = f"arn:aws:sqs:eu-west-1:{OWN}:jobs"
    policy = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Sid": "Partner", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{PARTNER}:root"},
         "Action": ["sqs:SendMessage", "kms:Decrypt"], "Resource": arn}]})
    entry = resource("aws_sqs_queue_policy", {"queue_url": "q", "policy": None},
                     {"queue_url": "q", "policy": policy}, ["update"])
    assert graded(run(plan(entry)), "iam-public-member") == [Severity.MEDIUM]


# --- 3. public read on a bucket the same plan serves as a website ----------------------------------------

SITE = "www.example.org"


def _s3_policy(actions: list[str], resource: str = f"arn:aws:s3:::{SITE}/*") -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Sid": "PublicRead", "Effect": "Allow", "Principal": "*", "Action": actions, "Resource": resource}]})


def _s3_site(actions: list[str], website: bool = True, target: str = f"arn:aws:s3:::{SITE}/*",
             acl_flags: bool = True) -> list[dict[str, Any]]:
    entries = [
        resource("aws_s3_bucket", None, {"bucket": SITE}, ["create"], name="www"),
        resource("aws_s3_bucket_policy", None, {"bucket": SITE, "policy": _s3_policy(actions, target)}, ["create"],
                 name="www"),
        resource("aws_s3_bucket_public_access_block", None, {
            "bucket": SITE, "block_public_acls": acl_flags, "ignore_public_acls": acl_flags,
            "block_public_policy": False, "restrict_public_buckets": False}, ["create"], name="www"),
    ]
    if website:
        entries.append(resource("aws_s3_bucket_website_configuration", None,
                                {"bucket": SITE, "index_document": [{"suffix": "index.html"}]}, ["create"], name="www"))
    return entries


def public(found: list[Finding]) -> set[tuple[str | None, Severity]]:
    return {(f.address, f.severity) for f in found if f.rule in ("public-bucket", "iam-public-member")}


def test_public_object_read_on_a_website_bucket_is_medium() -> None:
    found = run(plan(*_s3_site(["s3:GetObject"])))
    assert public(found) == {("aws_s3_bucket_policy.www", Severity.MEDIUM),
                             ("aws_s3_bucket_public_access_block.www", Severity.MEDIUM)}
    assert all("website" in f.message for f in found if f.rule == "public-bucket")


@pytest.mark.parametrize(("actions", "resource_arn", "acl_flags", "high"), [
    (["s3:GetObject", "s3:PutObject"], f"arn:aws:s3:::{SITE}/*", True, "aws_s3_bucket_policy.www"),  # write
    (["s3:GetObject", "s3:ListBucket"], f"arn:aws:s3:::{SITE}", True, "aws_s3_bucket_policy.www"),  # list
    (["s3:*"], f"arn:aws:s3:::{SITE}/*", True, "aws_s3_bucket_policy.www"),  # everything
    (["s3:GetObject"], f"arn:aws:s3:::{SITE}/*", False, "aws_s3_bucket_public_access_block.www"),  # ACLs opened
])
def test_more_than_public_read_on_a_website_bucket_stays_high(actions: list[str], resource_arn: str,
                                                               acl_flags: bool, high: str) -> None:
    found = run(plan(*_s3_site(actions, target=resource_arn, acl_flags=acl_flags)))
    assert (high, Severity.HIGH) in public(found)


def test_public_read_on_a_bucket_that_is_not_a_website_stays_high() -> None:
    found = run(plan(*_s3_site(["s3:GetObject"], website=False)))
    assert ("aws_s3_bucket_policy.www", Severity.HIGH) in public(found)


def test_a_website_elsewhere_in_the_plan_does_not_soften_another_bucket() -> None:
    other = resource("aws_s3_bucket_website_configuration", None, {"bucket": "docs.example.org"}, ["create"],
                     name="docs")
    found = run(plan(*_s3_site(["s3:GetObject"], website=False), other))
    assert ("aws_s3_bucket_policy.www", Severity.HIGH) in public(found)


def test_a_website_bucket_known_only_after_apply_is_linked_by_reference() -> None:
    entries = _s3_site(["s3:GetObject"])
    for entry in entries:
        entry["change"]["after"]["bucket"] = None
        entry["change"]["after_unknown"] = {"bucket": True}
    entries[1]["change"]["after"]["policy"] = _s3_policy(["s3:GetObject"], "arn:aws:s3:::site/*")
    document = plan(*entries)
    document["configuration"] = {"root_module": {"resources": [
        {"address": e["address"], "mode": "managed", "type": e["type"], "name": "www",
         "expressions": {"bucket": {"references": ["aws_s3_bucket.www.id", "aws_s3_bucket.www"]}}}
        for e in entries[1:]]}}
    assert ("aws_s3_bucket_policy.www", Severity.MEDIUM) in public(run(document))


def _gcs(role: str, website: bool, new: bool = True) -> list[dict[str, Any]]:
    """A bucket (created, or kept as it is) and a grant to allUsers on it."""
    site = {"name": "site-bucket", "website": [{"main_page_suffix": "index.html", "not_found_page": "404.html"}]
            if website else []}
    bucket = resource("google_storage_bucket", None, site, ["create"], name="site") if new \
        else resource("google_storage_bucket", site, site, ["no-op"], name="site")
    return [bucket,
            resource("google_storage_bucket_iam_member", None, {"bucket": "site-bucket", "role": role,
                                                                "member": "allUsers"}, ["create"], name="site")]


@pytest.mark.parametrize(("role", "website", "new", "severity"), [
    ("roles/storage.objectViewer", True, True, Severity.MEDIUM),
    ("roles/storage.objectViewer", False, False, Severity.HIGH),  # an existing bucket the plan shows, no website
    ("roles/storage.objectViewer", False, True, Severity.MEDIUM),  # created here: it holds nothing yet (s23)
    ("roles/storage.objectAdmin", True, True, Severity.HIGH),
    ("roles/storage.legacyBucketReader", True, True, Severity.HIGH),  # lists the bucket
])
def test_gcs_public_viewer_is_medium_only_on_a_website_or_new_bucket(role: str, website: bool, new: bool,
                                                                     severity: Severity) -> None:
    found = run(plan(*_gcs(role, website, new)))
    assert ("google_storage_bucket_iam_member.site", severity) in public(found)


def test_making_an_existing_bucket_a_public_website_stays_high() -> None:
    entries = _s3_site(["s3:GetObject"])[1:]  # the bucket is not new: only its website and policy are
    assert ("aws_s3_bucket_policy.www", Severity.HIGH) in public(run(plan(*entries)))


def test_public_read_added_to_a_bucket_that_already_is_a_website_is_medium() -> None:
    entries = _s3_site(["s3:GetObject"])[1:]
    site = entries[-1]["change"]
    site["actions"], site["before"] = ["no-op"], copy.deepcopy(site["after"])
    assert ("aws_s3_bucket_policy.www", Severity.MEDIUM) in public(run(plan(*entries)))
