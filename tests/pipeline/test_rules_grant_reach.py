"""A grant's reach read as verbs x resources x scope x condition (GCP, Azure, Kubernetes): each narrowing that
keeps a grant likely safe has a risky twin that stays high, and each widening a look-alike that stays safe."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.helpers import review_rules_alone
from tests.pipeline.test_rules_controls_reach_lifecycle import judge
from tfreview.pipeline.findings import Severity

SAFE, CLOSE = "likely_safe", "needs_close_review"
SA = "serviceAccount:ci@p.iam.gserviceaccount.com"
RG = "/subscriptions/8f2b6c1e-0000-4b7e-9c5f-1a2b3c4d5e6f/resourceGroups/rg-sandbox"
SUB = "/subscriptions/8f2b6c1e-0000-4b7e-9c5f-1a2b3c4d5e6f"


def _rule(resources: list[str], verbs: list[str], groups: list[str] | None = None,
          names: list[str] | None = None) -> dict[str, Any]:
    return {"api_groups": groups if groups is not None else [""], "resources": resources, "verbs": verbs,
            "resource_names": names or [], "non_resource_urls": []}


def _role(rules: list[dict[str, Any]], namespace: str = "payments") -> dict[str, Any]:
    return {"metadata": [{"name": "operator", "namespace": namespace}], "rule": rules}


@pytest.mark.parametrize(("resource_type", "after", "label"), [
    # verbs "*" on named built-in resources that hold no power, in an application namespace: not admin
    ("kubernetes_role_v1", _role([_rule(["configmaps"], ["*"]), _rule(["leases"], ["*"], ["coordination.k8s.io"])]),
     SAFE),
    ("kubernetes_role_v1", _role([_rule(["secrets"], ["*"])]), CLOSE),
    ("kubernetes_role_v1", _role([_rule(["*"], ["*"])]), CLOSE),
    ("kubernetes_role_v1", _role([_rule(["deployments"], ["*"], ["apps"])]), CLOSE),  # runs pods as any account
    ("kubernetes_role_v1", _role([_rule(["applications"], ["*"], ["argoproj.io"])]), CLOSE),  # a custom group
    ("kubernetes_role_v1", _role([_rule(["configmaps"], ["*"])], "kube-system"), CLOSE),  # the control plane's
    ("kubernetes_cluster_role_v1", _role([_rule(["configmaps"], ["*"])]), CLOSE),  # aws-auth is a configmap
])
def test_wildcard_verbs_are_read_with_the_resources_they_reach(tmp_path: Path, resource_type: str,
                                                               after: dict[str, Any], label: str) -> None:
    assert judge(tmp_path, resource_type, None, after)[0] == label


@pytest.mark.parametrize(("rule", "label"), [
    (_rule(["serviceaccounts"], ["impersonate"], names=["deploy-readonly"]), SAFE),
    (_rule(["serviceaccounts", "users", "groups"], ["impersonate"]), CLOSE),
    (_rule(["clusterroles"], ["bind"], ["rbac.authorization.k8s.io"], names=["cluster-admin"]), CLOSE),
    (_rule(["serviceaccounts"], ["impersonate"], names=["*"]), CLOSE),
])
def test_impersonate_and_bind_limited_by_resource_names(tmp_path: Path, rule: dict[str, Any], label: str) -> None:
    assert judge(tmp_path, "kubernetes_cluster_role_v1", None, _role([rule]))[0] == label


def _binding(role: str, namespace: str, subject: str = "system:serviceaccounts") -> dict[str, Any]:
    return {"metadata": [{"name": "b", "namespace": namespace}],
            "role_ref": [{"api_group": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": role}],
            "subject": [{"api_group": "rbac.authorization.k8s.io", "kind": "Group", "name": subject}]}


@pytest.mark.parametrize(("namespace", "severity"), [("kube-system", Severity.HIGH), ("payments", Severity.MEDIUM)])
def test_admin_in_the_control_plane_namespace_is_cluster_admin(tmp_path: Path, namespace: str,
                                                               severity: Severity) -> None:
    _, worst = judge(tmp_path, "kubernetes_role_binding_v1", None, _binding("admin", namespace))
    assert worst["iam-privileged-role"] is severity


def _change(resource_type: str, name: str, after: dict[str, Any]) -> dict[str, Any]:
    return {"address": f"{resource_type}.{name}", "mode": "managed", "type": resource_type, "name": name,
            "provider_name": "registry.terraform.io/hashicorp/kubernetes",
            "change": {"actions": ["create"], "before": None, "after": after, "after_unknown": {}}}


@pytest.mark.parametrize(("role_rules", "role_name", "label"), [
    ([_rule(["selfsubjectaccessreviews", "selfsubjectrulesreviews"], ["create"], ["authorization.k8s.io"])],
     "self-review", SAFE),
    ([_rule(["subjectaccessreviews"], ["create"], ["authorization.k8s.io"])], "self-review", CLOSE),  # anyone's
    ([_rule(["selfsubjectaccessreviews"], ["create"], ["authorization.k8s.io"])], "edit", CLOSE),  # binds another
])
def test_everyone_bound_to_a_role_that_only_answers_about_the_caller(tmp_path: Path, role_rules: list[Any],
                                                                     role_name: str, label: str) -> None:
    role = {"metadata": [{"name": "self-review"}], "rule": role_rules}
    result = review_rules_alone(tmp_path, [
        _change("kubernetes_cluster_role_v1", "self_review", role),
        _change("kubernetes_cluster_role_binding_v1", "self_review", _binding(role_name, "", "system:authenticated"))])
    assert result.label.value == label


@pytest.mark.parametrize(("actions", "not_actions", "scopes", "label"), [
    (["*/read", "Microsoft.Support/*"], ["Microsoft.Storage/storageAccounts/listKeys/action"], [SUB], SAFE),
    (["*/read", "Microsoft.Compute/*"], [], [SUB], CLOSE),
    (["*"], ["Microsoft.Authorization/*/Delete", "Microsoft.Authorization/*/Write"], [RG], SAFE),  # Contributor
    (["*"], ["Microsoft.Authorization/*/Delete", "Microsoft.Authorization/*/Write"], [SUB], CLOSE),
    (["*"], ["*/delete"], [RG], CLOSE),  # can still write role assignments: Owner
    (["*"], [], [SUB], CLOSE),
])
def test_azure_custom_role_actions_read_for_what_they_allow(tmp_path: Path, actions: list[str],
                                                            not_actions: list[str], scopes: list[str],
                                                            label: str) -> None:
    after = {"name": "custom", "scope": scopes[0], "assignable_scopes": scopes,
             "permissions": [{"actions": actions, "not_actions": not_actions, "data_actions": [],
                              "not_data_actions": []}]}
    assert judge(tmp_path, "azurerm_role_definition", None, after)[0] == label


READER = "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1"
OWNER = "8e3af657-a8ff-443c-a75c-2fe8c4bcb635"


def _abac(operator: str, guid: str) -> str:
    return ("((!(ActionMatches{'Microsoft.Authorization/roleAssignments/write'})) OR "
            f"(@Request[Microsoft.Authorization/roleAssignments:RoleDefinitionId] {operator} {{{guid}}}))")


@pytest.mark.parametrize(("condition", "label"), [
    (_abac("ForAnyOfAnyValues:GuidEquals", READER), SAFE),
    (_abac("ForAnyOfAnyValues:GuidEquals", OWNER), CLOSE),
    (_abac("ForAnyOfAllValues:GuidNotEquals", OWNER), CLOSE),  # excludes one role, allows every other
    (None, CLOSE),
])
def test_an_abac_condition_limits_what_an_rbac_administrator_hands_out(tmp_path: Path, condition: str | None,
                                                                       label: str) -> None:
    after = {"scope": RG, "role_definition_name": "Role Based Access Control Administrator", "principal_id": "p1",
             "condition": condition, "condition_version": "2.0" if condition else None}
    assert judge(tmp_path, "azurerm_role_assignment", None, after)[0] == label


@pytest.mark.parametrize(("scope", "label"), [(RG, SAFE), (SUB, CLOSE)])
def test_an_owner_held_to_assigning_readers_keeps_contributor_rights(tmp_path: Path, scope: str, label: str) -> None:
    after = {"scope": scope, "role_definition_name": "Owner", "principal_id": "p1",
             "condition": _abac("ForAnyOfAnyValues:GuidEquals", READER), "condition_version": "2.0"}
    assert judge(tmp_path, "azurerm_role_assignment", None, after)[0] == label


@pytest.mark.parametrize(("condition", "label"), [
    ([{"title": "one bucket", "expression": 'resource.name.startsWith("projects/_/buckets/acme-ci-artifacts/")'}],
     SAFE),
    ([], CLOSE),
    ([{"title": "expires", "expression": 'request.time < timestamp("2027-01-01T00:00:00Z")'}], CLOSE),
    ([{"title": "or", "expression": 'resource.name.startsWith("projects/_/buckets/a/") || true'}], CLOSE),
])
def test_a_google_condition_that_pins_one_resource(tmp_path: Path, condition: list[Any], label: str) -> None:
    after = {"project": "p", "role": "roles/storage.objectAdmin", "member": SA, "condition": condition}
    assert judge(tmp_path, "google_project_iam_member", None, after)[0] == label


POOL = "principalSet://iam.googleapis.com/projects/903311/locations/global/workloadIdentityPools/github"


@pytest.mark.parametrize(("member", "label"), [
    (f"{POOL}/*", CLOSE),
    (f"{POOL}/attribute.repository/acme/infra", SAFE),
])
def test_impersonation_granted_to_a_whole_identity_pool(tmp_path: Path, member: str, label: str) -> None:
    after = {"service_account_id": "projects/p/serviceAccounts/deploy@p.iam.gserviceaccount.com",
             "role": "roles/iam.workloadIdentityUser", "member": member, "condition": []}
    assert judge(tmp_path, "google_service_account_iam_member", None, after)[0] == label


@pytest.mark.parametrize(("condition", "label"), [
    ("assertion.repository_owner.startsWith('acme')", CLOSE),  # admits acme-attacker
    ("assertion.sub.startsWith('repo:acme')", CLOSE),
    ("assertion.repository.startsWith('acme/')", SAFE),  # ends at the separator: one owner
    ("assertion.repository_owner == 'acme'", SAFE),
    ("assertion.repository_owner.startsWith('acme') && assertion.repository_owner_id == '4711'", SAFE),
])
def test_a_prefix_on_an_identity_claim_restricts_nothing_an_attacker_can_name(tmp_path: Path, condition: str,
                                                                              label: str) -> None:
    after = {"workload_identity_pool_id": "github", "workload_identity_pool_provider_id": "gh",
             "attribute_mapping": {"google.subject": "assertion.sub"}, "attribute_condition": condition,
             "oidc": [{"issuer_uri": "https://token.actions.githubusercontent.com", "allowed_audiences": []}]}
    assert judge(tmp_path, "google_iam_workload_identity_pool_provider", None, after)[0] == label


GLOBAL_ADMIN = "62e90394-69f5-4237-9190-012177145e10"


@pytest.mark.parametrize(("resource_type", "after", "label"), [
    ("azuread_conditional_access_policy", {"display_name": "admins need compliant devices", "state": "enabled",
                                           "conditions": [{"users": [{"included_roles": [GLOBAL_ADMIN]}]}],
                                           "grant_controls": [{"built_in_controls": ["compliantDevice"]}]}, SAFE),
    ("azuread_directory_role_assignment", {"role_id": GLOBAL_ADMIN, "principal_object_id": "u1"}, CLOSE),
])
def test_a_policy_that_targets_an_admin_role_does_not_grant_it(tmp_path: Path, resource_type: str,
                                                               after: dict[str, Any], label: str) -> None:
    label_found, worst = judge(tmp_path, resource_type, None, after)
    assert label_found == label
    assert (worst.get("iam-privileged-role") is Severity.HIGH) is (label == CLOSE)
