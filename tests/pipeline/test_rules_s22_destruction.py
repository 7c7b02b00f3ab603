"""Session 22, destruction read with its context: each fix holds its risky case and lets its benign look-alike
pass, in plans written differently from the held-out fixtures that showed the gap."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.pipeline.test_rules_deletes_by_what_they_lose import gone, worst
from tests.pipeline.test_rules_detectors_through_configuration import judge, resource
from tfreview.pipeline.findings import Severity

CBD = ["create", "delete"]


# --- a machine rebuilt from a new image, without replace_paths -----------------------------------------------

def _rebuilt_vm(extra_before: dict[str, Any] | None = None, changed: str = "image_name") -> dict[str, Any]:
    """A virtual machine replaced create-before-destroy with no replace_paths: CHANGED differs, and the provider
    assigns the new machine its id and addresses (known only after apply)."""
    before = {"id": "4f1c", "name": "relay-1", "image_name": "debian-12", "flavor_name": "m1.small",
              "access_ip_v4": "10.4.0.9", **(extra_before or {})}
    after = {k: v for k, v in before.items() if k not in ("id", "access_ip_v4")}
    after[changed] = "debian-13" if changed == "image_name" else "m1.large"
    entry = resource("openstack_compute_instance_v2.relay", after, before, unknown={"id": True, "access_ip_v4": True},
                     actions=CBD)
    entry["action_reason"] = "replace_because_cannot_update"
    return entry


def test_a_machine_rebuilt_from_a_new_image_whose_ids_are_assigned_anew_is_medium(tmp_path: Path) -> None:
    assert judge(tmp_path, [_rebuilt_vm()]).get("resource-replace") is Severity.MEDIUM


def test_a_machine_rebuilt_with_a_data_volume_or_for_another_attribute_stays_high(tmp_path: Path) -> None:
    with_volume = _rebuilt_vm({"volume": [{"volume_id": "vol-77"}]})
    assert judge(tmp_path, [with_volume]).get("resource-replace") is Severity.HIGH
    assert judge(tmp_path, [_rebuilt_vm(changed="flavor_name")]).get("resource-replace") is Severity.HIGH


# --- a number that drifted, moved on by the plan the same way ---------------------------------------------------

def _scaled(tmp_path: Path, drifted: int, planned: int) -> Severity | None:
    """drift-on-changed for a managed instance group resized by hand from 3 to DRIFTED, that the plan sets to
    PLANNED."""
    group = {"name": "api", "target_size": 3, "base_instance_name": "api"}
    drift = resource("google_compute_region_instance_group_manager.api", {**group, "target_size": drifted}, group)
    change = resource("google_compute_region_instance_group_manager.api", {**group, "target_size": planned},
                      {**group, "target_size": drifted})
    return judge(tmp_path, [change], resource_drift=[drift]).get("drift-on-changed")


def test_a_size_that_drifted_up_and_is_raised_further_is_medium(tmp_path: Path) -> None:
    assert _scaled(tmp_path, 5, 8) is Severity.MEDIUM


def test_a_size_that_drifted_and_is_set_back_stays_high(tmp_path: Path) -> None:
    for planned in (3, 4):  # back to its configured value, or part of the way back
        assert _scaled(tmp_path, 5, planned) is Severity.HIGH


def test_a_nested_size_that_drifted_up_and_is_raised_further_is_medium(tmp_path: Path) -> None:
    def pool(size: int) -> dict[str, Any]:
        return {"name": "general", "autoscaling": [{"min_node_count": 2, "max_node_count": 12}],
                "node_count": size}
    def node_group(desired: int) -> dict[str, Any]:
        return {"node_group_name": "general", "scaling_config": [{"desired_size": desired, "max_size": 15}]}
    for kind, side in (("google_container_node_pool.general", pool), ("aws_eks_node_group.general", node_group)):
        drift = resource(kind, side(9), side(6))
        for planned, severity in ((12, Severity.MEDIUM), (6, Severity.HIGH)):
            change = resource(kind, side(planned), side(9))
            assert judge(tmp_path, [change], resource_drift=[drift]).get("drift-on-changed") is severity


# --- a non-production environment torn down whole, its store skipping its final copy ---------------------------

def _review_app(**cluster: Any) -> list[dict[str, Any]]:
    """A review app's module instance deleted whole: a document database, a function and its bucket, all staging."""
    unit = 'module.review_app["pr-12"]'
    tags = {"Environment": "staging"}
    store = {"cluster_identifier": "ra-pr-12-docs", "backup_retention_period": 5, "skip_final_snapshot": True,
             "deletion_protection": False, "tags": tags, **cluster}
    return [gone(f"{unit}.aws_docdb_cluster.docs", store),
            gone(f"{unit}.aws_lambda_function.api", {"function_name": "ra-pr-12-api", "tags": tags}),
            gone(f"{unit}.aws_s3_bucket.assets", {"bucket": "ra-pr-12-assets", "tags": tags})]


