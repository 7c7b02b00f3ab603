"""The security-controls vocabulary (risk rules stage), the long tail of provider vocabularies read by meaning:
a block-public-access state unblocked, a permissions mode moved to allow-all, a network access control block
removed, a service's log destinations or logging role emptied, a Redis-style ACL string widened to every key and
command.

Lines that controls.py applies to every resource type, registered in the order vocabulary/__init__.py imports
this package's modules: for one attribute, the first line that reads both values decides.
"""

from __future__ import annotations

import re
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.rules.common import known, snake_case
from tfreview.pipeline.rules.controls import control
from tfreview.pipeline.rules.judge import WILDCARD
from tfreview.pipeline.rules.retention import LOGGING
from tfreview.pipeline.rules.strengths import inverted, ladder, present
from tfreview.pipeline.rules.vocabulary.terms import AUTH, DETECTION, PUBLIC
from tfreview.pipeline.rules.watch import watch

_WORDS = lazy_compile(r"[^a-z]+")


def _words(value: Any) -> set[str] | None:
    """The lower-case words of a short known string (camelCase split), or None."""
    if not isinstance(value, str) or not known(value) or not 0 < len(value.strip()) <= 60:
        return None
    return {w for w in _WORDS.split(snake_case(value.strip())) if w}


# --- a state that blocks public sharing, unblocked ---------------------------------------------------
BLOCKING = frozenset({"block", "blocked", "blocking", "deny", "denied", "prevent", "prevented", "restrict",
                      "restricted"})
UNBLOCKED = frozenset({"unblocked", "unblock", "unrestricted", "allow", "allowed", "permit", "permitted"})


def blocking(value: Any) -> float | None:
    """1 for a state whose words block (`block-all-sharing`, `BlockNewSharing`), 0 for one that says unblocked or
    allowed (`unblocked`); None for anything else (a value outside the kind is never judged)."""
    words = _words(value)
    if not words:
        return None
    if words & UNBLOCKED and not words & BLOCKING:
        return 0
    return 1 if words & BLOCKING and not words & UNBLOCKED else None


# The state of a public-access block of any provider (EBS snapshots, AMIs, images, buckets): block → unblocked.
control(PUBLIC, r"(?:\w+_)?(?:state|status|mode|setting)", blocking,
        "public sharing is no longer blocked (the state says unblocked)",
        types=r"block|public_access|public_sharing|sharing")

# --- a grant to every group or user in place of named ones -------------------------------------------------
# A switch that authorises every group of the directory (a client VPN authorization rule's `authorize_all_groups`,
# any provider's `allow_all_users`): on, whoever can sign in gets what a named group had.
control(AUTH, r"(?:authori[sz]e|allow|grant|admit|permit)_all_(?:groups|users|members|principals|identities)"
        r"|all_(?:groups|users|members)_(?:allowed|authori[sz]ed)", inverted,
        "access granted to every group or user instead of the named ones")

# The scope of a grant or share moved from named objects to all of them (an outsourced administrator's access grant
# `scope = "funds"` with its fund ids → `"all_funds"`, a share's `scope = "project"` → `"organization"`): whoever
# holds it now reads every client's or tenant's objects, not the ones it was given.
SCOPE_ALL = frozenset({"all", "every", "everything", "any", "global", "organization", "organisation", "org",
                       "account", "tenant", "wide"})


def named_scope(value: Any) -> float | None:
    """1 for a scope that names a kind of object (`funds`, `project`, `selected`), 0 for one that says all of them
    (`all_funds`, `*`, `organization`, `org_wide`); None for anything else."""
    if value == "*":
        return 0
    words = _words(value)
    if not words or len(words) > 3:
        return None
    return 0 if words & SCOPE_ALL else 1


control(WILDCARD, r"scope|access_scope|grant_scope|data_scope|share_scope|visibility_scope", named_scope,
        "the grant now reaches all objects of its kind instead of the ones named",
        types=r"grant|share|entitlement|delegation|access_(?:policy|assignment|rule)|permission_(?:set|grant)")


def named_ids(value: Any) -> float | None:
    """1 for a list of named ids (`["sg-franchise-0142"]`), 0 once it holds the wildcard (`["*"]`, `"*"`)."""
    items = value if isinstance(value, list) else [value] if isinstance(value, str) else None
    if not items or not all(isinstance(i, str) and known(i) for i in items):
        return None
    return 0 if any(i.strip() in ("*", "all", "ALL") for i in items) else 1


# The ids an access level, grant or role applies to (a badge level's `site_group_ids`, a role's `project_ids`): from
# named sites or projects to `*`, every one of them, the other franchisees' and tenants' included.
control(WILDCARD, r"\w+_ids|\w+_groups", named_ids,
        "it now applies to every one of them (`*`) instead of the named ones",
        types=r"(?:^|_)(?:access_level|access|grant|permission|role|entitlement|delegation|share)(?:_|$)")

# A binding rule's selector removed (Consul's `consul_acl_binding_rule.selector`, any auth method's claim filter on
# a binding or mapping): the rule now binds its role to every identity the auth method accepts, every service
# account token of the cluster included.
control(AUTH, r"selector|bind_selector|claim_selector|\w*match_(?:expression|selector)",
        present, "the binding now applies to every identity the auth method accepts",
        types=r"binding_rule|role_binding_rule|claim_rule|group_rule|mapping_rule|auth_binding")

