"""Risk rules, identity: a membership that puts a principal into an admin, owner or break-glass group or team,
read by the target's name — in the plan, or through the configuration's references when the plan shows only an
opaque id (a data source or resource looked up by name). `iam` reports what this finds."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Change
from tfreview.pipeline.configuration import Configuration, config_address, module_of
from tfreview.pipeline.diff import UNKNOWN
from tfreview.pipeline.findings import Finding, Severity, finding
from tfreview.pipeline.rules.common import as_list
from tfreview.pipeline.rules.grants import PRIVILEGED

# Types that add a member to a group, team or organisation (any provider).
MEMBERSHIP_TYPES = lazy_compile(r"(?:^|_)(?:member|members|membership|memberships|group_user|team_user|user_group"
                                r"|user_groups|group_users|team_users)(?:_|$)")
# Attributes naming the group or team joined (by name, id or slug).
TARGET_KEY = lazy_compile(r"(?:^|_)(?:group|groups|team|teams)(?:_(?:object_)?(?:id|ids|name|names|key|keys|slug"
                          r"|slugs))?$")
# Names that say a group holds full control: admins, owners, superusers, root, break-glass or emergency access.
ADMIN_NAME = lazy_compile(r"admin|owner|superuser|super_user|\broot\b|(?:^|[^a-z])root(?:[^a-z]|$)|break[-_ ]?glass"
                          r"|emergency|sudoer", re.IGNORECASE)
# Arguments that carry a group's or team's name on the resource or data source a reference points at.
NAME_KEYS = ("name", "display_name", "group_name", "team_name", "slug", "title")
NOT_NAMES = frozenset({"each", "count", "path", "self", "terraform"})


def admin_joins(change: Change, config: Configuration) -> Iterator[Finding]:
    """A membership whose added target group or team is named as an admin/owner/break-glass one."""
    if not MEMBERSHIP_TYPES.search(change.type) or not isinstance(change.after, dict):
        return
    before = change.before if isinstance(change.before, dict) else {}
    unknown = change.after_unknown if isinstance(change.after_unknown, dict) else {}
    # Members added to an unchanged group are as much a grant as a member added to a new group.
    joining = before != {} and any(not TARGET_KEY.search(k) and k != "id" and _leaves(v) - _leaves(before.get(k))
                                   for k, v in change.after.items())
    for key in sorted(set(change.after) | set(unknown)):
        if not TARGET_KEY.search(key):
            continue
        added = _leaves(change.after.get(key)) - _leaves(before.get(key))
        if not added and joining:
            added = _leaves(change.after.get(key))
        elif not added and unknown.get(key) is not True:
            continue
        named = sorted(v for v in added if ADMIN_NAME.search(v))
        why = f'"{named[0]}"' if named else _configured(change.address, key, added, config) \
            or _role_granted(change.address, added, config)
        if why:
            yield finding(PRIVILEGED, change.address, f"{change.address}: {key} joins {why}, an admin, owner or "
                          "break-glass group or team (a privilege grant)")
        elif (group := _role_assignable(change.address, added, config)) is not None:
            insider = _insider(change.after, config)
            yield finding(PRIVILEGED, change.address, f"{change.address}: {key} joins {group}, a role-assignable group "
                          "(it holds directory roles, every member gets them)"
                          + (" — the member is shown as an internal account" if insider else
                             ": the member is not shown as one of the organisation's own accounts"),
                          Severity.MEDIUM if insider else Severity.HIGH)


# Keys of another resource that give a role to the principal it names (`role_type = "SUPER_ADMIN"`).
ROLE_KEY = lazy_compile(r"(?:^|_)(?:role|roles|role_type|role_name|role_id|permission|permissions|privilege"
                        r"|privileges|access_level)$")


def _role_granted(address: str, targets: set[str], config: Configuration) -> str | None:
    """Another resource of the plan that grants an admin role to one of the target groups, or None."""
    own = config_address(address)
    for other, (after, _unknown) in config.planned.items():
        if other == own or not isinstance(after, dict) or not targets & {v for v in after.values()
                                                                          if isinstance(v, str)}:
            continue
        for key, value in after.items():
            roles = sorted(v for v in _leaves(value) if ROLE_KEY.search(key) and ADMIN_NAME.search(v))
            if roles:
                return f'a group granted "{roles[0]}" by {other}'
    return None


# A group flagged as able to hold directory (admin) roles, in any directory's spelling.
ROLE_ASSIGNABLE = lazy_compile(r"(?:is_)?(?:assignable_to_roles?|role_assignable|roles?_assignable)")
# How a directory marks an account from outside the organisation (Entra B2B guests, external identities).
GUEST = lazy_compile(r"guest|external|#ext#|partner|vendor", re.IGNORECASE)
USER_KIND = ("user_type", "usertype", "account_type", "type", "creation_type")


def _holds(values: dict[str, Any], targets: set[str]) -> bool:
    """Whether a resource's id or object id is one of TARGETS (`/groups/<id>` ends with it)."""
    ids = {str(values[k]) for k in ("id", "object_id") if isinstance(values.get(k), str)}
    return any(i == t or i.endswith("/" + t) for i in ids for t in targets)


