"""Session 30: what a pension fund, a container port, an agritech company and an e-discovery vendor showed nothing
here modelled, and the false alarms they raised. Each principle holds its risky case and lets its benign look-alike
pass."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import review_rules_alone
from tests.pipeline.test_rules_detectors_through_configuration import judge, resource
from tfreview.pipeline.findings import Severity


def _high(tmp_path: Path, changes: list[dict[str, Any]], **sections: Any) -> set[str]:
    return {rule for rule, severity in judge(tmp_path, changes, **sections).items() if severity is Severity.HIGH}


# --- credentials ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("masked", "leaks"), [(True, False), (False, True)])
def test_a_ci_variable_its_own_flag_masks_keeps_a_secret(tmp_path: Path, masked: bool, leaks: bool) -> None:
    """A GitLab variable that reads a Vault secret is how a CI keeps one when it is masked; unmasked, every job log
    can print it."""
    variable = resource("gitlab_project_variable.registry_token",
                        {"project": "4812", "key": "REGISTRY_TOKEN", "masked": masked, "protected": True},
                        unknown={"value": True}, sensitive={"value": True})
    read = resource("data.vault_kv_secret_v2.ci", {"mount": "kv", "name": "ci/registry"}, unknown={"data": True},
                    sensitive={"data": True}, actions=["read"])
    read["mode"] = "data"
    configuration = {"root_module": {"resources": [
        {"address": "data.vault_kv_secret_v2.ci", "mode": "data", "type": "vault_kv_secret_v2", "name": "ci",
         "expressions": {"mount": {"constant_value": "kv"}, "name": {"constant_value": "ci/registry"}}},
        {"address": "gitlab_project_variable.registry_token", "mode": "managed", "type": "gitlab_project_variable",
         "name": "registry_token", "expressions": {"value": {"references": [
             'data.vault_kv_secret_v2.ci.data["registry_token"]', "data.vault_kv_secret_v2.ci"]}}}]}}
    assert ("credential-leak" in _high(tmp_path, [read, variable], configuration=configuration)) is leaks


# --- retention and erasure -----------------------------------------------------------------------------------------

@pytest.mark.parametrize(("was", "now", "fires"), [(True, False, True), (False, True, False)])
def test_a_legal_hold_block_released_is_high(tmp_path: Path, was: bool, now: bool, fires: bool) -> None:
    before = {"name": "m2024-0981", "legal_hold": [{"enabled": was, "issued_at": "2024-08-19"}]}
    change = resource("lexbase_matter.m2024", {**before, "legal_hold": [{"enabled": now, "issued_at": "2024-08-19"}]},
                      before)
    assert ("protection-disabled" in _high(tmp_path, [change])) is fires


def _management_policy(prefix: str, action: dict[str, Any]) -> dict[str, Any]:
    return resource("azurerm_storage_management_policy.holds", {
        "storage_account_id": "/subscriptions/5f2c/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/rev",
        "rule": [{"name": "trim", "enabled": True, "filters": [{"blob_types": ["blockBlob"], "prefix_match": [prefix]}],
                  "actions": [{"base_blob": [action]}]}]})


@pytest.mark.parametrize(("prefix", "action", "fires"), [
    ("legal-holds/", {"delete_after_days_since_modification_greater_than": 30}, True),
    ("litigation/2025/", {"delete_after_days_since_modification_greater_than": 90}, True),
    ("scratch/", {"delete_after_days_since_modification_greater_than": 30}, False),       # nothing held there
    ("legal-holds/", {"tier_to_archive_after_days_since_modification_greater_than": 30}, False),  # moved, kept
])
def test_a_lifecycle_rule_deleting_held_data_on_a_timer_is_high(tmp_path: Path, prefix: str, action: dict[str, Any],
                                                                fires: bool) -> None:
    assert ("lifecycle-expiration" in _high(tmp_path, [_management_policy(prefix, action)])) is fires


# --- exposure ------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("was", "now", "fires"), [("burned_in", "overlay", True), ("overlay", "burned_in", False)])
def test_a_redaction_moved_from_burned_in_to_an_overlay_is_high(tmp_path: Path, was: str, now: str,
                                                               fires: bool) -> None:
    before = {"name": "PROD007", "redaction_mode": was, "image_format": "tiff"}
    change = resource("lexbase_production_set.prod007", {**before, "redaction_mode": now}, before)
    assert ("data-policy-opened" in _high(tmp_path, [change])) is fires


@pytest.mark.parametrize(("address", "was", "now", "fires"), [
    ("navpoint_access_grant.northlight", "funds", "all_funds", True),
    ("acme_data_share.partner", "project", "organization", True),
    ("navpoint_access_grant.northlight", "all_funds", "funds", False),    # narrowed
    ("navpoint_access_grant.northlight", "funds", "share_classes", False),  # another kind of named object
])
def test_a_grant_scope_moved_to_all_objects_is_high(tmp_path: Path, address: str, was: str, now: str,
                                                   fires: bool) -> None:
    before = {"grantee": "northlight-fa", "scope": was}
    change = resource(address, {**before, "scope": now}, before)
    assert ("iam-wildcard" in _high(tmp_path, [change])) is fires


# --- one instance of a per-instance module reaching its siblings ---------------------------------------------------

def _reviewer_policy(address: str, resources: list[str], before: list[str] | None = None) -> dict[str, Any]:
    def document(arns: list[str]) -> dict[str, Any]:
        return {"policy": json.dumps({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"], "Resource": arns}]})}
    return resource(address, document(resources), document(before) if before is not None else None)


OWN = ["arn:aws:s3:::hlx-prod-m2024-0981-docs", "arn:aws:s3:::hlx-prod-m2024-0981-docs/*"]


@pytest.mark.parametrize(("resources", "fires"), [
    (["arn:aws:s3:::hlx-prod-m*-docs", "arn:aws:s3:::hlx-prod-m*-docs/*"], True),    # every matter's bucket
    ([*OWN, "arn:aws:s3:::hlx-prod-m2025-0388-docs"], True),                          # a sibling matter's bucket
    ([*OWN, "arn:aws:s3:::hlx-prod-m2024-0981-docs/exports/*"], False),               # its own bucket still
    ([*OWN, "arn:aws:s3:::hlx-prod-shared-templates"], False),                        # shared, no matter's code
])
def test_a_matter_module_grant_reaching_its_siblings_is_high(tmp_path: Path, resources: list[str],
                                                            fires: bool) -> None:
    change = _reviewer_policy("module.matter_m2024_0981.aws_iam_role_policy.reviewers", resources, OWN)
    assert ("tenant-crossed" in _high(tmp_path, [change])) is fires


def test_a_module_without_an_instance_code_is_not_read_for_siblings(tmp_path: Path) -> None:
    change = _reviewer_policy("module.reviewers_v2.aws_iam_role_policy.reviewers",
                              [*OWN, "arn:aws:s3:::hlx-prod-m2025-0388-docs"], OWN)
    assert "tenant-crossed" not in _high(tmp_path, [change])


# --- availability --------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("count", "fires"), [("0", True), ("5", False)])
def test_a_helm_set_overriding_the_values_replica_count_is_read(tmp_path: Path, count: str, fires: bool) -> None:
    before = {"name": "yard-planner", "chart": "yard-planner", "values": ["replicaCount: 3\n"], "set": []}
    change = resource("helm_release.yard_planner",
                      {**before, "set": [{"name": "replicaCount", "value": count, "type": ""}]}, before)
    assert ("scaled-to-zero" in _high(tmp_path, [change])) is fires


# --- false alarms --------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("name", "fires"), [("sandbox-jlee", False), ("ledger", True)])
def test_a_namespace_labelled_dev_under_a_domain_prefix_is_read(tmp_path: Path, name: str, fires: bool) -> None:
    """`hlx.io/env: dev` is an environment label; the namespace's own name must say non-production too."""
    before = {"metadata": [{"name": name, "labels": {"hlx.io/env": "dev", "hlx.io/owner": "jlee"}}], "id": name}
    change = resource("kubernetes_namespace.sandbox", None, before, actions=["delete"])
    assert ("resource-delete" in _high(tmp_path, [change])) is fires


