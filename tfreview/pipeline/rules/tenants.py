"""Risk rules, identity: grants in SaaS tenants and directories — GitHub organisation and repository admin,
Azure AD roles and Microsoft Graph permissions, organisation-wide API keys and tokens.

Only what a change adds is reported: a grant that was already there is not news.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import Finding, Severity, finding, on_change
from tfreview.pipeline.rules.common import as_list, blocks, new_items, sides, string_leaves
from tfreview.pipeline.rules.credentials import secret_attribute
from tfreview.pipeline.rules.datakeys import erases_everywhere
from tfreview.pipeline.rules.grants import GRANTEE_KEY, PRIVILEGED
from tfreview.pipeline.rules.mapscope import scope_strings
from tfreview.pipeline.rules.narrowing import KEY_STORES

KEY_SUFFIXES = ("_api_key", "_apikey", "_application_key", "_api_token", "_access_token", "_access_key",
                "_service_account_key", "_organization_token", "_org_token", "_token")
ADMIN_WORDS = ("admin", "owner", "organization", "org_", "full", "write:org")
# A key's own permission switches that let it manage who has access (users, teams, other keys): it can mint itself
# anything (NS1's `account_manage_users`, `account_manage_apikeys`).
MANAGES_IDENTITIES = lazy_compile(r"manage_(?:users|members|teams|roles|permissions|api_?keys|keys|tokens)$")
SCOPE_KEYS = ("role", "roles", "role_names", "scope", "scopes", "permissions", "access_level", "key_type",
              "policies", "policy", "permission_groups")
# The kind a token is issued as; some kinds are full admin by themselves (Nomad's "management", a root or superuser
# key, a global admin), whatever policies are listed.
KIND_KEYS = ("type", "kind", "token_type", "key_kind", "privilege", "level")
ADMIN_KIND = lazy_compile(r"(?:^|[^a-z])(?:management|root|superuser|super_?admin|admin|administrator|owner"
                          r"|full(?:_access)?)(?:[^a-z]|$)")
# Azure AD directory role templates and Microsoft Graph app roles that hand out the whole tenant, or every mailbox,
# file or site in it (an application permission reaches all users' data, with no one signed in).
AZUREAD_ADMIN = {
    "62e90394-69f5-4237-9190-012177145e10": "Global Administrator",
    "e8611ab8-c189-46e8-94e1-60213ab1f814": "Privileged Role Administrator",
    "194ae4cb-b126-40b2-bd5b-6091b380977d": "Security Administrator",
    "9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3": "Application Administrator",
    "158c047a-c907-4556-b7ef-446551a6b5f7": "Cloud Application Administrator",
    "9e3f62cf-ca93-4989-b6ce-bf83c28f9fe8": "RoleManagement.ReadWrite.Directory",
    "06b708a9-e830-4db3-a914-8e69da51d44f": "AppRoleAssignment.ReadWrite.All",
    "1bfefb4e-e0b5-418b-a88f-73c46d2cc8e9": "Application.ReadWrite.All",
    "19dbc75e-c2e2-444c-a770-ec69d8559fc7": "Directory.ReadWrite.All",
    "741f803b-c850-494e-b5df-cde7c675a1ca": "User.ReadWrite.All",
    "62a82d76-70ea-41e2-9197-370581804d09": "Group.ReadWrite.All",
    "810c84a8-4a9e-49e6-bf7d-12d183f40d01": "Mail.Read",
    "e2a3a72e-5f79-4c64-b1b1-878b674786c9": "Mail.ReadWrite",
    "01d4889c-1287-42c6-ac1f-5d1e02578ef6": "Files.Read.All",
    "75359482-378d-4052-8f01-80520e7db3cd": "Files.ReadWrite.All",
    "9492366f-7969-46a4-8d15-ed1a20078fff": "Sites.ReadWrite.All",
    "a82116e5-55eb-4c41-a434-62fe8a61c773": "Sites.FullControl.All",
}
AZUREAD_ADMIN_NAMES = {name.lower(): name for name in AZUREAD_ADMIN.values()}


@on_change(prefixes=("github_",))
def _github(change: Change) -> Iterator[Finding]:
    before, after = sides(change)
    if change.type == "github_membership" and after.get("role") == "admin" and before.get("role") != "admin":
        yield finding(PRIVILEGED, change.address, f"{change.address}: makes {after.get('username')} an "
                      "organisation owner (role admin)")
    people = [after] if change.type == "github_repository_collaborator" else \
        blocks(after, "user") + blocks(after, "team") if change.type == "github_repository_collaborators" else []
    old = [before] if change.type == "github_repository_collaborator" else \
        blocks(before, "user") + blocks(before, "team")
    for person in new_items(old, people):
        if person.get("permission") == "admin":
            who = person.get("username") or person.get("team_id") or "a collaborator"
            yield finding(PRIVILEGED, change.address, f"{change.address}: gives {who} admin on repository "
                          f"{after.get('repository')}")
    if change.type == "github_team_repository" and after.get("permission") == "admin" and \
            before.get("permission") != "admin":
        yield finding(PRIVILEGED, change.address, f"{change.address}: gives team {after.get('team_id')} admin on "
                      f"repository {after.get('repository')}", Severity.MEDIUM)


# An AZUREAD_ADMIN role, an _admin_scope word, an erases_everywhere capability, or a type judged by its name.
@on_change(words=(*(guid.encode() for guid in AZUREAD_ADMIN), b"*", b"admin", b"owner", b"organization", b"org_",
                  b"full", b"write:org", b"management", b"manage_", b"root", b"superuser", b"delete", b"purge",
                  b"destroy", b"erase", b"wipe", b"bypass", b"remove", b"write", b"all", b"datadog_api_key",
                  b"tfe_organization_token", b"confluent_api_key", b"datadog_application_key", b"aws_iam_access_key",
                  b"google_service_account_key"))
def _org_keys(change: Change) -> Iterator[Finding]:
    azuread = change.type.startswith("azuread_")
    if not azuread and (change.before or not (change.type.endswith(KEY_SUFFIXES) or _bears_credential(change))):
        return  # only a credential being created can be issued with a wide scope
    before, after = sides(change)
    if azuread:
        if change.type != "azuread_directory_role":  # activating a role in the tenant grants it to no one
            for guid in sorted(set(_granted_leaves(after)) - set(_granted_leaves(before))):
                if guid.lower() in AZUREAD_ADMIN:
                    yield finding(PRIVILEGED, change.address, f"{change.address}: grants "
                                  f"{AZUREAD_ADMIN[guid.lower()]} (tenant-wide)")
            for name in sorted(set(_granted_leaves(after, True)) - set(_granted_leaves(before, True))):
                if name.strip().lower() in AZUREAD_ADMIN_NAMES:  # a role named in place of its id (namedroles.py)
                    yield finding(PRIVILEGED, change.address, f"{change.address}: grants "
                                  f"{AZUREAD_ADMIN_NAMES[name.strip().lower()]} (tenant-wide)")
        return
    if before:
        return
    wide = _admin_scope(after) or erases_everywhere(after)
    if change.type in ("datadog_api_key", "tfe_organization_token") or (
            change.type == "confluent_api_key" and not after.get("managed_resource")):
        wide = wide or "organisation-wide by design"
    elif change.type == "datadog_application_key" and not after.get("scopes"):
        wide = wide or "no scopes: every permission of its owner"
    if wide:
        yield finding(PRIVILEGED, change.address, f"{change.address}: creates an API key with {wide}")
    elif change.type in ("aws_iam_access_key", "google_service_account_key"):
        yield finding(PRIVILEGED, change.address, f"{change.address}: creates a long-lived access key",
                      Severity.MEDIUM)


SA_TOKEN_HOLDER = "kubernetes.io/service-account.name"


@on_change(types=("kubernetes_secret", "kubernetes_secret_v1"), actions=(Action.CREATE,),
           words=(b"service-account-token",))
def _service_account_token(change: Change) -> Iterator[Finding]:
    """A Secret of type service-account-token: Kubernetes fills it with a token for the named service account that
    never expires (the tokens pods get are short-lived and bound to them). Medium; high when the plan shows the
    account holding an admin role (keyholders.py)."""
    after = change.after if isinstance(change.after, dict) else {}
    if after.get("type") != "kubernetes.io/service-account-token":
        return
    metadata: Any = next(iter(after.get("metadata") or []), {})
    annotations = metadata.get("annotations") if isinstance(metadata, dict) else None
    holder = annotations.get(SA_TOKEN_HOLDER) if isinstance(annotations, dict) else None
    yield finding(PRIVILEGED, change.address, f"{change.address}: creates a long-lived access key (a token that "
                  f"never expires for service account {holder or 'named in its annotations'})", Severity.MEDIUM)


# Blocks that say whom a policy applies to (a conditional access policy's `conditions.users.included_roles`):
# a role named there is targeted by the policy, not granted.
TARGETING = lazy_compile(r"conditions?|(?:included|excluded|include|exclude)_\w+")


def _granted_leaves(value: Any, roles: bool = False) -> list[str]:
    """Every string inside VALUE outside the blocks that only target who a policy applies to; with ROLES, only
    those under a key that names a role (`role_id`, `app_role_id`)."""
    if isinstance(value, dict):
        return [s for k, v in value.items() if not TARGETING.fullmatch(str(k))
                for s in _granted_leaves(v, roles and "role" not in str(k).lower())]
    if isinstance(value, list):
        return [s for item in value for s in _granted_leaves(item, roles)]
    return [] if roles else list(string_leaves(value))


# Types that are an identity for machines (a robot or bot account, an app password): they carry a credential.
MACHINE_IDENTITY = lazy_compile(r"(?:^|_)(?:robot|bot|machine_user|app_password|service_principal_password)(?:_|$)")


def _bears_credential(change: Change) -> bool:
    """Whether a created object issues a credential: a machine identity by its type, or an attribute (known or
    known only after apply) that holds a token, secret, key or password."""
    unknown = change.after_unknown if isinstance(change.after_unknown, dict) else {}
    after = change.after if isinstance(change.after, dict) else {}
    if KEY_STORES.search(change.type):  # an encryption key's policy names who may use it, not a credential's reach
        return False
    return bool(MACHINE_IDENTITY.search(change.type)) or any(secret_attribute(str(k)) for k in (*unknown, *after))


def _admin_scope(values: dict[str, Any]) -> str:
    for key in SCOPE_KEYS:
        for value in scope_strings(values.get(key)):
            text = value.lower()
            if text.endswith("*") or (any(word in text for word in ADMIN_WORDS) and not object_owner(text)):
                return f'{key} "{value}"'
    for key in KIND_KEYS:
        kind = values.get(key)
        if isinstance(kind, str) and ADMIN_KIND.search(kind.lower()):
            return f'{key} "{kind}"'
    return next((f"{key} = true" for key, value in values.items() if value is True and MANAGES_IDENTITIES.search(key)),
                "")




# Providers whose grants other checks read by meaning; any other provider's memberships are read generically.
KNOWN_PROVIDERS = ("aws_", "google_", "azurerm_", "azuread_", "kubernetes_", "github_", "helm_")
GRANT_WORDS = ("user", "member", "grant", "collaborator", "role", "access", "invitation", "permission", "team",
               "binding", "assignment", "attachment", "scope", "service_account", "acl", "policy")
# An admin or owner role, or a permission that manages identities (users, groups, roles, access, policies, apps):
# its holder can grant itself anything, so it is admin whatever the role is called.
# Ranks of any vocabulary that hold the keys or run the tenant (`captain`, `keyholder`, `steward`) are owner-level.
ADMIN_VALUES = lazy_compile(r"admin|owner|superuser|root\b|all_privileges|captain|key_?holder|steward"
                            r"|full_?(?:access|control)"
                            # a manager of the whole organisation or of identities, however spelt (IAMManager)
                            r"|(?:iam|organi[sz]ation|org|tenant|identit(?:y|ies)|polic(?:y|ies)|permissions?|roles?)"
                            r"[._: -]?managers?\b"
                            r"|(?:user|group|role|member|access|permission|polic(?:y|ies)|identit(?:y|ies)|app)s?[._:-]"
                            r"(?:\w+[._:-])?(?:manage|admin|write|assign|grant)\b"
                            r"|(?:manage|assign|grant|create|update|delete|write|add|edit|modify)[._:-](?:\w+[._:-])?"
                            r"(?:users?|groups?|roles?|members?|access|permissions?"
                            r"|polic(?:y|ies)|identit(?:y|ies))\b", re.IGNORECASE)
# A read-only qualifier outranks an "admin" inside the same name: READ_ONLY_ADMIN, admin-viewer, AuditorAdmin, and
# an admin of reports (REPORT_ADMIN), who reads what others did and changes none of it.
READ_ONLY = lazy_compile(r"read[_ -]?only|view[_ -]?only|viewer|auditor|reader|readonly|report(?:s|ing)?"
                         r"[_ -]?admin", re.IGNORECASE)
LEVEL_KEY = lazy_compile(r"(?:^|_)(?:access|level|role|roles|permission|permissions|privilege|privileges|scopes?"
                         r"|capabilit(?:y|ies))"
                         r"(?:_level)?$|role|permission|access_level|polic(?:y|ies)_(?:names?|arns?)$"
                         r"|(?:^|_)(?:rank|standing|tier)$")
# An access ladder shared by SaaS providers: read < triage/write < maintain < admin/owner.
LADDER = {**dict.fromkeys(("none", "no_access", "guest", "read", "reader", "readonly", "read_only", "view", "viewer",
                           "pull", "reporter", "observer", "limited_user", "responder"), 1),
          **dict.fromkeys(("triage", "write", "writer", "push", "developer", "contributor", "edit", "editor", "plan",
                           "member", "user", "operator", "manager_read"), 2),
          **dict.fromkeys(("maintain", "maintainer", "manage", "manager", "custom"), 3)}


def access_rank(value: Any) -> int | None:
    """Where an access level sits on the ladder: 1 read … 4 admin/owner; None when the word is not on it."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip().lower().replace("-", "_").replace(" ", "_")
    return 4 if admin_value(text) else LADDER.get(text)


