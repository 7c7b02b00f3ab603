"""Risk rules, databases (risk rules stage): database roles and grants read for what they grant on any provider,
cache users without a password, identity-only sign-in switched off, secrets in unmasked CI variables, and a
database port published to the internet through a proxy or edge application."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.credentials import SHAPES
from tfreview.pipeline.findings import Finding, Severity, finding, on_change
from tfreview.pipeline.rules.common import as_list, show, sides, string_leaves
from tfreview.pipeline.rules.controls import control
from tfreview.pipeline.rules.grants import PRIVILEGED
from tfreview.pipeline.rules.guards import NAME_KEYS, SECRET_HOLDERS
from tfreview.pipeline.rules.network import DATABASE
from tfreview.pipeline.rules.ports import ADMIN_PORTS
from tfreview.pipeline.rules.strengths import flag, inverted
from tfreview.pipeline.rules.vocabulary import AUTH

CHANGING = (Action.CREATE, Action.UPDATE, Action.REPLACE)

# --- identity-only sign-in and local keys (inverted controls, any provider) ----------------------------------
# `azuread_authentication_only`, `iam_auth_only`, `entra_only`: true means only directory identities sign in.
control(AUTH, r"\w*(?:auth|authentication|aad|azuread|entra|iam|identity)\w*_only", flag,
        "identity-only sign-in switched off: local logins and passwords work again")
# `local_authentication_disabled`, `shared_key_auth_disabled`, `disable_local_auth`: true means keys do not work.
control(AUTH, r"(?:\w+_)?(?:local|key|keys|shared_key|access_key|sas|password|basic)_?auth\w*_disabled"
        r"|disable_\w*(?:local|key|keys|password|basic)_auth\w*", flag,
        "local or key sign-in switched back on: account keys and passwords work again")
# `password_auth_enabled` (beside directory sign-in), `sql_authentication_enabled`: true lets passwords in.
control(AUTH, r"(?:password|sql)_auth(?:entication)?_enabled", inverted,
        "password sign-in switched on beside identity sign-in")

# --- database role attributes (PostgreSQL, Redshift, CockroachDB… roles and users of any provider) ----------
ROLE_TYPES = r"(?:^|_)(?:role|user|login)s?(?:_|$)"
control(PRIVILEGED, r"(?:is_)?super_?user|create_?role|bypass_row_level_security|bypass_?rls", inverted,
        "a database role gains superuser-like powers: every table, every role, row security bypassed",
        types=ROLE_TYPES, create=Severity.HIGH)

# --- grants to everyone ------------------------------------------------------------------------------------
GRANT_TYPES = lazy_compile(r"grant|privilege|permission")
GRANTEE_KEYS = ("role", "roles", "grantee", "grantees", "user", "users", "principal", "to", "member", "members",
                "account_role_name", "role_name")
EVERYONE = {"public", "everyone", "all_users", "allusers"}
READ_PRIVILEGES = {"select", "usage", "connect", "references", "read", "execute", "monitor", "temporary", "temp"}
# Privileges that read the rows themselves: to every login, the data is everyone's (USAGE, CONNECT only open a door).
DATA_READS = {"select", "read"}


def _privileges(values: dict[str, Any]) -> set[str]:
    """The privileges a grant names, upper-cased words (`ALL PRIVILEGES` reads as `ALL`)."""
    found = [values.get(k) for k in ("privileges", "privilege", "permissions", "permission", "actions")]
    named = {str(p).strip().upper().removesuffix(" PRIVILEGES") for v in found for p in as_list(v) if p}
    return named | ({"ALL"} if values.get("all_privileges") is True else set())


def _to_everyone(values: dict[str, Any]) -> bool:
    """Whether a grant's grantee is everyone (PostgreSQL's PUBLIC and the like)."""
    return any(str(v).strip().lower() in EVERYONE for k in GRANTEE_KEYS for v in as_list(values.get(k)))


@on_change(actions=CHANGING, type_pattern=GRANT_TYPES)
def _granted_to_everyone(change: Change) -> Iterator[Finding]:
    if not GRANT_TYPES.search(change.type):
        return
    before, after = sides(change)
    if not _to_everyone(after):
        return
    new = _privileges(after) - (_privileges(before) if _to_everyone(before) else set())
    if not new:
        return
    writes = sorted(p for p in new if p.lower() not in READ_PRIVILEGES)
    reads = sorted(p for p in new if p.lower() in DATA_READS)
    yield finding("iam-public-member", change.address,
                  f"{change.address}: grants {', '.join(sorted(new))} to everyone (role PUBLIC: every database "
                  "login gets it" + (", and reads the rows" if reads else "") + ")",
                  Severity.HIGH if writes or reads or "ALL" in new else Severity.MEDIUM)


# --- cache and database users without a password -------------------------------------------------------------
NO_PASSWORD = lazy_compile(r"no[-_ ]?pass(?:word)?(?:[-_ ]required)?\b|\bnopass\b", re.IGNORECASE)
ALL_ACCESS = lazy_compile(r"\+@all\b|\ballcommands\b|(?:^|\s)~\*(?:\s|$)|\ballkeys\b", re.IGNORECASE)


def _passwordless(values: dict[str, Any]) -> bool:
    """Whether a user signs in without a password (`no_password_required`, `nopass` in an ACL string, an
    authentication mode of type no-password)."""
    if values.get("no_password_required") is True or values.get("password_required") is False:
        return True
    access = values.get("access_string") or values.get("acl") or ""
    modes = [m.get("type") for m in as_list(values.get("authentication_mode")) if isinstance(m, dict)]
    return any(isinstance(v, str) and NO_PASSWORD.search(v) for v in [access, *modes])


@on_change(actions=CHANGING)
def _passwordless_user(change: Change) -> Iterator[Finding]:
    if not re.search(r"(?:^|_)users?(?:_|$)", change.type):
        return
    before, after = sides(change)
    if not _passwordless(after) or (_passwordless(before) and before.get("access_string") == after.get(
            "access_string")):
        return
    access = str(after.get("access_string") or after.get("acl") or "")
    wide = bool(ALL_ACCESS.search(access))
    yield finding(AUTH, change.address, f"{change.address}: user {show(after.get('user_name') or after.get('name'))}"
                  f" needs no password{' with access ' + show(access) if access else ''} (anyone who reaches the "
                  "endpoint signs in as it)", Severity.HIGH if wide else Severity.MEDIUM)


# --- secrets in CI variables created or left unmasked ---------------------------------------------------------
LOG_GUARDS = ("masked", "hidden", "sensitive", "is_secret", "secure", "is_sensitive")
# A name that says the variable IS a secret: its last word is the secret (`DB_PASSWORD`, `DATABASE_URL`), not a
# property of one (`password_min_length`, `api_token_ttl`); a `PAT` is a personal access token.
SECRET_TAIL = lazy_compile(r"(?:password|passwd|secret|token|(?:^|[_-])pat|api[_-]?key|access[_-]?key|private[_-]?key"
                           r"|credentials?|signing[_-]?key|client[_-]?key|(?:database|db|conn|connection|redis|mongo|mongodb"
                           r"|postgres|postgresql|mysql|amqp|broker)[_-]?(?:url|uri|string|dsn)|(?:^|[_-])dsn)$",
                           re.IGNORECASE)
URL_WITH_PASSWORD = lazy_compile(r"[a-z][a-z0-9+.-]*://[^/\s:@]+:[^/\s@]+@", re.IGNORECASE)


# Shapes that find a credential by its own format (a `glpat-` or `ghp_` token, a private key), not by what surrounds
# it; an AWS access key id alone is an identifier, not its secret.
TOKEN_FORMATS = tuple(shape.pattern for shape in SHAPES if shape.kind not in {"aws-access-key", "url-password",
                                                                              "auth-header"})


def credential_shaped(value: str) -> bool:
    """Whether a variable's value is a credential by its shape: a password in a URL, or a known token format."""
    return bool(URL_WITH_PASSWORD.search(value)) or any(pattern.search(value) for pattern in TOKEN_FORMATS)


