"""The security-controls vocabulary (risk rules stage), postures read by what values mean across providers: a
verdict that stopped traffic or credentials (BLOCK, DENY, REJECT, DROP) turned into one that lets them through
(ALLOW, ACCEPT, PASS, `ALLOW_INVALID_OR_MISSING_CLIENT_CERT`), a network or traffic policy moved from a named few
(`AllowVirtualNetworksOnly`, `Selected`) to all, retention or soft-delete given as a duration text (`P365D`, `720h`)
cut to a day or less, a credential's validity grown past a year, a check's or control's status switched off, log
levels set to off, external IPs allowed where they were refused, a site's basic auth removed, a destroy that now
deletes dependents.

Lines that controls.py applies to every resource type, registered after schemas.py (vocabulary/__init__.py).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.findings import Severity
from tfreview.pipeline.rules.allowlist import EMPTIED
from tfreview.pipeline.rules.common import known, snake_case
from tfreview.pipeline.rules.controls import control
from tfreview.pipeline.rules.grants import PRIVILEGED
from tfreview.pipeline.rules.protection import PROTECTION
from tfreview.pipeline.rules.retention import BACKUP, LOGGING
from tfreview.pipeline.rules.strengths import flag, inverted, ladder, off_word, present, schedule
from tfreview.pipeline.rules.units import duration
from tfreview.pipeline.rules.vocabulary.meanings import ANY_SETTING, not_admin
from tfreview.pipeline.rules.vocabulary.terms import AUTH, DETECTION, KEY, ON_OFF, PUBLIC, TLS, WATCHERS

_WORDS = lazy_compile(r"[^a-z0-9]+")
MEMO_SIZE = 4096
DAY = 86400.0
YEAR = 365 * DAY


@lru_cache(maxsize=MEMO_SIZE)
def _words(value: str) -> frozenset[str]:
    return frozenset(w for w in _WORDS.split(snake_case(value.strip())) if w)


def _short_words(value: Any) -> frozenset[str] | None:
    """The words of a short one-value setting, or None for anything else."""
    if not isinstance(value, str) or not known(value) or not 0 < len(value.strip()) <= 48:
        return None
    return _words(value)


# --- a verdict that stopped something turned into one that lets it through ----------------------------------------
STOPS = frozenset({"block", "blocked", "deny", "denied", "reject", "rejected", "drop", "dropped", "forbid", "refuse",
                   "prevent", "quarantine", "sinkhole", "nxdomain"})
ADMITS = frozenset({"allow", "allowed", "accept", "accepted", "permit", "permitted", "pass", "passthrough"})


def verdict(value: Any) -> float | None:
    """1 for a value whose words stop (BLOCK, `aws:drop`, REJECT_INVALID), 0 for one whose words let through
    (ALLOW, `aws:pass`, ALLOW_INVALID_OR_MISSING_CLIENT_CERT); None for both, neither, or anything else."""
    words = _short_words(value)
    if not words:
        return None
    stops, admits = bool(words & STOPS), bool(words & ADMITS)
    return None if stops == admits else 1 if stops else 0


# (Not a network ACL's `rule_action` or a security rule's `access`: the network rules judge those by the addresses
# they open to, and opening to a private range is no news.)
control(DETECTION, r"(?!rule_action\Z|access\Z)" + ANY_SETTING, verdict,
        "a block, deny or reject verdict now lets traffic or clients through",
        generic=True)

# An action setting (a WAF attack group's or a detector's `…_action`) that stopped requests now takes none or only
# watches: `deny` → `none`, `block` → `alert`, `deny` → `count`.
WATCHES_ONLY = frozenset({"none", "count", "log", "monitor", "alert", "detect", "noop", "ignore"})


def action_verdict(value: Any) -> float | None:
    """1 for an action whose words stop, 0 for one that lets through or only watches; None otherwise."""
    words = _short_words(value)
    if not words:
        return None
    if words & STOPS:
        return None if words & (ADMITS | WATCHES_ONLY) else 1
    return 0 if words & (ADMITS | WATCHES_ONLY) else None


control(DETECTION, r"(?!rule_action\Z)\w*_action", action_verdict,
        "an action that stopped requests now lets them through or only watches", generic=True)

# --- a network or traffic policy moved from a named few to all -----------------------------------------------
NAMED_FEW = frozenset({"only", "restricted", "selected", "specific", "private", "internal", "limited", "deny",
                       "denied", "none", "vnet", "vpc"})
ALL = frozenset({"all", "any", "anywhere", "every", "everyone", "unrestricted", "public", "internet", "world"})


def few_or_all(value: Any) -> float | None:
    """1 for a policy naming a few sources (`AllowVirtualNetworksOnly`, `Selected`, `DenyAll`), 0 for one taking
    every source (`AllowAllTraffic`, `Any`)."""
    words = _short_words(value)
    if not words:
        return None
    if words & NAMED_FEW:
        return 1
    return 0 if words & ALL else None


TRAFFIC = (r"\w*(?:traffic|network|ingress|incoming|inbound|egress|outbound|connectivity|source)\w*"
           r"_(?:policy|mode|access|rule|filter|setting)")
control(PUBLIC, TRAFFIC, few_or_all, "the network policy now admits all traffic (it named a few sources)", generic=True)


# --- a list's polarity flipped from "only these" to "all but these" ---------------------------------------------
# A domain, address or country list whose type moves from an allow-list to a deny-list (a firewall's
# `generated_rules_type` ALLOWLIST → DENYLIST, a CDN's geo `restriction_type` whitelist → blacklist): the same
# entries now name the few refused, and every other destination or source gets through, as if the allow-list were
# emptied. The reverse is a tightening.
ONLY_LISTED = frozenset({"allowlist", "whitelist", "safelist", "allowlisted", "whitelisted", "include", "inclusion"})
ALL_BUT_LISTED = frozenset({"denylist", "blacklist", "blocklist", "denylisted", "blacklisted", "exclude",
                            "exclusion"})


def list_polarity(value: Any) -> float | None:
    """1 for a list type that admits only what it names (ALLOWLIST, `whitelist`, `allow_list`), 0 for one that
    refuses only what it names (DENYLIST, `blacklist`, `block-list`); None otherwise."""
    words = _short_words(value)
    if not words:
        return None
    only = bool(words & ONLY_LISTED) or ("list" in words and bool(words & {"allow", "white", "safe"}))
    refused = bool(words & ALL_BUT_LISTED) or ("list" in words and bool(words & {"deny", "block", "black"}))
    return None if only == refused else 1 if only else 0


control(EMPTIED, r"\w*(?:rules|list|filter|filtering|restriction|match)_(?:type|mode|kind)|list_type|filter_type",
        list_polarity, "the list now names the few refused and lets every other destination or source through "
        "(it named the only ones allowed)")

# --- retention or soft delete given as a duration text, cut to a day or less -------------------------------------
def kept_span(value: Any) -> float | None:
    """A retention given as a duration text (`P365D`, `720h`, `30d`): 0 when a day or less (next to nothing is
    kept), 1 when longer; bare numbers are the numeric lines' (their unit is in the name)."""
    seconds = duration(value) if isinstance(value, str) else None
    return None if seconds is None else 0 if seconds <= DAY else 1