def admin_value(value: str) -> bool:
    """Whether an access value names an admin/owner role or identity management, and is not read-only."""
    return bool(ADMIN_VALUES.search(value)) and not READ_ONLY.search(value) and not object_owner(value)


# `orders_owner`, `reporting-owners`: the owner role of one named object (a schema, a table set), which owns that
# object alone; an owner of a scope (`db_owner`, `project_owner`, `account_owner`) owns everything in it.
OBJECT_OWNER = lazy_compile(r"^([a-z0-9]+(?:[_-][a-z0-9]+)*)[_-]owners?$")
SCOPE_WORDS = frozenset({"db", "database", "databases", "account", "accounts", "org", "organization", "organisation",
                         "project", "projects", "tenant", "subscription", "workspace", "team", "group", "cluster",
                         "server", "instance", "global", "super", "system", "sys", "all", "root", "admin",
                         "security", "enterprise", "billing", "domain", "directory", "namespace", "folder",
                         "repository", "repo", "site", "app", "application", "service", "resource"})


def object_owner(value: str) -> bool:
    """Whether a role name is the owner role of one named object (`orders_owner`), not of a scope."""
    match = OBJECT_OWNER.match(value.strip().lower())
    return match is not None and not set(re.split(r"[_-]", match[1])) & SCOPE_WORDS \
        and not ADMIN_VALUES.search(match[1])


