"""A log shipper's output pointed at a raw public address; outputs to collectors, names and private addresses."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.helpers import review_rules_alone, worst_by_rule
from tfreview.pipeline.findings import Severity

CLOUDWATCH = "    [OUTPUT]\n        Name cloudwatch_logs\n        Match kube.*\n        region eu-west-1\n"


def release(outputs: str, before: str | None = None) -> list[dict[str, Any]]:
    def side(text: str) -> dict[str, Any]:
        return {"name": "fluent-bit", "chart": "fluent-bit", "values": [f"config:\n  outputs: |\n{text}"]}
    return [{"address": "helm_release.shipper", "mode": "managed", "type": "helm_release", "name": "shipper",
             "provider_name": "registry.terraform.io/hashicorp/helm",
             "change": {"actions": ["update"], "before": side(before if before is not None else CLOUDWATCH),
                        "after": side(CLOUDWATCH + outputs), "after_unknown": {}}}]


def http_output(host: str, tls: str = "Off") -> str:
    return (f"    [OUTPUT]\n        Name http\n        Match *\n        Host {host}\n        Port 8080\n"
            f"        tls {tls}\n")


@pytest.mark.parametrize("outputs", [
    http_output("203.0.113.199"), http_output("93.184.216.34", "On"),
    "    [[outputs.influxdb]]\n      urls = [\"http://198.51.100.4:8086\"]\n",
    "    <match **>\n      @type forward\n      <server>\n        host 198.51.100.20\n      </server>\n    </match>\n",
], ids=["fluent-bit-plain", "fluent-bit-tls", "telegraf", "fluentd"])
def test_an_output_to_a_raw_public_address_is_high(tmp_path: Path, outputs: str) -> None:
    result = review_rules_alone(tmp_path, release(outputs))
    assert worst_by_rule(result)["egress-outside"] == Severity.HIGH


@pytest.mark.parametrize(("outputs", "before"), [
    (http_output("fluentd.logging.svc.cluster.local"), None),
    (http_output("10.0.3.4"), None),
    ("", None),
    (http_output("203.0.113.199"), CLOUDWATCH + http_output("203.0.113.199")),
], ids=["collector-service", "private-address", "cloudwatch-only", "already-there"])
def test_outputs_inside_or_already_there_stay_quiet(tmp_path: Path, outputs: str, before: str | None) -> None:
    result = review_rules_alone(tmp_path, release(outputs, before))
    assert "egress-outside" not in worst_by_rule(result)
