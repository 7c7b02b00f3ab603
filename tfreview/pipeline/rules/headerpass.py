"""Risk rules, protection skipped by what the client writes: a request header (a User-Agent, an `X-Debug-Bypass`,
a cookie) is something every caller sets to any value, so a check that lets it through on that alone lets
everyone through who learns the word — any provider, block or document form.

* An allow (or skip, bypass) rule of a web firewall or edge ruleset whose only match is on headers or cookies — no
  address set, country, label or signed token beside it — lets every request carrying them past every rule after
  it (a "health checker" User-Agent allow-listed at priority 0): detection-disabled, high.
* An edge program's denial (`error 403`, `return 403`, `deny`) whose condition newly tests a request header the
  client sends (`… && !req.http.X-Debug-Bypass`): the access check it made is skipped by anyone who sends it —
  auth-weakened, high. Headers the edge itself sets (`Fastly-SSL`, `CF-…`, `CloudFront-…`) are not the client's.

* An edge program's denial removed from every snippet and program of the service (the 403 that kept embargoed
  paths unreachable until their release): what it refused is served — auth-weakened, high.

An allow that also names an address set (monitoring probes) or a path alone, and a denial whose condition only
gains paths, find nothing; neither does a rule already there before, or a denial moved to another snippet."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.decoding import embedded, snake_keys
from tfreview.pipeline.findings import Finding, Severity, finding, on_change
from tfreview.pipeline.rules.common import string_leaves
from tfreview.pipeline.rules.vocabulary.terms import AUTH, DETECTION

PASS_ACTIONS = frozenset({"allow", "skip", "bypass", "pass", "accept"})
CLIENT_FIELDS = lazy_compile(r"^(?:single_header|headers|header|cookies?|user_agent|http_user_agent|request_headers?)$")
# Anything else a match can rest on that the caller cannot simply write: where it comes from, a label, a token.
ANCHORS = lazy_compile(r"ip_set|ipset|ip_address|source_ip|remote_ip|client_ip|geo|country|label|asn|jwt|token"
                       r"|signature|rate_based|ip_src|ip\.src")
# A packet's header (a network firewall's 5-tuple) names addresses and protocols, not what an HTTP client writes.
PACKET_FIELDS = frozenset({"source", "destination", "source_port", "destination_port", "protocol", "direction"})
MAX_DEPTH = 16
# A VCL or nginx condition whose block refuses the request.
DENIAL = lazy_compile(r"\bif\s*\(((?:[^(){}]|\([^(){}]*\))*)\)\s*\{[^{}]*?\b(?:error\s+40[13]|return\s*\(?\s*40[13]"
                      r"|deny\b|return\s*\(\s*synth\s*\(\s*40[13])", re.IGNORECASE)
# A conjunct that escapes the denial when the header is present (`&& !req.http.X-Debug-Bypass`, `$http_x_skip = ""`).
CLIENT_HEADER = lazy_compile(r"&&\s*!\s*req\.http\.([\w-]+)(?!\s*[~=!])|\$http_(\w+)\s*=\s*['\"]{2}", re.IGNORECASE)
# A header named for a credential is checked by whoever receives it (a denial for a missing Authorization is sign-in).
CREDENTIAL_HEADER = lazy_compile(r"auth|token|key|sig|jwt|session|cookie|credential|password", re.IGNORECASE)
EDGE_SET = lazy_compile(r"^(?:fastly|cf|cloudfront|x-amz|akamai)[-_]", re.IGNORECASE)


# An allow rule is a block or object with an `action` key (a document's `Action` reads as one): its pass words alone
# (`allow`, `pass`) open the gate on most resources (`allowed_*`, `password`), which hold no rule at all.
# An edge program's early return of the request untouched when a header the client sends is present (JavaScript:
# `if (request.headers['x-preview']) { return request; }`): every check after it is skipped by whoever sends it.
EARLY_PASS = lazy_compile(r"\bif\s*\(([^{};]*?\bheaders\s*(?:\[\s*['\"]([\w-]+)['\"]\s*\]|\.get\(\s*['\"]([\w-]+)"
                          r"['\"]\s*\))[^{};]*)\)\s*\{?\s*(?://[^\n]*\s*)*return\s+(?:event\.)?(?:request|req)\s*;?",
                          re.IGNORECASE)


def _early_passes(values: Any) -> set[str]:
    """The client headers whose mere presence returns the request past an edge program's checks."""
    return {(match[2] or match[3]).lower() for text in string_leaves(values) if "return" in text
            for match in EARLY_PASS.finditer(text)
            if not CREDENTIAL_HEADER.search(match[2] or match[3]) and not EDGE_SET.match(match[2] or match[3])}