control(BACKUP, r"\w*(?:retention|retained|soft_delete|delete_retention|recycle_bin)\w*(?:period|duration|time|window"
        r"|days|interval)?", kept_span, "retention cut to a day or less (kept data ages out at once)")


# --- a credential's validity grown past a year (a SAS, token or certificate that stays usable when leaked) ---------
def short_lived(value: Any) -> float | None:
    """1 for a validity of a year or less, 0 for longer; None for what is not a duration text or a day count."""
    seconds = duration(value) if isinstance(value, str) else None
    return None if seconds is None else 1 if seconds <= YEAR else 0


control(AUTH, r"\w*validity(?:_period|_duration|_time)?", short_lived,
        "the credential stays valid for more than a year (a leaked copy keeps working)",
        types=r"sas|token|key|secret|credential|certificate|cert|password|signature|access")

# --- a security check's or control's own status switched off (Security Hub control_status DISABLED) --------------
control(DETECTION, r"\w*(?:control|check|standard|rule|detector|finding|scan|scanner|policy)_(?:status|state)",
        ON_OFF, "the security check is switched off", types=WATCHERS)

# --- a cluster's policy enforcement switched off by a flat switch (an addon's `enableNetworkPolicy` "false") -----
control(DETECTION, r"(?:enable|enforce)_\w*(?:network_polic(?:y|ies)|pod_security\w*|admission_control\w*)"
        r"|\w*(?:network_polic(?:y|ies)|pod_security\w*|admission_control\w*)_(?:enabled|enforced|enforcement)", flag,
        "policy enforcement in the cluster is switched off (every pod may reach every other)")

