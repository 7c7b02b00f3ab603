"""Network paths (network-paths set's misses and false alarms), by principle: each risky change, a second risky
one of another provider or shape, and a benign look-alike that stays likely safe."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.helpers import review_rules_alone, worst_by_rule
from tfreview.labels import Label
from tfreview.pipeline.findings import Severity


def entry(address: str, before: Any, after: Any, *, sensitive: Any = None, reason: str | None = None,
          unknown: Any = None, actions: list[str] | None = None) -> dict[str, Any]:
    """One resource change; the provider is taken from the type's first word."""
    kind, name = address.rsplit(".", 1)[0].split(".")[-1], address.rsplit(".", 1)[1]
    if actions is None:
        actions = ["create"] if before is None else ["delete"] if after is None else ["update"]
    body: dict[str, Any] = {"address": address, "mode": "managed", "type": kind, "name": name,
                            "provider_name": f"registry.terraform.io/acme/{kind.split('_')[0]}",
                            "change": {"actions": actions, "before": before, "after": after,
                                       "after_unknown": unknown or {}, "after_sensitive": sensitive or {},
                                       "before_sensitive": {}}}
    if reason:
        body["action_reason"] = reason
    return body


def judged(tmp_path: Path, changes: list[dict[str, Any]], **sections: Any) -> tuple[Label, dict[str, Severity]]:
    result = review_rules_alone(tmp_path, changes, **sections)
    return result.label, worst_by_rule(result)


def config(address: str, expressions: dict[str, Any]) -> dict[str, Any]:
    kind, name = address.split(".")
    return {"configuration": {"root_module": {"resources": [
        {"address": address, "mode": "managed", "type": kind, "name": name, "expressions": expressions}]}}}


# --- a tunnel's pre-shared key written as a literal ---------------------------------------------------------------
def _psk(tmp_path: Path, address: str, attribute: str, literal: str | None) -> tuple[Label, dict[str, Severity]]:
    after = {"name": "to-partner", "remote_gw": "198.51.100.77", attribute: literal or "x"}
    expressions = {"name": {"constant_value": "to-partner"}}
    if literal:
        expressions[attribute] = {"constant_value": literal}
    else:
        expressions[attribute] = {"references": ["random_password.psk.result", "random_password.psk"]}
    return judged(tmp_path, [entry(address, None, after, sensitive={attribute: True})], **config(address, expressions))


def test_vpn_preshared_key_literal_is_high(tmp_path: Path) -> None:
    label, worst = _psk(tmp_path, "aws_vpn_connection.dc", "tunnel1_preshared_key", "Wq7_vN3x.Lp9tR2kZ8mF4sD1")
    assert label is Label.NEEDS_CLOSE_REVIEW and worst.get("secret-in-code") is Severity.HIGH


def test_ipsec_psksecret_literal_is_high(tmp_path: Path) -> None:
    label, worst = _psk(tmp_path, "fortios_vpnipsec_phase1interface.p", "psksecret", "ENC:Zm9yLWxvZ2lzdGljcy0yMDI2")
    assert label is Label.NEEDS_CLOSE_REVIEW and worst.get("secret-in-code") is Severity.HIGH


def test_preshared_key_from_a_generated_password_stays_safe(tmp_path: Path) -> None:
    label, worst = _psk(tmp_path, "aws_vpn_connection.dc", "tunnel1_preshared_key", None)
    assert "secret-in-code" not in worst and label is Label.LIKELY_SAFE


# --- a tainted object re-made with every setting it had -----------------------------------------------------------
ROUTE = {"route_table_id": "rtb-0a9b", "destination_cidr_block": "10.60.0.0/16", "transit_gateway_id": "tgw-0b1c",
         "gateway_id": None}


def test_tainted_route_remade_as_it_was_is_not_high(tmp_path: Path) -> None:
    before = {**ROUTE, "id": "r-rtb-0a9b1", "gateway_id": "", "state": "active"}
    label, worst = judged(tmp_path, [entry("aws_route.shared", before, ROUTE, reason="replace_because_tainted",
                                           unknown={"id": True, "state": True}, actions=["delete", "create"])])
    assert label is Label.LIKELY_SAFE and worst.get("resource-replace") is Severity.MEDIUM


