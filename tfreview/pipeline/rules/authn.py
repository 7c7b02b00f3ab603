"""Risk rules, authentication: whether an endpoint's own values show it still authenticates every caller (an auth
mode that is not none, an access-control block on with anonymous access off), or checks its callers' signatures (a
webhook receiver holding its signing secret) — endpoints.py grades public-access findings with it; a token issuer
moved to a domain the plan does not show as the organisation's; and a policy every token holds (Vault's `default`)
newly reading secrets."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from typing import Any

import orjson
from publicsuffixlist import PublicSuffixList

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action
from tfreview.pipeline.findings import Finding, ReviewInput, Severity, finding, managed, rule
from tfreview.pipeline.rules.capabilities import policies
from tfreview.pipeline.rules.common import as_list, mentions, show, sides
from tfreview.pipeline.rules.strengths import authenticated, off_word
from tfreview.pipeline.rules.values import document, leaves, plain

# The same attribute names vocabulary.py reads as authentication modes (`auth_mode`, `authorization.type`).
AUTH_MODE = lazy_compile(r"(?:^|\.)(?:\w*auth(?:entication|orization)?_?(?:type|mode|method|scheme)|authentication"
                         r"|authorization|\w*auth\w*\.\w*(?:type|mode|method|scheme))$")
# An access-control block switched on (`advanced_security_options.enabled`, `authentication.enabled`).
ACCESS_CONTROL = lazy_compile(r"(?:^|\.)\w*(?:security|auth|authentication|access_control|fine_grained)\w*\.enabled$")
# Flags that let callers in without credentials, or let anyone write: while one is on, nothing above counts.
OPEN_DOOR = lazy_compile(r"(?:^|\.)\w*(?:anonymous|unauthenticated)\w*$|(?:^|\.)public(?:ly)?_(?:write|upload)\w*$")
# The name of a secret a receiver verifies callers' signatures with (STRIPE_WEBHOOK_SECRET, signing_key).
SIGNING = lazy_compile(r"(?:webhook|signing|signature|hmac)[_-]?(?:secret|key)", re.IGNORECASE)


METHOD_KEYS = lazy_compile(r"(?:^|\.)(?:allow(?:ed)?_methods|methods|http_method)$")
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def leaves_and_documents(values: Any) -> Iterator[tuple[str, Any]]:
    """(plain path, value) of every leaf, and of the leaves inside settings held as JSON text (`config`)."""
    for path, value in leaves(values):
        inner = document(value) if isinstance(value, str) else None
        if inner is None:
            yield plain(path), value
        else:
            yield from ((plain(p), v) for p, v in leaves(inner, path))


def methods(values: dict[str, Any]) -> set[str]:
    """The HTTP methods an endpoint declares (`allow_methods`, `methods`, `http_method`), upper-cased."""
    return {str(v).strip().upper() for path, value in leaves_and_documents(values) if METHOD_KEYS.search(path.lower())
            for v in (value if isinstance(value, list) else [value]) if isinstance(v, str)}


def without_auth(values: dict[str, Any]) -> tuple[str, Any] | None:
    """The (path, value) of an authentication mode that says none/anonymous, at any depth or in JSON text."""
    if not mentions(values, (b"auth",)):  # every AUTH_MODE path names auth: a C-speed first check
        return None
    for path, value in leaves_and_documents(values):
        if AUTH_MODE.search(path.lower()) and isinstance(value, str) and authenticated(value) == 0:
            return path, value
    return None


def still_authenticates(values: dict[str, Any]) -> str | None:
    """Why an endpoint with these values still authenticates every caller, or None."""
    reason = None
    for path, value in leaves(values):
        where = plain(path).lower()
        if OPEN_DOOR.search(where) and value is True:
            return None
        if AUTH_MODE.search(where) and isinstance(value, str):
            strength = authenticated(value)
            if strength == 0:
                return None
            if strength == 1 and reason is None:
                reason = f"it still authenticates every caller ({where} = {show(value)})"
        elif ACCESS_CONTROL.search(where) and value is True and reason is None:
            reason = f"it still authenticates every caller ({where} is on, anonymous access off)"
    return reason


def signed(values: dict[str, Any]) -> str | None:
    """Why a receiver checks its callers' signatures (its configuration names the signing secret), or None."""
    for path, value in leaves(values):
        for text in (path.rsplit(".", 1)[-1], value if isinstance(value, str) else ""):
            match = SIGNING.search(text)
            if match:
                return f"which checks callers' signatures with {text[:60]}"
    return None


