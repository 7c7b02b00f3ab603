"""A created API endpoint opened to the internet, judged against the objects of its type the plan keeps, deletes or
replaces (departures.py): high when one keeps it shut; medium (the provider default) alone or beside an open one."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.pipeline.test_rules_deletes_by_what_they_lose import gone, worst
from tests.pipeline.test_rules_successors_take_over import made

OPEN = {"name": "prod-euw1", "vpc_config": [{"endpoint_private_access": False, "endpoint_public_access": True,
                                             "public_access_cidrs": ["0.0.0.0/0"], "subnet_ids": ["s-1"]}]}


def _kept(address: str, values: dict[str, Any]) -> dict[str, Any]:
    entry = made(address, values)
    entry["change"].update(actions=["no-op"], before=values)
    return entry


def _vpc(**settings: Any) -> dict[str, Any]:
    return {"name": "prod", "vpc_config": [settings]}


@pytest.mark.parametrize("other", [
    _kept("aws_eks_cluster.prod", _vpc(endpoint_private_access=True, endpoint_public_access=False,
                                       public_access_cidrs=[])),
    gone("aws_eks_cluster.prod", _vpc(endpoint_private_access=True, endpoint_public_access=False,
                                      public_access_cidrs=[])),
    _kept("aws_eks_cluster.prod", _vpc(endpoint_public_access=True, public_access_cidrs=["203.0.113.0/24"])),
], ids=["kept-private-only", "deleted-private-only", "kept-narrow-allow-list"])
def test_new_endpoint_open_to_the_world_beside_one_kept_shut_is_high(tmp_path: Path, other: dict[str, Any]) -> None:
    assert worst(tmp_path, [made("aws_eks_cluster.prod_euw1", OPEN), other], "network-open-ingress") == "high"


@pytest.mark.parametrize("others", [
    [],
    [_kept("aws_eks_cluster.prod", _vpc(endpoint_public_access=True, public_access_cidrs=["0.0.0.0/0"]))],
    [_kept("aws_eks_node_group.prod", {"cluster_name": "prod", "endpoint_public_access": False})],
], ids=["alone", "sibling-open-too", "other-type"])
def test_new_endpoint_open_by_default_without_a_shut_sibling_stays_medium(tmp_path: Path,
                                                                          others: list[dict[str, Any]]) -> None:
    assert worst(tmp_path, [made("aws_eks_cluster.prod_euw1", OPEN), *others], "network-open-ingress") == "medium"
