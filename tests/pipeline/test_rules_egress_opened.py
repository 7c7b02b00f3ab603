"""A firewall whose outbound rules reached only named destinations gains a rule letting all traffic out to the
internet (egressrules.py, egress-policy-opened), with benign look-alikes that stay "likely safe"."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.helpers import judge_one
from tfreview.labels import Label
from tfreview.pipeline.findings import Severity

RULE = "egress-policy-opened"
ENDPOINT = {"cidr_blocks": [], "prefix_list_ids": ["pl-63a5400a"], "protocol": "tcp", "from_port": 443, "to_port": 443,
            "description": "s3 endpoint"}
ALL_OUT = {"cidr_blocks": ["0.0.0.0/0"], "prefix_list_ids": [], "protocol": "-1", "from_port": 0, "to_port": 0,
           "description": "package mirrors"}




def nsg(*rules: dict[str, Any]) -> dict[str, Any]:
    return {"name": "nsg-app", "security_rule": [{"name": "allow-web-in", "direction": "Inbound", "access": "Allow",
                                                  "protocol": "Tcp", "destination_port_range": "443",
                                                  "source_address_prefix": "VirtualNetwork",
                                                  "destination_address_prefix": "*"}, *rules]}


OUT_TO_MONITOR = {"name": "monitor", "direction": "Outbound", "access": "Allow", "protocol": "Tcp",
                  "destination_port_range": "443", "destination_address_prefix": "AzureMonitor"}
OUT_TO_INTERNET = {"name": "allow-out-any", "direction": "Outbound", "access": "Allow", "protocol": "*",
                   "destination_port_range": "*", "destination_address_prefix": "Internet"}


@pytest.mark.parametrize(("address", "before", "after"), [
    ("aws_security_group.pci", {"name": "pci", "egress": [ENDPOINT]}, {"name": "pci", "egress": [ENDPOINT, ALL_OUT]}),
    ("azurerm_network_security_group.app", nsg(OUT_TO_MONITOR), nsg(OUT_TO_MONITOR, OUT_TO_INTERNET)),
], ids=["aws-egress-blocks", "nsg-outbound-rule"])
def test_restricted_egress_gaining_all_traffic_to_the_internet_is_high(
        tmp_path: Path, address: str, before: dict[str, Any], after: dict[str, Any]) -> None:
    label, worst = judge_one(tmp_path, address, before, after)
    assert worst.get(RULE) is Severity.HIGH and label is Label.NEEDS_CLOSE_REVIEW


MIRROR = {**ALL_OUT, "cidr_blocks": ["10.31.4.0/24"], "protocol": "tcp", "from_port": 443, "to_port": 443}


@pytest.mark.parametrize(("address", "before", "after"), [
    ("aws_security_group.pci", {"name": "pci", "egress": [ENDPOINT]}, {"name": "pci", "egress": [ENDPOINT, MIRROR]}),
    ("aws_security_group.web", {"name": "web", "egress": [ALL_OUT]}, {"name": "web", "egress": [ALL_OUT, ENDPOINT]}),
    ("aws_security_group.new", None, {"name": "new", "egress": [ALL_OUT]}),
    ("azurerm_network_security_group.app", nsg(OUT_TO_MONITOR),
     nsg(OUT_TO_MONITOR, {**OUT_TO_INTERNET, "access": "Deny"})),
], ids=["one-internal-destination", "already-open", "new-group", "deny-rule"])
def test_egress_to_named_destinations_already_open_new_or_denied_stays_safe(
        tmp_path: Path, address: str, before: dict[str, Any] | None, after: dict[str, Any]) -> None:
    label, worst = judge_one(tmp_path, address, before, after)
    assert RULE not in worst and label is Label.LIKELY_SAFE