# --- which namespaces may attach routes to a gateway's listener -------------------------------------------------
# Kubernetes Gateway API `allowedRoutes.namespaces.from`: Same (the gateway's own namespace), Selector (labelled
# ones, as narrow as their labels), All (every namespace: any team or tenant can publish a route, and take a
# hostname, on that listener).
control(PUBLIC, r"allowed_?routes\.namespaces\.from", ladder(("same", "selector"), ("all",)),
        "every namespace may now attach routes to the listener (and publish on its hostnames)")

# --- permission modes moved to allow-all --------------------------------------------------------------
ALLOW_ALL = frozenset({"allowall", "alwaysallow", "permitall", "grantall", "openall", "allowany", "unrestricted"})


def limited_mode(value: Any) -> float | None:
    """0 for a mode that lets every caller do everything (`ALLOW_ALL`, `AlwaysAllow`, `unrestricted`), 1 for any
    other one-word mode (`STANDARD`, `IAM`); lists, documents and switches are not read."""
    if not isinstance(value, str) or not known(value) or not re.fullmatch(r"[\w.:-]{1,40}", value.strip()):
        return None
    return 0 if re.sub(r"[^a-z]", "", value.lower()) in ALLOW_ALL else 1


# A ledger's, database's or API's permissions mode (`permissions_mode` STANDARD → ALLOW_ALL): every principal that
# may call it now reaches every table or operation.
control(AUTH, r"\w*permissions?_(?:mode|model)|\w*authori[sz]ation_(?:mode|model)|\w*access_control_mode",
        limited_mode, "the permissions mode now allows everything to every caller")

# --- a network access control block removed ------------------------------------------------------------
# A block that confines who may reach a service (prefix lists, VPC endpoints, IP rules) removed as a whole: the
# service falls back to accepting every network. One entry of several removed keeps the block (not "removed"). Not a
# bare allow-list: emptied, some providers admit no one (and one that held 0.0.0.0/0 opened nothing).
for _block in ("network_access_control", "network_access_controls", "network_acls", "network_acl",
               "ip_access_control", "network_restrictions", "network_restriction", "ip_restriction",
               "ip_restrictions", "network_rule_set", "network_rules"):
    watch(PUBLIC, _block, "removed", "its network access restriction is removed (any network may reach it)")

# --- log destinations emptied ---------------------------------------------------------------------------
# Where a service sends its logs (`structured_log_destinations`, `log_group_arn`) or the role it logs with: emptied,
# nothing it does is recorded any more. A destination swapped for another keeps logging.
control(LOGGING, r"\w*log_destinations?(?:_arns?)?|\w*log_(?:group|sink|target|bucket)_(?:arns?|ids?|names?)"
        r"|logging_role(?:_arn)?|\w*logging_role_arn|\w*log_delivery_role\w*", present,
        "its logs are no longer delivered (the log destination or logging role is removed)")

# --- Redis-style ACL strings widened ---------------------------------------------------------------------
# Redis / Valkey / MemoryDB / ElastiCache ACL rules: `on ~payments:* -@all +@read` (keys, channels, commands).
ACL_TOKEN = lazy_compile(r"on|off|nopass|resetpass|reset|resetkeys|resetchannels|allkeys|allchannels|allcommands"
                         r"|nocommands|skip-sanitize-payload|sanitize-payload|[~&%+\-<>#!]\S*")
ALL_KEYS = frozenset({"~*", "allkeys", "%rw~*"})
ALL_COMMANDS = frozenset({"+@all", "allcommands"})


def acl_rules(value: Any) -> float | None:
    """0 for a Redis-style ACL string that reaches every key with every command (`on ~* &* +@all`), 1 for one
    confined to some keys or commands; None for text that is not an ACL string."""
    if not isinstance(value, str) or not known(value) or len(value) > 4000:
        return None
    tokens = value.lower().split()
    if not tokens or not all(ACL_TOKEN.fullmatch(t) for t in tokens) \
            or not any(t[0] in "~+%" or t in ALL_KEYS | ALL_COMMANDS for t in tokens):
        return None
    last_commands = [t for t in tokens if t in ALL_COMMANDS or t in ("-@all", "nocommands")]
    every_command = bool(last_commands) and last_commands[-1] in ALL_COMMANDS
    return 0 if every_command and set(tokens) & ALL_KEYS else 1


control(WILDCARD, r"\w*access_strings?|\w*acl_rules?|\w*acl_strings?|\w*user_acl|acl", acl_rules,
        "the ACL now reaches every key with every command")


# --- a firewall's default action moved to pass -----------------------------------------------------------
PASSING = frozenset({"pass", "allow", "accept", "permit"})
STOPPING = frozenset({"drop", "deny", "reject", "block", "forward", "inspect", "sfe", "alert"})


def stopping(value: Any) -> float | None:
    """1 for default actions that drop or hand traffic to inspection (`aws:forward_to_sfe`, `Deny`), 0 for ones that
    only let it pass (`aws:pass`, `Allow`); None for anything else."""
    items = value if isinstance(value, list) else [value]
    words = [_words(item) for item in items]
    if not words or not all(words):
        return None
    if any(w & STOPPING for w in words if w):
        return 1
    return 0 if all(w & PASSING for w in words if w) else None


# What a firewall or filter does with traffic no rule matched (`stateless_default_actions` forward_to_sfe → pass):
# passed, it skips the rules and inspection behind it.
control(DETECTION, r"\w*default_actions?", stopping,
        "unmatched traffic now passes by default (no longer dropped or inspected)")
