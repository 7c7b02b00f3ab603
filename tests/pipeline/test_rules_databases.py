"""Databases: identity-only sign-in switched off, role attributes and grants read for what they grant, cache users
without a password, secrets in unmasked CI variables, database ports published through an edge proxy, and deletes
judged by whether a way back exists; each with a benign look-alike."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.pipeline.test_rules_deletes_by_what_they_lose import gone, worst
from tfreview.pipeline.findings import Severity


def changed(address: str, before: dict[str, Any] | None, after: dict[str, Any],
            sensitive: dict[str, Any] | None = None) -> dict[str, Any]:
    """One create (BEFORE None) or update entry of `terraform show -json`."""
    kind, name = address.split(".")
    return {"address": address, "mode": "managed", "type": kind, "name": name,
            "provider_name": "registry.terraform.io/acme/acme",
            "change": {"actions": ["create"] if before is None else ["update"], "before": before, "after": after,
                       "after_unknown": {}, "after_sensitive": sensitive or {}}}


def updated(address: str, before: dict[str, Any], **after: Any) -> dict[str, Any]:
    """An update of BEFORE with the AFTER keys changed."""
    return changed(address, before, {**before, **after})


# --- identity-only sign-in and local keys --------------------------------------------------------------------
SERVER = {"name": "core", "admin": [{"login": "grp", "entra_authentication_only": True}],
          "local_auth_disabled": True}


def test_identity_only_sign_in_switched_off_is_high(tmp_path: Path) -> None:
    off = updated("quokkadb_server.core", SERVER, admin=[{"login": "grp", "entra_authentication_only": False}])
    assert worst(tmp_path, [off], "auth-weakened") is Severity.HIGH


def test_local_keys_switched_back_on_is_high(tmp_path: Path) -> None:
    on = updated("quokkadb_server.core", SERVER, local_auth_disabled=False)
    assert worst(tmp_path, [on], "auth-weakened") is Severity.HIGH


def test_password_sign_in_switched_on_is_high_and_off_is_not_news(tmp_path: Path) -> None:
    auth = {"name": "pg", "authentication": [{"active_directory_auth_enabled": True, "password_auth_enabled": False}]}
    on = updated("quokkadb_flexible_server.pg", auth,
                 authentication=[{"active_directory_auth_enabled": True, "password_auth_enabled": True}])
    assert worst(tmp_path, [on], "auth-weakened") is Severity.HIGH
    off = updated("quokkadb_flexible_server.pg", on["change"]["after"], authentication=auth["authentication"])
    assert worst(tmp_path, [off], "auth-weakened") is None


def test_identity_only_switched_on_is_not_news(tmp_path: Path) -> None:
    before = {**SERVER, "admin": [{"login": "grp", "entra_authentication_only": False}],
              "local_auth_disabled": False}
    on = updated("quokkadb_server.core", before, admin=SERVER["admin"], local_auth_disabled=True)
    assert worst(tmp_path, [on], "auth-weakened") is None


# --- database roles and grants ---------------------------------------------------------------------------------
ROLE = {"name": "app", "login": True, "superuser": False, "create_role": False, "bypass_row_level_security": False,
        "roles": ["app_rw"]}


def test_role_made_superuser_or_created_as_one_is_high(tmp_path: Path) -> None:
    assert worst(tmp_path, [updated("pgmesh_role.app", ROLE, superuser=True)],
                 "iam-privileged-role") is Severity.HIGH
    assert worst(tmp_path, [changed("pgmesh_role.app", None, {**ROLE, "bypass_row_level_security": True})],
                 "iam-privileged-role") is Severity.HIGH


def test_plain_login_role_member_of_an_object_owner_role_is_not_admin(tmp_path: Path) -> None:
    migrator = {**ROLE, "name": "orders_migrator", "password": "x", "roles": ["orders_owner"]}
    plan = [changed("pgmesh_role.migrator", None, migrator, {"password": True})]
    assert worst(tmp_path, plan, "iam-privileged-role") is None


def test_member_of_the_database_owner_role_stays_admin(tmp_path: Path) -> None:
    user = {"name": "etl", "database": "sales", "roles": ["db_owner"]}
    assert worst(tmp_path, [changed("sqlmesh_user.etl", None, user)], "iam-privileged-role") is Severity.HIGH


GRANT = {"database": "billing", "schema": "billing", "object_type": "table", "role": "public"}


def test_write_and_row_reading_privileges_to_public_are_high_and_usage_medium(tmp_path: Path) -> None:
    writes = changed("pgmesh_grant.all", None, {**GRANT, "privileges": ["SELECT", "UPDATE", "TRUNCATE"]})
    assert worst(tmp_path, [writes], "iam-public-member") is Severity.HIGH
    every = {"account_role_name": "PUBLIC", "all_privileges": True, "privileges": None}
    assert worst(tmp_path, [changed("flakedb_grant_to_role.pool", None, every)], "iam-public-member") is Severity.HIGH
    # Every login reads the rows: the data is everyone's (a PHI schema's tables granted to role PUBLIC).
    reads = changed("pgmesh_grant.read", None, {**GRANT, "privileges": ["SELECT"]})
    assert worst(tmp_path, [reads], "iam-public-member") is Severity.HIGH
    every_table = {"account_role_name": "PUBLIC", "privileges": ["SELECT"],
                   "on_schema_object": [{"all": [{"object_type_plural": "TABLES", "in_schema": "CLAIMS.PHI"}]}]}
    assert worst(tmp_path, [changed("flakedb_grant_to_role.claims", None, every_table)],
                 "iam-public-member") is Severity.HIGH
    # Its twin: USAGE or CONNECT opens a door to nothing readable by itself.
    usage = changed("pgmesh_grant.usage", None, {**GRANT, "object_type": "schema", "privileges": ["USAGE"]})
    assert worst(tmp_path, [usage], "iam-public-member") is Severity.MEDIUM


def test_grant_to_a_named_role_is_not_public(tmp_path: Path) -> None:
    analysts = changed("pgmesh_grant.read", None, {**GRANT, "role": "analysts", "privileges": ["ALL"]})
    assert worst(tmp_path, [analysts], "iam-public-member") is None


# --- cache users without a password ---------------------------------------------------------------------------
def test_passwordless_user_with_every_command_is_high_and_narrow_one_medium(tmp_path: Path) -> None:
    wide = {"user_name": "svc", "access_string": "on ~* &* +@all", "no_password_required": True}
    assert worst(tmp_path, [changed("kvcloud_user.svc", None, wide)], "auth-weakened") is Severity.HIGH
    narrow = {**wide, "access_string": "on ~metrics:* +get"}
    assert worst(tmp_path, [changed("kvcloud_user.svc", None, narrow)], "auth-weakened") is Severity.MEDIUM


def test_user_with_a_password_is_not_news(tmp_path: Path) -> None:
    user = {"user_name": "svc", "access_string": "on ~* &* +@all", "no_password_required": False, "passwords": ["x"]}
    assert worst(tmp_path, [changed("kvcloud_user.svc", None, user, {"passwords": True})], "auth-weakened") is None


# --- secrets in unmasked CI variables ------------------------------------------------------------------------
VARIABLE = {"project": "p", "key": "DATABASE_URL", "value": "x", "masked": False, "protected": False}


def test_connection_string_in_an_unmasked_variable_is_high(tmp_path: Path) -> None:
    plan = [changed("cibox_project_variable.db", None, VARIABLE, {"value": True})]
    assert worst(tmp_path, plan, "secrets-shared") is Severity.HIGH
    url = {**VARIABLE, "key": "UPSTREAM", "value": "amqp://svc:hunter2-x@mq.internal:5672/"}
    assert worst(tmp_path, [changed("cibox_project_variable.mq", None, url)], "secrets-shared") is Severity.HIGH


def test_masked_variable_or_plain_setting_is_not_news(tmp_path: Path) -> None:
    masked = changed("cibox_project_variable.db", None, {**VARIABLE, "masked": True}, {"value": True})
    assert worst(tmp_path, [masked], "secrets-shared") is None
    # providers mark every variable's value sensitive: a region is not a secret
    plain = changed("cibox_project_variable.level", None, {**VARIABLE, "key": "REGION"}, {"value": True})
    assert worst(tmp_path, [plain], "secrets-shared") is None
    # a setting about secrets is not a secret
    length = changed("cibox_project_variable.len", None, {**VARIABLE, "key": "password_min_length", "value": "14"})
    assert worst(tmp_path, [length], "secrets-shared") is None


# --- database ports published through an edge proxy ------------------------------------------------------------
APP = {"protocol": "tcp/5432", "dns": [{"type": "CNAME", "name": "db.example.com"}], "origin_port": 5432,
       "ip_firewall": False}


def test_database_port_published_without_filter_is_high(tmp_path: Path) -> None:
    assert worst(tmp_path, [changed("edgeco_app.pg", None, APP)], "public-database") is Severity.HIGH


def test_filtered_or_web_port_is_not_news(tmp_path: Path) -> None:
    assert worst(tmp_path, [changed("edgeco_app.pg", None, {**APP, "ip_firewall": True})], "public-database") is None
    web = {**APP, "protocol": "tcp/443", "origin_port": 443}
    assert worst(tmp_path, [changed("edgeco_app.web", None, web)], "public-database") is None


# --- deletes judged by whether a way back exists ---------------------------------------------------------------
DB = {"identifier": "ml-dev", "skip_final_snapshot": False, "final_snapshot_identifier": "ml-dev-final",
      "tags": {"env": "dev"}}


def test_dev_database_with_final_snapshot_is_medium(tmp_path: Path) -> None:
    assert worst(tmp_path, [gone("quokkadb_database.ml", DB)]) is Severity.MEDIUM


def test_production_stays_high_and_a_dev_database_skipping_its_snapshot_is_medium(tmp_path: Path) -> None:
    """The environment tag says what the data is worth: a dev database without a final copy is rebuilt, not
    restored (session 24: every unseen writer calls it routine). Untagged or production, no copy means high."""
    assert worst(tmp_path, [gone("quokkadb_database.ml", {**DB, "tags": {"env": "prod"}})]) is Severity.HIGH
    untagged = {**DB, "skip_final_snapshot": True, "tags": {"team": "ml"}}
    assert worst(tmp_path, [gone("quokkadb_database.ml", untagged)]) is Severity.HIGH
    assert worst(tmp_path, [gone("quokkadb_database.ml", {**DB, "skip_final_snapshot": True})]) is Severity.MEDIUM
    no_name = {**DB, "final_snapshot_identifier": None}
    assert worst(tmp_path, [gone("quokkadb_database.ml", no_name)]) is Severity.MEDIUM


@pytest.mark.parametrize("settings", [
    {"settings": [{"tier": "db-2", "final_backup_config": [{"enabled": True, "retention_days": 30}]}]},
    {"final_snapshot": True},
], ids=["final-backup-block", "final-snapshot-switch"])
def test_dev_database_keeping_a_final_backup_is_medium(tmp_path: Path, settings: dict[str, Any]) -> None:
    erp = {"name": "erp", "labels": {"env": "dev"}, **settings}
    assert worst(tmp_path, [gone("quokkadb_database.erp", erp)]) is Severity.MEDIUM


@pytest.mark.parametrize("settings", [
    {"settings": [{"tier": "db-2", "final_backup_config": [{"enabled": False, "retention_days": 30}]}]},
    {"final_snapshot": False, "delete_backups_on_destroy": True},
    {"final_snapshot": True, "skip_final_snapshot": True},
    {"final_backup": "SKIP_FINAL_BACKUP"},
], ids=["block-disabled", "switch-off", "switch-but-skipped", "skip-word"])
def test_database_without_a_final_backup_is_high_unless_its_tag_says_dev(tmp_path: Path,
                                                                         settings: dict[str, Any]) -> None:
    erp = {"name": "erp", "labels": {"team": "finance"}, **settings}
    assert worst(tmp_path, [gone("quokkadb_database.erp", erp)]) is Severity.HIGH
    dev = {**erp, "labels": {"env": "dev"}}
    assert worst(tmp_path, [gone("quokkadb_database.erp", dev)]) is Severity.MEDIUM


READER = {"cluster_identifier": "ledger", "identifier": "ledger-3", "writer": False}


def test_reader_of_a_cluster_that_stays_is_medium(tmp_path: Path) -> None:
    assert worst(tmp_path, [gone("quokkadb_cluster_instance.r", READER)]) is Severity.MEDIUM


def test_writer_or_reader_whose_cluster_goes_stays_high(tmp_path: Path) -> None:
    writer = gone("quokkadb_cluster_instance.w", {**READER, "writer": True})
    assert worst(tmp_path, [writer]) is Severity.HIGH
    cluster = gone("quokkadb_cluster.c", {"cluster_identifier": "ledger"})
    assert worst(tmp_path, [gone("quokkadb_cluster_instance.r", READER), cluster]) is Severity.HIGH


BRANCH = {"name": "feat-x", "production": False, "parent_branch": "main", "delete_protection": False}


def test_non_production_branch_of_a_parent_that_stays_is_medium(tmp_path: Path) -> None:
    assert worst(tmp_path, [gone("forkdb_branch.feature", BRANCH)]) is Severity.MEDIUM


def test_production_or_protected_branch_stays_high(tmp_path: Path) -> None:
    assert worst(tmp_path, [gone("forkdb_branch.main", {**BRANCH, "production": True})]) is Severity.HIGH
    assert worst(tmp_path, [gone("forkdb_branch.f", {**BRANCH, "delete_protection": True})]) is Severity.HIGH


TABLE = {"name": "events-pr-7", "deletion_protection_enabled": False, "tags": {"env": "preview", "pr": "7"}}


def test_preview_table_keyed_and_labelled_preview_is_medium(tmp_path: Path) -> None:
    table = gone('quokkadb_table.preview["pr-7"]', TABLE, "delete_because_each_key")
    assert worst(tmp_path, [table]) is Severity.MEDIUM


def test_preview_key_alone_or_production_label_stays_high(tmp_path: Path) -> None:
    unlabelled = gone('quokkadb_table.preview["pr-7"]', {**TABLE, "tags": {}}, "delete_because_each_key")
    assert worst(tmp_path, [unlabelled]) is Severity.HIGH
    prod = gone('quokkadb_table.preview["pr-7"]', {**TABLE, "tags": {"env": "preview", "tier": "prod"}},
                "delete_because_each_key")
    assert worst(tmp_path, [prod]) is Severity.HIGH


# --- Principal "*" on a private service that signs in every request itself -------------------------------------
POLICY = ('{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, '
          '"Action": "es:ESHttp*", "Resource": "arn:aws:es:eu-west-1:111122223333:domain/logs/*"}]}')
PRIVATE = {"domain_name": "logs", "vpc_options": [{"subnet_ids": ["subnet-1"]}],
           "advanced_security_options": [{"enabled": True, "anonymous_auth_enabled": False}]}


def _domain(attrs: dict[str, Any]) -> dict[str, Any]:
    entry = changed("aws_opensearch_domain.logs", attrs, attrs)
    entry["change"]["actions"] = ["no-op"]
    return entry


def test_open_policy_on_private_domain_with_own_sign_in_is_medium(tmp_path: Path) -> None:
    policy = changed("aws_opensearch_domain_policy.logs", None, {"domain_name": "logs", "access_policies": POLICY})
    assert worst(tmp_path, [policy, _domain(PRIVATE)], "iam-public-member") is Severity.MEDIUM


def test_open_policy_on_public_domain_or_without_own_sign_in_stays_high(tmp_path: Path) -> None:
    policy = changed("aws_opensearch_domain_policy.logs", None, {"domain_name": "logs", "access_policies": POLICY})
    public = {**PRIVATE, "vpc_options": []}
    assert worst(tmp_path, [policy, _domain(public)], "iam-public-member") is Severity.HIGH
    no_auth = {**PRIVATE, "advanced_security_options": [{"enabled": False}]}
    assert worst(tmp_path, [policy, _domain(no_auth)], "iam-public-member") is Severity.HIGH
    assert worst(tmp_path, [policy], "iam-public-member") is Severity.HIGH