def _role_assignable(address: str, targets: set[str], config: Configuration) -> str | None:
    """The group of the plan a membership joins that can hold directory roles, or None."""
    own = config_address(address)
    for other, (after, _unknown) in config.planned.items():
        if other != own and isinstance(after, dict) and _holds(after, targets) and any(
                v is True and ROLE_ASSIGNABLE.fullmatch(k) for k, v in after.items()):
            return other
    return None


def _insider(member: dict[str, Any], config: Configuration) -> bool:
    """Whether the plan shows the joining member as one of the organisation's own accounts (not a guest)."""
    ids = {v for k, v in member.items() if isinstance(v, str) and "member" in k}
    for after, _unknown in config.planned.values():
        if isinstance(after, dict) and _holds(after, ids):
            kind = " ".join(str(after.get(k) or "") for k in (*USER_KIND, "user_principal_name", "mail"))
            return GUEST.search(kind) is None and any(after.get(k) for k in USER_KIND)
    return False


def _configured(address: str, key: str, added: set[str], config: Configuration) -> str | None:
    """The configuration reference behind an added target that names an admin group, or None."""
    expression = config.expression(address, (key,))
    references = as_list(expression.get("references")) if isinstance(expression, dict) else []
    module = module_of(address)
    for reference in references:
        if not isinstance(reference, str) or not any(ADMIN_NAME.search(n) for n in _names(reference, module, config)):
            continue
        value = config.resolve(reference, module)
        if value == UNKNOWN or not added or _leaves(value) & added or not _leaves(value):
            return f"{config_address(reference)} (from the configuration)"
    return None


def _names(reference: str, module: str, config: Configuration) -> list[str]:
    """The names a reference gives its target: its own label, and the name arguments of what it points at."""
    parts = config_address(reference).split(".")
    if parts[0] in NOT_NAMES or len(parts) < 2:
        return []
    if parts[0] in ("var", "local", "module"):
        return [parts[1]]
    target = ".".join(parts[:3] if parts[0] == "data" else parts[:2])
    if len(target.split(".")) < (3 if parts[0] == "data" else 2):
        return []
    names = [target.rsplit(".", 1)[-1]]
    full = f"{module}.{target}" if module else target
    expressions = config.expressions(full) or {}
    for name_key in NAME_KEYS:
        found = expressions.get(name_key)
        if isinstance(found, dict) and isinstance(found.get("constant_value"), str):
            names.append(found["constant_value"])
    planned = config.planned.get(full, (None, None))[0]
    if isinstance(planned, dict):
        names += [str(planned[k]) for k in NAME_KEYS if isinstance(planned.get(k), str)]
    return names


def _leaves(value: Any) -> set[str]:
    """Every string (or number, as text) inside a value."""
    if isinstance(value, str):
        return {value}
    if isinstance(value, bool) or value is None:
        return set()
    if isinstance(value, (int, float)):
        return {str(value)}
    if isinstance(value, dict):
        return {s for item in value.values() for s in _leaves(item)}
    if isinstance(value, list):
        return {s for item in value for s in _leaves(item)}
    return set()


