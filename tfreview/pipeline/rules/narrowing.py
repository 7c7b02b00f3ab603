"""Risk rules, lifecycle helpers: changes that shrink access rather than lose anything — a credential rotated by
replacement, a membership or role grant deleted. `lifecycle` grades its deletes and replaces with them."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import orjson

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.mask import MASK
from tfreview.pipeline.rules.common import string_leaves
from tfreview.pipeline.rules.values import world_sources

# Types that are one credential (a key, token, secret id, password): replacing one issues a new credential and
# revokes the old one. Not key rings, crypto keys or key vaults (their data is encrypted with them).
# A credential type; `api_…_keys` names an account's API keys in the plural (`x_api_accounts_keys`).
CREDENTIAL_TYPES = lazy_compile(r"(?:^|_)(?:access_key|api_key|key_pair|ssh_key|token|personal_access_token"
                                r"|deploy_key|service_account_key|app_password|client_secret|password|secret_id|private_key"
                                r"|application_key|app_key|credential|credentials|api(?:_\w+)?_keys|secret_key|auth_token"
                                # a key a device or node joins a network with (Tailscale's tailnet key, NetBird's
                                # setup key): an enrolment credential, re-issued on rotation
                                r"|(?:auth|tailnet|enrol{1,2}ment|registration|join|preauth|setup)_key)(?:_v\d+)?$")
# A signing key of any provider, not DNSSEC's key-signing key (whose DS record in the parent zone names it).
SIGNING_KEY = lazy_compile(r"(?<!key_)signing_key(?:_v\d+)?$")
KEY_STORES = lazy_compile(r"kms|crypto_key|key_vault|key_ring|keyring")
# A secret pushed into a CI/CD or app platform whose value Terraform itself supplies (`plaintext_value`,
# `encrypted_value`): the source of truth lives elsewhere, so deleting the copy revokes it and loses nothing.
# Not a secret store (Secrets Manager, Secret Manager, Vault): their versions hold values Terraform may not have.
PUSHED_SECRET = lazy_compile(r"(?:^|_)secrets?(?:_v\d+)?$")
SECRET_STORES = lazy_compile(r"secrets?_?manager|vault|(?:^|_)ssm_|parameter")
# A CI/CD or run platform's variable (`tfe_variable`, `gitlab_project_variable`): its value is one Terraform supplies.
VARIABLES = lazy_compile(r"(?:^|_)variables?(?:_v\d+)?$")
SUPPLIED_VALUE = ("plaintext_value", "encrypted_value", "secret_value", "value")


def pushed_secret(change: Change) -> bool:
    """Whether a deleted secret is a copy whose value Terraform supplied, kept in no store of its own (a pushed
    secret, or a variable marked sensitive)."""
    attrs = change.before if isinstance(change.before, dict) else {}
    if VARIABLES.search(change.type) and (attrs.get("sensitive") is True or _masked_value(attrs)):
        return True  # a variable marked sensitive, or holding a credential: a copy pushed into a CI or run platform
    return bool(PUSHED_SECRET.search(change.type)) and not SECRET_STORES.search(change.type) \
        and not KEY_STORES.search(change.type) and any(key in attrs for key in SUPPLIED_VALUE)


def _masked_value(attrs: dict[str, Any]) -> bool:
    """Whether a variable's value held a credential the masker found (unmarked, so masked before the rules ran)."""
    return any(isinstance(attrs.get(key), str) and MASK in attrs[key] for key in SUPPLIED_VALUE)


# A secret's own kind when the platform mints it as a token for an identity (`kubernetes.io/service-account-token`,
# `bootstrap.kubernetes.io/token`), never an opaque secret someone stored.
ISSUED_TOKEN = lazy_compile(r"(?:^|[/._-])(?:service-account-token|bootstrap[./-](?:\S*[/.])?token)$")


def issued_token(change: Change) -> bool:
    """Whether a deleted secret is a token the platform issued for an identity (its `type` says so): deleting it
    revokes the token; it holds no data of anyone's."""
    attrs = change.before if isinstance(change.before, dict) else {}
    kind = attrs.get("type")
    return bool(PUSHED_SECRET.search(change.type)) and isinstance(kind, str) and bool(ISSUED_TOKEN.search(kind))

# The keys that name the one user an object belongs to.
OWNER_KEYS = ("user", "user_name", "username", "user_id")
# The settings of a password credential: the password and its reset rule, length, and the key that encrypts it.
PASSWORD_PARTS = lazy_compile(r"password|pgp_key|key_fingerprint")


