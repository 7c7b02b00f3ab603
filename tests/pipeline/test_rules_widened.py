"""A write grant scoped to named resources that comes to reach every resource (Resource "*") is high whatever the
service: one stolen credential reaches everything the grant was scoped away from. Beside it, the look-alikes: a
grant that stays scoped, one widened under a Condition, reads widened, and a new policy (judged by the wildcard
rules as before)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.pipeline.test_rules_detectors_through_configuration import judge, resource
from tfreview.pipeline.findings import Severity

THING = "arn:aws:iot:eu-west-1:482913657204:topic/telemetry/${iot:Connection.Thing.ThingName}"


def _policy(actions: list[str], where: str, condition: dict[str, Any] | None = None) -> str:
    statement: dict[str, Any] = {"Effect": "Allow", "Action": actions, "Resource": where}
    if condition:
        statement["Condition"] = condition
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


def _update(tmp_path: Path, address: str, old: str, new: str) -> dict[str, Severity]:
    return judge(tmp_path, [resource(address, {"name": "p", "policy": new}, before={"name": "p", "policy": old})])


def test_a_device_grant_widened_to_every_topic_is_high(tmp_path: Path) -> None:
    found = _update(tmp_path, "aws_iot_policy.sensor", _policy(["iot:Publish"], THING),
                    _policy(["iot:Publish", "iot:Subscribe"], "*"))
    assert found.get("iam-wildcard") is Severity.HIGH


def test_a_queue_grant_widened_to_every_queue_is_high(tmp_path: Path) -> None:
    queue = "arn:aws:sqs:eu-west-1:482913657204:orders"
    found = _update(tmp_path, "aws_iam_role_policy.worker", _policy(["sqs:SendMessage"], queue),
                    _policy(["sqs:SendMessage"], "*"))
    assert found.get("iam-wildcard") is Severity.HIGH


def test_a_grant_that_stays_scoped_or_widens_under_a_condition_or_only_reads_is_not_widened(tmp_path: Path) -> None:
    more_topics = THING.replace("telemetry/", "cmd/")
    assert _update(tmp_path, "aws_iot_policy.sensor", _policy(["iot:Publish"], THING),
                   _policy(["iot:Publish"], more_topics)).get("iam-wildcard") is None
    tagged = {"StringEquals": {"aws:ResourceTag/team": "orders"}}
    assert _update(tmp_path, "aws_iam_role_policy.worker", _policy(["sqs:SendMessage"], "arn:aws:sqs:eu-west-1:1:q"),
                   _policy(["sqs:SendMessage"], "*", tagged)).get("iam-wildcard") is not Severity.HIGH
    assert _update(tmp_path, "aws_iam_role_policy.reader", _policy(["sqs:GetQueueAttributes"], "arn:aws:sqs:::q"),
                   _policy(["sqs:GetQueueAttributes"], "*")).get("iam-wildcard") is None
