"""Risk rules, identity: workforce access in any identity provider or SaaS tenant — an admin flag or identity
management turned on or added to an existing role's permission list (`Users.Edit`, `manage_users`), an admin role
assigned (named so by the role's own name or the configuration's reference), an everyone group (All Employees,
all-staff) put into something privileged (an alias that brings it into an admin group too) or excluded from a
sign-in policy, a group rule keyed on an attribute users edit themselves or whose required parts become
alternatives (AND → OR), tenant-wide consent to mail or file scopes, and a group anyone may join."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.configuration import Configuration, config_address, configuration
from tfreview.pipeline.findings import Finding, ReviewInput, Severity, finding, managed, rule
from tfreview.pipeline.rules.common import as_list, mentions, sides, snake_case
from tfreview.pipeline.rules.conjuncts import narrows_rule_in_force, requirements_made_alternatives
from tfreview.pipeline.rules.grants import GRANTEE_KEY
from tfreview.pipeline.rules.tenants import KNOWN_PROVIDERS

RULE = "workforce-access"
PRECHECK = (b"admin", b"owner", b"super", b"root", b"manage", b"all_", b"all-", b"all ", b"everyone", b"anyone",
            b"staff", b"exclud", b"user.", b"join", b"claim", b"scope", b"role", b"permission")
# A flag that makes its account an admin or owner of the whole tenant (`is_admin`, `super_admin`, `isOwner`).
ADMIN_FLAG = lazy_compile(r"^(?:is_?)?(?:super_?|org_?|site_?|global_?|tenant_?)?"
                          r"(?:admin|administrator|owner|superuser)$")
# A permission that manages identities: its holder can grant itself anything.
MANAGES = lazy_compile(r"^(?:can_)?manage_(?:members?(?:hip)?|teams?|users?|groups?|roles?|\w*access|permissions?"
                       r"|polic(?:y|ies)|identit(?:y|ies))$")
# An everyone group, as directories name it (`All Employees`, `group:all-staff`, `Everyone`).
EVERYONE = lazy_compile(r"^(?:\w+:)?(?:everyone|anyone|all[ _-]?(?:users|members|employees|staff|people|accounts"
                        r"|company|workforce)|(?:whole|entire)[ _-]?company)$", re.IGNORECASE)
EVERYONE_IN = lazy_compile(r"(?:^|[^a-z])(?:everyone|all[ _-]?(?:users|members|employees|staff|people|workforce))"
                           r"(?:[^a-z]|$)", re.IGNORECASE)
# A group held by an identifier that ends in the everyone group's name (`00gEveryone`, `grp-all-employees`).
ID_KEY = lazy_compile(r"(?:^|_|\.)(?:id|ids|group|groups|group_id|group_ids|principal_id)$")
EVERYONE_ID = lazy_compile(r"(?:^|[^a-z])(?:everyone|all[ _-]?(?:users|members|employees|staff|people|workforce))$",
                           re.IGNORECASE)
# A resource's own labels name it, they grant nothing: a policy named "everyone" includes whom its rules say.
OWN_LABELS = frozenset({"name", "display_name", "title", "description", "comment", "notes"})
# Except where the name is whom it maps: an alias or mapping's `name` is the outside group it brings in (Vault's
# `vault_identity_group_alias.name` = the Okta group whose members join the Vault group).
ALIASES = lazy_compile(r"(?:^|_)(?:alias|aliases|group_mapping|group_link|group_sync|claim_mapping)$")
ADMIN_NAME = lazy_compile(r"admin|owner|superuser|super_user|\broot\b|(?:^|[^a-z])root(?:[^a-z]|$)|break[-_ ]?glass",
                          re.IGNORECASE)
READ_ONLY = lazy_compile(r"read[_ -]?only|view[_ -]?only|viewer|auditor|reader", re.IGNORECASE)
SECRET_WORDS = lazy_compile(r"vault|secret|credential|password|private[_-]?key", re.IGNORECASE)
EXCLUDE_KEY = lazy_compile(r"exclud|exempt|skip|bypass", re.IGNORECASE)
ROLE_KEY = lazy_compile(r"(?:^|_)(?:role|roles|role_id|role_name|role_arn|permission_set|permission_set_arn"
                        r"|policy_arn|privilege)$")
ASSIGNMENT = lazy_compile(r"(?:^|_)(?:assignment|assignments|role_binding|binding|grant|member|membership)(?:_|$)")
GRANTING = lazy_compile(r"assignment|binding|grant|member|access|sync|mapping|permission")
# Profile attributes a user may edit on their own profile: a rule keyed on them lets users choose their groups.
SELF_EDITED = lazy_compile(r"\buser\.(?:title|nickName|nickname|displayName|display_name|profileUrl|secondEmail"
                           r"|mobilePhone|primaryPhone|preferredLanguage|locale|city|streetAddress|jobTitle)\b")
CONDITION_KEY = lazy_compile(r"(?:^|_)(?:expression|expression_value|rule|membership_rule|condition)$")
# Scopes that read or change a user's mail, files or directory, not only sign them in.
DATA_SCOPE = lazy_compile(r"readwrite|write|\.all$|^mail\.|^files\.|send|full_access", re.IGNORECASE)
JOIN_KEY = lazy_compile(r"join", re.IGNORECASE)
# A scope that creates, deletes or changes users, groups or roles (`create:users`, `users.write`): identity admin.
USER_ADMIN_SCOPE = lazy_compile(r"^(?:create|delete|update|write|manage)[:._-](?:users?|groups?|roles?|members?)"
                                r"(?:[:._-]|$)|^(?:users?|groups?|roles?|members?)[:._-](?:create|delete|update|write|manage)$",
                                re.IGNORECASE)


# A permission list of any product (a contact centre's security profile `permissions`, a cloud user's `acl`, a role's
# `permission_policies[].action_set`) and the words of an entry that manages who has access: users, roles, grants
# or security profiles edited, created or assigned.
PERMISSION_LIST = lazy_compile(r"^(?:permissions?|permission_policies|acls?|action_set|privileges|rights"
                               r"|capabilities|allowed_actions)$")
IDENTITY_NOUNS = frozenset({"user", "users", "role", "roles", "permission", "permissions", "grant", "grants", "acl",
                            "acls", "member", "members", "membership", "memberships", "securityprofile",
                            "securityprofiles"})
MANAGING_VERBS = frozenset({"edit", "manage", "write", "create", "update", "add", "assign", "modify", "admin"})
_ENTRY_WORD = lazy_compile(r"[a-z]+")


def _leaves(value: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _leaves(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for item in value:
            yield from _leaves(item, path)
    elif value is not None:
        yield path, value


def _strings(value: Any) -> set[str]:
    return {str(v) for _, v in _leaves(value) if isinstance(v, str)}


def _references(expressions: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """(attribute path, reference) for every reference in a resource's configured expressions."""
    if isinstance(expressions, dict):
        for ref in expressions.get("references") or []:
            if isinstance(ref, str):
                yield path, ref
        for key, item in expressions.items():
            if key not in ("references", "constant_value"):
                yield from _references(item, f"{path}.{key}" if path else key)
    elif isinstance(expressions, list):
        for item in expressions:
            yield from _references(item, path)


