"""Risk rules, identity: a grant's reach read as verbs x resources x scope x condition — what narrows an RBAC rule,
an Azure custom role, a role assignment's ABAC condition or a Google IAM condition, and what does not (a whole
workload identity pool, a RoleBinding in the control plane's namespace)."""

from __future__ import annotations

import re
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.decoding import canonical_name
from tfreview.pipeline.findings import ALTERING, Finding, ReviewInput, Severity, grader, managed
from tfreview.pipeline.rules.common import as_dict, as_list, dig
from tfreview.pipeline.rules.grants import (
    AZURE_ADMIN_IDS,
    GOOGLE_ADMIN,
    K8S_ADMIN,
    K8S_BINDINGS,
    azure_scope_severity,
    privilege,
)
from tfreview.pipeline.rules.judge import PUBLIC

# Kubernetes resources whose write is power over the cluster (the Kubernetes "RBAC good practices" escalation
# list): secrets and tokens, anything that runs a pod (and so mounts any service account of its namespace), RBAC
# objects, admission webhooks, nodes, volumes, certificates, namespaces, policies.
K8S_POWERFUL = lazy_compile(
    r"secrets|pods(?:/\w+)?|deployments|daemonsets|statefulsets|replicasets|replicationcontrollers|jobs|cronjobs"
    r"|serviceaccounts(?:/token)?|(?:cluster)?roles|(?:cluster)?rolebindings|\w*webhookconfigurations"
    r"|customresourcedefinitions|nodes(?:/\w+)?|persistentvolumes|persistentvolumeclaims|certificatesigningrequests"
    r"(?:/\w+)?|namespaces(?:/\w+)?|networkpolicies|podsecuritypolicies|\w*policies|\w*bindings|tokenreviews"
    r"|\w*accessreviews|.*\*.*")
# API groups Kubernetes itself serves: their resources mean what the list above says. A custom group's resource
# (a GitOps application, an operator's CR) can run anything, so it is not judged harmless.
K8S_BUILTIN_GROUP = lazy_compile(r"|apps|batch|autoscaling|policy|[\w.-]*\.k8s\.io")
# Namespaces where the control plane's own service accounts (and their tokens) live: admin there is cluster admin.
CONTROL_NAMESPACES = frozenset({"kube-system"})
# Kubernetes resources that only ever answer about the caller itself (the built-in system:basic-user role).
SELF_ONLY = lazy_compile(r"self\w*reviews")
# Built-in objects that name how the cluster is laid out and hold no workload, data or credential: reading them
# tells a signed-in user which namespaces and classes exist (what `kubectl get ns` shows), nothing inside them.
CLUSTER_METADATA = lazy_compile(r"namespaces|storageclasses|ingressclasses|priorityclasses|runtimeclasses")
READ_VERBS = frozenset({"get", "list", "watch"})
# Built-in ClusterRoles Kubernetes itself binds to everyone (its default `system:discovery`, `system:basic-user` and
# `system:public-info-viewer` bindings), and the groups it binds each to: binding those groups again adds nothing.
K8S_EVERYONE_DEFAULTS = {
    "system:basic-user": frozenset({"system:authenticated"}),
    "system:discovery": frozenset({"system:authenticated"}),
    "system:public-info-viewer": frozenset({"system:authenticated", "system:unauthenticated"}),
}
# Azure resource providers that manage no customer resources (support tickets): a wildcard on them reaches none.
AZURE_INERT = frozenset({"microsoft.support"})
AZURE_AUTHZ_WRITES = ("microsoft.authorization/*", "microsoft.authorization/*/write",
                      "microsoft.authorization/roleassignments/write", "microsoft.authorization/roleassignments/*")
# ABAC on role assignments: the roles a delegated RBAC administrator may hand out (`…:RoleDefinitionId] … GuidEquals
# {ids}`). Only the fixed-list form narrows; a NotEquals form names what is excluded, not what is allowed.
ROLE_CONDITION = lazy_compile(r"roleAssignments:RoleDefinitionId\]\s*(?:ForAnyOfAnyValues:|ForAnyOfAllValues:)?"
                              r"GuidEquals\s*\{([^}]*)\}", re.IGNORECASE)
IMPERSONATION_ROLES = frozenset(canonical_name(r) for r in (
    "roles/iam.workloadIdentityUser", "roles/iam.serviceAccountTokenCreator", "roles/iam.serviceAccountUser",
    "roles/iam.serviceAccountOpenIdTokenCreator"))
