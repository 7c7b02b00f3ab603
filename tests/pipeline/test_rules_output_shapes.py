"""Output changes written in a resource change's shape (fields under `change`) are read as the output change they
hold (shape.py), so the credential rules judge them: a token output marked sensitive stays safe, one printed in
the clear is high."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.helpers import review_rules_alone, worst_by_rule
from tfreview.labels import Label
from tfreview.pipeline.findings import Severity

TOKEN = {"address": "vaultly_service_token.ci", "mode": "managed", "type": "vaultly_service_token", "name": "ci",
         "provider_name": "registry.terraform.io/acme/vaultly",
         "change": {"actions": ["create"], "before": None, "after": {"name": "ci", "access": "read"},
                    "after_unknown": {"key": True}, "after_sensitive": {"key": True}}}


def judged(tmp_path: Path, sensitive: bool) -> tuple[Label, dict[str, Severity]]:
    output: dict[str, Any] = {"change": {"actions": ["create"], "before": None, "after": None, "after_unknown": True,
                                         "before_sensitive": False, "after_sensitive": sensitive}}
    config = {"root_module": {"outputs": {"ci_token": {
        "expression": {"references": ["vaultly_service_token.ci.key", "vaultly_service_token.ci"]},
        **({"sensitive": True} if sensitive else {})}}}}
    result = review_rules_alone(tmp_path, [TOKEN], output_changes={"ci_token": output}, configuration=config)
    return result.label, worst_by_rule(result)


def test_wrapped_token_output_marked_sensitive_stays_safe(tmp_path: Path) -> None:
    label, worst = judged(tmp_path, sensitive=True)
    assert label is Label.LIKELY_SAFE and not any(s is Severity.HIGH for s in worst.values())


def test_wrapped_token_output_in_the_clear_is_high(tmp_path: Path) -> None:
    label, worst = judged(tmp_path, sensitive=False)
    assert label is Label.NEEDS_CLOSE_REVIEW and Severity.HIGH in worst.values()
