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


# --- routing integrity -----------------------------------------------------------------------------------------------

def _group(imports: list[str], limit: int | None) -> dict[str, Any]:
    family = [{"nlri_type": "unicast", "prefix_limit": [{"maximum": limit, "teardown": 80}] if limit else []}]
    return {"name": "customers-v4", "type": "external", "import": imports, "family_inet": family}


def test_a_bgp_group_losing_its_import_policy_or_prefix_limit_is_high(tmp_path: Path) -> None:
    for after in (_group([], 500), _group(["CUST-IN-FILTER"], None)):
        group = resource("junos_bgp_group.customers_v4", after, _group(["CUST-IN-FILTER"], 500))
        assert judge(tmp_path, [group]).get("route-filter-removed") is Severity.HIGH


def test_a_bgp_group_whose_limit_rises_or_policy_is_swapped_says_nothing(tmp_path: Path) -> None:
    for after in (_group(["CUST-IN-FILTER"], 2000), _group(["CUST-IN-FILTER-V2", "RPKI-REJECT-INVALID"], 500)):
        group = resource("junos_bgp_group.customers_v4", after, _group(["CUST-IN-FILTER"], 500))
        assert "route-filter-removed" not in judge(tmp_path, [group])


RPL_FILTERED = ("route-policy CUST-IN\n  if destination in PS-CUST and validation-state is not invalid then\n"
                "    pass\n  else\n    drop\n  endif\nend-policy\n")


def test_a_route_policy_rewritten_to_pass_everything_is_high(tmp_path: Path) -> None:
    bare = "route-policy CUST-IN\n  set local-preference 200\n  pass\nend-policy\n"
    policy = resource("iosxr_route_policy.cust_in", {"name": "CUST-IN", "rpl": bare}, {"name": "CUST-IN",
                      "rpl": RPL_FILTERED})
    assert judge(tmp_path, [policy]).get("route-filter-removed") is Severity.HIGH


def test_a_route_policy_that_keeps_its_conditions_says_nothing(tmp_path: Path) -> None:
    tuned = RPL_FILTERED.replace("    pass\n", "    set local-preference 200\n    pass\n")
    policy = resource("iosxr_route_policy.cust_in", {"name": "CUST-IN", "rpl": tuned}, {"name": "CUST-IN",
                      "rpl": RPL_FILTERED})
    assert "route-filter-removed" not in judge(tmp_path, [policy])


def _statement(terms: list[dict[str, Any]], default: list[dict[str, Any]]) -> dict[str, Any]:
    return {"name": "EXPORT-TRANSIT", "term": terms, "then": default}


OWN = {"name": "own", "from": [{"prefix_list": ["PL-AGG"]}], "then": [{"action": "accept"}]}
REJECT = {"name": "reject-rest", "from": [], "then": [{"action": "reject"}]}


def test_an_export_policy_given_a_default_accept_is_high_and_a_new_conditioned_term_is_not(tmp_path: Path) -> None:
    before = _statement([OWN, REJECT], [])
    leak = resource("junos_policyoptions_policy_statement.export", _statement([OWN], [{"action": "accept"}]), before)
    assert judge(tmp_path, [leak]).get("route-filter-removed") is Severity.HIGH
    customers = {"name": "customers", "from": [{"community": ["CUST-ROUTES"]}], "then": [{"action": "accept"}]}
    grown = resource("junos_policyoptions_policy_statement.export", _statement([OWN, customers, REJECT], []), before)
    assert "route-filter-removed" not in judge(tmp_path, [grown])


def test_a_session_created_with_every_filter_off_is_high_and_with_them_on_says_nothing(tmp_path: Path) -> None:
    values = {"neighbor_ip": "185.1.166.94", "peer_asn": 213871}
    off = {**values, "irr_filtering": "off", "rpki_validation": "disabled", "max_prefix_v4": 0}
    on = {**values, "irr_filtering": "strict", "rpki_validation": "reject-invalid", "max_prefix_v4": 200}
    assert judge(tmp_path, [resource("peerlane_route_server_session.member", off)]).get("route-filter-removed") \
        is Severity.HIGH
    assert "route-filter-removed" not in judge(tmp_path, [resource("peerlane_route_server_session.member", on)])


# --- context: authoritative DNS, shared-volume cluster members, allow-list entries, newer kinds -----------------------

def _dns_firewall(name: str, tags: list[str]) -> dict[str, Any]:
    return resource(f"google_compute_firewall.{name}", {
        "name": name, "direction": "INGRESS", "source_ranges": ["0.0.0.0/0"], "target_tags": tags,
        "allow": [{"protocol": "udp", "ports": ["53"]}]})


def test_port_53_open_for_an_authoritative_server_is_medium_and_for_a_resolver_high(tmp_path: Path) -> None:
    assert judge(tmp_path, [_dns_firewall("allow-dns-authoritative", ["authoritative-ns"])]).get(
        "network-open-ingress") is Severity.MEDIUM
    assert judge(tmp_path, [_dns_firewall("allow-dns", ["recursive-resolver"])]).get(
        "network-open-ingress") is Severity.HIGH