def test_tainted_route_that_changes_target_stays_high(tmp_path: Path) -> None:
    before = {**ROUTE, "id": "r-rtb-0a9b1", "transit_gateway_id": "tgw-0ffe"}
    label, worst = judged(tmp_path, [entry("aws_route.shared", before, ROUTE, reason="replace_because_tainted",
                                           unknown={"id": True}, actions=["delete", "create"])])
    assert label is Label.NEEDS_CLOSE_REVIEW and worst.get("resource-replace") is Severity.HIGH


def test_tainted_database_remade_as_it_was_stays_high(tmp_path: Path) -> None:
    db = {"identifier": "ledger", "engine": "postgres", "instance_class": "db.r6g.large"}
    label, worst = judged(tmp_path, [entry("aws_db_instance.ledger", {**db, "id": "db-1"}, db,
                                           reason="replace_because_tainted", unknown={"id": True},
                                           actions=["delete", "create"])])
    assert label is Label.NEEDS_CLOSE_REVIEW and worst.get("resource-replace") is Severity.HIGH


# --- a protective policy attached by reference is detached --------------------------------------------------------
ARMOR = "projects/p/global/securityPolicies/edge-waf"


def test_armor_policy_detached_from_backend_is_high(tmp_path: Path) -> None:
    label, worst = judged(tmp_path, [entry("google_compute_backend_service.shop",
                                           {"name": "shop", "security_policy": ARMOR, "timeout_sec": 30},
                                           {"name": "shop", "security_policy": "", "timeout_sec": 60})])
    assert label is Label.NEEDS_CLOSE_REVIEW and worst.get("protection-disabled") is Severity.HIGH


def test_endpoint_policy_detached_from_subnet_is_high(tmp_path: Path) -> None:
    label, worst = judged(tmp_path, [entry("azurerm_subnet.etl",
                                           {"name": "etl", "service_endpoint_policy_ids": ["/sep/own-storage"]},
                                           {"name": "etl", "service_endpoint_policy_ids": []})])
    assert label is Label.NEEDS_CLOSE_REVIEW and worst.get("protection-disabled") is Severity.HIGH


def test_security_policy_swapped_for_another_stays_safe(tmp_path: Path) -> None:
    label, worst = judged(tmp_path, [entry("google_compute_backend_service.shop",
                                           {"name": "shop", "security_policy": ARMOR},
                                           {"name": "shop", "security_policy": ARMOR + "-v2"})])
    assert "protection-disabled" not in worst and label is Label.LIKELY_SAFE


# --- a list's polarity flipped from allow-list to deny-list -------------------------------------------------------
def _listed(kind: str, key: str, old: str, new: str) -> dict[str, Any]:
    return entry(kind, {"name": "egress", "rules": [{key: old, "targets": [".example.com"]}]},
                 {"name": "egress", "rules": [{key: new, "targets": [".example.com", ".pastebin.com"]}]})


def test_firewall_allowlist_turned_denylist_is_high(tmp_path: Path) -> None:
    label, worst = judged(tmp_path, [_listed("aws_networkfirewall_rule_group.d", "generated_rules_type",
                                             "ALLOWLIST", "DENYLIST")])
    assert label is Label.NEEDS_CLOSE_REVIEW and worst.get("allowlist-emptied") is Severity.HIGH


def test_geo_whitelist_turned_blacklist_is_high(tmp_path: Path) -> None:
    label, worst = judged(tmp_path, [_listed("nimbus_cdn_geo_filter.g", "restriction_type", "whitelist",
                                             "blacklist")])
    assert label is Label.NEEDS_CLOSE_REVIEW and worst.get("allowlist-emptied") is Severity.HIGH


def test_denylist_turned_allowlist_stays_safe(tmp_path: Path) -> None:
    label, worst = judged(tmp_path, [_listed("aws_networkfirewall_rule_group.d", "generated_rules_type",
                                             "DENYLIST", "ALLOWLIST")])
    assert "allowlist-emptied" not in worst and label is Label.LIKELY_SAFE


