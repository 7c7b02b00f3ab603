"""The security-controls vocabulary (risk rules stage), controls of real provider schemas that the themed lines miss:
legacy protocols and weak ciphers switched on, plain-text protocols added to a server's list, dated security
policies moved back in time, auth modes moved down from identities to shared keys, a sign-in's user group or ACL
removed, keys or subscriptions no longer required, log exports emptied, keep/retain modes moved to delete, shares to
every account or any identity, NFS exports without root squashing or open to any client, apps that expose their
configuration.

Lines that controls.py applies to every resource type, registered in the order vocabulary/__init__.py imports
this package's modules (before fallback.py): for one attribute, the first line that reads both values decides.
"""

from __future__ import annotations

import re
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.findings import Severity
from tfreview.pipeline.rules.common import known, snake_case
from tfreview.pipeline.rules.controls import control
from tfreview.pipeline.rules.retention import LOGGING
from tfreview.pipeline.rules.safeguards import DELETES, KEEPS, RECLAIM
from tfreview.pipeline.rules.strengths import flag, inverted, ladder, present, tls
from tfreview.pipeline.rules.values import WORLD_WORDS
from tfreview.pipeline.rules.vocabulary.meanings import ANY_SETTING
from tfreview.pipeline.rules.vocabulary.terms import AUTH, DETECTION, PUBLIC, TLS

_WORDS = lazy_compile(r"[^a-z0-9]+")


def _items(value: Any) -> list[str] | None:
    """The known strings of a one-value or list setting, lower-cased; None when any is not a known string."""
    items = value if isinstance(value, list) else [value]
    if not all(isinstance(item, str) and known(item) for item in items):
        return None
    return [snake_case(item.strip()) for item in items]


# --- legacy protocols and weak ciphers switched on (APIM's `frontend_tls10_enabled`, `triple_des_ciphers_enabled`) --
# (and CBC-mode or plain-RSA key exchange suites: APIM's `tls_rsa_with_aes128_cbc_sha_ciphers_enabled`)
LEGACY = (r"\w*(?:tls_?v?1_?[01]|tls1[01]|ssl_?v?[23](?:0|_0)?|sslv[23]|ssl[23]0|triple_des|3des|des_cbc|rc4"
          r"|legacy_(?:tls|ssl|ciphers?|protocols?)|weak_ciphers?|cbc_sha\d*|rsa_with)(?:_\w+)?")
# Not a switch that turns them off (`disable_tls10`, `block_legacy_tls`): there true is the strong side.
control(TLS, r"(?!\w*(?:disable|disallow|block|deny|reject|prevent|forbid|no_))" + LEGACY, inverted,
        "a legacy TLS/SSL protocol or weak cipher is allowed", create=Severity.MEDIUM)

# --- plain-text protocols added to a server's list (`protocols` gains FTP beside SFTP/FTPS) ---------------
# Not HTTP: a web front accepts it to redirect to HTTPS (transport.py reads redirects).
PLAIN_PROTOCOLS = frozenset({"ftp", "telnet", "tftp", "ldap", "rsh", "rlogin", "pop3", "imap", "plaintext"})
SECURE_PROTOCOLS = frozenset({"ftps", "sftp", "https", "ssh", "tls", "wss", "ldaps", "scp", "pop3s", "imaps", "smtps",
                              "grpcs", "mqtts", "amqps"})


def secure_protocols(value: Any) -> float | None:
    """0 for a protocol list holding a plain-text protocol (FTP, HTTP, Telnet), 1 for one holding only encrypted
    ones it knows; None for lists of neither (AS2, SMB, NFS)."""
    items = _items(value)
    if not items:
        return None
    if any(item in PLAIN_PROTOCOLS for item in items):
        return 0
    return 1 if any(item in SECURE_PROTOCOLS for item in items) else None


control(TLS, r"\w*protocols|allowed_protocols|enabled_protocols", secure_protocols,
        "a plain-text protocol is now accepted", create=Severity.MEDIUM)

# --- dated security policies moved back (`TransferSecurityPolicy-2024-01` → `-2018-11`) ---------------
_DATE = lazy_compile(r"(?<![0-9])((?:19|20)\d\d)[-_.]?(0[1-9]|1[0-2])(?:[-_.]?\d\d)?[a-z]?\Z", re.IGNORECASE)


