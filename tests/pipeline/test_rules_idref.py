"""Grants whose role, policy or permission is known only after apply, judged by what the resource (or data source)
their configuration references grants — each with a benign look-alike whose referenced role is read-only or narrow,
and an unresolvable reference that keeps today's behaviour."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import review_rules_alone
from tfreview.labels import Label

Entry = tuple[str, dict[str, Any], dict[str, Any], dict[str, Any]]  # address, after, after_unknown, expressions


def ref(*references: str) -> dict[str, Any]:
    """An expression made of references, listed as Terraform lists them (each one's prefixes too)."""
    found: list[str] = []
    for reference in references:
        parts = reference.split(".")
        found += [".".join(parts[:n]) for n in range(len(parts), 1, -1) if n >= (3 if parts[0] == "data" else 2)]
    return {"references": list(dict.fromkeys(found))}


def const(value: Any) -> dict[str, Any]:
    return {"constant_value": value}


def review(tmp_path: Path, entries: list[Entry]) -> tuple[Label, list[str]]:
    """Review a plan of ENTRIES (managed or data) with the rules alone: its label and its findings, shown."""
    changes: list[dict[str, Any]] = []
    resources: list[dict[str, Any]] = []
    for address, after, unknown, expressions in entries:
        data = address.startswith("data.")
        kind, name = address.split(".")[-2:]
        mode = "data" if data else "managed"
        changes.append(
            {
                "address": address,
                "mode": mode,
                "type": kind,
                "name": name,
                "provider_name": f"registry.terraform.io/acme/{kind.split('_')[0]}",
                "change": {
                    "actions": ["read" if data else "create"],
                    "before": None,
                    "after": after,
                    "after_unknown": unknown,
                    "after_sensitive": {},
                },
            }
        )
        resources.append({"address": address, "mode": mode, "type": kind, "name": name, "expressions": expressions})
    result = review_rules_alone(tmp_path, changes, configuration={"root_module": {"resources": resources}})
    return result.label, [f"{f.severity.value} {f.rule} {f.message}" for f in result.findings]


# --- Azure AD: a directory role activated in the same plan, assigned by its object id ------------------------


def _directory_role(tmp_path: Path, role: str) -> tuple[Label, list[str]]:
    return review(
        tmp_path,
        [
            (
                "azuread_directory_role.sync",
                {"display_name": role},
                {"id": True, "object_id": True, "template_id": True, "description": True},
                {"display_name": ref("var.connector_role")},
            ),
            (
                "azuread_directory_role_assignment.sync_sp",
                {"directory_scope_id": "/", "principal_object_id": "f1a3c5e7-9b1d-4f3a-8c5e-7a9c1e3b5d7f"},
                {"id": True, "role_id": True, "app_scope_id": True},
                {
                    "principal_object_id": const("f1a3c5e7-9b1d-4f3a-8c5e-7a9c1e3b5d7f"),
                    "role_id": ref("azuread_directory_role.sync.template_id"),
                },
            ),
        ],
    )


@pytest.mark.parametrize("role", ["Global Administrator", "Privileged Role Administrator"])
def test_directory_role_assigned_by_reference_is_judged_by_its_name(tmp_path: Path, role: str) -> None:
    label, found = _directory_role(tmp_path, role)
    assert label is Label.NEEDS_CLOSE_REVIEW, found
    assert any(role in f and f.startswith("high") for f in found), found


@pytest.mark.parametrize("role", ["Directory Readers", "Global Reader"])
def test_read_only_directory_role_assigned_by_reference_stays_safe(tmp_path: Path, role: str) -> None:
    label, found = _directory_role(tmp_path, role)
    assert label is Label.LIKELY_SAFE, found


# --- azurerm: a custom role definition of the same plan, assigned through its resource id -------------------


def _azurerm_role(tmp_path: Path, actions: list[str]) -> tuple[Label, list[str]]:
    return review(
        tmp_path,
        [
            (
                "azurerm_role_definition.ops",
                {
                    "name": "platform-ops",
                    "scope": "/subscriptions/0000-1111",
                    "permissions": [
                        {"actions": actions, "not_actions": [], "data_actions": [], "not_data_actions": []}
                    ],
                    "assignable_scopes": ["/subscriptions/0000-1111"],
                },
                {"id": True, "role_definition_id": True, "role_definition_resource_id": True},
                {"name": const("platform-ops"), "permissions": [{"actions": const(actions)}]},
            ),
            (
                "azurerm_role_assignment.ops",
                {"scope": "/subscriptions/0000-1111", "principal_id": "9d0c1f7e-aaaa"},
                {"id": True, "role_definition_id": True, "role_definition_name": True},
                {
                    "scope": const("/subscriptions/0000-1111"),
                    "role_definition_id": ref("azurerm_role_definition.ops.role_definition_resource_id"),
                },
            ),
        ],
    )


def test_azurerm_custom_role_of_every_action_assigned_by_reference_is_admin(tmp_path: Path) -> None:
    label, found = _azurerm_role(tmp_path, ["*"])
    assert label is Label.NEEDS_CLOSE_REVIEW, found


def test_azurerm_custom_read_role_assigned_by_reference_stays_safe(tmp_path: Path) -> None:
    label, found = _azurerm_role(tmp_path, ["Microsoft.Storage/storageAccounts/read", "*/read"])
    assert label is Label.LIKELY_SAFE, found


# --- google: a custom role of the same plan, or a predefined role named through a data source --------------


def _google_custom(tmp_path: Path, permissions: list[str]) -> tuple[Label, list[str]]:
    return review(
        tmp_path,
        [
            (
                "google_project_iam_custom_role.deployer",
                {"role_id": "deployer", "project": "acme-prod", "title": "Deployer", "permissions": permissions},
                {"id": True, "name": True},
                {"role_id": const("deployer"), "permissions": const(permissions)},
            ),
            (
                "google_project_iam_member.deployer",
                {"project": "acme-prod", "member": "serviceAccount:ci@acme-prod.iam.gserviceaccount.com"},
                {"id": True, "role": True, "etag": True},
                {"role": ref("google_project_iam_custom_role.deployer.id")},
            ),
        ],
    )


def test_google_custom_role_that_sets_iam_policy_bound_by_reference_is_admin(tmp_path: Path) -> None:
    label, found = _google_custom(tmp_path, ["run.services.update", "resourcemanager.projects.setIamPolicy"])
    assert label is Label.NEEDS_CLOSE_REVIEW, found


def test_google_custom_role_that_deploys_bound_by_reference_stays_safe(tmp_path: Path) -> None:
    label, found = _google_custom(tmp_path, ["run.services.get", "run.services.update"])
    assert label is Label.LIKELY_SAFE, found


def _google_predefined(tmp_path: Path, role: str) -> tuple[Label, list[str]]:
    return review(
        tmp_path,
        [
            (
                "data.google_iam_role.picked",
                {"name": role},
                {"title": True, "included_permissions": True, "stage": True},
                {"name": ref("var.role")},
            ),
            (
                "google_project_iam_member.picked",
                {"project": "acme-prod", "member": "group:ops@acme.example"},
                {"id": True, "role": True, "etag": True},
                {"role": ref("data.google_iam_role.picked.name")},
            ),
        ],
    )


def test_google_predefined_owner_named_through_a_data_source_is_admin(tmp_path: Path) -> None:
    label, found = _google_predefined(tmp_path, "roles/owner")
    assert label is Label.NEEDS_CLOSE_REVIEW, found


def test_google_predefined_viewer_named_through_a_data_source_stays_safe(tmp_path: Path) -> None:
    label, found = _google_predefined(tmp_path, "roles/viewer")
    assert label is Label.LIKELY_SAFE, found


# --- aws: a managed policy of the same plan attached by its ARN --------------------------------------------


def _aws_policy(tmp_path: Path, action: str, resource: str) -> tuple[Label, list[str]]:
    document = json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": action, "Resource": resource}]}
    )
    return review(
        tmp_path,
        [
            (
                "aws_iam_policy.ops",
                {"name": "ops", "path": "/", "policy": document},
                {"arn": True, "id": True, "policy_id": True},
                {"name": const("ops"), "policy": const(document)},
            ),
            (
                "aws_iam_role_policy_attachment.ops",
                {"role": "deployer"},
                {"id": True, "policy_arn": True},
                {"role": const("deployer"), "policy_arn": ref("aws_iam_policy.ops.arn")},
            ),
        ],
    )