_GOOGLE_ADMIN = frozenset(canonical_name(r) for r in GOOGLE_ADMIN)
# Every identity of a workload identity pool, or every one of an owner (`attribute.repository_owner/acme`, a GitLab
# group's `namespace_path`): any member who can make a repository or project there can take the service account.
WHOLE_POOL = lazy_compile(r"^principalSet://[^ ]*/workloadIdentityPools/[^/]+/(?:\*|attribute\.(?:repository_owner"
                          r"|repository_owner_id|namespace_path|namespace_id|organization|organization_id|org|owner"
                          r"|enterprise|group|group_path)/[^/]+)$")
# A Google IAM condition that pins the resource by name (`resource.name.startsWith("projects/_/buckets/b/")`).
RESOURCE_NAME = lazy_compile(r"resource\.name\s*(?:==\s*|\.startsWith\(\s*)[\"']([^\"']+)[\"']")


def k8s_wildcard_level(block: dict[str, Any], cluster: bool) -> Severity:
    """HIGH for a wildcard RBAC rule, unless it is verbs "*" in a namespaced Role on named built-in resources that
    hold no power (configmaps, leases, events): MEDIUM."""
    resources = [str(r).lower() for r in as_list(block.get("resources"))]
    groups = [str(g).lower() for g in as_list(block.get("api_groups", block.get("apiGroups")))]
    verbs = {str(v).lower() for v in as_list(block.get("verbs"))}
    if verbs and verbs <= READ_VERBS and groups and all(g not in ("", "*") and not HOLDS_SECRETS.search(g)
                                                        for g in groups):
        return Severity.MEDIUM  # reads one named API group's objects (metrics, policies), not the core's secrets
    if cluster or not resources or not groups:
        return Severity.HIGH
    if any(K8S_POWERFUL.fullmatch(r) for r in resources) or not all(K8S_BUILTIN_GROUP.fullmatch(g) for g in groups):
        return Severity.HIGH
    return Severity.MEDIUM


# API groups whose objects hold credentials or keys (external-secrets, sealed-secrets, Vault operators, cert-manager).
HOLDS_SECRETS = lazy_compile(r"secret|vault|credential|key|token|cert|password")


def control_namespace(values: Any) -> bool:
    """Whether a Kubernetes object lives in the control plane's namespace (kube-system)."""
    namespace = dig(values, "metadata", 0, "namespace") or dig(values, "metadata", "namespace")
    return str(namespace or "") in CONTROL_NAMESPACES


def named_only(block: dict[str, Any]) -> bool:
    """Whether an impersonate/escalate/bind rule is limited by resource_names to named objects, none an admin role."""
    names = [str(n) for n in as_list(block.get("resource_names", block.get("resourceNames"))) if n]
    resources = [str(r) for r in as_list(block.get("resources"))]
    return bool(names) and "*" not in names and "*" not in resources and not any(n in K8S_ADMIN for n in names)


def metadata_read_only(rules: list[Any]) -> bool:
    """Whether every rule of a role only reads (get, list, watch) built-in objects that hold no data or power: the
    namespace list a portal's picker shows, storage or ingress classes."""
    found = [r for r in rules if isinstance(r, dict)]
    return bool(found) and all(
        as_list(r.get("resources")) and all(CLUSTER_METADATA.fullmatch(str(x).lower())
                                            for x in as_list(r.get("resources")))
        and {str(v).lower() for v in as_list(r.get("verbs"))} <= READ_VERBS
        and all(K8S_BUILTIN_GROUP.fullmatch(str(g).lower()) for g in as_list(r.get("api_groups", r.get("apiGroups"))))
        and not as_list(r.get("resource_names", r.get("resourceNames")))
        and not as_list(r.get("non_resource_urls", r.get("nonResourceURLs"))) for r in found)


def self_only(rules: list[Any]) -> bool:
    """Whether every rule of a role only creates reviews about the caller itself (what system:basic-user holds)."""
    found = [r for r in rules if isinstance(r, dict)]
    return bool(found) and all(
        as_list(r.get("resources")) and all(SELF_ONLY.fullmatch(str(x).lower()) for x in as_list(r.get("resources")))
        and {str(v).lower() for v in as_list(r.get("verbs"))} <= {"create"}
        and not as_list(r.get("non_resource_urls", r.get("nonResourceURLs"))) for r in found)


