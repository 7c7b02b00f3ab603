"""Red-team forms: a switch named for turning a protection off (`disable_encryption`, `audit_logging_disabled`,
`skip_tls_verify`) turned on is the weak direction on any provider; a negated weak thing (`disable_tls10`,
`disable_basic_auth`, `local_authentication_disabled`) turned on is the strong one and stays quiet. Also: a change
whose mode Terraform never writes is never silently skipped."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.helpers import review_rules_alone, worst_by_rule
from tfreview.pipeline.findings import Severity


def entry(address: str, after: Any, before: Any = None, mode: str = "managed",
          actions: list[str] | None = None) -> dict[str, Any]:
    """One resource_changes entry of `terraform show -json` (an invented provider)."""
    kind, name = address.split(".")
    return {"address": address, "mode": mode, "type": kind, "name": name,
            "provider_name": "registry.example.com/acme/acme",
            "change": {"actions": actions or (["create"] if before is None else ["update"]), "before": before,
                       "after": after, "after_unknown": {}, "before_sensitive": {}, "after_sensitive": {}}}


def flipped(tmp_path: Path, kind: str, key: str, before: Any = False, after: Any = True) -> dict[str, Severity]:
    change = entry(f"{kind}.main", {"name": "main", key: after}, before={"name": "main", key: before})
    result = review_rules_alone(tmp_path, [change])
    return {rule: sev for rule, sev in worst_by_rule(result).items() if sev is Severity.HIGH}


@pytest.mark.parametrize(("kind", "key", "rule"), [
    ("acme_volume", "disable_encryption", "encryption-disabled"),
    ("hexa_bucket", "encryption_disabled", "encryption-disabled"),
    ("acme_cluster", "audit_logging_disabled", "logging-disabled"),
    ("nimbus_gateway", "disable_access_logs", "logging-disabled"),
    ("acme_cluster", "disable_audit_logging", "logging-disabled"),
    ("nimbus_project", "threat_detection_disabled", "detection-disabled"),
    ("acme_connector", "skip_tls_verify", "tls-downgrade"),
    ("nimbus_db_link", "ssl_enforcement_disabled", "tls-downgrade"),
    ("acme_org", "disable_mfa", "auth-weakened"),
    ("hexa_database", "disable_deletion_protection", "protection-disabled"),
])
def test_a_negated_protection_switch_turned_on_is_high(tmp_path: Path, kind: str, key: str, rule: str) -> None:
    assert rule in flipped(tmp_path, kind, key)


@pytest.mark.parametrize(("kind", "key"), [
    ("acme_volume", "disable_encryption"),
    ("acme_cluster", "audit_logging_disabled"),
    ("acme_connector", "skip_tls_verify"),
])
def test_the_same_switch_turned_back_off_is_quiet(tmp_path: Path, kind: str, key: str) -> None:
    assert flipped(tmp_path, kind, key, before=True, after=False) == {}


@pytest.mark.parametrize(("kind", "key"), [
    ("acme_listener", "disable_ssl_v3"),
    ("acme_listener", "disable_tls10"),
    ("acme_listener", "block_legacy_tls"),
    ("acme_app", "disable_basic_auth"),
    ("acme_app", "basic_auth_disabled"),
    ("acme_app", "local_authentication_disabled"),
    ("acme_vm", "disable_password_authentication"),
    ("acme_app", "disable_http"),
])
def test_a_negated_weak_path_turned_on_is_quiet(tmp_path: Path, kind: str, key: str) -> None:
    assert flipped(tmp_path, kind, key) == {}


def test_a_mode_terraform_never_writes_is_not_skipped(tmp_path: Path) -> None:
    before = {"name": "customers", "size_gb": 500}
    result = review_rules_alone(tmp_path, [entry("acme_database.main", None, before, mode="Managed",
                                                 actions=["delete"])])
    assert worst_by_rule(result).get("unknown-action") is Severity.HIGH
    assert result.label.value == "needs_close_review"


def test_a_data_source_read_is_quiet(tmp_path: Path) -> None:
    result = review_rules_alone(tmp_path, [entry("acme_image.main", {"name": "base"}, mode="data",
                                                 actions=["read"])])
    assert "unknown-action" not in worst_by_rule(result)


@pytest.mark.parametrize(("kind", "key"), [
    ("acme_listener", "disable_tls10"),
    ("acme_app", "disable_basic_auth"),
    ("acme_app", "basic_auth_disabled"),
])
def test_a_weak_mechanisms_off_switch_turned_back_on_is_high(tmp_path: Path, kind: str, key: str) -> None:
    assert flipped(tmp_path, kind, key, before=True, after=False) != {}