def user_password(change: Change) -> bool:
    """Whether a deleted object is one user's password (sign-in) credential: it names its user and holds nothing
    but password settings (`aws_iam_user_login_profile`); not a database that has a user and a password besides its
    data, nor a password policy, which names no user and guards everyone."""
    attrs = change.before if isinstance(change.before, dict) else {}
    rest = [str(key).lower() for key in attrs if key not in OWNER_KEYS and key != "id"]
    return any(isinstance(attrs.get(key), str) and attrs[key] for key in OWNER_KEYS) \
        and any("password" in key for key in rest) and all(PASSWORD_PARTS.search(key) for key in rest)

# Types that put a principal in a group/team/org or give it a role or permission (or a rule that assigns group
# members by attribute): deleting one removes access.
MEMBERSHIPS = lazy_compile(r"_(?:membership|memberships|member|members|assignment|role_assignment|grant|grants"
                           r"|binding|role_binding|collaborator|team_repository|user_role|group_user"
                           r"|group_rule|membership_rule|assignment_rule)(?:_v\d+)?$"
                           r"|(?:^|_)grants?(?:_|$)"
                           # roles handed to one principal (Okta's user_admin_roles, group_role, Auth0's user_roles)
                           r"|_(?:user|group|team|member|principal)_(?:admin_)?roles?(?:_assignments?)?$"
                           # permissions granted to one principal (Lake Formation's), a share's principal association
                           r"|_permissions$|_principal_associations?$")
# A share link, pre-authenticated request, presigned URL or SAS: a credential in a URL; deleting one revokes it.
SHARE_LINKS = lazy_compile(r"(?:^|_)(?:preauth\w*|pre_authenticated\w*|presigned\w*|par|sas|sas_token|share_link"
                           r"|signed_url|shared_access_signature)(?:_|$)")
# A person's account in an identity directory: deleting one removes a principal and everything granted to it.
# Not a role or service account (running services assume those) and not a database login (applications use those).
USERS = lazy_compile(r"(?:^|_)(?:users?|teammates?|seats?|collaborators?)$")
NOT_PEOPLE = lazy_compile(r"(?:^|_)(?:service|robot|bot|machine|app|application|db|database|sql|mysql|postgres\w*"
                          r"|mongo\w*|redis|pool|data|role|account)(?:_|$)")
# What a deleted link must not be: a policy or guardrail assignment (Azure Policy, SCPs, boundaries), or a
# membership of a group that restricts its members (a deny, blocked or quarantine group) — removing those widens.
GUARDRAILS = lazy_compile(r"polic|boundar|lock|exemption|allow_?list|ip_?list|firewall|network|restriction|deny|block")
# A policy attached to a role, user or group (not an SCP, a boundary or an organisation target): detaching one
# that only allows narrows what its holder may do. Provider-managed AWS policies only allow, except the deny,
# quarantine and boundary-style ones; a customer policy's content is not in the change, so it stays high.
POLICY_ATTACHMENT = lazy_compile(r"polic(?:y|ies)_attachments?(?:_exclusive)?$")
HOLDERS = ("role", "user", "group", "roles", "users", "groups", "role_name", "user_name", "group_name")
MANAGED_ALLOW = lazy_compile(r"arn:aws[\w-]*:iam::aws:policy/")
DENY_STYLE = lazy_compile(r"deny|quarantin|boundar|restrict|block|guardrail|revoke", re.IGNORECASE)
RESTRICTING = lazy_compile(r"\b(?:deny|denied|block|blocked|blocklist|restrict|restricted|quarantin\w*|suspend\w*"
                           r"|disabled|banned|guardrail|boundary)\b|deny|block", re.IGNORECASE)


def rotation(change: Change) -> str | None:
    """Why a replace only rotates a credential, or None: the type is one credential, or every attribute that
    forces the replace is marked sensitive (a secret value replaced on a stateless object)."""
    if KEY_STORES.search(change.type):
        return None
    if CREDENTIAL_TYPES.search(change.type):
        return "a credential rotated: a new one is issued and the old one revoked; check what used it is updated"
    if SIGNING_KEY.search(change.type) and change.actions[:1] == ["create"]:
        return ("a signing key rotated, the new one made before the old one goes; check verifiers still trust what "
                "the old one signed")
    paths = change.replace_paths
    # a pushed copy (a CI secret) holds only the value Terraform supplies: its name says secret, yet it keeps no data
    if paths and all(_sensitive(change, path) for path in paths) \
            and (not _stateful_words(change.type) or pushed_secret(change)):
        return "only a sensitive value forces it: a secret rotated; check what used it is updated"
    return None