def azure_inert(action: str) -> bool:
    """Whether an Azure action wildcard reaches no customer resource (`Microsoft.Support/*`)."""
    return action.lower().split("/", 1)[0] in AZURE_INERT


def azure_star_level(block: dict[str, Any], assignable: list[str]) -> Severity:
    """Actions "*" minus the Microsoft.Authorization writes is Contributor: graded by where it can be assigned, as a
    Contributor assignment is (MEDIUM within resource groups); with those writes it is Owner (HIGH)."""
    excluded = {str(a).lower() for a in as_list(block.get("not_actions"))}
    if not excluded & set(AZURE_AUTHZ_WRITES[:2]) and not {AZURE_AUTHZ_WRITES[2]} <= excluded:
        return Severity.HIGH
    scopes = [s.lower() for s in assignable]
    return Severity.MEDIUM if scopes and all("/resourcegroups/" in s for s in scopes) else Severity.HIGH


def azure_condition_limits(role: str, condition: Any) -> bool:
    """Whether an access-handing Azure role is held to a fixed list of roles it may assign, none of them admin."""
    if canonical_name(role) == "contributor" or not isinstance(condition, str):
        return False
    found = ROLE_CONDITION.findall(condition)
    ids = [g.strip().strip("'\"").lower() for group in found for g in group.split(",") if g.strip()]
    return bool(ids) and not any(guid in AZURE_ADMIN_IDS for guid in ids)


def grant_level(resource_type: str, role: str, member: str, values: dict[str, Any]) -> Severity | None:
    """How privileged one (role, member) grant is, read with its scope and condition (None: not privileged)."""
    if whole_pool(role, member) or ((whole_domain(member) or DEFAULT_IDENTITY.search(member.strip())) and writes(role)):
        return Severity.HIGH
    if resource_type in ("azurerm_role_assignment", "azurerm_lighthouse_definition"):  # a role at a scope
        level = azure_scope_severity(role, values.get("scope"))
        if level is None and azure_data_role(role) and above_groups(values.get("scope")):
            # Every store of a management group's subscriptions: high. One subscription's stores: worth a look, not a
            # floor (a reader for the subscription's own telemetry is the benign twin of fixtures/rules/identity).
            return Severity.HIGH if "/managementgroups/" in str(values.get("scope")).lower() else Severity.MEDIUM
        if level is Severity.HIGH and azure_condition_limits(role, values.get("condition")):
            # What it may still hand out is fixed; Owner keeps every other right (Contributor at that scope).
            owner = canonical_name(role) == "owner"
            return azure_scope_severity("Contributor", values.get("scope")) if owner else Severity.MEDIUM
        return level
    level = privilege(resource_type, role)
    if level is Severity.HIGH and (deploys_as(resource_type, role, member, values)
                                   or own_service_admin(resource_type, role, member, values)):
        return Severity.MEDIUM
    if level is Severity.MEDIUM and resource_type in K8S_BINDINGS and control_namespace(values):
        return Severity.HIGH
    narrowed = resource_type.startswith("google_") and google_condition_narrows(role, values)
    return Severity.MEDIUM if level is Severity.HIGH and narrowed else level


# A data-plane role of Azure (`Azure Event Hubs Data Receiver`, `Storage Blob Data Reader`, `Key Vault Secrets User`)
# reads or writes the data itself; granted at a subscription or management group it reaches every hub, account or
# vault there (audit, payments, security), not the one store its consumer was built for.
AZURE_DATA_ROLE = lazy_compile(r"(?:^|\s)data\s+(?:reader|receiver|sender|owner|contributor|writer)\b"
                               r"|\bsecrets?\s+(?:user|officer)\b", re.IGNORECASE)


def azure_data_role(role: str) -> bool:
    """Whether an Azure role's name says it reads or writes the data of a store (not its settings)."""
    return AZURE_DATA_ROLE.search(role) is not None


def above_groups(scope: Any) -> bool:
    """Whether an Azure scope is a whole subscription or management group (no resource group in it)."""
    return isinstance(scope, str) and scope.startswith("/") and "/resourcegroups/" not in scope.lower()


