"""Secrets written as literals in the configuration (rules/hardcoded.py): each risky plan beside a look-alike that
stays quiet, and the literal never reaches any output."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.helpers import review_rules_alone, worst_by_rule
from tfreview.labels import Label
from tfreview.pipeline.findings import Severity
from tfreview.result import ReviewResult

RULE = "secret-in-code"
LITERAL = "Vd8rQ2mX7kP4tL9w"


def entry(actions: list[str], before: Any, after: Any, address: str = "vaultly_secret.billing") -> dict[str, Any]:
    """One change of an invented provider's secret, its `data` marked sensitive."""
    kind, name = address.split(".")
    marks = {"data": True}
    return {"address": address, "mode": "managed", "type": kind, "name": name,
            "provider_name": "registry.terraform.io/acme/vaultly",
            "change": {"actions": actions, "before": before, "after": after, "after_unknown": {},
                       "before_sensitive": marks if before is not None else False,
                       "after_sensitive": marks if after is not None else False}}


def configured(data: dict[str, Any], variables: dict[str, Any] | None = None) -> dict[str, Any]:
    """A configuration whose resource sets `data` by DATA, with root VARIABLES."""
    resource = {"address": "vaultly_secret.billing", "mode": "managed", "type": "vaultly_secret", "name": "billing",
                "provider_config_key": "vaultly", "expressions": {"path": {"constant_value": "billing/api"},
                                                                   "data": data}}
    return {"root_module": {"resources": [resource], "variables": variables or {}}}


def judged(tmp_path: Path, changes: list[dict[str, Any]], configuration: dict[str, Any]) -> ReviewResult:
    return review_rules_alone(tmp_path, changes, configuration=configuration)


def created(value: str) -> dict[str, Any]:
    return entry(["create"], None, {"path": "billing/api", "data": value})


def test_a_secret_store_created_from_a_key_like_literal_is_high_and_never_printed(tmp_path: Path) -> None:
    result = judged(tmp_path, [created(LITERAL)], configured({"constant_value": LITERAL}))
    assert worst_by_rule(result).get(RULE) is Severity.HIGH
    assert "this change puts it there" in next(f.message for f in result.findings if f.rule == RULE)
    assert LITERAL not in json.dumps(result.model_dump(mode="json"))


def test_a_secret_store_created_from_a_literal_that_reads_as_words_stays_medium(tmp_path: Path) -> None:
    for words in ("smtp.eu.example-mail.com", "rotated-by-lambda-nightly"):
        result = judged(tmp_path, [created(words)], configured({"constant_value": words}))
        assert worst_by_rule(result).get(RULE) is Severity.MEDIUM, words
        assert result.label is Label.LIKELY_SAFE


def test_a_placeholder_literal_stays_quiet(tmp_path: Path) -> None:
    result = judged(tmp_path, [created("changeme")], configured({"constant_value": "changeme"}))
    assert RULE not in worst_by_rule(result)


def test_a_secret_from_a_variable_without_a_default_stays_quiet(tmp_path: Path) -> None:
    result = judged(tmp_path, [created(LITERAL)], configured({"references": ["var.billing_key"]},
                                                             {"billing_key": {"sensitive": True}}))
    assert result.label is Label.LIKELY_SAFE and RULE not in worst_by_rule(result)


def test_a_sensitive_variable_default_read_by_a_created_secret_is_reported(tmp_path: Path) -> None:
    result = judged(tmp_path, [created(LITERAL)], configured(
        {"references": ["var.billing_key"]}, {"billing_key": {"sensitive": True, "default": LITERAL}}))
    assert worst_by_rule(result).get(RULE) is Severity.MEDIUM
    assert "var.billing_key" in next(f.message for f in result.findings if f.rule == RULE)


def test_a_literal_the_attribute_already_held_is_not_this_change(tmp_path: Path) -> None:
    change = entry(["update"], {"path": "billing/api", "data": LITERAL, "ttl": 60},
                   {"path": "billing/api", "data": LITERAL, "ttl": 120})
    result = judged(tmp_path, [change], configured({"constant_value": LITERAL}))
    assert RULE not in worst_by_rule(result)


def test_a_literal_changed_by_this_plan_is_reported(tmp_path: Path) -> None:
    change = entry(["update"], {"path": "billing/api", "data": "Old7secretValue99"},
                   {"path": "billing/api", "data": LITERAL})
    result = judged(tmp_path, [change], configured({"constant_value": LITERAL}))
    assert worst_by_rule(result).get(RULE) is Severity.MEDIUM


def test_a_plain_parameter_the_provider_marks_sensitive_stays_quiet(tmp_path: Path) -> None:
    # An SSM-style parameter of a plain type: its provider marks `value` whatever it holds (a release tag here).
    change = {"address": "aws_ssm_parameter.release", "mode": "managed", "type": "aws_ssm_parameter",
              "name": "release", "provider_name": "registry.terraform.io/hashicorp/aws",
              "change": {"actions": ["create"], "before": None,
                         "after": {"name": "/prod/app/release", "type": "String", "value": "release-2026.10.3"},
                         "after_unknown": {}, "before_sensitive": False, "after_sensitive": {"value": True}}}
    resource = {"address": "aws_ssm_parameter.release", "mode": "managed", "type": "aws_ssm_parameter",
                "name": "release", "expressions": {"type": {"constant_value": "String"},
                                                   "value": {"constant_value": "release-2026.10.3"}}}
    result = judged(tmp_path, [change], {"root_module": {"resources": [resource]}})
    assert result.label is Label.LIKELY_SAFE and RULE not in worst_by_rule(result)


def test_an_encrypted_value_written_in_the_code_is_no_secret(tmp_path: Path) -> None:
    sealed = "c2VhbGVkYm94OnYyOnJvdGF0ZWQ9PXh5eg=="
    change = entry(["create"], None, {"path": "billing/api", "encrypted_value": sealed})
    change["change"]["after_sensitive"] = {"encrypted_value": True}
    resource = {"address": "vaultly_secret.billing", "mode": "managed", "type": "vaultly_secret", "name": "billing",
                "expressions": {"encrypted_value": {"constant_value": sealed}}}
    result = judged(tmp_path, [change], {"root_module": {"resources": [resource]}})
    assert RULE not in worst_by_rule(result)
