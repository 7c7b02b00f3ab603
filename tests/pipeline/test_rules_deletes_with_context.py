"""Deletes judged with what the same plan keeps or creates: a disposable for_each instance rotated to a new key;
each with a look-alike that stays high."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.pipeline.test_rules_deletes_by_what_they_lose import gone, worst
from tests.pipeline.test_rules_successors_take_over import made
from tfreview.pipeline.findings import Severity
from tfreview.pipeline.review import review
from tfreview.settings import Settings

EACH_KEY = "delete_because_each_key"


def _cluster(key: str, **extra: Any) -> dict[str, Any]:
    return {"name": f"run-{key}", "plan": "small", "region": "eu-1", "deletion_protection": False,
            "backup": {"enabled": False}, **extra}


def _rotation(tmp_path: Path, old: dict[str, Any], new: dict[str, Any], block: str = "acme_cluster.ci",
              new_block: str | None = None) -> Severity | None:
    return worst(tmp_path, [gone(f'{block}["5512"]', {"id": "c-1", **old}, EACH_KEY),
                            made(f'{new_block or block}["5513"]', new)])


@pytest.mark.parametrize("labels", [{"labels": {"env": "ci"}}, {"tags": {"env": "loadtest", "ttl": "30d"}}],
                         ids=["ci-label", "expiry-label"])
def test_disposable_instance_rotated_to_a_new_key_is_medium(tmp_path: Path, labels: dict[str, Any]) -> None:
    assert _rotation(tmp_path, _cluster("5512", **labels), _cluster("5513", **labels)) is Severity.MEDIUM


def test_preview_named_instance_rotated_is_medium(tmp_path: Path) -> None:
    old, new = _cluster("5512", name="pr-preview-5512"), _cluster("5513", name="pr-preview-5513")
    assert _rotation(tmp_path, old, new) is Severity.MEDIUM


@pytest.mark.parametrize(("old", "new", "new_block"), [
    (_cluster("5512"), _cluster("5513"), None),
    (_cluster("5512", labels={"env": "ci", "team": "prod"}), _cluster("5513", labels={"env": "ci", "team": "prod"}),
     None),
    (_cluster("5512", labels={"env": "ci"}, deletion_protection=True),
     _cluster("5513", labels={"env": "ci"}, deletion_protection=True), None),
    (_cluster("5512", labels={"env": "ci"}), _cluster("5513", labels={"env": "ci"}, plan="large"), None),
    (_cluster("5512", labels={"env": "ci"}), _cluster("5513", labels={"env": "ci"}), "acme_cluster.other"),
], ids=["no-disposable-word", "production-word", "guarded", "settings-differ", "other-block"])
def test_rotations_that_may_lose_data_stay_high(tmp_path: Path, old: dict[str, Any], new: dict[str, Any],
                                                new_block: str | None) -> None:
    assert _rotation(tmp_path, old, new, new_block=new_block) is Severity.HIGH


# --- a production store cut over to its successor, keeping a final copy -----------------------------------------
BLUE = {"identifier": "orders-blue", "skip_final_snapshot": False, "final_snapshot_identifier": "orders-blue-final",
        "tags": {"env": "production"}}
GREEN = {"identifier": "orders-green", "skip_final_snapshot": False, "tags": {"env": "production"}}


def _pointer(before: str, after: str) -> dict[str, Any]:
    entry = made("acme_parameter.db_host", {"name": "/orders/db_host", "value": after})
    entry["change"].update(actions=["update"], before={"name": "/orders/db_host", "value": before})
    return entry


def _switch(tmp_path: Path, blue: dict[str, Any], after: str) -> Severity | None:
    green = made("acme_db_instance.green", GREEN)
    green["change"].update(actions=["no-op"], before=GREEN)
    pointer = _pointer("orders-blue.abc.rds.example.com", after)
    return worst(tmp_path, [gone("acme_db_instance.blue", blue), green, pointer])


def test_production_database_cut_over_to_its_successor_with_a_final_snapshot_is_medium(tmp_path: Path) -> None:
    assert _switch(tmp_path, BLUE, "orders-green.abc.rds.example.com") is Severity.MEDIUM


@pytest.mark.parametrize(("blue", "after"), [
    ({**BLUE, "skip_final_snapshot": True}, "orders-green.abc.rds.example.com"),
    (BLUE, "orders-blue.abc.rds.example.com"),
    (BLUE, "orders-green.xyz.other.example.com"),
], ids=["snapshot-skipped", "still-pointing-at-blue", "pointer-rewritten-elsewhere"])
def test_production_database_without_copy_or_cut_over_stays_high(tmp_path: Path, blue: dict[str, Any],
                                                                 after: str) -> None:
    assert _switch(tmp_path, blue, after) is Severity.HIGH


def test_production_database_with_only_a_final_snapshot_stays_high(tmp_path: Path) -> None:
    # A final snapshot alone does not say production no longer needs the data (the plan cannot tell a decommission
    # from a mistake), so it stays for a person to read.
    assert worst(tmp_path, [gone("acme_db_instance.blue", BLUE)]) is Severity.HIGH


# --- a bucket that cannot be deleted while it holds anything, migrated to its successor -------------------------
OLD_BUCKET = {"name": "acme-exports-us", "location": "US", "force_destroy": False}
NEW_BUCKET = {"name": "acme-exports-eu", "location": "EU", "force_destroy": False}


def _noop(address: str, values: dict[str, Any]) -> dict[str, Any]:
    entry = made(address, values)
    entry["change"].update(actions=["no-op"], before=values)
    return entry


def _migration(source: str, sink: str) -> dict[str, Any]:
    return _noop("acme_transfer_job.move", {"spec": [{"source": [{"bucket_name": source}],
                                                      "sink": [{"bucket_name": sink}]}]})


def test_bucket_migrated_to_a_kept_successor_with_force_destroy_off_is_medium(tmp_path: Path) -> None:
    plan = [gone("acme_storage_bucket.old", OLD_BUCKET), _noop("acme_storage_bucket.new", NEW_BUCKET),
            _migration("acme-exports-us", "acme-exports-eu")]
    assert worst(tmp_path, plan) is Severity.MEDIUM


def test_bucket_whose_reader_is_repointed_to_a_kept_successor_is_medium(tmp_path: Path) -> None:
    cdn = made("acme_cdn.assets", {"origin": [{"domain_name": "acme-exports-eu.storage.example.com"}]})
    old_origin = {"origin": [{"domain_name": "acme-exports-us.storage.example.com"}]}
    cdn["change"].update(actions=["update"], before=old_origin)
    plan = [gone("acme_storage_bucket.old", OLD_BUCKET), _noop("acme_storage_bucket.new", NEW_BUCKET), cdn]
    assert worst(tmp_path, plan) is Severity.MEDIUM


@pytest.mark.parametrize(("old", "others"), [
    ({**OLD_BUCKET, "force_destroy": True}, [_migration("acme-exports-us", "acme-exports-eu")]),
    ({**OLD_BUCKET, "object_count": 12}, []),
    (OLD_BUCKET, [_migration("acme-exports-us", "acme-exports-eu"),
                  _noop("acme_app.reader", {"env": {"BUCKET": "acme-exports-us"}})]),
], ids=["force-destroy-on", "reports-objects-held", "still-read-by-a-kept-object"])
def test_bucket_deletes_that_may_lose_data_or_service_stay_high(tmp_path: Path, old: dict[str, Any],
                                                                 others: list[dict[str, Any]]) -> None:
    plan = [gone("acme_storage_bucket.old", old), _noop("acme_storage_bucket.new", NEW_BUCKET), *others]
    assert worst(tmp_path, plan) is Severity.HIGH


# --- a preview module instance's unlabelled database, torn down with its labelled members ------------------------
def _preview(tmp_path: Path, db: dict[str, Any], service_labels: dict[str, str], key: str = "pr-512",
             extra: list[dict[str, Any]] | None = None) -> Severity | None:
    module = f'module.review_app["{key}"]'
    plan = [gone(f"{module}.acme_sql_database.app", db, "delete_because_no_module"),
            gone(f"{module}.acme_run_service.app", {"name": f"app-{key}", "labels": service_labels},
                 "delete_because_no_module"), *(extra or [])]
    return worst(tmp_path, plan)


def test_preview_instance_database_torn_down_with_labelled_members_is_medium(tmp_path: Path) -> None:
    db = {"name": "app_pr_512", "instance": "preview-shared"}
    assert _preview(tmp_path, db, {"env": "preview"}) is Severity.MEDIUM


@pytest.mark.parametrize(("db", "labels", "key"), [
    ({"name": "app_pr_512"}, {"env": "prod"}, "pr-512"),
    ({"name": "orders_prod"}, {"env": "preview"}, "pr-512"),
    ({"name": "app_pr_512"}, {"env": "preview"}, "orders"),
    ({"name": "app_pr_512", "deletion_protection": True}, {"env": "preview"}, "pr-512"),
], ids=["members-say-production", "name-says-production", "key-not-preview", "guarded"])
def test_preview_looking_database_deletes_stay_high(tmp_path: Path, db: dict[str, Any], labels: dict[str, str],
                                                    key: str) -> None:
    assert _preview(tmp_path, db, labels, key) is Severity.HIGH


# --- a stateless object whose user moves to a new one of its type ------------------------------------------------
def _plan_move(tmp_path: Path, after_plan_id: str, extra: list[dict[str, Any]] | None = None) -> Severity | None:
    app = gone("acme_function_app.worker", {"name": "worker", "service_plan_id": "/sub/plan-old"},
               actions=["create", "delete"])
    app["change"]["after"] = {"name": "worker", "service_plan_id": after_plan_id}
    plan = [gone("acme_service_plan.old", {"name": "plan-old", "sku": "Y1"}),
            made("acme_service_plan.new", {"name": "plan-new", "sku": "EP1"}), app, *(extra or [])]
    return worst(tmp_path, plan)


def test_plan_deleted_after_its_app_moves_to_a_new_plan_is_medium(tmp_path: Path) -> None:
    assert _plan_move(tmp_path, "/sub/plan-new") is Severity.MEDIUM


@pytest.mark.parametrize(("after", "extra"), [
    ("/sub/plan-old", []),
    ("/sub/plan-new", [_noop("acme_function_app.other", {"name": "other", "service_plan_id": "/sub/plan-old"})]),
], ids=["app-stays-on-old", "another-app-still-on-old"])
def test_plan_still_used_stays_high(tmp_path: Path, after: str, extra: list[dict[str, Any]]) -> None:
    assert _plan_move(tmp_path, after, extra) is Severity.HIGH


# --- a grant deleted while the plan grants the same access again ------------------------------------------------
VAULT = "/subscriptions/1/resourceGroups/rg/providers/Acme.Vault/vaults/kv-app"
POLICY = {"vault_id": VAULT, "tenant_id": "t", "object_id": "9a1f", "secret_permissions": ["Get", "List", "Set"]}
ACL = {"scope": "prod-warehouse", "principal": "users", "permission": "READ"}


def test_access_policy_moved_to_a_role_assignment_of_the_same_principal_is_medium(tmp_path: Path) -> None:
    role = made("acme_role_assignment.app", {"scope": VAULT, "role_definition_name": "Vault Secrets User",
                                             "principal_id": "9a1f"})
    assert worst(tmp_path, [gone("acme_vault_access_policy.app", POLICY), role]) is Severity.MEDIUM


def test_acl_handed_to_a_narrower_group_with_the_same_permission_is_medium(tmp_path: Path) -> None:
    new = made("acme_secret_acl.eng", {**ACL, "principal": "data-eng"})
    assert worst(tmp_path, [gone("acme_secret_acl.users", ACL), new]) is Severity.MEDIUM


@pytest.mark.parametrize("others", [
    [],
    [made("acme_secret_acl.eng", {**ACL, "principal": "data-eng", "permission": "WRITE"})],
    [made("acme_secret_acl.eng", {**ACL, "principal": "data-eng", "scope": "other-scope"})],
], ids=["only-holder-gone", "other-permission", "other-target"])
def test_grant_deleted_with_nobody_granted_again_stays_high(tmp_path: Path, others: list[dict[str, Any]]) -> None:
    acl = {**ACL, "permission": "MANAGE"} if not others else ACL
    assert worst(tmp_path, [gone("acme_secret_acl.users", acl), *others]) is Severity.HIGH


def test_deny_grant_deleted_stays_high(tmp_path: Path) -> None:
    deny = {**ACL, "permission": "DENY_READ"}
    new = made("acme_secret_acl.eng", {**deny, "principal": "data-eng"})
    assert worst(tmp_path, [gone("acme_secret_acl.users", deny), new]) is Severity.HIGH


# --- a security group's rule deleted: security groups only allow ------------------------------------------------
HTTP = {"security_group_id": "sg-1", "ip_protocol": "tcp", "from_port": 80, "to_port": 80, "cidr_ipv4": "0.0.0.0/0"}


@pytest.mark.parametrize("kind", ["acme_vpc_security_group_ingress_rule", "acme_security_group_rule",
                                  "acme_networking_secgroup_rule_v2"])
def test_security_group_allow_rule_deleted_is_medium(tmp_path: Path, kind: str) -> None:
    assert worst(tmp_path, [gone(f"{kind}.http", HTTP)]) is Severity.MEDIUM


@pytest.mark.parametrize("rule", [{**HTTP, "policy": "drop"}, {**HTTP, "action": "DENY"},
                                  {**HTTP, "description": "block scanners"}], ids=["drop", "deny", "block"])
def test_security_group_rule_that_drops_deleted_stays_high(tmp_path: Path, rule: dict[str, Any]) -> None:
    for kind in ("acme_vpc_security_group_ingress_rule", "acme_security_group_rule"):
        assert worst(tmp_path, [gone(f"{kind}.http", rule)]) is Severity.HIGH


def test_database_cut_over_to_a_new_empty_one_stays_high(tmp_path: Path) -> None:
    # A successor created by this plan starts empty: repointing readers to it is a rename, not a cut-over.
    pointer = _pointer("orders-blue.abc.rds.example.com", "orders-green.abc.rds.example.com")
    plan = [gone("acme_db_instance.blue", BLUE), made("acme_db_instance.green", GREEN), pointer]
    assert worst(tmp_path, plan) is Severity.HIGH


# --- a part deleted with the object it belongs to ---------------------------------------------------------------
LB_ARN = "arn:acme:balancing:eu-1:123:loadbalancer/app/legacy-api/50dc6c49"
LISTENER = {"load_balancer_arn": LB_ARN, "port": 443, "protocol": "HTTPS"}


@pytest.mark.parametrize("balancer", [{"name": "legacy-api"}, {"arn": LB_ARN, "name": "lb"}], ids=["by-name", "by-arn"])
def test_listener_deleted_with_its_balancer_is_medium(tmp_path: Path, balancer: dict[str, Any]) -> None:
    plan = [gone("acme_lb_listener.https", LISTENER), gone("acme_lb.legacy", balancer)]
    assert _severity_of(tmp_path, plan, "acme_lb_listener.https") is Severity.MEDIUM


@pytest.mark.parametrize("other", [
    gone("acme_dns_record.legacy", {"name": "legacy-api"}),
    gone("other_lb.legacy", {"name": "legacy-api", "tags": {"env": "dev"}}),
], ids=["balancer-kept", "other-provider-same-name"])
def test_listener_whose_balancer_stays_is_high(tmp_path: Path, other: dict[str, Any]) -> None:
    plan = [gone("acme_lb_listener.https", LISTENER), other]
    assert _severity_of(tmp_path, plan, "acme_lb_listener.https") is Severity.HIGH


def _severity_of(tmp_path: Path, changes: list[dict[str, Any]], address: str) -> Severity:
    """The severity of resource-delete's finding on ADDRESS."""
    path = tmp_path / "plan.json"
    path.write_text(json.dumps({"format_version": "1.2", "terraform_version": "1.9.8", "resource_changes": changes}))
    result = review(path, Settings(backend="none"))
    return next(f.severity for f in result.findings if f.rule == "resource-delete" and f.address == address)


