"""A trail's selectors read for what they record, whichever way they are written (session 22): moving from basic
`event_selector` blocks to `advanced_event_selector` field tests that record the same events is no lost audit
trail; one that drops management reads, a bucket's data events or a whole service stays held."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.pipeline.test_rules_detectors_through_configuration import judge, resource
from tfreview.pipeline.findings import Severity

BASIC = [{"read_write_type": "All", "include_management_events": True, "exclude_management_event_sources": [],
          "data_resource": [{"type": "AWS::S3::Object", "values": ["arn:aws:s3:::acme-ledger/"]}]}]


def _field(field: str, **tests: list[str]) -> dict[str, Any]:
    return {"field": field, "equals": [], "not_equals": [], "starts_with": [], **tests}


def _management(*extra: dict[str, Any]) -> dict[str, Any]:
    return {"name": "management", "field_selector": [_field("eventCategory", equals=["Management"]), *extra]}


def _data(prefixes: list[str]) -> dict[str, Any]:
    return {"name": "data", "field_selector": [
        _field("eventCategory", equals=["Data"]), _field("resources.type", equals=["AWS::S3::Object"]),
        _field("resources.ARN", starts_with=prefixes)]}


def _highs(tmp_path: Path, advanced: list[dict[str, Any]], kind: str = "aws_cloudtrail.org") -> set[str]:
    before = {"name": "org", "enable_logging": True, "event_selector": BASIC, "advanced_event_selector": []}
    after = {**before, "event_selector": [], "advanced_event_selector": advanced}
    found = judge(tmp_path, [resource(kind, after, before)])
    return {rule for rule, severity in found.items() if severity is Severity.HIGH}


@pytest.mark.parametrize("advanced", [
    # the same management events and the same bucket's data events
    [_management(), _data(["arn:aws:s3:::acme-ledger/"])],
    # more: every bucket's data events, and another data selector beside
    [_management(), _data(["arn:aws:s3:::"]), _data(["arn:aws:s3:::acme-exports/"])],
])
def test_the_same_events_written_as_advanced_selectors_stay_quiet(
        tmp_path: Path, advanced: list[dict[str, Any]]) -> None:
    assert not _highs(tmp_path, advanced)


@pytest.mark.parametrize("advanced", [
    # management reads no longer recorded
    [_management(_field("readOnly", equals=["false"])), _data(["arn:aws:s3:::acme-ledger/"])],
    # one service's management events left out
    [_management(_field("eventSource", not_equals=["kms.amazonaws.com"])), _data(["arn:aws:s3:::acme-ledger/"])],
    # the ledger bucket's data events gone
    [_management(), _data(["arn:aws:s3:::acme-exports/"])],
    # management events gone altogether
    [_data(["arn:aws:s3:::acme-ledger/"])],
])
def test_advanced_selectors_that_record_less_are_held(tmp_path: Path, advanced: list[dict[str, Any]]) -> None:
    assert _highs(tmp_path, advanced) & {"detection-disabled", "logging-disabled"}