def test_an_aurora_member_replaced_by_a_new_member_of_the_same_cluster_is_medium(tmp_path: Path) -> None:
    old = {"identifier": "portal-reader-1", "cluster_identifier": "portal-db", "instance_class": "db.r6g.large"}
    new = {"identifier": "portal-reader-g1", "cluster_identifier": "portal-db", "instance_class": "db.r7g.large"}
    gone = resource("aws_rds_cluster_instance.reader", None, old, actions=["delete"])
    assert judge(tmp_path, [gone, resource("aws_rds_cluster_instance.reader_g", new)]).get("resource-delete") \
        is Severity.MEDIUM
    other = {**new, "cluster_identifier": "reports-db"}
    assert judge(tmp_path, [gone, resource("aws_rds_cluster_instance.reader_g", other)]).get("resource-delete") \
        is Severity.HIGH


def test_an_origin_access_identity_handed_to_its_newer_kind_is_medium_and_alone_high(tmp_path: Path) -> None:
    oai = {"id": "E2Q7HX0LBM4K1Z", "iam_arn": "arn:aws:iam::cloudfront:user/CloudFront Origin Access Identity "
           "E2Q7HX0LBM4K1Z", "comment": "media"}
    old_policy = ('{"Statement":[{"Effect":"Allow","Principal":{"AWS":"' + oai["iam_arn"]
                  + '"},"Action":"s3:GetObject"}]}')
    new_policy = '{"Statement":[{"Effect":"Allow","Principal":{"Service":"cloudfront.amazonaws.com"}}]}'
    deleted = resource("aws_cloudfront_origin_access_identity.media", None, oai, actions=["delete"])
    policy = resource("aws_s3_bucket_policy.media", {"bucket": "media", "policy": new_policy},
                      {"bucket": "media", "policy": old_policy})
    control = resource("aws_cloudfront_origin_access_control.media", {"name": "media", "signing_behavior": "always"})
    assert judge(tmp_path, [deleted, policy, control]).get("resource-delete") is Severity.MEDIUM
    assert judge(tmp_path, [deleted, control]).get("resource-delete") is Severity.HIGH


def test_a_database_subnet_group_deleted_is_medium(tmp_path: Path) -> None:
    group = resource("aws_db_subnet_group.sandbox", None, {"name": "sbx-mkhan", "subnet_ids": ["subnet-0a12"]},
                     actions=["delete"])
    assert judge(tmp_path, [group]).get("resource-delete") is Severity.MEDIUM


def _namespace(name: str, env: str) -> dict[str, Any]:
    return resource("kubernetes_namespace_v1.app", None, {"id": name, "metadata": [{"name": name,
                    "labels": {"env": env}}]}, actions=["delete"])


def test_a_namespace_whose_name_and_label_say_staging_is_medium_and_a_label_alone_high(tmp_path: Path) -> None:
    assert judge(tmp_path, [_namespace("countdown-staging", "staging")]).get("resource-delete") is Severity.MEDIUM
    assert judge(tmp_path, [_namespace("payments", "staging")]).get("resource-delete") is Severity.HIGH


def test_a_kept_object_with_the_deleted_ones_own_id_is_no_twin(tmp_path: Path) -> None:
    values = {"id": "BPR_kwDOKKEST", "repository_id": "R_kgDOKkest", "pattern": "main", "enforce_admins": True}
    gone = resource('module.repo["kestrel"].github_branch_protection.main', None, values, actions=["delete"])
    same = resource('module.repo["kestrel-cli"].github_branch_protection.main', values, values, actions=["no-op"])
    assert judge(tmp_path, [gone, same]).get("resource-delete") is Severity.HIGH


def _sip_rule(sources: list[str]) -> dict[str, Any]:
    return {"name": "sip-in", "direction": "Inbound", "access": "Allow", "protocol": "Udp",
            "destination_port_range": "5060-5080", "source_address_prefix": None if sources else "Internet",
            "source_address_prefixes": sources}


def test_a_voice_port_that_had_an_allow_list_opened_to_all_is_high_and_a_new_one_medium(tmp_path: Path) -> None:
    opened = resource("azurerm_network_security_rule.sip_in", _sip_rule([]), _sip_rule(["194.60.112.0/24"]))
    assert judge(tmp_path, [opened]).get("network-open-ingress") is Severity.HIGH
    new = resource("azurerm_network_security_rule.sip_in", _sip_rule([]))
    assert judge(tmp_path, [new]).get("network-open-ingress") is Severity.MEDIUM


# --- set 67-70 principles: read-only policies, admin levels, enforcement lists, holds, isolation ----------------------

def _policy(name: str, paths: dict[str, str]) -> str:
    return "".join(f'path "{p}" {{\n  capabilities = {caps}\n}}\n' for p, caps in paths.items())


def test_a_read_only_named_policy_that_gains_writes_is_high_and_an_app_policy_is_not(tmp_path: Path) -> None:
    reads = {"kv/data/noc/*": '["read", "list"]'}
    writes = {**reads, "kv/data/li/*": '["create", "update"]'}
    ro = resource("vault_policy.noc_readonly", {"name": "noc-readonly", "policy": _policy("", writes)},
                  {"name": "noc-readonly", "policy": _policy("", reads)})
    assert judge(tmp_path, [ro]).get("iam-privileged-role") is Severity.HIGH
    app = resource("vault_policy.billing", {"name": "billing-app", "policy": _policy("", writes)},
                   {"name": "billing-app", "policy": _policy("", reads)})
    assert "iam-privileged-role" not in judge(tmp_path, [app])
    renew = {**reads, "auth/token/renew-self": '["update"]', "transit/decrypt/reports": '["update"]'}
    self_service = resource("vault_policy.noc_readonly", {"name": "noc-readonly", "policy": _policy("", renew)},
                            {"name": "noc-readonly", "policy": _policy("", reads)})
    assert "iam-privileged-role" not in judge(tmp_path, [self_service])