def test_an_instance_code_in_a_for_each_key_is_read(tmp_path: Path) -> None:
    own = ["arn:aws:s3:::pos-s-0412-journal"]
    change = _reviewer_policy('module.store["s-0412"].aws_iam_role_policy.till',
                              [*own, "arn:aws:s3:::pos-s-0388-journal"], own)
    assert "tenant-crossed" in _high(tmp_path, [change])


# --- from hidden-like-131 to -134 ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("held", "added", "fires"), [
    (["route:view_assigned", "delivery:update_status"], "route:view_all", True),
    (["read:credit_file:permissible_purpose", "read:score"], "read:credit_file:any", True),
    (["User.Read", "Mail.Send"], "User.Read.All", True),
    (["route:view_assigned", "delivery:update_status"], "invoices:view_all", False),   # nothing narrower held on it
    (["route:view_assigned", "delivery:update_status"], "route:view_history", False),  # another narrow entry
])
def test_a_role_gaining_every_record_where_it_held_its_own_is_high(tmp_path: Path, held: list[str], added: str,
                                                                  fires: bool) -> None:
    before = {"name": "contract_driver", "permissions": held}
    change = resource("fleetroute_driver_role.contract_driver", {**before, "permissions": [*held, added]}, before)
    assert ("workforce-access" in _high(tmp_path, [change])) is fires


