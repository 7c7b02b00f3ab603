"""Risk rules, lifecycle helper (delete grading): a part deleted with the object it belongs to — a listener, rule or
setting holding no data whose reference to its parent (`load_balancer_arn`, `cluster_id`) names an object holding
no data that this plan deletes too; the parent's delete is judged on its own, and the part goes with it whatever.
And the other way round: a helper (a policy, a role) that only objects this plan deletes name, nothing kept.
ladders.py grades deletes with them."""

from __future__ import annotations

from collections.abc import Callable

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import ReviewInput
from tfreview.pipeline.rules.common import as_dict, as_list, names_in, string_leaves
from tfreview.pipeline.rules.kinds import LINKS
from tfreview.pipeline.rules.planview import PlanView, plan_view
from tfreview.pipeline.rules.replicas import REPLICA_TYPES

# A setting that refers to the object another one belongs to (`load_balancer_arn`, `server_id`), not its own id.
PARENT_REF = lazy_compile(r"^\w+_(?:arn|id|name)$")
# A reference by the parent kind's bare word (`role = "deployer"` of a role policy attachment).
BARE_REF = lazy_compile(r"^(?!name$|id$|arn$|type$)[a-z]+$")
# How a deleted object is known: its id, ARN or name.
KNOWN_BY = ("id", "arn", "name")
MIN_NAME = 4  # a shorter name would be found inside unrelated references
_SEGMENTS = lazy_compile(r"[:/]")


def _deleted(view: PlanView) -> dict[str, list[Change]]:
    """The ids, ARNs and names of the objects the plan deletes, to them (once per plan)."""
    found: dict[str, list[Change]] = {}
    for change in view.of(Action.DELETE):
        before = as_dict(change.before)
        for key in KNOWN_BY:
            if isinstance(value := before.get(key), str) and len(value) >= MIN_NAME:
                found.setdefault(value, []).append(change)
    return found


def _names_kind(key: str, parent_type: str) -> bool:
    """Whether a reference's name says it points at the parent's kind: the type's last word is a word of the key
    (`cluster_id` → `…_cluster`), or the key's initials are (`load_balancer_arn` → `aws_lb`)."""
    words = key.rsplit("_", 1)[0].split("_")
    kind = parent_type.rsplit("_", 1)[-1]
    return kind in words or "".join(word[:1] for word in words) == kind


def with_parent(change: Change, ri: ReviewInput, stateful: Callable[[str], bool]) -> str | None:
    """Why a deleted part loses nothing of its own, or None: it holds no data (a replica's primary going too is no
    reason to let the replica go), and a reference to its parent names (whole, or as one segment of an ARN) an
    object of its provider and of the kind the reference says that this plan deletes too. The parent's delete is
    judged on its own, whatever the parent holds (a node pool goes with its cluster). A helper it uses (its role,
    policy, profile) is not what it belongs to: a replication rule is no part of the role it runs as; a link (a
    policy attachment) is part of the role it is attached to."""
    before = change.before if isinstance(change.before, dict) and change.action is Action.DELETE else {}
    if stateful(change.type) or REPLICA_TYPES.search(change.type) or not before:
        return None
    deleted = plan_view(ri).derived("deleted by id, ARN or name", _deleted)
    provider = change.type.split("_", 1)[0]
    for key, value in before.items():
        if not (PARENT_REF.match(key) or BARE_REF.match(key)) or not isinstance(value, str):
            continue
        for part in (value, *_SEGMENTS.split(value)):
            for parent in deleted.get(part, []):
                if parent is not change and parent.type.split("_", 1)[0] == provider \
                        and (LINKS.search(change.type) or not HELPER_KINDS.search(parent.type)) \
                        and _names_kind(key, parent.type):
                    return (f"it belongs to {parent.address} ({key}), which this plan deletes too; that delete is "
                            "judged on its own")
    return None


# Helpers whose loss can outlive their user: a key or secret may still decrypt or sign copies that are kept.
KEEPS_COPIES = lazy_compile(r"key|secret|certificate|vault|kms|crypto|backup|snapshot|volume|disk|bucket")
# The kinds of helper an object uses by reference (its policy, role, profile, group, template, settings): not what
# it belongs to (its app, deployment, zone), which holds more than the part. A container deletes what it holds.
HELPER_KINDS = lazy_compile(r"_(?:policy|role|profile|group|template|config|configuration|settings|schedule)$")
CONTAINER_KINDS = lazy_compile(r"resource_group$|_project$|_namespace$|_account$|_organization$")
_ID_SUFFIX = lazy_compile(r"_(?:ids?|arns?|names?)$")


def _users(view: PlanView) -> dict[str, list[tuple[str, Change]]]:
    """The top-level string settings of the plan's deletes, to (key, the delete) (once per plan)."""
    found: dict[str, list[tuple[str, Change]]] = {}
    for change in view.of(Action.DELETE):
        for key, value in as_dict(change.before).items():
            if isinstance(value, str) and len(value) >= MIN_NAME:
                found.setdefault(value, []).append((str(key), change))
    return found


def _kept_strings(view: PlanView) -> set[str]:
    """Every string the plan's kept objects (not deleted) hold, before or after (once per plan)."""
    return {text for c in view.changes if c.mode == "managed" and c.action is not Action.DELETE
            for side in (c.before, c.after) for text in string_leaves(side)}