def test_an_association_raised_to_administrator_is_high_and_to_operator_says_nothing(tmp_path: Path) -> None:
    for level, expected in (("Administrator", Severity.HIGH), ("Operator", None)):
        association = resource('hpcsched_association.user["gst-1"]', {"user": "gst-1", "admin_level": level},
                               {"user": "gst-1", "admin_level": "None"})
        assert judge(tmp_path, [association]).get("iam-privileged-role") is expected, level


def test_a_list_of_what_is_enforced_emptied_is_high_and_trimmed_says_nothing(tmp_path: Path) -> None:
    before = {"cluster_name": "raven", "accounting_storage_enforce": ["associations", "limits", "qos", "safe"]}
    emptied = resource("hpcsched_cluster_config.raven", {**before, "accounting_storage_enforce": []}, before)
    assert judge(tmp_path, [emptied]).get("protection-disabled") is Severity.HIGH
    grown = resource("hpcsched_cluster_config.raven", {**before, "accounting_storage_enforce": [
        "associations", "limits", "qos", "safe", "nojobs"]}, before)
    assert "protection-disabled" not in judge(tmp_path, [grown])


def test_a_legal_hold_released_is_high_and_placed_says_nothing(tmp_path: Path) -> None:
    released = resource("rdmhub_dataset.trial", {"name": "trial", "legal_hold": False},
                        {"name": "trial", "legal_hold": True})
    assert judge(tmp_path, [released]).get("protection-disabled") is Severity.HIGH
    placed = resource("rdmhub_dataset.trial", {"name": "trial", "legal_hold": True},
                      {"name": "trial", "legal_hold": False})
    assert "protection-disabled" not in judge(tmp_path, [placed])


def test_point_to_point_encryption_off_is_high(tmp_path: Path) -> None:
    profile = resource("tillwave_payment_profile.franchise", {"name": "franchise", "p2pe_enabled": False},
                       {"name": "franchise", "p2pe_enabled": True})
    assert judge(tmp_path, [profile]).get("encryption-disabled") is Severity.HIGH


def test_client_isolation_switched_off_is_high_and_on_says_nothing(tmp_path: Path) -> None:
    off = resource("storemesh_site_template.standard", {"name": "std", "guest_wifi_isolated": False},
                   {"name": "std", "guest_wifi_isolated": True})
    assert judge(tmp_path, [off]).get("segments-joined") is Severity.HIGH
    on = resource("storemesh_site_template.standard", {"name": "std", "guest_wifi_isolated": True},
                  {"name": "std", "guest_wifi_isolated": False})
    assert "segments-joined" not in judge(tmp_path, [on])


def _netpol(name: str, ingress: list[dict[str, Any]]) -> dict[str, Any]:
    return {"metadata": [{"name": name, "namespace": "payments"}],
            "spec": [{"pod_selector": [{}], "policy_types": ["Ingress"], "ingress": ingress}]}


def test_a_default_deny_handed_to_a_policy_admitting_the_whole_cluster_stays_high(tmp_path: Path) -> None:
    deny = resource("kubernetes_network_policy_v1.default_deny", None, _netpol("default-deny", []),
                    actions=["delete"])
    everyone = resource("kubernetes_network_policy_v1.allow",
                        _netpol("allow", [{"from": [{"namespace_selector": [{}]}]}]))
    assert judge(tmp_path, [deny, everyone]).get("resource-delete") is Severity.HIGH


def test_a_secret_named_entry_of_a_plain_kind_with_a_literal_is_high_and_a_plain_setting_is_not(tmp_path: Path) -> None:
    key = resource("aws_ssm_parameter.gateway_key", {"name": "/pos/payments/gateway_merchant_key", "type": "String",
                                                     "value": "mk_live_FAKE_51Hx9QeT2vN8bR4cY7"})
    assert judge(tmp_path, [key]).get("variable-unmasked") is Severity.HIGH
    footer = resource("aws_ssm_parameter.footer", {"name": "/pos/receipt/footer_text", "type": "String",
                                                   "value": "Thank you for shopping with us"})
    assert "variable-unmasked" not in judge(tmp_path, [footer])


def _tag_ruleset(rules: dict[str, Any], actors: list[dict[str, Any]]) -> dict[str, Any]:
    return {"name": "release-tags", "target": "tag", "enforcement": "active", "rules": [rules],
            "bypass_actors": actors}


def test_a_bypass_added_to_a_ruleset_that_requires_signed_tags_is_high(tmp_path: Path) -> None:
    admin = {"actor_id": 2, "actor_type": "RepositoryRole", "bypass_mode": "pull_request"}
    app = {"actor_id": 912847, "actor_type": "Integration", "bypass_mode": "always"}
    guarded = {"deletion": True, "update": True, "non_fast_forward": True, "required_signatures": True}
    ruleset = resource("github_repository_ruleset.tags", _tag_ruleset(guarded, [admin, app]),
                       _tag_ruleset(guarded, [admin]))
    assert judge(tmp_path, [ruleset]).get("protection-disabled") is Severity.HIGH
    deletion_only = {"creation": True, "deletion": True, "update": True, "required_signatures": False}
    quiet = resource("github_repository_ruleset.tags", _tag_ruleset(deletion_only, [admin, app]),
                     _tag_ruleset(deletion_only, [admin]))
    assert "protection-disabled" not in judge(tmp_path, [quiet])


