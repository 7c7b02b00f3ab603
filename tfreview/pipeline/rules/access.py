"""Risk rules, identity: role grants by meaning — admin roles and managed policies, public members and
principals, RBAC rules (Kubernetes, Azure), EKS access, default compute service accounts with full scope
(GitHub, Azure AD and API keys are in `tenants`).

Only what a change adds is reported: a grant that was already there is not news.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.decoding import embedded_objects, text_document
from tfreview.pipeline.findings import Finding, Severity, finding, on_change
from tfreview.pipeline.rules.actions import PRIVILEGED_POLICY
from tfreview.pipeline.rules.common import as_list, blocks, dig, known, new_items, sides
from tfreview.pipeline.rules.grantreach import (
    azure_inert,
    azure_star_level,
    control_namespace,
    grant_level,
    k8s_wildcard_level,
    named_only,
)
from tfreview.pipeline.rules.grants import (
    GRANT_PREFIXES,
    GRANT_TYPES,
    PRIVILEGED,
    conditioned,
    denies,
    everyone_member,
    grants,
    named_members,
    public_member,
)
from tfreview.pipeline.rules.judge import ESCALATES, PUBLIC, WILDCARD
from tfreview.pipeline.rules.peers import peer_of_holder

# Roles that read only what is published by nature: a key's public half (a signature's verifier reads it).
PUBLISHED_ROLES = lazy_compile(r"(?:^|[/.])publicKeyViewer$", re.IGNORECASE)
K8S_ROLES = ("kubernetes_cluster_role", "kubernetes_cluster_role_v1", "kubernetes_role", "kubernetes_role_v1")
K8S_ESCALATING_VERBS = {"escalate", "bind", "impersonate"}
AZURE_ESCALATING = ("microsoft.authorization/*", "microsoft.authorization/roleassignments/write",
                    "microsoft.authorization/roledefinitions/write")
CLOUD_PLATFORM = "cloud-platform"
DEFAULT_COMPUTE = "-compute@developer.gserviceaccount.com"
# Types with their own everyone-check below (principal "*" scoped by a source, accounts "all").
PUBLIC_READ_TYPES = ("aws_lambda_permission", "aws_lambda_layer_version_permission", "aws_ami_launch_permission",
                     "aws_db_snapshot", "aws_db_cluster_snapshot", "aws_vpc_endpoint_service", "aws_ami",
                     "aws_ebs_snapshot", "kubernetes_manifest")


@on_change(types=GRANT_TYPES, prefixes=GRANT_PREFIXES)
def _grants(change: Change) -> Iterator[Finding]:
    before, after = sides(change)
    old = grants(change.type, before)
    for role, member in grants(change.type, after):
        if (role, member) in old:
            continue
        level = grant_level(change.type, role, member, after)
        if level is Severity.HIGH and peer_of_holder(change.type, role, member, before, after, old):
            level = Severity.MEDIUM
        everyone = _everyone_held(role, old) if level is Severity.HIGH else None
        if level is not None:
            scope = f" at {after['scope']}" if change.type == "azurerm_role_assignment" and after.get("scope") else ""
            why = f" (the role was held by {everyone}: access narrows to named members)" if everyone else ""
            yield finding(PRIVILEGED, change.address, f"{change.address}: grants {role} to {member}{scope}{why}",
                          Severity.MEDIUM if everyone else level)
        if public_member(member) and not PUBLISHED_ROLES.search(role):
            yield finding(PUBLIC, change.address, f"{change.address}: grants {role} to {member} (everyone"
                          f"{' signed in' if 'uthenticated' in member else ''})")


def _everyone_held(role: str, old: set[tuple[str, str]]) -> str | None:
    """The member meaning everyone (system:authenticated, allUsers) that held ROLE before, or None: a named
    member given a role everyone had narrows access, it does not widen it."""
    return next((m for r, m in sorted(old) if r == role and (public_member(m) or everyone_member(m))), None)


@on_change(types=("aws_eks_access_policy_association",))
def _eks_access(change: Change) -> Iterator[Finding]:
    before, after = sides(change)
    arn = str(after.get("policy_arn") or "")
    if arn.endswith(("AmazonEKSClusterAdminPolicy", "AmazonEKSAdminPolicy")) and arn != before.get("policy_arn"):
        scope = dig(after, "access_scope", 0, "type") or "cluster"
        level = Severity.HIGH if scope == "cluster" or arn.endswith("ClusterAdminPolicy") else Severity.MEDIUM
        yield finding(PRIVILEGED, change.address, f"{change.address}: grants {arn.rsplit('/', 1)[-1]} to "
                      f"{after.get('principal_arn')} ({scope} scope)", level)


@on_change(types=("kubernetes_config_map", "kubernetes_config_map_v1", "kubernetes_config_map_v1_data"))
def _aws_auth(change: Change) -> Iterator[Finding]:
    before, after = sides(change)
    if dig(after, "metadata", 0, "name") != "aws-auth":
        return
    for key in ("mapRoles", "mapUsers"):
        new, old = str(dig(after, "data", key) or ""), str(dig(before, "data", key) or "")
        if new.count("system:masters") > old.count("system:masters"):
            yield finding(PRIVILEGED, change.address, f"{change.address}: aws-auth {key} maps an identity to "
                          "system:masters (cluster-admin)")


# Services whose resources (a topic, a bucket) any AWS account creates and points at any function: trusted without
# a source, the service principal is a confused deputy and every account's topic or bucket may invoke.
ANY_ACCOUNT_SERVICES = ("sns.amazonaws.com", "s3.amazonaws.com")
SOURCE_KEYS = ("source_arn", "source_account", "principal_org_id", "organization_id")


@on_change(types=("aws_lambda_permission", "aws_lambda_layer_version_permission"))
def _lambda_permission(change: Change) -> Iterator[Finding]:
    before, after = sides(change)
    if _sourced(change, after):
        return
    principal = after.get("principal")
    if principal == "*" and before.get("principal") != "*":
        yield finding(PUBLIC, change.address, f'{change.address}: principal = "*" with no source_arn, '
                      "source_account or organisation (anyone may invoke)")
    elif principal in ANY_ACCOUNT_SERVICES and (before.get("principal") != principal or _sourced(change, before)):
        yield finding(PUBLIC, change.address, f"{change.address}: trusts {principal} with no source_arn or "
                      "source_account: any account's topic or bucket of that service may invoke the function")


def _sourced(change: Change, side: dict[str, Any]) -> bool:
    """Whether SIDE names the source it admits (a value, or one known only after apply)."""
    unknown = change.after_unknown if side is change.after and isinstance(change.after_unknown, dict) else {}
    return any(side.get(k) or unknown.get(k) is True for k in SOURCE_KEYS)


@on_change(types=("aws_ami_launch_permission", "aws_db_snapshot", "aws_db_cluster_snapshot",
                  "aws_vpc_endpoint_service", "aws_ami", "aws_ebs_snapshot"))
def _shared_with_everyone(change: Change) -> Iterator[Finding]:
    before, after = sides(change)
    for key in ("group", "shared_accounts", "allowed_principals", "launch_permission"):
        values = {str(v) for v in as_list(after.get(key))} - {str(v) for v in as_list(before.get(key))}
        if values & {"all", "*"}:
            yield finding(PUBLIC, change.address, f'{change.address}: {key} includes "{sorted(values)[0]}" '
                          "(every AWS account)")


@on_change(types=(*K8S_ROLES, "azurerm_role_definition"))
def _role_definitions(change: Change) -> Iterator[Finding]:
    before, after = sides(change)
    key = "permissions" if change.type == "azurerm_role_definition" else "rule"
    cluster = "cluster" in change.type or control_namespace(after)
    scopes = [str(s) for s in as_list(after.get("assignable_scopes")) or as_list(after.get("scope"))]
    for block in new_items(blocks(before, key), blocks(after, key)):
        yield from rbac_rule(change.address, key, block, cluster, scopes)


def rbac_rule(address: str, key: str, block: dict[str, Any], cluster: bool, scopes: list[str] | None = None,
              ) -> Iterator[Finding]:
    """Findings for one RBAC rule block (Kubernetes verbs/resources or Azure actions) a change adds."""
    wild = _wild_parts(block)
    if wild:
        if "actions" not in block:
            level = k8s_wildcard_level(block, cluster)
        else:  # Azure: "*" is graded by its NotActions and assignable scopes, a provider's "…/*" stays high
            only_star = wild == ['actions "*"'] and "*" in as_list(block.get("actions"))
            level = azure_star_level(block, scopes or []) if only_star else Severity.HIGH
        narrow = "" if level is Severity.HIGH else " (only where it holds no power over access)"
        yield finding(WILDCARD, address, f"{address}: {key} grants {', '.join(wild)}{narrow}", level)
        return
    verbs = {str(v).lower() for v in as_list(dig(block, "verbs"))}
    resources = {str(v).lower() for v in as_list(dig(block, "resources"))}
    actions = [str(a).lower() for a in as_list(dig(block, "actions"))]
    escalating = sorted(verbs & K8S_ESCALATING_VERBS) + [a for a in actions if a in AZURE_ESCALATING]
    if escalating:
        named = named_only(block) and not actions  # impersonate/bind only the objects resource_names lists
        yield finding(ESCALATES, address, f"{address}: {key} grants {', '.join(escalating)} "
                      f"{'only on the objects resource_names lists' if named else '(can grant itself more)'}",
                      Severity.MEDIUM if named else Severity.HIGH)
    elif "serviceaccounts/token" in resources and "create" in verbs:
        yield finding(ESCALATES, address, f"{address}: {key} mints service account tokens (acts as any of them)",
                      Severity.HIGH if cluster else Severity.MEDIUM)
    elif "secrets" in resources and verbs & {"get", "list", "watch"}:
        # Every service account token of the cluster is a secret: reading them all is acting as anyone.
        yield finding(ESCALATES if cluster else WILDCARD, address, f"{address}: {key} reads secrets"
                      f"{' in every namespace (service account tokens included)' if cluster else ''}",
                      Severity.HIGH if cluster else Severity.MEDIUM)
    elif "pods/exec" in resources and verbs & {"create", "get"}:
        yield finding(ESCALATES, address, f"{address}: {key} grants pods/exec (a shell in running pods)",
                      Severity.MEDIUM)


def _wild_parts(block: dict[str, Any]) -> list[str]:
    fields = ("actions", "data_actions") if "actions" in block else ("verbs", "resources", "api_groups")
    return [f'{field} "*"' for field in fields[:2]
            if any(v == "*" or (isinstance(v, str) and v.endswith("/*") and v.count("/") == 1 and not azure_inert(v))
                   for v in as_list(dig(block, field)))]


@on_change(words=(b"verbs",))
def _embedded_rbac(change: Change) -> Iterator[Finding]:
    """RBAC rules written inside strings (Helm values, a manifest's YAML body, a JSON list quoted in YAML)."""
    before, after = sides(change)
    new = [o for o in embedded_objects(after) if "verbs" in o and ("resources" in o or "apiGroups" in o)]
    old = [o for o in embedded_objects(before) if "verbs" in o]
    cluster = any(v is True and "cluster" in str(k).lower() for o in embedded_objects(after) for k, v in o.items())
    for block in new_items(old, new):
        yield from rbac_rule(change.address, "embedded rules", block, cluster)


@on_change(prefixes=("google_",))
def _default_compute_account(change: Change) -> Iterator[Finding]:
    before, after = sides(change)
    old = set(_full_scope_default(before))
    for where in _full_scope_default(after, change.after_unknown):
        if where in old:
            continue
        if where.endswith("(account known after apply)"):
            yield finding(PRIVILEGED, change.address, f"{change.address}: {where} has the cloud-platform scope; "
                          "if the account is the default compute one it is Editor on the project", Severity.MEDIUM)
        else:
            yield finding(PRIVILEGED, change.address, f"{change.address}: {where} runs as the default compute "
                          "service account (Editor on the project) with the cloud-platform scope")


def _full_scope_default(value: Any, unknown: Any = None, where: str = "") -> Iterator[str]:
    if isinstance(value, dict):
        marks = unknown if isinstance(unknown, dict) else {}
        scopes = [str(s) for key in ("scopes", "oauth_scopes") for s in as_list(value.get(key))]
        if any(s == CLOUD_PLATFORM or s.endswith("/auth/" + CLOUD_PLATFORM) for s in scopes):
            key = "email" if "email" in value else "service_account"
            account = value.get(key)
            if marks.get(key) is True or not known(account):
                yield f"{where or 'service_account'} (account known after apply)"
            elif account in (None, "", "default") or str(account).endswith(DEFAULT_COMPUTE):
                yield where or "service_account"
        for key, item in value.items():
            if isinstance(item, (dict, list)):
                yield from _full_scope_default(item, marks.get(key), f"{where}.{key}".lstrip("."))
    elif isinstance(value, list):
        marks_list = unknown if isinstance(unknown, list) else []
        for index, item in enumerate(value):
            mark = marks_list[index] if index < len(marks_list) else None
            yield from _full_scope_default(item, mark, f"{where}[{index}]")


# GCP permissions that let a holder grant itself more (Rhino Security Labs' GCP escalation list).
GCP_ESCALATING = (".setiampolicy", "iam.serviceaccountkeys.create", "iam.serviceaccounts.getaccesstoken",
                  "iam.serviceaccounts.signblob", "iam.serviceaccounts.signjwt",
                  "iam.serviceaccounts.implicitdelegation",
                  "iam.roles.update", "iam.roles.create", "deploymentmanager.deployments.create",
                  "orgpolicy.policy.set", "iam.serviceaccounts.actas")


@on_change(types=("google_project_iam_custom_role", "google_organization_iam_custom_role"))
def _custom_role(change: Change) -> Iterator[Finding]:
    before, after = sides(change)
    old = {str(p).lower() for p in as_list(before.get("permissions"))}
    found = sorted(str(p) for p in as_list(after.get("permissions"))
                   if str(p).lower() not in old and str(p).lower().endswith(GCP_ESCALATING))
    if found:
        yield finding(ESCALATES, change.address, f"{change.address}: permissions {', '.join(found[:4])} "
                      "(can grant itself more)")
    reads = sorted(str(p) for p in as_list(after.get("permissions"))
                   if str(p).lower() not in old and str(p).lower() in GCP_CONTENT_READS)
    if reads and change.type == "google_organization_iam_custom_role":
        yield finding(PRIVILEGED, change.address, f"{change.address}: permissions {', '.join(reads[:3])} on an "
                      "organisation role: whoever holds it reads every secret, object or table of every project")


# Permissions that read what a store holds (a secret's value, an object, a table's rows, a key's plaintext), not
# only that it exists: in a role defined for the whole organisation, every project's content.
GCP_CONTENT_READS = frozenset({"secretmanager.versions.access", "storage.objects.get", "bigquery.tables.getdata",
                               "cloudkms.cryptokeyversions.usetodecrypt", "spanner.databases.read",
                               "datastore.entities.get", "firestore.documents.get", "iam.serviceaccountkeys.create",
                               "iam.serviceaccounts.getaccesstoken"})


@on_change(types=("aws_iam_role", "aws_iam_user"))
def _boundary_removed(change: Change) -> Iterator[Finding]:
    before, after = sides(change)
    if before.get("permissions_boundary") and known(before["permissions_boundary"]) and \
            not after.get("permissions_boundary") and not _unknown(change, "permissions_boundary"):
        yield finding(ESCALATES, change.address, f"{change.address}: permissions_boundary "
                      f"{before['permissions_boundary']} is removed (the boundary no longer limits it)")
    elif _admin_boundary(after.get("permissions_boundary")) and before.get("permissions_boundary") and \
            not _admin_boundary(before["permissions_boundary"]):
        yield finding(ESCALATES, change.address, f"{change.address}: permissions_boundary "
                      f"{before['permissions_boundary']} is replaced by {after['permissions_boundary']}, itself an "
                      "administrator policy (no boundary limits it any more)")


def _admin_boundary(value: object) -> bool:
    """Whether a permissions boundary is itself an administrator policy: a boundary that limits nothing."""
    return isinstance(value, str) and bool(PRIVILEGED_POLICY.search(value))


def _unknown(change: Change, key: str) -> bool:
    return isinstance(change.after_unknown, dict) and change.after_unknown.get(key) is True


@on_change(words=(b"all", b"*", b"everyone", b"public", b"anyone", b"anonymous", b"authenticated",
                  b"users", b"u_auth", b"u_anon"))  # EVERYONE, WHOLE_POPULATION
def _everyone_member(change: Change) -> Iterator[Finding]:
    """A grant of any provider (one the rules above do not read) that newly names everyone as a member."""
    if change.type in GRANT_TYPES or change.type.startswith(GRANT_PREFIXES) or change.type in PUBLIC_READ_TYPES:
        return
    before, after = sides(change)
    members = named_members(after) | _document_members(after)
    if not members or conditioned(after) or denies(after):  # most resources name no members: settle them first
        return
    added = sorted(m for m in members - named_members(before) - _document_members(before) if everyone_member(m))
    if added and not _before_sign_in_only(after):
        role = after.get("role") or after.get("role_name") or after.get("permission") or "access"
        yield finding(PUBLIC, change.address, f"{change.address}: grants {role} to {added[0]} (everyone)")


# A setting that holds a grant document as JSON text (a share link's `grantee_policy`, an `acl_json`).
GRANT_DOCUMENT = lazy_compile(r"(?:^|_)(?:polic(?:y|ies)|grants?|acls?|access|permissions?|sharing)(?:_json)?$")


def _document_members(values: dict[str, Any]) -> set[str]:
    """The principals the grant documents held as JSON text name (not AWS policies: their `Principal` is judged
    by the policy rules), each document without a condition or deny of its own."""
    found: set[str] = set()
    for key, value in values.items():
        if isinstance(value, str) and value.lstrip()[:1] == "{" and GRANT_DOCUMENT.search(key) \
                and isinstance(document := text_document(value), dict) and not conditioned(document) \
                and not denies(document):
            found |= named_members(document)
    return found


# What a grant lets its holder do, by the actions it lists (Boundary's `grant_strings` "ids=*;type=scope;actions=list",
# an `actions` or `verbs` list): the steps every client needs before it signs in (list the ways in, authenticate).
GRANTED_ACTIONS = lazy_compile(r"(?:\w+_)?(?:grant_strings?|actions?|verbs|operations)")
_ACTIONS_PART = lazy_compile(r"(?:^|;)\s*actions\s*=\s*([^;]*)")
SIGN_IN_STEPS = frozenset({"list", "no-op", "noop", "authenticate", "login", "discover"})


def _before_sign_in_only(values: dict[str, Any]) -> bool:
    """Whether everything a grant lists is a step before sign-in (a login role for anonymous clients): everyone
    holding it reaches no target, session or setting."""
    listed = [str(item) for key, value in values.items() if GRANTED_ACTIONS.fullmatch(key)
              for item in as_list(value) if isinstance(item, str)]
    actions = {a.strip().lower() for text in listed for a in _actions_of(text).split(",") if a.strip()}
    return bool(actions) and actions <= SIGN_IN_STEPS


def _actions_of(text: str) -> str:
    found = _ACTIONS_PART.search(text)
    return found.group(1) if found else text


# Who a database or warehouse grant goes to (`account_role_name`, `grantee`, `role`, `to`): PUBLIC is the role every
# user holds. All privileges given to it, let alone with grant option, reach every user.
GRANTEE_KEYS = lazy_compile(r"(?:\w+_)?(?:role|roles|grantee|grantees|to|principal)(?:_names?)?")


# Privileges that read or change a database's data (not USAGE, MONITOR or CONNECT, which only let a role see the
# object is there): given to PUBLIC, every user reads or changes the tables they name.
DATA_PRIVILEGES = frozenset({"SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "READ", "WRITE", "MODIFY",
                             "READ_FILES", "WRITE_FILES", "OWNERSHIP", "REFERENCES"})


def _all_privileges(values: dict[str, Any]) -> bool:
    if values.get("all_privileges") is True:
        return True
    return any(str(p).strip().upper() in ("ALL", "ALL PRIVILEGES") for p in as_list(values.get("privileges")))


def _data_privileges(values: dict[str, Any]) -> list[str]:
    return sorted({str(p).strip().upper() for p in as_list(values.get("privileges"))} & DATA_PRIVILEGES)


@on_change(actions=(Action.CREATE, Action.UPDATE, Action.REPLACE), words=(b"grant",))  # in its type
def _all_to_public(change: Change) -> Iterator[Finding]:
    """A grant of every privilege, or of one that reads or changes data, to the role everyone holds (PUBLIC), in any
    database or warehouse provider."""
    if "grant" not in change.type:
        return
    before, after = sides(change)
    to = sorted(k for k, v in after.items() if GRANTEE_KEYS.fullmatch(k) and any(
        isinstance(i, str) and everyone_member(i) for i in as_list(v)))
    unchanged = all(before.get(k) == after[k] for k in to) and before.get("privileges") == after.get("privileges") \
        and _all_privileges(before) == _all_privileges(after)
    if not to or unchanged:
        return
    if _all_privileges(after):
        yield finding(PUBLIC, change.address, f"{change.address}: grants ALL privileges to {after[to[0]]} (every "
                      "user holds this role)")
    elif data := _data_privileges(after):
        yield finding(PUBLIC, change.address, f"{change.address}: grants {', '.join(data[:3])} to {after[to[0]]} "
                      "(every user holds this role: every user reads or changes that data)")
