"""A tunnel exporting a wide internal range to an outside peer with no access list; its narrow look-alikes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.helpers import review_rules_alone, worst_by_rule
from tfreview.pipeline.findings import Severity


def tunnel(resource_type: str = "meshco_tunnel", **after: Any) -> list[dict[str, Any]]:
    values = {"name": "support", "local_networks": ["10.0.0.0/8"], "remote_endpoint": "vpn.help-desk.example:51820",
              "remote_networks": ["100.64.10.0/24"], "acl": [], **after}
    return [{"address": f"{resource_type}.x", "mode": "managed", "type": resource_type, "name": "x",
             "provider_name": "registry.example.com/northwind/meshco",
             "change": {"actions": ["create"], "before": None, "after": values, "after_unknown": {}}}]


@pytest.mark.parametrize("changes", [
    tunnel(), tunnel("acme_vpn_connection"), tunnel(local_networks=["172.16.0.0/12"]),
    tunnel(remote_endpoint="203.0.113.9"), tunnel(local_cidrs=["0.0.0.0/0"], local_networks=None),
], ids=["invented", "vpn", "172-16", "raw-ip-peer", "everything"])
def test_a_wide_range_exported_unfiltered_to_an_outside_peer_is_high(tmp_path: Path,
                                                                     changes: list[dict[str, Any]]) -> None:
    result = review_rules_alone(tmp_path, changes)
    assert worst_by_rule(result)["foreign-network-link"] == Severity.HIGH


@pytest.mark.parametrize("changes", [
    tunnel(local_networks=["10.12.40.0/24"]),
    tunnel(acl=[{"action": "allow", "protocol": "tcp", "ports": ["5432"]}]),
    tunnel(remote_endpoint="10.80.0.1:51820"),
], ids=["narrow-range", "with-acl", "private-peer"])
def test_narrow_filtered_or_internal_tunnels_stay_quiet(tmp_path: Path, changes: list[dict[str, Any]]) -> None:
    result = review_rules_alone(tmp_path, changes)
    assert "foreign-network-link" not in worst_by_rule(result)
