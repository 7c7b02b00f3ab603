"""Reach: data shared, replicated or granted to an account or organisation the plan does not show as its own,
and secrets written into a store entry whose own type says plain; each with a benign look-alike."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.helpers import review_rules_alone, worst_by_rule
from tfreview.pipeline.findings import Severity


def entry(address: str, after: Any, before: Any = None, sensitive: Any = None) -> dict[str, Any]:
    """One resource_changes entry of `terraform show -json` (an invented provider)."""
    kind, name = address.split(".")
    return {"address": address, "mode": "managed", "type": kind, "name": name,
            "provider_name": "registry.example.com/acme/acme",
            "change": {"actions": ["create"] if before is None else ["update"], "before": before, "after": after,
                       "after_unknown": {}, "before_sensitive": {}, "after_sensitive": sensitive or {}}}


def judge(tmp_path: Path, changes: list[dict[str, Any]], **sections: Any) -> tuple[dict[str, Severity], str]:
    result = review_rules_alone(tmp_path, changes, **sections)
    return worst_by_rule(result), result.label.value


def _share(added: str) -> list[dict[str, Any]]:
    return [entry("wareco_share.reports", {"name": "R", "accounts": ["NORTHCO.REPORTING", added]},
                  before={"name": "R", "accounts": ["NORTHCO.REPORTING"]})]


def test_share_to_an_account_of_another_organisation_is_high(tmp_path: Path) -> None:
    rules, label = judge(tmp_path, _share("ZQ4411.PARTNERX"))
    assert rules.get("foreign-data-share") == Severity.HIGH and label == "needs_close_review"


def test_share_to_another_account_of_the_same_organisation_is_quiet(tmp_path: Path) -> None:
    rules, label = judge(tmp_path, _share("northco.reporting_eu"))
    assert "foreign-data-share" not in rules and label == "likely_safe"


def test_unchanged_allowed_accounts_are_not_judged_again(tmp_path: Path) -> None:
    group = {"name": "FG", "allowed_accounts": ["SOUTHCO.DR"], "interval": 10}
    rules, _ = judge(tmp_path, [entry("wareco_replication_group.fg", group, before={**group, "interval": 60})])
    assert "foreign-data-share" not in rules


@pytest.mark.parametrize("principal", ["999988887777", "arn:aws:iam::999988887777:role/reader"])
def test_grant_to_an_account_number_the_plan_does_not_own_is_high(tmp_path: Path, principal: str) -> None:
    grant = {"principal": principal, "permissions": ["ALL"], "table": [{"name": "t", "catalog_id": "111122223333"}]}
    rules, label = judge(tmp_path, [entry("lakeco_permissions.partner", grant)])
    assert rules.get("foreign-data-share") == Severity.HIGH and label == "needs_close_review"


def test_grant_to_a_role_of_the_plans_own_account_is_quiet(tmp_path: Path) -> None:
    grant = {"principal": "arn:aws:iam::111122223333:role/analyst", "permissions": ["SELECT"],
             "table": [{"name": "t", "catalog_id": "111122223333"}]}
    rules, label = judge(tmp_path, [entry("lakeco_permissions.analyst", grant)])
    assert "foreign-data-share" not in rules and label == "likely_safe"


def test_bare_account_is_a_receiver_only_on_a_granting_type(tmp_path: Path) -> None:
    rules, _ = judge(tmp_path, [entry("dwco_endpoint_authorization.ext", {"account": "444455556666", "cluster": "c"})])
    assert rules.get("foreign-data-share") == Severity.HIGH
    rules, label = judge(tmp_path, [entry("dwco_budget.main", {"account": "444455556666", "limit": 10})])
    assert "foreign-data-share" not in rules and label == "likely_safe"


@pytest.mark.parametrize(("topics", "severity"), [([".*"], Severity.HIGH), (["orders.v1"], Severity.MEDIUM)],
                         ids=["everything", "one-topic"])
def test_mirror_to_an_unknown_destination(tmp_path: Path, topics: list[str], severity: Severity) -> None:
    mirror = {"source_cluster_id": "c-1", "destination_account_id": "acct-9x", "include_topics": topics}
    rules, _ = judge(tmp_path, [entry("streamco_mirror.m", mirror)])
    assert rules.get("foreign-data-share") == severity


def test_mirror_to_an_account_the_plan_owns_is_quiet(tmp_path: Path) -> None:
    mirror = {"source_cluster_id": "c-1", "destination_account_id": "acct-9x", "include_topics": [".*"]}
    account = entry("streamco_account.dr", {"account_id": "acct-9x", "name": "dr"})
    rules, _ = judge(tmp_path, [account, entry("streamco_mirror.m", mirror)])
    assert "foreign-data-share" not in rules


# --- a secret written into a store entry whose own type says plain ------------------------------------

def _stored(tmp_path: Path, kind: str) -> dict[str, Severity]:
    key = entry("kafkaco_api_key.app", {"display_name": "app"}, sensitive={"secret": True})
    param = entry("cloudco_ssm_parameter.s", {"name": "/app/secret", "type": kind}, sensitive={"value": True})
    expression = {"references": ["kafkaco_api_key.app.secret", "kafkaco_api_key.app"]}
    configuration = {"root_module": {"resources": [
        {"address": "cloudco_ssm_parameter.s", "mode": "managed", "type": "cloudco_ssm_parameter", "name": "s",
         "expressions": {"type": {"constant_value": kind}, "value": expression}}]}}
    rules, _ = judge(tmp_path, [key, param], configuration=configuration)
    return rules


def test_secret_into_a_plain_string_parameter_is_a_leak(tmp_path: Path) -> None:
    assert _stored(tmp_path, "String").get("credential-leak") is Severity.HIGH


def test_secret_into_a_secure_string_parameter_is_not(tmp_path: Path) -> None:
    assert "credential-leak" not in _stored(tmp_path, "SecureString")
