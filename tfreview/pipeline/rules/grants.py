"""Risk rules, identity: who gets which role — (role, member) pairs out of google IAM, azurerm role assignments,
Kubernetes bindings and aws policy attachments, and how privileged a role or how public a member is."""

from __future__ import annotations

import re
from typing import Any

import orjson

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.decoding import canonical_name
from tfreview.pipeline.findings import Severity
from tfreview.pipeline.rules.common import as_list, blocks, dig
from tfreview.pipeline.rules.mailboxes import PERSONAL_MAIL

PRIVILEGED = "iam-privileged-role"  # declared (and described) in `access`
GRANT_PREFIXES = ("google_",)
K8S_BINDINGS = ("kubernetes_cluster_role_binding", "kubernetes_cluster_role_binding_v1",
                "kubernetes_role_binding", "kubernetes_role_binding_v1")
AWS_ATTACHMENTS = ("aws_iam_role_policy_attachment", "aws_iam_user_policy_attachment",
                   "aws_iam_group_policy_attachment", "aws_iam_policy_attachment",
                   "aws_ssoadmin_managed_policy_attachment", "aws_iam_role_policy_attachments_exclusive",
                   "aws_iam_user_policy_attachments_exclusive", "aws_iam_group_policy_attachments_exclusive")
GRANT_TYPES = (*K8S_BINDINGS, *AWS_ATTACHMENTS, "azurerm_role_assignment", "azurerm_lighthouse_definition",
               "aws_iam_role")

PUBLIC_MEMBERS = {"allUsers", "allAuthenticatedUsers", "system:anonymous", "system:unauthenticated",
                  "system:authenticated"}
GOOGLE_ADMIN = {
    "roles/owner", "roles/editor", "roles/iam.securityAdmin", "roles/iam.roleAdmin", "roles/iam.organizationRoleAdmin",
    "roles/resourcemanager.projectIamAdmin", "roles/resourcemanager.organizationAdmin",
    "roles/resourcemanager.folderAdmin", "roles/iam.serviceAccountTokenCreator", "roles/iam.serviceAccountUser",
    "roles/iam.serviceAccountKeyAdmin", "roles/iam.workloadIdentityPoolAdmin",
}
# Built-in Azure role names and their fixed definition ids.
AZURE_ADMIN = {
    "Owner": "8e3af657-a8ff-443c-a75c-2fe8c4bcb635",
    "Contributor": "b24988ac-6180-42a0-ab88-20f7382dd24c",
    "User Access Administrator": "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9",
    "Role Based Access Control Administrator": "f58310d9-a9f6-439a-9e8d-f62e7b41a168",
}
AZURE_ADMIN_IDS = {guid: name for name, guid in AZURE_ADMIN.items()}
# Words of a narrower built-in or custom Azure role's name that make it an admin of its service ("Key Vault
# Administrator", "Azure Kubernetes Service RBAC Cluster Admin", "Storage Blob Data Owner").
AZURE_ADMIN_WORDS = frozenset({"admin", "administrator", "owner"})
K8S_ADMIN = {"cluster-admin", "admin", "edit"}
AWS_ADMIN = {"AdministratorAccess", "PowerUserAccess", "IAMFullAccess", "AWSOrganizationsFullAccess",
             "SystemAdministrator", "NetworkAdministrator", "DatabaseAdministrator"}
# Azure scopes above a resource group: a role there reaches every resource of the subscription or more.
AZURE_WIDE_SCOPE = ("/subscriptions/", "/providers/microsoft.management/managementgroups/")
_GOOGLE_ADMIN = frozenset(canonical_name(r) for r in GOOGLE_ADMIN)
_AZURE_ADMIN = frozenset(canonical_name(r) for r in AZURE_ADMIN)
GOOGLE_WIDE = ("google_project_iam_", "google_organization_iam_", "google_folder_iam_",
               "google_billing_account_iam_")

Grant = tuple[str, str]


def grants(resource_type: str, values: dict[str, Any]) -> set[Grant]:
    """Every (role, member) pair one side of a change grants; empty for other types."""
    if not values:
        return set()
    if resource_type.startswith("google_"):
        return _google(resource_type, values)
    if resource_type == "azurerm_role_assignment":
        role = values.get("role_definition_name") or _azure_name(values.get("role_definition_id"))
        return {(str(role), str(values.get("principal_id") or "a principal"))} if role else set()
    if resource_type == "azurerm_lighthouse_definition":  # a managing tenant's groups, each with a role here
        return {(str(_azure_name(a.get("role_definition_id"))),
                 str(a.get("principal_display_name") or a.get("principal_id") or "a principal"))
                for a in blocks(values, "authorization") if a.get("role_definition_id")}
    if resource_type in K8S_BINDINGS:
        return _kubernetes(values)
    return _aws_attachment(values)


