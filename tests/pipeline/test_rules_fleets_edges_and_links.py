"""Fleets, edges and links (session 19's second batch of principles), each risky plan beside a look-alike that stays
likely safe: rollouts and renames of running fleets, deletes a kept resource still names, scopes widened to a
wildcard, silencers that never end, the edge's sign-in and modes, fenced policies, grants lifted to a whole project,
routing settings that join segments, and credentials written where they show."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from tests.pipeline.test_rules_sources_scopes_and_signals import RISKY, SAFE, entry, judged


# --- fleets -------------------------------------------------------------------------------------------------------
def mig(unavailable: int, surge: int) -> dict[str, Any]:
    return {"name": "web", "target_size": 9, "update_policy": [{"type": "PROACTIVE", "minimal_action": "REPLACE",
                                                                "max_surge_fixed": surge,
                                                                "max_unavailable_fixed": unavailable}]}


@pytest.mark.parametrize(("unavailable", "surge", "label"), [
    (9, 0, RISKY),  # every instance of nine replaced at once
    (0, 3, SAFE),  # new instances surge in first
    (3, 0, SAFE),  # a third at a time
])
def test_a_rollout_that_takes_the_whole_group_down(tmp_path: Any, unavailable: int, surge: int, label: Any) -> None:
    change = entry("google_compute_region_instance_group_manager.web", ["update"], mig(0, 3), mig(unavailable, surge))
    assert judged(tmp_path, change)[0] is label


def scale_set(instances: int) -> dict[str, Any]:
    return {"id": "/subscriptions/0/resourceGroups/rg/providers/Microsoft.Compute/virtualMachineScaleSets/vmss-api",
            "name": "vmss-api-prod", "instances": instances, "sku": "Standard_D4s_v5"}


@pytest.mark.parametrize(("instances", "label"), [
    (12, RISKY),  # twelve running machines go before the new group can take the name
    (0, SAFE),  # nothing runs in it: a rename to add a moved block to, no outage
])
def test_a_running_fleet_re_made_under_another_address(tmp_path: Any, instances: int, label: Any) -> None:
    old = entry("azurerm_linux_virtual_machine_scale_set.api", ["delete"], scale_set(instances), None,
                action_reason="delete_because_no_resource_config")
    new = entry("module.fleet.azurerm_linux_virtual_machine_scale_set.this", ["create"], None,
                {k: v for k, v in scale_set(instances).items() if k != "id"}, after_unknown={"id": True})
    assert judged(tmp_path, old, new)[0] is label


def image(ident: str) -> dict[str, Any]:
    return {"id": ident, "arn": f"arn:aws:ec2:us-east-1::image/{ident}", "name": f"golden-{ident}"}


@pytest.mark.parametrize(("used", "label"), [
    ("ami-070825f84b49e6e3f", RISKY),  # the kept launch template still launches the deleted image
    ("ami-0ccc27d5d7944aff0", SAFE),  # it launches the kept one
])
def test_a_delete_a_kept_resource_still_names(tmp_path: Any, used: str, label: Any) -> None:
    gone = entry("aws_ami_copy.golden", ["delete"], image("ami-070825f84b49e6e3f"), None)
    template = {"id": "lt-03c424e4320400488", "image_id": used, "name": "ledger"}
    kept = entry("aws_launch_template.ledger", ["no-op"], template, template)
    assert judged(tmp_path, gone, kept)[0] is label


# --- scopes widened to a wildcard -----------------------------------------------------------------------------------
def role(labels: dict[str, Any]) -> dict[str, Any]:
    allow = {"logins": ["ubuntu"], "node_labels": labels}
    return {"metadata": [{"name": "contractor-ops"}], "spec": [{"allow": [allow]}]}


@pytest.mark.parametrize(("labels", "label"), [
    ({"*": "*"}, RISKY),  # every node there is
    ({"env": ["staging", "qa"]}, SAFE),  # other named labels
])
def test_a_role_selector_widened_to_every_resource(tmp_path: Any, labels: dict[str, Any], label: Any) -> None:
    change = entry("teleport_role.contractor_ops", ["update"], role({"env": ["staging"]}), role(labels))
    assert judged(tmp_path, change)[0] is label


def token(zone: str) -> dict[str, Any]:
    return {"name": "ci-dns", "policy": [{"effect": "allow", "permission_groups": ["4755a26eedb94da69e1066d98aa820be"],
                                          "resources": {f"com.cloudflare.api.account.zone.{zone}": "*"}}]}


@pytest.mark.parametrize(("zone", "label"), [
    ("*", RISKY),  # every zone of the account
    ("9b1e7d42c0a34f1b8e6d2c5a7f3b9e10", SAFE),  # another single zone
])
def test_a_token_scope_widened_to_a_wildcard(tmp_path: Any, zone: str, label: Any) -> None:
    change = entry("cloudflare_api_token.ci_dns", ["update"], token("5f9a3275639e39c5ef6aea4a02783d32"), token(zone))
    assert judged(tmp_path, change)[0] is label


def allowlist(*patterns: str) -> dict[str, Any]:
    return {"project": "acme-prod", "global_policy_evaluation_mode": "ENABLE",
            "admission_whitelist_patterns": [{"name_pattern": p} for p in patterns]}


@pytest.mark.parametrize(("added", "label"), [
    ("docker.io/**", RISKY),  # every stranger's image on Docker Hub
    ("europe-docker.pkg.dev/acme-images/base/*", SAFE),  # one vetted repository
])
def test_an_admission_allowlist_that_takes_a_whole_public_registry(tmp_path: Any, added: str, label: Any) -> None:
    change = entry("google_binary_authorization_policy.prod", ["update"], allowlist("gcr.io/google_containers/*"),
                   allowlist("gcr.io/google_containers/*", added))
    assert judged(tmp_path, change)[0] is label


# --- silencers and modes --------------------------------------------------------------------------------------------
def downtime(duration: str) -> dict[str, Any]:
    return {"scope": "*", "display_timezone": "UTC", "monitor_identifier": [{"monitor_tags": ["team:security"]}],
            "recurring_schedule": [{"timezone": "UTC", "recurrence": [
                {"duration": duration, "rrule": "FREQ=DAILY;INTERVAL=1", "start": "2026-06-14T00:00:00"}]}]}


@pytest.mark.parametrize(("duration", "label"), [
    ("24h", RISKY),  # a window as long as its period: the monitors never alert again
    ("2h", SAFE),  # a nightly maintenance window
])
def test_a_recurring_silencer_that_never_ends(tmp_path: Any, duration: str, label: Any) -> None:
    change = entry("datadog_downtime_schedule.migration", ["create"], None, downtime(duration),
                   after_unknown={"id": True})
    assert judged(tmp_path, change)[0] is label


@pytest.mark.parametrize(("before", "after", "label"), [
    ("block", "log", RISKY),  # attacks are only written down now
    ("log", "block", SAFE),  # it starts blocking
])
def test_a_protection_moved_to_report_only(tmp_path: Any, before: str, after: str, label: Any) -> None:
    change = entry("sigsci_site.shop_prod", ["update"], {"short_name": "shop", "agent_level": before},
                   {"short_name": "shop", "agent_level": after})
    assert judged(tmp_path, change)[0] is label


# --- the edge's sign-in ---------------------------------------------------------------------------------------------
GATE = """async function handler(event) {
  const request = event.request;
%s  if (!request.cookies['session']) { return deny(); }
  return request;
}"""


@pytest.mark.parametrize(("added", "label"), [
    ("  if (request.headers['x-preview']) {\n    return request;\n  }\n", RISKY),  # any client sends the header
    ("  if (request.uri === '/favicon.ico') {\n    return request;\n  }\n", SAFE),  # a path, not a header
])
def test_an_edge_gate_that_lets_a_client_header_through(tmp_path: Any, added: str, label: Any) -> None:
    change = entry("aws_cloudfront_function.admin_gate", ["update"], {"name": "admin-gate", "code": GATE % ""},
                   {"name": "admin-gate", "code": GATE % added})
    assert judged(tmp_path, change)[0] is label


def ingress(annotations: dict[str, str]) -> dict[str, Any]:
    return {"metadata": [{"name": "argo-workflows", "namespace": "argo", "annotations": annotations}],
            "spec": [{"ingress_class_name": "nginx", "rule": [{"host": "argo.example.com"}]}]}


SIGN_IN = {"nginx.ingress.kubernetes.io/auth-url": "http://oauth2-proxy.ops.svc.cluster.local:4180/oauth2/auth",
           "nginx.ingress.kubernetes.io/auth-signin": "https://oauth.example.com/oauth2/start"}


@pytest.mark.parametrize(("after", "label"), [
    ({"nginx.ingress.kubernetes.io/proxy-read-timeout": "300"}, RISKY),  # the sign-in in front of it removed
    ({**SIGN_IN, "nginx.ingress.kubernetes.io/proxy-read-timeout": "300"}, SAFE),  # only a timeout added
])
def test_an_ingress_that_loses_its_sign_in(tmp_path: Any, after: dict[str, str], label: Any) -> None:
    change = entry("kubernetes_ingress_v1.argo", ["update"], ingress(SIGN_IN), ingress(after))
    assert judged(tmp_path, change)[0] is label


def api_policy(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"name": "claims-v2", "endpoint_configuration": [{"types": ["PRIVATE"]}],
            "policy": json.dumps({"Version": "2012-10-17", "Statement": list(statements)})}


ALLOW_ANYONE = {"Effect": "Allow", "Principal": "*", "Action": "execute-api:Invoke", "Resource": "execute-api:/*"}
FENCE = {"Effect": "Deny", "Principal": "*", "Action": "execute-api:Invoke", "Resource": "execute-api:/*",
         "Condition": {"StringNotEquals": {"aws:SourceVpce": "vpce-0a1b2c3d4e5f60718"}}}


@pytest.mark.parametrize(("statements", "label"), [
    ((ALLOW_ANYONE,), RISKY),  # anyone
    ((ALLOW_ANYONE, FENCE), SAFE),  # everyone is denied unless through our endpoint
])
def test_an_allow_for_anyone_fenced_by_a_deny(tmp_path: Any, statements: tuple[dict[str, Any], ...],
                                               label: Any) -> None:
    change = entry("aws_api_gateway_rest_api.claims_v2", ["create"], None, api_policy(*statements),
                   after_unknown={"id": True})
    assert judged(tmp_path, change)[0] is label


# --- grants lifted and segments joined -------------------------------------------------------------------------------
def grant(kind: str, **where: str) -> dict[str, Any]:
    return {"member": "group:data-science@example.com", "role": "roles/compute.networkUser",
            "project": "net-host-prod", **where}


@pytest.mark.parametrize(("gone", "made", "label"), [
    (("google_compute_subnetwork_iam_member.sandbox", {"subnetwork": "sb-sandbox", "region": "europe-west4"}),
     ("google_project_iam_member.network_user", {}), RISKY),  # one subnet → every subnet of the host project
    (("google_project_iam_member.network_user", {}),
     ("google_compute_subnetwork_iam_member.sandbox", {"subnetwork": "sb-sandbox", "region": "europe-west4"}),
     SAFE),  # the project-wide grant narrowed to one subnet
])
def test_a_grant_lifted_to_the_whole_project(tmp_path: Any, gone: tuple[str, dict[str, str]],
                                             made: tuple[str, dict[str, str]], label: Any) -> None:
    deleted = entry(gone[0], ["delete"], grant("old", **gone[1]), None)
    created = entry(made[0], ["create"], None, grant("new", **made[1]), after_unknown={"id": True, "etag": True})
    assert judged(tmp_path, deleted, created)[0] is label


def route_table(disabled: bool) -> dict[str, Any]:
    return {"name": "rt-spoke-prod", "disable_bgp_route_propagation": disabled, "route": [
        {"name": "default-to-firewall", "address_prefix": "0.0.0.0/0", "next_hop_type": "VirtualAppliance",
         "next_hop_in_ip_address": "10.100.0.4"}]}


@pytest.mark.parametrize(("before", "after", "label"), [
    (True, False, RISKY),  # gateway-learned routes beat the route to the firewall
    (False, True, SAFE),  # the hardening
])
def test_route_propagation_turned_on_beside_a_firewall_route(tmp_path: Any, before: bool, after: bool,
                                                            label: Any) -> None:
    change = entry("azurerm_route_table.spoke_prod", ["update"], route_table(before), route_table(after))
    assert judged(tmp_path, change)[0] is label


def vpn(*types: str) -> dict[str, Any]:
    return {"name": "vpngw-hub", "vpn_client_configuration": [{"address_space": ["172.16.200.0/24"],
                                                              "vpn_auth_types": list(types)}]}


@pytest.mark.parametrize(("after", "label"), [
    (("AAD", "Certificate"), RISKY),  # anyone with a client certificate from the root, no MFA
    (("AAD",), SAFE),  # certificates dropped for the identity provider
])
def test_a_vpn_sign_in_method_beside_the_identity_provider(tmp_path: Any, after: tuple[str, ...], label: Any) -> None:
    before = ("AAD",) if after != ("AAD",) else ("Certificate",)
    change = entry("azurerm_virtual_network_gateway.vpn_hub", ["update"], vpn(*before), vpn(*after))
    assert judged(tmp_path, change)[0] is label


def link(port: str) -> dict[str, Any]:
    return {"product_name": "vxc-aws", "rate_limit": 1000, "b_end": [{"requested_product_uid": port}]}


@pytest.mark.parametrize(("legs", "label"), [
    (("secondary",), SAFE),  # the primary carries traffic while the secondary moves
    (("primary", "secondary"), RISKY),  # both legs down at once
])
def test_one_leg_of_a_redundant_pair_re_made(tmp_path: Any, legs: tuple[str, ...], label: Any) -> None:
    changes = []
    for leg in ("primary", "secondary"):
        replaced = leg in legs
        changes.append(entry(f'megaport_vxc.aws["{leg}"]', ["delete", "create"] if replaced else ["no-op"],
                             link(f"old-{leg}"), link(f"new-{leg}" if replaced else f"old-{leg}"),
                             replace_paths=[["b_end", 0, "requested_product_uid"]] if replaced else None))
    for change in changes:
        if change["replace_paths"] is None:
            del change["replace_paths"]
    assert judged(tmp_path, *changes)[0] is label


# --- credentials written where they show ------------------------------------------------------------------------------
def boot(script: str) -> dict[str, Any]:
    return {"name": "zpa-connector", "image_id": "ami-0123456789abcdef0",
            "user_data": base64.b64encode(script.encode()).decode()}


@pytest.mark.parametrize(("body", "label"), [
    ("3|api.private.zscaler.com|zJfIoRHQfi3ckjVT4SwYEAusvhJ1B/ugjOIUlFhYZj4VtCzebzoTml+vLStNoB4DcEL", RISKY),
    ("$(aws ssm get-parameter --name /zpa/provision-key --with-decryption --query Parameter.Value --output text)",
     SAFE),  # read from the store at boot
])
def test_a_secret_written_into_a_key_file_by_a_boot_script(tmp_path: Any, body: str, label: Any) -> None:
    script = f"#!/bin/bash\ncat > /opt/zscaler/var/provision_key <<KEY\n{body}\nKEY\nsystemctl start zpa-connector\n"
    change = entry("aws_launch_template.zpa_connector", ["update"], boot("#!/bin/bash\necho booting\n"), boot(script))
    assert judged(tmp_path, change)[0] is label


def apim_api(required: bool) -> dict[str, Any]:
    return {"name": "claims-v2", "api_management_name": "apim-prod", "subscription_required": required}


def apim_policy(xml: str) -> dict[str, Any]:
    return {"api_name": "claims-v2", "api_management_name": "apim-prod", "xml_content": xml}


PLAIN_POLICY = "<policies><inbound><base /><rate-limit calls=\"100\" renewal-period=\"60\" /></inbound></policies>"
JWT_POLICY = ("<policies><inbound><base /><validate-jwt header-name=\"Authorization\">"
              "<openid-config url=\"https://login.microsoftonline.com/t/v2.0/.well-known/openid-configuration\" />"
              "</validate-jwt></inbound></policies>")


@pytest.mark.parametrize(("after_policy", "label"), [
    (PLAIN_POLICY, RISKY),  # keys dropped and nothing else asked
    (JWT_POLICY, SAFE),  # keys dropped for a token check in the same plan
])
def test_a_sign_in_dropped_where_the_plan_puts_another_in_its_place(tmp_path: Any, after_policy: str,
                                                                     label: Any) -> None:
    api = entry("azurerm_api_management_api.claims", ["update"], apim_api(True), apim_api(False))
    policy = entry("azurerm_api_management_api_policy.claims", ["update"], apim_policy(PLAIN_POLICY),
                   apim_policy(after_policy))
    assert judged(tmp_path, api, policy)[0] is label