# Values of a kind setting that say the value is kept encrypted or secret (SSM SecureString, a secret variable).
SECURE_KIND = lazy_compile(r"secure|encrypt|secret|sensitive|protected|masked", re.IGNORECASE)


def secured(change: Change) -> str | None:
    """Why a replace only re-writes the same value under a secure kind, or None: every forcing attribute moves a
    plain kind to a secure one, and every value the object holds is one the plan supplies, unchanged."""
    before = change.before if isinstance(change.before, dict) else {}
    after = change.after if isinstance(change.after, dict) else {}
    unknown = change.after_unknown if isinstance(change.after_unknown, dict) else {}
    tops = {re.split(r"[.\[]", path, maxsplit=1)[0] for path in change.replace_paths}
    if not tops or not all(isinstance(before.get(top), str) and isinstance(after.get(top), str)
                           and not SECURE_KIND.search(before[top]) and SECURE_KIND.search(after[top])
                           for top in tops):
        return None
    values = [key for key in SUPPLIED_VALUE if key in before or key in after]
    if not values or any(unknown.get(key) or before.get(key) != after.get(key) for key in values):
        return None
    return f"forced only by {', '.join(sorted(tops))} made secure: the same value, re-written encrypted"


def narrowing(change: Change, allowing: frozenset[str] = frozenset()) -> str | None:
    """Why deleting this membership or grant narrows access, or None when it is not one or may widen access.
    ALLOWING: the customer policies of the plan that only allow (`allow_only_documents`)."""
    before = change.before if isinstance(change.before, dict) else {}
    if allow_only_detach(change.type, before, allowing):
        return "an allow-only managed policy detached: access narrows; check nobody still needs it"
    if allow_only_policy(change.type, before):
        return "a policy whose every statement allows is deleted: access narrows; check nobody still needs it"
    if SHARE_LINKS.search(change.type) and not GUARDRAILS.search(change.type):
        return "a share link or pre-authenticated request revoked: access narrows; check nobody still needs it"
    if USERS.search(change.type) and not NOT_PEOPLE.search(change.type.rsplit("_", 1)[0]):
        return "a user removed with what was granted to it: access narrows; check nobody still signs in as it"
    if not MEMBERSHIPS.search(change.type) or GUARDRAILS.search(change.type):
        return None
    if any(RESTRICTING.search(text) or text.strip().lower() in DROP_WORDS for text in string_leaves(before)):
        return None
    return "a membership or grant removed: access narrows; check nobody still needs it"


def allow_only_detach(resource_type: str, before: dict[str, Any], allowing: frozenset[str] = frozenset()) -> bool:
    """Whether a deleted attachment detached only allow policies (provider-managed ones, or customer ones whose
    document the plan shows with no Deny statement, `allowing`) from a role, user or group."""
    if not POLICY_ATTACHMENT.search(resource_type) or re.search(r"boundar|organi[sz]ation|scp", resource_type):
        return False
    if not any(before.get(key) not in (None, "", []) for key in HOLDERS):
        return False
    arns = [arn for key in ("policy_arn", "policy_arns", "managed_policy_arn", "managed_policy_arns")
            for arn in _listed(before.get(key)) if arn]
    return bool(arns) and all(isinstance(arn, str) and (arn in allowing or (MANAGED_ALLOW.match(arn) is not None
                                                                            and not DENY_STYLE.search(arn)))
                              for arn in arns)


# A standalone permission policy of any provider (IAM, RAM, CAM, a bucket's policy), not a guardrail that limits others.
PERMISSION_POLICY = lazy_compile(r"_polic(?:y|ies)$")
LIMITING_POLICY = lazy_compile(r"boundar|organi[sz]ation|scp|guard|control_policy|deny|restrict")


def allow_only_policy(resource_type: str, before: dict[str, Any]) -> bool:
    """Whether a deleted policy holds its document as JSON text and every statement of it allows (no Deny):
    whoever held it may only do less once it is gone."""
    if not PERMISSION_POLICY.search(resource_type) or LIMITING_POLICY.search(resource_type):
        return False
    documents = [value for value in before.values() if isinstance(value, str) and value.lstrip().startswith("{")]
    return bool(documents) and all(_allows_only(text) for text in documents)


