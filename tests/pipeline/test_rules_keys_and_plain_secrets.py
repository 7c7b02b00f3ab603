"""Secrets that leave their safe place and grants that widen for everyone, by what attributes mean: a key the
provider issues printed by an output, a secret store entry whose kind turns plain, persistence switched off, a
PassRole document resolved from the configuration, a default permission for every member; each with a benign
look-alike that stays likely safe."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.helpers import review_rules_alone, worst_by_rule
from tfreview.pipeline.findings import Severity


def _change(address: str, actions: list[str], before: Any, after: Any, unknown: Any = None,
            sensitive: Any = None) -> dict[str, Any]:
    resource_type, name = address.split(".", 1)
    return {"address": address, "mode": "data" if address.startswith("data.") else "managed",
            "type": resource_type if not address.startswith("data.") else name.split(".")[0],
            "name": name.split(".")[-1], "provider_name": "registry.terraform.io/acme/acme",
            "change": {"actions": actions, "before": before, "after": after, "after_unknown": unknown or {},
                       "after_sensitive": sensitive or {}}}


def _output_of(tmp_path: Path, attribute: str, configured: dict[str, Any] | None) -> dict[str, Severity]:
    """An unmarked output of ATTRIBUTE of a pager integration; CONFIGURED: its resource's expressions, if shown."""
    resources = [] if configured is None else [{"address": "pagerly_integration.events", "mode": "managed",
                                               "type": "pagerly_integration", "name": "events",
                                               "expressions": configured}]
    configuration = {"root_module": {"resources": resources, "outputs": {"out": {"expression": {"references": [
        f"pagerly_integration.events.{attribute}", "pagerly_integration.events"]}}}}}
    after = {"name": "events", "service": "P1"}
    if configured is not None:
        after.update({k: "orders/events" for k in configured})
    result = review_rules_alone(tmp_path, [
        _change("pagerly_integration.events", ["create"], None, after,
                {"id": True, "integration_key": True, "html_url": True})],
        configuration=configuration, output_changes={"out": {
            "actions": ["create"], "before": None, "after": None, "after_unknown": True,
            "before_sensitive": False, "after_sensitive": False}})
    return worst_by_rule(result)


@pytest.mark.parametrize("configured", [None, {"name": {"constant_value": "events"}}])
def test_an_output_of_a_key_the_provider_issues_leaks(tmp_path: Path, configured: dict[str, Any] | None) -> None:
    assert _output_of(tmp_path, "integration_key", configured).get("credential-leak") is Severity.HIGH


@pytest.mark.parametrize(("attribute", "configured"), [
    ("html_url", None),  # not a key
    ("routing_key", {"routing_key": {"constant_value": "orders/events"}}),  # a key the configuration chooses
])
def test_an_output_of_a_url_or_a_chosen_key_is_fine(tmp_path: Path, attribute: str,
                                                    configured: dict[str, Any] | None) -> None:
    assert "credential-leak" not in _output_of(tmp_path, attribute, configured)


def _parameter(tmp_path: Path, name: str, kinds: tuple[str, str]) -> dict[str, Severity]:
    """A stored parameter NAME whose kind moves KINDS[0] → KINDS[1], its value unchanged and marked sensitive."""
    entry = {"name": name, "value": "x", "tier": "Standard"}
    result = review_rules_alone(tmp_path, [_change(
        "vaultish_parameter.p", ["update"], {**entry, "type": kinds[0]}, {**entry, "type": kinds[1]},
        sensitive={"value": True})])
    return worst_by_rule(result)


def test_a_secret_entry_made_plain_is_high(tmp_path: Path) -> None:
    assert _parameter(tmp_path, "/prod/orders/db_password", ("SecureString", "String")).get(
        "protection-disabled") is Severity.HIGH


def test_an_entry_no_name_calls_secret_made_plain_is_worth_a_look(tmp_path: Path) -> None:
    assert _parameter(tmp_path, "/prod/orders/log_level", ("SecureString", "String")).get(
        "protection-disabled") is Severity.MEDIUM


@pytest.mark.parametrize("kinds", [("String", "SecureString"), ("String", "StringList")])
def test_a_secret_entry_made_secure_or_kept_plain_is_fine(tmp_path: Path, kinds: tuple[str, str]) -> None:
    assert "protection-disabled" not in _parameter(tmp_path, "/prod/orders/db_password", kinds)