@pytest.mark.parametrize(("was", "now", "fires"), [
    ("manual_review", "approve", True), ("reject", "manual_review", False), ("approve", "reject", False)])
def test_a_verification_that_lets_failures_through_is_high(tmp_path: Path, was: str, now: str, fires: bool) -> None:
    before = {"name": "consumer-onboarding", "on_fail": was}
    change = resource("veriform_workflow.onboarding", {**before, "on_fail": now}, before)
    assert ("auth-weakened" in _high(tmp_path, [change])) is fires


@pytest.mark.parametrize(("key", "fires"), [("checks", True), ("health_checks", False)])
def test_one_verification_check_switched_off_is_high(tmp_path: Path, key: str, fires: bool) -> None:
    def checks(liveness: bool) -> list[dict[str, Any]]:
        return [{"type": "document", "enabled": True}, {"type": "liveness", "enabled": liveness}]
    before = {"name": "consumer-onboarding", key: checks(True)}
    change = resource("veriform_workflow.onboarding", {**before, key: checks(False)}, before)
    assert ("auth-weakened" in _high(tmp_path, [change])) is fires


def test_an_enrolment_key_re_issued_by_its_trigger_is_a_rotation(tmp_path: Path) -> None:
    settings = {"reusable": False, "ephemeral": True, "preauthorized": True, "tags": ["tag:station-gw"]}
    change = resource("tailscale_tailnet_key.station_enrol", settings,
                      {**settings, "id": "kX7pQ2CNTRL", "expires_at": "2026-08-02T10:00:00Z"},
                      unknown={"id": True, "key": True}, actions=["delete", "create"])
    change["action_reason"] = "replace_by_triggers"
    assert "resource-replace" not in _high(tmp_path, [change])


# --- from hidden-like-135 to -138 ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("address", "key", "was", "now", "fires"), [
    ("fleetkey_unlock_policy.p2p", "require_owner_confirmation", True, False, True),
    ("fleetkey_unlock_policy.p2p", "enforce_booking_window", True, False, True),
    ("fleetkey_unlock_policy.p2p", "require_owner_confirmation", False, True, False),   # tightened
    ("acme_report_export.weekly", "require_header_row", True, False, False),           # no access policy
])
def test_a_requirement_of_an_access_policy_switched_off_is_high(tmp_path: Path, address: str, key: str, was: bool,
                                                                now: bool, fires: bool) -> None:
    before = {"name": "p2p-eu", key: was}
    change = resource(address, {**before, key: now}, before)
    assert ("auth-weakened" in _high(tmp_path, [change])) is fires


def _behaviour(origin: str) -> dict[str, Any]:
    return {"path_pattern": "/results/*.json", "target_origin_id": origin, "min_ttl": 0, "default_ttl": 5,
            "max_ttl": 10, "allowed_methods": ["GET", "HEAD"]}