def _tailnet(dst_vendor: list[str], admins_dst: list[str]) -> str:
    import json
    return json.dumps({"tagOwners": {"tag:vendor-hvac": ["group:facilities"]},
                       "acls": [{"action": "accept", "src": ["group:admins"], "dst": admins_dst},
                                {"action": "accept", "src": ["tag:vendor-hvac"], "dst": dst_vendor}]})


def test_a_tag_newly_reaching_every_machine_is_high_and_an_admin_group_is_not(tmp_path: Path) -> None:
    before = {"acl": _tailnet(["tag:bms:47808"], ["tag:pos:22"])}
    tag = resource("tailscale_acl.tailnet", {"acl": _tailnet(["*:*"], ["tag:pos:22"])}, before)
    assert judge(tmp_path, [tag]).get("iam-privileged-role") is Severity.HIGH
    admins = resource("tailscale_acl.tailnet", {"acl": _tailnet(["tag:bms:47808"], ["*:*"])}, before)
    assert "iam-privileged-role" not in judge(tmp_path, [admins])


def test_a_nat_address_swapped_in_an_entry_whose_unset_alternative_stays_unset_is_medium(tmp_path: Path) -> None:
    old = {"project_id": "p1", "cidr_block": "34.202.118.17/32", "ip_address": "", "id": "ZW50cnk9"}
    for new_cidr, expected in (("44.219.37.206/32", Severity.MEDIUM), ("44.219.0.0/16", Severity.HIGH)):
        entry = resource("mongodbatlas_project_ip_access_list.nat_a",
                         {"project_id": "p1", "cidr_block": new_cidr, "ip_address": None, "id": None}, old,
                         unknown={"ip_address": True, "id": True}, actions=["delete", "create"])
        assert judge(tmp_path, [entry]).get("resource-replace") is expected, new_cidr


# --- an object joining two tenants' own identifiers -------------------------------------------------------------------

def _vlans() -> list[dict[str, Any]]:
    return [resource(f'module.ix_customers.peerlane_vlan.private["{t}"]', v, v, actions=["no-op"])
            for t, v in (("brightwave", {"name": "pvlan-brightwave", "id": "vl_8Kx2"}),
                         ("orbit", {"name": "pvlan-orbit", "id": "vl_5Tz1"}))]


def test_a_tenant_port_moved_onto_another_tenants_private_vlan_is_high(tmp_path: Path) -> None:
    port = resource('module.ix_customers.peerlane_vlan_attachment.port["orbit"]',
                    {"port_id": "pt_C07", "vlan_id": "vl_8Kx2"}, {"port_id": "pt_C07", "vlan_id": "vl_5Tz1"})
    assert judge(tmp_path, [*_vlans(), port]).get("tenant-crossed") is Severity.HIGH


def test_a_tenant_port_moved_to_a_new_vlan_of_its_own_says_nothing(tmp_path: Path) -> None:
    port = resource('module.ix_customers.peerlane_vlan_attachment.port["orbit"]',
                    {"port_id": "pt_C07", "vlan_id": "vl_9Zz9"}, {"port_id": "pt_C07", "vlan_id": "vl_5Tz1"})
    assert "tenant-crossed" not in judge(tmp_path, [*_vlans(), port])


def _tgw_routes() -> list[dict[str, Any]]:
    return [resource(f'aws_ec2_transit_gateway_route.tenant_local["{t}"]', v, v, actions=["no-op"])
            for t, v in (("brightwave", {"destination_cidr_block": "10.88.0.0/16",
                                         "transit_gateway_attachment_id": "tgw-attach-0b8e1c2d",
                                         "transit_gateway_route_table_id": "tgw-rtb-0a1b2c3d"}),
                         ("kelpie", {"destination_cidr_block": "10.91.0.0/16",
                                     "transit_gateway_attachment_id": "tgw-attach-0d3f1a2b",
                                     "transit_gateway_route_table_id": "tgw-rtb-0c2d3e4f"}))]


def test_a_route_from_one_tenants_table_to_anothers_network_is_high(tmp_path: Path) -> None:
    route = resource("aws_ec2_transit_gateway_route.shared_svc", {
        "destination_cidr_block": "10.88.0.0/16", "transit_gateway_attachment_id": "tgw-attach-0b8e1c2d",
        "transit_gateway_route_table_id": "tgw-rtb-0c2d3e4f"})
    assert judge(tmp_path, [*_tgw_routes(), route]).get("tenant-crossed") is Severity.HIGH


def test_a_route_from_the_shared_table_to_one_tenant_says_nothing(tmp_path: Path) -> None:
    route = resource("aws_ec2_transit_gateway_route.shared_to_brightwave", {
        "destination_cidr_block": "10.88.0.0/16", "transit_gateway_attachment_id": "tgw-attach-0b8e1c2d",
        "transit_gateway_route_table_id": "tgw-rtb-0f0f0f0f"})
    assert "tenant-crossed" not in judge(tmp_path, [*_tgw_routes(), route])