def policy_date(value: Any) -> float | None:
    """A security policy's date (`…Policy-2024-01` as 2024.01): newer policies drop the ciphers older ones allow."""
    if not isinstance(value, str) or not known(value) or not re.search(r"[A-Za-z]", value):
        return None
    match = _DATE.search(value.strip())
    return int(match.group(1)) + int(match.group(2)) / 100 if match else None


control(TLS, r"\w*(?:security|tls|ssl|cipher)_?polic(?:y|ies)(?:_name|_id)?|(?:ssl|tls)_policy\.(?:policy_)?name",
        policy_date,
        "the security policy moved to an older one (older ciphers and key exchanges allowed)")

# --- auth modes moved from identities to shared keys or none (`AMAZON_COGNITO_USER_POOLS` → `API_KEY`) ------
IDENTITY_WORDS = frozenset({"iam", "cognito", "oidc", "openid", "jwt", "oauth", "oauth2", "saml", "aad", "entra",
                            "azure_ad", "pools", "pool", "identity", "lambda", "custom", "certificate", "mtls", "sso",
                            "kerberos", "ldap", "managed", "workload", "federated", "sigv4", "aws_iam"})
KEY_WORDS = frozenset({"key", "api_key", "apikey", "keys", "basic", "password", "shared", "secret", "token", "static",
                       "sas", "access_key", "hmac", "psk", "simple", "sharedkey", "local"})
NO_AUTH = frozenset({"none", "anonymous", "anon", "unauthenticated", "noauth", "public", "open", "disabled", "off"})


def auth_kind(value: Any) -> float | None:
    """2 for an auth mode naming an identity (user pools, IAM, OIDC, JWT, SAML), 1 for a shared secret (API key,
    basic, password, token), 0 for none or anonymous; None for anything else. A list of allowed modes is as weak
    as its weakest."""
    items = _items(value)
    if not items:
        return None
    if len(items) > 1:
        kinds = [auth_kind(item) for item in items]
        return None if None in kinds else min(k for k in kinds if k is not None)
    words = set(_WORDS.split(items[0])) - {""}
    if not words:
        return None
    if words <= NO_AUTH | {"auth", "authentication", "type"}:
        return 0
    if words & IDENTITY_WORDS:
        return 2
    return 1 if words & KEY_WORDS else None


control(AUTH, r"\w*auth(?:entication|orization)?_?(?:type|mode|method|scheme|kind|strategy)"
        r"|\w*auth(?:entication)?_(?:modes|methods|types)", auth_kind,
        "the auth mode moved from an identity to a shared key or none")

# --- sign-in bindings and keys no longer asked for ------------------------------------------------------
# A cache's or broker's user group or ACL (RBAC users) removed: clients come in as the unrestricted default user.
control(AUTH, r"user_group_ids?|\w*user_groups?_(?:id|ids|name)|auth_token_(?:id|secret_arn)", present,
        "its user group or ACL is removed (clients use the unrestricted default user)")


def closed_acl(value: Any) -> float | None:
    """0 for MemoryDB's built-in `open-access` ACL (no authentication), 1 for any other named ACL."""
    if not isinstance(value, str) or not known(value):
        return None
    return 0 if value.strip().lower() == "open-access" else 1


control(AUTH, r"acl_name", closed_acl, "its ACL is open access (no authentication)")
# A key, subscription or token that each request had to carry (`subscription_required`, `api_key_required`).
control(AUTH, r"(?:subscription|api_key|apikey|key|token|credentials?|client_secret|auth|authentication|authorization)"
        r"_required|require_(?:subscription|api_key|apikey|key|token|credentials?|auth\w*)", flag,
        "requests no longer need a key, subscription or token")
# A switch that lets clients in without credentials (MSK's `client_authentication.unauthenticated`).
control(PUBLIC, r"unauthenticated|\w*unauthenticated_(?:access|enabled|allowed|clients?|users?|read|login)"
        r"|anonymous_(?:auth\w*|bind|read|login)", inverted,
        "clients may connect without credentials", create=Severity.MEDIUM)