def allow_only_documents(plan_changes: Sequence[Change]) -> frozenset[str]:
    """ARNs of customer policies in the plan whose document (as it stood before) has only Allow statements."""
    found: set[str] = set()
    for other in plan_changes:
        if not other.type.endswith("_iam_policy"):
            continue
        side = other.before if isinstance(other.before, dict) else other.after
        if isinstance(side, dict) and isinstance(side.get("arn"), str) and _allows_only(side.get("policy")):
            found.add(side["arn"])
    return frozenset(found)


def _allows_only(document: Any) -> bool:
    """Whether a policy document parses and every statement allows (no Deny: nothing it guards)."""
    if not isinstance(document, str):
        return False
    try:
        data = orjson.loads(document)
    except orjson.JSONDecodeError:
        return False
    statements = data.get("Statement") if isinstance(data, dict) else None
    statements = [statements] if isinstance(statements, dict) else statements
    return isinstance(statements, list) and bool(statements) and all(
        isinstance(item, dict) and str(item.get("Effect", "")).lower() == "allow" for item in statements)


def _listed(value: Any) -> list[Any]:
    """A value as a list (a single value becomes one item)."""
    return value if isinstance(value, list) else [value]


def _sensitive(change: Change, path: str) -> bool:
    """Whether the attribute at a replace path holds a masked (sensitive) value on either side, or is the value
    of an object that declares itself sensitive (`sensitive = true` before and after, as variables do)."""
    head = path.split(".", 1)[0].split("[", 1)[0]
    sides = [side for side in (change.before, change.after) if isinstance(side, dict)]
    if len(sides) == 2 and head == "value" and all(side.get("sensitive") is True for side in sides):
        return True
    return bool(sides) and any(side.get(head) == MASK for side in sides)


def _stateful_words(resource_type: str) -> bool:
    """Whether a type name says it holds data (a database, bucket, disk…): its replace is judged as a loss."""
    return bool(re.search(r"(?:^|_)(?:db|database|sql|instance|cluster|bucket|storage|disk|volume|table|secret"
                          r"|vault|server)(?:_|$)", resource_type))




# Settings whose true side is the stricter one (a value hidden, masked, encrypted, private, protected, not expanded):
# a replace forced only by moving them to true re-makes the same object more tightly. Not for stores: re-creating
# one loses its data. A scope moved from everywhere (`*`) to one named place narrows too.
STRICT_WHEN_TRUE = lazy_compile(r"^(?:sensitive|encrypted|private|is_private|read_only|readonly|protected|masked"
                                r"|hidden|raw|deletion_protection|https_only|write_only)$")
SCOPE = lazy_compile(r"(?:^|_)scope$")
WILDCARDS = ("*", "all", "")


def stricter(change: Change, stateful: bool) -> str | None:
    """Why a replace is forced only by settings moving to their stricter side, or None. Without replace paths in
    the plan, every changed top-level value counts as forcing it."""
    before = change.before if isinstance(change.before, dict) else {}
    after = change.after if isinstance(change.after, dict) else {}
    unknown = change.after_unknown if isinstance(change.after_unknown, dict) else {}
    tops = {re.split(r"[.\[]", path, maxsplit=1)[0] for path in change.replace_paths} or {
        key for key in before.keys() | after.keys() if before.get(key) != after.get(key) or key in unknown}
    if stateful or not tops or unknown.keys() & tops:
        return None
    if all(_tightens(top, before.get(top), after.get(top)) for top in tops) \
            and any(STRICT_WHEN_TRUE.match(top) for top in tops):
        return f"forced only by {', '.join(sorted(tops))} made stricter: the same object, held more tightly"
    return None


def _tightens(key: str, before: Any, after: Any) -> bool:
    """Whether KEY moves to its stricter side: a strict-when-true flag turned on, or a scope from everywhere to one."""
    if STRICT_WHEN_TRUE.match(key):
        return before in (False, None) and after is True
    return bool(SCOPE.search(key)) and str(before).lower() in WILDCARDS and isinstance(after, str) \
        and after.lower() not in WILDCARDS and "*" not in after


# What a rule asks before it allows (a second factor, a phishing-resistant authenticator, a sign-on's constraints):
# an allow rule that carries one is a requirement, and removing it leaves a rule that asks less to decide.
REQUIREMENT = lazy_compile(r"requir|mfa|factor|constraint|step_?up|assurance|authenticator|sign_?on")


# A type that is one entry of a source allow-list (an IP access list, authorized network, trusted range).
ALLOW_ENTRY = lazy_compile(r"access_list|allow_?list|whitelist|ip_list|authori[sz]ed_network|trusted_(?:ip|range)"
                           r"|ip_access|ip_allow|firewall_rule|security_group\w*_rule|secgroup\w*_rule")