# --- a config object already archived by its owners -------------------------------------------------------------
def test_archived_flag_deleted_is_medium(tmp_path: Path) -> None:
    flag = {"key": "legacy_export", "environment": "production", "enabled": True, "archived": True}
    assert worst(tmp_path, [gone("acme_feature_flag.legacy", flag)]) is Severity.MEDIUM


@pytest.mark.parametrize(("address", "values"), [
    ("acme_feature_flag.legacy", {"key": "legacy_export", "enabled": True, "archived": False}),
    ("acme_repository.legacy", {"name": "legacy", "archived": True}),
], ids=["flag-not-archived", "archived-repository-holds-code"])
def test_live_flag_or_archived_store_deleted_stays_high(tmp_path: Path, address: str, values: dict[str, Any]) -> None:
    assert worst(tmp_path, [gone(address, values)]) is Severity.HIGH


# --- an application's ConfigMap: settings, no data --------------------------------------------------------------
def _config_map(namespace: str, name: str = "checkout-flags") -> dict[str, Any]:
    return {"data": {"feature.x": "on"}, "metadata": [{"name": name, "namespace": namespace, "labels": {}}]}


def test_application_config_map_deleted_is_medium(tmp_path: Path) -> None:
    assert worst(tmp_path, [gone("kubernetes_config_map.flags", _config_map("shop"))]) is Severity.MEDIUM


