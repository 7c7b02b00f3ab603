"""A network link to an account the plan cannot show is its own (session 22): held for review when it hands the far
side more than the peer's own network — a wide or default route, an account's default VPC, transit switches, a rule
admitting the peer on every port or a data port, or a name that calls the far side a vendor — and reported at medium
when it only routes one narrow range to the peer. Each risky case has a benign twin."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.pipeline.test_rules_detectors_through_configuration import judge, resource
from tfreview.pipeline.findings import Severity

RULE = "foreign-network-link"


def _peering(name: str = "shared_services", **extra: Any) -> dict[str, Any]:
    return resource(f"aws_vpc_peering_connection.{name}", {
        "peer_owner_id": "418273640915", "peer_region": "us-east-1", "peer_vpc_id": "vpc-0e6a1f3c9b2d47085",
        "vpc_id": "vpc-0a11b22c33d44e55f", "tags": {"Name": f"prod-to-{name}"}, **extra})


def _route(cidr: str | None, key: str = "0") -> dict[str, Any]:
    after = {"route_table_id": f"rtb-0c1d2e3f4a5b6c7d{key}", "destination_cidr_block": cidr,
             "vpc_peering_connection_id": None}
    return resource(f"aws_route.to_peer_{key}", after, unknown={"vpc_peering_connection_id": True})


def _rule(cidr: str, low: int, high: int, protocol: str = "tcp") -> dict[str, Any]:
    return resource("aws_security_group_rule.from_peer", {
        "type": "ingress", "security_group_id": "sg-0a1b2c3d", "cidr_blocks": [cidr], "from_port": low,
        "to_port": high, "protocol": protocol})


def _severity(tmp_path: Path, changes: list[dict[str, Any]]) -> Severity | None:
    return judge(tmp_path, changes).get(RULE)


@pytest.mark.parametrize("changes", [
    # a route wider than one peer network: every internal destination, half the internet, the default route
    [_peering(), _route("10.0.0.0/8")],
    [_peering(), _route("0.0.0.0/1")],
    [_peering(), _route("0.0.0.0/0")],
    # a route whose destination the plan cannot show
    [_peering(), _route(None)],
    # the peer is an account's default VPC
    [_peering(), _route("172.31.0.0/16")],
    # a rule admits the routed range on every port, or on a database port
    [_peering(), _route("10.60.0.0/16"), _rule("10.60.0.0/16", 0, 0, "-1")],
    [_peering(), _route("10.60.0.0/16"), _rule("10.60.4.0/24", 5432, 5432)],
    # the link's own name calls the far side a vendor
    [_peering("vendor_ingest"), _route("10.99.0.0/16")],
    # the link hands over transit (an Azure peering's switches)
    [resource("azurerm_virtual_network_peering.hub_to_app", {
        "name": "hub-to-app", "resource_group_name": "rg-hub", "virtual_network_name": "vnet-hub",
        "remote_virtual_network_id": "/subscriptions/0f9e8d7c-6b5a-4c3d-9e2f-1a0b9c8d7e6f/resourceGroups/rg-app"
                                     "/providers/Microsoft.Network/virtualNetworks/vnet-app",
        "allow_forwarded_traffic": True, "allow_gateway_transit": True})],
    # a GCP peer that is a project's default network
    [resource("google_compute_network_peering.analytics", {
        "name": "analytics", "network": "projects/acme-prod-7f3a/global/networks/prod",
        "peer_network": "projects/data-lab-8812/global/networks/default"})],
])
def test_a_link_that_hands_over_more_than_the_peer_is_held(tmp_path: Path, changes: list[dict[str, Any]]) -> None:
    assert _severity(tmp_path, changes) is Severity.HIGH


@pytest.mark.parametrize("changes", [
    # one narrow route to the peer's own range, from one table or two
    [_peering(), _route("10.60.0.0/16")],
    [_peering(), _route("10.60.0.0/20", "0"), _route("10.60.0.0/20", "1")],
    # a rule admitting the peer on HTTPS only
    [_peering(), _route("10.50.4.0/24"), _rule("10.50.4.0/24", 443, 443)],
    # a rule admitting the peer's neighbour range on every port is about another network
    [_peering(), _route("10.60.0.0/16"), _rule("10.70.0.0/16", 0, 0, "-1")],
    # no routes yet, no transit switches
    [resource("azurerm_virtual_network_peering.hub_to_app", {
        "name": "hub-to-app", "resource_group_name": "rg-hub", "virtual_network_name": "vnet-hub",
        "remote_virtual_network_id": "/subscriptions/0f9e8d7c-6b5a-4c3d-9e2f-1a0b9c8d7e6f/resourceGroups/rg-app"
                                     "/providers/Microsoft.Network/virtualNetworks/vnet-app",
        "allow_forwarded_traffic": False, "allow_gateway_transit": False})],
    # importing the far side's routes is the other direction
    [resource("google_compute_network_peering.analytics", {
        "name": "analytics", "network": "projects/acme-prod-7f3a/global/networks/prod",
        "peer_network": "projects/data-lab-8812/global/networks/lab", "import_custom_routes": True})],
])
def test_a_link_that_reaches_only_the_peer_is_reported_at_medium(
        tmp_path: Path, changes: list[dict[str, Any]]) -> None:
    assert _severity(tmp_path, changes) is Severity.MEDIUM
