"""Value strengths (risk rules stage): how strong one attribute value is, as a number to compare before and after.

Each function reads a value of one kind (a flag, an on/off word, a mode on a ladder, a TLS version, a cipher list, a
count, an access word…) and returns its strength, higher being stricter, or None when the value is not of its kind
or is unknown until apply. controls.py compares the strengths of a change's before and after.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.rules.common import known, snake_case
from tfreview.pipeline.rules.domains import public
from tfreview.pipeline.rules.values import number, tls_version

ON = {"true", "on", "enabled", "enable", "yes", "active", "required", "enforced", "strict", "1"}
OFF = {"false", "off", "disabled", "disable", "no", "inactive", "suspended", "optional", "none", "0", "paused",
       "not_enforced", "unenforced"}
Strength = Callable[[Any], float | None]


def flag(value: Any) -> float | None:
    """1 for on-words and true, 0 for off-words, false and null; None for anything else."""
    if value is True:
        return 1
    if value is False or value is None:
        return 0
    text = str(value).strip().lower()
    if text in ON or text.endswith(("_enforce", "_enforced")):
        return 1
    return 0 if text in OFF else None


# Switch enums that also say open/close (`ssl_action` Open → Close): read only on keys that name what they switch.
OPEN = {"open", "opened"}
SHUT = {"close", "closed"}


def switch(value: Any) -> float | None:
    """1 for an on-word (enabled, true, open), 0 for an off-word (disabled, false, close); None otherwise."""
    if isinstance(value, str) and value.strip().lower() in OPEN | SHUT:
        return 1 if value.strip().lower() in OPEN else 0
    return None if value is None else flag(value)


def unswitch(value: Any) -> float | None:
    """switch turned around: a setting that opens a door is strong while it says off (or is not set)."""
    strength = switch(value) if value is not None else 0
    return None if strength is None else 1 - strength


def inverted(value: Any) -> float | None:
    """A flag whose true is the weak side (force_destroy, publicly_accessible)."""
    strength = flag(value)
    return None if strength is None else 1 - strength


# Receivers that deliver nowhere: Alertmanager's conventional "null" receiver, Opsgenie's notify type none.
NULL_SINKS = {"null", "none", "nil", "nobody", "noop", "no-op", "blackhole", "black-hole", "black_hole", "devnull",
              "/dev/null", "dev-null", "dev_null", "discard", "void", "nowhere"}


def delivering(value: Any) -> float | None:
    """0 for a receiver that delivers nowhere (`null`, `none`, `blackhole`), 1 for any other named receiver; empty
    and unknown values are not judged (an emptied recipient is recipients.py's)."""
    if not isinstance(value, str) or not known(value) or not value.strip():
        return None
    return 0 if value.strip().lower() in NULL_SINKS else 1


def present(value: Any) -> float | None:
    """1 while a value (a key id, a list of actions) is set, 0 once it is removed; flags are not read here."""
    if isinstance(value, bool):
        return None
    return 0 if value in (None, "", [], {}) else 1


_WORDS = lazy_compile(r"[^a-z]+")
OFF_TOKENS = {"off", "disabled", "disable", "none", "false", "no", "paused", "suspended", "inactive", "unencrypted",
              "plaintext"}


def off_word(value: Any) -> float | None:
    """0 for false or a value whose words say off (`essentially_off`, `DISABLED`, `NONE`), 1 for any other set
    value (`SSE-KMS`, `strict`, true); null is not judged."""
    if isinstance(value, bool):
        return 1 if value else 0
    if not isinstance(value, str) or not known(value) or not value.strip():
        return None
    return 0 if OFF_TOKENS & set(_WORDS.split(value.lower())) else 1


NO_AUTH_TEXT = {"none", "anonymous", "anon", "public", "unauthenticated", "noauth", "no_auth", "no-auth", "off",
                "disabled", "allow_unauthenticated", "allowanonymous"}
NO_AUTH_WORDS = {"none", "anonymous", "anon", "unauthenticated", "noauth"}


def authenticated(value: Any) -> float | None:
    """0 when an authentication mode says none/anonymous/public/off (`NONE`, `ANONYMOUS`, `authType: anonymous`),
    1 for any other set word (`oidc`, `function`, `AWS_IAM`, `all_deployments`); null is not judged."""
    if isinstance(value, bool) or not isinstance(value, str) or not known(value) or not value.strip():
        return None
    text = value.strip().lower()
    words = set(_WORDS.split(snake_case(value.strip())))
    return 0 if text in NO_AUTH_TEXT or words & NO_AUTH_WORDS else 1


REQUIRED_WORDS = {"always", "required", "require", "admin", "mandatory", "enforced", "enforce", "must"}
OPTIONAL_WORDS = {"optional", "never", "none", "anonymous", "off", "disabled"}


def requirement(value: Any) -> float | None:
    """1 when a requirement's words say always/required/admin (`LOGIN_ADMIN`, `SECURE_ALWAYS`), 0 when they say
    optional/never/none (`LOGIN_OPTIONAL`, `SECURE_NEVER`); None for anything else (`SECURE_DEFAULT`)."""
    if not isinstance(value, str) or not known(value):
        return None
    words = set(_WORDS.split(snake_case(value.strip())))
    if words & OPTIONAL_WORDS:
        return 0
    return 1 if words & REQUIRED_WORDS else None


OPEN_ACCESS_WORDS = {"public", "anonymous", "anyone", "everyone", "unauthenticated", "unrestricted", "allusers",
                     "world", "open"}


def access_word(value: Any) -> float | None:
    """0 when a one-word access mode says anyone may come in (`public`, `anonymous`, `allUsers`), 1 for any other
    one word (`sso`, `private`, `password`). Text longer than a word (a JSON policy) is not read here, nor a switch
    word (`enabled`: on for whoever may see its container, which the word does not say)."""
    if not isinstance(value, str) or not known(value) or not re.fullmatch(r"[\w.:-]{1,40}", value.strip()) \
            or value.strip().lower() in ON | OFF:
        return None
    words = set(_WORDS.split(snake_case(value.strip())))
    return 0 if words & OPEN_ACCESS_WORDS else 1


def on_word(value: Any) -> float | None:
    """off_word turned around: a public-access setting is strong while it says off."""
    strength = off_word(value)
    return None if strength is None else 1 - strength


def absent(value: Any) -> float | None:
    """1 while nothing is set, 0 once something is (an external IP block, a public IP id attached)."""
    if isinstance(value, bool):
        return None
    return 1 if value in (None, "", [], {}) else 0 if known(value) else None


EXPOSED_WORDS = {"public", "internet", "external", "regional", "edge", "global", "everyone", "anonymous", "open",
                 "all"}
CLOSED_WORDS = {"private", "vpc", "internal", "local", "none", "disabled", "off", "closed"}


def exposure_word(value: Any) -> float | None:
    """0 when the words of a value (or any item of a list) say public/internet/external, 1 when they say
    private/vpc/internal, None otherwise; camelCase words count apart (`PublicInternetOnly`, `VpcOnly`)."""
    items = value if isinstance(value, list) else [value]
    words = [set(_WORDS.split(snake_case(v))) for v in items if isinstance(v, str) and known(v)]
    if any(w & EXPOSED_WORDS for w in words):
        return 0
    return 1 if words and all(w & CLOSED_WORDS for w in words) else None


def ladder(*tiers: tuple[str, ...]) -> Strength:
    """Strength by tier, strongest first; values outside the ladder are not understood."""
    rank = {word: len(tiers) - i for i, tier in enumerate(tiers) for word in tier}

    def strength(value: Any) -> float | None:
        return rank.get(str(value).strip().lower()) if isinstance(value, str) else None
    return strength


_PROTOCOL_LIST = lazy_compile(r"[\s,;:]+")


def tls(value: Any) -> float | None:
    """The minimum TLS version a setting allows: a list of allowed protocols, also written as one string
    ("TLSv1 TLSv1.1 TLSv1.2", nginx's ssl_protocols), is as weak as its weakest member."""
    if isinstance(value, str) and len(_PROTOCOL_LIST.split(value.strip())) > 1:
        # `TLS 1.2` is one version: a bare protocol word before a number names no version of its own
        value = [v for v in _PROTOCOL_LIST.split(value.strip()) if v and v.lower() not in ("tls", "ssl")]
    if isinstance(value, list):
        versions = [v for v in (tls_version(item) for item in value) if v is not None]
        return min(versions) if versions else None
    return tls_version(value)


# (and a named set whose word says weak: a load balancer's `cipher_suite` recommended → legacy, Mozilla's `old`)
WEAK_CIPHERS = {"all", "default", "low", "export", "null", "enull", "anull", "rc4", "des", "3des", "md5", "exp",
                "legacy", "insecure", "weak", "old"}


# Words of an IANA suite name (`TLS_RSA_WITH_3DES_EDE_CBC_SHA`) that make it weak: broken ciphers, no cipher,
# export strength, no authentication.
WEAK_SUITE_WORDS = {"rc4", "des", "3des", "null", "export", "export40", "export1024", "anon", "md5", "rc2", "idea"}
_SUITE_WORDS = lazy_compile(r"[_-]+")


def ciphers(value: Any) -> float | None:
    """1 for an OpenSSL cipher string or a list of suites that names only specific strong suites, 0 when it lets
    weak ones in ("ALL", "DEFAULT", "RC4", "LOW", "EXPORT", "NULL", or an IANA name such as
    `TLS_RSA_WITH_3DES_EDE_CBC_SHA`); exclusions ("!aNULL") weaken nothing."""
    if isinstance(value, list):
        value = " ".join(item for item in value if isinstance(item, str))
    if not isinstance(value, str) or not value.strip():
        return None
    tokens = {t.lower().lstrip("+") for t in _PROTOCOL_LIST.split(value) if t and not t.startswith(("!", "-"))}
    words = {w for t in tokens for w in _SUITE_WORDS.split(t)}
    return 0 if tokens & WEAK_CIPHERS or words & WEAK_SUITE_WORDS else 1


def https_word(value: Any) -> float | None:
    """1 while a redirect goes to HTTPS, 0 once it goes elsewhere or is removed."""
    return 1 if isinstance(value, str) and value.lower() == "https" else 0 if known(value) or value is None else None


SECURE_SCHEMES = {"https", "wss", "grpcs", "tls", "ssl", "amqps", "mqtts", "ldaps", "ftps", "rediss", "kafka+ssl",
                  "syslog+tls", "tcp+tls"}
PLAIN_SCHEMES = {"http", "ws", "grpc", "amqp", "mqtt", "ldap", "ftp", "redis", "telnet", "syslog", "tcp", "udp"}
_SCHEME = lazy_compile(r"^\s*([a-z][a-z0-9+.-]*)://(?:[^/@\s]*@)?(\[[^\]]*\]|[^/:?#\s]+)", re.IGNORECASE)


def url_scheme(value: Any) -> float | None:
    """1 for a URL with an encrypted scheme (https, wss, ldaps), 0 for its plain twin (http, ws, ldap); None for
    anything else (not a URL, an unknown scheme, unknown until apply) and for a host the internet cannot reach (an
    internal name, a private address): plain traffic inside one's network is egress.py's call."""
    match = _SCHEME.match(value) if isinstance(value, str) and known(value) else None
    if match is None or not _reachable(match[2].strip("[]")):
        return None
    scheme = match[1].lower()
    return 1 if scheme in SECURE_SCHEMES else 0 if scheme in PLAIN_SCHEMES else None


def _reachable(host: str) -> bool:
    """Whether HOST is a global address or a name under a public suffix."""
    try:
        return ipaddress.ip_address(host).is_global
    except ValueError:
        return public(host)


def everyone(value: Any) -> float | None:
    """0 when a share or launch permission names everyone (`all`, `*`), 1 otherwise."""
    if not isinstance(value, (str, list)):
        return None
    items = value if isinstance(value, list) else [value]
    return 0 if any(str(v).lower() in ("all", "*", "everyone", "public", "allusers") for v in items) else 1


def allow_all(value: Any) -> float | None:
    """0 when an authorizer list or mode allows every request (`AlwaysAllow`, `allow_all`), 1 for any other."""
    if not isinstance(value, (str, list)) or not value:
        return None
    items = value if isinstance(value, list) else [value]
    return 0 if any(re.sub(r"[^a-z]", "", str(v).lower()) in ("alwaysallow", "allowall") for v in items) else 1


def count(value: Any) -> float | None:
    """A number (replicas, retention days)."""
    return number(value)


def capacity(value: Any) -> float | None:
    """A limit where a negative number means unlimited (Lambda reserved concurrency -1)."""
    amount = number(value)
    return float("inf") if amount is not None and amount < 0 else amount


def public_word(value: Any) -> float | None:
    """0 for ACLs and access types that let anyone read, 1 for any other known word."""
    if not isinstance(value, str) or not known(value):
        return None
    text = value.lower().replace("_", "-")
    return 0 if "public" in text or text in ("container", "blob", "authenticated-read", "authenticatedread",
                                             "allusers", "allauthenticatedusers") else 1


# Words that say a schedule never runs.
NEVER = {"never", "none", "off", "disabled", "disable", "false", "manual", "0", "no"}


def schedule(value: Any) -> float | None:
    """1 while a rotation schedule is set (`P90D`, `365d`, 90), 0 once it says never/none/0 or is removed."""
    if isinstance(value, bool) or (value is not None and not known(value)):
        return None
    if value in (None, "", 0):
        return 0
    return 0 if str(value).strip().lower() in NEVER else 1