@pytest.mark.parametrize("namespace", ["kube-system", "gatekeeper-system"])
def test_cluster_config_map_deleted_stays_high(tmp_path: Path, namespace: str) -> None:
    assert worst(tmp_path, [gone("kubernetes_config_map.auth", _config_map(namespace, "aws-auth"))]) is Severity.HIGH


# --- a release in a non-production namespace --------------------------------------------------------------------
def test_release_in_a_sandbox_namespace_deleted_is_medium(tmp_path: Path) -> None:
    release = {"name": "echo-test", "chart": "echo-server", "namespace": "sandbox"}
    assert worst(tmp_path, [gone("helm_release.echo", release)]) is Severity.MEDIUM


@pytest.mark.parametrize("release", [
    {"name": "postgresql", "chart": "postgresql", "namespace": "staging"},
    {"name": "echo", "chart": "echo-server", "namespace": "payments"},
    {"name": "echo-prod", "chart": "echo-server", "namespace": "sandbox"},
], ids=["data-engine", "production-namespace", "production-name"])
def test_release_that_may_hold_data_or_serve_production_stays_high(tmp_path: Path, release: dict[str, Any]) -> None:
    assert worst(tmp_path, [gone("helm_release.echo", release)]) is Severity.HIGH


# --- an audit sink replaced by one carrying the same events -----------------------------------------------------
SINK = {"id": "s-9", "name": "siem", "destination": "s3://acme-audit/", "enabled": True, "event_types": ["*"],
        "retention_days": 365}