# --- a camelCase source key naming the internet by an entity or a tag ---------------------------------------------
def _cnp(entities: list[str]) -> dict[str, Any]:
    manifest = {"apiVersion": "cilium.io/v2", "kind": "CiliumNetworkPolicy", "metadata": {"name": "grpc"},
                "spec": {"endpointSelector": {"matchLabels": {"app": "ledger"}},
                         "ingress": [{"fromEntities": entities,
                                      "toPorts": [{"ports": [{"port": "50051", "protocol": "TCP"}]}]}]}}
    return entry("kubernetes_manifest.grpc", None, {"manifest": manifest})


def test_cilium_ingress_from_world_entity_is_high(tmp_path: Path) -> None:
    label, worst = judged(tmp_path, [_cnp(["world"])])
    assert label is Label.NEEDS_CLOSE_REVIEW and worst.get("network-open-ingress") is Severity.HIGH


def test_camel_case_source_tag_internet_is_high(tmp_path: Path) -> None:
    rule = {"name": "grpc", "direction": "inbound", "allowedSourceTags": ["Internet"], "port": 50051}
    label, worst = judged(tmp_path, [entry("nimbus_firewall_rule.grpc", None, rule)])
    assert label is Label.NEEDS_CLOSE_REVIEW and worst.get("network-open-ingress") is Severity.HIGH


def test_cilium_ingress_from_cluster_entities_stays_safe(tmp_path: Path) -> None:
    label, worst = judged(tmp_path, [_cnp(["cluster", "health", "remote-node"])])
    assert "network-open-ingress" not in worst and label is Label.LIKELY_SAFE


# --- a public address bound to a database machine's network interface ---------------------------------------------
def _nic(address: str, name: str, key: str = "public_ip_address_id") -> dict[str, Any]:
    config = {"name": "ipconfig1", "private_ip_address": "10.121.2.14", "subnet_id": "/subnets/data"}
    return entry(address, {"name": name, "ip_configuration": [{**config, key: None}]},
                 {"name": name, "ip_configuration": [config]}, unknown={"ip_configuration": [{key: True}]})


def test_public_ip_bound_to_sql_nic_is_high(tmp_path: Path) -> None:
    label, worst = judged(tmp_path, [_nic("azurerm_network_interface.sqlag_01", "nic-sqlag-01")])
    assert label is Label.NEEDS_CLOSE_REVIEW and worst.get("public-host") is Severity.HIGH


def test_floating_ip_bound_to_postgres_port_is_high(tmp_path: Path) -> None:
    before = {"name": "pgprimary-port", "floating_ip_id": ""}
    after = {"name": "postgres-primary-port", "floating_ip_id": "fip-42"}
    label, worst = judged(tmp_path, [entry("nimbus_port.postgres", before, after)])
    assert label is Label.NEEDS_CLOSE_REVIEW and worst.get("public-host") is Severity.HIGH


def test_public_ip_bound_to_a_web_nic_stays_safe(tmp_path: Path) -> None:
    label, worst = judged(tmp_path, [_nic("azurerm_network_interface.web_01", "nic-web-01")])
    assert "public-host" not in worst and label is Label.LIKELY_SAFE


# --- every principal admitted to a private service or a grant -----------------------------------------------------
def test_endpoint_service_allowed_principal_star_is_high(tmp_path: Path) -> None:
    label, worst = judged(tmp_path, [entry("aws_vpc_endpoint_service_allowed_principal.p", None,
                                           {"principal_arn": "*", "vpc_endpoint_service_id": "vpce-svc-0a1b"})])
    assert label is Label.NEEDS_CLOSE_REVIEW and worst.get("iam-public-member") is Severity.HIGH


def test_private_link_allowed_principals_gaining_star_is_high(tmp_path: Path) -> None:
    label, worst = judged(tmp_path, [entry("nimbus_private_link_service.api",
                                           {"name": "api", "allowed_principals": ["acct-1"]},
                                           {"name": "api", "allowed_principals": ["acct-1", "*"]})])
    assert label is Label.NEEDS_CLOSE_REVIEW and worst.get("iam-public-member") is Severity.HIGH


