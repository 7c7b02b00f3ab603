"""An admin role confined to named targets is a bounded delegation (medium); unconfined or tenant-wide stays high."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.helpers import review_rules_alone, worst_by_rule
from tests.pipeline.test_rules_detectors_through_configuration import resource
from tfreview.pipeline.findings import Severity


def _grant(tmp_path: Path, after: dict[str, Any]) -> Severity | None:
    change = resource("acmeidp_group_role.desk", {"group_id": "g-1", **after})
    return worst_by_rule(review_rules_alone(tmp_path, [change])).get("iam-privileged-role")


def test_admin_role_confined_to_named_groups_is_medium(tmp_path: Path) -> None:
    assert _grant(tmp_path, {"role_type": "HELP_DESK_ADMIN", "target_group_list": ["g-staff"]}) is Severity.MEDIUM


@pytest.mark.parametrize("after", [{"role_type": "HELP_DESK_ADMIN", "target_group_list": None},
                                   {"role_type": "HELP_DESK_ADMIN", "target_group_list": ["*"]},
                                   {"role_type": "SUPER_ADMIN", "target_group_list": ["g-staff"]}])
def test_unconfined_wildcard_or_tenant_wide_admin_stays_high(tmp_path: Path, after: dict[str, Any]) -> None:
    assert _grant(tmp_path, after) is Severity.HIGH