@pytest.mark.parametrize(("origin", "fires"), [("results-s3", False), ("results-app", True)])
def test_a_cache_behaviour_serving_a_bucket_is_the_same_for_every_reader(tmp_path: Path, origin: str,
                                                                       fires: bool) -> None:
    before = {"comment": "results", "default_cache_behavior": [{"target_origin_id": origin, "default_ttl": 0,
                                                                "min_ttl": 0}], "ordered_cache_behavior": []}
    change = resource("aws_cloudfront_distribution.results", {**before, "ordered_cache_behavior": [
        _behaviour(origin)]}, before)
    assert ("public-access" in _high(tmp_path, [change])) is fires


def test_a_sandbox_stream_goes_with_its_environment(tmp_path: Path) -> None:
    """A stream's `retention_period` is how long its own records live, not backups meant to outlive it. Its `ttl`
    label still runs past the plan, so only the environment going whole says it was disposable."""
    tags = {"Environment": "sandbox", "Owner": "mkovacs", "ttl": "2026-11-10"}
    deleted = [
        resource("aws_kinesis_stream.scratch", None, {"name": "sbx-mkovacs-telemetry", "shard_count": 1,
                                                      "retention_period": 24, "tags": tags}, actions=["delete"]),
        resource("aws_instance.scratch", None, {"id": "i-0abc", "instance_type": "t3.small", "tags": tags},
                 actions=["delete"]),
        resource("aws_security_group.scratch", None, {"id": "sg-0abc", "name": "sbx-mkovacs", "tags": tags},
                 actions=["delete"]),
    ]
    assert "resource-delete" not in _high(tmp_path, deleted, timestamp="2026-11-02T09:00:00Z")


# --- from hidden-like-139 to -142 ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("address", "key", "was", "now", "rule", "fires"), [
    ("haulnet_fleet_policy.east", "lidar_fault_action", "safe_stop", "continue", "auth-weakened", True),
    ("haulnet_fleet_policy.east", "obstacle_response", "stop", "advisory", "auth-weakened", True),
    ("haulnet_fleet_policy.east", "obstacle_response", "advisory", "stop", "auth-weakened", False),
    ("veriguard_screening_package.tutors", "adjudication_mode", "manual_review", "auto_clear", "auth-weakened", True),
    ("veriguard_screening_package.tutors", "adjudication_mode", "auto_clear", "manual_review", "auth-weakened", False),
    ("custodyline_ledger.bodycam", "immutability", "write_once", "append_update", "protection-disabled", True),
    ("custodyline_ledger.bodycam", "immutability", "append_update", "write_once", "protection-disabled", False),
])
def test_safety_and_integrity_modes_moved_to_their_weak_side(tmp_path: Path, address: str, key: str, was: str,
                                                              now: str, rule: str, fires: bool) -> None:
    before = {"name": "east", key: was}
    change = resource(address, {**before, key: now}, before)
    assert (rule in _high(tmp_path, [change])) is fires


@pytest.mark.parametrize(("was", "now", "fires"), [(True, False, True), (False, True, False)])
def test_a_ledgers_hash_chain_switched_off_is_high(tmp_path: Path, was: bool, now: bool, fires: bool) -> None:
    before = {"name": "bodycam", "hash_chain": [{"enabled": was, "algorithm": "sha256"}]}
    change = resource("custodyline_ledger.bodycam", {**before, "hash_chain": [{"enabled": now, "algorithm": "sha256"}]},
                      before)
    assert ("protection-disabled" in _high(tmp_path, [change])) is fires


def _detectors(*kinds: str) -> list[dict[str, Any]]:
    return [{"type": kind, "min_confidence": 0.35, "action": "blur"} for kind in kinds]


@pytest.mark.parametrize(("address", "now", "fires"), [
    ("redactr_pipeline.public_video", _detectors("screen_text", "tattoo"), True),
    ("redactr_pipeline.public_video", _detectors("face", "license_plate", "screen_text", "tattoo", "logo"), False),
    ("acme_camera.lobby", _detectors("screen_text", "tattoo"), False),        # no redaction: what a camera tags
])
def test_a_redaction_that_finds_less_is_high(tmp_path: Path, address: str, now: list[dict[str, Any]],
                                            fires: bool) -> None:
    before = {"name": "public-video", "detector": _detectors("face", "license_plate", "screen_text", "tattoo")}
    change = resource(address, {**before, "detector": now}, before)
    assert ("data-policy-opened" in _high(tmp_path, [change])) is fires