def _google(resource_type: str, values: dict[str, Any]) -> set[Grant]:
    if resource_type.endswith("_iam_member"):
        return {(str(values.get("role")), str(values.get("member")))} if values.get("role") else set()
    if resource_type.endswith("_iam_binding"):
        return {(str(values.get("role")), str(m)) for m in as_list(values.get("members"))}
    if resource_type.endswith("_iam_policy"):
        return _policy_data(values.get("policy_data"))
    # one access entry as a resource of its own (`google_bigquery_dataset_access`: role and special_group at the top)
    role = values.get("role")
    own = {(role, member) for member in named_members(values)} if isinstance(role, str) and role \
        and not conditioned(values) else set()
    return access_blocks(values) | own


def access_blocks(values: dict[str, Any]) -> set[Grant]:
    """(role, member) of every access-list block (`access { role = "READER", special_group = "allUsers" }`)."""
    return {(str(item.get("role") or item.get("permission") or "access"), member)
            for key, value in values.items() if ACCESS_BLOCKS.fullmatch(key)
            for item in as_list(value) if isinstance(item, dict) and not conditioned(item)
            for member in named_members(item)}


def _policy_data(text: Any) -> set[Grant]:
    if not isinstance(text, str) or not text.startswith("{"):
        return set()
    try:
        data = orjson.loads(text)
    except orjson.JSONDecodeError:
        return set()
    return {(str(b.get("role")), str(m)) for b in as_list(dig(data, "bindings")) if isinstance(b, dict)
            for m in as_list(b.get("members"))}


def _kubernetes(values: dict[str, Any]) -> set[Grant]:
    role = dig(values, "role_ref", 0, "name")
    if not role:
        return set()
    return {(str(role), f"{s.get('kind', 'subject')} {s.get('name')}") for s in blocks(values, "subject")}


def _aws_attachment(values: dict[str, Any]) -> set[Grant]:
    arns = [a for key in ("policy_arn", "policy_arns", "managed_policy_arn", "managed_policy_arns")
            for a in as_list(values.get(key)) if isinstance(a, str)]
    holders = [values.get(k) for k in ("role", "user", "group", "permission_set", "role_name", "user_name",
                                       "group_name")]
    holders += [h for k in ("roles", "users", "groups") for h in as_list(values.get(k))]
    if not any(isinstance(h, str) and h for h in holders):
        holders = [values.get("name") or "a principal"]
    return {(arn, str(h)) for arn in arns for h in holders if isinstance(h, str) and h}


def _azure_name(definition_id: Any) -> str | None:
    if not isinstance(definition_id, str):
        return None
    return AZURE_ADMIN_IDS.get(definition_id.rsplit("/", 1)[-1], definition_id)


def privilege(resource_type: str, role: str) -> Severity | None:
    """HIGH for admin/owner/editor roles, MEDIUM for narrower admin roles, None otherwise; names are compared as
    they read (look-alike letters, width and case undone: `оwner` is Owner)."""
    name = canonical_name(role)
    if resource_type.startswith("google_"):
        if name in _GOOGLE_ADMIN:
            return Severity.HIGH
        if name.endswith("admin"):
            return Severity.HIGH if resource_type.startswith(GOOGLE_WIDE) else Severity.MEDIUM
        return None
    if resource_type == "azurerm_role_assignment":
        if name in _AZURE_ADMIN:
            return Severity.HIGH
        return Severity.MEDIUM if set(name.split()) & AZURE_ADMIN_WORDS else None
    if resource_type in K8S_BINDINGS:
        if name == "cluster-admin" or (name in K8S_ADMIN and "cluster_role_binding" in resource_type):
            return Severity.HIGH
        return Severity.MEDIUM if name in K8S_ADMIN else None
    name = role.rsplit("/", 1)[-1]
    if not re.match(r"arn:aws[\w-]*:iam::aws:policy/", role):
        return None
    if name in AWS_ADMIN or name.endswith("FullAccess"):
        return Severity.HIGH
    return Severity.MEDIUM if name.endswith(("Administrator", "AdminAccess")) else None


def azure_scope_severity(role: str, scope: Any) -> Severity | None:
    """An Azure role graded by scope: admin roles HIGH at subscription or management group, and so is a narrower
    service's admin role there (it is admin of every cluster or vault in the subscription); below that only roles
    that hand out access stay HIGH on a resource group, and a single resource is MEDIUM."""
    level = privilege("azurerm_role_assignment", role)
    if level is Severity.MEDIUM and isinstance(scope, str) and scope.lower().startswith(AZURE_WIDE_SCOPE) \
            and "/resourcegroups/" not in scope.lower():
        return Severity.HIGH
    if level is not Severity.HIGH:
        return level
    if not isinstance(scope, str) or not scope or scope == "(known after apply)":
        # Unknown until apply (a resource group made by this plan, most often): roles that hand out access stay HIGH.
        return Severity.MEDIUM if canonical_name(role) == "contributor" else Severity.HIGH
    text = scope.lower().rstrip("/")
    if "/resourcegroups/" not in text:
        return Severity.HIGH
    below_group = "/providers/" in text.split("/resourcegroups/", 1)[1]
    if below_group or canonical_name(role) == "contributor":
        return Severity.MEDIUM
    return Severity.HIGH