def test_audit_sink_succeeded_by_one_with_the_same_events_is_medium(tmp_path: Path) -> None:
    new = made("acme_audit_sink.v2", {**SINK, "id": None, "name": "siem-v2", "destination": "s3://acme-audit-v2/"})
    assert worst(tmp_path, [gone("acme_audit_sink.v1", SINK), new]) is Severity.MEDIUM


@pytest.mark.parametrize("change", [{"event_types": ["login"]}, {"enabled": False}, {"retention_days": 30}],
                         ids=["fewer-events", "switched-off", "other-settings"])
def test_audit_sink_succeeded_by_a_different_one_stays_high(tmp_path: Path, change: dict[str, Any]) -> None:
    new = made("acme_audit_sink.v2", {**SINK, "id": None, "name": "siem-v2", "destination": "s3://acme-audit-v2/",
                                      **change})
    assert worst(tmp_path, [gone("acme_audit_sink.v1", SINK), new]) is Severity.HIGH


def test_part_of_a_deleted_store_is_judged_on_its_own(tmp_path: Path) -> None:
    # A store's parts may hold its data (a replica, a table): its going is no reason to let them go.
    table = {"cluster_id": "c-main-1", "name": "orders"}
    plan = [gone("acme_kv_table.orders", table), gone("acme_database_cluster.main", {"id": "c-main-1"})]
    assert _severity_of(tmp_path, plan, "acme_kv_table.orders") is Severity.HIGH
