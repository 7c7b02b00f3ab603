"""Clusters and where their code comes from (session 17's principles), each risky plan beside a look-alike that
stays likely safe: an administration console behind a public load balancer, a private route table sent to an
internet gateway made in the same plan, a namespace whose name outweighs its disposable label, an API server's
allow-list emptied on a cluster whose nodes alone are private, a policy engine's enforcement turned to never, an
empty prefix in an allowed-registries list, a never-expiring token for a cluster-admin service account, the metadata
exception dropped from an egress rule, and a chart repository moved to a host that imitates it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.pipeline.test_rules_sources_scopes_and_signals import RISKY, SAFE, entry, judged
from tfreview.errors import PlanError
from tfreview.pipeline.findings import Severity
from tfreview.pipeline.review import prepare
from tfreview.settings import Settings


def k8s_service(name: str, app: str, annotations: dict[str, str], ranges: list[str] | None) -> dict[str, Any]:
    after = {"metadata": [{"name": name, "namespace": "ops", "annotations": annotations, "labels": {"app": app}}],
             "spec": [{"type": "LoadBalancer", "selector": {"app.kubernetes.io/name": app},
                       "load_balancer_source_ranges": ranges,
                       "port": [{"name": "https", "port": 443, "protocol": "TCP", "target_port": "8080"}]}],
             "wait_for_load_balancer": True}
    return entry(f"kubernetes_service_v1.{name.replace('-', '_')}", ["create"], None, after,
                 after_unknown={"id": True, "status": True})


PUBLIC_NLB = {"service.beta.kubernetes.io/aws-load-balancer-scheme": "internet-facing"}


@pytest.mark.parametrize(("name", "app", "ranges", "label"), [
    ("argocd-server", "argocd-server", None, RISKY),
    ("jenkins", "jenkins", None, RISKY),
    ("storefront", "storefront-web", None, SAFE),  # a web app on 443 is what a public load balancer is for
    ("argocd-server", "argocd-server", ["203.0.113.0/24"], SAFE),  # reachable from the office only
])
def test_an_administration_console_behind_a_public_load_balancer(tmp_path: Path, name: str, app: str,
                                                                  ranges: list[str] | None, label: Any) -> None:
    assert judged(tmp_path, k8s_service(name, app, PUBLIC_NLB, ranges))[0] is label


def route_to(reference: str, table: str) -> tuple[dict[str, Any], dict[str, Any]]:
    route = entry(f"aws_route.{table}_default", ["create"], None,
                  {"destination_cidr_block": "0.0.0.0/0", "route_table_id": "rtb-0a9b8c7d6e5f40312",
                   "nat_gateway_id": None, "vpc_peering_connection_id": None},
                  after_unknown={"gateway_id": True, "id": True})
    configuration = {"root_module": {"resources": [{
        "address": f"aws_route.{table}_default", "mode": "managed", "type": "aws_route", "name": f"{table}_default",
        "expressions": {"destination_cidr_block": {"constant_value": "0.0.0.0/0"},
                        "gateway_id": {"references": [f"{reference}.id", reference]},
                        "route_table_id": {"references": [f"aws_route_table.{table}.id"]}}}]}}
    return route, configuration


@pytest.mark.parametrize(("reference", "table", "label"), [
    ("aws_internet_gateway.main", "private", RISKY),
    ("aws_internet_gateway.main", "public", SAFE),  # a public subnet's default route is the internet gateway
    ("aws_egress_only_internet_gateway.main", "private", SAFE),  # lets nothing in
    ("aws_nat_gateway.main", "private", SAFE),
])
def test_a_private_route_table_sent_to_a_gateway_made_in_the_same_plan(tmp_path: Path, reference: str, table: str,
                                                                     label: Any) -> None:
    route, configuration = route_to(reference, table)
    assert judged(tmp_path, route, configuration=configuration)[0] is label


@pytest.mark.parametrize(("name", "label"), [("payments", RISKY), ("preview-checkout", SAFE), ("pr-412", SAFE)])
def test_a_namespace_whose_name_outweighs_its_disposable_label(tmp_path: Path, name: str, label: Any) -> None:
    before = {"id": name, "metadata": [{"name": name, "labels": {"lifecycle": "tmp"}, "annotations": {}}]}
    assert judged(tmp_path, entry(f"kubernetes_namespace_v1.{name.replace('-', '_')}", ["delete"], before,
                                  None))[0] is label


def aks(private_cluster: bool, ranges: list[str]) -> dict[str, Any]:
    def side(authorized: list[str]) -> dict[str, Any]:
        return {"name": "prod", "private_cluster_enabled": private_cluster,
                "private_cluster_public_fqdn_enabled": False,
                "api_server_access_profile": [{"authorized_ip_ranges": authorized}],
                "default_node_pool": [{"name": "system", "node_count": 3, "node_public_ip_enabled": False}]}
    return entry("azurerm_kubernetes_cluster.prod", ["update"], side(["203.0.113.0/24"]), side(ranges))


@pytest.mark.parametrize(("private_cluster", "ranges", "label"), [
    (False, [], RISKY),  # nodes without public addresses do not make the API server private
    (True, [], SAFE),
    (False, ["203.0.113.0/24", "198.51.100.0/27"], SAFE),
])
def test_an_api_server_allow_list_emptied_on_a_public_cluster(tmp_path: Path, private_cluster: bool,
                                                              ranges: list[str], label: Any) -> None:
    assert judged(tmp_path, aks(private_cluster, ranges))[0] is label


@pytest.mark.parametrize(("mode", "label"), [("never", RISKY), ("always", SAFE)])
def test_a_network_policy_engine_told_to_enforce_never(tmp_path: Path, mode: str, label: Any) -> None:
    def release(value: str, version: str) -> dict[str, Any]:
        return {"name": "cilium", "chart": "cilium", "namespace": "kube-system", "version": version,
                "repository": "https://helm.cilium.io", "values": [f"policyEnforcementMode: {value}\nhubble:\n"
                                                                   "  enabled: true\n"]}
    change = entry("helm_release.cilium", ["update"], release("default", "1.15.5"), release(mode, "1.15.6"))
    assert judged(tmp_path, change)[0] is label


@pytest.mark.parametrize(("added", "label"), [('""', RISKY), ("ghcr.io/acme/", SAFE)])
def test_an_allowed_registries_list_given_an_empty_prefix(tmp_path: Path, added: str, label: Any) -> None:
    def body(extra: str) -> str:
        return ("apiVersion: constraints.gatekeeper.sh/v1beta1\nkind: K8sAllowedRepos\nmetadata:\n  name: prod-repos\n"
                "spec:\n  enforcementAction: deny\n  parameters:\n    repos:\n      - registry.k8s.io/\n" + extra)
    change = entry("kubectl_manifest.allowed_repos", ["update"], {"yaml_body": body("")},
                   {"yaml_body": body(f"      - {added}\n")})
    assert judged(tmp_path, change)[0] is label


@pytest.mark.parametrize(("role", "label", "severity"), [("cluster-admin", RISKY, Severity.HIGH),
                                                          ("view", SAFE, Severity.MEDIUM)])
def test_a_never_expiring_token_for_a_service_account(tmp_path: Path, role: str, label: Any,
                                                      severity: Severity) -> None:
    binding = {"metadata": [{"name": "ci-deployer"}],
               "role_ref": [{"api_group": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": role}],
               "subject": [{"api_group": "", "kind": "ServiceAccount", "name": "ci-deployer", "namespace": "ci"}]}
    token = {"metadata": [{"name": "ci-deployer-token", "namespace": "ci",
                           "annotations": {"kubernetes.io/service-account.name": "ci-deployer"}}],
             "type": "kubernetes.io/service-account-token", "wait_for_service_account_token": True}
    found = judged(tmp_path, entry("kubernetes_cluster_role_binding_v1.ci_deployer", ["no-op"], binding, binding),
                   entry("kubernetes_secret_v1.ci_deployer_token", ["create"], None, token,
                         after_unknown={"data": True}))
    assert found == (label, {"iam-privileged-role": severity})


def egress_policy(exceptions: list[list[str]]) -> dict[str, Any]:
    return {"metadata": [{"name": "restrict-egress", "namespace": "ci-runners"}],
            "spec": [{"policy_types": ["Egress"], "pod_selector": [{"match_labels": {}}],
                      "egress": [{"to": [{"ip_block": [{"cidr": "0.0.0.0/0", "except": e}]}]} for e in exceptions]}]}


@pytest.mark.parametrize(("after", "label"), [
    ([["10.0.0.0/8"]], RISKY),
    ([["169.254.0.0/16", "10.0.0.0/8"]], SAFE),  # a range around the metadata address still leaves it out
    ([["169.254.169.254/32"]], SAFE),  # another exception dropped
    ([], SAFE),  # the allow rule removed whole: nothing goes out by it
])
def test_the_metadata_exception_dropped_from_an_egress_rule(tmp_path: Path, after: list[list[str]],
                                                            label: Any) -> None:
    before = egress_policy([["169.254.169.254/32", "10.0.0.0/8"]])
    change = entry("kubernetes_network_policy_v1.restrict_egress", ["update"], before, egress_policy(after))
    assert judged(tmp_path, change)[0] is label


@pytest.mark.parametrize(("new", "label"), [
    ("https://charts.jetstack-io.com", RISKY),
    ("https://charts.jetstack.io.example-cdn.net", RISKY),
    ("https://helm.jetstack.io", SAFE),  # the same domain
    ("https://harbor.acme.internal/chartrepo/jetstack", SAFE),  # the organisation's own mirror
    ("https://jetstack-mirror.acme.io", SAFE),
])
def test_a_chart_repository_moved_to_a_host_that_imitates_it(tmp_path: Path, new: str, label: Any) -> None:
    def release(repository: str, version: str) -> dict[str, Any]:
        return {"name": "cert-manager", "chart": "cert-manager", "namespace": "cert-manager", "version": version,
                "repository": repository}
    change = entry("helm_release.cert_manager", ["update"], release("https://charts.jetstack.io", "v1.14.5"),
                   release(new, "v1.14.7"))
    assert judged(tmp_path, change)[0] is label


@pytest.mark.parametrize(("encrypted", "label"), [("true", SAFE), ("false", RISKY)])
def test_a_storage_class_re_made_holds_no_data(tmp_path: Path, encrypted: str, label: Any) -> None:
    def storage_class(parameters: dict[str, str]) -> dict[str, Any]:
        return {"metadata": [{"name": "gp3", "annotations": {"storageclass.kubernetes.io/is-default-class": "true"}}],
                "storage_provisioner": "ebs.csi.aws.com", "reclaim_policy": "Delete",
                "volume_binding_mode": "WaitForFirstConsumer", "parameters": parameters}
    before = storage_class({"type": "gp3", "encrypted": "true"})
    after = storage_class({"type": "gp3", "encrypted": encrypted, "iops": "6000"})
    change = entry("kubernetes_storage_class_v1.gp3", ["delete", "create"], before, after,
                   action_reason="replace_because_cannot_update", replace_paths=[["parameters"]])
    label_found, worst = judged(tmp_path, change)
    assert (label_found, worst.get("resource-replace")) == (label, Severity.MEDIUM)


# --- organisations: where an account sits, and who a Deny lets through -------------------------------------------
def moved_account(name: str, parent: str) -> tuple[dict[str, Any], dict[str, Any]]:
    def account(parent_id: str) -> dict[str, Any]:
        return {"name": name, "email": f"aws+{name}@example.com", "parent_id": parent_id, "close_on_deletion": False}
    change = entry("aws_organizations_account.moved", ["update"], account("ou-4f1a-8h2kd93m"),
                   account("ou-4f1a-z0m3vb8t"))
    unit = f"aws_organizations_organizational_unit.{parent}"
    configuration = {"root_module": {"resources": [{
        "address": "aws_organizations_account.moved", "mode": "managed", "type": "aws_organizations_account",
        "name": "moved", "expressions": {"name": {"constant_value": name},
                                         "parent_id": {"references": [f"{unit}.id", unit]}}}]}}
    return change, configuration


@pytest.mark.parametrize(("name", "parent", "label"), [
    ("payments-prod", "sandbox", RISKY),
    ("payments-prod", "workloads_prod", SAFE),  # between production parents
    ("data-science-lab", "sandbox", SAFE),  # a non-production account where it belongs
    ("payments-prod", "suspended", SAFE),  # the suspended OU denies everything
])
def test_a_production_account_moved_under_a_sandbox_parent(tmp_path: Path, name: str, parent: str,
                                                           label: Any) -> None:
    change, configuration = moved_account(name, parent)
    assert judged(tmp_path, change, configuration=configuration)[0] is label


def deny_policy(owners: list[str]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": [{
        "Sid": "DenyUnapprovedAmis", "Effect": "Deny", "Action": ["ec2:RunInstances"],
        "Resource": "arn:aws:ec2:*::image/*", "Condition": {"StringNotEquals": {"ec2:Owner": owners}}}]})


@pytest.mark.parametrize(("added", "label"), [
    ("512894703316", RISKY),  # an account the plan shows nowhere else
    ("*", RISKY),
    ("640218573904", SAFE),  # the golden-image account this plan creates
])
def test_a_deny_that_exempts_an_outsider(tmp_path: Path, added: str, label: Any) -> None:
    policy = entry("aws_organizations_policy.approved_amis", ["update"],
                   {"name": "approved-amis", "type": "SERVICE_CONTROL_POLICY", "content": deny_policy(["amazon"])},
                   {"name": "approved-amis", "type": "SERVICE_CONTROL_POLICY",
                    "content": deny_policy(["amazon", added])})
    golden = entry("aws_organizations_account.golden_images", ["create"], None,
                   {"name": "golden-images", "email": "aws+golden@example.com"},
                   after_unknown={"id": True, "arn": True})
    golden["change"]["after"]["id"] = "640218573904"
    assert judged(tmp_path, policy, golden)[0] is label


@pytest.mark.parametrize(("ref", "label"), [("main", RISKY), ("v1.4.2", SAFE)])
def test_a_policy_that_runs_a_script_from_a_moving_branch_on_every_machine(tmp_path: Path, ref: str,
                                                                          label: Any) -> None:
    template = {"resources": [{"type": "Microsoft.Compute/virtualMachines/extensions", "properties": {
        "publisher": "Microsoft.Azure.Extensions", "type": "CustomScript",
        "settings": {"fileUris": [f"https://raw.githubusercontent.com/jdoe/vm-hardening/{ref}/harden.sh"],
                     "commandToExecute": "bash harden.sh"}}}]}
    rule = {"if": {"field": "type", "equals": "Microsoft.Compute/virtualMachines"},
            "then": {"effect": "deployIfNotExists", "details": {"deployment": {"properties": {"template": template}}}}}
    change = entry("azurerm_policy_definition.hardening", ["create"], None,
                   {"name": "dine-hardening", "policy_type": "Custom", "mode": "Indexed",
                    "policy_rule": json.dumps(rule)}, after_unknown={"id": True})
    assert judged(tmp_path, change)[0] is label


def test_an_address_written_twice_is_a_plan_error(tmp_path: Path) -> None:
    attachment = {"policy_id": "p-7n3kq0ab", "target_id": "r-1a2b"}
    plan = {"format_version": "1.2", "resource_changes": [
        entry("aws_organizations_policy_attachment.root", ["no-op"], attachment, attachment),
        entry("aws_organizations_policy_attachment.root", ["delete"], attachment, None)]}
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan))
    with pytest.raises(PlanError, match=r"resource_changes\[1\]: \S+policy_attachment.root appears again with another"):
        prepare(path, Settings(backend="none"))


# --- federation: who may take an identity, and where its keys go ------------------------------------------------
@pytest.mark.parametrize(("member", "label"), [
    ("attribute.repository_owner/acme-corp", RISKY),  # any repository the organisation's members make
    ("attribute.repository/acme-corp/deploy", SAFE),
])
def test_a_workload_identity_binding_for_every_repository_of_an_owner(tmp_path: Path, member: str,
                                                                      label: Any) -> None:
    pool = "principalSet://iam.googleapis.com/projects/904417263158/locations/global/workloadIdentityPools/github"
    change = entry("google_service_account_iam_member.deployer_wif", ["create"], None,
                   {"member": f"{pool}/{member}", "role": "roles/iam.workloadIdentityUser",
                    "service_account_id": "projects/p/serviceAccounts/deployer@p.iam.gserviceaccount.com"},
                   after_unknown={"id": True, "etag": True})
    assert judged(tmp_path, change)[0] is label


@pytest.mark.parametrize(("reference", "label"), [
    ("google_service_account_key.deploy.private_key", RISKY),
    ("google_service_account.deploy.email", SAFE),  # the account's name, for workload identity federation
])
def test_a_service_account_key_copied_into_a_ci_secret(tmp_path: Path, reference: str, label: Any) -> None:
    key = entry("google_service_account_key.deploy", ["create"], None,
                {"service_account_id": "projects/p/serviceAccounts/deploy@p.iam.gserviceaccount.com"},
                after_unknown={"id": True, "private_key": True})
    secret = entry("github_actions_secret.gcp", ["create"], None, {"repository": "infra", "secret_name": "GCP"},
                   after_unknown={"plaintext_value": True})
    configuration = {"root_module": {"resources": [
        {"address": "google_service_account_key.deploy", "mode": "managed", "type": "google_service_account_key",
         "name": "deploy", "expressions": {"service_account_id": {"references": ["google_service_account.deploy"]}}},
        {"address": "github_actions_secret.gcp", "mode": "managed", "type": "github_actions_secret", "name": "gcp",
         "expressions": {"plaintext_value": {"references": [reference, reference.rsplit(".", 1)[0]]}}}]}}
    assert judged(tmp_path, key, secret, configuration=configuration)[0] is label


@pytest.mark.parametrize(("description", "label"), [
    ("Page security on console sign-in without MFA", RISKY),
    ("Nightly export of billing data", SAFE),
])
def test_an_event_rule_that_alerts_switched_off(tmp_path: Path, description: str, label: Any) -> None:
    def rule(state: str) -> dict[str, Any]:
        return {"name": "console-signin", "description": description, "state": state,
                "is_enabled": state == "ENABLED", "event_bus_name": "default"}
    change = entry("aws_cloudwatch_event_rule.watch", ["update"], rule("ENABLED"), rule("DISABLED"))
    assert judged(tmp_path, change)[0] is label


@pytest.mark.parametrize(("value", "label"), [
    ("//iam.googleapis.com/projects/904417263158/locations/global/workloadIdentityPools/gl/providers/gl", SAFE),
    ("Xk29dPq7vLm3Wq8ZrT5y", RISKY),
])
def test_a_sensitive_variable_that_holds_a_resource_name_leaks_nothing(tmp_path: Path, value: str,
                                                                       label: Any) -> None:
    variable = entry("gitlab_project_variable.wif", ["create"], None,
                     {"key": "GCP_WIF", "project": "acme/infra", "masked": False, "protected": True, "value": value},
                     after_unknown={"id": True})
    variable["change"]["after_sensitive"] = {"value": True}
    configuration = {"root_module": {
        "variables": {"wif": {"sensitive": True}},
        "resources": [{"address": "gitlab_project_variable.wif", "mode": "managed", "type": "gitlab_project_variable",
                       "name": "wif", "expressions": {"key": {"constant_value": "GCP_WIF"},
                                                      "value": {"references": ["var.wif"]}}}]}}
    assert judged(tmp_path, variable, configuration=configuration, variables={"wif": {"value": value}})[0] is label


def test_an_access_keys_own_id_is_its_name_not_its_secret(tmp_path: Path) -> None:
    key = {"id": "AKIAZ7QW3EXAMPLE0001", "user": "ci-runner", "status": "Active"}
    change = entry("aws_iam_access_key.ci_old", ["update"], key, {**key, "status": "Inactive"})
    assert judged(tmp_path, change)[0] is SAFE


@pytest.mark.parametrize(("key", "label"), [("TFC_AWS_RUN_ROLE_ARN", RISKY), ("TF_LOG", SAFE)])
def test_a_variable_set_with_provider_credentials_made_global(tmp_path: Path, key: str, label: Any) -> None:
    varset = {"id": "varset-Nm4Bv6Cx8Zl0Kj2H", "name": "prod-creds", "organization": "acme", "priority": False}
    change = entry("tfe_variable_set.prod", ["update"], {**varset, "global": False}, {**varset, "global": True})
    member = {"id": "var-1", "key": key, "value": "arn:aws:iam::412398765021:role/tfc-admin", "category": "env",
              "sensitive": False, "variable_set_id": "varset-Nm4Bv6Cx8Zl0Kj2H"}
    assert judged(tmp_path, change, entry("tfe_variable.run_role", ["no-op"], member, member))[0] is label


def test_a_deny_added_whole_tightens_whatever_it_exempts(tmp_path: Path) -> None:
    allow = {"Sid": "AppRead", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/app"},
             "Action": "secretsmanager:GetSecretValue", "Resource": "*"}
    deny = {"Sid": "OnlyTheApp", "Effect": "Deny", "Principal": "*", "Action": "secretsmanager:*", "Resource": "*",
            "Condition": {"StringNotEquals": {"aws:PrincipalArn": ["arn:aws:iam::444455556666:role/break-glass"]}}}
    change = entry("aws_secretsmanager_secret_policy.db", ["update"],
                   {"secret_arn": "arn:aws:secretsmanager:eu-west-1:111122223333:secret:db",
                    "policy": json.dumps({"Version": "2012-10-17", "Statement": [allow]})},
                   {"secret_arn": "arn:aws:secretsmanager:eu-west-1:111122223333:secret:db",
                    "policy": json.dumps({"Version": "2012-10-17", "Statement": [allow, deny]})})
    assert "guardrail-relaxed" not in judged(tmp_path, change)[1]