# One rule of a firewall (a database or workspace firewall's IP rule, a security group's rule): a firewall denies
# what no rule allows, so removing an allow rule, even the last one, narrows access. Rule groups and policies may
# hold deny rules; some providers' security group rules may drop (DROP_WORDS).
FIREWALL_RULE = lazy_compile(r"firewall_(?:ip_)?rules?$|(?:security_group|secgroup)\w*_rule(?:_v\d+)?$")
DROP_WORDS = frozenset({"drop", "reject", "deny", "block"})


def world_entry_removed(change: Change) -> str | None:
    """Why deleting this allow-list entry narrows access: it allowed the whole internet and it allows (no deny or
    block word); should the list be left empty and open, it lets in no more than the whole internet it let in."""
    before = change.before if isinstance(change.before, dict) else {}
    if change.action != Action.DELETE or not (ALLOW_ENTRY.search(change.type) or allow_only_rule(before)) \
            or RESTRICTING.search(change.type) or not before:
        return None
    strings = list(string_leaves(before))
    if any(RESTRICTING.search(text) or text.strip().lower() in DROP_WORDS for text in strings):
        return None
    if REQUIREMENT.search(change.type) or any(REQUIREMENT.search(key) for key in before):
        return None  # it allowed only on a requirement (a second factor): without it a rule that asks less decides
    if FIREWALL_RULE.search(change.type) or allow_only_rule(before):
        return "a firewall allow rule removed: the firewall denies what no rule allows, so access narrows"
    if not world_sources(strings, words=False):
        return None
    return ("an allow-list entry that let the whole internet in removed: access narrows (even an emptied list "
            "that opens allows no more than this entry did)")


# Lists that only let addresses in, named for it (an IP access list, an allow list, authorized networks): a blocklist
# or a neutral IP set is named otherwise.
ALLOW_LIST = lazy_compile(r"access_list|allow_?list|whitelist|authori[sz]ed_network|trusted_(?:ip|range)|ip_access"
                          r"|ip_allow")
# Groups of rules that only allow, on platforms that refuse to delete one still attached (an AWS security group, an
# OpenStack security group): its delete lets in no more than before. A cloud firewall of a platform where a server
# without one is open (DigitalOcean, Hetzner) is not one.
ALLOW_ONLY_GROUPS = lazy_compile(r"^(?:aws_security_group|openstack_(?:networking|compute)_secgroup(?:_v2)?)$")


def entry_swapped(change: Change, kept_types: frozenset[str]) -> str | None:
    """Why deleting this allow-list entry narrows access: the plan keeps or adds other entries of its type
    (KEPT_TYPES), so the list is never left empty, which some services read as open."""
    before = change.before if isinstance(change.before, dict) else {}
    if change.action != Action.DELETE or not ALLOW_LIST.search(change.type) or RESTRICTING.search(change.type) \
            or change.type not in kept_types or not before:
        return None
    if any(RESTRICTING.search(text) or text.strip().lower() in DROP_WORDS for text in string_leaves(before)):
        return None
    return "an allow-list entry removed while the list keeps other entries: access narrows to them"


def allow_only_group_deleted(change: Change) -> str | None:
    """Why deleting this security group narrows access: its rules only allow, and the platform refuses to delete a
    group still attached to anything."""
    if change.action != Action.DELETE or not ALLOW_ONLY_GROUPS.match(change.type):
        return None
    return ("a security group: its rules only allow, and one still attached cannot be deleted, so access narrows; "
            "check nothing still needs what it let in")


# The key that says what one ordered rule does (`access = "Allow"` in an Azure NSG rule, `rule_action = "allow"` in
# a network ACL entry), and the words for letting traffic through.
RULE_ACTIONS = ("access", "action", "rule_action", "effect")
ALLOWING = frozenset({"allow", "accept", "permit", "pass"})


def allow_only_rule(before: dict[str, Any]) -> bool:
    """Whether an object is one prioritised rule (a direction, priority or rule number) that only allows: an `allow`
    list and no `deny` one, or an action that allows. Where rules are ordered allows and denies, removing an allow
    can never let more through."""
    if not ("direction" in before or "priority" in before or "rule_number" in before):
        return False
    if before.get("allow") and not before.get("deny"):
        return True
    return any(isinstance(before.get(key), str) and before[key].strip().lower() in ALLOWING for key in RULE_ACTIONS)