def test_two_tenants_newly_pointing_at_one_shared_object_say_nothing(tmp_path: Path) -> None:
    members = [resource(f'module.tenant_stack["{t}"].github_team_membership.oncall["kmurata"]',
                        {"team_id": "4410271", "username": "kmurata", "role": "member"}) for t in ("eu2", "us1")]
    assert "tenant-crossed" not in judge(tmp_path, members)


def test_a_global_table_homed_outside_europe_given_another_replica_is_not_residency(tmp_path: Path) -> None:
    def table(regions: list[str]) -> dict[str, Any]:
        return {"name": "itineraries", "arn": "arn:aws:dynamodb:us-east-1:318826410273:table/itineraries",
                "replica": [{"region_name": r} for r in regions]}
    grown = resource("aws_dynamodb_table.itineraries", table(["eu-west-1", "ap-southeast-1"]), table(["eu-west-1"]))
    assert "residency-left" not in judge(tmp_path, [grown])
    european = {**table(["eu-central-1"]), "arn": "arn:aws:dynamodb:eu-west-1:318826410273:table/itineraries"}
    moved = resource("aws_dynamodb_table.itineraries", {**european, "replica": [{"region_name": "us-east-1"}]},
                     european)
    assert judge(tmp_path, [moved]).get("residency-left") is Severity.HIGH


# --- an AWS key pair under names that do not say secret ------------------------------------------------------------

def _lambda_env(variables: dict[str, str]) -> dict[str, Any]:
    return resource("aws_lambda_function.notifier", {"function_name": "notifier",
                    "environment": [{"variables": variables}]}, {"function_name": "notifier", "environment": []})


def test_the_secret_beside_an_access_key_id_is_masked_and_reported(tmp_path: Path) -> None:
    from tfreview.pipeline.mask import mask_document
    secret = "r8Vw2kQz+Lm4Tn7Yp1Xb9Hd3Fg6Js0Ka5Ce8Uq2W"
    change = _lambda_env({"UPLOAD_KEY_ID": "AKIAQ7HBX2LABN0V3FZE", "UPLOAD_KEY": secret})
    document = {"format_version": "1.2", "resource_changes": [change]}
    mask_document(document)
    assert secret not in str(document)
    assert judge(tmp_path, [_lambda_env({"UPLOAD_KEY_ID": "AKIAQ7HBX2LABN0V3FZE", "UPLOAD_KEY": secret})]).get(
        "credential-in-plan") is Severity.HIGH


def test_a_commit_digest_beside_an_access_key_id_is_no_secret(tmp_path: Path) -> None:
    from tfreview.pipeline.mask import mask_document
    digest = "9fceb02d0ae598e95dc970b74767f19372d61af8"
    change = _lambda_env({"BUILD_COMMIT": digest, "UPLOAD_KEY_ID": "AKIAQ7HBX2LABN0V3FZE"})
    document = {"format_version": "1.2", "resource_changes": [change]}
    mask_document(document)
    assert digest in str(document)


# --- second wave (73-75) principles ---------------------------------------------------------------------------------

def test_an_auto_scaling_group_tagged_dev_by_its_tag_blocks_is_non_production(tmp_path: Path) -> None:
    def group(env: str) -> dict[str, Any]:
        return resource("aws_autoscaling_group.qc", None, {"name": "qc-proto", "max_size": 2, "tag": [
            {"key": "Environment", "value": env, "propagate_at_launch": True}]}, actions=["delete"])
    assert judge(tmp_path, [group("dev")]).get("resource-delete") is Severity.MEDIUM
    assert judge(tmp_path, [group("prod")]).get("resource-delete") is Severity.HIGH


def test_an_import_that_only_shortens_reauthentication_is_medium(tmp_path: Path) -> None:
    def rule(frequency: str) -> dict[str, Any]:
        return {"name": "eln", "re_authentication_frequency": frequency, "factor_mode": "2FA"}
    for after, expected in (("PT2H", Severity.MEDIUM), ("PT72H", Severity.HIGH)):
        imported = resource("okta_app_signon_policy_rule.eln", rule(after), rule("PT12H"))
        imported["change"]["importing"] = {"id": "rst9/0pr4"}
        assert judge(tmp_path, [imported]).get("import-with-changes") is expected, after


def _bucket_policy(resource_arn: str) -> dict[str, Any]:
    import json
    statement = {"Sid": "VendorDrop", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::492837165034:root"},
                 "Action": ["s3:PutObject"], "Resource": resource_arn}
    return resource("aws_s3_bucket_policy.b", {"bucket": "b", "policy": json.dumps(
        {"Version": "2012-10-17", "Statement": [statement]})})


def test_another_account_writing_what_devices_install_is_high_and_logs_medium(tmp_path: Path) -> None:
    assert judge(tmp_path, [_bucket_policy("arn:aws:s3:::nvp-rtu-firmware/releases/*")]).get(
        "iam-public-member") is Severity.HIGH
    assert judge(tmp_path, [_bucket_policy("arn:aws:s3:::org-central-logs/AWSLogs/*")]).get(
        "iam-public-member") is Severity.MEDIUM


def _ilm(age: str) -> dict[str, Any]:
    return {"name": "cip-security", "delete": [{"min_age": age, "delete": [{}]}]}


def test_an_index_lifecycle_deleting_after_a_week_instead_of_years_is_high(tmp_path: Path) -> None:
    cut = resource("elasticstack_elasticsearch_index_lifecycle.cip", _ilm("7d"), _ilm("2557d"))
    assert judge(tmp_path, [cut]).get("backup-reduced") is Severity.HIGH
    tuned = resource("elasticstack_elasticsearch_index_lifecycle.cip", _ilm("60d"), _ilm("90d"))
    assert "backup-reduced" not in judge(tmp_path, [tuned])