# `actAs` on one service account (its own IAM resource) for a service account of one's own projects: the
# least-privilege way a deployer starts a workload as its runtime account. TokenCreator on one service account lets
# the member mint that account's tokens: medium only for a member of the account's own project, on an account whose
# name does not say it administers (a Terraform, admin or owner account can do anything; to impersonate it is to be
# it). A person, a Google-managed default identity shared by every build, or a project-wide grant (every service
# account of the project) stays high.
ACT_AS = canonical_name("roles/iam.serviceAccountUser")
TOKEN_CREATOR = canonical_name("roles/iam.serviceAccountTokenCreator")
ONE_ACCOUNT = "google_service_account_iam_"
DEDICATED_ACCOUNT = lazy_compile(r"^serviceAccount:[a-z][a-z0-9-]{4,29}@([a-z][a-z0-9-]+)\.iam\.gserviceaccount\.com$")
TARGET_ACCOUNT = lazy_compile(r"serviceAccounts/([a-z][a-z0-9-]{4,29})@([a-z][a-z0-9-]+)\.iam\.gserviceaccount\.com")
ADMINISTERS = lazy_compile(r"admin|owner|terraform|(?:^|-)(?:tf|root|super|org|iac|provision\w*)(?:-|$)")


def deploys_as(resource_type: str, role: str, member: str, values: dict[str, Any]) -> bool:
    """Whether a grant lets one dedicated service account act as (or, of its own project, impersonate) the one
    service account it is made on."""
    dedicated = DEDICATED_ACCOUNT.match(member)
    if not resource_type.startswith(ONE_ACCOUNT) or dedicated is None:
        return False
    if canonical_name(role) == ACT_AS:
        return True
    target = TARGET_ACCOUNT.search(str(values.get("service_account_id", "")))
    return canonical_name(role) == TOKEN_CREATOR and target is not None and target[2] == dedicated[1] \
        and ADMINISTERS.search(target[1]) is None


# Services whose admin role governs who may do what, or reads every secret: their admin is everyone's admin.
GOVERNING_SERVICES = frozenset({"iam", "resourcemanager", "orgpolicy", "accesscontextmanager", "secretmanager",
                                "cloudkms", "privateca", "securitycenter", "billing", "serviceusage"})
SERVICE_ADMIN = lazy_compile(r"^roles/([a-z0-9]+)\.admin$")


def own_service_admin(resource_type: str, role: str, member: str, values: dict[str, Any]) -> bool:
    """Whether a project-level admin role of one service (`roles/run.admin`) goes to a dedicated service account
    of the same project: the deploy identity of that service, a grant to review, not a stranger handed the
    project. Services that govern access or hold every secret are not one service's business."""
    service = SERVICE_ADMIN.match(role)
    dedicated = DEDICATED_ACCOUNT.match(member)
    return resource_type.startswith("google_project_iam_") and service is not None and dedicated is not None \
        and service[1] not in GOVERNING_SERVICES and ADMINISTERS.search(member.split("@")[0]) is None \
        and str(values.get("project") or "").rpartition("/")[2] == dedicated[1]


def google_condition_narrows(role: str, values: dict[str, Any]) -> bool:
    """Whether a Google IAM binding's condition pins one named resource (no `||` that widens it again)."""
    if canonical_name(role) in _GOOGLE_ADMIN:
        return False
    for condition in as_list(values.get("condition")):
        expression = str(dig(condition, "expression") or "")
        names = RESOURCE_NAME.findall(expression)
        if names and "||" not in expression and all(re.search(r"/[^/*]+/[^/*]+/?$", n) for n in names):
            return True
    return False


# A role that changes what it is granted on (writer, editor, admin, …), read by its last word, whatever the service.
WRITE_ROLE = lazy_compile(r"writer|editor|admin|owner|creator|developer|publisher|contributor|updater|deployer"
                          r"|pusher|committer|maintainer|manager|write|modify|delete", re.IGNORECASE)
READ_ROLE = lazy_compile(r"viewer|reader|browser|auditor|read(?:only)?|lister|getter", re.IGNORECASE)


# The platform's default identities (Google's default Compute Engine and App Engine service accounts): every
# workload that names no identity of its own runs as one, so what it is granted, all of them hold.
DEFAULT_IDENTITY = lazy_compile(r"(?:^|/|:)(?:\d+-compute@developer|[a-z][a-z0-9-]*@appspot)\.gserviceaccount\.com$")


def whole_domain(member: str) -> bool:
    """Whether a member is every account of a mail domain (`domain:example.net`), not one user or group."""
    return member.rpartition(" ")[2].lower().startswith("domain:")


# Roles that use a key or read a secret (`roles/cloudkms.cryptoKeyDecrypter`, `secretAccessor`): whatever the key
# protects or the secret holds, read by its holder; for a whole domain, by every account in it.
KEY_USE_ROLE = lazy_compile(r"decrypter|encrypterdecrypter|secretaccessor|signer", re.IGNORECASE)


