"""A secret holding a static credential deleted while the same plan gives exactly the workload it belongs to a
federated identity (GKE Workload Identity, a federated credential for one Kubernetes service account, an annotated
service account, a trust pinned to one repository): medium. A wildcard or whole-pool subject, a binding for another
namespace or service account, no binding, or a secret that holds data rather than a credential: stays high."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.pipeline.test_rules_deletes_by_what_they_lose import gone, worst
from tests.pipeline.test_rules_successors_take_over import made
from tfreview.pipeline.findings import Severity

SA = "projects/p-1/serviceAccounts/billing@p-1.iam.gserviceaccount.com"
OTHER_SA = "projects/p-1/serviceAccounts/ledger@p-1.iam.gserviceaccount.com"
SA_KEY = gone("google_service_account_key.billing", {"service_account_id": SA, "name": f"{SA}/keys/9f1e"})


def _k8s_secret(name: str, namespace: str = "billing") -> dict[str, Any]:
    return gone(f"kubernetes_secret_v1.{name.replace('-', '_')}",
                {"metadata": [{"name": name, "namespace": namespace}], "type": "Opaque"})


def _gke(member: str, account: str = SA) -> dict[str, Any]:
    return made("google_service_account_iam_member.wi", {"service_account_id": account,
                                                         "role": "roles/iam.workloadIdentityUser", "member": member})


def _federated(subject: str) -> dict[str, Any]:
    return made("nimbus_federated_credential.worker", {"issuer": "https://oidc.example/1", "subject": subject})


def _switched(account: str) -> dict[str, Any]:
    """A deployment in namespace billing, running as ACCOUNT, that stops reading its client secret."""
    def spec(env: list[Any]) -> dict[str, Any]:
        return {"metadata": [{"name": "billing-worker", "namespace": "billing"}],
                "spec": [{"template": [{"spec": [{"service_account_name": account,
                                                  "container": [{"name": "worker", "env": env}]}]}]}]}
    entry = made("kubernetes_deployment_v1.worker", spec([]))
    ref = {"name": "AZURE_CLIENT_SECRET", "value_from": [{"secret_key_ref": [{"name": "billing-sp", "key": "s"}]}]}
    entry["change"].update(actions=["update"], before=spec([ref]))
    return entry


VAULT_SECRET = gone("nimbus_vault_secret.billing_client", {"name": "billing-client-secret", "vault_id": "v-1"})
GKE_ONE = "serviceAccount:p-1.svc.id.goog[billing/billing-worker]"


@pytest.mark.parametrize("plan", [
    [SA_KEY, _k8s_secret("billing-sa-key"), _gke(GKE_ONE)],
    [VAULT_SECRET, _federated("system:serviceaccount:billing:billing-worker")],
    [VAULT_SECRET, _federated("system:serviceaccount:billing:billing-worker"), _switched("billing-worker")],
    [_k8s_secret("aws-access-key"),
     made("kubernetes_service_account_v1.worker", {"metadata": [{"name": "worker", "namespace": "billing",
          "annotations": {"eks.amazonaws.com/role-arn": "arn:aws:iam::1:role/billing"}}]})],
    [gone("github_actions_secret.deploy_key", {"repository": "billing-api", "secret_name": "CLOUD_ACCESS_KEY"}),
     made("aws_iam_role.deploy", {"assume_role_policy": '{"Condition":{"StringEquals":{"token.actions.'
                                  'githubusercontent.com:sub":"repo:acme/billing-api:ref:refs/heads/main"}}}'})],
], ids=["gke-workload-identity", "invented-federated-credential", "workload-runs-as-the-bound-account",
         "irsa-annotation", "github-oidc-repo"])
def test_static_credential_retired_for_one_workloads_identity_is_medium(tmp_path: Path,
                                                                        plan: list[dict[str, Any]]) -> None:
    assert worst(tmp_path, plan) is Severity.MEDIUM


@pytest.mark.parametrize("plan", [
    [SA_KEY, _k8s_secret("billing-sa-key"), _gke("serviceAccount:p-1.svc.id.goog[billing/*]")],
    [VAULT_SECRET, _federated("system:serviceaccount:*:billing-worker")],
    [SA_KEY, _k8s_secret("billing-sa-key"), _gke("serviceAccount:p-1.svc.id.goog[ledger/ledger-worker]")],
    [SA_KEY, _k8s_secret("billing-sa-key"), _gke(GKE_ONE, OTHER_SA)],
    [VAULT_SECRET, _federated("system:serviceaccount:ledger:ledger-worker")],
    [VAULT_SECRET, _federated("system:serviceaccount:billing:billing-api"), _switched("billing-worker")],
    [SA_KEY, _k8s_secret("billing-sa-key")],
    [VAULT_SECRET],
    [gone("github_actions_secret.deploy_key", {"repository": "billing-api", "secret_name": "CLOUD_ACCESS_KEY"}),
     made("aws_iam_role.deploy", {"assume_role_policy": '{"Condition":{"StringLike":{"token.actions.'
                                  'githubusercontent.com:sub":"repo:acme/billing-api:*"}}}'})],
    [_k8s_secret("billing-invoices-data"), _gke(GKE_ONE)],
    [_k8s_secret("billing-tls-key"), _gke(GKE_ONE)],
    [_k8s_secret("billing-sa-key"),
     made("kubernetes_cluster_role_binding_v1.rb", {"subject": [{"kind": "User",
                                                                 "name": "system:serviceaccount:billing:worker"}]})],
], ids=["pool-wildcard", "wildcard-namespace", "other-namespace", "other-service-account", "other-workload",
        "workload-runs-as-another-account", "no-binding", "no-binding-vault", "every-branch-of-repo", "holds-data",
        "tls-key", "rbac-subject-is-no-federation"])
def test_static_credential_without_one_workloads_identity_stays_high(tmp_path: Path,
                                                                     plan: list[dict[str, Any]]) -> None:
    assert worst(tmp_path, plan) is Severity.HIGH
