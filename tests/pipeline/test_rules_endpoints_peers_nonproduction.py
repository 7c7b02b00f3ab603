"""Exposure and context: config files inside chart values, invoke-only grants on public web endpoints,
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
    module = address.rsplit(".", 2)[0] if address.startswith("module.") else None
    return {"address": address, "mode": "managed", "type": kind, "name": name.split("[")[0],
            **({"module_address": module} if module else {}),
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


@pytest.mark.parametrize(("name", "severity"), [("shop-web", Severity.MEDIUM), ("shop-orders", Severity.HIGH)])
def test_invoker_on_a_service_the_plan_does_not_show_is_read_by_the_name_the_grant_gives(
        tmp_path: Path, name: str, severity: Severity) -> None:
    # the grant's own target name is the evidence left (publicapps.py): a web front is served to everyone by design
    grant = entry("module.m.acme_fn_service_iam_member.public", ["create"], None,
                  {"name": name, "role": "roles/fn.invoker", "member": "allUsers"})
    result = review_rules_alone(tmp_path, [grant])
    assert worst_by_rule(result).get("iam-public-member") == severity


def _peering(peer_project: str, **extra: Any) -> list[dict[str, Any]]:
    return [entry("acme_network_peering.link", ["create"], None,
                  {"name": "link", "network": "projects/north-prod-314/global/networks/main",
                   "peer_network": f"projects/{peer_project}/global/networks/shared", **extra})]


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
def test_peer_project_the_plan_never_mentions_is_reported_and_held_once_it_gets_our_routes(
        tmp_path: Path, peer: str) -> None:
    assert worst_by_rule(review_rules_alone(tmp_path, _peering(peer))).get("foreign-network-link") == Severity.MEDIUM
    result = review_rules_alone(tmp_path, _peering(peer, export_custom_routes=True))
    assert worst_by_rule(result).get("foreign-network-link") == Severity.HIGH


def _replace(address: str, before: dict[str, Any], after: dict[str, Any], paths: list[str],
             first: str = "delete") -> dict[str, Any]:
    item = entry(address, [first, "create"] if first == "delete" else ["create", "delete"], before, after,
                 {"id": True})
    item["change"]["replace_paths"] = [[p] for p in paths]
    item["action_reason"] = "replace_because_cannot_update"
    return item


def _repoint(old_ref: str, kind: str = "acme_listener_cert") -> list[dict[str, Any]]:
    cert = _replace("acme_cert.api", {"id": "cert-old-0451", "domains": ["a.example"]},
                    {"domains": ["a.example", "b.example"]}, ["domains"], first="create")
    follower = _replace(f"{kind}.api", {"id": "lc-1", "listener": "l-1", "cert_ref": old_ref},
                        {"listener": "l-1"}, ["cert_ref"])
    follower["change"]["after_unknown"] = {"id": True, "cert_ref": True}
    return [cert, follower]


def test_replace_forced_only_by_repointing_to_a_recreated_object_is_medium(tmp_path: Path) -> None:
    result = review_rules_alone(tmp_path, _repoint("cert-old-0451"))
    assert worst_by_rule(result).get("resource-replace") == Severity.MEDIUM
    assert result.label.value == "likely_safe"


@pytest.mark.parametrize(("old_ref", "kind"), [("cert-other-9", "acme_listener_cert"),
                                               ("cert-old-0451", "acme_database")],
                         ids=["points-elsewhere", "data-object"])
def test_other_replaces_stay_high(tmp_path: Path, old_ref: str, kind: str) -> None:
    result = review_rules_alone(tmp_path, _repoint(old_ref, kind))
    assert worst_by_rule(result).get("resource-replace") == Severity.HIGH


def _machines(tags: dict[str, str], extra: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    items = []
    for index in range(2):
        before = {"id": f"m-{index}", "name": f"soak-{index}", "tags": tags, "root_disk": [{"size": 20}],
                  **(extra or {})}
        item = entry(f"module.soak.acme_instance.soak[{index}]", ["delete"], before, None)
        item["action_reason"] = "delete_because_count_index"
        items.append(item)
    group = entry("module.soak.acme_security_group.soak", ["delete"], {"id": "sg-1", "name": "soak"}, None)
    group["action_reason"] = "delete_because_no_resource_config"
    return [*items, group]


def test_sandbox_machines_and_their_group_deleted_are_medium(tmp_path: Path) -> None:
    result = review_rules_alone(tmp_path, _machines({"env": "sandbox"}))
    assert worst_by_rule(result).get("resource-delete") == Severity.MEDIUM
    assert result.label.value == "likely_safe"


@pytest.mark.parametrize(("tags", "extra"), [
    ({"env": "prod"}, None),
    ({"env": "sandbox"}, {"data_disk": [{"size": 500}]}),  # a data disk goes with it
    ({"team": "dev-tools"}, None),  # a team name, not an environment
    ({"env": "staging", "Name": "prod-mirror"}, None),
], ids=["prod", "data-disk", "team-word", "prod-in-name"])
def test_other_machine_deletes_stay_high(tmp_path: Path, tags: dict[str, str], extra: dict[str, Any] | None) -> None:
    result = review_rules_alone(tmp_path, _machines(tags, extra))
    assert worst_by_rule(result).get("resource-delete") == Severity.HIGH


@pytest.mark.parametrize(("tags", "label"), [(["staging"], "likely_safe"), (["production"], "needs_close_review"),
                                              ([], "needs_close_review")], ids=["staging", "production", "untagged"])
def test_kubernetes_cluster_of_a_retired_module(tmp_path: Path, tags: list[str], label: str) -> None:
    cluster = entry("module.old.acme_kubernetes_cluster.this", ["delete"],
                    {"id": "k-1", "name": "blue-2024", "tags": tags, "node_pool": [{"size": "s", "count": 2}]}, None)
    balancer = entry("module.old.acme_loadbalancer.this", ["delete"], {"id": "lb-1", "name": "blue-2024-lb"}, None)
    for item in (cluster, balancer):
        item["action_reason"] = "delete_because_no_module"
    result = review_rules_alone(tmp_path, [cluster, balancer])
    assert result.label.value == label


def _release(security: str, ingress: str = "enabled: true\n  className: edge-public") -> list[dict[str, Any]]:
    values = {"name": "search-ui", "chart": "search-ui", "values": [f"ingress:\n  {ingress}\n"],
              "set": [{"name": "uiConfig.ui\\\\.yml", "value": f"engine.security.enabled: {security}", "type": ""}]}
    return [entry("helm_release.ui", ["create"], None, values)]


def test_release_created_with_security_off_behind_a_public_ingress_is_high(tmp_path: Path) -> None:
    result = review_rules_alone(tmp_path, _release("false"))
    assert worst_by_rule(result).get("release-no-auth") == Severity.HIGH


@pytest.mark.parametrize(("security", "ingress"), [
    ("true", "enabled: true\n  className: edge-public"),  # sign-in kept on
    ("false", "enabled: true\n  className: nginx-internal"),  # only reachable inside
    ("false", "enabled: false"),  # no way in from outside
], ids=["security-on", "internal-class", "no-ingress"])
def test_other_new_releases_stay_quiet(tmp_path: Path, security: str, ingress: str) -> None:
    result = review_rules_alone(tmp_path, _release(security, ingress))
    assert "release-no-auth" not in worst_by_rule(result)


def _controller(settings: dict[str, str]) -> list[dict[str, Any]]:
    """An ingress controller release whose `set` values change from the chart defaults to SETTINGS."""
    before = {"name": "ingress", "chart": "ingress-nginx", "set": [
        {"name": "controller.allowSnippetAnnotations", "type": "", "value": "false"},
        {"name": "controller.config.annotations-risk-level", "type": "", "value": "High"}]}
    after = {**before, "set": [{"name": k, "type": "", "value": v} for k, v in settings.items()]}
    return [entry("module.edge.helm_release.ingress", ["update"], before, after)]


@pytest.mark.parametrize("settings", [
    {"controller.allowSnippetAnnotations": "true", "controller.config.annotations-risk-level": "High"},
    {"controller.allowSnippetAnnotations": "false", "controller.config.annotations-risk-level": "Critical"},
], ids=["snippets-allowed", "risk-level-critical"])
def test_tenants_allowed_to_inject_configuration_is_high(tmp_path: Path, settings: dict[str, str]) -> None:
    """Snippet annotations let anyone who can create an Ingress write nginx configuration (CVE-2021-25742)."""
    result = review_rules_alone(tmp_path, _controller(settings))
    assert worst_by_rule(result).get("auth-weakened") == Severity.HIGH


def test_controller_settings_that_keep_tenants_out_stay_quiet(tmp_path: Path) -> None:
    settings = {"controller.allowSnippetAnnotations": "false", "controller.config.annotations-risk-level": "Medium",
                "controller.replicaCount": "3"}
    result = review_rules_alone(tmp_path, _controller(settings))
    assert "auth-weakened" not in worst_by_rule(result)
    assert result.label.value == "likely_safe"
