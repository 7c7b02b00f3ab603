"""Deletes read with the rest of the plan and its prior state (unreferenced.py, duplicates.py), and a policy
statement that grants what it granted before: each risky case beside a benign look-alike that stays likely safe."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.helpers import review_rules_alone, worst_by_rule
from tfreview.labels import Label
from tfreview.pipeline.findings import Severity

KEY_ARN = "arn:aws:kms:eu-west-1:444455556666:key/0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e"
OTHER_KEY = "arn:aws:kms:eu-west-1:444455556666:key/9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b"


def entry(address: str, actions: list[str], before: Any, after: Any, unknown: Any = None) -> dict[str, Any]:
    kind, name = address.split("[")[0].split(".")[-2:]
    return {"address": address, "mode": "managed", "type": kind, "name": name,
            "provider_name": "registry.terraform.io/acme/acme",
            "change": {"actions": actions, "before": before, "after": after, "after_unknown": unknown or {},
                       "after_sensitive": {}}}


def state(*resources: tuple[str, dict[str, Any]]) -> dict[str, Any]:
    return {"format_version": "1.0", "values": {"root_module": {"resources": [
        {"address": address, "mode": "managed", "type": address.split(".")[0], "name": address.split(".")[1],
         "values": values} for address, values in resources]}}}


def judged(tmp_path: Path, changes: list[dict[str, Any]], **sections: Any) -> tuple[Label, dict[str, Severity]]:
    result = review_rules_alone(tmp_path, changes, **sections)
    return result.label, worst_by_rule(result)


# A key deleted into its window while nothing kept refers to it.

def _key_delete(tmp_path: Path, store_key: str, window: int = 7) -> tuple[Label, dict[str, Severity]]:
    key = {"arn": KEY_ARN, "key_id": KEY_ARN.rsplit("/", 1)[1], "id": KEY_ARN.rsplit("/", 1)[1],
           "deletion_window_in_days": window, "description": "legacy exports"}
    store = {"id": "ledger-exports", "kms_key_arn": store_key}
    changes = [entry("nimbus_kms_key.legacy", ["delete"], key, None),
               entry("nimbus_bucket.exports", ["no-op"], store, store)]
    return judged(tmp_path, changes, prior_state=state(("nimbus_kms_key.legacy", key),
                                                       ("nimbus_bucket.exports", store)))


def test_key_still_used_by_a_kept_store_stays_high(tmp_path: Path) -> None:
    label, worst = _key_delete(tmp_path, KEY_ARN)
    assert label is Label.NEEDS_CLOSE_REVIEW and worst.get("resource-delete") is Severity.HIGH


def test_key_nothing_uses_any_more_deleted_into_its_window_is_medium(tmp_path: Path) -> None:
    label, worst = _key_delete(tmp_path, OTHER_KEY)
    assert worst.get("resource-delete") is Severity.MEDIUM and label is Label.LIKELY_SAFE


def test_key_deleted_with_no_window_stays_high(tmp_path: Path) -> None:
    _label, worst = _key_delete(tmp_path, OTHER_KEY, window=0)
    assert worst.get("resource-delete") is Severity.HIGH


# A deleted object whose twin stays.

def _schedule(pattern: str, count: int = 2) -> dict[str, Any]:
    return {"pattern": pattern, "repository_id": "R_repo01", "required_approvals": count, "enforce_admins": True}


def test_rule_deleted_while_a_covering_twin_is_created_is_medium(tmp_path: Path) -> None:
    changes = [entry('nimbus_branch_rule.this["release/2024"]', ["delete"],
                     {"id": "BR_1", **_schedule("release/2024")}, None),
               entry('nimbus_branch_rule.this["release/*"]', ["create"], None, _schedule("release/*"))]
    label, worst = judged(tmp_path, changes)
    assert worst.get("resource-delete") is Severity.MEDIUM and label is Label.LIKELY_SAFE


def test_rule_deleted_while_a_weaker_or_other_rule_stays_is_high(tmp_path: Path) -> None:
    for kept in (_schedule("release/*", count=0), _schedule("feature/*")):
        changes = [entry('nimbus_branch_rule.this["main"]', ["delete"], {"id": "BR_1", **_schedule("main")}, None),
                   entry('nimbus_branch_rule.this["kept"]', ["no-op"], {"id": "BR_2", **kept}, {"id": "BR_2", **kept})]
        label, worst = judged(tmp_path, changes)
        assert label is Label.NEEDS_CLOSE_REVIEW and worst.get("resource-delete") is Severity.HIGH


def test_data_store_twin_does_not_hold_the_same_data(tmp_path: Path) -> None:
    table = {"hash_key": "pk", "billing_mode": "PAY_PER_REQUEST"}
    changes = [entry("aws_dynamodb_table.orders_v1", ["delete"], {"name": "orders-v1", **table}, None),
               entry("aws_dynamodb_table.orders_v2", ["no-op"], {"name": "orders-v2", **table},
                     {"name": "orders-v2", **table})]
    label, _worst = judged(tmp_path, changes)
    assert label is Label.NEEDS_CLOSE_REVIEW


# A statement that grants what the old document granted, renamed and reordered, is not new.

def _policy_update(tmp_path: Path, added: dict[str, Any]) -> tuple[Label, dict[str, Severity]]:
    old = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": ["s3:Get*", "athena:*"], "Resource": "*"}]}
    new = {"Version": "2012-10-17", "Statement": [
        {"Sid": "Analytics", "Effect": "Allow", "Action": ["athena:*", "s3:Get*"], "Resource": "*"}, added]}
    changes = [entry("aws_iam_policy.analysts", ["update"], {"name": "analysts", "policy": json.dumps(old)},
                     {"name": "analysts", "policy": json.dumps(new)})]
    return judged(tmp_path, changes)


def test_renamed_old_statement_beside_a_deny_guardrail_stays_safe(tmp_path: Path) -> None:
    label, _worst = _policy_update(tmp_path, {"Sid": "Region", "Effect": "Deny", "NotAction": ["iam:*"],
                                              "Resource": "*", "Condition": {"StringNotEquals": {
                                                  "aws:RequestedRegion": ["eu-west-1"]}}})
    assert label is Label.LIKELY_SAFE


def test_renamed_old_statement_beside_an_allow_notaction_is_high(tmp_path: Path) -> None:
    label, _worst = _policy_update(tmp_path, {"Sid": "Broad", "Effect": "Allow", "NotAction": ["iam:*"],
                                              "Resource": "*"})
    assert label is Label.NEEDS_CLOSE_REVIEW


# A store replaced whose own lifecycle expires everything it holds within days.

def _bucket_replace(tmp_path: Path, lifecycle: list[dict[str, Any]]) -> tuple[Label, dict[str, Severity]]:
    before = {"bucket": "ci-cache-1a2b", "force_destroy": True, "lifecycle_rule": lifecycle,
              "versioning": [{"enabled": False}]}
    change = entry("aws_s3_bucket.cache", ["delete", "create"], before, {**before, "bucket": "ci-cache-3c4d"})
    change["change"]["replace_paths"] = [["bucket"]]
    return judged(tmp_path, [change])


def test_replaced_bucket_that_keeps_objects_stays_high(tmp_path: Path) -> None:
    label, worst = _bucket_replace(tmp_path, [])
    assert label is Label.NEEDS_CLOSE_REVIEW and worst.get("resource-replace") is Severity.HIGH


def test_replaced_bucket_whose_objects_expire_in_days_is_medium(tmp_path: Path) -> None:
    rule = {"enabled": True, "prefix": "", "expiration": [{"days": 3, "date": ""}]}
    label, worst = _bucket_replace(tmp_path, [rule])
    assert worst.get("resource-replace") is Severity.MEDIUM and label is Label.LIKELY_SAFE
