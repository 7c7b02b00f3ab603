"""Round-13 tail judgments: an expiration made longer is no new deletion, a user's password rotated is a rotation,
backup retention cut on a non-production database, load-test machines and synthetic-data stores torn down; each
with a twin that stays caught."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.pipeline.test_rules_deletes_by_what_they_lose import gone, worst
from tests.pipeline.test_rules_read_the_right_way import entry
from tests.pipeline.test_rules_storage_judgments import changed
from tfreview.pipeline.findings import Severity


def bucket(age: int, versioning: bool = True) -> dict[str, Any]:
    return {"name": "acme-logs", "versioning": [{"enabled": versioning}],
            "lifecycle_rule": [{"action": [{"type": "Delete"}], "condition": [{"age": age}]}]}


def test_whole_bucket_expiry_made_longer_is_not_news(tmp_path: Path) -> None:
    plan = [changed("google_storage_bucket.logs", bucket(30, False), bucket(90))]
    assert worst(tmp_path, plan, "lifecycle-expiration") is None


def test_whole_bucket_expiry_made_shorter_stays_high(tmp_path: Path) -> None:
    plan = [changed("google_storage_bucket.logs", bucket(90), bucket(30))]
    assert worst(tmp_path, plan, "lifecycle-expiration") is Severity.HIGH


def test_new_whole_bucket_expiry_on_an_existing_bucket_stays_high(tmp_path: Path) -> None:
    before = {**bucket(30), "lifecycle_rule": []}
    plan = [changed("google_storage_bucket.logs", before, bucket(30))]
    assert worst(tmp_path, plan, "lifecycle-expiration") is Severity.HIGH


def test_new_whole_bucket_retention_of_a_year_is_medium(tmp_path: Path) -> None:
    before = {**bucket(30), "lifecycle_rule": []}
    plan = [changed("google_storage_bucket.logs", before, bucket(365))]
    assert worst(tmp_path, plan, "lifecycle-expiration") is Severity.MEDIUM


def test_prefix_dropped_while_age_grows_stays_high(tmp_path: Path) -> None:
    before = {"bucket": "x", "rule": [{"id": "tmp", "status": "Enabled", "filter": [{"prefix": "tmp/"}],
                                       "expiration": [{"days": 7}]}]}
    after = {"bucket": "x", "rule": [{"id": "tmp", "status": "Enabled", "filter": [],
                                      "expiration": [{"days": 30}]}]}
    plan = [changed("aws_s3_bucket_lifecycle_configuration.x", before, after)]
    assert worst(tmp_path, plan, "lifecycle-expiration") is Severity.HIGH


def user(password: str) -> dict[str, Any]:
    return {"username": "app", "password": password, "roles": [{"role_name": "readWrite", "database_name": "app"}]}


def test_database_user_password_rotated_is_a_rotation(tmp_path: Path) -> None:
    secret = {"password": True}
    plan = [entry("mongodbatlas_database_user.app", "update", user("old-pass-1"), user("new-pass-2"), secret)]
    assert worst(tmp_path, plan, "db-password-reset") is Severity.MEDIUM
    plan = [entry("postgresql_role.app", "update", user("old-pass-1"), user("new-pass-2"), secret)]
    assert worst(tmp_path, plan, "db-password-reset") is Severity.MEDIUM


def test_instance_master_password_changed_alone_stays_high(tmp_path: Path) -> None:
    before = {"identifier": "core", "engine": "postgres", "password": "old-pass-1"}
    plan = [entry("aws_db_instance.core", "update", before, {**before, "password": "new-pass-2"},
                  {"password": True})]
    assert worst(tmp_path, plan, "db-password-reset") is Severity.HIGH


def cloud_sql(env: str, kept: int) -> dict[str, Any]:
    return {"name": f"acme-{env}-pg", "deletion_protection": True,
            "settings": [{"tier": "db-custom-2-7680", "user_labels": {"env": env},
                          "backup_configuration": [{"enabled": True, "backup_retention_settings": [
                              {"retained_backups": kept, "retention_unit": "COUNT"}]}]}]}


def test_backup_retention_cut_on_a_staging_database_labelled_in_its_settings_is_not_high(tmp_path: Path) -> None:
    plan = [changed("google_sql_database_instance.staging", cloud_sql("staging", 30), cloud_sql("staging", 7))]
    assert worst(tmp_path, plan, "backup-reduced") is Severity.LOW


def test_backup_retention_cut_on_production_stays_high(tmp_path: Path) -> None:
    plan = [changed("google_sql_database_instance.main", cloud_sql("prod", 30), cloud_sql("prod", 7))]
    assert worst(tmp_path, plan, "backup-reduced") is Severity.HIGH
    plan = [changed("google_sql_database_instance.stg", cloud_sql("staging", 30), cloud_sql("staging", 1))]
    assert worst(tmp_path, plan, "backup-reduced") is Severity.HIGH


def machine(env: str) -> dict[str, Any]:
    return {"ami": "ami-1", "instance_type": "c6i.2xlarge", "tags": {"env": env, "owner": "perf"}}


def test_load_test_machines_torn_down_are_not_high(tmp_path: Path) -> None:
    for env in ("loadtest", "perf", "benchmark", "load-test"):
        assert worst(tmp_path, [gone("aws_instance.loadgen", machine(env))], "resource-delete") is not Severity.HIGH


def test_production_machine_deleted_stays_high(tmp_path: Path) -> None:
    assert worst(tmp_path, [gone("aws_instance.web", machine("prod"))], "resource-delete") is Severity.HIGH


def store(env: str, data: str) -> dict[str, Any]:
    return {"bucket": "acme-results", "force_destroy": True, "tags": {"env": env, "data": data}}


def test_non_production_store_labelled_synthetic_data_is_not_high(tmp_path: Path) -> None:
    plan = [gone("aws_s3_bucket.results", store("loadtest", "synthetic"))]
    assert worst(tmp_path, plan, "resource-delete") is not Severity.HIGH


def test_production_stores_and_stores_of_customer_data_stay_high(tmp_path: Path) -> None:
    for env, data in (("prod", "synthetic"), ("loadtest", "customer")):
        plan = [gone("aws_s3_bucket.results", store(env, data))]
        assert worst(tmp_path, plan, "resource-delete") is Severity.HIGH, (env, data)
    plain_staging = [gone("aws_s3_bucket.results", store("staging", ""))]
    assert worst(tmp_path, plain_staging, "resource-delete") is Severity.MEDIUM


def test_roles_handed_to_one_principal_deleted_are_a_revocation(tmp_path: Path) -> None:
    for address, before in (("okta_user_admin_roles.departed", {"user_id": "u1", "admin_roles": ["ORG_ADMIN"]}),
                            ("okta_group_role.ops", {"group_id": "g1", "role_type": "SUPER_ADMIN"}),
                            ("auth0_user_roles.bob", {"user_id": "u2", "roles": ["rol_1"]})):
        assert worst(tmp_path, [gone(address, before)]) is Severity.MEDIUM, address


def test_a_role_definition_deleted_stays_high(tmp_path: Path) -> None:
    role = {"label": "Helpdesk", "permissions": ["okta.users.read"]}
    assert worst(tmp_path, [gone("okta_admin_role_custom.helpdesk", role)]) is Severity.HIGH


def assignments(app: str, *groups: str) -> dict[str, Any]:
    profile = '{"role":"arn:aws:iam::412398765012:role/OktaAdmin"}' if "admin" in app.lower() else "{}"
    return {"app_id": app, "group": [{"id": g, "priority": i, "profile": profile} for i, g in enumerate(groups)]}


def test_admin_app_assigned_to_the_everyone_group_by_id_is_high(tmp_path: Path) -> None:
    plan = [changed("okta_app_group_assignments.aws_admin", assignments("0oaAWSadmin", "00gPlatformAdmins"),
                    assignments("0oaAWSadmin", "00gPlatformAdmins", "00gEveryone"))]
    assert worst(tmp_path, plan, "workforce-access") is Severity.HIGH


def test_normal_app_assigned_to_everyone_or_admin_app_to_a_named_group_is_not_flagged(tmp_path: Path) -> None:
    wiki = [changed("okta_app_group_assignments.wiki", assignments("0oaWiki", "00gEngineering"),
                    assignments("0oaWiki", "00gEngineering", "00gEveryone"))]
    assert worst(tmp_path, wiki, "workforce-access") is None
    admins = [changed("okta_app_group_assignments.aws_admin", assignments("0oaAWSadmin", "00gPlatformAdmins"),
                      assignments("0oaAWSadmin", "00gPlatformAdmins", "00gEveryoneReaders"))]
    assert worst(tmp_path, admins, "workforce-access") is None


def test_non_production_query_warehouse_dropped_is_not_high(tmp_path: Path) -> None:
    wh = {"name": "DEV_ADHOC_WH", "warehouse_size": "XSMALL", "auto_suspend": 600, "comment": "dev ad-hoc"}
    assert worst(tmp_path, [gone("snowflake_warehouse.dev_adhoc", wh)]) is Severity.MEDIUM
    pool = {"name": "staging-gpu", "min_nodes": 1}
    assert worst(tmp_path, [gone("snowflake_compute_pool.gpu", pool)]) is Severity.MEDIUM


def test_production_warehouse_or_a_dev_database_dropped_stays_high(tmp_path: Path) -> None:
    assert worst(tmp_path, [gone("snowflake_warehouse.bi", {"name": "PROD_BI_WH", "comment": "dev"})]) \
        is Severity.HIGH
    assert worst(tmp_path, [gone("snowflake_warehouse.bi", {"name": "BI_WH"})]) is Severity.HIGH
    assert worst(tmp_path, [gone("snowflake_database.dev", {"name": "DEV_ANALYTICS", "comment": "dev"})]) \
        is Severity.HIGH


def test_alerting_service_its_own_name_says_decommissioned_is_not_high(tmp_path: Path) -> None:
    svc = {"name": "legacy-reports (decommissioned)", "escalation_policy": "P1", "description": "retired 2026-11"}
    assert worst(tmp_path, [gone("pagerduty_service.legacy_reports", svc)]) is Severity.MEDIUM


def test_live_alerting_service_deleted_stays_high(tmp_path: Path) -> None:
    svc = {"name": "payments", "escalation_policy": "P1", "description": "pages on-call for payments"}
    assert worst(tmp_path, [gone("pagerduty_service.payments", svc)]) is Severity.HIGH