# An access ladder's rungs, as providers spell them; the top rung controls the object and who else gets access.
TOP = frozenset({"admin", "administrator", "admins", "owner", "owners", "superuser", "super_admin", "org_admin",
                 "organization_owner", "all_privileges"})
LOWER = frozenset({"none", "no_access", "guest", "read", "reader", "readonly", "read_only", "view", "viewer", "pull",
                   "reporter", "observer", "triage", "write", "writer", "push", "developer", "contributor", "edit",
                   "editor", "member", "user", "maintain", "maintainer", "manage", "manager", "operator"})
LEVEL_KEY = lazy_compile(r"(?:^|_)(?:permission|permissions|role|roles|access|access_level|level|privilege)$")
GRANT_TYPES = lazy_compile(r"member|team|collaborator|permission|access|grant|user|role|account|principal|identity"
                          r"|association|assignment|binding|entitlement")
# A principal's tags that are its roles (a message broker user's `tags = ["administrator"]`): a list of words,
# unlike the key/value map of labels most resources carry.
ROLE_TAGS = lazy_compile(r"^(?:tags|user_tags)$")


def ladder_top(change: Change) -> Iterator[Finding]:
    """An existing membership or grant whose access level is raised from a lower rung to the top (admin, owner)."""
    if not GRANT_TYPES.search(change.type) or not isinstance(change.before, dict) \
            or not isinstance(change.after, dict):
        return
    for key, value in change.after.items():
        if isinstance(value, list) and (LEVEL_KEY.search(key) or ROLE_TAGS.match(key)):
            added = sorted({_rung(v) for v in value} & TOP)
            if added and not {_rung(v) for v in as_list(change.before.get(key))} & TOP:
                yield finding(PRIVILEGED, change.address, f'{change.address}: {key} gains "{added[0]}", the top of '
                              "its access ladder (a privilege grant)")
            continue
        if not LEVEL_KEY.search(key):
            continue
        old, new = _rung(change.before.get(key)), _rung(value)
        if old in LOWER and new in TOP:
            yield finding(PRIVILEGED, change.address, f'{change.address}: {key} rises from "{change.before[key]}" '
                          f'to "{value}", the top of its access ladder (a privilege grant)')


# A level every member of an organisation or workspace gets on every object in it (`default_repository_permission`,
# `base_permission`); a principal's own default (a user's `default_role`) is one grant, read elsewhere.
DEFAULT_KEY = lazy_compile(r"^(?:default|base|baseline)_(?:\w+_)?(?:permission|permissions|role|access|access_level)$")
ONE_PRINCIPAL = lazy_compile(r"(?:^|_)(?:user|users|member|membership|collaborator|service_account|key|token|robot)"
                             r"(?:_|$)")
# Rungs that only let a member see (or a plain member's own): below them nobody may change what others hold.
SEEING = frozenset({"", "none", "no_access", "guest", "read", "reader", "readonly", "read_only", "view", "viewer",
                    "pull", "reporter", "observer", "triage", "member", "user"})


def default_for_everyone(change: Change) -> Iterator[Finding]:
    """A default level every member gets raised to one that changes things (write, push, admin), or to the top (admin
    from write): every member may now alter every object of the organisation (push to every repository)."""
    if ONE_PRINCIPAL.search(change.type) or not isinstance(change.after, dict):
        return
    before = change.before if isinstance(change.before, dict) else {}
    for key, value in change.after.items():
        if not DEFAULT_KEY.match(key):  # the name first: most attributes are no default level
            continue
        new, old = _rung(value), _rung(before.get(key))
        raised = (old in SEEING and new not in SEEING and new in TOP | LOWER) or (new in TOP and old not in TOP)
        if raised:
            yield finding(PRIVILEGED, change.address, f'{change.address}: {key} = "{value}" for every member on '
                          f"every object of the organisation (was {before.get(key) or 'unset'!s}): everyone may "
                          "change what it holds")


def _rung(value: Any) -> str:
    """An access level as a ladder word: lower case, underscores for spaces and dashes; '' for anything else."""
    return value.strip().lower().replace("-", "_").replace(" ", "_") if isinstance(value, str) else ""
