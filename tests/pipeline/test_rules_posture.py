"""Create-time posture that real public plans showed the rules missing, each principle across providers and shapes
with a benign look-alike that stays likely safe: a token typed into an environment variable, container capabilities
beyond Pod Security baseline, a managed Kubernetes API server created public with no authorized networks, a
cluster credential nested in a block and printed by an output, and a new web app that answers plain HTTP."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import review_rules_alone
from tfreview.labels import Label


def change(address: str, after: dict[str, Any], unknown: dict[str, Any] | None = None) -> dict[str, Any]:
    kind, name = address.split(".")[-2:]
    return {"address": address, "mode": "managed", "type": kind, "name": name,
            "provider_name": "registry.terraform.io/example/example",
            "change": {"actions": ["create"], "before": None, "after": after, "after_unknown": unknown or {},
                       "before_sensitive": False, "after_sensitive": {}}}


def review(tmp_path: Path, changes: list[dict[str, Any]], **sections: Any) -> tuple[Label, set[str]]:
    result = review_rules_alone(tmp_path, changes, **sections)
    return result.label, {f.rule for f in result.findings if f.severity.value == "high"}


def ecs(definition: dict[str, Any]) -> dict[str, Any]:
    return change("aws_ecs_task_definition.app", {"family": "app", "container_definitions": json.dumps([definition])})


def k8s_env(name: str, value: str) -> dict[str, Any]:
    return change("kubernetes_deployment.app", {"spec": [{"template": [{"spec": [{"container": [
        {"name": "app", "image": "app:1", "env": [{"name": name, "value": value}]}]}]}]}]})


# A plain word under a token's name is not read as a credential, in an environment variable or a setting: the
# rules cannot tell a typed secret (`CONSUL_HTTP_TOKEN=supersecure`) from a placeholder or an environment name
# (`OPENAI_API_KEY=staging`), and the credential patterns keep to what generated tokens look like.
ENV_TOKEN_BENIGN = {
    "switch-words": change("docker_container.app", {"name": "app", "image": "app", "env": [
        "GITHUB_TOKEN_MODE=required", "TOKEN_AUTH=enabled", "VAULT_TOKEN_PATH=/run/secrets/token", "LOG_LEVEL=debug"]}),
    "imds-http-tokens": change("aws_instance.web", {"ami": "ami-123",
                                                    "metadata_options": [{"http_tokens": "required"}]}),
    "kubernetes-env-empty-token": k8s_env("SLACK_TOKEN", "none"),
}


@pytest.mark.parametrize("case", ENV_TOKEN_BENIGN)
def test_switch_words_under_token_names_stay_safe(tmp_path: Path, case: str) -> None:
    assert review(tmp_path, [ENV_TOKEN_BENIGN[case]])[0] is Label.LIKELY_SAFE


# Capabilities that act on the node's kernel or other processes escape a container on any platform.
CAPS_RISKY = {
    "docker-ptrace": change("docker_container.vault", {"name": "vault", "image": "vault", "capabilities": [
        {"add": ["IPC_LOCK", "NET_ADMIN", "SYS_PTRACE"], "drop": []}]}),
    "kubernetes-sys-module": change("kubernetes_pod.agent", {"spec": [{"container": [{"name": "a", "security_context": [
        {"capabilities": [{"add": ["SYS_MODULE"]}]}]}]}]}),
    "ecs-linux-parameters": ecs({"name": "app", "image": "app", "linuxParameters": {
        "capabilities": {"add": ["CAP_DAC_READ_SEARCH"]}}}),
    "nomad-cap-add": change("nomad_job.app", {"jobspec": 'job "a" {\n  config {\n    cap_add = ["sys_admin"]\n'
                                                         "  }\n}\n"}),
}
CAPS_BENIGN = {
    "baseline-only": change("docker_container.web", {"name": "web", "image": "nginx", "capabilities": [
        {"add": ["NET_BIND_SERVICE"], "drop": ["ALL"]}]}),
    "vault-mlock": change("docker_container.vault", {"name": "vault", "image": "vault", "capabilities": [
        {"add": ["IPC_LOCK"], "drop": []}]}),
    "mesh-init-net-admin": change("kubernetes_pod.mesh", {"spec": [{"init_container": [{"name": "init",
                                  "security_context": [{"capabilities": [{"add": ["NET_ADMIN", "NET_RAW"]}]}]}]}]}),
}


@pytest.mark.parametrize("case", CAPS_RISKY)
def test_escaping_capability_added_is_high(tmp_path: Path, case: str) -> None:
    label, high = review(tmp_path, [CAPS_RISKY[case]])
    assert label is Label.NEEDS_CLOSE_REVIEW and "workload-node-escape" in high


@pytest.mark.parametrize("case", CAPS_BENIGN)
def test_capabilities_that_do_not_escape_stay_safe(tmp_path: Path, case: str) -> None:
    assert review(tmp_path, [CAPS_BENIGN[case]])[0] is Label.LIKELY_SAFE


# A managed Kubernetes cluster created with a public API server and no authorized networks.
CLUSTER_RISKY = {
    "aks-default-public": change("azurerm_kubernetes_cluster.aks", {
        "name": "aks", "public_network_access_enabled": True, "private_cluster_enabled": None,
        "private_cluster_public_fqdn_enabled": False, "api_server_authorized_ip_ranges": None}),
    "gke-default-public": change("google_container_cluster.gke", {
        "name": "gke", "network": "default", "private_cluster_config": [], "master_authorized_networks_config": []}),
    "eks-world-cidrs": change("aws_eks_cluster.eks", {"name": "eks", "vpc_config": [{
        "endpoint_private_access": False, "endpoint_public_access": True, "public_access_cidrs": ["0.0.0.0/0"],
        "subnet_ids": ["subnet-1"]}]}),
    "invented-provider-public-ip": change("oci_containerengine_cluster.oke", {
        "name": "oke", "endpoint_config": [{"is_public_ip_enabled": True, "subnet_id": "s"}]}),
}
CLUSTER_BENIGN = {
    "aks-private": change("azurerm_kubernetes_cluster.aks", {"name": "aks", "private_cluster_enabled": True,
                                                             "public_network_access_enabled": True}),
    "aks-authorized-ranges": change("azurerm_kubernetes_cluster.aks", {
        "name": "aks", "api_server_access_profile": [{"authorized_ip_ranges": ["203.0.113.0/24"]}]}),
    "gke-authorized-networks": change("google_container_cluster.gke", {
        "name": "gke", "master_authorized_networks_config": [{"cidr_blocks": [
            {"cidr_block": "10.0.0.0/8", "display_name": "vpn"}]}]}),
    "gke-private-endpoint": change("google_container_cluster.gke", {
        "name": "gke", "private_cluster_config": [{"enable_private_nodes": True, "enable_private_endpoint": True}]}),
    "eks-private-endpoint": change("aws_eks_cluster.eks", {"name": "eks", "vpc_config": [{
        "endpoint_private_access": True, "endpoint_public_access": False, "subnet_ids": ["subnet-1"]}]}),
    "eks-office-cidr": change("aws_eks_cluster.eks", {"name": "eks", "vpc_config": [{
        "endpoint_public_access": True, "public_access_cidrs": ["198.51.100.7/32"], "subnet_ids": ["subnet-1"]}]}),
    # The documented hybrid mode (a private path for the nodes beside the public endpoint) is reported medium.
    "gke-private-nodes-public-endpoint": change("google_container_cluster.gke", {
        "name": "gke", "private_cluster_config": [{"enable_private_nodes": True, "enable_private_endpoint": False}],
        "master_authorized_networks_config": []}),
    "eks-public-and-private": change("aws_eks_cluster.eks", {"name": "eks", "vpc_config": [{
        "endpoint_private_access": True, "endpoint_public_access": True, "public_access_cidrs": ["0.0.0.0/0"]}]}),
    "database-cluster": change("aws_rds_cluster.db", {"cluster_identifier": "db", "engine": "aurora-postgresql"}),
}


@pytest.mark.parametrize("case", CLUSTER_RISKY)
def test_cluster_created_with_open_api_server_is_high(tmp_path: Path, case: str) -> None:
    label, high = review(tmp_path, [CLUSTER_RISKY[case]])
    assert label is Label.NEEDS_CLOSE_REVIEW and "cluster-api-exposed" in high


@pytest.mark.parametrize("case", CLUSTER_BENIGN)
def test_private_or_restricted_cluster_stays_safe(tmp_path: Path, case: str) -> None:
    assert review(tmp_path, [CLUSTER_BENIGN[case]])[0] is Label.LIKELY_SAFE


def outputs_plan(cluster: dict[str, Any], outputs: dict[str, list[str]], sensitive: bool = False) -> dict[str, Any]:
    """Sections of a plan whose root outputs read REFERENCES (each listed with its prefixes, as Terraform does)."""
    declared: dict[str, Any] = {}
    for name, references in outputs.items():
        found: list[str] = []
        for reference in references:
            parts = reference.split(".")
            found += [".".join(parts[:n]) for n in range(len(parts), 1, -1)]
        declared[name] = {"expression": {"references": list(dict.fromkeys(found))},
                          **({"sensitive": True} if sensitive else {})}
    changes = {name: {"actions": ["create"], "before": None, "after_unknown": True, "before_sensitive": False,
                      "after_sensitive": sensitive} for name in outputs}
    return {"output_changes": changes, "configuration": {"root_module": {
        "resources": [{"address": cluster["address"], "mode": "managed", "type": cluster["type"],
                       "name": cluster["name"]}], "outputs": declared}}}


GKE = change("google_container_cluster.primary", {"name": "primary", "private_cluster_config": [
    {"enable_private_endpoint": True}]}, {"master_auth": True})
AKS = change("azurerm_kubernetes_cluster.aks", {"name": "aks", "private_cluster_enabled": True},
             {"kube_config": True, "kube_config_raw": True})


@pytest.mark.parametrize(("cluster", "outputs"), [
    (GKE, {"client_key": ["google_container_cluster.primary.master_auth[0].client_key"]}),
    (AKS, {"admin_password": ["azurerm_kubernetes_cluster.aks.kube_config[0].password"]}),
    (AKS, {"admin_client_key": ["azurerm_kubernetes_cluster.aks.kube_admin_config[0].client_key"]}),
], ids=["gke-client-key", "aks-nested-password", "aks-nested-client-key"])
def test_output_of_a_nested_cluster_credential_is_high(tmp_path: Path, cluster: dict[str, Any],
                                                       outputs: dict[str, list[str]]) -> None:
    label, high = review(tmp_path, [cluster], **outputs_plan(cluster, outputs))
    assert label is Label.NEEDS_CLOSE_REVIEW and "credential-leak" in high


@pytest.mark.parametrize(("cluster", "outputs", "sensitive"), [
    (GKE, {"endpoint": ["google_container_cluster.primary.endpoint"],
           "ca": ["google_container_cluster.primary.master_auth[0].cluster_ca_certificate"]}, False),
    (GKE, {"client_key": ["google_container_cluster.primary.master_auth[0].client_key"]}, True),
    (AKS, {"host": ["azurerm_kubernetes_cluster.aks.kube_config[0].host"]}, False),
], ids=["gke-endpoint-and-ca", "gke-client-key-sensitive", "aks-host"])
def test_public_cluster_facts_and_marked_outputs_stay_safe(tmp_path: Path, cluster: dict[str, Any],
                                                           outputs: dict[str, list[str]], sensitive: bool) -> None:
    assert review(tmp_path, [cluster], **outputs_plan(cluster, outputs, sensitive))[0] is Label.LIKELY_SAFE


# A new internet-facing web app created with HTTPS-only off answers plain HTTP, whoever chose the default.
@pytest.mark.parametrize("kind", ["azurerm_linux_web_app", "azurerm_windows_function_app", "azurerm_app_service"])
def test_new_public_app_answering_plain_http_is_high(tmp_path: Path, kind: str) -> None:
    label, high = review(tmp_path, [change(f"{kind}.app", {"name": "app", "https_only": False})])
    assert label is Label.NEEDS_CLOSE_REVIEW and "encryption-disabled" in high


@pytest.mark.parametrize("after", [
    {"name": "app", "https_only": True},
    {"name": "app", "https_only": False, "public_network_access_enabled": False},
], ids=["https-only", "not-internet-facing"])
def test_https_only_or_private_app_stays_safe(tmp_path: Path, after: dict[str, Any]) -> None:
    assert review(tmp_path, [change("azurerm_linux_web_app.app", after)])[0] is Label.LIKELY_SAFE
