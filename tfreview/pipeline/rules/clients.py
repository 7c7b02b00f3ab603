"""Risk rules, identity: OAuth/OIDC and SAML clients of any identity provider loosened — a redirect to a host the
plan does not show as the organisation's (a look-alike `acme.com.evil.io` ends in evil.io) or to any host,
implicit grant or a public client turned on, PKCE made optional, sign-in opened to other tenants, unsigned SAML
assertions accepted, non-TLS redirects allowed, or just-in-time provisioning that creates admins or accepts
personal mail domains. Judged by what attributes mean, never by provider."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import Finding, ReviewInput, Severity, finding, managed, rule
from tfreview.pipeline.rules.common import mentions, snake_case
from tfreview.pipeline.rules.domains import public, registrable, special_use
from tfreview.pipeline.rules.mailboxes import PERSONAL_MAIL
from tfreview.pipeline.rules.owned import Own

RULE = "client-loosened"
PRECHECK = (b"redirect", b"callback", b"reply_url", b"implicit", b"pkce", b"signed", b"audience", b"grant",
            b"access_type", b"public", b"non_tls", b"autocreate", b"jit", b"provision", b"tenant")
# Keys whose values are where an authorization code or token is sent back to.
RETURN_WORDS = frozenset({"redirect", "redirects", "callback", "callbacks", "reply", "origins"})
# Values that make a check or a setting weak: turned off, optional, or the weakest method.
WEAK = frozenset({"false", "", "optional", "plain", "none", "disabled", "off", "not_required"})
# Words of a type, or of a key, that say the object is a sign-in client or an identity provider's settings.
CLIENT_WORDS = frozenset({"app", "apps", "application", "client", "oauth", "oauth2", "oidc", "openid", "saml", "sso",
                          "idp", "identity", "auth", "auth0", "integration", "connection", "realm", "pool"})
CLIENT_KEYS = frozenset({"saml", "oauth", "oauth2", "oidc", "openid", "pkce", "sso", "client", "grant", "grants",
                         "scopes"})
ADMIN_ROLES = frozenset({"adm", "admin", "admins", "administrator", "owner", "owners", "super_admin", "superadmin",
                         "root"})
URL = lazy_compile(r"^([a-z][a-z0-9+.-]*)://(?:[^@/?#\s]*@)?([^:/?#\s]*)", re.IGNORECASE)
HOSTS = lazy_compile(r"(?:://|@)((?:[a-z0-9*-]+\.)+[a-z][a-z0-9-]*)", re.IGNORECASE)
BARE_HOST = lazy_compile(r"^(?:[a-z0-9-]+\.)+[a-z]{2,}$", re.IGNORECASE)
NAMING_WORDS = frozenset({"domain", "domains", "hostname", "hostnames", "fqdn"})
_WORD = lazy_compile(r"[a-z0-9]+")
Leaf = tuple[tuple[str, ...], Any]


def _words(key: str) -> set[str]:
    return set(_WORD.findall(snake_case(key)))


def _leaves(value: Any, path: tuple[str, ...] = ()) -> Iterator[Leaf]:
    """(keys, scalar) for every scalar leaf; list items share their list's path."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _leaves(item, (*path, str(key)))
    elif isinstance(value, list):
        for item in value:
            yield from _leaves(item, path)
    elif value is not None:
        yield path, value


def _by_path(value: Any) -> dict[tuple[str, ...], set[str]]:
    found: dict[tuple[str, ...], set[str]] = {}
    for path, leaf in _leaves(value):
        found.setdefault(path, set()).add(str(leaf).lower() if isinstance(leaf, bool) else str(leaf))
    return found


def _is_return(path: tuple[str, ...]) -> bool:
    words = _words(path[-1]) if path else set()
    return bool(words & RETURN_WORDS) and "logout" not in words


def _own(ri: ReviewInput) -> Own:
    """What the plan shows as its own, from every value except return addresses new in this plan."""
    own = Own()
    for change in ri.changeset.changes:
        before = _by_path(change.before)
        for side, fresh in ((change.before, False), (change.after, True)):
            for path, leaf in _leaves(side):
                text = str(leaf)
                if fresh and _is_return(path) and text not in before.get(path, set()):
                    continue
                own.domains |= {registrable(h) for h in HOSTS.findall(text) if "*" not in h}
                if path and _words(path[-1]) & NAMING_WORDS and BARE_HOST.match(text):
                    own.domains.add(registrable(text))  # a domain or host name the plan configures
    return own


def _redirect(text: str, own: Own, created: bool) -> tuple[str, Severity] | None:
    """Why one new return address is loose, and how bad."""
    if text.strip() in ("*", "+", "/*"):
        return f'"{text.strip()}" (any host)', Severity.HIGH
    url = URL.match(text.strip())
    if url is None:
        return None
    scheme, host = url.group(1).lower(), url.group(2).lower()
    if "*" in host:
        return f'"{text[:80]}" (a wildcard host)', Severity.HIGH
    address = _address(host)
    if address is not None:  # a bare address: no domain says whose it is
        return (f'"{text[:80]}" (a bare public IP address, {scheme})', Severity.HIGH) if address.is_global \
            and scheme in ("http", "https") else None
    if not host or "." not in host or special_use(host) or not public(host) or scheme not in ("http", "https"):
        return None  # localhost, an internal name, or an app's own scheme (com.acme.app://)
    if scheme == "http":
        return f'"{text[:80]}" (plain http to a public host)', Severity.HIGH
    domain = registrable(host)
    if domain in own.domains:
        return None
    return (f'"{text[:80]}" ({domain}, a domain the plan does not show as its own)',
            Severity.MEDIUM if created else Severity.HIGH)


