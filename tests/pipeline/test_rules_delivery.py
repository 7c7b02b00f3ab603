"""How code reaches production (session 15's ci-cd-and-delivery principles), each risky plan beside a look-alike that
stays likely safe: an author approving their own change, a merge policy made advisory, a pipeline's source moved to
another owner, a deployment gate opened to every branch, signature verification removed from a GitOps source, an
RBAC line granting everything, and a variable added beside a secret one."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.helpers import review_rules_alone, worst_by_rule
from tfreview.labels import Label
from tfreview.pipeline.findings import Severity

RISKY, SAFE = Label.NEEDS_CLOSE_REVIEW, Label.LIKELY_SAFE


def judged(tmp_path: Path, address: str, actions: list[str], before: Any, after: Any) -> tuple[Label, dict]:
    kind, name = address.rsplit(".", 2)[-2:]
    result = review_rules_alone(tmp_path, [{
        "address": address, "mode": "managed", "type": kind, "name": name,
        "provider_name": "registry.terraform.io/x/x",
        "change": {"actions": actions, "before": before, "after": after, "after_unknown": {},
                   "before_sensitive": {} if before is not None else False, "after_sensitive": {}}}])
    return result.label, worst_by_rule(result)


# --- who may approve --------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("address", "key", "old", "new"), [
    ("azuredevops_check_approval.prod", "requester_can_approve", False, True),
    ("azuredevops_branch_policy_min_reviewers.main", "submitter_can_vote", False, True),
    ("gitlab_project_approval_rule.main", "merge_requests_author_approval", False, True),
    ("github_repository_environment.production", "prevent_self_review", True, False),
    ("azuredevops_branch_policy_min_reviewers.main", "blocking", True, False),
])
def test_an_author_approving_their_own_change_or_an_advisory_policy(tmp_path: Path, address: str, key: str,
                                                                      old: bool, new: bool) -> None:
    before = {"enabled": True, "minimum_approvers": 1, key: old}
    label, found = judged(tmp_path, address, ["update"], before, {**before, key: new})
    assert label is RISKY and found.get("protection-disabled") is Severity.HIGH


@pytest.mark.parametrize(("key", "old", "new"), [("requester_can_approve", True, False), ("timeout", 43200, 86400)])
def test_an_approval_check_tightened_or_retimed_stays_safe(tmp_path: Path, key: str, old: Any, new: Any) -> None:
    before = {"enabled": True, "minimum_approvers": 1, key: old}
    assert judged(tmp_path, "azuredevops_check_approval.prod", ["update"], before, {**before, key: new})[0] is SAFE


# --- where the code comes from ----------------------------------------------------------------------------------
def pipeline(repository: str, branch: str = "main") -> dict[str, Any]:
    configuration = {"ConnectionArn": "arn:aws:codestar-connections:eu-west-1:111122223333:connection/abc",
                     "FullRepositoryId": repository, "BranchName": branch}
    return {"name": "storefront", "stage": [{"name": "Source", "action": [{"name": "Source", "configuration":
                                                                           configuration}]}]}


def test_a_pipeline_source_moved_to_another_owner(tmp_path: Path) -> None:
    label, found = judged(tmp_path, "aws_codepipeline.storefront", ["update"], pipeline("northwind-eng/storefront-api"),
                          pipeline("nw-eng-tools/storefront-api"))
    assert label is RISKY and found.get("gitops-source-moved") is Severity.HIGH


def test_a_pipeline_source_on_another_branch_stays_safe(tmp_path: Path) -> None:
    label, _ = judged(tmp_path, "aws_codepipeline.storefront", ["update"], pipeline("northwind-eng/storefront-api"),
                      pipeline("northwind-eng/storefront-api", "release"))
    assert label is SAFE


# --- which refs may deploy --------------------------------------------------------------------------------------
@pytest.mark.parametrize(("pattern", "label"), [("*", RISKY), ("release/v*", SAFE)])
def test_a_deployment_gate_opened_to_every_branch(tmp_path: Path, pattern: str, label: Label) -> None:
    after = {"repository": "storefront-api", "environment": "production", "branch_pattern": pattern}
    assert judged(tmp_path, "github_repository_environment_deployment_policy.prod", ["create"], None, after)[0] is label


def test_a_branch_protection_on_every_branch_is_stricter_not_open(tmp_path: Path) -> None:
    after = {"repository_id": "R_1", "pattern": "*", "required_linear_history": True}
    assert judged(tmp_path, "github_branch_protection.all", ["create"], None, after)[0] is SAFE


# --- signatures of what is deployed ------------------------------------------------------------------------------
def source(verify: dict[str, Any] | None, ref: dict[str, str]) -> dict[str, Any]:
    spec: dict[str, Any] = {"interval": "1m", "url": "ssh://git@github.com/northwind-eng/platform-gitops.git",
                            "ref": ref}
    if verify is not None:
        spec["verify"] = verify
    return {"manifest": {"apiVersion": "source.toolkit.fluxcd.io/v1", "kind": "GitRepository",
                         "metadata": {"name": "platform", "namespace": "flux-system"}, "spec": spec}}


SIGNED = {"mode": "HEAD", "secretRef": {"name": "release-signers"}}


def test_signature_verification_removed_from_a_gitops_source(tmp_path: Path) -> None:
    label, found = judged(tmp_path, "kubernetes_manifest.platform_source", ["update"],
                          source(SIGNED, {"tag": "v3.4.0"}), source(None, {"branch": "main"}))
    assert label is RISKY and found.get("supply-chain-opened") is Severity.HIGH


def test_a_signed_source_moved_to_a_newer_tag_stays_safe(tmp_path: Path) -> None:
    label, _ = judged(tmp_path, "kubernetes_manifest.platform_source", ["update"],
                      source(SIGNED, {"tag": "v3.4.0"}), source(SIGNED, {"tag": "v3.5.0"}))
    assert label is SAFE


# --- RBAC policy lines ------------------------------------------------------------------------------------------
def project(policies: list[str]) -> dict[str, Any]:
    return {"manifest": {"apiVersion": "argoproj.io/v1alpha1", "kind": "AppProject",
                         "metadata": {"name": "storefront", "namespace": "argocd"},
                         "spec": {"roles": [{"name": "ci", "policies": policies}]}}}


SYNC = "p, proj:storefront:ci, applications, sync, storefront/*, allow"


@pytest.mark.parametrize("line", ["p, proj:storefront:ci, *, *, */*, allow", "g, contractors, role:admin"])
def test_a_policy_line_that_grants_everything(tmp_path: Path, line: str) -> None:
    label, found = judged(tmp_path, "kubernetes_manifest.storefront_project", ["update"], project([SYNC]),
                          project([SYNC, line]))
    assert label is RISKY and found.get("iam-privileged-role") is Severity.HIGH


@pytest.mark.parametrize("line", ["p, proj:storefront:ci, applications, get, storefront/*, allow",
                                  "p, proj:storefront:ci, *, *, */*, deny", "g, sre-oncall, role:readonly"])
def test_a_narrow_or_denying_policy_line_stays_safe(tmp_path: Path, line: str) -> None:
    assert judged(tmp_path, "kubernetes_manifest.storefront_project", ["update"], project([SYNC]),
                  project([SYNC, line]))[0] is SAFE


def test_an_rbac_config_map_granting_admin_to_a_group(tmp_path: Path) -> None:
    def rbac(csv: str) -> dict[str, Any]:
        return {"metadata": [{"name": "argocd-rbac-cm", "namespace": "argocd"}], "data": {"policy.csv": csv}}
    label, _ = judged(tmp_path, "kubernetes_config_map_v1.argocd_rbac", ["update"], rbac("g, sre, role:readonly\n"),
                      rbac("g, sre, role:readonly\ng, vendor-team, role:admin\n"))
    assert label is RISKY


# --- a list of variables that only gains one -------------------------------------------------------------------
def group(variables: list[dict[str, Any]]) -> dict[str, Any]:
    return {"name": "prod-deploy", "variable": variables}


def variable(name: str, value: str, secret: bool) -> dict[str, Any]:
    return {"name": name, "value": value, "secret_value": "", "is_secret": secret, "content_type": "", "expires": ""}


def test_a_plain_variable_added_beside_a_secret_one_is_no_unmasking(tmp_path: Path) -> None:
    kept = [variable("AZURE_REGION", "westeurope", False), variable("SQL_ADMIN_PASSWORD", "", True)]
    label, found = judged(tmp_path, "azuredevops_variable_group.prod_deploy", ["update"], group(kept),
                          group([*kept, variable("AZURE_RESOURCE_GROUP", "rg-shop-prod", False)]))
    assert label is SAFE and "variable-unmasked" not in found


# --- a link the object already had ------------------------------------------------------------------------------
def pool(machine: str, peered: str | None) -> dict[str, Any]:
    network = [{"peered_network": peered, "no_external_ip": True}] if peered else []
    return {"name": "prod-private", "location": "europe-west1", "network_config": network,
            "worker_config": [{"machine_type": machine, "disk_size_gb": 100}]}


HOST = "projects/nw-net-host/global/networks/shared"


def test_a_worker_pool_resized_keeps_the_peering_it_had(tmp_path: Path) -> None:
    label, found = judged(tmp_path, "google_cloudbuild_worker_pool.prod_private", ["update"],
                          pool("e2-standard-4", HOST), pool("e2-standard-8", HOST))
    assert label is SAFE and "foreign-network-link" not in found


def test_a_worker_pool_newly_peered_with_a_network_the_plan_never_shows(tmp_path: Path) -> None:
    # reported (the network may be anyone's); held only once the link hands over more than that network
    found = judged(tmp_path, "google_cloudbuild_worker_pool.prod_private", ["update"],
                   pool("e2-standard-4", None), pool("e2-standard-4", HOST))[1]
    assert found.get("foreign-network-link") is Severity.MEDIUM
    default = "projects/nw-net-host/global/networks/default"
    found = judged(tmp_path, "google_cloudbuild_worker_pool.prod_private", ["update"],
                   pool("e2-standard-4", None), pool("e2-standard-4", default))[1]
    assert found.get("foreign-network-link") is Severity.HIGH


# --- an admission policy's scope -------------------------------------------------------------------------------
def cluster_policy(namespaces: list[str]) -> dict[str, Any]:
    rule = {"name": "cosign-keyless", "match": {"any": [{"resources": {"kinds": ["Pod"], "namespaces": namespaces}}]},
            "verifyImages": [{"imageReferences": ["registry.northwind.dev/*"]}]}
    return {"manifest": {"apiVersion": "kyverno.io/v1", "kind": "ClusterPolicy",
                         "metadata": {"name": "verify-release-images"},
                         "spec": {"validationFailureAction": "Enforce", "rules": [rule]}}}


def test_a_policy_moved_off_the_namespaces_it_guarded(tmp_path: Path) -> None:
    label, found = judged(tmp_path, "kubernetes_manifest.verify_release_images", ["update"],
                          cluster_policy(["storefront", "checkout"]), cluster_policy(["storefront-sandbox"]))
    assert label is RISKY and found.get("protection-disabled") is Severity.HIGH


@pytest.mark.parametrize("namespaces", [["storefront", "checkout", "payments"], ["checkout"], []])
def test_a_policy_that_keeps_or_widens_its_scope_stays_safe(tmp_path: Path, namespaces: list[str]) -> None:
    # an emptied list matches every namespace; one that keeps a namespace still guards it
    found = judged(tmp_path, "kubernetes_manifest.verify_release_images", ["update"],
                   cluster_policy(["storefront", "checkout"]), cluster_policy(namespaces))[1]
    assert "protection-disabled" not in found