def _selection(resources: list[str]) -> dict[str, Any]:
    return {"name": "gxp", "plan_id": "p1", "iam_role_arn": "arn:aws:iam::1:role/backup", "resources": resources}


LIMS = "arn:aws:rds:us-east-1:318826410273:db:lims-prod"
ELN = "arn:aws:rds:us-east-1:318826410273:db:eln-prod"


def test_a_backup_selection_dropping_databases_nothing_else_selects_is_high(tmp_path: Path) -> None:
    narrowed = resource("aws_backup_selection.gxp", _selection([ELN]), _selection([LIMS, ELN]))
    assert judge(tmp_path, [narrowed]).get("backup-reduced") is Severity.HIGH


def test_a_backup_selection_dropping_one_another_selection_takes_or_the_plan_deletes_says_nothing(
        tmp_path: Path) -> None:
    narrowed = resource("aws_backup_selection.gxp", _selection([ELN]), _selection([LIMS, ELN]))
    other = resource("aws_backup_selection.lims", _selection([LIMS]))
    assert "backup-reduced" not in judge(tmp_path, [narrowed, other])
    gone = resource("aws_db_instance.lims", None, {"identifier": "lims-prod", "arn": LIMS, "skip_final_snapshot": False,
                                                   "final_snapshot_identifier": "lims-final"}, actions=["delete"])
    assert "backup-reduced" not in judge(tmp_path, [narrowed, gone])


def _link(access: str, expires: str) -> dict[str, Any]:
    return resource("cryostore_share_link.ucsd", {"vault_id": "vlt-7c21", "access": access, "expires_in": expires,
                                                  "permissions": ["read"], "prefix": "/manifests"})


def test_a_share_link_for_anyone_that_never_expires_is_high_a_weeks_medium_a_named_ones_quiet(
        tmp_path: Path) -> None:
    assert judge(tmp_path, [_link("anonymous", "0")]).get("public-access") is Severity.HIGH
    assert judge(tmp_path, [_link("anonymous", "7d")]).get("public-access") is Severity.MEDIUM
    assert "public-access" not in judge(tmp_path, [_link("named_users", "0")])


def _trail(kinds: list[str], signatures: bool) -> dict[str, Any]:
    return {"workspace": "qc", "entity_types": kinds, "esignature_required": signatures}


def test_an_audit_trail_cut_to_logins_without_signatures_is_high_and_one_more_kind_quiet(tmp_path: Path) -> None:
    every = ["sample", "batch_record", "result", "specimen", "user_session"]
    cut = resource("helixlims_audit_trail.qc", _trail(["user_session"], False), _trail(every, True))
    assert judge(tmp_path, [cut]).get("logging-disabled") is Severity.HIGH
    grown = resource("helixlims_audit_trail.qc", _trail([*every, "instrument"], True), _trail(every, True))
    assert "logging-disabled" not in judge(tmp_path, [grown])


def _mapping(rules: str, roles: list[str]) -> dict[str, Any]:
    return {"name": "sre-admins", "enabled": True, "roles": roles, "rules": rules}


ANY_USER = '{"any":[{"field":{"username":"*"}},{"field":{"groups":"sre-admins"}}]}'
SSO_GROUP = '{"all":[{"field":{"realm.name":"okta-saml"}},{"field":{"groups":"sre-admins"}}]}'


def test_a_role_mapping_that_matches_every_user_is_high_for_superuser_and_medium_otherwise(tmp_path: Path) -> None:
    admin = resource("elasticstack_elasticsearch_security_role_mapping.sre", _mapping(ANY_USER, ["superuser"]),
                     _mapping(SSO_GROUP, ["superuser"]))
    assert judge(tmp_path, [admin]).get("iam-privileged-role") is Severity.HIGH
    viewer = resource("elasticstack_elasticsearch_security_role_mapping.sre", _mapping(ANY_USER, ["viewer"]),
                      _mapping(SSO_GROUP, ["viewer"]))
    assert judge(tmp_path, [viewer]).get("iam-privileged-role") is Severity.MEDIUM
    narrow = '{"all":[{"field":{"username":"*"}},{"field":{"groups":"sre-admins"}}]}'
    scoped = resource("elasticstack_elasticsearch_security_role_mapping.sre", _mapping(narrow, ["superuser"]),
                      _mapping(SSO_GROUP, ["superuser"]))
    assert "iam-privileged-role" not in judge(tmp_path, [scoped])


def _default_route(table_reference: str) -> tuple[dict[str, Any], dict[str, Any]]:
    route = resource("aws_route.ot_default", {"route_table_id": "rtb-0f3e2d1c", "destination_cidr_block": "0.0.0.0/0",
                                              "gateway_id": "igw-0a1b2c3d"})
    configuration = {"root_module": {"resources": [{
        "address": "aws_route.ot_default", "mode": "managed", "type": "aws_route", "name": "ot_default",
        "expressions": {"route_table_id": {"references": [f"{table_reference}.id", table_reference]},
                        "destination_cidr_block": {"constant_value": "0.0.0.0/0"},
                        "gateway_id": {"references": ["aws_internet_gateway.edge.id", "aws_internet_gateway.edge"]}}}]}}
    return route, configuration


