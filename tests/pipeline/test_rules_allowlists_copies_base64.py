"""Exposure and credentials: allow-lists emptied, sensitive values laundered into unmarked places, credentials
inside base64; each with a benign look-alike that stays likely safe."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.helpers import review_rules_alone, worst_by_rule
from tfreview.pipeline.findings import Severity


def update(address: str, before: dict[str, Any], after: dict[str, Any], sensitive: Any = None) -> dict[str, Any]:
    """One update entry of `terraform show -json`."""
    kind, name = address.split(".")[-2:]
    return {"address": address, "mode": "managed", "type": kind, "name": name,
            "provider_name": "registry.example.com/acme/acme",
            "change": {"actions": ["update"], "before": before, "after": after, "after_unknown": {},
                       "before_sensitive": sensitive or {}, "after_sensitive": sensitive or {}}}


CLUSTER = {"name": "k-prod", "private_cluster_enabled": False,
           "api_server_access_profile": [{"authorized_ip_ranges": ["203.0.113.10/32", "198.51.100.0/28"]}]}


def _with(profile: Any, **top: Any) -> dict[str, Any]:
    return {**CLUSTER, "api_server_access_profile": profile, **top}


@pytest.mark.parametrize(("after", "address"), [
    (_with([{"authorized_ip_ranges": []}]), "azurerm_kubernetes_cluster.this"),
    (_with([{"authorized_ip_ranges": None}]), "azurerm_kubernetes_cluster.this"),
    (_with([]), "azurerm_kubernetes_cluster.this"),
    ({"name": "db", "ip_allowlist": None}, "zeta_database.main"),
    ({"name": "db", "trusted_source_networks": []}, "zeta_database.main"),
], ids=["emptied", "nulled", "block-removed", "unknown-provider-allowlist", "trusted-networks"])
def test_allowlist_emptied_is_high(tmp_path: Path, after: dict[str, Any], address: str) -> None:
    before = CLUSTER if address.startswith("azurerm") else {
        "name": "db", "ip_allowlist": ["10.1.0.0/16"], "trusted_source_networks": ["192.0.2.0/24"]}
    result = review_rules_alone(tmp_path, [update(address, before, after)])
    assert worst_by_rule(result).get("allowlist-emptied") == Severity.HIGH
    assert result.label.value == "needs_close_review"


@pytest.mark.parametrize("after", [
    _with([{"authorized_ip_ranges": []}], private_cluster_enabled=True),
    _with([{"authorized_ip_ranges": []}], public_network_access_enabled=False),
    _with([{"authorized_ip_ranges": ["203.0.113.10/32"]}]),
    {"name": "sa", "network_rules": [{"default_action": "Deny", "allowed_ip_ranges": []}]},
    _with([{"authorized_ip_ranges": ["203.0.113.10/32", "198.51.100.0/28"]}], name="renamed"),
], ids=["private-cluster", "public-access-off", "narrowed", "deny-default", "unrelated-change"])
def test_allowlist_lookalikes_stay_safe(tmp_path: Path, after: dict[str, Any]) -> None:
    before = CLUSTER if "network_rules" not in after else {
        "name": "sa", "network_rules": [{"default_action": "Deny", "allowed_ip_ranges": ["203.0.113.0/24"]}]}
    result = review_rules_alone(tmp_path, [update("azurerm_kubernetes_cluster.this", before, after)])
    assert "allowlist-emptied" not in worst_by_rule(result)
    assert result.label.value == "likely_safe"


def _b64(text: str) -> str:
    import base64

    return base64.b64encode(text.encode()).decode()


KEYS_SCRIPT = ("#!/bin/bash\nexport AWS_ACCESS_KEY_ID=AKIAZ7Q3EXAMPLE7QWXY\n"
               "export AWS_SECRET_ACCESS_KEY=9xQ2kLmN0pQrStUvWxYz1234567890abcdEFGHij\n/opt/worker/start\n")
SSM_SCRIPT = ("#!/bin/bash\nset -euo pipefail\nDB_PASSWORD=$(aws ssm get-parameter --name /app/db_password "
              "--with-decryption --query Parameter.Value --output text)\nexport DB_PASSWORD\n/opt/worker/start\n")


@pytest.mark.parametrize("key", ["user_data", "custom_data", "startup_script_base64", "payload"])
def test_credentials_inside_base64_are_found_and_masked(tmp_path: Path, key: str) -> None:
    encoded = _b64(KEYS_SCRIPT)
    entry = update("zeta_launch_template.worker", {"name": "w", key: _b64("#!/bin/bash\n/opt/worker/start\n")},
                   {"name": "w", key: encoded})
    result = review_rules_alone(tmp_path, [entry])
    assert worst_by_rule(result).get("credential-in-plan") == Severity.HIGH
    assert encoded not in result.model_dump_json()
    assert "AKIAZ7Q3EXAMPLE7QWXY" not in result.model_dump_json()


def test_base64_that_fetches_from_ssm_stays_safe(tmp_path: Path) -> None:
    entry = update("aws_launch_template.worker", {"name": "w", "user_data": _b64("#!/bin/bash\n/opt/old\n")},
                   {"name": "w", "user_data": _b64(SSM_SCRIPT)})
    result = review_rules_alone(tmp_path, [entry])
    assert "credential-in-plan" not in worst_by_rule(result)
    assert result.label.value == "likely_safe"


def test_digests_and_binary_base64_are_not_decoded_as_credentials(tmp_path: Path) -> None:
    digest = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
    binary = "kS3jZq0+/xW9mVbA1p2oLr7TyuQe8cN4hGfIaD6sJ5K0lMnBvCxZaPqRsTuVwXyE"
    entry = update("zeta_object.blob", {"name": "b", "etag": "x", "content_base64": "x"},
                   {"name": "b", "etag": digest, "content_base64": binary})
    result = review_rules_alone(tmp_path, [entry])
    assert "credential-in-plan" not in worst_by_rule(result)


KEY = "NRAK-7FK2MQ9XLPR4VT8WZ1YB3NC6DE0"


def _key_resource() -> dict[str, Any]:
    values = {"name": "ci deploy", "key": KEY, "id": "KEY-ID-55120", "arn": "arn:acme:key/55120"}
    entry = update("zeta_api_key.ingest", values, values, sensitive={"key": True})
    entry["change"]["actions"] = ["no-op"]
    return entry


def _output(value: Any, marked: bool = False) -> dict[str, Any]:
    return {"ingest": {"actions": ["create"], "before": None, "after": value, "after_unknown": False,
                       "before_sensitive": False, "after_sensitive": marked}}


def test_sensitive_value_copied_to_unmarked_output_is_high(tmp_path: Path) -> None:
    result = review_rules_alone(tmp_path, [_key_resource()], output_changes=_output(KEY))
    assert worst_by_rule(result).get("sensitive-copy") == Severity.HIGH
    assert any("output ingest" in f.message for f in result.findings)
    assert KEY not in result.model_dump_json()


def test_sensitive_value_copied_to_a_tag_is_high(tmp_path: Path) -> None:
    tagged = update("zeta_bucket.logs", {"name": "logs", "tags": {"team": "a"}},
                    {"name": "logs", "tags": {"team": "a", "note": f"key {KEY}"}})
    result = review_rules_alone(tmp_path, [_key_resource(), tagged])
    found = [f for f in result.findings if f.rule == "sensitive-copy"]
    assert found and found[0].address == "zeta_bucket.logs" and "tags.note" in found[0].message


@pytest.mark.parametrize("outputs", [_output(KEY, marked=True), _output("KEY-ID-55120"), _output("arn:acme:key/55120")],
                         ids=["marked-output", "id-output", "arn-output"])
def test_marked_or_non_secret_outputs_stay_safe(tmp_path: Path, outputs: dict[str, Any]) -> None:
    result = review_rules_alone(tmp_path, [_key_resource()], output_changes=outputs)
    assert "sensitive-copy" not in worst_by_rule(result)
    assert result.label.value == "likely_safe"


def test_copy_that_was_already_there_is_not_news(tmp_path: Path) -> None:
    outputs = _output(KEY)
    outputs["ingest"].update(actions=["update"], before=KEY)
    result = review_rules_alone(tmp_path, [_key_resource()], output_changes=outputs)
    assert "sensitive-copy" not in worst_by_rule(result)


def test_allowlist_known_only_after_apply_is_not_emptied(tmp_path: Path) -> None:
    entry = update("azurerm_kubernetes_cluster.this", CLUSTER, _with([{"authorized_ip_ranges": None}]))
    entry["change"]["after_unknown"] = {"api_server_access_profile": [{"authorized_ip_ranges": True}]}
    result = review_rules_alone(tmp_path, [entry])
    assert "allowlist-emptied" not in worst_by_rule(result)


def test_short_or_numeric_values_equal_to_a_secret_are_not_leaks(tmp_path: Path) -> None:
    values = {"name": "db", "username": "admin", "port": 6543, "id": "db-1"}
    secret = update("zeta_database.main", values, values, sensitive={"username": True, "port": True})
    secret["change"]["actions"] = ["no-op"]
    other = update("zeta_service.api", {"name": "api", "user": "x", "port": 1},
                   {"name": "api", "user": "admin", "port": 6543})
    result = review_rules_alone(tmp_path, [secret, other])
    assert "sensitive-copy" not in worst_by_rule(result)