def test_aws_admin_policy_of_the_plan_attached_by_reference_is_admin(tmp_path: Path) -> None:
    label, found = _aws_policy(tmp_path, "*", "*")
    assert label is Label.NEEDS_CLOSE_REVIEW, found


def test_aws_narrow_policy_of_the_plan_attached_by_reference_stays_safe(tmp_path: Path) -> None:
    label, found = _aws_policy(tmp_path, "s3:GetObject", "arn:aws:s3:::acme-reports/*")
    assert label is Label.LIKELY_SAFE, found


# --- Kubernetes: a ClusterRole of the same plan bound by its name -------------------------------------------


def _cluster_role(tmp_path: Path, verbs: list[str], resources: list[str]) -> tuple[Label, list[str]]:
    rule = {"api_groups": ["*"], "resources": resources, "verbs": verbs, "resource_names": [], "non_resource_urls": []}
    return review(
        tmp_path,
        [
            (
                "kubernetes_cluster_role_v1.ops",
                {"metadata": [{"name": "ops"}], "rule": [rule], "aggregation_rule": []},
                {"id": True},
                {"metadata": [{"name": const("ops")}], "rule": [{"verbs": const(verbs)}]},
            ),
            (
                "kubernetes_cluster_role_binding_v1.ops",
                {
                    "metadata": [{"name": "ops"}],
                    "role_ref": [{"api_group": "rbac.authorization.k8s.io", "kind": "ClusterRole"}],
                    "subject": [{"kind": "Group", "name": "ops", "api_group": "rbac.authorization.k8s.io"}],
                },
                {"id": True, "role_ref": [{"name": True}]},
                {"role_ref": [{"name": ref("kubernetes_cluster_role_v1.ops.metadata[0].name")}]},
            ),
        ],
    )