def public_member(member: str) -> bool:
    """Whether a member is everyone (or everyone signed in), or a whole consumer mail domain (`domain:gmail.com`)."""
    name = member.rpartition(" ")[2]
    kind, _, domain = name.partition(":")
    return name in PUBLIC_MEMBERS or (kind.lower() == "domain" and domain.strip().lower() in PERSONAL_MAIL)


# Attributes that name who a grant of any provider reaches, and words that mean everyone in them.
# (Not `bound_subject` and other claim matches of a federated trust: those are judged as trusts.)
MEMBER_KEYS = lazy_compile(r"(?:\w+_)?(?:members?|principals?|grantees?|grantee_principal|assignees?)|principal_ids?"
                           r"|identities|identity|subjects?|special_groups?|\w+_by_email")
# Blocks that list who gets access (a BigQuery dataset's `access`, ACL grants): their members are read too.
ACCESS_BLOCKS = lazy_compile(r"(?:\w+_)?(?:access|grants?|acls?|access_control|bindings?|permissions?)")
# Blocks that say which users may use something (a delivery group's `restricted_access_users`, `user_access`): their
# allow or include list names members too (read there only: a bare `allow_list` may hold addresses or origins).
USER_BLOCKS = lazy_compile(r"(?:\w+_)?(?:users|user_access|user_filter|user_restrictions?)")
USER_LISTS = lazy_compile(r"allow_?list|allowed|include|included|include_list|included_(?:users|groups)")
# (Boundary's `u_auth` and `u_anon` are every authenticated user and anyone at all.)
EVERYONE = {"allusers", "allauthenticatedusers", "system:anonymous", "system:unauthenticated", "system:authenticated",
            "*", "everyone", "public", "anyone", "anonymous", "all", "authenticated", "all-users", "all_users",
            "u_auth", "u_anon"}
# Built-in groups every signed-in user of a workspace, account or domain is in (Databricks `users` and
# `account users`, Windows `Domain Users`): matched as whole names only, so `admin users` is not one of them.
WHOLE_POPULATION = {"users", "account users", "all users", "workspace users", "domain users", "authenticated users",
                    "all account users"}
# A principal "*" narrowed by a condition (source ARN, account, organisation) is not everyone.
CONDITION_KEYS = lazy_compile(r"source_\w+|condition\w*|\w*org\w*_id|\w*organization\w*")


# Keys that name who receives a grant, never what is granted: Snowflake grants a role TO `parent_role_name` (a custom
# role granted to SYSADMIN rolls the hierarchy up; SYSADMIN gains, nobody gains SYSADMIN).
GRANTEE_KEY = lazy_compile(r"(?:^|_)(?:parent_role\w*|grantee\w*|to_roles?|(?:account|database)_role_name)$")


def named_members(values: dict[str, Any]) -> set[str]:
    """Every principal a grant of any provider names (member/members/principals/subjects… and their names)."""
    found: set[str] = set()
    for key, value in values.items():
        if USER_BLOCKS.fullmatch(key):
            found.update(m for item in as_list(value) if isinstance(item, dict) for inner, listed in item.items()
                         if USER_LISTS.fullmatch(inner) for m in as_list(listed) if isinstance(m, str))
            continue
        if ACCESS_BLOCKS.fullmatch(key):
            found.update(m for item in as_list(value) if isinstance(item, dict) and not conditioned(item)
                         for m in named_members(item))
            continue
        if not MEMBER_KEYS.fullmatch(key):
            continue
        for item in as_list(value):
            if isinstance(item, dict):
                found.update(str(item[k]) for k in ("name", "id", "member", "principal")
                             if isinstance(item.get(k), str))
            elif isinstance(item, str):
                found.add(item)
    return found


def everyone_member(member: str) -> bool:
    """Whether a principal of any provider means everyone: allUsers, system:anonymous, "*", everyone, public…"""
    text = member.strip().strip("\"'`[]").lower()  # a quoted identifier ("PUBLIC") names the same role
    account = text.rpartition("\\")[2]  # a Windows group named with its domain (`CORP\\Domain Users`)
    return text in EVERYONE or text in WHOLE_POPULATION or text.rpartition(":")[2] in EVERYONE \
        or text.rpartition(" ")[2] in EVERYONE or account in WHOLE_POPULATION


# The effect of an entry that may allow or deny (`acl_permission_type = "Deny"`, `effect`, `action`): a deny entry
# for everyone takes access away from everyone, it grants none.
EFFECT_KEYS = lazy_compile(r"(?:\w+_)?(?:permission_type|effect|action|decision)|access|access_type")
DENY_EFFECTS = {"deny", "denied", "block", "reject", "drop"}


def denies(values: dict[str, Any]) -> bool:
    """Whether an access entry says its effect is deny."""
    return any(EFFECT_KEYS.fullmatch(key) and isinstance(value, str) and value.strip().lower() in DENY_EFFECTS
               for key, value in values.items())


def conditioned(values: dict[str, Any]) -> bool:
    """Whether a grant carries a condition (source, account, organisation) that narrows who it reaches."""
    return any(CONDITION_KEYS.fullmatch(key) and value not in (None, "", [], {}) for key, value in values.items())
