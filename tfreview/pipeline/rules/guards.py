"""Risk rules, guards read across a resource (risk rules stage): sign-in lifetimes made much longer, security logs
excluded from a log index or sink or sampled down to a tenth or less, secret-bearing variables losing their
masking, endpoints created without auth, managed protection rule sets removed from a WAF or firewall.

Each reads more than one attribute (a unit, a query and its drop rate, a variable's name and its flags), so they
are hooks rather than vocabulary lines.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import ALTERING, Finding, Severity, finding, on_change
from tfreview.pipeline.rules.authn import READ_METHODS, methods, without_auth
from tfreview.pipeline.rules.common import known, show, sides, string_leaves, switched_objects
from tfreview.pipeline.rules.protection import PROTECTION
from tfreview.pipeline.rules.retention import LOGGING
from tfreview.pipeline.rules.values import number, pairs, plain
from tfreview.pipeline.rules.vocabulary import AUTH, DETECTION, PUBLIC, WATCHERS

# --- sign-in and session lifetimes ---------------------------------------------------------------------
LIFETIME = lazy_compile(r"(?:re_?auth\w*|\w*session\w*|\w*inactivity\w*|\w*token_(?:lifetime|validity|ttl)\w*"
                        r"|\w*_lifetime\w*|max_ttl|\w*session_max_age|\w*lease_ttl|token_max_ttl"
                        # how long credentials minted for a device or workload stay valid (an IoT role alias)
                        r"|\w*credentials?_(?:duration|validity|ttl)\w*)")
NOT_LIFETIME = lazy_compile(r"count|size|units?$|limit$|_enabled$")
# How long content or an answer is cached (a CDN's cache behaviour `max_ttl`, a DNS record's ttl): no session.
CACHING = lazy_compile(r"cache|cdn|cloudfront|dns|(?:^|_)records?(?:_|$)")
_ISO = lazy_compile(r"p(?:(\d+)w)?(?:(\d+)d)?(?:t(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?)?")
_GO = lazy_compile(r"(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?")
_UNITS = {"seconds": 1, "secs": 1, "sec": 1, "minutes": 60, "mins": 60, "hours": 3600, "hrs": 3600,
          "days": 86400, "weeks": 604800}
DAY = 86400


def seconds(value: Any, name: str) -> tuple[float | None, bool]:
    """A duration in seconds and whether its unit is known: ISO-8601 (`PT2H`), `12h30m`, or a number whose unit
    the attribute name gives (`_minutes`); a bare number is returned as is, unit unknown."""
    if isinstance(value, str) and (text := value.strip().lower()):
        for pattern, scale in ((_ISO, (604800, DAY, 3600, 60, 1)), (_GO, (DAY, 3600, 60, 1))):
            match = pattern.fullmatch(text)
            if match and any(match.groups()):
                return float(sum(int(g or 0) * s for g, s in zip(match.groups(), scale, strict=True))), True
    amount = number(value)
    if amount is None or isinstance(value, bool):
        return None, False
    unit = next((s for word, s in _UNITS.items() if name.endswith(word)), None)
    return (amount * unit, True) if unit else (amount, False)


@on_change(actions=(Action.UPDATE, Action.REPLACE), words=(b"reauth", b"re_auth", b"session", b"inactivity", b"token_",
                                                        b"_lifetime", b"max_ttl", b"lease_ttl", b"credential"))
def _lifetimes(change: Change) -> Iterator[Finding]:
    caching = CACHING.search(change.type) is not None
    for path, before, after in pairs(change):
        name = plain(path).rpartition(".")[2]
        if not LIFETIME.fullmatch(name) or NOT_LIFETIME.search(name) or caching or CACHING.search(plain(path)):
            continue
        (old, unit), (new, _) = seconds(before, name), seconds(after, name)
        if old is None or new is None or old <= 0:
            continue
        if (unit and new >= 4 * old and new >= DAY) or (not unit and new >= 24 * old):
            yield finding(AUTH, change.address, f"{change.address}: {path} {show(before)} → {show(after)} "
                          "(sign-in or session lifetime made much longer: stolen sessions stay valid)")


# --- security logs excluded ---------------------------------------------------------------------------
LOG_TYPES = lazy_compile(r"(?:^|_)(?:log|logs|logging|sink|index|pipeline|exclusion|exclusions|router|filter|archive)"
                         r"(?:_|$)|^(?:datadog|newrelic|sumologic|splunk|logzio|grafana|elasticstack)_")
EXCLUDING = lazy_compile(r"exclu|drop|discard|suppress|ignore|filter_out|deny")
SECURITY_SOURCE = lazy_compile(r"cloudtrail|audit|security|guardduty|vpc[ ._-]?flow|flow[ ._-]?logs?|okta"
                               r"|system[ ._-]?log|waf|sign[ ._-]?in|login|authenticat|\biam\b|defender|sentinel"
                               r"|firewall|access[ ._-]?log|kms|sshd|threat|intrusion"
                               # a code host's own stream is its org audit log (pushes, protections, tokens, keys)
                               r"|\bsource\s*:\s*\"?(?:github|gitlab|bitbucket|azure[ ._-]?devops)\b"
                               # an authorizer's decisions (Kafka's kafka.authorizer.logger): who was let in where
                               r"|authori[sz]er|authz"
                               # Google Cloud's audit entries (a protoPayload, an AuditLog) of a whole service
                               r"|\bprotoPayload\.serviceName\b", re.IGNORECASE)
# A filter that names the audit methods it drops (reads of one bucket) keeps the service's other audit entries.
AUDIT_METHODS = lazy_compile(r"\bprotoPayload\.methodName\b", re.IGNORECASE)
RATE = lazy_compile(r"sample|rate|percent")
MOSTLY = 0.9  # sampling out nine security records in ten or more leaves no usable trail


def _texts(node: Any) -> Iterator[str]:
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for value in node.values():
            yield from _texts(value)
    elif isinstance(node, list):
        for item in node:
            yield from _texts(item)


def _drop_share(node: dict[str, Any]) -> float:
    """The share of matching logs a rule drops: its (or its parts') largest sample rate, 1 when it names none."""
    rates = [r for _, part, _ in switched_objects(node) for k, v in part.items()
             if RATE.search(str(k)) and (r := number(v)) is not None]
    if not rates:
        return 1.0
    rate = max(rates)
    return rate / 100 if rate > 1 else rate


@on_change(actions=ALTERING, type_pattern=LOG_TYPES)
def _security_logs_excluded(change: Change) -> Iterator[Finding]:
    if not LOG_TYPES.search(change.type):
        return
    before, after = sides(change)
    old = {repr(n) for _, n, _ in switched_objects(before)}
    excluding_type = bool(EXCLUDING.search(change.type))
    for path, node, off in switched_objects(after):
        if off or not (excluding_type or EXCLUDING.search(path)) or repr(node) in old:
            continue
        source = next((m.group(0) for t in _texts(node) if known(t) and (m := SECURITY_SOURCE.search(t))
                       and not (m.group(0).lower().startswith("protopayload") and AUDIT_METHODS.search(t))), None)
        share = _drop_share(node)
        if source is None or share <= 0:
            continue
        where = f" ({path})" if path else ""
        yield finding(LOGGING, change.address,
                      f"{change.address}: a new exclusion{where} drops {share:.0%} of logs matching "
                      f"{source!r} (security or audit logs no longer kept)",
                      None if share >= MOSTLY else Severity.MEDIUM)
        return


# A sink's or pipeline's share of records it keeps (`sample_rate`, `sampling_percentage`); an exclusion's rate is
# the share it drops, read above.
KEPT_SHARE = lazy_compile(r"(?:^|_)(?:sample|sampling)_?(?:rate|ratio|percent|percentage)$")


@on_change(actions=(Action.UPDATE,), type_pattern=LOG_TYPES)
def _security_logs_sampled(change: Change) -> Iterator[Finding]:
    """A sink, pipeline or archive whose type or names say audit or security, which kept half its records or more
    and now keeps a tenth or fewer: most of the trail is never written, whatever its mode is called."""
    before, after = sides(change)
    names = " ".join([change.type, change.name, *(str(after.get(k)) for k in ("name", "display_name", "title"))])
    if EXCLUDING.search(change.type) or not (source := SECURITY_SOURCE.search(names)):
        return
    for key, value in after.items():
        old, new = _share(before.get(key)), _share(value)
        if KEPT_SHARE.search(key.lower()) and old is not None and new is not None and old >= 0.5 \
                and new <= 1 - MOSTLY:
            yield finding(LOGGING, change.address, f"{change.address}: {key} {show(before.get(key))} → {show(value)} "
                          f"keeps {new:.0%} of the {source.group(0)} records it kept {old:.0%} of (the rest are "
                          "never written)")
            return


def _share(value: Any) -> float | None:
    """A rate as a share of one (a percentage above 1 divided by 100); None for anything else."""
    rate = number(value) if not isinstance(value, bool) else None
    return None if rate is None or rate < 0 else rate / 100 if rate > 1 else rate


# --- secret-bearing variables --------------------------------------------------------------------------
SECRET_HOLDERS = lazy_compile(r"variable|secret|(?:^|_)env|parameter|credential|config_var|setting")
SECRET_NAME = lazy_compile(r"password|passwd|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|credential"
                           r"|signing[_-]?key|client[_-]?key", re.IGNORECASE)
GUARD_FLAGS = ("masked", "protected", "sensitive", "hidden", "encrypted", "is_secret", "secure", "is_sensitive")
NAME_KEYS = ("key", "name", "variable_name", "variable", "env_key")


@on_change(actions=(Action.UPDATE, Action.REPLACE), type_pattern=SECRET_HOLDERS)
def _secret_unguarded(change: Change) -> Iterator[Finding]:
    if not SECRET_HOLDERS.search(change.type):
        return
    before, after = sides(change)
    name = next((str(after[k]) for k in NAME_KEYS if isinstance(after.get(k), str)), "")
    if not SECRET_NAME.search(name):
        return
    dropped = [f for f in GUARD_FLAGS if before.get(f) is True and after.get(f) is False]
    dropped += [f"{k} → {plain}" for k, plain in _unsealed(before, after)]
    if dropped:
        yield finding(PROTECTION, change.address,
                      f"{change.address}: {', '.join(dropped)} turned off on {name!r}, which holds a secret "
                      "(its value can now show in logs or to more people)")


SEALED_FIELD = lazy_compile(r"^(?:secret|sensitive|secure|encrypted|masked)_(\w+)$")


def _unsealed(before: dict[str, object], after: dict[str, object]) -> Iterator[tuple[str, str]]:
    """(sealed key, plain key) where values held in a secret field (`secret_values`) move to its plain twin
    (`values`): the variable is no longer stored as a secret."""
    for key, held in before.items():
        match = SEALED_FIELD.match(key)
        if match and held and not after.get(key) and after.get(match[1]) and not before.get(match[1]):
            yield key, match[1]


# --- endpoints created without authentication ------------------------------------------------------------
ENDPOINTS = lazy_compile(r"function_url|api_gateway_method$|apigatewayv2_route$|(?:^|_)(?:route|method|endpoint"
                         r"|gateway|api|function|url|webhook|listener)(?:_|$)")
AUTH_KEYS = ("authorization_type", "authorization", "auth_type", "authentication_type", "auth_mode")
NO_AUTH = {"none", "anonymous", "public", "unauthenticated", "allow_unauthenticated", "noauth", "no_auth"}


@on_change(actions=(Action.CREATE,), words=(b"auth",))  # every AUTH_KEYS key and without_auth() path holds it
def _created_without_auth(change: Change) -> Iterator[Finding]:
    _, after = sides(change)
    key = next((k for k in AUTH_KEYS if isinstance(after.get(k), str)), None)
    if key is not None and str(after[key]).strip().lower() in NO_AUTH:
        value = after[key]
    elif key is None and (nested := without_auth(after)) is not None:
        key, value = nested  # an auth mode inside a block or a JSON setting (`config.authType = anonymous`)
    else:
        return
    method = str(after.get("http_method") or after.get("route_key") or "").upper()
    if method.startswith("OPTIONS") or any(after.get(k) for k in ("authorizer_id", "authorizer", "authorizer_arn")):
        return  # CORS preflight, or an authorizer does the checking
    # An endpoint type, or anything that takes writes (POST, DELETE…) without auth, serves data or control.
    serves = bool(ENDPOINTS.search(change.type)) or bool(methods(after) - READ_METHODS)
    yield finding(PUBLIC, change.address,
                  f"{change.address} is created with {key} = {show(value)} (anyone who can reach it can "
                  "call it)", Severity.HIGH if serves else Severity.MEDIUM)


# --- managed protection rule sets removed --------------------------------------------------------------
# Rule sets a provider maintains (OWASP core rules, bot or DDoS protection) attached to a protective engine; one
# removed lets through every attack it caught. Added sets and edited custom rules are not news.
WATCHERS_TYPES = lazy_compile(WATCHERS)
RULE_SET_KEYS = lazy_compile(r"\w*managed_rule\w*|\w*rule_?sets?|\w*rule_groups?|\w*managed_protections?")
_VERSION = lazy_compile(r"[\d.]+")


def _rule_set_names(value: Any) -> set[str]:
    """Each rule set by name without its version (`owasp_crs_3.2` and `owasp_crs_4.0` are one set)."""
    names: set[str] = set()
    for item in value if isinstance(value, list) else []:
        if isinstance(item, dict):
            item = next((item[k] for k in ("name", "type", "rule_set_type", "rule_set_name", "id") if item.get(k)),
                        None)
        if isinstance(item, str) and known(item):
            names.add(_VERSION.sub("", item.strip().lower()))
    return names


# A rule of a rules list that runs a whole rule group rather than one match (AWS WAFv2's managed or referenced rule
# group statement, whose entry alone carries `override_action`; any provider's managed rule set reference).
RULES_KEY = lazy_compile(r"rules?")
GROUP_REFERENCE = lazy_compile(r"(?:^|_)(?:managed_rule_(?:group|set)|rule_group_reference|ruleset_reference)"
                               r"(?:_statement)?$|^override_action$")


def _references_group(item: Any) -> bool:
    """Whether ITEM (a rule) runs a rule group: a key naming a group reference, at any depth, holds a value."""
    if isinstance(item, dict):
        return any((GROUP_REFERENCE.search(str(k)) and v not in (None, [], {}, "")) or _references_group(v)
                   for k, v in item.items())
    return isinstance(item, list) and any(_references_group(v) for v in item)


def _group_identity(item: Any, under_reference: bool = False) -> str | None:
    """The rule group a rule runs, by the name or ARN its group reference gives (at any depth), else None."""
    if isinstance(item, list):
        return next((found for v in item if (found := _group_identity(v, under_reference))), None)
    if not isinstance(item, dict):
        return None
    if under_reference:
        named = next((item[k] for k in ("name", "arn", "id", "ruleset_id") if known(item.get(k))), None)
        if isinstance(named, str):
            return named.strip()
    return next((found for k, v in item.items() if k != "override_action"
                 and (found := _group_identity(v, bool(GROUP_REFERENCE.search(str(k)))))), None)


# A rule that runs a provider's whole rule set by its action (Cloudflare's `execute` of a managed ruleset, by the id
# in its action parameters) or by its match expression (Cloud Armor's preconfigured WAF rules, `sqli-v33-stable`).
PRECONFIGURED = lazy_compile(r"evaluatePreconfigured(?:Expr|Waf)\(\s*['\"]([\w.-]+)")


def _executed(item: dict[str, Any]) -> set[str]:
    """The rule sets a rule runs by its action or its match expression."""
    found = {m.group(1) for text in string_leaves(item) for m in PRECONFIGURED.finditer(text)}
    if str(item.get("action", "")).lower() == "execute":
        parameters = item.get("action_parameters")
        inner = parameters[0] if isinstance(parameters, list) and parameters else parameters
        named = inner.get("id") if isinstance(inner, dict) else None
        found.add(named if isinstance(named, str) and known(named) else str(item.get("ref") or item.get("id")
                                                                          or item.get("description") or "execute"))
    return found


def _group_rules(value: Any) -> set[str]:
    """The rule groups the rules of a rules list run."""
    found: set[str] = set()
    for item in value if isinstance(value, list) else []:
        if isinstance(item, dict):
            found |= _executed(item)
        if isinstance(item, dict) and _references_group(item):
            name = _group_identity(item) or (str(item["name"]).strip() if known(item.get("name")) else None)
            if name:
                found.add(name)
    return found


@on_change(actions=(Action.UPDATE, Action.REPLACE), type_pattern=WATCHERS_TYPES)
def _rule_sets_removed(change: Change) -> Iterator[Finding]:
    if not WATCHERS_TYPES.search(change.type):
        return
    before, after = sides(change)
    for key in before.keys() & after.keys():
        if RULES_KEY.fullmatch(key) and isinstance(after[key], list) \
                and (gone := sorted(_group_rules(before[key]) - _group_rules(after[key]))):
            yield finding(DETECTION, change.address, f"{change.address}: {key} loses {', '.join(gone)} (rules that "
                          "ran a whole managed or shared rule group: the attacks they caught get through)")
        if RULE_SET_KEYS.fullmatch(key) and before[key] != after[key] and isinstance(after[key], list):
            gone = sorted(_rule_set_names(before[key]) - _rule_set_names(after[key]))
            if gone:
                yield finding(DETECTION, change.address, f"{change.address}: {key} loses {', '.join(gone)} (managed "
                              "protection rule sets removed: the attacks they caught get through)")