def test_cluster_role_of_every_verb_bound_by_reference_is_admin(tmp_path: Path) -> None:
    label, found = _cluster_role(tmp_path, ["*"], ["*"])
    assert label is Label.NEEDS_CLOSE_REVIEW, found


def test_read_only_cluster_role_bound_by_reference_stays_safe(tmp_path: Path) -> None:
    label, found = _cluster_role(tmp_path, ["get", "list", "watch"], ["pods", "services"])
    assert label is Label.LIKELY_SAFE, found


# --- SaaS identity: a role of the same plan given to users by its id ----------------------------------------


def _auth0_role(tmp_path: Path, permissions: list[str]) -> tuple[Label, list[str]]:
    return review(
        tmp_path,
        [
            ("auth0_role.support", {"name": "support", "description": "support desk"}, {"id": True}, {}),
            (
                "auth0_role_permissions.support",
                {
                    "permissions": [
                        {"name": p, "resource_server_identifier": "https://acme.eu.auth0.com/api/v2/"}
                        for p in permissions
                    ]
                },
                {"id": True, "role_id": True},
                {"role_id": ref("auth0_role.support.id")},
            ),
            (
                "auth0_user_roles.alice",
                {"user_id": "auth0|alice"},
                {"id": True, "roles": True},
                {"roles": ref("auth0_role.support.id")},
            ),
        ],
    )


def test_auth0_role_that_manages_users_granted_by_reference_is_admin(tmp_path: Path) -> None:
    label, found = _auth0_role(tmp_path, ["read:users", "update:users", "create:role_members"])
    assert label is Label.NEEDS_CLOSE_REVIEW, found


def test_auth0_role_that_reads_users_granted_by_reference_stays_safe(tmp_path: Path) -> None:
    label, found = _auth0_role(tmp_path, ["read:users", "read:logs"])
    assert label is Label.LIKELY_SAFE, found