@on_change(words=tuple(w.encode() for w in GRANT_WORDS))  # one is in its type
def _any_provider_admin(change: Change) -> Iterator[Finding]:
    """A membership or grant of any other provider (GitLab, Okta, TFE, Snowflake, …) moving up the access ladder."""
    name = change.type.partition("_")[2]
    if change.type.startswith(KNOWN_PROVIDERS):
        return
    # Any other type is read only in its blocks that are grants (an Atlas project's `teams { role_names }`).
    grant_type = any(word in name for word in GRANT_WORDS)
    before, after = sides(change)
    yield from _unconfined(change, before, after)
    for key, value, previous, holder in settings(before, after, grant_type):
        # A principal's tags that are its roles (`tags = ["administrator"]` on a broker user), unlike label maps.
        role_tags = key.lower() in ("tags", "user_tags") and isinstance(value, list)
        if not (LEVEL_KEY.search(key.lower()) or role_tags) or value == previous or GRANTEE_KEY.search(key):
            continue
        old = set(string_leaves(previous))
        admin = [v for v in string_leaves(value) if v not in old and admin_value(v)
                 and not narrower_admin(previous, v)]
        if admin:
            was = f' (was "{previous}")' if isinstance(previous, str) else ""
            unbounded = [v for v in admin if WHOLE_TENANT.search(v) or SELF_GRANTING.search(v)]
            targets = [] if unbounded else targets_of(holder)
            scoped = f", confined to {len(targets)} named target(s)" if targets else ""
            yield finding(PRIVILEGED, change.address, f'{change.address}: {key} = "{(unbounded or admin)[0]}"{was} '
                          f"(an admin or owner role{scoped})", Severity.MEDIUM if targets else Severity.HIGH)
            continue
        new_rank, old_rank = access_rank(value), access_rank(previous)
        if new_rank is not None and old_rank is not None and new_rank > old_rank:
            yield finding(PRIVILEGED, change.address, f'{change.address}: {key} rises from "{previous}" to '
                          f'"{value}"', Severity.MEDIUM)


