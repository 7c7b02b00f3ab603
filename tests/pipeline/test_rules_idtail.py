"""The identity long tail, by principle across providers: managers of the organisation or of identities are admin
and no project confines them; an admin role whose target lists are emptied reaches everything; grant blocks inside
a type that is no grant (a project's `teams`); reports admins only read; Kubernetes' own default bindings add
nothing; OCI `Admit` lets another tenancy in; who is in a privileged group widening is a grant; a role named by an
id the plan shows is read by its name; a credential that publishes and never expires. Each with a look-alike that
stays "likely safe"."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.helpers import review_rules_alone, worst_by_rule
from tfreview.labels import Label
from tfreview.pipeline.findings import Severity

PRIVILEGED = "iam-privileged-role"


def change(address: str, before: Any, after: Any, unknown: dict[str, Any] | None = None,
           actions: list[str] | None = None) -> dict[str, Any]:
    kind, name = address.split(".")[-2:]
    return {"address": address, "mode": "managed", "type": kind, "name": name,
            "provider_name": f"registry.terraform.io/acme/{kind.split('_')[0]}",
            "change": {"actions": actions or (["create"] if before is None else ["update"]), "before": before,
                       "after": after, "after_unknown": unknown or {}, "after_sensitive": {}}}


def judged(tmp_path: Path, changes: list[dict[str, Any]], **sections: Any) -> tuple[Label, dict[str, Severity]]:
    result = review_rules_alone(tmp_path, changes, **sections)
    return result.label, worst_by_rule(result)


def high(tmp_path: Path, changes: list[dict[str, Any]], rule: str = PRIVILEGED, **sections: Any) -> None:
    label, worst = judged(tmp_path, changes, **sections)
    assert worst.get(rule) is Severity.HIGH and label is Label.NEEDS_CLOSE_REVIEW, worst


def safe(tmp_path: Path, changes: list[dict[str, Any]], **sections: Any) -> None:
    label, worst = judged(tmp_path, changes, **sections)
    assert label is Label.LIKELY_SAFE, worst


def policy(sets: list[str], projects: list[str] | None = None) -> dict[str, Any]:
    return {"name": "deployer", "organization_id": "org-1",
            "rule": [{"permission_set_names": sets, "project_ids": projects or [], "condition": ""}]}


# Kubernetes binds some built-in roles to everyone itself: binding them again to the same groups adds nothing.
def binding(role: str, group: str) -> dict[str, Any]:
    return {"metadata": [{"name": f"{role}-{group}"}],
            "role_ref": [{"api_group": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": role}],
            "subject": [{"api_group": "rbac.authorization.k8s.io", "kind": "Group", "name": group}]}


def test_public_info_viewer_for_everyone_signed_in_stays_safe(tmp_path: Path) -> None:
    safe(tmp_path, [change("kubernetes_cluster_role_binding_v1.info", None,
                           binding("system:public-info-viewer", "system:authenticated"))])


def test_discovery_for_anonymous_callers_is_high(tmp_path: Path) -> None:
    high(tmp_path, [change("kubernetes_cluster_role_binding_v1.disc", None,
                           binding("system:discovery", "system:unauthenticated"))], "iam-public-member")


def test_a_redefined_built_in_role_for_everyone_is_high(tmp_path: Path) -> None:
    role = {"metadata": [{"name": "system:public-info-viewer"}],
            "rule": [{"api_groups": [""], "resources": ["secrets"], "verbs": ["get", "list"]}]}
    high(tmp_path, [change("kubernetes_cluster_role_v1.info", None, role),
                    change("kubernetes_cluster_role_binding_v1.info", None,
                           binding("system:public-info-viewer", "system:authenticated"))], "iam-public-member")


# OCI `Admit` statements let another tenancy's principals in.
def oci_policy(*statements: str) -> dict[str, Any]:
    return {"compartment_id": "ocid1.tenancy.oc1..own", "name": "vendor", "statements": list(statements)}


@pytest.mark.parametrize("where", ["tenancy", "compartment shared-services"])
def test_outside_tenancy_admitted_to_manage_everything_is_high(tmp_path: Path, where: str) -> None:
    high(tmp_path, [change("module.vendor.oci_identity_policy.msp", None, oci_policy(
        "Define tenancy Msp as ocid1.tenancy.oc1..msp", "Define group Ops as ocid1.group.oc1..ops",
        f"Admit group Ops of tenancy Msp to manage all-resources in {where}"))])


def test_outside_tenancy_admitted_to_read_metrics_stays_safe(tmp_path: Path) -> None:
    safe(tmp_path, [change("oci_identity_policy.msp", None, oci_policy(
        "Define tenancy Msp as ocid1.tenancy.oc1..msp",
        "Admit group Ops of tenancy Msp to read metrics in compartment monitoring"))])


# Managers of the organisation or of identities are admin; identity management is not confined by a project list.
def test_organisation_manager_in_a_policy_block_is_high(tmp_path: Path) -> None:
    high(tmp_path, [change("cloudco_iam_policy.ci", None, policy(["OrganizationManager"]))])


def test_iam_manager_is_high_even_confined_to_projects(tmp_path: Path) -> None:
    before = policy(["InstancesFullAccess", "DomainsDNSReadOnly"], ["p-1"])
    after = policy(["InstancesFullAccess", "DomainsDNSReadOnly", "IAMManager"], ["p-1", "p-2"])
    high(tmp_path, [change("cloudco_iam_policy.bot", before, after)])


def test_role_manager_on_a_targeted_grant_is_high(tmp_path: Path) -> None:
    high(tmp_path, [change("zitadel_member_grant.ci", None, {"role": "role_manager", "targets": ["proj-1"]})])


@pytest.mark.parametrize("sets", [["ProjectManager"], ["ContainerRegistryReadOnly", "BillingReadOnly"]])
def test_project_manager_and_read_only_sets_stay_safe(tmp_path: Path, sets: list[str]) -> None:
    safe(tmp_path, [change("cloudco_iam_policy.ci", None, policy(sets, ["p-1"]))])


# Reports admins read what others did; a tenant admin stays high.
def test_report_admin_stays_safe(tmp_path: Path) -> None:
    safe(tmp_path, [change("okta_user_admin_roles.scim", None, {"user_id": "u-1", "admin_roles": ["REPORT_ADMIN"]})])


def test_org_admin_on_the_same_shape_is_high(tmp_path: Path) -> None:
    high(tmp_path, [change("okta_user_admin_roles.scim", None, {"user_id": "u-1", "admin_roles": ["ORG_ADMIN"]})])


# An admin role whose target lists are emptied now reaches the whole tenant.
def okta_role(targets: list[str], role: str = "USER_ADMIN") -> dict[str, Any]:
    return {"group_id": "g-1", "role_type": role, "target_app_list": [], "target_group_list": targets}


def test_admin_role_whose_targets_are_emptied_is_high(tmp_path: Path) -> None:
    high(tmp_path, [change("okta_group_role.helpdesk", okta_role(["g-2", "g-3"]), okta_role([]))])


def test_admin_role_whose_targets_become_a_wildcard_is_high(tmp_path: Path) -> None:
    high(tmp_path, [change("cloudco_role_assignment.support", {"role": "support_admin", "targets": ["app-1"]},
                           {"role": "support_admin", "targets": ["*"]})])


@pytest.mark.parametrize(("before", "after"), [
    (okta_role(["g-2", "g-3"]), okta_role(["g-4"])),  # retargeted, still confined
    (okta_role(["g-2"], "HELP_DESK_VIEWER"), okta_role([], "HELP_DESK_VIEWER")),  # not an admin role
], ids=["retargeted", "not-admin"])
def test_confined_or_non_admin_roles_stay_safe(tmp_path: Path, before: Any, after: Any) -> None:
    safe(tmp_path, [change("okta_group_role.helpdesk", before, after)])


# Grant blocks inside a type whose name is no grant: a new principal's block is a new grant.
def test_owner_team_added_in_a_project_teams_block_is_high(tmp_path: Path) -> None:
    old = {"name": "orders", "teams": [{"team_id": "t-1", "role_names": ["GROUP_OWNER"]}]}
    new = {"name": "orders", "teams": [{"team_id": "t-1", "role_names": ["GROUP_OWNER"]},
                                       {"team_id": "t-2", "role_names": ["GROUP_OWNER"]}]}
    high(tmp_path, [change("module.db.mongodbatlas_project.orders", old, new)])


def test_admin_member_block_in_a_workspace_is_high(tmp_path: Path) -> None:
    new = {"name": "ops", "members": [{"email": "vendor@example.net", "role": "admin"}]}
    high(tmp_path, [change("acme_workspace.ops", None, new)])


@pytest.mark.parametrize("after", [
    {"name": "orders", "teams": [{"team_id": "t-1", "role_names": ["GROUP_OWNER"]},
                                 {"team_id": "t-2", "role_names": ["GROUP_READ_ONLY"]}]},
    {"name": "lag", "notification": [{"roles": ["GROUP_OWNER"], "email_enabled": True}]},
], ids=["read-only-team", "notification-roles"])
def test_read_only_blocks_and_non_grant_blocks_stay_safe(tmp_path: Path, after: Any) -> None:
    before = {"name": after["name"], "teams": [{"team_id": "t-1", "role_names": ["GROUP_OWNER"]}]} \
        if "teams" in after else None
    safe(tmp_path, [change("mongodbatlas_project.orders" if before else "mongodbatlas_alert_configuration.lag",
                           before, after)])


# Who is in a privileged group widening is a grant, read from the grants the plan shows for the group.
def scw_group(apps: list[str], name: str = "platform") -> dict[str, Any]:
    return {"id": "grp-1", "name": name, "application_ids": apps, "user_ids": ["u-1"]}


def group_policy(sets: list[str]) -> dict[str, Any]:
    return {"id": "pol-1", "name": "platform", "group_id": "grp-1", "organization_id": "org-1",
            "rule": [{"permission_set_names": sets, "project_ids": [], "organization_id": "org-1"}]}


def test_member_added_to_a_group_whose_unchanged_policy_is_admin_is_high(tmp_path: Path) -> None:
    pol = group_policy(["AllProductsFullAccess"])
    high(tmp_path, [change("cloudco_iam_group.platform", scw_group([]), scw_group(["app-9"])),
                    change("cloudco_iam_policy.platform", pol, pol, actions=["no-op"])])


def test_member_added_to_a_group_named_admins_is_high(tmp_path: Path) -> None:
    before = {"id": "g-7", "display_name": "tenant-admins", "members": ["u-1"]}
    high(tmp_path, [change("acme_directory_group.admins", before, {**before, "members": ["u-1", "u-2"]})])


def test_member_added_to_a_read_only_group_stays_safe(tmp_path: Path) -> None:
    pol = group_policy(["BillingReadOnly"])
    safe(tmp_path, [change("cloudco_iam_group.platform", scw_group([]), scw_group(["app-9"])),
                    change("cloudco_iam_policy.platform", pol, pol, actions=["no-op"])])


def dynamic_group(rule: str) -> dict[str, Any]:
    return {"id": "ocid1.dynamicgroup.oc1..agents", "name": "agents", "matching_rule": rule}


def agents_policy() -> dict[str, Any]:
    return oci_policy("Allow dynamic-group agents to manage object-family in compartment prod-data")


@pytest.mark.parametrize(("old", "new"), [
    ("ALL {instance.compartment.id = 'c-1', tag.role.value = 'agent'}",
     "ANY {instance.compartment.id = 'c-1', tag.role.value = 'agent'}"),
    ("instance.compartment.id = 'c-1' && tag.role.value = 'agent'",
     "instance.compartment.id = 'c-1' || tag.role.value = 'agent'"),
], ids=["oci-all-any", "infix-and-or"])
def test_membership_rule_loosened_into_a_group_that_manages_is_high(tmp_path: Path, old: str, new: str) -> None:
    high(tmp_path, [change("oci_identity_dynamic_group.agents", dynamic_group(old), dynamic_group(new)),
                    change("oci_identity_policy.agents", agents_policy(), agents_policy(), actions=["no-op"])])


def test_membership_rule_narrowed_with_all_kept_stays_safe(tmp_path: Path) -> None:
    old = "ALL {instance.compartment.id = 'c-1'}"
    new = "ALL {instance.compartment.id = 'c-1', tag.role.value = 'agent'}"
    safe(tmp_path, [change("oci_identity_dynamic_group.agents", dynamic_group(old), dynamic_group(new)),
                    change("oci_identity_policy.agents", agents_policy(), agents_policy(), actions=["no-op"])])


def test_entra_dynamic_rule_loosened_into_an_admin_group_is_high(tmp_path: Path) -> None:
    def group(rule: str) -> dict[str, Any]:
        return {"object_id": "g-1", "display_name": "sg-tenant-admins", "types": ["DynamicMembership"],
                "dynamic_membership": [{"enabled": True, "rule": rule}]}
    high(tmp_path, [change("azuread_group.admins", group('user.department -eq "IT" -and user.jobTitle -eq "SRE"'),
                           group('user.department -eq "IT" -or user.jobTitle -eq "SRE"'))])


# A role named by an opaque id is read by the name the plan shows for that id.
ADMIN_ROLE_ID = "50a4ded7-e015-33b7-38dc-e2205b06d4c0"


def looked_up(name: str) -> dict[str, Any]:
    return {"values": {"root_module": {"resources": [{
        "address": "data.datadog_role.picked", "mode": "data", "type": "datadog_role", "name": "picked",
        "values": {"id": ADMIN_ROLE_ID, "filter": name, "name": name}}]}}}


def test_mapping_to_a_role_id_the_plan_names_admin_is_high(tmp_path: Path) -> None:
    high(tmp_path, [change("datadog_authn_mapping.all", None, {"key": "memberOf", "value": "all-employees",
                                                               "role": ADMIN_ROLE_ID})],
         prior_state=looked_up("Datadog Admin Role"))


def test_service_account_given_a_managed_owner_role_by_id_is_high(tmp_path: Path) -> None:
    high(tmp_path, [change("acme_role.owner", None, {"id": "role-7731", "name": "Organization Owner"}),
                    change("acme_service_account.ci", None, {"name": "ci", "roles": ["role-7731"]})])


def test_mapping_to_a_read_only_role_id_stays_safe(tmp_path: Path) -> None:
    safe(tmp_path, [change("datadog_authn_mapping.all", None, {"key": "memberOf", "value": "all-employees",
                                                               "role": ADMIN_ROLE_ID})],
         prior_state=looked_up("Datadog Read Only Role"))


# A credential that can publish images or packages and never expires.
def test_group_deploy_token_that_publishes_and_never_expires_is_high(tmp_path: Path) -> None:
    high(tmp_path, [change("gitlab_deploy_token.ci", None, {
        "group": "77", "name": "ci", "expires_at": None,
        "scopes": ["read_registry", "write_registry", "write_package_registry"]}, {"token": True, "id": True})])


def test_registry_token_with_package_push_and_no_expiry_is_high(tmp_path: Path) -> None:
    high(tmp_path, [change("acme_registry_token.ci", None, {"name": "ci", "expiry": None,
                                                            "scopes": ["packages:write"]}, {"secret": True})])


@pytest.mark.parametrize("after", [
    {"project": "412", "name": "pull", "expires_at": "2026-12-31T00:00:00Z", "scopes": ["read_registry"]},
    {"project": "412", "name": "push", "expires_at": "2026-12-31T00:00:00Z", "scopes": ["write_registry"]},
], ids=["read-only", "expiring-writer"])
def test_reading_or_expiring_tokens_stay_safe(tmp_path: Path, after: Any) -> None:
    safe(tmp_path, [change("gitlab_deploy_token.ci", None, after, {"token": True, "id": True})])