def test_a_default_route_to_the_internet_on_an_existing_private_table_is_high(tmp_path: Path) -> None:
    route, configuration = _default_route("aws_route_table.ot_control")
    assert judge(tmp_path, [route], configuration=configuration).get("segments-joined") is Severity.HIGH


def test_a_default_route_on_a_new_public_or_generically_named_table_says_nothing(tmp_path: Path) -> None:
    for name in ("aws_route_table.public", "aws_route_table.this"):
        route, configuration = _default_route(name)
        assert "segments-joined" not in judge(tmp_path, [route], configuration=configuration), name
    route, configuration = _default_route("aws_route_table.lab")
    table = resource("aws_route_table.lab", {"vpc_id": "vpc-1"})
    assert "segments-joined" not in judge(tmp_path, [route, table], configuration=configuration)


def _https_rule(variable: str, value: list[str]) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    rule = resource("aws_security_group_rule.dashboards", {"type": "ingress", "from_port": 443, "to_port": 443,
                                                            "protocol": "tcp", "security_group_id": "sg-07f3"},
                    unknown={"cidr_blocks": True})
    configuration = {"root_module": {"resources": [{
        "address": "aws_security_group_rule.dashboards", "mode": "managed", "type": "aws_security_group_rule",
        "name": "dashboards", "expressions": {"cidr_blocks": {"references": [f"var.{variable}"]},
                                              "from_port": {"constant_value": 443}}}],
        "variables": {variable: {}}}}
    return rule, configuration, {variable: {"value": value}}


def test_an_admin_allow_list_given_the_whole_internet_is_high_even_on_443(tmp_path: Path) -> None:
    rule, configuration, variables = _https_rule("admin_cidrs", ["0.0.0.0/0"])
    assert judge(tmp_path, [rule], configuration=configuration, variables=variables).get(
        "network-open-ingress") is Severity.HIGH


def test_a_generic_allowed_list_or_an_admin_list_of_offices_on_443_says_nothing(tmp_path: Path) -> None:
    for variable, value in (("allowed_cidrs", ["0.0.0.0/0"]), ("admin_cidrs", ["203.0.113.0/24"])):
        rule, configuration, variables = _https_rule(variable, value)
        assert "network-open-ingress" not in judge(tmp_path, [rule], configuration=configuration,
                                                   variables=variables), variable


def _schedule(name: str, state: str, env: str = "prod") -> dict[str, Any]:
    return {"name": name, "schedule_expression": "cron(15 2 * * ? *)", "state": state, "tags": {"Environment": env}}


def test_an_erasure_schedule_switched_off_is_high_and_a_digest_or_a_dev_one_quiet(tmp_path: Path) -> None:
    erasure = resource("aws_cloudwatch_event_rule.dsr", _schedule("prod-dsr-erasure-nightly", "DISABLED"),
                       _schedule("prod-dsr-erasure-nightly", "ENABLED"))
    assert judge(tmp_path, [erasure]).get("protection-disabled") is Severity.HIGH
    digest = resource("aws_cloudwatch_event_rule.digest", _schedule("prod-weekly-digest", "DISABLED"),
                      _schedule("prod-weekly-digest", "ENABLED"))
    dev = resource("aws_cloudwatch_event_rule.dsr", _schedule("dev-dsr-erasure", "DISABLED", "dev"),
                   _schedule("dev-dsr-erasure", "ENABLED", "dev"))
    for change in (digest, dev):
        assert "protection-disabled" not in judge(tmp_path, [change])


def _purge_job(args: list[str]) -> dict[str, Any]:
    container = {"name": "purge", "args": args}
    template = [{"spec": [{"template": [{"spec": [{"container": [container]}]}]}]}]
    return {"metadata": [{"name": "pii-purge", "namespace": "privacy"}],
            "spec": [{"schedule": "0 3 * * *", "job_template": template}]}


def test_a_command_lines_retention_flag_cut_to_zero_is_high_and_a_batch_size_says_nothing(tmp_path: Path) -> None:
    before = _purge_job(["purge", "--table=travellers", "--retention-days=1095", "--batch", "5000"])
    cut = resource("kubernetes_cron_job_v1.pii_purge", _purge_job(["purge", "--table=travellers",
                                                                   "--retention-days=0", "--batch", "5000"]), before)
    assert judge(tmp_path, [cut]).get("backup-reduced") is Severity.HIGH
    smaller = _purge_job(["purge", "--table=travellers", "--retention-days=1095", "--batch", "500"])
    batch = resource("kubernetes_cron_job_v1.pii_purge", smaller, before)
    assert "backup-reduced" not in judge(tmp_path, [batch])


# --- third wave (76-78) principles ----------------------------------------------------------------------------------

def test_an_isolation_policy_moved_from_apply_to_monitor_is_high_and_back_quiet(tmp_path: Path) -> None:
    moved = resource("nutanix_network_security_rule.meddev", {"name": "meddev", "isolation_rule_action": "MONITOR"},
                     {"name": "meddev", "isolation_rule_action": "APPLY"})
    assert judge(tmp_path, [moved]).get("detection-disabled") is Severity.HIGH
    back = resource("nutanix_network_security_rule.meddev", {"name": "meddev", "isolation_rule_action": "APPLY"},
                    {"name": "meddev", "isolation_rule_action": "MONITOR"})
    assert "detection-disabled" not in judge(tmp_path, [back])


