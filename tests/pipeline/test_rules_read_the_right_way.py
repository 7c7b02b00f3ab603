"""Attributes read the right way round: a keep-on-destroy switch, managed encryption replaced by a customer key, an
exemption on a newly logged type, a password stored with its reset, an access key's id, a boundary-only policy, a
finer backup tier, an HTTPS front door — each with the risky twin that must stay high."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import review_rules_alone, worst_by_rule
from tfreview.pipeline.findings import Severity


def entry(address: str, action: str, before: Any, after: Any, sensitive: Any = None,
          unknown: Any = None) -> dict[str, Any]:
    """One `terraform show -json` resource change."""
    kind, name = address.split(".")[-2:]
    return {"address": address, "mode": "managed", "type": kind, "name": name,
            "provider_name": "registry.terraform.io/acme/acme",
            "change": {"actions": [action], "before": before, "after": after, "after_unknown": unknown or {},
                       "before_sensitive": {} if before is not None else False,
                       "after_sensitive": sensitive or {}}}


def worst(tmp_path: Path, changes: list[dict[str, Any]], rule: str, **sections: Any) -> Severity | None:
    return worst_by_rule(review_rules_alone(tmp_path, changes, **sections)).get(rule)



# --- keep-on-destroy switches protect while on ---------------------------------------------------------------
REPO = {"name": "billing", "archived": False, "visibility": "private"}


@pytest.mark.parametrize(("key", "before", "after", "high"), [
    ("archive_on_destroy", False, True, False),
    ("retain_on_delete", False, True, False),
    ("keep_snapshot_on_destroy", False, True, False),
    ("archive_on_destroy", True, False, True),
    ("retain_on_delete", True, False, True),
    ("purge_on_destroy", False, True, True),
    ("disable_on_destroy", False, True, True),
], ids=["archive-on", "retain-on", "snapshot-on", "archive-off", "retain-off", "purge-on", "disable-on"])
def test_destroy_switches_read_by_what_the_destroy_does(tmp_path: Path, key: str, before: bool, after: bool,
                                                        high: bool) -> None:
    change = entry("zeta_repository.billing", "update", {**REPO, key: before}, {**REPO, key: after})
    assert (worst(tmp_path, [change], "protection-disabled") is Severity.HIGH) is high


# --- managed encryption replaced by a customer key -------------------------------------------------------------
@pytest.mark.parametrize(("address", "before", "after", "unknown", "high"), [
    ("aws_sqs_queue.events", {"sqs_managed_sse_enabled": True, "kms_master_key_id": None},
     {"sqs_managed_sse_enabled": False, "kms_master_key_id": "alias/payments"}, {}, False),
    ("zeta_topic.events", {"service_managed_encryption": True, "cmk_key_id": ""},
     {"service_managed_encryption": False, "cmk_key_id": None}, {"cmk_key_id": True}, False),
    ("aws_sqs_queue.events", {"sqs_managed_sse_enabled": True, "kms_master_key_id": None},
     {"sqs_managed_sse_enabled": False, "kms_master_key_id": None}, {}, True),
    ("zeta_topic.events", {"service_managed_encryption": True, "cmk_key_id": ""},
     {"service_managed_encryption": False, "cmk_key_id": ""}, {}, True),
], ids=["sqs-to-kms", "other-provider-cmk-after-apply", "sqs-sse-off", "other-provider-off"])
def test_managed_encryption_replaced_by_a_customer_key(tmp_path: Path, address: str, before: dict[str, Any],
                                                       after: dict[str, Any], unknown: dict[str, Any],
                                                       high: bool) -> None:
    change = entry(address, "update", {"name": "events", **before}, {"name": "events", **after}, unknown=unknown)
    assert (worst(tmp_path, [change], "encryption-disabled") is Severity.HIGH) is high


# --- exemptions on a log type that was not logged before lose nothing ---------------------------------------
def _audit(*configs: tuple[str, list[str]]) -> dict[str, Any]:
    return {"project": "acme-prod", "service": "allServices",
            "audit_log_config": [{"log_type": t, "exempted_members": m} for t, m in configs]}


EXEMPT = ["serviceAccount:batch@acme-prod.iam.gserviceaccount.com"]


@pytest.mark.parametrize(("before", "after", "flagged"), [
    (_audit(("ADMIN_READ", [])), _audit(("ADMIN_READ", []), ("DATA_READ", EXEMPT)), False),
    (_audit(("ADMIN_READ", []), ("DATA_READ", [])), _audit(("ADMIN_READ", []), ("DATA_READ", EXEMPT)), True),
    (_audit(("ADMIN_READ", [])), _audit(("ADMIN_READ", EXEMPT), ("DATA_READ", EXEMPT)), True),
], ids=["new-log-type", "already-logged", "existing-type-too"])
def test_exemption_on_a_newly_logged_type(tmp_path: Path, before: dict[str, Any], after: dict[str, Any],
                                          flagged: bool) -> None:
    change = entry("google_project_iam_audit_config.all", "update", before, after)
    assert (worst(tmp_path, [change], "logging-disabled") is not None) is flagged


# --- a database password reset while a secret store's value changes with it ---------------------------------
def _db() -> dict[str, Any]:
    return entry("aws_db_instance.payments", "update", {"identifier": "payments", "password": "Old-pass-1234"},
                 {"identifier": "payments", "password": "New-pass-5678"}, sensitive={"password": True})


def test_db_password_stored_in_a_secret_store_is_a_rotation(tmp_path: Path) -> None:
    store = entry("aws_ssm_parameter.db_password", "update",
                  {"name": "/prod/db", "type": "SecureString", "value": "Old-pass-1234"},
                  {"name": "/prod/db", "type": "SecureString", "value": "New-pass-5678"}, sensitive={"value": True})
    assert worst(tmp_path, [store, _db()], "db-password-reset") is Severity.MEDIUM


def test_db_password_with_nothing_storing_it_stays_high(tmp_path: Path) -> None:
    plain = entry("zeta_dashboard.main", "update", {"title": "a"}, {"title": "b"})
    assert worst(tmp_path, [plain, _db()], "db-password-reset") is Severity.HIGH


# --- an access key's id is an identifier; the secret access key is the secret -----------------------------
KEY_ID = "AKIA" + "Q3EXAMPLE7TESTKEY"[:16]


def _output(name: str, value: str) -> dict[str, Any]:
    return {name: {"actions": ["create"], "before": None, "after": value, "after_unknown": False,
                   "before_sensitive": False, "after_sensitive": False}}


def test_access_key_id_output_is_no_credential(tmp_path: Path) -> None:
    assert len(KEY_ID) == 20
    result = review_rules_alone(tmp_path, [], output_changes=_output("ci_access_key_id", KEY_ID))
    assert "credential-in-plan" not in worst_by_rule(result)
    assert KEY_ID not in result.model_dump_json()  # still masked


@pytest.mark.parametrize("name", ["ci_access_key", "ci_credentials"])
def test_access_key_in_a_place_not_named_for_the_id_stays_high(tmp_path: Path, name: str) -> None:
    result = review_rules_alone(tmp_path, [], output_changes=_output(name, KEY_ID))
    assert worst_by_rule(result).get("credential-in-plan") is Severity.HIGH


def test_secret_access_key_output_stays_high(tmp_path: Path) -> None:
    secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
    outputs = _output("ci_secret_access_key", f"AWS_SECRET_ACCESS_KEY={secret}")
    result = review_rules_alone(tmp_path, [], output_changes=outputs)
    assert worst_by_rule(result).get("credential-in-plan") is Severity.HIGH


# --- a policy used only as a permissions boundary grants nothing by itself ---------------------------------
ADMIN = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]})
BOUNDARY_ARN = "arn:aws:iam::318442901127:policy/developer-boundary"


def _boundary_plan(*extra: dict[str, Any]) -> list[dict[str, Any]]:
    role = {"name": "developer", "assume_role_policy": "", "max_session_duration": 3600}
    return [entry("aws_iam_policy.boundary", "create", None,
                  {"name": "developer-boundary", "path": "/", "policy": ADMIN}),
            entry("aws_iam_role.developer", "update", {**role, "permissions_boundary": None},
                  {**role, "permissions_boundary": BOUNDARY_ARN}), *extra]


def test_admin_policy_used_only_as_a_boundary_is_not_a_grant(tmp_path: Path) -> None:
    assert worst(tmp_path, _boundary_plan(), "iam-wildcard") in (None, Severity.LOW)


@pytest.mark.parametrize("policy_arn", [BOUNDARY_ARN, None], ids=["attached-by-arn", "attached-after-apply"])
def test_boundary_policy_also_attached_stays_high(tmp_path: Path, policy_arn: str | None) -> None:
    attachment = entry("aws_iam_role_policy_attachment.dev", "create", None,
                       {"role": "developer", "policy_arn": policy_arn},
                       unknown={} if policy_arn else {"policy_arn": True})
    assert worst(tmp_path, _boundary_plan(attachment), "iam-wildcard") is Severity.HIGH


# --- a finer backup tier cut under longer tiers kept -------------------------------------------------------
def _schedule(hourly: int, monthly: int) -> dict[str, Any]:
    return {"cluster_name": "orders-prod",
            "policy_item_hourly": [{"frequency_interval": 6, "retention_unit": "days", "retention_value": hourly}],
            "policy_item_daily": [{"frequency_interval": 1, "retention_unit": "days", "retention_value": 7}],
            "policy_item_monthly": [{"frequency_interval": 1, "retention_unit": "months",
                                     "retention_value": monthly}]}


@pytest.mark.parametrize(("before", "after", "high"), [
    (_schedule(2, 12), _schedule(1, 12), False),
    (_schedule(2, 12), _schedule(2, 1), True),
], ids=["finest-tier-cut", "longest-tier-cut"])
def test_backup_tier_cut_under_a_longer_tier(tmp_path: Path, before: dict[str, Any], after: dict[str, Any],
                                             high: bool) -> None:
    change = entry("zeta_cloud_backup_schedule.orders", "update", before, after)
    assert (worst(tmp_path, [change], "backup-reduced") is Severity.HIGH) is high


# --- a new HTTPS front door is public by design --------------------------------------------------------------
LISTENER = {"pool": "edge-web", "port": 443, "protocol": "https", "certificate_id": "cert-0192", "public": True}


@pytest.mark.parametrize(("address", "after", "high"), [
    ("zeta_listener.web", LISTENER, False),
    ("zeta_listener.web", {**LISTENER, "protocol": "http", "port": 80}, True),
    ("zeta_listener.web", {**LISTENER, "certificate_id": None}, True),
    ("zeta_database.main", {**LISTENER}, True),
], ids=["https-listener", "plain-http", "no-certificate", "not-a-front-door"])
def test_https_front_door_created_public(tmp_path: Path, address: str, after: dict[str, Any], high: bool) -> None:
    assert (worst(tmp_path, [entry(address, "create", None, after)], "public-access") is Severity.HIGH) is high


def _configured(*resources: tuple[str, str, str]) -> dict[str, Any]:
    """A configuration where each (ADDRESS, KEY, REFERENCE) sets KEY to a reference."""
    return {"root_module": {"resources": [
        {"address": address, "expressions": {key: {"references": [f"{reference}.arn", reference]}}}
        for address, key, reference in resources]}}


def test_boundary_read_through_the_configuration(tmp_path: Path) -> None:
    role = {"name": "developer", "assume_role_policy": "", "permissions_boundary": None}
    changes = [entry("aws_iam_policy.boundary", "create", None, {"name": "developer-boundary", "policy": ADMIN}),
               entry("aws_iam_role.developer", "update", role, role, unknown={"permissions_boundary": True})]
    configuration = _configured(("aws_iam_role.developer", "permissions_boundary", "aws_iam_policy.boundary"))
    assert worst(tmp_path, changes, "iam-wildcard", configuration=configuration) in (None, Severity.LOW)
    attachment = entry("aws_iam_role_policy_attachment.dev", "create", None, {"role": "developer", "policy_arn": None},
                       unknown={"policy_arn": True})
    configuration = _configured(("aws_iam_role.developer", "permissions_boundary", "aws_iam_policy.boundary"),
                                ("aws_iam_role_policy_attachment.dev", "policy_arn", "aws_iam_policy.boundary"))
    assert worst(tmp_path, [*changes, attachment], "iam-wildcard", configuration=configuration) is Severity.HIGH