def _ref_name(reference: str, config: Configuration) -> str:
    """A reference's own label and the name its target is configured with (`data.x.super_admin`, "AdminAccess")."""
    parts = config_address(reference).split(".")
    target = parts[:3] if parts[0] == "data" else parts[:2]
    label = target[-1] if len(target) > 1 else ""
    found = (config.expressions(".".join(target)) or {}).get("name")
    const = found.get("constant_value") if isinstance(found, dict) else None
    return f"{label} {const}" if isinstance(const, str) else label


def _flags(change: Change) -> Iterator[str]:
    """Admin flags and identity-management permissions the change turns on."""
    before = dict(_leaves(change.before))
    for path, value in _leaves(change.after):
        key = path.rsplit(".", 1)[-1]
        if value is not True or before.get(path) is True:
            continue
        snake = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", key).lower()
        if ADMIN_FLAG.match(snake):
            yield f"{path} = true (an admin of the whole tenant)"
        elif MANAGES.match(snake):
            yield f"{path} = true (manages who has access: its holder can grant itself anything)"


def _managing(change: Change) -> Iterator[str]:
    """Entries newly added to an existing role's or user's permission list that manage who has access (`Users.Edit`,
    `SecurityProfiles.Edit`, `manage_users`, an action set `add` on `authorization`/`grant`): its holders can
    grant themselves anything."""
    if change.action is not Action.UPDATE:
        return
    before, after = sides(change)
    for key, items in after.items():
        if not PERMISSION_LIST.match(str(key)) or not isinstance(items, list):
            continue
        old = as_list(before.get(key))
        for item in (i for i in items if i not in old):
            text = " ".join(str(v) for _, v in _leaves(item) if isinstance(v, str)) if isinstance(item, dict) \
                else str(item)
            words = set(_ENTRY_WORD.findall(snake_case(text).replace("security_profile", "securityprofile")))
            if words & IDENTITY_NOUNS and words & MANAGING_VERBS:
                yield f"{key} gains {text[:60]!r} (manages who has access: its holders can grant themselves anything)"
                break