def test_a_staging_unit_whose_store_skips_its_final_copy_goes_whole_at_medium(tmp_path: Path) -> None:
    assert worst(tmp_path, _review_app()) is Severity.MEDIUM


def test_a_staging_store_is_medium_whatever_copies_it_keeps_and_a_production_one_stays_high(tmp_path: Path) -> None:
    """Session 24: the staging tag says what the data is worth, whether or not a copy outlives the delete."""
    assert worst(tmp_path, _review_app(skip_final_snapshot=False)) is Severity.MEDIUM
    assert worst(tmp_path, _review_app(delete_automated_backups=False)) is Severity.MEDIUM
    assert worst(tmp_path, _review_app(tags={"Environment": "production"})) is Severity.HIGH


# --- a website bucket retired with its website front and the record that named it ------------------------------

SITE = "launch.example.org"  # a website bucket behind a CNAME is named as the host
ENDPOINT = f"{SITE}.s3-website.eu-west-2.amazonaws.com"


def _site(record_action: str = "delete", front: bool = True) -> list[dict[str, Any]]:
    """A bucket, its website configuration kept as an object of its own, and the Route 53 alias record naming it."""
    record = {"name": SITE, "type": "CNAME", "zone_id": "Z1", "records": [ENDPOINT], "ttl": 60}
    plan = [gone("aws_s3_bucket.launch", {"bucket": SITE, "force_destroy": True, "id": SITE})]
    if front:
        plan.append(gone("aws_s3_bucket_website_configuration.launch",
                         {"bucket": SITE, "website_endpoint": ENDPOINT, "index_document": [{"suffix": "index.html"}]}))
    plan.append(gone("aws_route53_record.launch", record) if record_action == "delete"
                else resource("aws_route53_record.launch", record, record, actions=["no-op"]))
    return plan


def test_a_website_bucket_retired_with_its_front_and_record_is_medium(tmp_path: Path) -> None:
    assert worst(tmp_path, _site()) is Severity.MEDIUM


def test_a_website_bucket_whose_record_stays_or_that_serves_no_site_stays_high(tmp_path: Path) -> None:
    assert worst(tmp_path, _site(record_action="keep")) is Severity.HIGH
    assert worst(tmp_path, _site(front=False)) is Severity.HIGH


# --- a backup plan retired while its protection is handed on ---------------------------------------------------

TAGGED = [{"type": "STRINGEQUALS", "key": "backup", "value": "daily"}]


def _backups(new_tags: Any = TAGGED, new_keep: int = 90, with_selection: bool = True) -> list[dict[str, Any]]:
    """An old backup plan (30 days) and its tag selection deleted; a new plan keeping NEW_KEEP days, selecting
    NEW_TAGS."""
    old_plan = {"id": "bp-old", "name": "nightly-v1",
                "rule": [{"rule_name": "nightly", "target_vault_name": "main", "lifecycle": [{"delete_after": 30}]}]}
    old_selection = {"id": "sel-old", "plan_id": "bp-old", "name": "tagged", "selection_tag": TAGGED,
                     "iam_role_arn": "arn:aws:iam::111122223333:role/backup"}
    new_plan = {"name": "nightly-v2",
                "rule": [{"rule_name": "nightly", "target_vault_name": "main",
                          "lifecycle": [{"delete_after": new_keep}]}]}
    plan = [gone("aws_backup_plan.v1", old_plan), gone("aws_backup_selection.v1", old_selection),
            resource("aws_backup_plan.v2", new_plan, unknown={"id": True})]
    if with_selection:
        selection = {"name": "tagged", "selection_tag": new_tags, "iam_role_arn": old_selection["iam_role_arn"]}
        plan.append(resource("aws_backup_selection.v2", selection, unknown={"id": True, "plan_id": True}))
    return plan


def test_a_backup_plan_whose_selection_is_taken_on_by_a_new_plan_is_medium(tmp_path: Path) -> None:
    found = judge(tmp_path, _backups())
    assert found.get("backup-reduced") is Severity.MEDIUM and found.get("resource-delete") is Severity.MEDIUM


def test_a_backup_plan_retired_without_a_full_successor_stays_high(tmp_path: Path) -> None:
    narrower = [{"type": "STRINGEQUALS", "key": "backup", "value": "weekly"}]
    for plan in (_backups(with_selection=False), _backups(new_tags=narrower), _backups(new_keep=7)):
        found = judge(tmp_path, plan)
        assert found.get("backup-reduced") is Severity.HIGH and found.get("resource-delete") is Severity.HIGH
