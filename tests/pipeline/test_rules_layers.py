"""Code from another account added to a function (layers.py, supply-chain-opened): high when the publisher is
neither the function's account nor one whose layer it had; medium when the plan already names that account."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.pipeline.test_rules_deletes_by_what_they_lose import worst
from tests.pipeline.test_rules_successors_take_over import made
from tfreview.pipeline.findings import Severity

OWN = "123456789012"
INSIGHTS = "arn:aws:lambda:eu-west-1:580247275435:layer:LambdaInsightsExtension-Arm64:20"
FUNCTION = {"function_name": "checkout-api", "arn": f"arn:aws:lambda:eu-west-1:{OWN}:function:checkout-api",
            "role": f"arn:aws:iam::{OWN}:role/checkout", "layers": [INSIGHTS]}


def _updated(after_layers: list[str], address: str = "zeta_lambda_function.api") -> dict[str, Any]:
    entry = made(address, {**FUNCTION, "layers": after_layers})
    entry["change"].update(actions=["update"], before=FUNCTION)
    return entry


def _severity(tmp_path: Path, plan: list[dict[str, Any]]) -> Severity | None:
    return worst(tmp_path, plan, "supply-chain-opened")


def test_layer_from_an_unrelated_account_is_high(tmp_path: Path) -> None:
    foreign = "arn:aws:lambda:eu-west-1:662817349051:layer:fastjson-accel:3"
    assert _severity(tmp_path, [_updated([INSIGHTS, foreign])]) is Severity.HIGH


@pytest.mark.parametrize("layers", [
    [INSIGHTS.replace(":20", ":21")],
    [INSIGHTS, f"arn:aws:lambda:eu-west-1:{OWN}:layer:shared-utils:7"],
    [],
], ids=["publisher-version-bump", "own-account-layer", "layer-removed"])
def test_layers_from_known_publishers_are_not_flagged(tmp_path: Path, layers: list[str]) -> None:
    assert _severity(tmp_path, [_updated(layers)]) is None


def test_foreign_publisher_the_plan_already_uses_is_medium(tmp_path: Path) -> None:
    vendor = "arn:aws:lambda:eu-west-1:464622532012:layer:Vendor-Extension:65"
    other = made("zeta_lambda_function.worker", {**FUNCTION, "function_name": "worker", "layers": [vendor]})
    other["change"].update(actions=["no-op"], before=other["change"]["after"])
    assert _severity(tmp_path, [_updated([INSIGHTS, vendor]), other]) is Severity.MEDIUM


def test_a_function_created_with_a_vendor_layer_is_medium(tmp_path: Path) -> None:
    vendor = "arn:aws:lambda:eu-west-1:464622532012:layer:Datadog-Extension:65"
    created = made("zeta_lambda_function.api", {**FUNCTION, "layers": [vendor]})
    assert _severity(tmp_path, [created]) is Severity.MEDIUM


def test_aws_own_layer_added_to_an_existing_function_is_medium(tmp_path: Path) -> None:
    """AWS publishes its own extensions from fixed accounts: AWS already runs the function, no new party joins."""
    function = {**FUNCTION, "layers": []}
    entry = made("zeta_lambda_function.api", {**function, "layers": [INSIGHTS]})
    entry["change"].update(actions=["update"], before=function)
    assert _severity(tmp_path, [entry]) is Severity.MEDIUM


def test_look_alike_layer_name_from_another_account_stays_high(tmp_path: Path) -> None:
    """The publisher decides, not the name: `LambdaInsightsExtension` in an unknown account is still foreign."""
    function = {**FUNCTION, "layers": []}
    fake = "arn:aws:lambda:eu-west-1:580247275436:layer:LambdaInsightsExtension:20"
    entry = made("zeta_lambda_function.api", {**function, "layers": [fake]})
    entry["change"].update(actions=["update"], before=function)
    assert _severity(tmp_path, [entry]) is Severity.HIGH