@pytest.mark.parametrize(("query", "rate", "fires"), [
    ("service:custody-api", 1.0, True),
    ("service:custody-ledger env:prod", 1.0, True),
    ("service:custody-api status:debug", 1.0, False),     # its debug lines, not the service
    ("service:custody-api", 0.5, False),                  # sampled: half of it is still kept
])
def test_an_exclusion_dropping_every_record_of_a_service_is_high(tmp_path: Path, query: str, rate: float,
                                                                fires: bool) -> None:
    health = {"name": "health-checks", "is_enabled": True,
              "filter": [{"query": "@http.url_details.path:/healthz", "sample_rate": 1.0}]}
    added = {"name": "reduce-volume", "is_enabled": True, "filter": [{"query": query, "sample_rate": rate}]}
    change = resource("datadog_logs_index.main", {"name": "main", "exclusion_filter": [health, added]},
                      {"name": "main", "exclusion_filter": [health]})
    assert ("detection-disabled" in _high(tmp_path, [change])) is fires


def test_a_dynamic_ingress_block_built_from_a_world_open_variable_is_exposure(tmp_path: Path) -> None:
    before = {"name": "prod-session-cache", "ingress": [{"from_port": 6379, "to_port": 6379, "protocol": "tcp",
                                                          "cidr_blocks": ["10.40.0.0/16"], "ipv6_cidr_blocks": []}]}
    group = resource("aws_security_group.session_cache", {"name": "prod-session-cache"}, before,
                     unknown={"ingress": True})
    configuration = {"root_module": {"resources": [{
        "address": "aws_security_group.session_cache", "mode": "managed", "type": "aws_security_group",
        "name": "session_cache", "expressions": {"ingress": {"references": ["var.partner_cidrs"]}}}],
        "variables": {"partner_cidrs": {}}}}
    for cidrs, fires in ((["0.0.0.0/0"], True), (["10.40.0.0/16", "10.41.0.0/16"], False)):
        found = _high(tmp_path, [group], configuration=configuration, variables={"partner_cidrs": {"value": cidrs}})
        assert ("network-open-ingress" in found) is fires, cidrs


# --- deletes judged with their context -----------------------------------------------------------------------------

def _droplet(index: int, actions: list[str]) -> dict[str, Any]:
    return resource(f"digitalocean_droplet.lab_{index}", None if actions == ["delete"] else {"name": f"lab-{index}"},
                    {"id": f"4388172{index}0", "name": f"lab-{index}", "tags": ["team:geology"]}, actions=actions)


@pytest.mark.parametrize(("kept", "fires"), [(False, False), (True, True)])
def test_a_firewall_deleted_with_every_droplet_it_guards(tmp_path: Path, kept: bool, fires: bool) -> None:
    firewall = resource("digitalocean_firewall.lab", None,
                        {"id": "b7c8d9e0-f1a2", "name": "lab", "droplet_ids": [438817210, 438817220]},
                        actions=["delete"])
    droplets = [_droplet(1, ["delete"]), _droplet(2, ["no-op"] if kept else ["delete"])]
    found = review_rules_alone(tmp_path, [firewall, *droplets]).findings
    assert any(f.address == "digitalocean_firewall.lab" and f.severity is Severity.HIGH for f in found) is fires