# --- logging: the level set to off, or a switch that turns all logs off -------------------------------------------
control(LOGGING, r"\w*log(?:ging)?_level|\w*log_verbosity", off_word, "its logging is switched off (level off)")
control(LOGGING, r"disable_\w*(?:logs?|logging|audit\w*|tracing|metrics)", inverted, "its logs are switched off")

# --- external or public addresses allowed where they were refused (Cloud Build `no_external_ip`) -----------------
control(PUBLIC, r"no_(?:external|public)_ip(?:s|_address|_addresses)?|disable_external_ips?"
        r"|\w*(?:external|public)_ips?_disabled", flag, "external IP addresses are allowed again (internet egress and "
        "exposure)")

# --- encryption in transit switched off by a `disable_*` switch (QuickSight `ssl_properties.disable_ssl`) -------
control(TLS, r"disable_(?:ssl|tls|https|encryption|encrypt|secure_transport)|(?:ssl|tls|https)_disabled", inverted,
        "connections no longer use TLS")

# --- a site's or app's basic auth (a password in front of it) removed ------------------------------------------
control(AUTH, r"(?:basic_auth(?:entication)?|password_protection)(?:\.\w+)?", present,
        "the password in front of the site is removed (anyone may open it)",
        types=r"web|site|app|portal|gateway|ingress|front|cdn|proxy|static|hosting|pages")

# --- a key's automatic regeneration or rotation turned off (Key Vault `regenerate_key_automatically`) -----------
control(KEY, r"regenerate_\w*automatically"
        r"|(?:enable_|\w*_)?auto(?:matic)?_?(?:key_)?(?:regeneration|rotation)(?:_enabled)?", flag,
        "automatic key regeneration or rotation turned off")

# --- privileged sessions no longer recorded (a PAM's session recording, keystroke capture) ----------------------
control(LOGGING, r"\w*session_recording\w*|capture_keystrokes|record_(?:sessions?|keystrokes)|keystroke_\w*logging",
        flag, "privileged sessions are no longer recorded")
control(LOGGING, r"enabled|is_enabled", flag, "privileged sessions are no longer recorded",
        types=r"(?:^|_)(?:session_)?recording(?:_|$)")

# --- a detection rule moved from alerting to watching (`mode` alert → monitor): it fires for nobody -------------
control(DETECTION, r"mode|action|enforcement_mode|severity_action", ladder(
    ("block", "prevent", "deny", "enforce", "enforcing"), ("alert", "detect", "notify", "page"),
    ("monitor", "monitor_only", "log", "log_only", "audit", "count", "dry_run", "silent", "off", "disabled")),
    "the detection rule now only watches: nobody is alerted",
    types=r"(?:^|_)(?:detection|detector|correlation|analytics|threat)(?:_|$)")

SOON_DAYS = 7  # a default expiration under a week deletes data before a weekly job or review reads it


def _expires_soon(value: Any) -> float | None:
    """1 while data does not expire (no default expiration: null or 0) or keeps a week or more, 0 once it expires
    sooner."""
    if value is None:
        return 1
    seconds = duration(value, "ms")
    if seconds == 0:
        return 1  # BigQuery reads 0 as "never expires"
    return None if seconds is None else (0 if seconds < SOON_DAYS * 86400 else 1)