# A switch or scheme of a receiver's signature check (`verify_signatures`, `signature_scheme`, `hmac.enabled`).
VERIFY_SWITCH = lazy_compile(r"(?:^|\.)\w*(?:verif|signature|signing|hmac)\w*(?:\.enabled)?$")
# An origin that accepts only the edge's authenticated pulls (`authenticated_origin_pull`, `origin_mtls`).
ORIGIN_AUTH = lazy_compile(r"(?:^|\.)(?!\w*(?:disable|skip|insecure|optional))"
                           r"(?:\w*(?:authenticated|auth|mtls|mutual_tls)\w*origin\w*|\w*origin\w*(?:auth|mtls|mutual_tls)\w*)$")


def verifies(values: dict[str, Any]) -> str | None:
    """Why a public receiver checks every caller's signature (a signing secret set, no check or scheme off), or None."""
    holds = None
    for path, value in leaves(values):
        where = plain(path).lower()
        if VERIFY_SWITCH.search(where) and (isinstance(value, (bool, str)) and off_word(value) == 0):
            return None
        if holds is None and SIGNING.search(where.rsplit(".", 1)[-1]) and value not in (None, "", [], {}):
            holds = f"it verifies every caller's signature with its {where}"
    return holds


def pulls_authenticated(values: dict[str, Any]) -> str | None:
    """Why an origin accepts only its edge's authenticated pulls (an origin-auth switch on), or None."""
    for path, value in leaves(values):
        where = plain(path).lower()
        if ORIGIN_AUTH.search(where) and value is True:
            return f"its origin accepts only authenticated pulls ({where})"
    return None


# --- token issuers ---------------------------------------------------------------------------------------------
ISSUER = "issuer-foreign"
ISSUER_KEY = lazy_compile(r"(?:^|\.)(?:\w*_)?issuers?(?:_url|_uri)?$")
_HOST = lazy_compile(r"https?://([a-z0-9.-]+)", re.IGNORECASE)
# A SAML metadata document held in an attribute, and the identity provider it names.
METADATA_KEY = lazy_compile(r"(?:^|\.|_)metadata(?:_document|_xml|_file)?$")
ENTITY_ID = lazy_compile(r"entityID\s*=\s*[\"']https?://([a-z0-9.-]+)", re.IGNORECASE)
_BARE_HOST = lazy_compile(r"\b((?:[a-z0-9-]+\.)+[a-z]{2,})\b", re.IGNORECASE)


@cache
def _suffixes() -> PublicSuffixList:
    return PublicSuffixList()


def _domain(host: str) -> str:
    """The registrable domain of HOST (`dev-x8k2.us.auth0.com` → `auth0.com`)."""
    host = host.lower().rstrip(".")
    return _suffixes().privatesuffix(host) or host


def _same_tenant(old: str, new: str) -> bool:
    """Whether two issuer hosts are one tenant of one domain (`acme.eu.auth0.com` → `acme.us.auth0.com`)."""
    return _domain(old) == _domain(new) and old.split(".", 1)[0] == new.split(".", 1)[0]


def _issuers(values: dict[str, Any]) -> dict[str, str]:
    """Issuer attribute path → the host of the issuer URL it holds; a SAML metadata document's IdP entityID too
    (`saml_metadata_document`: the identity provider every console role trusts)."""
    found = {}
    for path, value in leaves(values):
        for item in value if isinstance(value, list) else [value]:
            match = _HOST.match(item.strip()) if isinstance(item, str) else None
            if ISSUER_KEY.search(plain(path)) and match:
                found[plain(path)] = match.group(1).lower()
            elif isinstance(item, str) and METADATA_KEY.search(plain(path)) \
                    and (entity := ENTITY_ID.search(item)) is not None:
                found[f"{plain(path)}.entityID"] = entity.group(1).lower()
    return found


@rule(ISSUER, Severity.HIGH, "A token issuer (JWT/OIDC authorizer, a SAML provider's IdP entityID) moves to a domain "
      "the plan does not show as the organisation's: tokens or assertions minted there are now accepted.")
def _foreign_issuer(ri: ReviewInput) -> Iterator[Finding]:
    moved = []
    for change in managed(ri.changeset, Action.UPDATE, Action.REPLACE):
        before, after = sides(change)
        if not mentions(after, (b"issuer", b"entityid")):
            continue
        old, new = _issuers(before), _issuers(after)
        moved += [(change, path, host) for path, host in new.items()
                  if old.get(path, host) != host and not _same_tenant(old[path], host)]
    if not moved:
        return
    for change, path, host in moved:
        mine = {*_issuers(sides(change)[0]).values(), host}
        ours = {_domain(h) for c in ri.changeset.changes for side in sides(c)
                for h in _BARE_HOST.findall(orjson.dumps(side).decode()) if h.lower() not in mine}
        if _domain(host) not in ours:
            yield finding(ISSUER, change.address, f"{change.address}: {path} now trusts tokens from {host}, a domain "
                          "nothing else in this plan shows as the organisation's; confirm the issuer is yours")


