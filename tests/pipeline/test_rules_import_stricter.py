"""An import that also changes the object is high, unless every changed setting is one a control reads as made
stricter (a project made private, deletion protection turned on): then it weakens nothing and is medium. A weakening,
a setting no control reads, or a mix stays high."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.helpers import review_rules_alone, worst_by_rule
from tfreview.pipeline.findings import Severity


def imported(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    return {"address": "acme_project.core", "mode": "managed", "type": "acme_project", "name": "core",
            "change": {"actions": ["update"], "before": before, "after": after, "after_unknown": {},
                       "importing": {"id": "acme/core"}}}


BASE = {"name": "core", "visibility_level": "internal", "deletion_protection": False, "description": "core"}


@pytest.mark.parametrize("changed", [{"visibility_level": "private"}, {"deletion_protection": True},
                                     {"visibility_level": "private", "deletion_protection": True}])
def test_an_import_made_only_stricter_is_medium(tmp_path: Path, changed: dict[str, Any]) -> None:
    found = worst_by_rule(review_rules_alone(tmp_path, [imported(BASE, {**BASE, **changed})]))
    assert found.get("import-with-changes") == Severity.MEDIUM


@pytest.mark.parametrize("changed", [{"visibility_level": "public"}, {"description": "core platform"},
                                     {"visibility_level": "private", "description": "core platform"}])
def test_an_import_weakened_or_changed_otherwise_stays_high(tmp_path: Path, changed: dict[str, Any]) -> None:
    found = worst_by_rule(review_rules_alone(tmp_path, [imported(BASE, {**BASE, **changed})]))
    assert found.get("import-with-changes") == Severity.HIGH