def test_one_named_account_allowed_stays_safe(tmp_path: Path) -> None:
    label, worst = judged(tmp_path, [entry("aws_vpc_endpoint_service_allowed_principal.p", None,
                                           {"principal_arn": "arn:aws:iam::630915274418:root",
                                            "vpc_endpoint_service_id": "vpce-svc-0a1b"})])
    assert "iam-public-member" not in worst and label is Label.LIKELY_SAFE


# --- an endpoint's policy opened to any principal on every resource -----------------------------------------------
ORG_ONLY = {"Sid": "Org", "Effect": "Allow", "Principal": "*", "Action": "s3:*", "Resource": "*",
            "Condition": {"StringEquals": {"aws:ResourceOrgID": "o-7k2q"}}}


def _vpce(kind: str, extra: dict[str, Any]) -> dict[str, Any]:
    old = json.dumps({"Version": "2012-10-17", "Statement": [ORG_ONLY]})
    new = json.dumps({"Version": "2012-10-17", "Statement": [ORG_ONLY, extra]})
    return entry(kind, {"vpc_id": "vpc-1", "policy": old}, {"vpc_id": "vpc-1", "policy": new})


def test_endpoint_policy_any_bucket_is_high(tmp_path: Path) -> None:
    extra = {"Sid": "Drop", "Effect": "Allow", "Principal": "*", "Action": ["s3:PutObject"],
             "Resource": "arn:aws:s3:::*/*"}
    label, worst = judged(tmp_path, [_vpce("aws_vpc_endpoint.s3", extra)])
    assert label is Label.NEEDS_CLOSE_REVIEW and worst.get("policy-allows-anyone") is Severity.HIGH


def test_invented_endpoint_policy_resource_star_is_high(tmp_path: Path) -> None:
    extra = {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "dynamodb:*", "Resource": "*"}
    label, worst = judged(tmp_path, [_vpce("nimbus_gateway_endpoint.ddb", extra)])
    assert label is Label.NEEDS_CLOSE_REVIEW and worst.get("policy-allows-anyone") is Severity.HIGH


def test_endpoint_policy_named_repository_buckets_stays_safe(tmp_path: Path) -> None:
    extra = {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
             "Resource": ["arn:aws:s3:::amazonlinux-2023-repos-us-east-1/*"]}
    label, worst = judged(tmp_path, [_vpce("aws_vpc_endpoint.s3", extra)])
    assert "policy-allows-anyone" not in worst and label is Label.LIKELY_SAFE


# --- a new internet route preferred over the route through the firewall -------------------------------------------
NET = "projects/p/global/networks/prod"
VIA_NGFW = {"name": "default-via-ngfw", "network": NET, "dest_range": "0.0.0.0/0", "priority": 900,
            "next_hop_ilb": "projects/p/regions/r/forwardingRules/ngfw-ilb"}


def _gcp_routes(new: dict[str, Any]) -> list[dict[str, Any]]:
    kept = entry("google_compute_route.via_ngfw", VIA_NGFW, VIA_NGFW, actions=["no-op"])
    return [kept, entry("google_compute_route.batch", None, {"network": NET, "dest_range": "0.0.0.0/0", **new})]


def test_preferred_internet_route_past_the_firewall_is_high(tmp_path: Path) -> None:
    label, worst = judged(tmp_path, _gcp_routes({"priority": 100, "tags": ["batch"], "next_hop_gateway":
                                                 "projects/p/global/gateways/default-internet-gateway"}))
    assert label is Label.NEEDS_CLOSE_REVIEW and worst.get("route-bypass") is Severity.HIGH


def test_lower_metric_route_to_internet_past_an_appliance_is_high(tmp_path: Path) -> None:
    old = {"network": "core", "destination": "0.0.0.0/0", "metric": 50, "next_hop_appliance": "fw-01"}
    new = {"network": "core", "destination": "0.0.0.0/0", "metric": 5, "next_hop_type": "Internet"}
    label, worst = judged(tmp_path, [entry("nimbus_route.fw", old, old, actions=["no-op"]),
                                     entry("nimbus_route.direct", None, new)])
    assert label is Label.NEEDS_CLOSE_REVIEW and worst.get("route-bypass") is Severity.HIGH