# The last segment of a permission or scope that reaches every record of its kind (`route:view_all`,
# `read:credit_file:any`, `User.Read.All`).
ALL_SEGMENT = lazy_compile(r"^(?:all|any|\*|everyone|global|\w+_all|all_\w+|\w+_any)$", re.IGNORECASE)
_SEGMENT_SEPARATOR = lazy_compile(r"[:./]")
SCOPE_LIST = lazy_compile(r"^(?:scopes?|oauth_scopes|granted_scopes)$")


def _reach_all(change: Change) -> Iterator[str]:
    """Entries newly added to an existing role's permission or scope list that reach every record of what the role
    held a narrower entry on (`route:view_assigned` held, `route:view_all` added; `User.Read` held, `User.Read.All`
    added): its holders now read or act on everyone's records, not their own or their assigned ones."""
    if change.action is not Action.UPDATE:
        return
    before, after = sides(change)
    for key, items in after.items():
        if not (PERMISSION_LIST.match(str(key)) or SCOPE_LIST.match(str(key))) or not isinstance(items, list):
            continue
        was = as_list(before.get(key))
        old = [tuple(_SEGMENT_SEPARATOR.split(i.lower())) for i in was if isinstance(i, str)]
        held = set(old) | {entry[:-1] for entry in old if len(entry) >= 2}
        for item in (i for i in items if isinstance(i, str) and i not in was):
            segments = tuple(_SEGMENT_SEPARATOR.split(item.lower()))
            if len(segments) >= 2 and ALL_SEGMENT.match(segments[-1]) and segments[:-1] in held:
                yield f"{key} gains {item[:60]!r} (every record, where the role held a narrower entry on it)"
                return