def _oai_plan(policy_principal: str) -> list[dict[str, Any]]:
    def policy(principal: str) -> dict[str, Any]:
        return {"bucket": "recordings", "policy": json.dumps({"Statement": [{"Effect": "Allow", "Principal": {
            "AWS": principal}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::recordings/*"}]})}
    legacy = "arn:aws:iam::cloudfront:user/CloudFront Origin Access Identity E1K7F0A2B3C4D5"
    return [resource("aws_cloudfront_origin_access_identity.legacy", None, {"id": "E1K7F0A2B3C4D5"},
                     actions=["delete"]),
            resource("aws_s3_bucket_policy.recordings", policy(policy_principal), policy(legacy))]


@pytest.mark.parametrize(("principal", "fires"), [
    ("arn:aws:iam::cloudfront:user/CloudFront Origin Access Identity E9NEWIDENTITY1", False),   # moved off it
    ("arn:aws:iam::cloudfront:user/CloudFront Origin Access Identity E1K7F0A2B3C4D5", True),    # still trusted
])
def test_an_identity_deleted_once_nothing_kept_names_it(tmp_path: Path, principal: str, fires: bool) -> None:
    assert (judge(tmp_path, _oai_plan(principal)).get("resource-delete") is Severity.HIGH) is fires


@pytest.mark.parametrize(("module", "fires"), [("dev_addons", False), ("platform_addons", True)])
def test_a_release_in_a_module_named_for_dev_is_a_teardown(tmp_path: Path, module: str, fires: bool) -> None:
    release = resource(f"module.{module}.helm_release.downscaler", None, {
        "name": "kube-downscaler", "namespace": "kube-system", "chart": "kube-downscaler"}, actions=["delete"])
    release["module_address"] = f"module.{module}"
    assert (judge(tmp_path, [release]).get("resource-delete") is Severity.HIGH) is fires


def test_an_allow_list_entry_swapped_for_the_nat_gateways_new_address(tmp_path: Path) -> None:
    """Atlas computes `ip_address` from `cidr_block`: unknown after, it is the same entry, not a new setting."""
    entry = resource("mongodbatlas_project_ip_access_list.nat",
                     {"project_id": "64f1a2b3", "cidr_block": "54.21.88.140/32", "comment": "prod NAT"},
                     {"id": "ZW50", "project_id": "64f1a2b3", "cidr_block": "54.21.10.11/32",
                      "ip_address": "54.21.10.11", "comment": "prod NAT"},
                     unknown={"id": True, "ip_address": True}, actions=["delete", "create"])
    entry["change"]["replace_paths"] = [["cidr_block"]]
    assert "resource-replace" not in _high(tmp_path, [entry])


def _monitors_module(service_deleted: bool) -> list[dict[str, Any]]:
    monitors = []
    for name in ("heartbeat", "message_loss"):
        monitor = resource(f"module.ptc_monitors.datadog_monitor.{name}", None,
                           {"id": f"1234{len(name)}", "name": name, "type": "metric alert"}, actions=["delete"])
        monitor["module_address"] = "module.ptc_monitors"
        monitor["action_reason"] = "delete_because_no_module"
        monitors.append(monitor)
    service = resource("aws_ecs_service.ptc_backoffice", None if service_deleted else {"name": "ptc-backoffice"},
                       {"id": "ptc-backoffice", "name": "ptc-backoffice", "desired_count": 2},
                       actions=["delete"] if service_deleted else ["no-op"])
    return [*monitors, service]


def test_a_monitoring_module_removed_while_its_service_stays_is_high(tmp_path: Path) -> None:
    assert judge(tmp_path, _monitors_module(service_deleted=False)).get("resource-delete") is Severity.HIGH
    monitors = [f for f in review_rules_alone(tmp_path, _monitors_module(service_deleted=True)).findings
                if f.address and "datadog_monitor" in f.address]
    assert monitors and all(f.severity is not Severity.HIGH for f in monitors)


# --- from hidden-like-143 to -146 ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("address", "was", "now", "fires"), [
    ("accessgrid_access_level.owner_0142", ["sg-franchise-0142"], ["*"], True),
    ("accessgrid_access_level.owner_0142", ["*"], ["sg-franchise-0142"], False),                 # narrowed
    ("accessgrid_access_level.owner_0142", ["sg-franchise-0142"], ["sg-franchise-0142", "sg-franchise-0199"], False),
    ("accessgrid_door.lobby", ["sg-franchise-0142"], ["*"], False),                              # no grant: a door
])
def test_an_access_level_moved_to_every_site_is_high(tmp_path: Path, address: str, was: list[str], now: list[str],
                                                    fires: bool) -> None:
    before = {"name": "owner-0142", "site_group_ids": was}
    change = resource(address, {**before, "site_group_ids": now}, before)
    assert ("iam-wildcard" in _high(tmp_path, [change])) is fires


@pytest.mark.parametrize(("address", "login", "fires"), [
    ("camlane_share_link.front_desk", False, True),
    ("camlane_share_link.front_desk", True, False),
    ("acme_site.brochure", False, False),                # a public site made public: the page-and-site line's switch
])
def test_a_share_link_created_without_sign_in_is_high(tmp_path: Path, address: str, login: bool, fires: bool) -> None:
    change = resource(address, {"camera_group_id": "cg-club-0088", "mode": "live", "require_login": login})
    assert ("auth-weakened" in _high(tmp_path, [change])) is fires


@pytest.mark.parametrize(("key", "was", "now", "fires"), [
    ("blind_mode", "double", "open", True),
    ("blind_mode", "single", "double", False),
    ("reveal_reviewer_identity", "never", "on_report_submission", True),
    ("reveal_reviewer_identity", "on_report_submission", "never", False),
])
def test_a_review_made_less_anonymous_is_high(tmp_path: Path, key: str, was: str, now: str, fires: bool) -> None:
    before = {"name": "journal", key: was}
    change = resource("peerline_review_policy.journal", {**before, key: now}, before)
    assert ("public-access" in _high(tmp_path, [change])) is fires


@pytest.mark.parametrize(("name", "fires"), [("excursion_alerts", True), ("nightly_export", False)])
def test_an_iot_rule_that_raises_alerts_switched_off_is_high(tmp_path: Path, name: str, fires: bool) -> None:
    before = {"name": name, "sql": "SELECT * FROM 'coldchain/+/telemetry' WHERE temp_c > 8", "enabled": True}
    change = resource("aws_iot_topic_rule.excursions", {**before, "enabled": False}, before)
    assert ("detection-disabled" in _high(tmp_path, [change])) is fires


@pytest.mark.parametrize(("ipv4", "fires"), [(False, False), (True, True)])
def test_a_private_cloud_sql_dropping_its_authorized_networks(tmp_path: Path, ipv4: bool, fires: bool) -> None:
    def settings(networks: list[dict[str, str]]) -> dict[str, Any]:
        return {"name": "submissions", "settings": [{"ip_configuration": [{
            "ipv4_enabled": ipv4, "authorized_networks": networks,
            "private_network": "projects/p/global/networks/core"}]}]}
    change = resource("google_sql_database_instance.submissions", settings([]),
                      settings([{"name": "old-office", "value": "203.0.113.32/28"}]))
    assert ("allowlist-emptied" in _high(tmp_path, [change])) is fires


def _vcl(*snippets: str) -> dict[str, Any]:
    return {"name": "articles", "snippet": [{"name": f"s{i}", "type": "recv", "content": text}
                                            for i, text in enumerate(snippets)]}


EMBARGO = 'if (req.url ~ "^/embargoed/" && std.atoi(req.http.X-Release-Epoch) > std.atoi(now.sec)) { error 403; }'
NORMALIZE = "unset req.http.Accept-Language;"


@pytest.mark.parametrize(("after", "fires"), [
    (_vcl(NORMALIZE), True),                                                         # the gate is gone
    (_vcl(NORMALIZE, EMBARGO.replace("^/embargoed/", "^/(embargoed|drafts)/")), False),  # reworded, still refuses
    (_vcl(EMBARGO), False),                                                           # only the other snippet goes
])
def test_an_edge_programs_denial_removed_is_high(tmp_path: Path, after: dict[str, Any], fires: bool) -> None:
    change = resource("fastly_service_vcl.articles", after, _vcl(EMBARGO, NORMALIZE))
    assert ("auth-weakened" in _high(tmp_path, [change])) is fires


# --- from hidden-like-147 to -150 ----------------------------------------------------------------------------------

PINNED = "registry.codelance.io/payments/payout-worker@sha256:" + "3e2d1c0b" * 8


@pytest.mark.parametrize(("now", "fires"), [
    ("codelance-registry.io/payments/payout-worker:2.8", True),          # another host, by tag
    ("482917305561.dkr.ecr.us-east-1.amazonaws.com/tools/worker:latest", True),
    ("registry.codelance.io/payments/payout-worker:2.8", False),         # same registry: a tag, judged elsewhere
    ("registry.codelance.io/payments/payout-worker@sha256:" + "9f8e7d6c" * 8, False),   # a new digest
])
def test_a_pinned_image_moved_to_another_registry_by_tag_is_high(tmp_path: Path, now: str, fires: bool) -> None:
    change = resource("aws_lambda_function.worker", {"function_name": "worker", "image_uri": now},
                      {"function_name": "worker", "image_uri": PINNED})
    assert ("supply-chain-opened" in _high(tmp_path, [change])) is fires


@pytest.mark.parametrize(("content", "fires"), [
    ("//registry.npmjs.org/:_authToken=Q7kQ2xLm9Vb4Tz8Rw1Hn6Jp3Cs0Ye5Ud\n", True),
    ("//npm.pkg.github.com/:_authToken=${NODE_AUTH_TOKEN}\n", False),      # read from the environment
])
def test_an_npmrc_written_with_a_registry_token_leaks_it(tmp_path: Path, content: str, fires: bool) -> None:
    change = resource("github_repository_file.npmrc", {"repository": "starter", "file": ".npmrc", "content": content})
    result = review_rules_alone(tmp_path, [change])
    assert ("credential-in-plan" in {f.rule for f in result.findings}) is fires
    assert "Q7kQ2xLm9Vb4Tz8Rw1Hn6Jp3Cs0Ye5Ud" not in json.dumps(result.model_dump(mode="json"))


@pytest.mark.parametrize(("secret", "fires"), [("rl_live_7Hq2Vx9Kp4Zt1Wm8Bn3Cf6", True), ("changeme", False)])
def test_a_kv_secret_created_from_a_literal_json_document(tmp_path: Path, secret: str, fires: bool) -> None:
    document = json.dumps({"client_id": "stlukes-lis", "client_secret": secret})
    change = resource("vault_kv_secret_v2.reflab", {"mount": "secret", "name": "lis/reflab", "data_json": document},
                      sensitive={"data_json": True})
    configuration = {"root_module": {"resources": [{
        "address": "vault_kv_secret_v2.reflab", "mode": "managed", "type": "vault_kv_secret_v2", "name": "reflab",
        "expressions": {"data_json": {"constant_value": document}}}]}}
    assert ("secret-in-code" in _high(tmp_path, [change], configuration=configuration)) is fires


@pytest.mark.parametrize(("tags", "fires"), [({"Environment": "dev"}, False), ({"Environment": "prod"}, True)])
def test_a_dev_database_re_made_for_an_upgrade(tmp_path: Path, tags: dict[str, str], fires: bool) -> None:
    before = {"identifier": "lis-sandbox", "engine": "postgres", "engine_version": "14.11", "tags": tags,
              "deletion_protection": False, "id": "db-S7KQ2NWX4EJ3D"}
    change = resource("aws_db_instance.sandbox", {**before, "engine_version": "16.3", "id": None}, before,
                      unknown={"id": True}, actions=["delete", "create"])
    change["change"]["replace_paths"] = [["engine_version"]]
    assert ("resource-replace" in _high(tmp_path, [change])) is fires


@pytest.mark.parametrize(("resource_arn", "fires"), [
    ("arn:aws:s3:::lmr-previews-prod/renders/*", False),    # objects under one prefix: no bucket-level action
    ("arn:aws:s3:::lmr-previews-prod", True),               # the bucket itself: its policy, ACL and deletion
])
def test_s3_everything_on_a_prefix_of_objects_is_medium(tmp_path: Path, resource_arn: str, fires: bool) -> None:
    policy = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "s3:*", "Resource": [resource_arn]}]})
    change = resource("aws_iam_role_policy.renderer", {"name": "renderer", "role": "renderer", "policy": policy})
    assert ("iam-wildcard" in _high(tmp_path, [change])) is fires


@pytest.mark.parametrize(("address", "fires"), [("framestock_watermark_profile.preview", True),
                                                ("framestock_collection.featured", False)])
def test_a_watermark_switched_off_is_high(tmp_path: Path, address: str, fires: bool) -> None:
    before = {"name": "public-preview", "enabled": True, "max_edge_px": 1000}
    change = resource(address, {**before, "enabled": False}, before)
    assert ("data-policy-opened" in _high(tmp_path, [change])) is fires
