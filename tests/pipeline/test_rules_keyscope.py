"""keyscope.py: an existing API key or token whose access or scopes grow is privileged; a narrower, equal or
non-production one is not high. guards.py: a secret variable moved from its secret field to its plain one."""

from __future__ import annotations

from typing import Any

import pytest

from tests.pipeline.test_rules_semantics import change, every_check
from tfreview.pipeline.changes import Action
from tfreview.pipeline.findings import Severity

PRIVILEGED = "iam-privileged-role"


def _worst(resource_type: str, before: Any, after: Any, action: Action = Action.UPDATE) -> Severity | None:
    found = [f.severity for f in every_check(change(resource_type, before, after, action)) if f.rule == PRIVILEGED]
    return min(found, key=lambda s: s.rank) if found else None


@pytest.mark.parametrize(("resource_type", "before", "after"), [
    ("vaultco_service_token", {"config": "prd", "access": "read"}, {"config": "prd", "access": "read/write"}),
    ("flagco_api_token", {"role": "reader"}, {"role": "writer"}),
    ("mailco_api_key", {"scopes": ["mail.send"]}, {"scopes": ["mail.send", "api_keys.create", "teammates.update"]}),
    ("mailco_api_key", {"scopes": ["mail.send"]}, {"scopes": ["mail.send", "subusers.create"]}),
    ("mailco_api_key", {"scopes": ["stats.read"]}, {"scopes": ["stats.read", "*"]}),
])
def test_a_credentials_reach_grows(resource_type: str, before: Any, after: Any) -> None:
    assert _worst(resource_type, before, after) is Severity.HIGH


@pytest.mark.parametrize(("resource_type", "before", "after"), [
    ("vaultco_service_token", {"config": "prd", "access": "read/write"}, {"config": "prd", "access": "read"}),
    ("flagco_api_token", {"role": "writer"}, {"role": "reader"}),
    ("mailco_api_key", {"scopes": ["mail.send", "api_keys.create"]}, {"scopes": ["mail.send"]}),
    ("mailco_api_key", {"scopes": ["mail.send"]}, {"scopes": ["mail.send", "stats.read", "templates.read"]}),
])
def test_a_narrower_or_unrelated_change_is_quiet(resource_type: str, before: Any, after: Any) -> None:
    assert _worst(resource_type, before, after) is None


def test_a_role_on_an_object_that_is_no_credential_is_not_a_credentials_reach() -> None:
    """Not a credential: keyscope.py stays quiet; the vocabulary reads the role raised to admin (meanings.py)."""
    found = [f for f in every_check(change("mailco_domain", {"role": "reader"}, {"role": "admin"}, Action.UPDATE))
             if f.rule == PRIVILEGED]
    assert found and all("raised to an admin or owner role" in f.message for f in found)


def test_a_dev_configs_token_gaining_write_is_medium() -> None:
    before = {"project": "billing-api", "config": "dev", "access": "read"}
    assert _worst("vaultco_service_token", before, {**before, "access": "read/write"}) is Severity.MEDIUM


def _variable(key: str, sealed: list[Any], plain: list[Any]) -> dict[str, Any]:
    return {"key": key, "scopes": ["functions"], "secret_values": sealed, "values": plain}


def test_a_secret_variable_moved_to_plain_values_is_unguarded() -> None:
    sealed = _variable("PAYMENT_SECRET_KEY", [{"context": "production", "value": "x"}], [])
    plain = _variable("PAYMENT_SECRET_KEY", [], [{"context": "all", "value": "x"}])
    found = every_check(change("siteco_environment_variable", sealed, plain))
    assert [f.severity for f in found if f.rule == "protection-disabled"] == [Severity.HIGH]


@pytest.mark.parametrize(("key", "before", "after"), [
    ("PAYMENT_SECRET_KEY", ([], [{"context": "all", "value": "x"}]), ([{"context": "all", "value": "x"}], [])),
    ("NODE_VERSION", ([{"context": "all", "value": "20"}], []), ([], [{"context": "all", "value": "20"}])),
])
def test_sealing_a_secret_or_unsealing_a_non_secret_is_quiet(key: str, before: Any, after: Any) -> None:
    found = every_check(change("siteco_environment_variable", _variable(key, *before), _variable(key, *after)))
    assert [f for f in found if f.rule == "protection-disabled"] == []
