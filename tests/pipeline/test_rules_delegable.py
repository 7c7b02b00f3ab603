"""Permanent, re-delegable grants to identities marked external (delegable.py): the risky grant with look-alikes
that stay quiet."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.pipeline.test_rules_detectors_through_configuration import judge, resource
from tfreview.pipeline.findings import Severity

GRANT = {"realm": "prod", "holder": "ext:contractor@vendor.example", "tier": "custodian", "expires": None,
         "delegable": True}


@pytest.mark.parametrize(("changes", "fires"), [
    ({}, True),
    ({"holder": "guest:auditor@partner.example"}, True),
    ({"holder": "alice@corp.example"}, False),           # one of the organisation's own
    ({"delegable": False}, False),                        # cannot pass it on
    ({"expires": "2026-12-31T00:00:00Z"}, False),         # ends
])
def test_external_delegable_permanent_grant(tmp_path: Path, changes: dict[str, Any], fires: bool) -> None:
    found = judge(tmp_path, [resource("wardly_custodian_grant.vendor", {**GRANT, **changes})])
    assert (found.get("iam-privileged-role") is Severity.HIGH) is fires