def _everyone_id(path: str, value: str) -> bool:
    """Whether an identifier setting holds an id whose readable end names the everyone group (`00gEveryone`)."""
    return bool(ID_KEY.search(path)) and bool(EVERYONE_ID.search(re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", value)))


def _everyone(change: Change, configured: Callable[[], Configuration]) -> Iterator[str]:
    """An everyone group newly put into something privileged or secret, or excluded from a policy."""
    before, after = sides(change)
    old = _strings(before)
    labels = OWN_LABELS - {"name"} if ALIASES.search(change.type) else OWN_LABELS
    added = [(p, v) for p, v in _leaves(after) if isinstance(v, str) and v not in old and p not in labels
             and (EVERYONE.match(v.strip()) or _everyone_id(p, v))]
    created = not old or change.action is Action.CREATE
    fresh = {p for p, v in _leaves(after) if isinstance(v, str) and v not in old}
    # A group held by id is named only by the configuration's reference: read it where an id may mean everyone (a
    # grant created, or one whose principal id is re-pointed: only the id changes, the group it names is new).
    repointed = any(ID_KEY.search(p) for p in fresh)
    if not added and not (any(EXCLUDE_KEY.search(p) for p in fresh)
                          or ((created or repointed) and GRANTING.search(change.type))):
        return
    config = configured()
    references = list(_references(config.expressions(change.address) or {}))
    added += [(p, r) for p, r in references
              if (created or p in fresh) and EVERYONE_IN.search(_ref_name(r, config).replace("_", " "))]
    if not added:
        return
    # What the grant gives, also by the names its role references are configured with (a permission set's name).
    roles = [_ref_name(r, config) for p, r in references if ROLE_KEY.search(p.rsplit(".", 1)[-1])]
    others = " ".join([change.name, *roles,
                       *(v for p, v in _leaves(after) if isinstance(v, str) and (p, v) not in added)])
    for path, value in added:
        if EXCLUDE_KEY.search(path):
            yield f'{path} adds "{value}": an everyone group exempt from the policy leaves it covering no one'
        elif ADMIN_NAME.search(others) and not READ_ONLY.search(others):
            yield f'{path} adds "{value}", an everyone group, to an admin or owner grant'
        elif SECRET_WORDS.search(f"{change.type} {others}"):
            yield f'{path} adds "{value}", an everyone group, to access on secrets or credentials'


def _admin_role(change: Change, configured: Callable[[], Configuration]) -> Iterator[str]:
    """An assignment whose role is named admin, in the plan or by the configuration's reference."""
    if not ASSIGNMENT.search(change.type) or change.action is not Action.CREATE:
        return
    # Cloud IAM roles of the known providers are graded by meaning in `grants` (storage.objectAdmin is scoped).
    literal = [] if change.type.startswith(KNOWN_PROVIDERS) else list(_leaves(change.after))
    for path, value in literal:
        key = path.rsplit(".", 1)[-1]
        if ROLE_KEY.search(key) and not GRANTEE_KEY.search(key) and isinstance(value, str) \
                and ADMIN_NAME.search(value) and not READ_ONLY.search(value):
            yield f'{path} = "{value}" (an admin role)'
    config = configured()
    for path, reference in _references(config.expressions(change.address) or {}):
        name = _ref_name(reference, config)
        key = path.rsplit(".", 1)[-1]
        if ROLE_KEY.search(key) and not GRANTEE_KEY.search(key) and ADMIN_NAME.search(name) \
                and not READ_ONLY.search(name):
            yield f"{path} from {config_address(reference)} (an admin role)"


def _self_edited(change: Change, ri: ReviewInput) -> Iterator[str]:
    """A membership rule into a privileged group newly keyed on a profile attribute users edit themselves, unless it
    only narrows a rule in force into the same groups (`narrows_rule_in_force`)."""
    before, after = sides(change)
    for key, value in after.items():
        if CONDITION_KEY.search(key) and isinstance(value, str) and value != before.get(key):
            edited = SELF_EDITED.search(value)
            if edited and not SELF_EDITED.search(str(before.get(key) or "")) \
                    and ADMIN_NAME.search(" ".join([change.name, *_strings(after)])) \
                    and not narrows_rule_in_force(change, value, ri):
                yield f"{key} keys on {edited.group(0)}, a profile attribute users edit themselves, into an admin group"


def _alternatives(change: Change) -> Iterator[str]:
    """A membership rule into an admin group whose AND-ed requirements become alternatives joined by OR: every
    account meeting one part alone (every full-time employee, every member of one group) now gets admin."""
    before, after = sides(change)
    if change.action is not Action.UPDATE or not ADMIN_NAME.search(" ".join([change.name, *_strings(after)])):
        return
    for key, value in after.items():
        old = before.get(key)
        if CONDITION_KEY.search(key) and isinstance(value, str) and isinstance(old, str) \
                and requirements_made_alternatives(old, value):
            yield f"{key} turns its required parts into alternatives (AND → OR): meeting one part now admits into " \
                  "an admin group"


def _consent(change: Change) -> Iterator[str]:
    """Consent granted for every user of the tenant (no user named) to scopes that read or change data."""
    if change.action is not Action.CREATE or not re.search(r"delegated|consent|permission_grant", change.type):
        return
    after = change.after if isinstance(change.after, dict) else {}
    users = [k for k in after if re.search(r"(?:^|_)(?:user|principal)_(?:object_)?id$", k)
             and not k.startswith("service") and not k.startswith("resource")]
    tenant_wide = str(after.get("consent_type", "")).lower() == "allprincipals" or any(not after[k] for k in users)
    scopes = [v for k, v in _leaves(after) if re.search(r"claim|scope", k) and isinstance(v, str)
              and DATA_SCOPE.search(v)]
    if tenant_wide and scopes:
        yield f"tenant-wide consent (every user) to {', '.join(scopes[:3])}"


def _scopes(change: Change) -> Iterator[str]:
    """Scopes newly granted that create, delete or change users, groups or roles."""
    before, after = sides(change)
    old = _strings(before)
    found = sorted({v for p, v in _leaves(after) if re.search(r"scope|permission", p.rsplit(".", 1)[-1])
                    and isinstance(v, str) and v not in old and USER_ADMIN_SCOPE.match(v.strip())})
    if found:
        yield f"grants {', '.join(found[:3])} (manages users: its holder can make itself an admin)"


def _joinable(change: Change) -> Iterator[str]:
    """A group anyone may now join by themselves."""
    before, after = sides(change)
    for key, value in after.items():
        if JOIN_KEY.search(key) and isinstance(value, str) and value != before.get(key) \
                and re.match(r"anyone", value, re.IGNORECASE):
            yield f'{key} = "{value}" (anyone may join)'


@rule(RULE, Severity.HIGH,
      "Workforce access widens in an identity provider or SaaS tenant: an admin flag or identity management turned "
      "on, an admin role assigned, an everyone group put into an admin grant or secrets or excluded from a sign-in "
      "policy, a group rule keyed on a self-edited attribute, tenant-wide consent to data scopes, anyone may join.")
def _workforce(ri: ReviewInput) -> Iterator[Finding]:
    changes = [c for c in managed(ri.changeset, Action.CREATE, Action.UPDATE, Action.REPLACE)
               if c.after and mentions([c.after, c.name], PRECHECK)]
    if not changes:
        return
    known: list[Configuration] = []

    def configured() -> Configuration:  # indexed only when a change's references must be read
        if not known:
            known.append(configuration(ri.plan))
        return known[0]

    for change in changes:
        reasons = [*_flags(change), *_managing(change), *_everyone(change, configured),
                   *_admin_role(change, configured), *_self_edited(change, ri), *_alternatives(change),
                   *_consent(change), *_scopes(change), *_joinable(change), *_reach_all(change)]
        if reasons:
            yield finding(RULE, change.address, f"{change.address}: {'; '.join(dict.fromkeys(reasons))[:500]} — "
                          "confirm who gains this access and why")