# --- policies every token holds ----------------------------------------------------------------------------------
BASELINE = "everyone-policy"
# Policies attached to every token or identity by the system itself (Vault's built-in `default`).
EVERYONE_POLICIES = frozenset({"default", "anonymous", "everyone", "public", "all-users", "all_users"})
# Paths every token needs for itself (its own lookup, renewal, cubbyhole, templated identity).
OWN_PATHS = lazy_compile(r"^/?(?:auth/token/\w+-self|sys/(?:capabilities-self|internal/ui/\w+|leases/(?:renew|lookup)"
                         r"|renew|tools/hash|wrapping/\w+|control-group/request)|cubbyhole/|identity/.*\{\{)")
USING = frozenset({"read", "list", "create", "update", "patch", "delete", "sudo", "root", "write", "*"})


# The token every request without one is served as (Consul's anonymous token, by its fixed accessor id).
ANONYMOUS_TOKENS = frozenset({"00000000-0000-0000-0000-000000000002", "anonymous"})
TOKEN_KEYS = ("token_id", "accessor_id", "token_accessor", "token")
POLICY_KEYS = ("policy", "policies", "policy_name", "policy_names")


@rule(BASELINE, Severity.HIGH, "A policy that every token or identity holds (Vault's `default`) newly grants access to "
      "secrets or data, or a policy is attached to the anonymous token (Consul's): everyone who can sign in, or "
      "anyone who can reach the server, gets it.")
def _baseline_widened(ri: ReviewInput) -> Iterator[Finding]:
    for change in managed(ri.changeset, Action.CREATE, Action.UPDATE, Action.REPLACE):
        before, after = sides(change)
        if added := _anonymous_policies(before, after):
            texts = [_consul_rules(ri, name) for name in added]
            if all(text is not None and _discovery_only(text) for text in texts):
                continue  # service and node reads only: the DNS interface Consul's docs give the anonymous token
            yield finding(BASELINE, change.address, f"{change.address}: attaches "
                          f"{', '.join(f'policy {show(name)}' for name in added[:3])} to the anonymous token: every "
                          "request without a token now holds it")
        if str(after.get("name", "")).strip().lower() not in EVERYONE_POLICIES:
            continue
        old = {(path, caps) for _, rules in policies(before) for path, caps in rules}
        for where, rules in policies(after):
            for path, caps in rules:
                if (path, caps) not in old and caps & USING and "deny" not in caps and not OWN_PATHS.search(path):
                    yield finding(BASELINE, change.address, f"{change.address}: {where} grants path \"{path[:120]}\" "
                                  f"[{', '.join(sorted(caps)[:6])}] in the {after['name']} policy, which every "
                                  "token holds: everyone who can sign in gets it")


def _anonymous_policies(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """The policies newly held by the anonymous token: an attachment to it, or its own policy list grown."""
    if not any(str(after.get(key, "")).strip().lower() in ANONYMOUS_TOKENS for key in TOKEN_KEYS):
        return []
    return sorted(_policy_names(after) - _policy_names(before))


# A Consul ACL rule: `key_prefix "" { policy = "read" }`, or a one-line `operator = "read"`.
CONSUL_RULE = lazy_compile(r'(\w+)\s+"[^"]*"\s*\{\s*policy\s*=\s*"(\w+)"|^\s*(\w+)\s*=\s*"(\w+)"', re.MULTILINE)
DISCOVERY = frozenset({"service", "service_prefix", "node", "node_prefix", "query", "query_prefix"})


def _consul_rules(ri: ReviewInput, name: str) -> str | None:
    """The rules text of the Consul ACL policy NAME this plan shows, or None."""
    return next((rules for c in ri.changeset.changes if c.type == "consul_acl_policy"
                 and sides(c)[1].get("name") == name and isinstance(rules := sides(c)[1].get("rules"), str)), None)


def _discovery_only(rules: str) -> bool:
    """Whether every rule only reads services, nodes or prepared queries (what DNS lookups need)."""
    found = [(m[1] or m[3], (m[2] or m[4]).lower()) for m in CONSUL_RULE.finditer(rules)]
    return bool(found) and all(kind in DISCOVERY and access in ("read", "deny") for kind, access in found)


def _policy_names(values: dict[str, Any]) -> set[str]:
    return {str(item) for key in POLICY_KEYS for item in as_list(values.get(key)) if item not in (None, "")}