def used_only_by_deleted(change: Change, ri: ReviewInput, stateful: Callable[[str], bool]) -> str | None:
    """Why a deleted helper (a policy, role, group or settings object holding no data, no key or copy) loses
    nothing: an object this plan deletes (not a mere link) uses it by a setting that says its kind
    (`escalation_policy = <its id>`), and nothing the plan keeps names it."""
    before = as_dict(change.before) if change.action is Action.DELETE else {}
    if stateful(change.type) or KEEPS_COPIES.search(change.type) or REPLICA_TYPES.search(change.type) \
            or not HELPER_KINDS.search(change.type) or CONTAINER_KINDS.search(change.type):
        return None
    own = {v for key in KNOWN_BY if isinstance(v := before.get(key), str) and len(v) >= MIN_NAME}
    view = plan_view(ri)
    users = view.derived("deletes by their top-level settings", _users)
    found = [(key, user) for value in sorted(own) for key, user in users.get(value, [])
             if user is not change and key not in KNOWN_BY and not LINKS.search(user.type)
             and _names_kind(_ID_SUFFIX.sub("", key) + "_id", change.type)]
    if not found or own & view.derived("strings of kept objects", _kept_strings):
        return None
    key, user = found[0]
    return f"{user.address} uses it ({key}) and this plan deletes it too; nothing kept names it"


# Second factors and sign-in records of one identity (an MFA device, an authenticator, a login profile): deleted
# alone, a user loses a factor; deleted with the user, they go with the account they served.
AUTHENTICATORS = lazy_compile(r"(?:^|_)(?:mfa_device|virtual_mfa_device|authenticator|webauthn\w*|totp\w*|factor"
                              r"|login_profile)$")
IDENTITIES = lazy_compile(r"(?:^|_)(?:user|users|account|member|identity)$")


def authenticator_of_deleted(change: Change, ri: ReviewInput) -> str | None:
    """Why a deleted second factor loses nothing of its own, or None: the plan deletes the identity it served too,
    named in the factor's own name, id or ARN (`mfa/j.okafor` for the user `j.okafor`)."""
    if change.action is not Action.DELETE or not AUTHENTICATORS.search(change.type):
        return None
    own = " ".join(string_leaves(as_dict(change.before)))
    for identity in plan_view(ri).of(Action.DELETE):
        name = as_dict(identity.before).get("name")
        if IDENTITIES.search(identity.type) and isinstance(name, str) and len(name) >= MIN_NAME \
                and names_in(name, own):
            return f"a second factor of {identity.address}, which this plan deletes too"
    return None


# A database's placement and settings groups (AWS: DB, cluster, cache, warehouse and replication subnet, parameter
# and option groups): they hold no data, and the API refuses to delete one while a database still uses it
# (InvalidDBSubnetGroupStateFault, InvalidDBParameterGroupState, InvalidCacheSubnetGroupState).
DATABASE_GROUPS = lazy_compile(r"^aws_(?:db|rds_cluster|docdb|docdb_cluster|neptune|neptune_cluster|elasticache"
                               r"|redshift|memorydb|dax|dms_replication)_(?:subnet|parameter|option)_group$")


def database_group(change: Change) -> str | None:
    """Why a deleted database subnet, parameter or option group loses nothing, or None."""
    if change.action is not Action.DELETE or not DATABASE_GROUPS.search(change.type):
        return None
    return "a database's subnet, parameter or option group holds no data, and AWS refuses to delete one a " \
        "database still uses"


# A guard of machines or services (a firewall, security group, network ACL) and the settings that list by id the
# objects it applies to (`droplet_ids`, `instance_ids`, `server_ids`).
GUARDS = lazy_compile(r"(?:^|_)(?:firewall|firewalls|security_group|network_security_group|acl|network_acl)$")
TARGET_IDS = lazy_compile(r"^(?:droplet|instance|server|vm|machine|target|linode)_ids$")


def guard_of_deleted(change: Change, ri: ReviewInput) -> str | None:
    """Why a deleted guard loses nothing, or None: it lists by id the objects it applies to, and this plan deletes
    every one of them (a firewall deleted with the droplets it guarded): it guards nothing after apply."""
    before = as_dict(change.before) if change.action is Action.DELETE else {}
    if not GUARDS.search(change.type):
        return None
    targets = {str(i) for key, value in before.items() if TARGET_IDS.match(key) and isinstance(value, list)
               for i in value if isinstance(i, str | int) and not isinstance(i, bool)}
    deleted = plan_view(ri).derived("deleted by id, ARN or name", _deleted)
    if not targets or not all(target in deleted for target in targets):
        return None
    return f"every object it guards ({', '.join(sorted(targets)[:3])}) is deleted by this plan too"


# The role an application signs in to an auth method as (Vault's AppRole, a Kubernetes, JWT or token auth backend's
# role), and the settings that list the policies its tokens carry.
LOGIN_ROLES = lazy_compile(r"auth_backend_role$|(?:^|_)approle_role$|_login_role$")
ROLE_POLICIES = ("token_policies", "policies", "token_bound_policies", "allowed_policies")


def login_role_retired(change: Change, ri: ReviewInput) -> str | None:
    """Why deleting a login role loses nothing, or None: every policy its tokens carried is deleted in this plan
    too, so the way in goes with everything it let in to (a retired job's role and its only policy)."""
    before = change.before if isinstance(change.before, dict) and change.action is Action.DELETE else {}
    named = {str(p) for key in ROLE_POLICIES for p in as_list(before.get(key)) if p}
    if not LOGIN_ROLES.search(change.type) or not named:
        return None
    gone = plan_view(ri).derived("deleted policies by name", lambda view: {
        str(c.before.get("name")) for c in view.of(Action.DELETE)
        if isinstance(c.before, dict) and "polic" in c.type and c.before.get("name")})
    if not named <= gone:
        return None
    return (f"a login role whose every policy ({', '.join(sorted(named)[:3])}) this plan deletes too: the way in "
            "goes with all it let in to")
