"""Deletes and replaces decided by the rest of the plan: preview environments torn down whole, brief dev queues,
finished jobs re-run, access handed from a person to a group, authoritative policies that wipe owners, and grants
cut from a production workload's identity; each with a look-alike that keeps its grade."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.pipeline.test_rules_deletes_by_what_they_lose import gone, worst
from tfreview.pipeline.findings import Severity
from tfreview.pipeline.review import review
from tfreview.settings import Settings


def made(address: str, after: dict[str, Any], before: dict[str, Any] | None = None,
         actions: list[str] | None = None) -> dict[str, Any]:
    """One create (or update/no-op, with BEFORE and ACTIONS) entry of `terraform show -json`."""
    kind, name = address.split(".")[-2:]
    return {"address": address, "mode": "managed", "type": kind, "name": name,
            "provider_name": "registry.terraform.io/acme/acme",
            "change": {"actions": actions or ["create"], "before": before, "after": after, "after_unknown": {},
                       "after_sensitive": {}}}


def by_rule(tmp_path: Path, changes: list[dict[str, Any]]) -> dict[str, Severity]:
    """Review with rules alone: the worst severity of each rule that fired."""
    path = tmp_path / "plan.json"
    path.write_text(json.dumps({"format_version": "1.2", "terraform_version": "1.9.8", "resource_changes": changes}))
    result = review(path, Settings(backend="none"))
    assert not result.errors
    found: dict[str, Severity] = {}
    for f in result.findings:
        if f.rule not in found or f.severity.rank < found[f.rule].rank:
            found[f.rule] = f.severity
    return found


# A preview environment's database keeps a final snapshot; its subnet group is named for it.
PREVIEW_DB = {"identifier": "shop-pr-77", "skip_final_snapshot": False, "final_snapshot_identifier": "shop-pr-77-last",
              "tags": {"env": "preview", "pr": "77"}}


def test_preview_database_with_final_snapshot_and_its_subnet_group_are_medium(tmp_path: Path) -> None:
    group = gone("acme_db_subnet_group.shop", {"name": "shop-pr-77", "subnet_ids": ["s-1"]})
    assert worst(tmp_path, [gone("acme_db_instance.shop", PREVIEW_DB), group]) is Severity.MEDIUM


def test_preview_database_without_final_snapshot_is_medium_and_a_kept_referrer_holds_it(tmp_path: Path) -> None:
    """A preview database is rebuilt, not restored; a kept app still pointed at it is a partial teardown."""
    db = {**PREVIEW_DB, "skip_final_snapshot": True}
    assert worst(tmp_path, [gone("acme_db_instance.shop", db)]) is Severity.MEDIUM
    app = {"name": "shop-web", "env": {"DB_HOST": "shop-pr-77.cluster.acme.internal"}}
    kept = {"address": "acme_app.web", "mode": "managed", "type": "acme_app", "name": "web",
            "provider_name": "registry.terraform.io/acme/acme",
            "change": {"actions": ["no-op"], "before": app, "after": app}}
    assert worst(tmp_path, [gone("acme_db_instance.shop", db), kept]) is Severity.HIGH


def test_subnet_group_whose_database_stays_is_high(tmp_path: Path) -> None:
    group = gone("acme_db_subnet_group.shop", {"name": "shop-prod", "subnet_ids": ["s-1"]})
    assert worst(tmp_path, [group]) is Severity.HIGH


RG = {"id": "/subs/1/resourceGroups/rg-pr-9", "name": "rg-pr-9", "tags": {"env": "preview", "ttl": "24h"}}


def _member(name: str, env: str, **extra: Any) -> dict[str, Any]:
    return {"id": f"/subs/1/resourceGroups/rg-pr-9/providers/Acme/{name}", "name": name, "tags": {"env": env},
            **extra}


def test_stores_torn_down_with_their_preview_resource_group_are_medium(tmp_path: Path) -> None:
    changes = [gone("acme_resource_group.pr", RG), gone("acme_postgres_server.pr", _member("pg-pr-9", "preview")),
               gone("acme_key_vault.pr", _member("kv-pr-9", "preview"))]
    assert worst(tmp_path, changes) is Severity.MEDIUM


def test_a_namespace_names_its_members_too(tmp_path: Path) -> None:
    namespace = {"id": "preview-42", "metadata": [{"name": "preview-42", "labels": {"env": "preview"}}]}
    claim = {"id": "preview-42/data", "metadata": [{"name": "data", "namespace": "preview-42",
                                                    "labels": {"env": "preview"}}]}
    changes = [gone("kubeco_namespace.pr", namespace), gone("kubeco_persistent_volume_claim.data", claim)]
    assert worst(tmp_path, changes) is Severity.MEDIUM


def test_a_production_store_inside_a_preview_group_stays_high(tmp_path: Path) -> None:
    changes = [gone("acme_resource_group.pr", RG), gone("acme_postgres_server.pr", _member("pg-pr-9", "prod"))]
    assert worst(tmp_path, changes) is Severity.HIGH


def test_a_preview_store_whose_group_stays_is_medium_by_its_own_tag(tmp_path: Path) -> None:
    assert worst(tmp_path, [gone("acme_postgres_server.pr", _member("pg-pr-9", "preview"))]) is Severity.MEDIUM


def test_a_protected_store_in_a_preview_group_stays_high(tmp_path: Path) -> None:
    store = _member("pg-pr-9", "preview", deletion_protection=True)
    assert worst(tmp_path, [gone("acme_resource_group.pr", RG), gone("acme_postgres_server.pr", store)]) \
        is Severity.HIGH


def test_dev_queue_keeping_an_hour_of_messages_is_medium(tmp_path: Path) -> None:
    queue = {"name": "scratch", "retention_hours": 1, "labels": {"env": "dev"}}
    assert worst(tmp_path, [gone("wavely_queue.scratch", queue)]) is Severity.MEDIUM


def test_dev_queue_keeping_a_week_is_medium_and_prod_queue_keeping_an_hour_stays_high(tmp_path: Path) -> None:
    week = {"name": "orders", "message_retention_seconds": 604800, "labels": {"env": "dev"}}
    prod = {"name": "orders", "retention_hours": 1, "labels": {"env": "prod"}}
    assert worst(tmp_path, [gone("wavely_queue.week", week)]) is Severity.MEDIUM
    assert worst(tmp_path, [gone("wavely_queue.prod", prod)]) is Severity.HIGH


def test_preview_monitor_deleted_is_medium_and_production_one_stays_high(tmp_path: Path) -> None:
    preview = {"name": "pr-5-smoke", "environment": "preview", "escalation_id": None}
    prod = {"name": "core-slo", "environment": "production", "escalation_id": "e-1"}
    assert worst(tmp_path, [gone("glowwatch_alert_policy.pr", preview)]) is Severity.MEDIUM
    assert worst(tmp_path, [gone("glowwatch_alert_policy.core", prod)]) is Severity.HIGH


def _job(image: str, **spec: Any) -> dict[str, Any]:
    return {"metadata": [{"name": "migrate"}], "spec": [{**spec, "template": [{"spec": [{
        "container": [{"name": "m", "image": image}], "restart_policy": "Never"}]}]}]}


def test_a_job_that_runs_to_completion_replaced_for_a_new_image_is_medium(tmp_path: Path) -> None:
    entry = gone("kubeco_job_v1.migrate", _job("app:1", backoff_limit=2), "replace_because_cannot_update",
                 ["delete", "create"])
    entry["change"]["after"] = _job("app:2", backoff_limit=2)
    assert worst(tmp_path, [entry], "resource-replace") is Severity.MEDIUM


def test_a_streaming_job_replaced_stays_high(tmp_path: Path) -> None:
    stream = {"name": "events", "job_type": "JOB_TYPE_STREAMING", "template_gcs_path": "gs://t/x"}
    entry = gone("cloudco_dataflow_job.events", stream, "replace_because_cannot_update", ["delete", "create"])
    assert worst(tmp_path, [entry], "resource-replace") is Severity.HIGH


def _member_grant(address: str, member: str, role: str = "roles/cloudsql.admin") -> dict[str, Any]:
    return {"project": "shop-prod", "role": role, "member": member}


def test_a_role_handed_from_a_person_to_a_group_of_the_same_domain_is_medium(tmp_path: Path) -> None:
    changes = [gone("google_project_iam_member.alice", _member_grant("a", "user:alice@shop.io")),
               made("google_project_iam_member.dbas", _member_grant("g", "group:dbas@shop.io"))]
    assert by_rule(tmp_path, changes)["iam-privileged-role"] is Severity.MEDIUM


def test_a_role_handed_to_another_domain_or_not_handed_stays_high(tmp_path: Path) -> None:
    elsewhere = [gone("google_project_iam_member.alice", _member_grant("a", "user:alice@shop.io")),
                 made("google_project_iam_member.dbas", _member_grant("g", "group:dbas@partner.io"))]
    fresh = [made("google_project_iam_member.dbas", _member_grant("g", "group:dbas@shop.io"))]
    wider = [gone("google_project_iam_member.alice", _member_grant("a", "user:alice@shop.io", "roles/viewer")),
             made("google_project_iam_member.dbas", _member_grant("g", "group:dbas@shop.io", "roles/owner"))]
    for changes in (elsewhere, fresh, wider):
        assert by_rule(tmp_path, changes)["iam-privileged-role"] is Severity.HIGH


def _policy(*bindings: tuple[str, list[str]]) -> dict[str, Any]:
    data = {"bindings": [{"role": role, "members": members} for role, members in bindings]}
    return {"id": "shop-prod", "project": "shop-prod", "policy_data": json.dumps(data)}


OWNERS = ("roles/owner", ["group:admins@shop.io"])
CI = ("roles/editor", ["serviceAccount:ci@shop-prod.iam.gserviceaccount.com"])


def test_an_authoritative_policy_that_drops_its_owners_is_high(tmp_path: Path) -> None:
    change = made("cloudco_project_iam_policy.prod", _policy(CI), _policy(OWNERS, CI), ["update"])
    assert by_rule(tmp_path, [change])["access-wiped"] is Severity.HIGH


def test_an_authoritative_policy_that_drops_most_bindings_is_high(tmp_path: Path) -> None:
    reader = ("roles/viewer", ["user:a@shop.io"])
    logs = ("roles/logging.viewer", ["user:b@shop.io"])
    change = made("cloudco_project_iam_policy.prod", _policy(CI), _policy(CI, reader, logs), ["update"])
    assert by_rule(tmp_path, [change])["access-wiped"] is Severity.HIGH


def test_an_authoritative_policy_that_keeps_an_owner_or_adds_a_binding_is_not_wiped(tmp_path: Path) -> None:
    two = ("roles/owner", ["group:admins@shop.io", "user:bob@shop.io"])
    one = made("cloudco_project_iam_policy.prod", _policy(OWNERS, CI), _policy(two, CI), ["update"])
    added = made("cloudco_project_iam_policy.prod", _policy(OWNERS, CI, ("roles/viewer", ["user:a@shop.io"])),
                 _policy(OWNERS, CI), ["update"])
    for change in (one, added):
        assert "access-wiped" not in by_rule(tmp_path, [change])


def test_an_owner_binding_losing_one_of_two_members_is_not_wiped(tmp_path: Path) -> None:
    before = {"project": "shop-prod", "role": "roles/owner", "members": ["user:a@shop.io", "user:b@shop.io"]}
    change = made("google_project_iam_binding.owners", {**before, "members": ["user:a@shop.io"]}, before, ["update"])
    assert "access-wiped" not in by_rule(tmp_path, [change])


def test_a_deleted_project_policy_with_owners_is_wiped_and_a_bucket_policy_is_not(tmp_path: Path) -> None:
    project = gone("cloudco_project_iam_policy.prod", _policy(OWNERS, CI))
    bucket = gone("cloudco_storage_bucket_iam_policy.logs", {**_policy(OWNERS, CI), "bucket": "logs"})
    assert by_rule(tmp_path, [project])["access-wiped"] is Severity.HIGH
    assert "access-wiped" not in by_rule(tmp_path, [bucket])


def test_a_kubernetes_binding_handed_to_another_subject_is_not_wiped(tmp_path: Path) -> None:
    def binding(user: str) -> dict[str, Any]:
        return {"metadata": [{"name": "ops"}], "role_ref": [{"kind": "ClusterRole", "name": "admin"}],
                "subject": [{"kind": "User", "name": user}]}
    change = made("kubernetes_role_binding_v1.ops", binding("bob"), binding("ann"), ["update"])
    assert "access-wiped" not in by_rule(tmp_path, [change])


CLUSTER = {"id": "c-1", "name": "aks-prod", "kubelet_identity": [{"object_id": "5d6e7f80-0000-1111"}]}


def _pull(principal_type: str) -> dict[str, Any]:
    return {"scope": "/subs/1/registries/acr", "role_definition_name": "AcrPull", "principal_id": "5d6e7f80-0000-1111",
            "principal_type": principal_type}


def test_a_grant_cut_from_a_production_workload_identity_is_high(tmp_path: Path) -> None:
    changes = [gone("azurerm_role_assignment.pull", _pull("ServicePrincipal")),
               made("azurerm_kubernetes_cluster.prod", CLUSTER, CLUSTER, ["no-op"])]
    assert worst(tmp_path, changes) is Severity.HIGH


def test_a_workload_grant_taken_over_or_of_a_person_or_unused_stays_medium(tmp_path: Path) -> None:
    cluster = made("azurerm_kubernetes_cluster.prod", CLUSTER, CLUSTER, ["no-op"])
    moved = {**_pull("ServicePrincipal"), "scope": "/subs/1/registries/acr2"}
    taken = [gone("azurerm_role_assignment.pull", _pull("ServicePrincipal")), cluster,
             made("azurerm_role_assignment.pull2", moved)]
    person = [gone("azurerm_role_assignment.pull", _pull("User")), cluster]
    unused = [gone("azurerm_role_assignment.pull", _pull("ServicePrincipal"))]
    dev = [gone("azurerm_role_assignment.pull", _pull("ServicePrincipal")),
           made("azurerm_kubernetes_cluster.dev", {**CLUSTER, "name": "aks-dev"}, {**CLUSTER, "name": "aks-dev"},
                ["no-op"])]
    for changes in (taken, person, unused, dev):
        assert worst(tmp_path, changes) is Severity.MEDIUM
