"""Deletes that take away a copy or a setting: a cluster member past a shrunk count, a plain parameter."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.helpers import review_rules_alone, worst_by_rule
from tfreview.pipeline.findings import Severity


def delete(address: str, resource_type: str, before: dict[str, Any],
           reason: str = "delete_because_count_index") -> dict[str, Any]:
    return {"address": address, "mode": "managed", "type": resource_type, "name": address.split(".")[1].split("[")[0],
            "action_reason": reason, "provider_name": "registry.terraform.io/hashicorp/aws",
            "change": {"actions": ["delete"], "before": before, "after": None, "after_unknown": {}}}


def member(index: int, **extra: Any) -> dict[str, Any]:
    return delete(f"aws_rds_cluster_instance.crm[{index}]", "aws_rds_cluster_instance",
                  {"identifier": f"crm-{index}", "cluster_identifier": "crm", "instance_class": "db.r6g.large",
                   **extra})


def test_one_member_past_a_shrunk_count_is_medium(tmp_path: Path) -> None:
    result = review_rules_alone(tmp_path, [member(2)])
    assert result.label.value == "likely_safe" and worst_by_rule(result)["resource-delete"] == Severity.MEDIUM


@pytest.mark.parametrize("changes", [
    [member(0), member(1)],
    [member(1, writer=True)],
    [member(1), delete("aws_rds_cluster.crm", "aws_rds_cluster", {"cluster_identifier": "crm"},
                       "delete_because_no_resource_config")],
    [{**member(1), "action_reason": "delete_because_no_resource_config"}],
], ids=["count-to-zero", "writer", "cluster-goes-too", "block-removed"])
def test_members_whose_cluster_or_data_may_go_stay_high(tmp_path: Path, changes: list[dict[str, Any]]) -> None:
    result = review_rules_alone(tmp_path, changes)
    assert result.label.value == "needs_close_review"


def parameter(kind: str) -> dict[str, Any]:
    return delete("aws_ssm_parameter.flags[2]", "aws_ssm_parameter",
                  {"name": "/web/flags/banner", "type": kind, "value": "off", "data_type": "text"})


def test_a_plain_parameter_deleted_is_medium(tmp_path: Path) -> None:
    result = review_rules_alone(tmp_path, [parameter("String")])
    assert result.label.value == "likely_safe" and worst_by_rule(result)["resource-delete"] == Severity.MEDIUM


def test_a_secure_parameter_deleted_stays_high(tmp_path: Path) -> None:
    result = review_rules_alone(tmp_path, [parameter("SecureString")])
    assert result.label.value == "needs_close_review"
