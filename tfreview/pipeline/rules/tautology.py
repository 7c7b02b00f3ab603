"""Risk rules helper: whether a match expression is always true (read by edge.py's filter-bypass rule).

A skip rule is as wide as its expression. `(path eq "/healthz") or true` matches every request, and so do `1 == 1`,
`x eq x`, a path that `contains "/"` or `starts_with(…, "/")`, a `matches ".*"`, an address `in {0.0.0.0/0}` and
`*`, a client-written field (user agent, header) that `contains "Mozilla"`: whatever the rule's author
named it. An `or` is always true when one side is; an `and` when every side is. A match on client-written fields
alone (any user agent, referer or forwarding header) is one any client can satisfy at will (`client_chosen`).
Read for any provider's expression language that spells these with `or`/`||`, `and`/`&&`, `==`/`eq`, `!=`/`ne`.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from tfreview.lazyregex import lazy_compile

MAX_DEPTH = 16
ATOMS = frozenset({"true", "*", "any", "all", "1", "not false", "!false"})
# Operators joining sides at the top level of an expression, lowest precedence first.
OR = lazy_compile(r"\s+or\s+|\s*\|\|\s*")
AND = lazy_compile(r"\s+and\s+|\s*&&\s*")
COMPARE = lazy_compile(r"^(.+?)\s*(==|\beq\b|!=|\bne\b)\s*(.+)$")
LITERAL = lazy_compile(r'^(?:-?\d+(?:\.\d+)?|"[^"]*"|\'[^\']*\')$')
# A URI path always holds "/"; `matches` a pattern that any string matches; every IPv4 or IPv6 address.
ALWAYS_MATCH = lazy_compile(
    r'^[\w.\[\]"\']*(?:uri|path)[\w.\[\]"\']*\s+contains\s+["\']/?["\']$'
    r'|^starts_with\(\s*[\w.\[\]"\']*(?:uri|path)[\w.\[\]"\']*\s*,\s*["\']/["\']\s*\)$'
    r'|^[\w.\[\]"\']+\s+(?:matches|~)\s+["\']\^?\.\*\$?["\']$'
    r"|^[\w.\[\]\"']+\s+in\s+\{[^}]*(?:\b0\.0\.0\.0/0|::/0)[^}]*\}$",
    re.IGNORECASE,
)
# A field the client writes itself (the user agent, a header, the referer) holding a token every browser sends
# (`http.user_agent contains "Mozilla"`): any client satisfies it, so it selects every request.
BROWSER_TOKEN = r"[\"'](?:mozilla|mozilla/[\d.]+|applewebkit|gecko|chrome|safari|khtml|like gecko)[\"']"
CLIENT_FIELD = r"[\w.\[\]\"'*-]*(?:user_agent|user-agent|useragent|\bua\b|headers?|referr?er|cookies?)[\w.\[\]\"'*-]*"
CLIENT_SET = lazy_compile(
    rf"^(?:lower\()?{CLIENT_FIELD}\)?\s+(?:contains|matches|~|wildcard|strict wildcard)\s+{BROWSER_TOKEN}$"
    rf"|^starts_with\(\s*(?:lower\()?{CLIENT_FIELD}\)?\s*,\s*{BROWSER_TOKEN}\s*\)$",
    re.IGNORECASE,
)


def always_true(expression: str, depth: int = 0) -> bool:
    """Whether EXPRESSION matches every request, whatever its fields hold."""
    text = " ".join(expression.strip().lower().split())
    if depth > MAX_DEPTH or not text:
        return False
    inner = _unwrapped(text[3:] if text.startswith("any(") else text)  # `any(x[*] …)` holds when its body does
    if inner != text:
        return always_true(inner, depth + 1)
    sides = _split(text, OR)
    if len(sides) > 1:
        return any(always_true(side, depth + 1) for side in sides)
    sides = _split(text, AND)
    if len(sides) > 1:
        return all(always_true(side, depth + 1) for side in sides)
    return _atom(text)


def _atom(text: str) -> bool:
    if text in ATOMS or ALWAYS_MATCH.search(text) or CLIENT_SET.search(text):
        return True
    compared = COMPARE.match(text)
    if compared is None:
        return False
    left, operator, right = (part.strip() for part in compared.groups())
    if operator in ("==", "eq"):
        return left == right and "(" not in left  # `x eq x`, `1 == 1`; a call may differ between its uses
    return bool(LITERAL.match(left) and LITERAL.match(right)) and _value(left) != _value(right)


def _value(literal: str) -> str:
    return literal.strip("\"'")


def _unwrapped(text: str) -> str:
    """TEXT without parentheses that wrap all of it."""
    while text.startswith("(") and text.endswith(")") and _closing(text, 0) == len(text) - 1:
        text = text[1:-1].strip()
    return text


def _closing(text: str, start: int) -> int:
    """Index of the parenthesis closing the one at START, skipping quoted text; -1 when none."""
    level, quote = 0, ""
    for index in range(start, len(text)):
        char = text[index]
        if quote:
            quote = "" if char == quote else quote
        elif char in "\"'":
            quote = char
        elif char in "({[":
            level += 1
        elif char in ")}]":
            level -= 1
            if level == 0:
                return index
    return -1


def _split(text: str, operator: re.Pattern[str]) -> list[str]:
    """TEXT split at OPERATOR where it stands outside parentheses, brackets and quotes."""
    outside = _outside(text)
    sides, last = [], 0
    for found in operator.finditer(text):
        if outside[found.start()]:
            sides.append(text[last:found.start()])
            last = found.end()
    sides.append(text[last:])
    return [side.strip() for side in sides]


def _outside(text: str) -> list[bool]:
    """For each character of TEXT, whether it stands outside every parenthesis, bracket and quote."""
    flags, level, quote = [], 0, ""
    for char in text:
        if quote:
            flags.append(False)
            quote = "" if char == quote else quote
            continue
        if char in "\"'":
            quote = char
        elif char in "({[":
            level += 1
        elif char in ")}]":
            level = max(level - 1, 0)
        flags.append(level == 0 and not quote)
    return flags


# Client-written fields: what the request says about itself, which any client sets to whatever it likes.
FORGEABLE = lazy_compile(r"user_agent|user-agent|useragent|\bua\b|referr?er|x[-_]forwarded[-_]for|x[-_]real[-_]ip"
                         r"|true[-_]client[-_]ip|forwarded|client[-_]ip[-_]header|x[-_]client[-_]ip|\bheaders?\b"
                         r"|cookies?", re.IGNORECASE)
# Fields the edge itself establishes (the connecting address, its network, a verified bot, a client certificate),
# and header names that carry a shared secret: a match on these is not the client's to choose.
ESTABLISHED = lazy_compile(r"ip\.src|\bip\.|src_ip|source_ip|remote_addr|client\.ip|\basn?\b|as_num|verified_bot"
                           r"|bot_management|cf\.client|\bbot\b|tls_client|client_cert|mtls|cert_|country|geo"
                           r"|secret|token|signature|api[-_]?key|authorization|\bauth", re.IGNORECASE)

COMPARED_TEXT = lazy_compile(r"(\b(?:contains|eq|ne|matches|wildcard)\b|==|!=|~|,)\s*(?:\"[^\"]*\"|'[^']*')")


def client_chosen(expression: str, depth: int = 0) -> bool:
    """Whether EXPRESSION holds for any client that writes the right user agent, referer or forwarding header:
    every way it can hold rests on client-written fields alone."""
    text = " ".join(expression.strip().lower().split())
    if depth > MAX_DEPTH or not text:
        return False
    inner = _unwrapped(text)
    if inner != text:
        return client_chosen(inner, depth + 1)
    for operator in (OR, AND):
        sides = _split(text, operator)
        if len(sides) > 1:
            # an `or` opens to whoever satisfies one side; an `and` only when each side is the client's to write
            check = any if operator is OR else all
            return check(client_chosen(side, depth + 1) for side in sides)
    fields = COMPARED_TEXT.sub(r"\1 ''", text)  # what is matched against says nothing of who wrote it
    return bool(FORGEABLE.search(fields)) and not ESTABLISHED.search(fields)


# A match on the URI path alone, by one top-level section: `starts_with(http.request.uri.path, "/api/")`,
# `uri.path contains "/api/"`, `path matches "^/admin"`, `path wildcard "/v1/*"`.
PATH_FIELD = r"(?:lower\()?[\w.\[\]\"']*(?:uri|path)[\w.\[\]\"']*\)?"
SECTION = r"[\"']\^?/([\w-]+)/?\*?[\"']"
PATH_SECTION = lazy_compile(
    rf"^starts_with\(\s*{PATH_FIELD}\s*,\s*{SECTION}\s*\)$"
    rf"|^{PATH_FIELD}\s+(?:contains|matches|~|wildcard|strict wildcard)\s+{SECTION}$",
    re.IGNORECASE,
)
# Sections that serve files or health answers, not the application: skipping a filter there is routine.
CONTENT_SECTIONS = frozenset({"static", "assets", "asset", "images", "img", "media", "css", "js", "fonts",
                              "favicon", "public", "health", "healthz", "healthcheck", "livez", "readyz", "ping",
                              "status", "robots", "cdn", "dist", "downloads", "docs"})


def whole_section(expression: str) -> str | None:
    """The top-level path section (`api`) EXPRESSION selects every request of, when the path is all it reads and
    the section serves the application (not static files or health answers); None otherwise. An `or` of such
    matches names its first section; an `and` with any other condition narrows it and is not this."""
    return _each_side(expression, _section)


def _section(text: str) -> str | None:
    match = PATH_SECTION.match(text)
    if match is None:
        return None
    section = next(g for g in match.groups() if g)
    return None if section in CONTENT_SECTIONS else section


def _each_side(expression: str, match: Callable[[str], str | None], depth: int = 0) -> str | None:
    """What MATCH finds in EXPRESSION, or in every side of an `or` (the first side's), parentheses unwrapped."""
    text = " ".join(expression.strip().lower().split())
    if depth > MAX_DEPTH or not text:
        return None
    inner = _unwrapped(text)
    if inner != text:
        return _each_side(inner, match, depth + 1)
    sides = _split(text, OR)
    if len(sides) > 1:
        found = [_each_side(side, match, depth + 1) for side in sides]
        return found[0] if all(found) else None
    return match(text)


# A match on the request's host alone: `http.host eq "pay.acme.example"`, `http.host == "…"`.
HOST_MATCH = lazy_compile(r"^(?:lower\()?[\w.]*\bhost\)?\s+(?:eq|==)\s+[\"']([\w.-]+)[\"']$", re.IGNORECASE)


def whole_host(expression: str) -> str | None:
    """The host EXPRESSION selects every request of, when the host is all it reads and its first label does not
    say it serves files or health answers (`static.`, `cdn.`, `status.`); None otherwise. An `or` of such matches
    names its first host; an `and` with any other condition narrows it and is not this."""
    return _each_side(expression, _host)


def _host(text: str) -> str | None:
    match = HOST_MATCH.match(text)
    if match is None:
        return None
    first = re.split(r"[.-]", match.group(1))[0]
    return None if first in CONTENT_SECTIONS else match.group(1)
