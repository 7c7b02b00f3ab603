"""A new resource created with a weak setting: high when the configuration writes the weak value (chosen in this
change), medium when only the provider's default puts it in the plan; values that publish on purpose stay as they
were. Each risky variant (several providers and shapes) beside a benign look-alike."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.pipeline.test_rules_detectors_through_configuration import judge, resource
from tfreview.pipeline.findings import Severity


def _created(tmp_path: Path, address: str, after: dict[str, Any], written: dict[str, Any] | None,
             variables: dict[str, Any] | None = None) -> dict[str, Severity]:
    kind, name = address.split(".")
    entry = {"address": address, "mode": "managed", "type": kind, "name": name,
             "expressions": {key: value for key, value in (written or {}).items()}}
    sections: dict[str, Any] = {"configuration": {"root_module": {"resources": [entry]}}}
    if variables:
        sections["configuration"]["root_module"]["variables"] = {k: {} for k in variables}
        sections["variables"] = {k: {"value": v} for k, v in variables.items()}
    return judge(tmp_path, [resource(address, after, unknown={"id": True})], **sections)


def _worst(found: dict[str, Severity]) -> Severity | None:
    return min(found.values(), key=lambda s: s.rank) if found else None


WEAK = [
    ("azurerm_storage_account.data", {"name": "data", "min_tls_version": "TLS1_0"}, "min_tls_version", "TLS1_0"),
    ("aws_cloudfront_distribution.site", {"enabled": True, "default_cache_behavior": [
        {"viewer_protocol_policy": "allow-all", "target_origin_id": "s3"}]},
     "default_cache_behavior", [{"viewer_protocol_policy": {"constant_value": "allow-all"}}]),
    ("aws_msk_cluster.events", {"cluster_name": "events", "client_authentication": [{"unauthenticated": True}]},
     "client_authentication", [{"unauthenticated": {"constant_value": True}}]),
]


@pytest.mark.parametrize(("address", "after", "attribute", "value"), WEAK, ids=[w[0] for w in WEAK])
def test_a_weak_value_written_in_the_configuration_is_high(tmp_path: Path, address: str, after: dict[str, Any],
                                                           attribute: str, value: Any) -> None:
    expression = value if isinstance(value, list) else {"constant_value": value}
    assert _worst(_created(tmp_path, address, after, {attribute: expression})) is Severity.HIGH


@pytest.mark.parametrize(("address", "after", "attribute", "value"), WEAK, ids=[w[0] for w in WEAK])
def test_the_same_value_from_the_providers_default_stays_medium(tmp_path: Path, address: str, after: dict[str, Any],
                                                               attribute: str, value: Any) -> None:
    assert _worst(_created(tmp_path, address, after, {"name": {"constant_value": "x"}})) is Severity.MEDIUM


def test_a_variable_that_resolves_to_the_weak_value_is_written(tmp_path: Path) -> None:
    found = _created(tmp_path, "azurerm_storage_account.data", {"name": "data", "min_tls_version": "TLS1_1"},
                     {"min_tls_version": {"references": ["var.tls"]}}, variables={"tls": "TLS1_1"})
    assert _worst(found) is Severity.HIGH


def test_a_plan_without_configuration_cannot_show_who_chose_it(tmp_path: Path) -> None:
    change = resource("azurerm_storage_account.data", {"name": "data", "min_tls_version": "TLS1_0"})
    assert _worst(judge(tmp_path, [change])) is Severity.MEDIUM


@pytest.mark.parametrize(("address", "after", "attribute", "value"), [
    ("azurerm_storage_account.data", {"name": "data", "min_tls_version": "TLS1_2"}, "min_tls_version", "TLS1_2"),
    ("github_repository.sdk", {"name": "sdk", "visibility": "public"}, "visibility", "public"),
    ("acme_dataset.open_data", {"name": "open-data", "public_read": True}, "public_read", True),
])
def test_sound_values_and_deliberate_publication_stay_likely_safe(tmp_path: Path, address: str,
                                                                  after: dict[str, Any], attribute: str,
                                                                  value: Any) -> None:
    found = _created(tmp_path, address, after, {attribute: {"constant_value": value}})
    assert Severity.HIGH not in found.values()