@on_change(words=(b"action", b"req.http", b"$http_", b"headers"))
def _client_pass(change: Change) -> Iterator[Finding]:
    """Rules and denials that a client-written header newly gets past."""
    old = _passes(change.before)
    for name in sorted(_passes(change.after) - old):
        yield finding(DETECTION, change.address, f"{change.address}: its rule {name} lets through every request "
                      "that carries a header or cookie the client writes, ahead of the rules after it (anyone "
                      "who sends it skips the protection)", Severity.HIGH)
        return
    denials, was = _skipping_headers(change.before)
    new = sorted(_skipping_headers(change.after)[1] - was)
    if new and denials:
        yield finding(AUTH, change.address, f"{change.address}: a denial in its edge program is skipped when the "
                      f"request carries the header {new[0]!r}, which any client can send", Severity.HIGH)
        return
    early = sorted(_early_passes(change.after) - _early_passes(change.before))
    if early:
        yield finding(AUTH, change.address, f"{change.address}: its edge program now returns the request untouched "
                      f"when it carries the header {early[0]!r}, which any client can send: every check after that "
                      "is skipped", Severity.HIGH)


def _passes(values: Any) -> set[str]:
    """Names of the allow rules in VALUES (blocks or JSON documents) that match only on client-written fields."""
    found: set[str] = set()
    if not isinstance(values, (dict, list)):
        return found
    stack: list[tuple[Any, int]] = [(values, 0)]
    while stack:
        item, depth = stack.pop()
        if depth > MAX_DEPTH:
            continue
        if isinstance(item, str):
            document = embedded(item) if item.lstrip()[:1] in ("[", "{") else None
            if document is not None:
                stack.append((snake_keys(document, MAX_DEPTH * 2), depth + 1))
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item)
        elif isinstance(item, dict):
            if _passing(item) and _client_only(item):
                found.add(str(item.get("name") or item.get("priority") or "?"))
            stack.extend((v, depth + 1) for v in item.values())
    return found


def _passing(rule: dict[str, Any]) -> bool:
    action = rule.get("action")
    if isinstance(action, list) and len(action) == 1:
        action = action[0]
    if isinstance(action, dict):
        chosen = [str(k).lower() for k, v in action.items() if v not in (None, [], False, "")]
        return len(chosen) == 1 and chosen[0] in PASS_ACTIONS
    return isinstance(action, str) and action.strip().lower() in PASS_ACTIONS


def _client_only(rule: dict[str, Any]) -> bool:
    """Whether the rule's match rests on headers or cookies alone (no anchor the caller cannot write)."""
    match = {k: v for k, v in rule.items() if k not in ("action", "name", "priority", "visibility_config")}
    keys = set(_keys(match, 0))
    texts = " ".join(string_leaves(match)).lower()
    client = any(CLIENT_FIELDS.match(k) for k in keys) or bool(re.search(r"http\.user_agent|http\.request\.headers"
                                                                          r"|http\.cookie", texts))
    if client and _shared_secret(match):
        return False  # a secret only the edge sends (CloudFront's origin-verify header) is a credential, not a word
    return client and not any(ANCHORS.search(k) for k in keys) and not ANCHORS.search(texts) \
        and not keys & PACKET_FIELDS \
        and not any(k in ("uri_path", "path", "url", "host") for k in keys)