def test_cluster_ha_switched_off_is_high(tmp_path: Path) -> None:
    cluster = resource("vsphere_compute_cluster.clinical", {"name": "clinical", "ha_enabled": False},
                       {"name": "clinical", "ha_enabled": True})
    assert judge(tmp_path, [cluster]).get("availability-reduced") is Severity.HIGH


def _web_acl(kind: str) -> dict[str, Any]:
    return {"name": "api", "rule": [{"name": "AWSManagedRulesCommonRuleSet", "priority": 1,
                                     "override_action": [{kind: [{}]}], "action": []}]}


def test_a_managed_rule_group_moved_to_count_is_high_and_to_none_quiet(tmp_path: Path) -> None:
    counted = resource("aws_wafv2_web_acl.api", _web_acl("count"), _web_acl("none"))
    assert judge(tmp_path, [counted]).get("detection-disabled") is Severity.HIGH
    enforced = resource("aws_wafv2_web_acl.api", _web_acl("none"), _web_acl("count"))
    assert "detection-disabled" not in judge(tmp_path, [enforced])


def test_a_dataset_that_never_expired_set_to_expire_in_a_day_is_high(tmp_path: Path) -> None:
    day = {"dataset_id": "export", "default_table_expiration_ms": 86400000}
    never = {"dataset_id": "export", "default_table_expiration_ms": 0}
    dataset = resource("google_bigquery_dataset.export", day, never)
    assert judge(tmp_path, [dataset]).get("lifecycle-expiration") is Severity.HIGH
    longer = resource("google_bigquery_dataset.export", {"dataset_id": "export", "default_table_expiration_ms": 0},
                      {"dataset_id": "export", "default_table_expiration_ms": 86400000})
    assert "lifecycle-expiration" not in judge(tmp_path, [longer])


def _api_key(targets: list[str]) -> dict[str, Any]:
    return {"name": "android", "restrictions": [{"api_targets": [{"service": t} for t in targets]}] if targets else []}


def test_an_api_key_losing_its_restrictions_is_high_and_one_gaining_a_target_quiet(tmp_path: Path) -> None:
    opened = resource("google_apikeys_key.android", _api_key([]), _api_key(["fcmregistrations.googleapis.com"]))
    assert judge(tmp_path, [opened]).get("auth-weakened") is Severity.HIGH
    two = _api_key(["fcmregistrations.googleapis.com", "places.googleapis.com"])
    grown = resource("google_apikeys_key.android", two, _api_key(["fcmregistrations.googleapis.com"]))
    assert "auth-weakened" not in judge(tmp_path, [grown])


def _tailnet_rules(source: str) -> str:
    import json
    return json.dumps({"acls": [{"action": "accept", "src": [source], "dst": ["tag:prod-db:5432"]}]})


def test_a_test_device_reaching_a_production_database_is_high_and_an_sre_group_quiet(tmp_path: Path) -> None:
    before = {"acl": '{"acls": []}'}
    device = resource("tailscale_acl.main", {"acl": _tailnet_rules("tag:test-device")}, before)
    assert judge(tmp_path, [device]).get("iam-privileged-role") is Severity.HIGH
    sre = resource("tailscale_acl.main", {"acl": _tailnet_rules("group:sre")}, before)
    assert "iam-privileged-role" not in judge(tmp_path, [sre])


def _access_block(policy: bool, restrict: bool) -> dict[str, Any]:
    return resource("aws_s3_bucket_public_access_block.templates", {
        "bucket": "templates", "block_public_acls": True, "ignore_public_acls": True,
        "block_public_policy": policy, "restrict_public_buckets": restrict})


def test_block_public_policy_off_with_restrict_on_is_medium_and_both_off_high(tmp_path: Path) -> None:
    assert judge(tmp_path, [_access_block(False, True)]).get("public-bucket") is Severity.MEDIUM
    assert judge(tmp_path, [_access_block(False, False)]).get("public-bucket") is Severity.HIGH


def test_restrict_public_buckets_off_lets_old_public_policies_through_whatever_the_block_says(tmp_path: Path) -> None:
    assert judge(tmp_path, [_access_block(True, False)]).get("public-bucket") is Severity.HIGH


def _storage_rules(write_condition: str) -> dict[str, Any]:
    text = ("rules_version = '2';\nservice firebase.storage {\n  match /b/{bucket}/o {\n"
            "    match /users/{uid}/{allPaths=**} {\n      allow read: if request.auth != null;\n"
            f"      allow write: if {write_condition};\n    }}\n  }}\n}}\n")
    return {"project": "app-prod", "source": [{"files": [{"name": "storage.rules", "content": text}]}]}


def test_firebase_rules_whose_write_stops_asking_who_is_high_and_a_size_limit_quiet(tmp_path: Path) -> None:
    owner = "request.auth != null && request.auth.uid == uid"
    opened = resource("google_firebaserules_ruleset.storage", _storage_rules("request.resource.size < 10485760"),
                      _storage_rules(owner), actions=["create", "delete"])
    assert judge(tmp_path, [opened]).get("public-access") is Severity.HIGH
    limited = resource("google_firebaserules_ruleset.storage", _storage_rules(owner + " && request.resource.size < 1"),
                       _storage_rules(owner), actions=["create", "delete"])
    assert "public-access" not in judge(tmp_path, [limited])