def _secret_unmasked(values: dict[str, Any]) -> str:
    """The variable's name when it holds a secret and a log-masking flag is off; "" otherwise."""
    off = [g for g in LOG_GUARDS if values.get(g) is False]
    if not off:
        return ""
    name = next((str(values[k]) for k in NAME_KEYS if isinstance(values.get(k), str)), "")
    value = values.get("value")
    # Providers mark every variable's value sensitive (a region too), so the name decides, or a value read in clear
    # (behind its mark, risk._behind_marks) that has a credential's shape (a `glpat-` token, a URL with a password).
    secret = SECRET_TAIL.search(name) or (isinstance(value, str) and credential_shaped(value))
    return name or "a variable" if secret and value not in (None, "") else ""


@on_change(actions=CHANGING, type_pattern=SECRET_HOLDERS)
def _unmasked_secret(change: Change) -> Iterator[Finding]:
    if not SECRET_HOLDERS.search(change.type):
        return
    before, after = sides(change)
    name = _secret_unmasked(after)
    if name and not _secret_unmasked(before):
        yield finding("secrets-shared", change.address,
                      f"{change.address}: {name!r} holds a secret (a password, token or connection "
                      "string by its name or value) and is not masked: it prints in job logs")


# --- database ports published through an edge proxy, tunnel or load balancer ---------------------------------
DATABASE_PORTS = {p for p, name in ADMIN_PORTS.items() if name in {
    "MySQL", "PostgreSQL", "SQL Server", "Oracle", "MongoDB", "Redis", "Elasticsearch", "memcached"}}
PORT_TEXT = lazy_compile(r"(?:tcp|udp)?/?(\d{2,5})(?:-(\d{2,5}))?$", re.IGNORECASE)
PUBLISHED_KEYS = ("protocol", "edge_port", "public_port", "external_port", "listen_port", "frontend_port")
FILTER_OFF = lazy_compile(r"\w*(?:ip_firewall|firewall|allowlist|ip_restriction|access_control)\w*")


def _published_port(values: dict[str, Any]) -> int | None:
    """A database port a resource publishes (`protocol = "tcp/5432"`, `edge_port = 6379`)."""
    for key in PUBLISHED_KEYS:
        match = PORT_TEXT.match(str(values.get(key) or "").strip())
        if match and int(match.group(1)) in DATABASE_PORTS:
            return int(match.group(1))
    return None


@on_change(actions=CHANGING, words=(b'"dns"',))  # the names it publishes are needed
def _database_port_published(change: Change) -> Iterator[Finding]:
    before, after = sides(change)
    port = _published_port(after)
    names = [v for item in as_list(after.get("dns")) if isinstance(item, dict) for v in string_leaves(item)]
    if port is None or not names or _published_port(before) == port:
        return
    unfiltered = [k for k, v in after.items() if FILTER_OFF.fullmatch(k) and v is False]
    if unfiltered:
        yield finding(DATABASE, change.address,
                      f"{change.address}: publishes {ADMIN_PORTS[port]} (port {port}) to the internet with "
                      f"{unfiltered[0]} = false (anyone can reach the database's sign-in)")
