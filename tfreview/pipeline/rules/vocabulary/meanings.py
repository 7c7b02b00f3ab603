"""The security-controls vocabulary (risk rules stage), read by what values mean whatever the attribute is called:
a value naming a security mechanism (TLS, a cipher at rest, a second factor, a members-only audience, an enforced
requirement, a strict posture) moved to the null word of its kind, a grant list whose specific values give way to a
bare `*`, a role raised to admin, switches whose names mean approval, review or verification turned off, and
switches whose names mean muting turned on.

Lines that controls.py applies to every resource type, registered last of this package (vocabulary/__init__.py):
for one attribute, the lines before decide first; these back them up for names nobody listed (invented providers).
Lines read by values alone are `generic`: they only report a weakening (controls.py).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.rules.common import known, snake_case
from tfreview.pipeline.rules.controls import control
from tfreview.pipeline.rules.grants import PRIVILEGED
from tfreview.pipeline.rules.judge import WILDCARD
from tfreview.pipeline.rules.protection import ENCRYPTION
from tfreview.pipeline.rules.strengths import everyone, flag, inverted, ladder
from tfreview.pipeline.rules.tenants import GRANT_WORDS, KNOWN_PROVIDERS, admin_value
from tfreview.pipeline.rules.vocabulary.terms import AUTH, DETECTION, ON_OFF, PUBLIC, TLS, setting_words

# Words that negate whatever mechanism a value names (`no_tls`, `not_required`, `without-mfa`).
NEGATIONS = frozenset({"no", "not", "non", "without", "none", "off", "disabled", "disable", "false"})
# Leaf names that identify or describe an object: their values are names, not settings (a subnet named "private").
NAMING = (r"(?!\w*(?:name|names|id|ids|description|title|comment|comments|label|key|slug|alias|arn|path|prefix"
          r"|suffix|url|uri|email|domain|host|hostname|region|zone|location|version|image|value|text|body|content"
          r"|message|note|notes|summary|purpose|owner|team)\Z)")
ANY_SETTING = NAMING + r"[a-z0-9_]+"


MEMO_SIZE = 4096  # distinct setting values remembered per kind of mechanism


def kind(strong: Callable[[str], bool], weak: frozenset[str], core: frozenset[str] | None = None
         ) -> Callable[[Any], float | None]:
    """A strength over one kind of mechanism: 1 when a value names it (and no word negates it), 0 when all its words
    are the kind's null words (one of CORE among them, when given), None for any value outside the kind (a value
    nobody can rank is never judged)."""

    @lru_cache(maxsize=MEMO_SIZE)  # a plan repeats a few setting values on thousands of attributes
    def of_text(value: str) -> float | None:
        words = setting_words(value)
        if not words:
            return None
        if words <= weak and (core is None or words & core):
            return 0
        return 1 if any(strong(w) for w in words) and not words & NEGATIONS else None

    def strength(value: Any) -> float | None:
        return of_text(value) if isinstance(value, str) else None  # setting_words reads strings only
    return strength


# Transport: TLS/SSL/mTLS of any version, SSH, IPsec, "encrypted" → plain, plaintext, cleartext, insecure, none.
TRANSPORT = lazy_compile(r"(?:m?tls|ssl|dtls|tlsv)(?:v?\d+)*|tls\d+|https|ftps|sftp|ssh|wss|ldaps|starttls|ipsec"
                         r"|wireguard|encrypted|encryption|encrypt")
PLAIN = frozenset({"plain", "plaintext", "cleartext", "clear", "unencrypted", "insecure"}) | NEGATIONS
transport = kind(lambda w: TRANSPORT.fullmatch(w) is not None, PLAIN)
# At rest: a cipher or key service (AES, ChaCha20, a KMS or customer key, SSE) → none, plain, off.
AT_REST = lazy_compile(r"aes(?:\d+)?|chacha20|xchacha20|kms|cmk|cmek|sse|gcm|sealed")
at_rest = kind(lambda w: AT_REST.fullmatch(w) is not None, PLAIN)
# Sign-in: a second factor or a federated sign-in → none, optional, skip, anonymous.
FACTORS = frozenset({"totp", "mfa", "2fa", "otp", "hotp", "webauthn", "u2f", "fido", "fido2", "passkey", "passkeys",
                     "yubikey", "kerberos", "sso", "saml", "oidc", "ldap", "ldaps", "duo", "authenticator", "factor",
                     "twofactor", "multifactor"})
UNCHALLENGED = frozenset({"optional", "skip", "never", "anonymous", "noauth", "unauthenticated", "open"}) | NEGATIONS
factor = kind(FACTORS.__contains__, UNCHALLENGED)
# Audience: members, private, internal, one organisation → anyone (with the link), everyone, public, the world.
MEMBERS = frozenset({"private", "members", "member", "internal", "org", "organization", "organisation", "team",
                     "restricted", "invite", "invited", "invitation", "staff", "employees", "authenticated",
                     "signed", "owners", "owner", "collaborators", "workspace", "tenant", "domain", "confidential"})
# Not "none": a members-only object shared with none is closed further.
EVERYONE = frozenset({"public", "anyone", "everyone", "anonymous", "world", "unauthenticated", "allusers", "internet",
                      "publicly", "unlisted"})
# "open" after a members-only value: anyone may join or read (`join_policy` invite → open).
audience = kind(MEMBERS.__contains__, EVERYONE | {"with", "link", "all", "users", "the", "any", "who", "has", "open"},
                EVERYONE | {"open"})
# Requirement: required, enforced, mandatory, verified, approval → optional, off, permissive, report/audit only.
REQUIRED = frozenset({"required", "require", "mandatory", "enforce", "enforced", "enforcing", "approval", "approve",
                      "approved", "review", "reviewed", "verify", "verified", "verification", "signed"})
LAX = frozenset({"optional", "allow", "permissive", "skip", "prefer", "preferred", "audit", "warn", "warning",
                 "dryrun", "dry", "run", "monitor", "report", "only", "auto", "automatic", "open", "anyone",
                 "everyone", "never", "log", "advisory", "voluntary", "bypass", "bypassable", "unenforced",
                 "unenforcing", "nonenforced", "unverified", "unrequired", "unapproved", "unreviewed",
                 "testing"}) | NEGATIONS  # MTA-STS `mode` enforce → testing: failures are only reported
requirement = kind(REQUIRED.__contains__, LAX)
# Strictness: a strict or hardened posture → permissive, lax. Not → off: a strict cache or parser switched off is
# not a security control, and "strict" alone does not say it is one.
STRICT = frozenset({"strict", "strictest", "hardened", "lockdown", "locked", "sealed"})
strictness = kind(STRICT.__contains__, frozenset({"permissive", "lax", "relaxed", "loose", "insecure", "unlocked",
                                                 "open"}))

control(TLS, ANY_SETTING, transport, "the connection drops its encryption (the value says plain or none)",
        generic=True)
control(ENCRYPTION, ANY_SETTING, at_rest, "encryption at rest removed (the value says none or plain)", generic=True)
control(AUTH, ANY_SETTING, factor, "a sign-in factor or federated sign-in removed (the value says none or optional)",
        generic=True)
control(PUBLIC, ANY_SETTING, audience, "opened from members to anyone (the value says public, anyone or everyone)",
        generic=True)
control(AUTH, ANY_SETTING, requirement, "a requirement or enforcement relaxed (the value says optional, off or "
        "report-only)", generic=True)

control(AUTH, ANY_SETTING, strictness, "a strict posture made permissive", generic=True)
# A protection's mode moved from stopping what it matches to only reporting it (a WAF agent's `block` → `log`, any
# product's enforce → monitor, a DDoS policy's always-on mitigation → monitor): every attack it would have stopped
# now goes through, written down.
# (Enforce → audit is the requirement reading's, just above.)
control(DETECTION, ANY_SETTING, ladder(("block", "blocking", "deny", "prevent", "prevention", "protect", "protection",
                                         "reject", "mitigate", "mitigating", "always_on", "alwayson", "scrub",
                                         "scrubbing", "apply", "applied", "enforce", "enforced", "enforcing"),
                                        ("log", "logging", "count", "monitor", "monitoring", "alert", "detect",
                                         "detection", "report", "report_only", "reportonly", "dry_run", "dryrun",
                                         "preview", "learning", "observe", "simulate", "passive")),
        "it now only reports what it used to stop", generic=True)

# Inspection of traffic or content (full, deep, blocking) → none, off, bypass: what passes is no longer looked at.
control(DETECTION, r"\w*inspect(?:ion|ions|or)?(?:_mode|_level|_policy|_state)?",
        ladder(("full", "deep", "strict", "all", "block", "prevent", "enabled", "on", "active"),
               ("none", "off", "disabled", "bypass", "skip", "passthrough", "pass_through")),
        "traffic inspection turned off (the value says none, off or bypass)")
# Recording or journaling of what happens (an audit journal, a capture): active → paused, off.
control(DETECTION, r"(?:\w+_)?(?:recording|journaling|journalling|journal|auditing|capture|capturing)"
        r"(?:_state|_status|_mode)?", ON_OFF, "recording paused or turned off (what happens is no longer kept)")

# --- grant lists widened to everything ------------------------------------------------------------------
MATCH_ALL = frozenset({"*", "*:*", "*.*", "all", "all_privileges", "all privileges"})
STAR = frozenset({"*", "*:*", "*.*"})
# What grant lists hold, by the words of their values: verbs of access any provider spells its own way.
ACCESS_VERBS = frozenset({"read", "view", "observe", "list", "get", "describe", "watch", "write", "edit", "update",
                          "create", "delete", "manage", "use", "invoke", "execute", "run", "deploy", "publish",
                          "subscribe", "select", "insert", "modify", "admin", "operate", "approve", "pull", "push",
                          "query", "browse", "download", "upload", "readonly", "readwrite", "viewer", "editor",
                          "reader", "writer", "operator"})
GRANT_LISTS = (r"(?:\w+_)?(?:duties|permissions?|perms|grants?|scopes?|actions|verbs|privileges?|rights|capabilities"
               r"|abilities|powers|operations|entitlements|allowed_(?:actions|operations|verbs))")
# Lists of what is sent or accepted, not granted: webhook events, CORS methods and headers, topics.
NOT_GRANTS = (r"(?!\w*(?:event|events|trigger|triggers|notification|notifications|method|methods|header|headers|topic"
              r"|topics))")


def _grant(value: Any, specific: Callable[[frozenset[str]], bool], every: frozenset[str] = MATCH_ALL) -> float | None:
    """0 for a match-all grant (one of EVERY) or a list holding one, 1 for a specific grant SPECIFIC accepts or a
    list of only such, None otherwise."""
    items = value if isinstance(value, list) else [value]
    if not items or not all(isinstance(item, str) and known(item) for item in items):
        return None
    if any(item.strip().lower() in every for item in items):
        return 0
    words = [setting_words(item) for item in items]
    return 1 if all(w and specific(w) for w in words) and not any("*" in item for item in items) else None


def granted_verb(value: Any) -> float | None:
    """A grant of a specific access verb (`observe`, `read`, `deploy`) as 1, a match-all grant as 0."""
    return _grant(value, lambda words: bool(words & ACCESS_VERBS), STAR)


def granted(value: Any) -> float | None:
    """Any specific grant in a list named for grants as 1, a match-all grant as 0."""
    return _grant(value, bool)


control(WILDCARD, GRANT_LISTS, granted, "a grant list widened to everything (`*`)", generic=True)
# Which accounts a credential may be issued for (an SSH CA role's `allowed_users`, `valid_principals`): from named
# accounts to `*`, a certificate for root or any service account on every host that trusts it.
control(WILDCARD, r"allowed_(?:users|usernames|principals|logins|accounts)|valid_principals", everyone,
        "any account name may now be requested (`*`), root included")
control(WILDCARD, NOT_GRANTS + ANY_SETTING, granted_verb, "specific values replaced by everything (`*`)",
        generic=True)

# --- switches by the meaning of their names -----------------------------------------------------------------
# Joining, devices or changes held for approval, review or verification: off, they pass unchecked. Not an automatic
# approval (stronger when off), nor a review app (a preview deployment, not a check); TLS checks are transport's.
control(AUTH, r"(?!auto|can_|\w*(?:skip|bypass|disable|review_app|preview|allow|ssl|tls|cert|peer))\w*(?:approval"
        r"|approvals|review|reviews|verification|verify|vetting|moderation)(?:_on|_enabled|_required|_enforced|_enabled_on|_gate|_step"
        r"|_check)?"
        r"|require[sd]?_\w*(?:approval|review|verification|vetting|moderation)(?:_hold|_step|_check|_gate)?", flag,
        "approval, review or verification no longer asked for")
# A switch that mutes what an object reports (an audit ledger hushed, alerts silenced), whatever the object. An event
# rule's own action (`actions.suppress`) mutes only what its condition matches: mutes.py reads how far that reaches.
MUTING = r"(?:hush|hushed|mute|muted|silence|silenced|snooze|snoozed|squelch|squelched|suppress|suppressed)"
control(DETECTION, rf"(?<!actions\.)(?<!action\.)(?:is_)?{MUTING}"
        r"(?:_(?:all|alerts?|notifications?|events?|audit|logs?|logging|output))?",
        inverted, "its reports are muted")

# --- roles by their rank -------------------------------------------------------------------------------
ROLE_SETTING = (r"(?:\w+_)?(?:role|roles|role_type|role_name|access_level|permission_level|privilege_level"
                r"|access_role|member_role|user_role|org_role|team_role)")


def not_admin(value: Any) -> float | None:
    """1 for a role that does not administer (`viewer`, `observer`), 0 for an admin or owner role of any provider's
    spelling (`owner`, `SUPER_ADMIN`, `atlasAdmin`); lists by their highest role."""
    items = value if isinstance(value, list) else [value]
    if not items or not all(isinstance(item, str) and known(item) and item.strip() for item in items):
        return None
    return 0 if any(admin_value(snake_case(item.strip())) for item in items) else 1


# A level that says WHO MAY do something (`unprotect_access_level`, `required_role`, `min_approver_role`) is a
# threshold, the inverse of a grant: raised to admin, fewer people may act (stricter), so it is never read as one.
THRESHOLD = (r"(?!(?:\w*_)?(?:required|requires|min|minimum|least|lowest)_)(?!(?:\w+_)?(?:push|merge|unprotect|protect"
             r"|deploy|create|delete|remove|destroy|approve|approver|approval|publish|release|invite|view|edit|update"
             r"|run|trigger|cancel|force_push|tag|lock|unlock|share|export|import|transfer|archive|rename|promote"
             r"|rollback|restore|rotate|reviewer|review|moderate|moderator)_(?:access_level|permission_level"
             r"|privilege_level|role|level)\Z)")

# A role of a provider nobody listed raised to admin or owner, whatever the type is called (tenants.py reads the
# types named for grants, with their confinement to targets; the listed clouds have rules of their own).
control(PRIVILEGED, THRESHOLD + ROLE_SETTING, not_admin, "raised to an admin or owner role",
        types=rf"^(?!{'|'.join(KNOWN_PROVIDERS)})(?!.*(?:{'|'.join(GRANT_WORDS)}))")
def default_rank(value: Any) -> float | None:
    """not_admin's rank, and 1 for an empty default (no role at all: nothing is handed out)."""
    return 1 if value == "" else not_admin(value)


# The role a policy hands everyone it has no line for (Argo CD's `policy.default`, a `default_member_role`, a guest
# or anonymous role) raised to admin: every user who can sign in administers, whoever they are. Not a user's own
# `default_role` (the role a session starts in, among those already granted).
control(PRIVILEGED, r"policy\.default|default_(?:policy|access|access_level|permissions?"
        r"|(?:member|user|org|guest)_role)|(?:anonymous|guest|everyone)_role", default_rank,
        "the role everyone gets by default raised to admin")