def writes(role: str) -> bool:
    """Whether a role's own name says it writes or administers (`roles/x.repoWriter`), or uses a key or reads a
    secret (`cryptoKeyDecrypter`), not only reads what is listed."""
    name = role.rsplit("/", 1)[-1].rsplit(".", 1)[-1]
    return bool(WRITE_ROLE.search(name) or KEY_USE_ROLE.search(name)) and not READ_ROLE.search(name)


def whole_pool(role: str, member: str) -> bool:
    """Whether a service-account impersonation role goes to every identity of a workload identity pool."""
    return canonical_name(role) in IMPERSONATION_ROLES and bool(WHOLE_POOL.match(member))


def _harmless_roles(review_input: ReviewInput) -> dict[tuple[str, str], tuple[Severity, str]]:
    """(kind, name) of the Kubernetes roles this plan writes whose every rule only answers about the caller (low),
    or only reads the cluster's layout (medium), with that severity and why."""
    found: dict[tuple[str, str], tuple[Severity, str]] = {}
    for change in managed(review_input.changeset, *ALTERING):
        if change.type.startswith("kubernetes_") and re.search(r"_role(?:_v\d)?$", change.type):
            after = as_dict(change.after)
            kind = "ClusterRole" if "cluster" in change.type else "Role"
            rules = as_list(after.get("rule"))
            if as_list(after.get("aggregation_rule")):  # its rules are gathered from other roles at run time
                continue
            if self_only(rules):
                found[(kind, str(dig(after, "metadata", 0, "name")))] = (Severity.LOW, SELF_ONLY_WHY)
            elif metadata_read_only(rules):
                found[(kind, str(dig(after, "metadata", 0, "name")))] = (Severity.MEDIUM, METADATA_WHY)
    return found


SELF_ONLY_WHY = " — the role it binds only lets each caller ask what it may itself do"
METADATA_WHY = " — the role it binds only reads which namespaces or classes exist, nothing inside them"


@grader
def self_review_to_everyone(review_input: ReviewInput, findings: list[Finding]) -> list[Finding]:
    """Everyone bound to a role the plan defines that only creates self reviews (system:basic-user's rights), or to a
    role it defines that only reads the cluster's layout (medium: shown, not alarming), or to a
    built-in role Kubernetes already binds to those same groups: low."""
    public = {id(f) for f in findings if f.rule == PUBLIC and f.severity is Severity.HIGH}
    if not public:
        return findings
    roles = _harmless_roles(review_input)
    # A plan that writes a ClusterRole of a built-in name changes what that name grants: its defaults prove nothing.
    written = {str(dig(c.after, "metadata", 0, "name")) for c in managed(review_input.changeset, *ALTERING)
               if re.search(r"^kubernetes_cluster_role(?:_v\d)?$", c.type)}
    bindings = {c.address: c for c in managed(review_input.changeset, *ALTERING) if c.type in K8S_BINDINGS}
    graded: list[Finding] = []
    for found in findings:
        binding = bindings.get(found.address or "") if id(found) in public else None
        ref = dig(binding.after, "role_ref", 0) if binding is not None else None
        if isinstance(ref, dict) and (str(ref.get("kind")), str(ref.get("name"))) in roles:
            severity, why = roles[(str(ref.get("kind")), str(ref.get("name")))]
            found = found.model_copy(update={"severity": severity, "message": found.message + why})
        elif binding is not None and isinstance(ref, dict) and str(ref.get("name")) not in written \
                and _already_everyones(ref, binding.after):
            found = found.model_copy(update={"severity": Severity.LOW, "message": found.message + " — Kubernetes "
                                             "already binds that built-in role to the same groups by default"})
        graded.append(found)
    return graded


def _already_everyones(ref: dict[str, Any], after: Any) -> bool:
    """Whether a binding gives a built-in ClusterRole only to the groups Kubernetes binds it to by default."""
    groups = K8S_EVERYONE_DEFAULTS.get(str(ref.get("name"))) if str(ref.get("kind")) == "ClusterRole" else None
    subjects = [s for s in as_list(as_dict(after).get("subject")) if isinstance(s, dict)]
    return groups is not None and bool(subjects) and all(
        str(s.get("kind")) == "Group" and str(s.get("name")) in groups for s in subjects)