def _vault_token(tmp_path: Path, capabilities: list[str]) -> tuple[Label, list[str]]:
    listed = ", ".join(f'"{c}"' for c in capabilities)
    policy = f'path "secret/*" {{\n  capabilities = [{listed}]\n}}\n'
    return review(
        tmp_path,
        [
            ("vault_policy.ci", {"name": "ci", "policy": policy}, {"id": True}, {"policy": const(policy)}),
            (
                "vault_token.ci",
                {"ttl": "24h", "renewable": True},
                {"id": True, "policies": True, "client_token": True},
                {"policies": ref("vault_policy.ci.name")},
            ),
        ],
    )


def test_vault_token_with_a_sudo_policy_of_the_plan_is_admin(tmp_path: Path) -> None:
    label, found = _vault_token(tmp_path, ["create", "read", "update", "delete", "list", "sudo"])
    assert label is Label.NEEDS_CLOSE_REVIEW, found


def test_vault_token_with_a_read_policy_of_the_plan_stays_safe(tmp_path: Path) -> None:
    label, found = _vault_token(tmp_path, ["read", "list"])
    assert label is Label.LIKELY_SAFE, found


# --- built-in roles looked up by name through a data source read during apply ------------------------------


def _azurerm_builtin(tmp_path: Path, role: str) -> tuple[Label, list[str]]:
    return review(
        tmp_path,
        [
            (
                "data.azurerm_role_definition.picked",
                {"name": role, "scope": "/subscriptions/0000-1111"},
                {"id": True, "role_definition_id": True, "permissions": True, "assignable_scopes": True},
                {"name": ref("var.role"), "scope": const("/subscriptions/0000-1111")},
            ),
            (
                "azurerm_role_assignment.picked",
                {"scope": "/subscriptions/0000-1111", "principal_id": "9d0c1f7e-aaaa"},
                {"id": True, "role_definition_id": True, "role_definition_name": True},
                {
                    "scope": const("/subscriptions/0000-1111"),
                    "role_definition_id": ref("data.azurerm_role_definition.picked.id"),
                },
            ),
        ],
    )


def test_azurerm_owner_looked_up_by_name_and_assigned_by_id_is_admin(tmp_path: Path) -> None:
    label, found = _azurerm_builtin(tmp_path, "Owner")
    assert label is Label.NEEDS_CLOSE_REVIEW, found
    assert any("Owner" in f for f in found), found


def test_azurerm_reader_looked_up_by_name_and_assigned_by_id_stays_safe(tmp_path: Path) -> None:
    label, found = _azurerm_builtin(tmp_path, "Reader")
    assert label is Label.LIKELY_SAFE, found


def _keycloak(tmp_path: Path, role: str, through_module: bool = False) -> tuple[Label, list[str]]:
    changes: list[dict[str, Any]] = [
        {
            "address": "module.realm.data.keycloak_role.picked",
            "mode": "data",
            "type": "keycloak_role",
            "name": "picked",
            "change": {
                "actions": ["read"],
                "before": None,
                "after": {"realm_id": "acme"},
                "after_unknown": {"id": True, "name": True},
                "after_sensitive": {},
            },
        },
        {
            "address": "keycloak_user_roles.alice",
            "mode": "managed",
            "type": "keycloak_user_roles",
            "name": "alice",
            "change": {
                "actions": ["create"],
                "before": None,
                "after": {"realm_id": "acme", "user_id": "alice"},
                "after_unknown": {"id": True, "role_ids": True},
                "after_sensitive": {},
            },
        },
    ]
    reference = "module.realm.picked_role_id" if through_module else "data.keycloak_role.picked.id"
    realm = {
        "resources": [
            {
                "address": "data.keycloak_role.picked",
                "mode": "data",
                "type": "keycloak_role",
                "name": "picked",
                "expressions": {"name": const(role), "realm_id": const("acme")},
            }
        ],
        "outputs": {"picked_role_id": {"expression": ref("data.keycloak_role.picked.id")}},
    }
    root = {
        "resources": [
            {
                "address": "keycloak_user_roles.alice",
                "mode": "managed",
                "type": "keycloak_user_roles",
                "name": "alice",
                "expressions": {"role_ids": ref(reference)},
            }
        ],
        "module_calls": {"realm": {"module": realm}},
    }
    result = review_rules_alone(tmp_path, changes, configuration={"root_module": root})
    return result.label, [f"{f.severity.value} {f.rule} {f.message}" for f in result.findings]


