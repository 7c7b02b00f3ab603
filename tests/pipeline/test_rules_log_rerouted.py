"""A log delivery emptied while a sibling destination names another place is a move, not a stop (units.py's
moved_within), beside the risky twin where nothing is delivered any more."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.helpers import judge_one
from tfreview.pipeline.findings import Severity

FLOW = {"log_destination_type": "cloud-watch-logs", "log_group_name": "/vpc/prod-flow", "traffic_type": "ALL",
        "log_destination": "arn:aws:logs:us-east-1:482913705561:log-group:/vpc/prod-flow"}


@pytest.mark.parametrize(("after", "stopped"), [
    ({**FLOW, "log_destination_type": "s3", "log_group_name": "",
      "log_destination": "arn:aws:s3:::acme-flowlogs/prod/"}, False),
    ({**FLOW, "log_group_name": "", "log_destination": ""}, True),
], ids=["moved-to-a-bucket", "emptied"])
def test_a_log_group_emptied_while_the_destination_names_another_place_is_a_move(
        tmp_path: Path, after: dict[str, Any], stopped: bool) -> None:
    _, worst = judge_one(tmp_path, "cloudco_flow_log.prod", FLOW, after)
    assert (worst.get("logging-disabled") is Severity.HIGH) is stopped