def test_preferred_route_through_another_firewall_stays_safe(tmp_path: Path) -> None:
    label, worst = judged(tmp_path, _gcp_routes({"priority": 100, "next_hop_ilb": "forwardingRules/ngfw-ilb-b"}))
    assert "route-bypass" not in worst and label is Label.LIKELY_SAFE


def test_less_preferred_internet_route_stays_quiet(tmp_path: Path) -> None:
    _label, worst = judged(tmp_path, _gcp_routes({"priority": 1000, "next_hop_gateway":
                                                  "projects/p/global/gateways/default-internet-gateway"}))
    assert "route-bypass" not in worst


# --- a mesh route through one node ----------------------------------------------------------------------------------
def test_mesh_default_route_via_a_node_is_high(tmp_path: Path) -> None:
    label, worst = judged(tmp_path, [entry("meshnet_route.default", None, {"destination": "0.0.0.0/0",
                                                                           "via_node": "node_7Hc2kQ9"})])
    assert label is Label.NEEDS_CLOSE_REVIEW and worst.get("route-via-host") is Severity.HIGH


def test_mesh_subnet_route_via_a_node_stays_safe(tmp_path: Path) -> None:
    label, worst = judged(tmp_path, [entry("meshnet_route.erp", None, {"destination": "10.140.8.0/24",
                                                                       "via_node": "node_2Lq8vX4"})])
    assert "route-via-host" not in worst and label is Label.LIKELY_SAFE


# --- production linked into a non-production network --------------------------------------------------------------
def test_prod_attachment_propagated_into_dev_table_is_high(tmp_path: Path) -> None:
    after = {"transit_gateway_attachment_id": "tgw-attach-1", "transit_gateway_route_table_id": "tgw-rtb-dev"}
    label, worst = judged(tmp_path, [entry("aws_ec2_transit_gateway_route_table_propagation.prod_to_dev",
                                           None, after)])
    assert label is Label.NEEDS_CLOSE_REVIEW and worst.get("prod-linked-nonprod") is Severity.HIGH


def test_staging_peered_with_prod_is_high(tmp_path: Path) -> None:
    after = {"name": "staging-prod-peering", "remote_virtual_network_id": "/vnets/prod-hub"}
    label, worst = judged(tmp_path, [entry("azurerm_virtual_network_peering.link", None, after)])
    assert label is Label.NEEDS_CLOSE_REVIEW and worst.get("prod-linked-nonprod") is Severity.HIGH


def test_shared_services_propagated_into_dev_stays_safe(tmp_path: Path) -> None:
    after = {"transit_gateway_attachment_id": "tgw-attach-2", "transit_gateway_route_table_id": "tgw-rtb-dev"}
    label, worst = judged(tmp_path, [entry("aws_ec2_transit_gateway_route_table_propagation.shared_to_dev",
                                           None, after)])
    assert "prod-linked-nonprod" not in worst and label is Label.LIKELY_SAFE


# --- private DNS answering for a public domain with an outside address --------------------------------------------
def _private_zone(zone: str, record: str, answer: str) -> list[dict[str, Any]]:
    return [entry("aws_route53_zone.z", None, {"name": zone, "vpc": [{"vpc_id": "vpc-07c5"}]}),
            entry("aws_route53_record.r", None, {"name": record, "type": "A", "records": [answer], "ttl": 300})]


def test_private_zone_answering_github_with_outside_ip_is_high(tmp_path: Path) -> None:
    label, worst = judged(tmp_path, _private_zone("github.com", "github.com", "203.0.113.45"))
    assert label is Label.NEEDS_CLOSE_REVIEW and worst.get("private-dns-public") is Severity.HIGH


def test_response_policy_answering_a_registry_with_outside_ip_is_high(tmp_path: Path) -> None:
    rule = {"dns_name": "registry-1.docker.io.", "rule_name": "cache", "local_data": [{"local_datas": [
        {"name": "registry-1.docker.io.", "rrdatas": ["192.0.2.184"], "type": "A"}]}]}
    label, worst = judged(tmp_path, [entry("google_dns_response_policy_rule.hub", None, rule)])
    assert label is Label.NEEDS_CLOSE_REVIEW and worst.get("private-dns-public") is Severity.HIGH


