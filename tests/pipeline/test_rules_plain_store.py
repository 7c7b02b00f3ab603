"""A secret written into a store entry of a plain kind (rules/plainstore.py), with its look-alikes: a plain entry
that holds no secret, a secure entry, and an entry whose value the plan does not mark sensitive."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tfreview.pipeline.review import review
from tfreview.settings import Settings


def entry(after: dict[str, Any], sensitive: bool = True, kind: str = "acme_ssm_parameter") -> list[dict[str, Any]]:
    """One created parameter; its value marked sensitive as providers mark every store value."""
    return [{"address": f"{kind}.p", "mode": "managed", "type": kind, "name": "p",
             "provider_name": "registry.terraform.io/acme/acme",
             "change": {"actions": ["create"], "before": None, "after": after, "after_unknown": {"arn": True},
                        "after_sensitive": {"value": True} if sensitive else {}}}]


def rules(tmp_path: Path, changes: list[dict[str, Any]]) -> list[tuple[str, str]]:
    path = tmp_path / "plan.json"
    path.write_text(json.dumps({"format_version": "1.2", "terraform_version": "1.9.8", "resource_changes": changes}))
    result = review(path, Settings(backend="none"))
    assert not result.errors
    return [(f.rule, f.severity.value) for f in result.findings]


@pytest.mark.parametrize("name", ["/payments/stripe/secret_key", "DB_PASSWORD", "prod/api-token"])
def test_secret_in_a_plain_entry_is_high(tmp_path: Path, name: str) -> None:
    found = rules(tmp_path, entry({"name": name, "type": "String", "value": "sk_live_51Nq8xQJ2eZvKYlo2C9aWx7Yt"}))
    assert ("variable-unmasked", "high") in found


@pytest.mark.parametrize("name", ["/app/log_level", "/platform/password_policy", "/auth/token_ttl"])
def test_plain_entry_without_a_secret_name_is_quiet(tmp_path: Path, name: str) -> None:
    assert rules(tmp_path, entry({"name": name, "type": "String", "value": "min_length=14"})) == []


def test_secure_entry_is_quiet(tmp_path: Path) -> None:
    found = rules(tmp_path, entry({"name": "/payments/stripe/secret_key", "type": "SecureString", "value": "x" * 20}))
    assert ("variable-unmasked", "high") not in found


def test_unmarked_value_is_left_to_the_credential_scan(tmp_path: Path) -> None:
    found = rules(tmp_path, entry({"name": "/app/token_ttl", "type": "String", "value": "3600"}, sensitive=False))
    assert ("variable-unmasked", "high") not in found