def _address(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


def _flag(path: tuple[str, ...], old: set[str], new: set[str]) -> str | None:
    """Why one setting's change loosens the client, or None."""
    words = set().union(*(_words(k) for k in path))
    leaf = _words(path[-1])
    name = ".".join(path)
    if "implicit" in words and "true" in new and "true" not in old:
        return f"implicit grant turned on ({name})"
    if leaf & {"grant", "grants", "flow", "flows"} and any(v.lower() == "implicit" for v in new - old):
        return f"implicit grant added ({name})"
    if "pkce" in words and old and not {v.lower() for v in old} <= WEAK and {v.lower() for v in new} <= WEAK:
        return f"PKCE made optional ({name} {sorted(old)[0]!r} -> {sorted(new)[0] if new else 'unset'!r})"
    lowered_old, lowered_new = {v.lower() for v in old}, {v.lower() for v in new}
    client_kind = leaf & {"type", "kind"} and words & {"client", "access", "app", "application"}
    if client_kind and lowered_new == {"public"} and lowered_old - {"public"}:
        return f"a public client, one with no secret ({name})"
    if "public" in leaf and "client" in words and "true" in new and "false" in old:
        return f"a public client, one with no secret ({name})"
    if "audience" in leaf or "tenant" in leaf:
        was, now = " ".join(old).lower(), " ".join(new).lower()
        if ("myorg" in was or "single" in was) and any(w in now for w in ("multiple", "personal", "any")):
            return f"sign-in opened to other tenants ({name} {' '.join(sorted(new))[:60]!r})"
    if leaf & {"signed", "signing", "signature"} and "false" in new and "true" in old:
        return f"unsigned SAML messages accepted ({name})"
    if leaf & {"tls", "http"} and "allow" in leaf and "true" in new and "true" not in old:
        return f"redirects without TLS allowed ({name})"
    if words & {"autocreate", "jit", "provisioning"} or ("auto" in words and "create" in words):
        if leaf & {"role", "roles", "access"} and {v.lower() for v in new - old} & ADMIN_ROLES:
            return f"just-in-time sign-in creates admins ({name} {sorted(new - old)[0]!r})"
        personal = {v.lower() for v in new - old} & PERSONAL_MAIL
        if personal:
            return f"just-in-time sign-in accepts anyone at {sorted(personal)[0]} ({name})"
    return None


def _sign_in(change: Change, paths: Iterable[tuple[str, ...]]) -> bool:
    """Whether the object is a sign-in client or its settings: its type or its keys say app, client, OAuth, SAML…"""
    return bool(_words(change.type) & CLIENT_WORDS) or any(_words(k) & CLIENT_KEYS for p in paths for k in p)


def loosened(change: Change, own: Callable[[], Own]) -> list[tuple[str, Severity]]:
    """Why CHANGE loosens an OAuth/OIDC or SAML client, and how bad."""
    before, after = _by_path(change.before), _by_path(change.after)
    if not _sign_in(change, after):
        return []
    created = change.action is Action.CREATE or not before
    found: list[tuple[str, Severity]] = []
    for path, values in after.items():
        old = before.get(path, set())
        if _is_return(path):
            fresh = sorted(values - old)
            if "origins" in _words(path[-1]):  # a CORS origin: only "any origin" is a client's concern here
                fresh = [v for v in fresh if "*" in v]
            found += [j for v in fresh for j in [_redirect(v, own(), created)] if j is not None]
        elif not created and path:
            why = _flag(path, old, values)
            if why is not None:
                found.append((why, Severity.HIGH))
    return found


@rule(RULE, Severity.HIGH,
      "An OAuth/OIDC or SAML client is loosened: a redirect to a host the plan does not show as its own or to any "
      "host, implicit grant or a public client turned on, PKCE made optional, sign-in opened to other tenants, "
      "unsigned assertions accepted, non-TLS redirects allowed, or just-in-time sign-in that creates admins.")
def _clients(ri: ReviewInput) -> Iterator[Finding]:
    changes = [c for c in managed(ri.changeset, Action.CREATE, Action.UPDATE, Action.REPLACE)
               if c.after and mentions(c.after, PRECHECK)]
    if not changes:
        return
    known: list[Own] = []

    def own() -> Own:  # the plan-wide walk runs only when a new return address needs placing
        if not known:
            known.append(_own(ri))
        return known[0]

    for change in changes:
        judged = loosened(change, own)
        if judged:
            severity = Severity.HIGH if any(s is Severity.HIGH for _, s in judged) else Severity.MEDIUM
            reasons = "; ".join(dict.fromkeys(why for why, _ in judged))
            yield finding(RULE, change.address, f"{change.address}: {reasons[:400]} — who may sign in, or where "
                          "their tokens go, widens; confirm each host and setting is intended", severity)