def test_internal_zone_and_private_access_vip_stay_safe(tmp_path: Path) -> None:
    changes = _private_zone("artifacts.acme.internal", "artifactory.artifacts.acme.internal", "10.61.4.20")
    vip = {"dns_name": "*.googleapis.com.", "local_data": [{"local_datas": [
        {"name": "*.googleapis.com.", "rrdatas": ["199.36.153.8"], "type": "A"}]}]}
    label, worst = judged(tmp_path, [*changes, entry("google_dns_response_policy_rule.apis", None, vip)])
    assert "private-dns-public" not in worst and label is Label.LIKELY_SAFE


def test_split_horizon_to_an_internal_address_stays_safe(tmp_path: Path) -> None:
    label, worst = judged(tmp_path, _private_zone("github.com", "github.com", "10.20.0.5"))
    assert "private-dns-public" not in worst and label is Label.LIKELY_SAFE


# --- an outside address joins a load balancer's backends ----------------------------------------------------------
TG = "arn:aws:elasticloadbalancing:us-east-1:418273640915:targetgroup/docker-proxy/4d5e"


def test_outside_ip_joins_target_group_is_high(tmp_path: Path) -> None:
    after = {"target_group_arn": TG, "target_id": "198.18.47.210", "port": 443, "availability_zone": "all"}
    label, worst = judged(tmp_path, [entry("aws_lb_target_group_attachment.proxy_b", None, after)])
    assert label is Label.NEEDS_CLOSE_REVIEW and worst.get("egress-outside") is Severity.HIGH


def test_outside_ip_joins_backend_pool_is_high(tmp_path: Path) -> None:
    after = {"name": "proxy-b", "backend_address_pool_id": "/pools/registry", "ip_address": "203.0.113.77"}
    label, worst = judged(tmp_path, [entry("azurerm_lb_backend_address_pool_address.proxy_b", None, after)])
    assert label is Label.NEEDS_CLOSE_REVIEW and worst.get("egress-outside") is Severity.HIGH


def test_vpc_address_joins_target_group_stays_safe(tmp_path: Path) -> None:
    after = {"target_group_arn": TG, "target_id": "10.61.5.31", "port": 443}
    label, worst = judged(tmp_path, [entry("aws_lb_target_group_attachment.proxy_b", None, after)])
    assert worst.get("egress-outside") is not Severity.HIGH and label is Label.LIKELY_SAFE


# --- a redirect to a host made to look like another domain --------------------------------------------------------
def _redirect_rule(host: str) -> dict[str, Any]:
    action = [{"type": "redirect", "order": 1, "redirect": [{"host": host, "path": "/#{path}", "query": "#{query}",
                                                             "protocol": "HTTPS", "status_code": "HTTP_302"}]}]
    condition = [{"path_pattern": [{"values": ["/oauth2/callback*", "/login/*"]}]}]
    return entry("aws_lb_listener_rule.sso", None, {"priority": 20, "action": action, "condition": condition})


def test_login_redirect_to_look_alike_host_is_high(tmp_path: Path) -> None:
    label, worst = judged(tmp_path, [_redirect_rule("sso-acmepay.com-auth.net")])
    assert label is Label.NEEDS_CLOSE_REVIEW and worst.get("signin-host-moved") is Severity.HIGH


def test_edge_redirect_to_embedded_domain_host_is_high(tmp_path: Path) -> None:
    after = {"name": "signin", "redirect_configuration": [{"redirect_type": "Found",
                                                           "custom_host": "login.acme.com.verify-id.io"}]}
    label, worst = judged(tmp_path, [entry("azurerm_cdn_frontdoor_rule.signin", None, after)])
    assert label is Label.NEEDS_CLOSE_REVIEW and worst.get("signin-host-moved") is Severity.HIGH


def test_login_redirect_to_own_auth_host_stays_safe(tmp_path: Path) -> None:
    label, worst = judged(tmp_path, [_redirect_rule("auth.acme-pay.com")])
    assert "signin-host-moved" not in worst and label is Label.LIKELY_SAFE