# A header value that is a secret rather than a word anyone can learn: masked, or a long random-looking token.
SECRET_VALUE = lazy_compile(r"^\(sensitive\)$|^(?=[^\s]*\d)(?=[^\s]*[A-Za-z])[^\s]{20,}$")


def _shared_secret(match: dict[str, Any]) -> bool:
    """Whether the header match compares against a secret (a credential-named header, or a masked or random value)."""
    names = " ".join(str(v) for k, v in _pairs(match, 0) if k == "name")
    values = [str(v) for k, v in _pairs(match, 0) if k in ("search_string", "search_string_base64", "value", "values")]
    return bool(CREDENTIAL_HEADER.search(names) or re.search(r"verify|secret|origin", names, re.IGNORECASE)
                or any(SECRET_VALUE.match(v.strip()) for v in values))


def _pairs(value: Any, depth: int) -> Iterator[tuple[str, Any]]:
    if depth > MAX_DEPTH:
        return
    if isinstance(value, dict):
        for k, v in value.items():
            if isinstance(v, (dict, list)):
                yield from _pairs(v, depth + 1)
            else:
                yield str(k), v
    elif isinstance(value, list):
        for v in value:
            yield from _pairs(v, depth + 1)


def _keys(value: Any, depth: int) -> Iterator[str]:
    if depth > MAX_DEPTH:
        return
    if isinstance(value, dict):
        for k, v in value.items():
            yield str(k)
            yield from _keys(v, depth + 1)
    elif isinstance(value, list):
        for v in value:
            yield from _keys(v, depth + 1)


def _skipping_headers(values: Any) -> tuple[int, set[str]]:
    """How many denials the edge program texts of VALUES hold, and the client-sent headers whose presence escapes
    one (an existing denial newly escaped is the risk; a new denial for a missing header is a new check)."""
    found: set[str] = set()
    count = 0
    if not isinstance(values, (dict, list)):
        return count, found
    for text in string_leaves(values):
        if "{" not in text or "(" not in text:
            continue
        for condition in DENIAL.findall(text):
            count += 1
            found |= {name.lower() for pair in CLIENT_HEADER.findall(condition) for name in pair
                      if name and not EDGE_SET.match(name) and not CREDENTIAL_HEADER.search(name)}
    return count, found


# Objects that run an edge program (a CDN service's VCL or snippets, an edge function, a proxy's configuration).
EDGE_PROGRAMS = lazy_compile(r"fastly|cloudflare|cdn|akamai|edge|varnish|nginx|ingress|proxy|worker|gateway")
_SPACES = lazy_compile(r"\s+")


@on_change(actions=(Action.UPDATE,), type_pattern=EDGE_PROGRAMS, words=(b"403", b"401", b"deny"))
def _denial_removed(change: Change) -> Iterator[Finding]:
    """An edge program's denial (`if (req.url ~ "^/embargoed/" && …) { error 403 }`) gone from every one of its
    snippets and programs: what it refused (embargoed articles, an admin path) is served to whoever asks. A denial
    moved to another snippet, or whose condition is reworded (a path added), is kept: the program refuses as many
    kinds of request as before."""
    kept = _denial_conditions(change.after)
    was = _denial_conditions(change.before)
    gone = sorted(was - kept)
    if gone and len(kept) < len(was):
        yield finding(AUTH, change.address, f"{change.address}: its edge program no longer refuses requests where "
                      f"{gone[0][:120]}: what it refused is served to whoever asks", Severity.HIGH)


def _denial_conditions(values: Any) -> set[str]:
    """The conditions of every denial in VALUES' programs, whitespace made single."""
    return {_SPACES.sub(" ", match[1]).strip() for text in string_leaves(values) if "40" in text or "deny" in text
            for match in DENIAL.finditer(text)}
