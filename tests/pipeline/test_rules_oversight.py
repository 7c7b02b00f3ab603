"""Oversight of any provider (vocabulary/oversight.py, mutes.py, meanings.py's thresholds): approvers dropping to
zero, automatic approval, verification skipped, audit destinations emptied, a match-all downtime with no end, and
a level saying who may act raised (stricter); each with a benign twin."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.helpers import review_rules_alone, worst_by_rule
from tfreview.labels import Label
from tfreview.pipeline.findings import Severity


def judged(tmp_path: Path, address: str, before: Any, after: Any) -> tuple[Label, dict[str, Severity]]:
    """The label and worst severity by rule of one change by an invented provider."""
    kind, name = address.split(".")
    change = {"address": address, "mode": "managed", "type": kind, "name": name,
              "provider_name": "registry.terraform.io/acme/acme",
              "change": {"actions": ["create"] if before is None else ["update"], "before": before, "after": after,
                         "after_unknown": {}, "after_sensitive": {}}}
    result = review_rules_alone(tmp_path, [change])
    return result.label, worst_by_rule(result)


@pytest.mark.parametrize(("address", "key"), [
    ("warden_breakglass_rule.db", "approvers_required"), ("vaultly_gate.deploy", "min_approvers"),
    ("safe_multisig_policy.treasury", "required_signers"), ("acme_change_window.prod", "quorum")])
def test_approvers_dropping_to_zero_is_high(tmp_path: Path, address: str, key: str) -> None:
    label, worst = judged(tmp_path, address, {"id": "x1", "name": "prod", key: 2}, {"id": "x1", "name": "prod", key: 0})
    assert label is Label.NEEDS_CLOSE_REVIEW and worst.get("protection-disabled") is Severity.HIGH


def test_more_approvers_or_one_fewer_is_not_high(tmp_path: Path) -> None:
    label, worst = judged(tmp_path, "warden_breakglass_rule.db", {"id": "x1", "approvers_required": 1},
                          {"id": "x1", "approvers_required": 2})
    assert label is Label.LIKELY_SAFE and not worst
    _label, worst = judged(tmp_path, "warden_breakglass_rule.db", {"id": "x1", "approvers_required": 3},
                           {"id": "x1", "approvers_required": 2})
    assert worst.get("protection-disabled") is not Severity.HIGH


@pytest.mark.parametrize("key", ["auto_approve", "self_approval_allowed", "skip_approval"])
def test_automatic_approval_turned_on_is_high_and_off_is_safe(tmp_path: Path, key: str) -> None:
    label, worst = judged(tmp_path, "quorumly_access_rule.prod", {"id": "r1", key: False}, {"id": "r1", key: True})
    assert label is Label.NEEDS_CLOSE_REVIEW and worst.get("protection-disabled") is Severity.HIGH
    label, _worst = judged(tmp_path, "quorumly_access_rule.prod", {"id": "r1", key: True}, {"id": "r1", key: False})
    assert label is Label.LIKELY_SAFE


@pytest.mark.parametrize(("address", "key", "value"), [
    ("ledgerly_payout_destination.sweep", "verification", "skip"),
    ("paybridge_payee.vendor", "verification_method", "none"),
    ("datahub_export_target.partner", "validation", "bypassed")])
def test_new_money_or_data_destination_without_verification_is_high(tmp_path: Path, address: str, key: str,
                                                                      value: str) -> None:
    label, worst = judged(tmp_path, address, None, {"id": None, "iban": "LT00 0000", key: value})
    assert label is Label.NEEDS_CLOSE_REVIEW and worst.get("auth-weakened") is Severity.HIGH


def test_new_destination_verified_or_verification_restored_is_safe(tmp_path: Path) -> None:
    label, _worst = judged(tmp_path, "ledgerly_payout_destination.sweep", None,
                           {"id": None, "verification": "micro_deposits"})
    assert label is Label.LIKELY_SAFE
    label, _worst = judged(tmp_path, "acme_webhook.hook", {"id": "w", "verification_mode": "none"},
                           {"id": "w", "verification_mode": "hmac"})
    assert label is Label.LIKELY_SAFE
    label, _worst = judged(tmp_path, "acme_webhook.hook", {"id": "w", "verification_mode": "hmac"},
                           {"id": "w", "verification_mode": "none"})
    assert label is Label.NEEDS_CLOSE_REVIEW


@pytest.mark.parametrize(("key", "gone"), [("audit_stream", ""), ("audit_log_destination_arn", None),
                                           ("siem_sink", ""), ("log_destination", None),
                                           ("audit_sink", "off"), ("log_forwarder", "disabled")])
def test_audit_destination_emptied_is_high(tmp_path: Path, key: str, gone: Any) -> None:
    label, worst = judged(tmp_path, "phigate_export_policy.claims", {"id": "p", key: "siem-prod"},
                          {"id": "p", key: gone})
    assert label is Label.NEEDS_CLOSE_REVIEW and worst.get("detection-disabled") is Severity.HIGH


def test_audit_destination_moved_is_safe(tmp_path: Path) -> None:
    label, _worst = judged(tmp_path, "phigate_export_policy.claims", {"id": "p", "audit_stream": "siem-prod"},
                           {"id": "p", "audit_stream": "siem-prod-eu"})
    assert label is Label.LIKELY_SAFE


def downtime(end: Any, start: Any = "2026-03-01T02:00:00Z", tags: Any = ("*",)) -> dict[str, Any]:
    return {"id": None, "scope": "env:prod", "monitor_identifier": [{"monitor_id": 0, "monitor_tags": list(tags)}],
            "one_time_schedule": [{"start": start, "end": end}], "recurring_schedule": []}


def test_downtime_of_every_prod_monitor_with_no_end_is_high(tmp_path: Path) -> None:
    for after in (downtime(None, None), downtime(None), downtime("2026-04-01T02:00:00Z")):
        label, worst = judged(tmp_path, "datadog_downtime_schedule.freeze", None, after)
        assert label is Label.NEEDS_CLOSE_REVIEW and worst.get("monitoring-muted") is Severity.HIGH


def test_downtime_of_prod_monitors_for_two_hours_or_of_one_tag_is_a_window(tmp_path: Path) -> None:
    label, _worst = judged(tmp_path, "datadog_downtime_schedule.patch", None, downtime("2026-03-01T04:00:00Z"))
    assert label is Label.LIKELY_SAFE
    label, _worst = judged(tmp_path, "datadog_downtime_schedule.patch", None,
                           downtime("2026-03-01T04:00:00Z", tags=["service:billing"]))
    assert label is Label.LIKELY_SAFE


def test_raising_who_may_unprotect_or_approve_is_not_a_grant(tmp_path: Path) -> None:
    """A level naming who may act (the inverse of a grant) raised to admin is stricter: not 'raised to admin'."""
    for key in ("unprotect_access_level", "deploy_access_level", "required_role", "min_approver_role"):
        label, worst = judged(tmp_path, "forge_branch_rule.main", {"id": "br-1", key: "maintainer"},
                              {"id": "br-1", key: "admin"})
        assert "iam-privileged-role" not in worst and label is Label.LIKELY_SAFE, key


def test_member_role_raised_to_admin_stays_high(tmp_path: Path) -> None:
    for key in ("access_level", "member_role", "role"):
        label, _worst = judged(tmp_path, "forge_project_member.bob", {"id": "m-1", key: "developer"},
                               {"id": "m-1", key: "admin"})
        assert label is Label.NEEDS_CLOSE_REVIEW, key


@pytest.mark.parametrize("address", ["snowflake_share.feed", "lakely_data_share.partner", "warehousex_share.out"])
def test_new_consumer_account_of_a_data_share_is_high(tmp_path: Path, address: str) -> None:
    label, worst = judged(tmp_path, address, {"id": "FEED", "accounts": []}, {"id": "FEED", "accounts": ["QX84211"]})
    assert label is Label.NEEDS_CLOSE_REVIEW and worst.get("foreign-data-share") is Severity.HIGH


def test_share_consumer_already_there_or_same_org_or_not_a_share_is_not_high(tmp_path: Path) -> None:
    label, _worst = judged(tmp_path, "snowflake_share.feed", {"id": "FEED", "accounts": ["QX84211"]},
                           {"id": "FEED", "accounts": ["QX84211"], "comment": "partner feed v2"})
    assert label is Label.LIKELY_SAFE
    label, _worst = judged(tmp_path, "snowflake_share.feed", {"id": "FEED", "accounts": ["MYORG.ANALYTICS"]},
                           {"id": "FEED", "accounts": ["MYORG.ANALYTICS", "MYORG.REPORTING"]})
    assert label is Label.LIKELY_SAFE
    _label, worst = judged(tmp_path, "acme_failover_group.db", {"id": "g", "allowed_accounts": []},
                           {"id": "g", "allowed_accounts": ["QX84211"]})
    assert worst.get("foreign-data-share") is not Severity.HIGH
