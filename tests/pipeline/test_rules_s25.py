"""Session 25: tenant isolation and data residency, the family the sealed multi-tenant set (60) showed nothing here
modelled. Each principle holds its risky case and lets its benign look-alike pass."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.pipeline.test_rules_detectors_through_configuration import judge, resource
from tfreview.pipeline.findings import Severity

# --- a tenant's scope widened over its siblings ---------------------------------------------------------------------


def _firewall(tenant: str, ranges: list[str], before: list[str] | None = None) -> dict[str, Any]:
    values = {"name": f"{tenant}-ingress", "network": "shared-vpc", "direction": "INGRESS",
              "allow": [{"protocol": "tcp", "ports": ["443"]}]}
    address = f'module.tenant_net["{tenant}"].google_compute_firewall.tenant_ingress'
    if before is None:
        return resource(address, {**values, "source_ranges": ranges}, {**values, "source_ranges": ranges},
                        actions=["no-op"])
    return resource(address, {**values, "source_ranges": ranges}, {**values, "source_ranges": before})


def test_a_tenant_range_widened_over_a_sibling_tenants_range_is_high(tmp_path: Path) -> None:
    changes = [_firewall("acme", ["10.0.0.0/8"], ["10.64.12.0/24"]), _firewall("globex", ["10.64.26.0/24"])]
    assert judge(tmp_path, changes).get("tenant-crossed") is Severity.HIGH


def test_a_tenant_range_grown_a_little_beside_its_siblings_says_nothing(tmp_path: Path) -> None:
    changes = [_firewall("acme", ["10.64.12.0/23"], ["10.64.12.0/24"]), _firewall("globex", ["10.64.26.0/24"])]
    assert "tenant-crossed" not in judge(tmp_path, changes)


def test_a_tenant_range_grown_256_fold_with_no_sibling_in_the_plan_is_high(tmp_path: Path) -> None:
    assert judge(tmp_path, [_firewall("acme", ["10.0.0.0/8"], ["10.64.12.0/24"])]).get("tenant-crossed") \
        is Severity.HIGH
    assert "tenant-crossed" not in judge(tmp_path, [_firewall("acme", ["10.64.0.0/20"], ["10.64.12.0/24"])])


def _vault(tenant: str, before: str, after: str) -> dict[str, Any]:
    def text(path: str) -> str:
        return f'path "{path}" {{\n  capabilities = ["read", "list"]\n}}\n'
    return resource(f'module.tenant_vault["{tenant}"].vault_policy.app', {"name": f"{tenant}-app",
                    "policy": text(after)}, {"name": f"{tenant}-app", "policy": text(before)})


def test_a_tenant_policy_path_lifted_above_its_own_tenant_is_high(tmp_path: Path) -> None:
    lifted = _vault("acme", "secret/data/tenants/acme/*", "secret/data/tenants/*")
    assert judge(tmp_path, [lifted]).get("tenant-crossed") is Severity.HIGH


def test_a_tenant_policy_path_widened_inside_its_own_tenant_says_nothing(tmp_path: Path) -> None:
    inside = _vault("acme", "secret/data/tenants/acme/app/*", "secret/data/tenants/acme/*")
    assert "tenant-crossed" not in judge(tmp_path, [inside])


def test_an_untenanted_object_widened_is_not_this_rule(tmp_path: Path) -> None:
    values = {"name": "office", "direction": "INGRESS"}
    office = resource("google_compute_firewall.office", {**values, "source_ranges": ["10.0.0.0/8"]},
                      {**values, "source_ranges": ["10.64.12.0/24"]})
    assert "tenant-crossed" not in judge(tmp_path, [office])


# --- a grant across tenants ------------------------------------------------------------------------------------------

KEY = {"id": "khk_01HZX4QW8T2M6ACMEDATA0001", "keyring": "khr_tenant_acme", "algorithm": "AES_256_GCM",
       "labels": {"tenant": "acme"}}


def _grant(grantee: str) -> list[dict[str, Any]]:
    key = resource("module.byok_acme.keyhaven_key.data", KEY, KEY, actions=["no-op"])
    grant = resource('module.byok_acme.keyhaven_key_grant.consumer["analytics"]',
                     {"key_id": KEY["id"], "grantee": grantee, "operations": ["decrypt", "unwrap_key"]})
    return [key, grant]


def test_a_grant_on_one_tenants_key_to_another_tenants_identity_is_high(tmp_path: Path) -> None:
    found = judge(tmp_path, _grant("wid://vendorcloud/tenants/globex/analytics-worker"))
    assert found.get("tenant-crossed") is Severity.HIGH


def test_a_grant_on_a_tenants_key_to_its_own_identity_says_nothing(tmp_path: Path) -> None:
    assert "tenant-crossed" not in judge(tmp_path, _grant("wid://vendorcloud/tenants/acme/analytics-worker"))


def test_a_shared_platform_grant_to_a_tenant_identity_says_nothing(tmp_path: Path) -> None:
    grant = resource("keyhaven_key_grant.platform_logs", {
        "key_id": "khk_platform", "grantee": "wid://vendorcloud/tenants/globex/log-shipper",
        "operations": ["encrypt"], "labels": {"tenant": "shared"}})
    assert "tenant-crossed" not in judge(tmp_path, [grant])


# --- data residency --------------------------------------------------------------------------------------------------

def _cluster(regions: list[str], before: list[str]) -> dict[str, Any]:
    def values(names: list[str]) -> dict[str, Any]:
        return {"name": "tenants-eu", "replication_specs": [{"region_configs": [
            {"region_name": name, "provider_name": "AWS", "priority": 7 - i} for i, name in enumerate(names)]}]}
    return resource("module.atlas_eu.mongodbatlas_advanced_cluster.tenants", values(regions), values(before))


def test_a_european_store_moved_or_replicated_outside_europe_is_high(tmp_path: Path) -> None:
    for regions in (["US_EAST_1"], ["EU_CENTRAL_1", "US_EAST_1"]):
        assert judge(tmp_path, [_cluster(regions, ["EU_CENTRAL_1"])]).get("residency-left") is Severity.HIGH
    account = {"name": "docs", "geo_location": [{"location": "westeurope", "failover_priority": 0}]}
    moved = {"name": "docs", "geo_location": [{"location": "westeurope", "failover_priority": 0},
                                              {"location": "eastus2", "failover_priority": 1}]}
    cosmos = resource("azurerm_cosmosdb_account.docs", moved, account)
    assert judge(tmp_path, [cosmos]).get("residency-left") is Severity.HIGH


def test_a_store_moved_within_europe_into_europe_or_within_the_us_says_nothing(tmp_path: Path) -> None:
    for regions, before in ((["EU_CENTRAL_1", "EU_WEST_1"], ["EU_CENTRAL_1"]), (["EU_WEST_1"], ["US_EAST_1"]),
                            (["US_EAST_1", "US_WEST_2"], ["US_EAST_1"])):
        assert "residency-left" not in judge(tmp_path, [_cluster(regions, before)])
    bucket = resource("google_storage_bucket.reports", {"name": "reports", "location": "EUROPE-WEST4",
                      "storage_class": "NEARLINE"}, {"name": "reports", "location": "EUROPE-WEST4",
                                                     "storage_class": "STANDARD"})
    assert "residency-left" not in judge(tmp_path, [bucket])


# --- link-layer encryption ------------------------------------------------------------------------------------------

def test_macsec_of_a_circuit_switched_off_is_high_and_switched_on_says_nothing(tmp_path: Path) -> None:
    off = resource("linkmesh_interconnect.fra1", {"name": "fra1", "macsec_mode": "off"},
                   {"name": "fra1", "macsec_mode": "must_secure", "macsec_cipher": "GCM_AES_XPN_256"})
    assert judge(tmp_path, [off]).get("tls-downgrade") is Severity.HIGH
    on = resource("linkmesh_interconnect.fra1", {"name": "fra1", "macsec_mode": "must_secure"},
                  {"name": "fra1", "macsec_mode": "should_secure"})
    assert "tls-downgrade" not in judge(tmp_path, [on])
    flag = resource("aws_dx_connection.fra1", {"name": "fra1", "request_macsec": False},
                    {"name": "fra1", "request_macsec": True})
    assert judge(tmp_path, [flag]).get("tls-downgrade") is Severity.HIGH


# --- a WAF skipped for a whole section of the application ------------------------------------------------------------

def _ruleset(expression: str, parameters: dict[str, Any]) -> dict[str, Any]:
    managed = {"action": "execute", "expression": "true", "enabled": True,
               "action_parameters": [{"id": "efb7b8c949ac4650a09736fc376e9aee"}]}
    skip = {"action": "skip", "expression": expression, "enabled": True, "action_parameters": [parameters]}
    return resource("cloudflare_ruleset.waf", {"phase": "http_request_firewall_managed", "rules": [skip, managed]},
                    {"phase": "http_request_firewall_managed", "rules": [managed]})


def test_a_whole_ruleset_skipped_for_the_api_section_is_high(tmp_path: Path) -> None:
    for expression in ('(starts_with(http.request.uri.path, "/api/"))', 'http.request.uri.path contains "/v1/"'):
        found = judge(tmp_path, [_ruleset(expression, {"ruleset": "current"})])
        assert found.get("filter-bypass-all") is Severity.HIGH, expression


def test_a_skip_of_named_rules_of_static_files_or_of_one_endpoint_says_nothing(tmp_path: Path) -> None:
    for expression, parameters in (
            ('(starts_with(http.request.uri.path, "/api/"))', {"rules": {"efb7b8c9": "100015,100016"}}),
            ('(starts_with(http.request.uri.path, "/static/"))', {"ruleset": "current"}),
            ('(http.request.uri.path eq "/webhooks/stripe" and ip.src in $stripe)', {"ruleset": "current"}),
            ('(starts_with(http.request.uri.path, "/api/") and ip.src in {192.0.2.0/24})', {"ruleset": "current"})):
        assert "filter-bypass-all" not in judge(tmp_path, [_ruleset(expression, parameters)]), expression
