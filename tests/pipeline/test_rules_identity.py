"""Identity, sign-in and hostnames (manifests, enrolment, signonrules, signinhosts, memberships, everyone): each risky
change beside a benign look-alike that stays likely safe. Providers and names are invented."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.helpers import review_rules_alone, worst_by_rule
from tfreview.labels import Label
from tfreview.pipeline.findings import Severity


def entry(address: str, before: Any, after: Any, actions: list[str] | None = None) -> dict[str, Any]:
    """One resource change (create when BEFORE is None, else update unless ACTIONS says)."""
    kind, name = address.split(".")
    return {"address": address, "mode": "managed", "type": kind, "name": name,
            "provider_name": "registry.terraform.io/acme/acme",
            "change": {"actions": actions or (["create"] if before is None else ["update"]), "before": before,
                       "after": after, "after_unknown": {}, "after_sensitive": {}}}


def judged(tmp_path: Path, *changes: dict[str, Any]) -> tuple[Label, dict[str, Severity]]:
    result = review_rules_alone(tmp_path, list(changes))
    return result.label, worst_by_rule(result)


# --- a binding inside a YAML body, whatever resource carries it ---------------------------------------------------
BINDING = ("apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata:\n  name: {name}\n"
           "roleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: ClusterRole\n  name: {role}\nsubjects:\n"
           "- apiGroup: rbac.authorization.k8s.io\n  kind: Group\n  name: {subject}\n")


def yaml_binding(role: str, subject: str) -> dict[str, Any]:
    return entry("kubeapply_document.binding", None,
                 {"body": BINDING.format(name="ops", role=role, subject=subject), "wait": True})


def test_cluster_admin_for_every_signed_in_identity_in_a_yaml_body_is_high(tmp_path: Path) -> None:
    label, worst = judged(tmp_path, yaml_binding("cluster-admin", "system:authenticated"))
    assert label is Label.NEEDS_CLOSE_REVIEW and worst.get("iam-public-member") is Severity.HIGH


def test_a_view_role_for_a_named_group_in_a_yaml_body_stays_safe(tmp_path: Path) -> None:
    label, _ = judged(tmp_path, yaml_binding("view", "oidc:sre-oncall"))
    assert label is Label.LIKELY_SAFE


def test_a_binding_in_a_multi_document_body_is_read(tmp_path: Path) -> None:
    body = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: tools\n---\n" + BINDING.format(
        name="all", role="cluster-admin", subject="system:authenticated")
    label, worst = judged(tmp_path, entry("gitsync_bundle.tools", None, {"manifests": body}))
    assert label is Label.NEEDS_CLOSE_REVIEW and worst.get("iam-public-member") is Severity.HIGH


# --- enrolment keys -------------------------------------------------------------------------------------------------
def enrolment(**values: Any) -> dict[str, Any]:
    key = {"description": "lab onboarding", "reusable": True, "preauthorized": True, "ephemeral": False, "tags": []}
    return entry("meshnet_auth_key.lab", None, {**key, **values})


def test_a_reusable_preapproved_lasting_untagged_key_is_high(tmp_path: Path) -> None:
    label, worst = judged(tmp_path, enrolment())
    assert label is Label.NEEDS_CLOSE_REVIEW and worst.get("auth-weakened") is Severity.HIGH


def test_an_ephemeral_tagged_or_single_use_key_stays_safe(tmp_path: Path) -> None:
    for safer in ({"ephemeral": True}, {"tags": ["tag:ci"]}, {"reusable": False}, {"preauthorized": False}):
        label, _ = judged(tmp_path, enrolment(**safer))
        assert label is Label.LIKELY_SAFE, safer


# --- sign-on rules --------------------------------------------------------------------------------------------------
def signon(**values: Any) -> dict[str, Any]:
    rule = {"name": "portal", "status": "ACTIVE", "access": "ALLOW", "mfa_required": False, "priority": 1,
            "groups_included": ["grp-everyone"], "network_connection": "ANYWHERE", "network_includes": []}
    return entry("idco_signon_policy_rule.portal", None, {**rule, **values})


def test_a_created_rule_letting_everyone_in_from_anywhere_without_mfa_is_high(tmp_path: Path) -> None:
    label, worst = judged(tmp_path, signon())
    assert label is Label.NEEDS_CLOSE_REVIEW and worst.get("auth-weakened") is Severity.HIGH


def test_a_created_rule_held_to_a_zone_a_group_or_with_mfa_stays_safe(tmp_path: Path) -> None:
    for safer in ({"network_connection": "ZONE", "network_includes": ["nz-office"]},
                  {"groups_included": ["grp-batch-robots"]}, {"mfa_required": True}, {"access": "DENY"}):
        label, _ = judged(tmp_path, signon(**safer))
        assert label is Label.LIKELY_SAFE, safer


# --- sign-in hostnames ----------------------------------------------------------------------------------------------
def record(old: str, new: str, host: str = "sso.example.org") -> dict[str, Any]:
    values = {"name": host, "type": "CNAME", "ttl": 300}
    return entry("dnsco_record.signin", {**values, "value": old}, {**values, "value": new})


def test_a_signin_host_moved_from_the_idp_to_shared_hosting_is_high(tmp_path: Path) -> None:
    label, worst = judged(tmp_path, record("example.idvendor.com", "example-sso.netlify.app"))
    assert label is Label.NEEDS_CLOSE_REVIEW and worst.get("signin-host-moved") is Severity.HIGH


def test_a_signin_host_moved_to_its_idps_regional_domain_stays_safe(tmp_path: Path) -> None:
    label, _ = judged(tmp_path, record("example.idvendor.com", "example.idvendor-eu.com"))
    assert label is Label.LIKELY_SAFE


def test_a_blog_host_moved_to_shared_hosting_stays_safe(tmp_path: Path) -> None:
    label, _ = judged(tmp_path, record("blog.cmsvendor.com", "example-blog.netlify.app", host="blog.example.org"))
    assert label is Label.LIKELY_SAFE


# --- members of role-assignable groups ------------------------------------------------------------------------------
GROUP_ID = "11111111-2222-4333-8444-555566667777"


def group(assignable: bool) -> dict[str, Any]:
    values = {"id": f"/groups/{GROUP_ID}", "object_id": GROUP_ID, "display_name": "Team-Nine",
              "assignable_to_role": assignable}
    return entry("dirco_group.nine", values, values, actions=["no-op"])


def member(member_id: str = "99999999-8888-4777-8666-555544443333") -> dict[str, Any]:
    return entry("dirco_group_member.joiner", None, {"group_object_id": GROUP_ID, "member_object_id": member_id})


def test_an_unshown_member_joining_a_role_assignable_group_is_high(tmp_path: Path) -> None:
    label, worst = judged(tmp_path, group(True), member())
    assert label is Label.NEEDS_CLOSE_REVIEW and worst.get("iam-privileged-role") is Severity.HIGH


def test_a_member_joining_an_ordinary_group_stays_safe(tmp_path: Path) -> None:
    label, _ = judged(tmp_path, group(False), member())
    assert label is Label.LIKELY_SAFE


def test_an_internal_account_joining_a_role_assignable_group_is_medium(tmp_path: Path) -> None:
    user_id = "12121212-3434-4565-8787-909090909090"
    user = {"id": user_id, "object_id": user_id, "user_type": "Member", "user_principal_name": "kim@example.org"}
    shown = entry("dirco_user.kim", user, user, actions=["no-op"])
    label, worst = judged(tmp_path, group(True), shown, member(user_id))
    assert label is Label.LIKELY_SAFE and worst.get("iam-privileged-role") is Severity.MEDIUM


def test_a_guest_account_joining_a_role_assignable_group_is_high(tmp_path: Path) -> None:
    user_id = "12121212-3434-4565-8787-909090909090"
    user = {"id": user_id, "object_id": user_id, "user_type": "Guest",
            "user_principal_name": "lee_vendor.example#EXT#@example.org"}
    shown = entry("dirco_user.lee", user, user, actions=["no-op"])
    label, worst = judged(tmp_path, group(True), shown, member(user_id))
    assert label is Label.NEEDS_CLOSE_REVIEW and worst.get("iam-privileged-role") is Severity.HIGH


# --- names never raise what is granted ------------------------------------------------------------------------------
def test_a_reader_assignment_whose_description_says_owner_stays_safe(tmp_path: Path) -> None:
    label, _ = judged(tmp_path, entry("azurerm_role_assignment.owner_review", None, {
        "condition": "", "description": "dashboards for the owner review", "principal_id": "p-1",
        "role_definition_name": "Monitoring Reader", "scope": "/subscriptions/00000000-0000-4000-8000-000000000001"}))
    assert label is Label.LIKELY_SAFE


def test_an_empty_membership_rule_into_an_admin_group_is_still_high(tmp_path: Path) -> None:
    label, worst = judged(tmp_path, entry("dirco_group_rule.admins", None,
                                          {"name": "platform-admins", "expression": "", "group_id": "g-1"}))
    assert label is Label.NEEDS_CLOSE_REVIEW and worst.get("iam-privileged-role") is Severity.HIGH
