"""Exposure and context round 3: config files inside chart values, invoke-only grants on public web endpoints,
peers the plan knows, re-pointing replaces and non-production teardowns; each with a look-alike."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.helpers import review_rules_alone, worst_by_rule
from tfreview.pipeline.findings import Severity


def entry(address: str, actions: list[str], before: Any, after: Any, unknown: Any = None) -> dict[str, Any]:
    """One resource_changes entry of `terraform show -json`."""
    kind, name = address.split(".")[-2:]
    return {"address": address, "mode": "managed", "type": kind, "name": name,
            "provider_name": "registry.example.com/acme/acme",
            "change": {"actions": actions, "before": before, "after": after, "after_unknown": unknown or {},
                       "before_sensitive": {}, "after_sensitive": {}}}


def _endpoint(service: dict[str, Any], role: str = "roles/fn.invoker", kind: str = "acme_fn_service",
              name: str = "shop-web") -> list[dict[str, Any]]:
    grant = {"name": name, "role": role, "member": "allUsers"}
    return [entry(f"module.m.{kind}.this", ["create"], None, {"name": name, **service}),
            entry(f"module.m.{kind}_iam_member.public", ["create"], None, grant)]


@pytest.mark.parametrize("kind", ["acme_fn_service", "google_cloud_run_v2_service"])
def test_invoker_for_everyone_on_a_public_web_service_is_medium(tmp_path: Path, kind: str) -> None:
    result = review_rules_alone(tmp_path, _endpoint({"labels": {"tier": "public-web"}}, kind=kind))
    assert worst_by_rule(result).get("iam-public-member") == Severity.MEDIUM
    assert result.label.value == "likely_safe"


@pytest.mark.parametrize(("service", "role", "name"), [
    ({"labels": {"tier": "internal"}}, "roles/fn.invoker", "shop"),  # the service calls itself internal
    ({"labels": {"tier": "public-web"}}, "roles/fn.invoker", "billing-admin"),
    ({"labels": {"tier": "public-web"}}, "roles/fn.viewer", "shop"),  # reads configuration, not only calls it
    ({"labels": {"tier": "public-web"}}, "roles/fn.admin", "shop"),
    ({"labels": {"team": "orders"}}, "roles/fn.invoker", "orders"),  # nothing says public
], ids=["internal", "admin-name", "viewer-role", "admin-role", "silent"])
def test_everyone_on_other_services_or_roles_stays_high(tmp_path: Path, service: dict[str, Any], role: str,
                                                        name: str) -> None:
    result = review_rules_alone(tmp_path, _endpoint(service, role, name=name))
    assert worst_by_rule(result).get("iam-public-member") == Severity.HIGH


def test_invoker_on_a_service_the_plan_does_not_show_stays_high(tmp_path: Path) -> None:
    grant = entry("module.m.acme_fn_service_iam_member.public", ["create"], None,
                  {"name": "shop-web", "role": "roles/fn.invoker", "member": "allUsers"})
    result = review_rules_alone(tmp_path, [grant])
    assert worst_by_rule(result).get("iam-public-member") == Severity.HIGH


def _peering(peer_project: str) -> list[dict[str, Any]]:
    return [entry("acme_network_peering.link", ["create"], None,
                  {"name": "link", "network": "projects/north-prod-314/global/networks/main",
                   "peer_network": f"projects/{peer_project}/global/networks/shared"})]


def test_peer_project_named_like_the_plans_own_is_medium(tmp_path: Path) -> None:
    result = review_rules_alone(tmp_path, _peering("north-shared-201"))
    assert worst_by_rule(result).get("foreign-network-link") == Severity.MEDIUM
    assert result.label.value == "likely_safe"


def test_peer_project_the_plan_reads_as_a_data_source_is_quiet(tmp_path: Path) -> None:
    data = {"address": "data.acme_network.shared", "mode": "data", "type": "acme_network", "name": "shared",
            "expressions": {"project": {"constant_value": "tools-hub-9"}}}
    result = review_rules_alone(tmp_path, _peering("tools-hub-9"),
                                configuration={"root_module": {"resources": [data]}})
    assert "foreign-network-link" not in worst_by_rule(result)


@pytest.mark.parametrize("peer", ["vendorbi-net-77", "northwind-shared-1"], ids=["other-org", "prefix-only-substring"])
def test_peer_project_the_plan_never_mentions_stays_high(tmp_path: Path, peer: str) -> None:
    result = review_rules_alone(tmp_path, _peering(peer))
    assert worst_by_rule(result).get("foreign-network-link") == Severity.HIGH
