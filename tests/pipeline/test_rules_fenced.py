"""A public endpoint fenced by its own list of small source ranges is not internet exposure."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.helpers import review_rules_alone, worst_by_rule
from tfreview.pipeline.findings import Severity


def cluster(resource_type: str, block: str, flag: str, list_key: str, ranges: list[str]) -> dict[str, Any]:
    def side(on: bool) -> dict[str, Any]:
        return {"name": "main", block: [{flag: on, list_key: ranges if on else [], "subnet_ids": ["subnet-1"]}]}
    return {"address": f"{resource_type}.main", "mode": "managed", "type": resource_type, "name": "main",
            "provider_name": "registry.terraform.io/hashicorp/aws",
            "change": {"actions": ["update"], "before": side(False), "after": side(True), "after_unknown": {}}}


EKS = ("aws_eks_cluster", "vpc_config", "endpoint_public_access", "public_access_cidrs")
INVENTED = ("kubeco_cluster", "api_server", "public_endpoint_enabled", "authorized_ip_ranges")


@pytest.mark.parametrize("shape", [EKS, INVENTED], ids=["eks", "invented"])
@pytest.mark.parametrize("ranges", [["203.0.113.0/28"], ["198.51.100.7/32", "192.0.2.0/24"]], ids=["office", "two"])
def test_public_endpoint_fenced_by_small_ranges_is_medium(tmp_path: Path, shape: tuple[str, ...],
                                                          ranges: list[str]) -> None:
    result = review_rules_alone(tmp_path, [cluster(*shape, ranges)])
    assert result.label.value == "likely_safe"
    assert all(f.severity is Severity.MEDIUM for f in result.findings if "public" in f.message)


@pytest.mark.parametrize("shape", [EKS, INVENTED], ids=["eks", "invented"])
@pytest.mark.parametrize("ranges", [["0.0.0.0/0"], [], ["0.0.0.0/1", "128.0.0.0/1"], ["203.0.113.0/28", "::/0"]],
                         ids=["world", "empty", "halves", "office-and-v6-world"])
def test_public_endpoint_open_or_widely_fenced_stays_high(tmp_path: Path, shape: tuple[str, ...],
                                                          ranges: list[str]) -> None:
    result = review_rules_alone(tmp_path, [cluster(*shape, ranges)])
    assert result.label.value == "needs_close_review"
    assert Severity.HIGH in worst_by_rule(result).values()