# A default endpoint that bypasses the custom domain and its mTLS (`disable_execute_api_endpoint` true → false).
control(PUBLIC, r"disable_\w*(?:endpoint|endpoints|public_url|default_url)|\w*default_endpoint_disabled", flag,
        "the default endpoint is open again (bypassing the custom domain's checks)")
# Allow-lists where empty means everyone: the email domains users may come from.
control(AUTH, r"allowed_email_domains|\w*email_domains?_(?:allow_?list|whitelist|restrictions?)"
        r"|allowed_(?:sign_?up|login|user|member)_domains",
        present, "users from any email domain may join (the domain allow-list is emptied)")

# --- detection: log exports emptied (`enable_cloudwatch_logs_exports` ["audit"] → []) --------------------------
control(LOGGING, r"\w*logs?_exports|\w*log_types|enabled_logs?_types|\w*audit_log_exports|\w*log_categories", present,
        "its log exports are emptied (audit and connection logs stop)")

# --- data kept on removal (`retention_policy.home_efs_file_system` Retain → Delete) ------------------------------
# (safeguards.py reads keys named as such policies: `reclaim_policy`, `deletion_policy`.)
control(RECLAIM, r"\w*retention_polic(?:y|ies)\.\w+", ladder(tuple(KEEPS), tuple(DELETES)),
        "its data is now deleted with it instead of kept")

# --- shares with every account or any identity ---------------------------------------------------------------
EVERY_ACCOUNT = frozenset({"all", "*", "everyone", "public", "allusers", "any"})


def named_accounts(value: Any) -> float | None:
    """0 for a share to every account (`All`, `*`), 1 for named accounts or no share at all."""
    if value is None or value == [] or value == "":
        return 1
    items = _items(value)
    if items is None:
        return None
    return 0 if any(item in EVERY_ACCOUNT for item in items) else 1


control(PUBLIC, r"\w*account_ids?|shared_accounts|\w*shared_with_accounts", named_accounts,
        "shared with every account", create=Severity.HIGH)
ANY_IDENTITY = frozenset({"any", "all", "everyone", "anyone", "any_identity", "any_user_account", "all_users",
                          "allusers", "iam_allowed_principals"})


def named_identity(value: Any) -> float | None:
    """0 for an identity type or principal that means anyone (`ANY_IDENTITY`, `IAM_ALLOWED_PRINCIPALS`), 1 for a
    named one or none."""
    if value is None:
        return 1
    items = _items(value)
    if items is None:
        return None
    return 0 if any(item in ANY_IDENTITY or item.startswith("any_") for item in items) else 1


control(PUBLIC, r"\w*identity_type|\w*principal_type|principal|principals", named_identity,
        "granted to any identity", create=Severity.HIGH)

# --- NFS exports that trust a client's root (`no_root_squash`) ---------------------------------------


def root_squashed(value: Any) -> float | None:
    """0 when NFS export options or a squash mode say no root squashing, 1 when they squash root or all."""
    items = _items(value)
    if not items:
        return None
    words = {item.replace("-", "_") for item in items}
    if words & {"no_root_squash", "norootsquash", "no_squash", "nosquash", "no_all_squash"}:
        return 0
    return 1 if words & {"root_squash", "rootsquash", "all_squash", "allsquash"} else None


control(AUTH, ANY_SETTING, root_squashed, "NFS clients keep root rights on the share (no root squashing)",
        generic=True)

# --- apps that show their configuration (Airflow's `webserver-expose_config`) ------------------------------------
control(PUBLIC, r"expose_(?:config|configuration|secrets?|credentials?|stacktrace|env\w*)", inverted,
        "the web UI now shows its configuration (connection strings, secret keys)", create=Severity.MEDIUM)

# --- who may mount or connect, opened to everyone (NFS `clients` 10.20.0.0/16 → `*`) ------------------------------


def named_clients(value: Any) -> float | None:
    """0 when a client list admits everyone (`*`, `0.0.0.0/0`, `::/0`), 1 when it names addresses or hosts."""
    items = _items(value)
    if not items:
        return None
    return 0 if any(item.strip() in WORLD_WORDS for item in items) else 1


control(PUBLIC, r"clients|allowed_clients|nfs_clients|client_(?:cidrs?|ips?|addresses|ranges?|list)", named_clients,
        "any host may now mount or connect", create=Severity.MEDIUM)