# --- a whole dataset's or table's data expiring within days (BigQuery's default partition expiration) --------
control("lifecycle-expiration", r"default_(?:partition|table)_expiration_ms", _expires_soon,
        "data in it now expires within days (partitions and tables older than that are deleted)")

# --- a detector's rule files emptied (Falco's `rules_files`, Prometheus' `rule_files`): it runs and sees nothing ---
control(DETECTION, r"rules?_files?|rules?_paths?", present, "the detector's rule files are emptied (it runs and "
        "matches nothing)")

# --- a key's material let out of its store (Vault transit `exportable` and `allow_plaintext_backup`, an HSM's
# `extractable`): once it leaves, everything sealed under it is as safe as wherever the copy went -----------------
control(KEY, r"exportable|extractable|allow_plaintext_backup|allow_(?:key_)?export|key_export(?:_enabled)?",
        inverted, "the key's material may now be exported out of its key store")

# --- dual control (two people to use or change a key or a vault, a quorum) given up ---------------------------
control(KEY, r"dual_control(?:_enabled|_required)?|(?:require_)?quorum(?:_required|_enabled)?|two_person_\w+"
        r"|four_eyes\w*", flag, "one person alone may now use or change it (dual control off)")

# --- a credential's automatic rotation interval set to 0 or removed (`rotation_days`, `key_rotation_interval`) -------
# (Secrets Manager's `automatically_after_days` is left out: it reads 0 when a `schedule_expression` takes over.)
control(KEY, r"\w*rotation\w*_(?:days|interval|period)\w*|rotation_(?:days|interval)",
        schedule, "automatic rotation turned off (its interval set to 0 or removed)")

# --- an organisation's members allowed to publish on their own, or its data to replicate to other tenants --------
control(PUBLIC, r"\w*can_create_public\w*|\w*allow\w*_create_public\w*|\w*can_make_public\w*", inverted,
        "members may now publish repositories or projects publicly on their own")
control(PUBLIC, r"\w*cross_tenant_\w*(?:replication|sharing|access)\w*", inverted,
        "data may now be copied to other tenants' accounts, outside the organisation")

# --- a cluster's policy add-on switched off at the top level (AKS `azure_policy_enabled`) -------------------------
control(DETECTION, r"azure_policy_enabled|\w*policy_(?:controller|agent|enforcement)_enabled", flag,
        "the cluster's policy add-on is switched off: its admission policies no longer apply")

# --- a destroy that now deletes what depends on it (Kinesis `enforce_consumer_deletion`) -------------------------
control(PROTECTION, r"enforce_\w*(?:deletion|delete|destroy)|cascade_\w*(?:deletion|delete|destroy)", inverted,
        "a destroy now also deletes what depends on it")

# --- admin handed to a person or a workload: an SSO permission set named for admin assigned, a pod or workload bound
# to an admin role (by its words, or an organisation's built-in cross-account admin roles) ---------------------------
control(PRIVILEGED, r"permission_set_arn|permission_set(?:_name|_id)?", not_admin,
        "an admin permission set is assigned", types=r"assignment", create=Severity.HIGH)
ORG_ADMIN_ROLES = lazy_compile(r"organizationaccountaccessrole|awscontroltowerexecution|awsreservedsso_administrator"
                               r"|ous?_?admin|breakglass|break_glass")


def workload_role(value: Any) -> float | None:
    """0 for a role that administers (its words, or an organisation's cross-account admin role), 1 for another."""
    if not isinstance(value, str) or not known(value) or not value.strip():
        return None
    text = value.strip().lower()
    return 0 if ORG_ADMIN_ROLES.search(text) or not_admin(value) == 0 else 1


control(PRIVILEGED, r"role_arn|role|iam_role|role_name", workload_role,
        "a workload is bound to an admin role (every pod or job that runs there is admin)",
        types=r"pod_identity|identity_association|workload_identity|service_account|irsa", create=Severity.HIGH)
