"""Values known only after apply read from the configuration (constants, variables), each with a benign twin."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.helpers import review_rules_alone, worst_by_rule
from tests.pipeline.test_rules_detectors_through_configuration import resource
from tfreview.pipeline.findings import Severity

FLAGS = ("block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets")


def _config(address: str, expressions: dict[str, Any], variables: dict[str, Any] | None = None) -> dict[str, Any]:
    kind, name = address.split(".")
    return {"root_module": {"resources": [{"address": address, "mode": "managed", "type": kind, "name": name,
                                           "expressions": expressions}], "variables": variables or {}}}


def _access_block(tmp_path: Path, expression: dict[str, Any], value: Any = None) -> dict[str, Severity]:
    change = resource("aws_s3_bucket_public_access_block.logs", {f: None for f in FLAGS} | {"bucket": None},
                      unknown={f: True for f in FLAGS} | {"bucket": True})
    configuration = _config("aws_s3_bucket_public_access_block.logs", {f: expression for f in FLAGS})
    variables = {"block": {"value": value}} if value is not None else {}
    return worst_by_rule(review_rules_alone(tmp_path, [change], configuration=configuration, variables=variables))


@pytest.mark.parametrize("expression", [{"constant_value": True}, {"references": ["var.block"]}])
def test_unknown_flags_configured_on_are_not_public(tmp_path: Path, expression: dict[str, Any]) -> None:
    found = _access_block(tmp_path, expression, True)
    assert found.get("public-bucket") is None and Severity.HIGH not in found.values()


@pytest.mark.parametrize("expression", [{"constant_value": False}, {"references": ["var.block"]}])
def test_unknown_flags_configured_off_are_public(tmp_path: Path, expression: dict[str, Any]) -> None:
    assert _access_block(tmp_path, expression, False).get("public-bucket") is Severity.HIGH


def test_unknown_flags_built_from_several_references_stay_unresolved(tmp_path: Path) -> None:
    found = _access_block(tmp_path, {"references": ["var.block", "var.other"]}, True)
    assert found.get("public-bucket") is Severity.HIGH  # unknown reads as off: fail closed


def _storage(tmp_path: Path, nested: Any, default_action: str) -> dict[str, Severity]:
    change = resource("azurerm_storage_account.media", {
        "name": None, "allow_nested_items_to_be_public": None, "public_network_access_enabled": True,
        "network_rules": [{"default_action": default_action, "ip_rules": []}]},
        unknown={"name": True, "allow_nested_items_to_be_public": True})
    configuration = _config("azurerm_storage_account.media", {
        "allow_nested_items_to_be_public": {"constant_value": nested},
        "network_rules": [{"default_action": {"constant_value": default_action}}]})
    return worst_by_rule(review_rules_alone(tmp_path, [change], configuration=configuration))


def test_storage_public_blobs_known_from_configuration_on_an_open_network_is_public(tmp_path: Path) -> None:
    assert _storage(tmp_path, True, "Allow").get("public-bucket") is Severity.HIGH


@pytest.mark.parametrize(("nested", "action"), [(False, "Allow"), (True, "Deny")])
def test_storage_private_blobs_or_closed_network_is_not_high(tmp_path: Path, nested: bool, action: str) -> None:
    assert _storage(tmp_path, nested, action).get("public-bucket") in (None, Severity.MEDIUM)
