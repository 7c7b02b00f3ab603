"""Who and paths (session 19's principles), each risky plan beside a look-alike that stays likely safe: an allow
rule that loses the part saying who it admits, a statement narrowed from everyone to one partner, a private
subnet's route moved from its NAT gateway to the internet, and a delegation whose name servers sit in answer
blocks."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.pipeline.test_rules_sources_scopes_and_signals import RISKY, SAFE, entry, judged


# --- an allow rule that lost its who -----------------------------------------------------------------------------
def authz(source: dict[str, Any] | None, action: str | None = None) -> dict[str, Any]:
    rule: dict[str, Any] = {"to": [{"operation": {"methods": ["POST"], "paths": ["/v1/charges"]}}]}
    if source is not None:
        rule["from"] = [{"source": source}]
    spec: dict[str, Any] = {"selector": {"matchLabels": {"app": "ledger"}}, "rules": [rule]}
    if action:
        spec["action"] = action
    manifest = {"apiVersion": "security.istio.io/v1", "kind": "AuthorizationPolicy",
                "metadata": {"name": "ledger-charges", "namespace": "ledger"}, "spec": spec}
    return {"manifest": manifest, "object": manifest}


CHECKOUT = {"principals": ["cluster.local/ns/checkout/sa/checkout-api"]}


@pytest.mark.parametrize(("source", "action", "label"), [
    ({}, None, RISKY),  # the source block emptied: every workload of the mesh may create charges
    (None, None, RISKY),  # the `from` clause dropped, nothing else changed
    ({"principals": ["cluster.local/ns/checkout/sa/checkout-worker"]}, None, SAFE),  # another named caller
    ({}, "DENY", SAFE),  # a DENY that now matches every caller denies more, not less
])
def test_a_mesh_allow_rule_that_loses_its_source(tmp_path: Any, source: dict[str, Any] | None, action: str | None,
                                                  label: Any) -> None:
    change = entry("kubernetes_manifest.ledger_authz", ["update"], authz(CHECKOUT, action), authz(source, action))
    assert judged(tmp_path, change)[0] is label


def firewall_policy(source: str, service: str) -> dict[str, Any]:
    return {"name": "branch-to-payments", "action": "accept", "status": "enable", "schedule": "always",
            "srcintf": [{"name": "branch-vpn"}], "dstintf": [{"name": "dc-payments"}],
            "srcaddr": [{"name": source}], "dstaddr": [{"name": "payments-switch"}], "service": [{"name": service}],
            "logtraffic": "all", "policyid": 41}


@pytest.mark.parametrize(("before", "after", "label"), [
    (("grp-branch-pos", "PGSQL"), ("all", "PGSQL"), RISKY),  # every branch host reaches the database port
    (("grp-branch-pos", "HTTPS"), ("grp-branch-pos-eu", "HTTPS"), SAFE),  # another named group
    (("all", "PGSQL"), ("grp-branch-pos", "PGSQL"), SAFE),  # narrowed to a group
])
def test_a_firewall_policy_whose_source_becomes_all(tmp_path: Any, before: tuple[str, str], after: tuple[str, str],
                                                      label: Any) -> None:
    change = entry("fortios_firewall_policy.branch_to_payments", ["update"], firewall_policy(*before),
                   firewall_policy(*after))
    assert judged(tmp_path, change)[0] is label


def access_rule(*operands: tuple[str, str]) -> dict[str, Any]:
    return {"name": "prod-db-admin", "action": "ALLOW", "operator": "AND", "description": "DBA access",
            "conditions": [{"operator": "OR", "negated": False,
                            "operands": [{"object_type": kind, "lhs": "id", "rhs": value}]} for kind, value in
                           (("APP", "segment-prod-postgres"), *operands)]}


@pytest.mark.parametrize(("after", "label"), [
    ([("POSTURE", "true")], RISKY),  # the identity condition gone: any user on a compliant device
    ([("SCIM_GROUP", "1138499"), ("POSTURE", "true")], SAFE),  # another group
    ([("SCIM_GROUP", "1138412"), ("POSTURE", "true"), ("CLIENT_TYPE", "zpn_client_type_exporter")], SAFE),
])
def test_an_access_rule_that_loses_its_identity_condition(tmp_path: Any, after: list[tuple[str, str]],
                                                          label: Any) -> None:
    before = access_rule(("SCIM_GROUP", "1138412"), ("POSTURE", "true"))
    change = entry("zpa_policy_access_rule.prod_db_admin", ["update"], before, access_rule(*after))
    assert judged(tmp_path, change)[0] is label


def test_an_access_policy_that_swaps_its_group_for_a_rule_the_reader_does_not_know_stays_quiet(tmp_path: Any
                                                                                              ) -> None:
    """A who-key replaced by one the detector has no word for (an email domain) is not read as nobody."""
    before = {"name": "staff", "decision": "allow", "include": [{"group": ["grp-staff"]}]}
    after = {"name": "staff", "decision": "allow", "include": [{"email_domain": ["acme.io"]}]}
    assert judged(tmp_path, entry("cloudflare_access_policy.staff", ["update"], before, after))[0] is SAFE


# --- a statement narrowed from everyone --------------------------------------------------------------------------
def bucket_policy(principal: Any) -> dict[str, Any]:
    return {"bucket": "acme-customer-exports", "policy": json.dumps({"Version": "2012-10-17", "Statement": [
        {"Sid": "PartnerRead", "Effect": "Allow", "Principal": principal, "Action": "s3:GetObject",
         "Resource": "arn:aws:s3:::acme-customer-exports/*"}]})}


PARTNER = {"AWS": "arn:aws:iam::771902345118:root"}


@pytest.mark.parametrize(("before", "after", "label"), [
    ("*", PARTNER, SAFE),  # everyone narrowed to the partner: a hardening
    ({"AWS": "arn:aws:iam::771902345999:root"}, PARTNER, RISKY),  # one outside account swapped for another
    (PARTNER, "*", RISKY),  # the partner widened to everyone
])
def test_a_statement_narrowed_from_everyone_is_a_hardening(tmp_path: Any, before: Any, after: Any,
                                                            label: Any) -> None:
    change = entry("aws_s3_bucket_policy.exports", ["update"], bucket_policy(before), bucket_policy(after))
    assert judged(tmp_path, change)[0] is label


# --- a route moved from its NAT gateway to the internet gateway ---------------------------------------------------
def route(nat: str = "", gateway: str = "") -> dict[str, Any]:
    return {"route_table_id": "rtb-0f1e2d3c4b5a69788", "destination_cidr_block": "0.0.0.0/0",
            "nat_gateway_id": nat, "gateway_id": gateway, "transit_gateway_id": "", "vpc_peering_connection_id": ""}


@pytest.mark.parametrize(("before", "after", "label"), [
    (route(nat="nat-04c1e2a3b5d6f7089"), route(gateway="igw-0a9b8c7d6e5f40312"), RISKY),  # the subnet turns public
    (route(nat="nat-04c1e2a3b5d6f7089"), route(nat="nat-0ffee2a3b5d6f7011"), SAFE),  # another NAT gateway
    (route(gateway="igw-0a9b8c7d6e5f40312"), route(nat="nat-04c1e2a3b5d6f7089"), SAFE),  # made private
])
def test_a_route_moved_from_nat_to_the_internet_gateway(tmp_path: Any, before: dict[str, Any],
                                                        after: dict[str, Any], label: Any) -> None:
    assert judged(tmp_path, entry("aws_route.data_default", ["update"], before, after))[0] is label


# --- a delegation whose name servers sit in answer blocks ---------------------------------------------------------
def ns_record(*servers: str) -> dict[str, Any]:
    return {"zone": "ledgerly.io", "domain": "pay.ledgerly.io", "type": "NS", "ttl": 86400,
            "answers": [{"answer": s, "region": "", "meta": {}} for s in servers]}


def child_zone() -> dict[str, Any]:
    return {"zone": "pay.ledgerly.io", "dns_servers": "dns1.p01.nsone.net,dns2.p01.nsone.net",
            "primary": [], "ttl": 3600}


@pytest.mark.parametrize(("servers", "zone", "label"), [
    (("ns1.hostdns-cloud.net", "ns2.hostdns-cloud.net"), False, RISKY),  # handed to name servers nobody here owns
    (("dns1.p01.nsone.net", "dns2.p01.nsone.net"), True, SAFE),  # the child zone this plan creates
])
def test_a_delegation_read_from_answer_blocks(tmp_path: Any, servers: tuple[str, ...], zone: bool,
                                              label: Any) -> None:
    changes = [entry("ns1_record.pay_delegation", ["create"], None, ns_record(*servers))]
    if zone:
        changes.append(entry("ns1_zone.pay", ["create"], None, child_zone()))
    assert judged(tmp_path, *changes)[0] is label


# --- a route for every internal network handed to one peering ----------------------------------------------------
def internal_route(destination: str, hop: dict[str, str]) -> dict[str, Any]:
    return {"route_table_id": "rtb-01a2b3c4d5e6f7081", "destination_cidr_block": destination,
            "transit_gateway_id": "", "vpc_peering_connection_id": "", "gateway_id": "", **hop}


TGW = {"transit_gateway_id": "tgw-0b1d3f5a7c9e2b4d6"}
PEERING = {"vpc_peering_connection_id": "pcx-0e4b6d8f0a2c4e6b8"}


@pytest.mark.parametrize(("destination", "before", "after", "label"), [
    ("10.0.0.0/8", TGW, PEERING, RISKY),  # every internal network's traffic handed to one peered VPC
    ("10.42.0.0/16", TGW, PEERING, SAFE),  # the peer's own range through its peering
    ("10.0.0.0/8", TGW, {"transit_gateway_id": "tgw-0c2d3f5a7c9e2b4d7"}, SAFE),  # another transit gateway
])
def test_a_broad_route_moved_to_a_peering(tmp_path: Any, destination: str, before: dict[str, str],
                                          after: dict[str, str], label: Any) -> None:
    change = entry("aws_route.private_internal", ["update"], internal_route(destination, before),
                   internal_route(destination, after))
    assert judged(tmp_path, change)[0] is label
