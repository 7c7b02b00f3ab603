"""Deletes read with the rest of the plan and its prior state (unreferenced.py, duplicates.py), and a policy
statement that grants what it granted before: each risky case beside a benign look-alike that stays likely safe."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.helpers import review_rules_alone, worst_by_rule
from tfreview.labels import Label
from tfreview.pipeline.findings import Severity


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


# A secret deleted into its recovery window while nothing kept refers to it; a key is never this.

SECRET_ARN = "arn:aws:secretsmanager:eu-west-1:444455556666:secret:prod/ledger/legacy-token-Ab12Cd"
OTHER_SECRET = "arn:aws:secretsmanager:eu-west-1:444455556666:secret:prod/ledger/token-Ef34Gh"


def _delete(tmp_path: Path, kind: str, reader_holds: str, window: int = 30) -> tuple[Label, dict[str, Severity]]:
    held = {"arn": SECRET_ARN, "id": SECRET_ARN, "name": "prod/ledger/legacy-token",
            ("deletion_window_in_days" if kind == "kms_key" else "recovery_window_in_days"): window}
    reader = {"id": "ledger-sync", "function_name": "ledger-sync", "environment": [{"variables": {
        "TOKEN_SECRET_ARN": reader_holds}}]}
    changes = [entry(f"nimbus_{kind}.legacy", ["delete"], held, None),
               entry("nimbus_function.sync", ["no-op"], reader, reader)]
    return judged(tmp_path, changes, prior_state=state((f"nimbus_{kind}.legacy", held),
                                                       ("nimbus_function.sync", reader)))


def test_secret_still_read_by_a_kept_function_stays_high(tmp_path: Path) -> None:
    label, worst = _delete(tmp_path, "secret", SECRET_ARN)
    assert label is Label.NEEDS_CLOSE_REVIEW and worst.get("resource-delete") is Severity.HIGH


def test_secret_nothing_reads_any_more_deleted_into_its_window_is_medium(tmp_path: Path) -> None:
    label, worst = _delete(tmp_path, "secret", OTHER_SECRET)
    assert worst.get("resource-delete") is Severity.MEDIUM and label is Label.LIKELY_SAFE


def test_secret_deleted_with_no_window_or_a_key_stays_high(tmp_path: Path) -> None:
    assert _delete(tmp_path, "secret", OTHER_SECRET, window=0)[1].get("resource-delete") is Severity.HIGH
    assert _delete(tmp_path, "kms_key", OTHER_SECRET)[1].get("resource-delete") is Severity.HIGH


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
