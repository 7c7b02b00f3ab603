"""A controller allowed to delete whose scope filter is emptied reaches everything; benign look-alikes stay quiet."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.helpers import review_rules_alone, worst_by_rule
from tests.pipeline.test_rules_detectors_through_configuration import resource
from tfreview.pipeline.findings import Severity


def _release(tmp_path: Path, old: str, new: str) -> dict[str, Severity]:
    before: dict[str, Any] = {"name": "dns", "values": [f"provider: acmedns\n{old}"]}
    after: dict[str, Any] = {"name": "dns", "values": [f"provider: acmedns\n{new}"]}
    return worst_by_rule(review_rules_alone(tmp_path, [resource("helm_release.dns", after, before)]))


@pytest.mark.parametrize("new", ["policy: sync\nzoneFilters: []\n", "policy: sync\n"])
def test_sync_with_its_zone_filter_removed_reaches_every_zone(tmp_path: Path, new: str) -> None:
    old = "policy: upsert-only\nzoneFilters:\n  - example.org\n"
    assert _release(tmp_path, old, new).get("delete-scope-removed") is Severity.HIGH


@pytest.mark.parametrize(("old", "new"), [
    ("policy: upsert-only\nzoneFilters:\n  - example.org\n", "policy: sync\nzoneFilters:\n  - example.org\n"),
    ("policy: upsert-only\nzoneFilters:\n  - example.org\n", "policy: upsert-only\nzoneFilters: []\n"),
])
def test_sync_kept_in_scope_or_upsert_only_unscoped_is_quiet(tmp_path: Path, old: str, new: str) -> None:
    assert "delete-scope-removed" not in _release(tmp_path, old, new)


def test_structured_settings_read_the_same(tmp_path: Path) -> None:
    before = {"prune": True, "namespace_filter": ["team-a"]}
    after = {"prune": True, "namespace_filter": []}
    found = worst_by_rule(review_rules_alone(tmp_path, [resource("acme_sync_controller.c", after, before)]))
    assert found.get("delete-scope-removed") is Severity.HIGH