def settings(before: dict[str, Any], after: dict[str, Any],
              grant_type: bool = True) -> Iterator[tuple[str, Any, Any, dict[str, Any]]]:
    """(key, value, value before, the object holding it) for every setting of AFTER and of the blocks directly
    inside it (a policy's `rule { permission_set_names = [...] }`) unless the block's own name says it is an access
    level (`permission { name = ... }`, read whole); a block's value before is the same key's in every block before
    naming the same principal (`team_id`): a block for a principal no block named before grants it afresh. Unless
    GRANT_TYPE, only blocks whose name says they grant (`teams`, `members`) are read."""
    for key, value in after.items():
        blocks_after = [item for item in as_list(value) if isinstance(item, dict)]
        if not grant_type and (not blocks_after or not any(word in key.lower() for word in GRANT_WORDS)):
            continue
        if not blocks_after or len(blocks_after) != len(as_list(value)) or LEVEL_KEY.search(key.lower()):
            yield key, value, before.get(key), after
            continue
        blocks_before = [item for item in as_list(before.get(key)) if isinstance(item, dict)]
        for block in blocks_after:
            who = {k: v for k, v in block.items() if PRINCIPAL_KEY.search(k.lower())}
            same = [old for old in blocks_before if all(old.get(k) == v for k, v in who.items())]
            for name, setting in block.items():
                previous = [leaf for old in same for leaf in string_leaves(old.get(name))]
                yield name, setting, previous or None, block