def test_keycloak_realm_admin_through_a_module_output_is_admin(tmp_path: Path) -> None:
    label, found = _keycloak(tmp_path, "realm-admin", through_module=True)
    assert label is Label.NEEDS_CLOSE_REVIEW, found


def test_keycloak_view_role_through_a_module_output_stays_safe(tmp_path: Path) -> None:
    label, found = _keycloak(tmp_path, "view-profile", through_module=True)
    assert label is Label.LIKELY_SAFE, found


def test_keycloak_role_of_a_module_the_grant_cannot_see_stays_unresolved(tmp_path: Path) -> None:
    label, found = _keycloak(tmp_path, "realm-admin")  # data.keycloak_role.picked is not in the root module
    assert label is Label.LIKELY_SAFE, found


# --- a role picked out of a map by its name; a role that is only targeted -----------------------------------


def _graph_role(tmp_path: Path, permission: str) -> tuple[Label, list[str]]:
    return review(
        tmp_path,
        [
            (
                "azuread_service_principal.msgraph",
                {"client_id": "00000003-0000-0000-c000-000000000000", "use_existing": True},
                {"id": True, "object_id": True, "app_role_ids": True},
                {},
            ),
            (
                "azuread_app_role_assignment.sync",
                {"principal_object_id": "f1a3c5e7-9b1d-4f3a-8c5e-7a9c1e3b5d7f"},
                {"id": True, "app_role_id": True, "resource_object_id": True},
                {
                    "app_role_id": {
                        "references": [
                            f'azuread_service_principal.msgraph.app_role_ids["{permission}"]',
                            "azuread_service_principal.msgraph.app_role_ids",
                            "azuread_service_principal.msgraph",
                        ]
                    },
                    "resource_object_id": ref("azuread_service_principal.msgraph.object_id"),
                },
            ),
        ],
    )


def test_graph_app_role_picked_by_name_that_writes_the_directory_is_admin(tmp_path: Path) -> None:
    label, found = _graph_role(tmp_path, "Directory.ReadWrite.All")
    assert label is Label.NEEDS_CLOSE_REVIEW, found


def test_graph_app_role_picked_by_name_that_reads_users_stays_safe(tmp_path: Path) -> None:
    label, found = _graph_role(tmp_path, "User.Read.All")
    assert label is Label.LIKELY_SAFE, found


def test_global_admin_role_targeted_by_a_conditional_access_policy_is_not_a_grant(tmp_path: Path) -> None:
    label, found = review(
        tmp_path,
        [
            (
                "azuread_directory_role.ga",
                {"display_name": "Global Administrator"},
                {"id": True, "object_id": True, "template_id": True, "description": True},
                {},
            ),
            (
                "azuread_conditional_access_policy.admins_mfa",
                {
                    "display_name": "admins need MFA",
                    "state": "enabled",
                    "conditions": [{"client_app_types": ["all"], "users": [{"included_users": []}]}],
                    "grant_controls": [{"operator": "OR", "built_in_controls": ["mfa"]}],
                },
                {"id": True, "conditions": [{"users": [{"included_roles": True}]}]},
                {"conditions": [{"users": [{"included_roles": ref("azuread_directory_role.ga.template_id")}]}]},
            ),
        ],
    )
    assert label is Label.LIKELY_SAFE, found


def test_custom_role_named_admin_that_only_reads_stays_safe(tmp_path: Path) -> None:
    label, found = review(
        tmp_path,
        [
            (
                "azurerm_role_definition.ops",
                {
                    "name": "platform-admin-reader",
                    "scope": "/subscriptions/0000-1111",
                    "permissions": [{"actions": ["*/read"], "not_actions": []}],
                },
                {"id": True, "role_definition_id": True, "role_definition_resource_id": True},
                {},
            ),
            (
                "azurerm_role_assignment.ops",
                {"scope": "/subscriptions/0000-1111", "principal_id": "9d0c1f7e-aaaa"},
                {"id": True, "role_definition_id": True, "role_definition_name": True},
                {"role_definition_id": ref("azurerm_role_definition.ops.role_definition_resource_id")},
            ),
        ],
    )
    assert label is Label.LIKELY_SAFE, found
