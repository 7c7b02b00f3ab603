"""An image shared with an account the plan does not show (session 22): a machine image holds software, and golden
images go to workload accounts by design, so the share is reported at medium for the reviewer to confirm; a snapshot
or a volume shared the same way holds a store's data and stays held, unless the snapshot is encrypted (its key must
be opened to that account too, which the plan does not show) and shared with named accounts, not all."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.pipeline.test_rules_detectors_through_configuration import judge, resource
from tfreview.pipeline.findings import Severity

OUTSIDE = "210987654321"


@pytest.mark.parametrize(("address", "after", "severity"), [
    ("aws_ami_launch_permission.workloads", {"image_id": "ami-0c7d19a4e2b85f3d6", "account_id": OUTSIDE},
     Severity.MEDIUM),
    ("aws_snapshot_create_volume_permission.dr", {"snapshot_id": "snap-0c4e6a8b0d2f4a6c8", "account_id": OUTSIDE},
     Severity.HIGH),
    ("aws_db_snapshot.pre_upgrade", {"db_snapshot_identifier": "billing-pre-upgrade", "shared_accounts": [OUTSIDE]},
     Severity.HIGH),
    # an encrypted snapshot shared with one account: restoring it needs the key too (medium); shared with all: public
    ("aws_db_snapshot.pre_upgrade", {"db_snapshot_identifier": "billing-pre-upgrade", "encrypted": True,
                                     "shared_accounts": [OUTSIDE]}, Severity.MEDIUM),
    ("aws_db_snapshot.pre_upgrade", {"db_snapshot_identifier": "billing-pre-upgrade", "encrypted": True,
                                     "shared_accounts": ["all"]}, Severity.HIGH),
])
def test_an_image_is_reported_and_a_snapshot_is_held(tmp_path: Path, address: str, after: dict[str, object],
                                                     severity: Severity) -> None:
    assert judge(tmp_path, [resource(address, after)]).get("foreign-data-share") is severity
