"""A grant of a provider nobody listed, read inside its policy's blocks (tenants.py): full access to every product,
organisation-wide, is admin; read-only sets, a full set confined to named projects, and policies that are no grant
stay "likely safe"."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.helpers import judge_one
from tfreview.labels import Label
from tfreview.pipeline.findings import Severity


def policy(*sets: str, projects: list[str] | None = None) -> dict[str, Any]:
    return {"name": "backup-exporter", "description": "backup exporter - read objects", "organization_id": "org-1",
            "rule": [{"permission_set_names": list(sets), "project_ids": projects, "condition": ""}]}


@pytest.mark.parametrize(("before", "after"), [
    (None, policy("AllProductsFullAccess")),
    (policy("ObjectStorageReadOnly"), policy("ObjectStorageReadOnly", "AllProductsFullAccess")),
], ids=["everything-on-create", "full-access-added"])
def test_admin_permission_set_inside_a_policy_block_is_high(tmp_path: Path, before: Any, after: Any) -> None:
    label, worst = judge_one(tmp_path, "cloudco_iam_policy.exporter", before, after)
    assert worst.get("iam-privileged-role") is Severity.HIGH and label is Label.NEEDS_CLOSE_REVIEW


@pytest.mark.parametrize(("address", "before", "after"), [
    ("cloudco_iam_policy.exporter", None, policy("ObjectStorageReadOnly", projects=["p-1"])),
    ("cloudco_iam_policy.exporter", None, policy("ObjectStorageFullAccess", projects=["p-1"])),  # confined
    ("cloudco_iam_policy.exporter", policy("AllProductsFullAccess"), policy("ObjectStorageReadOnly")),  # narrowed
    ("cloudco_lifecycle_policy.logs", None, {"rule": [{"id": "expire-old", "action": "delete", "age_days": 400,
                                                       "scope": "logs/"}]}),
], ids=["read-only", "full-in-named-project", "narrowed", "lifecycle-policy"])
def test_narrow_or_non_grant_policy_blocks_stay_safe(tmp_path: Path, address: str, before: Any, after: Any) -> None:
    label, worst = judge_one(tmp_path, address, before, after)
    assert worst.get("iam-privileged-role") is not Severity.HIGH and label is Label.LIKELY_SAFE