# What names the principal a grant block is for (`team_id`, `user_ids`, `group_name`, `member`, `email`).
PRINCIPAL_KEY = lazy_compile(r"(?:^|_)(?:teams?|users?|groups?|members?|principals?|usernames?|emails?|subjects?"
                             r"|service_accounts?)(?:_(?:ids?|names?|emails?))?$")


def _unconfined(change: Change, before: dict[str, Any], after: dict[str, Any]) -> Iterator[Finding]:
    """An admin role that stays while the lists confining it to named objects are emptied (Okta
    `target_group_list = []`): it now reaches every object of the tenant."""
    unknown = change.after_unknown if isinstance(change.after_unknown, dict) else {}
    keys = [k for k in before if TARGET_KEY.search(k.lower())]
    if not keys or any(k in unknown or k not in after for k in keys) or not targets_of(before) or targets_of(after):
        return
    for key, value in after.items():
        if LEVEL_KEY.search(key.lower()) and value == before.get(key):
            admin = [v for v in string_leaves(value) if admin_value(v)]
            if admin:
                yield finding(PRIVILEGED, change.address, f'{change.address}: {key} = "{admin[0]}" is no longer '
                              f"confined to named targets ({', '.join(keys)} emptied): it reaches the whole tenant")
                return


def narrower_admin(old: Any, new: str) -> bool:
    """Whether NEW is an admin role below OLD: OLD administers the whole tenant (super, org, owner, root), NEW does
    not (SUPER_ADMIN → HELP_DESK_ADMIN narrows what the holder may do)."""
    return isinstance(old, str) and admin_value(old.strip().lower()) and WHOLE_TENANT.search(old) is not None \
        and WHOLE_TENANT.search(new) is None


# A list that confines a role to named objects (Okta `target_group_list`, `target_app_list`, `targets`).
WHOLE_TENANT = lazy_compile(r"super|org|owner|root|tenant|global", re.IGNORECASE)  # never confined by targets
# Managing identities, roles or policies lets the holder grant itself anything, beyond any target it is confined to.
SELF_GRANTING = lazy_compile(r"iam|(?:polic(?:y|ies)|roles?|permissions?|access)[._: -]?(?:manage|admin|write|assign"
                             r"|grant)", re.IGNORECASE)
TARGET_KEY = lazy_compile(r"(?:^|_)(?:targets?(?:_\w+)?|project_ids)$")


def targets_of(values: dict[str, Any]) -> list[str]:
    """The named objects a role assignment is confined to; empty when it is not confined (or a wildcard is)."""
    found = [v for k, v in values.items() if TARGET_KEY.search(k.lower()) for v in string_leaves(v)]
    return [] if any(v.strip() in ("", "*") for v in found) else found