# --- more switches of real schemas, by what they open -----------------------------------------------------------
# A firewall that stops blocking and only reports (`firewall_mode` Prevention → Detection), or fails open.
control(DETECTION, r"\w*firewall_mode|waf_mode|\w*waf\w*\.mode|\w*firewall_policy\w*\.mode",
        ladder(("prevention", "block", "blocking", "protect", "enforce"), ("detection", "detect", "count", "monitor",
                                                                          "log", "audit")),
        "the firewall only reports now (it no longer blocks)")
# A firewall rule switched to preview (Cloud Armor's `rule.preview`, any WAF's per-rule report-only switch): the
# rule only logs what it would have blocked.
def _previewing(value: Any) -> float | None:
    """inverted, for a rule that exists on both sides: a rule added in preview weakens nothing that was there."""
    return None if value is None else inverted(value)


control(DETECTION, r"(?:\w*rules?\.)?(?:preview|report_only|log_only)", _previewing,
        "the firewall rule only previews now (it logs what it would block, and blocks nothing)",
        types=r"security_policy|waf|armor|firewall|web_acl|ruleset|rule_group")
control(DETECTION, r"\w*fail_open\w*", inverted, "the firewall fails open (traffic passes unchecked when it fails)")
# A built-in admin account with a shared password switched on (a registry's `admin_enabled`).
control(AUTH, r"admin_(?:user_)?enabled|enable_admin_user", inverted,
        "a built-in admin account with a shared password is on")
# Connections from other accounts accepted without anyone approving them.
control(AUTH, r"acceptance_required", flag, "connections from other accounts are accepted without approval")
control(AUTH, r"auto_accept(?:_shared_\w+)?", inverted, "connections from other accounts are accepted automatically")
# A link anyone holding it may use to reach a machine or a share (`shareable_link_enabled`).
control(PUBLIC, r"\w*shareable_links?(?:_enabled)?", inverted, "anyone with a link may connect")
# Network filters and egress restrictions switched off; public addresses allowed where `no_public_ip` held.
control(PUBLIC, r"\w*(?:virtual_network|vnet|network|ip)_filter(?:_enabled)?|is_\w*network_filter_enabled", flag,
        "its network filter is off (any network may connect)")
control(PUBLIC, r"(?:no|disable)_public_ip(?:s|_address(?:es)?)?|\w*no_public_ip_enabled", flag,
        "public IP addresses are allowed again")
control(PUBLIC, r"internet_\w+_enabled", inverted, "reachable from the internet")
control(PUBLIC, r"network_access_policy", ladder(("denyall", "deny_all"), ("allowprivate", "allow_private"),
                                                  ("allowall", "allow_all")), "any network may reach it")
control(DETECTION, r"\w*exfiltration_protection\w*|outbound_network_\w*restrict\w*", flag,
        "data may leave to any destination (the outbound restriction is off)")
# A registry's content trust or quarantine (only signed or scanned images served) turned off, by whichever signer it
# names (`enable_content_trust_cosign`, a Notary flavour).
control(DETECTION, r"\w*(?:content_trust|trust_policy|quarantine_policy)(?:_(?:cosign|notary|notation|sigstore))?"
        r"(?:_enabled)?", flag,
        "unsigned or unscanned images may be pulled")
# A registry's or scanner's gate on vulnerable images (Harbor's `deployment_security`, any `fail_on_severity`):
# emptied, images of every vulnerability now run. Moving the threshold (high → critical) is tuning, not news.
control(DETECTION, r"deployment_security|\w*(?:block|fail|deny|prevent)_(?:on_)?severity(?:_threshold)?",
        ladder(("negligible", "low", "medium", "moderate", "high", "critical"), ("", "none", "off", "disabled")),
        "vulnerable images are no longer stopped (the severity gate is off)")


def enforced_tls(value: Any) -> float | None:
    """A TLS version setting that can also say enforcement is off (`TLSEnforcementDisabled`): 0 then."""
    if isinstance(value, str) and re.search(r"(?i)disabled|none|off", value):
        return 0
    return tls(value)


control(TLS, r"\w*tls_version_enforced|\w*minimal_tls_version\w*", enforced_tls, "minimum TLS version lowered or off")
