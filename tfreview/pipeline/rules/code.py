"""Risk rules, code and query text inside attributes: edge/function code or log formats that newly write credentials
to logs, data-protection policy bodies that stop restricting, and SQL that creates superuser-like database users."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import orjson

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import Finding, Severity, declare, finding, on_change
from tfreview.pipeline.mask import MASK, MASK_CHANGED
from tfreview.pipeline.rules.common import known, sides
from tfreview.pipeline.rules.grants import PRIVILEGED
from tfreview.pipeline.rules.values import leaves

LOGGED = declare("credential-logged", Severity.HIGH,
                 "Code or a log format newly writes credentials (Authorization/Cookie headers, tokens, secrets, "
                 "signing keys, whole header maps) to logs.")
OPENED = declare("data-policy-opened", Severity.HIGH,
                 "A masking, row-access or column policy's body no longer restricts anything (always true, or the "
                 "raw value for everyone).")

MAX_TEXT = 200_000
MAX_CALL = 600
# A log or print call in any common language; the argument list is read up to its closing parenthesis.
LOG_CALL = lazy_compile(r"(?:\bconsole\s*\.\s*(?:log|debug|info|warn|error|trace|dir)|\bprint(?:ln|f)?"
                        r"|\b(?:\w*log(?:ger|ging)?|LOG|Log)\s*\.\s*(?:debug|info|warn(?:ing)?|error|trace|fatal"
                        r"|critical|notice|log|print\w*)|\bfmt\s*\.\s*F?Print\w*|\bSystem\s*\.\s*(?:out|err)\s*\.\s*"
                        r"print\w*|\bputs|\berror_log|\bsyslog|\blog)\s*\(")
# VCL and shell-like statements: `log "..." req.http.Authorization;`, `echo ...`.
LOG_STATEMENT = lazy_compile(r"\b(?:log|echo)\s+[\"'][^;\n]*")
# What a logged expression must not name: credential headers, secrets, or a whole header map, request or env.
SECRETISH = lazy_compile(r"authori[sz]ation|cookie|bearer|passw(?:or)?d|passwd|secret|\btokens?\b|_token|token_"
                         r"|access_?token|signing[_-]?key|api[_-]?key|private[_-]?key|credential"
                         r"|session[_-]?(?:id|key|token)|headers?\b(?!\s*(?:\.\s*(?:get|has)\s*\(|\[|\.\s*[\w-]+))"
                         r"|(?:stringify|dumps|inspect|dir)\s*\(\s*(?:event|req|request)\s*\)"
                         r"|\b(?:process\.)?env(?:iron)?\b\s*[),]", re.IGNORECASE)
REDACTED = lazy_compile(r"redact|mask|sanitiz|scrub|hash|digest|\*\*\*", re.IGNORECASE)
# Message literals (text with blanks) are prose, not data: 'token refreshed' logs no token.
PROSE = lazy_compile(r"(['\"`])(?:(?!\1).)*\s(?:(?!\1).)*\1")
# Log-format fields that copy a request or response header, cookie or variable into each line.
FORMAT_FIELD = lazy_compile(r"%\{[^}]{1,120}\}[ioCenx]|%(?:REQ|RESP)\([^)]{1,120}\)%"
                            r"|\$(?:http|cookie|sent_http|upstream_http|arg)_\w+|\$\{?(?:req|request|resp)\.[\w.-]+")
FORMAT_KEYS = lazy_compile(r"log|format|fields?", re.IGNORECASE)

POLICY_TYPES = lazy_compile(r"mask|row_(?:access|filter|level)|column|cells_filter|data_?polic|rls|redact")
BODY_KEYS = lazy_compile(r"(?:^|\.)(?:body|expression|condition|predicate|\w*filter\w*|using|definition"
                         r"|masking_expression|statement)$")
_IDENT = r"[A-Z_][A-Z0-9_$]*"
ALWAYS = r"(?:TRUE|1\s*=\s*1|'(\w*)'\s*=\s*'\1'|1)"
OPEN_BODY = lazy_compile(rf"^(?:{ALWAYS}|(?!(?:FALSE|NULL)$){_IDENT}|CASE\s+WHEN\s+{ALWAYS}\s+THEN\s+{_IDENT}\b.*"
                         rf"|IFF?\s*\(\s*{ALWAYS}\s*,\s*{_IDENT}\s*,.*)$", re.DOTALL)

SQL_START = lazy_compile(r"^\s*(?:CREATE|ALTER|GRANT|EXEC(?:UTE)?)\b", re.IGNORECASE)
SUPER_SQL = lazy_compile(
    r"^\s*(?:CREATE|ALTER)\s+(?:USER|ROLE|LOGIN)\b.*\b(?P<attr>SUPERUSER|CREATEROLE|CREATEUSER|BYPASSRLS)\b"
    r"|^\s*GRANT\b.*?(?P<grant>\bALL\s+PRIVILEGES\b|\bALL\s+ON\s+(?:\*\.\*|ALL\b|DATABASE|SCHEMA|SERVER|ACCOUNT)"
    r"|\bWITH\s+(?:GRANT|ADMIN)\s+OPTION\b|\b(?:rds_superuser|cloudsqlsuperuser|azure_pg_admin|rds_superuser"
    r"|sysadmin|db_owner|dba|accountadmin|securityadmin|superuser)\b)"
    r"|(?P<member>\bALTER\s+(?:SERVER\s+)?ROLE\s+(?:sysadmin|db_owner|securityadmin)\s+ADD\s+MEMBER\b"
    r"|\bsp_addsrvrolemember\b)", re.IGNORECASE | re.DOTALL)


# One C-speed scan of the serialised values spares the leaf walk for most changes.
# Literal-first patterns (fast), and no word boundary: in serialised JSON a statement after a line break reads
# `\necho "…"`, whose `n` a `\b` would not split from `echo`. LOG_STATEMENT judges the decoded text after.
_MAYBE_STATEMENTS = (lazy_compile(r"echo\s+\\?[\"']"), lazy_compile(r"log\s+\\?[\"']"))
_MAYBE_SQL = lazy_compile(rb"(?i)(?:^|[\";]|\\[nrt])\s*(?:CREATE|ALTER|GRANT|EXEC)\b")


def _maybe_logs(serialised: str) -> bool:
    """Whether serialised values could hold a log call, log statement or log-format field at all."""
    # Plain substring tests first: each pattern needs its own punctuation or word, and most values have neither.
    # A masked value reads "(sensitive)": its parenthesis opens no call.
    return ("(" in serialised.replace(MASK_CHANGED, "").replace(MASK, "") and LOG_CALL.search(serialised) is not None) \
        or (("%" in serialised or "$" in serialised) and FORMAT_FIELD.search(serialised) is not None) \
        or any(pattern.search(serialised) is not None for pattern in _MAYBE_STATEMENTS)


def texts(values: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """(path, string) for every readable string in a plan object, list items included."""
    for path, value in leaves(values):
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, str) and known(item) and len(item) <= MAX_TEXT:
                yield path, item


def log_calls(text: str) -> Iterator[str]:
    """The argument text of every log or print call and log statement in a piece of code."""
    for match in LOG_CALL.finditer(text):
        depth, end = 1, match.end()
        stop = min(len(text), end + MAX_CALL)
        while end < stop and depth:
            depth += {"(": 1, ")": -1}.get(text[end], 0)
            end += 1
        yield text[match.end():end - 1 if not depth else end]
    for match in LOG_STATEMENT.finditer(text):
        yield match.group()


def leaks(call: str) -> str | None:
    """What credential a logged expression writes, or None for prose, ids, paths and redacted values."""
    if REDACTED.search(call):
        return None
    hit = SECRETISH.search(PROSE.sub("''", call))
    return hit.group().strip(" ),") if hit else None


def format_leaks(path: str, text: str) -> Iterator[str]:
    """The credential-bearing fields of a log format."""
    if FORMAT_KEYS.search(path):
        for field in FORMAT_FIELD.findall(text):
            if SECRETISH.search(field.replace("http_", "")):
                yield field


# A LOG_CALL or LOG_STATEMENT word, or a FORMAT_KEYS path: each finding needs one.
@on_change(words=(b"log", b"print", b"puts", b"echo", b"console", b"format", b"field"))
def _logged(change: Change) -> Iterator[Finding]:
    """Code or a log format that newly writes credentials to logs (only what the change adds is judged)."""
    before, after = sides(change)
    if not after or not _maybe_logs(orjson.dumps(after).decode()):
        return
    old_calls: set[str] = set()
    old_fields: set[str] = set()
    for path, text in texts(before):
        old_calls.update(" ".join(call.split()) for call in log_calls(text))
        old_fields.update(format_leaks(path, text))
    for path, text in texts(after):
        for call in log_calls(text):
            what = None if " ".join(call.split()) in old_calls else leaks(call)
            if what is not None:
                yield finding(LOGGED, change.address, f"{change.address}: {path} now logs {what!r} "
                              f"(credentials written to logs)")
                return
        for field in format_leaks(path, text):
            if field not in old_fields:
                yield finding(LOGGED, change.address, f"{change.address}: {path} now logs {field!r} "
                              f"(credentials written to every log line)")
                return


# A role every session holds (Snowflake's PUBLIC): a check for it is true for everyone.
EVERYONE_ROLE = lazy_compile(r"IS_(?:DATABASE_)?ROLE_IN_SESSION\s*\(\s*'PUBLIC'\s*\)")
FIRST_WHEN = lazy_compile(r"^CASE\s+WHEN\s+(.+?)\s+THEN\s+", re.DOTALL)
_ALWAYS = lazy_compile(rf"^\(?\s*{ALWAYS}\s*\)?$")


def open_body(text: str) -> bool:
    """Whether a policy body restricts nothing: always true, or the raw value returned unconditionally (a first
    CASE branch whose condition holds for everyone, one of its OR terms included)."""
    body = " ".join(text.split()).rstrip(";").strip().upper()
    while body.startswith("(") and body.endswith(")"):
        body = body[1:-1].strip()
    body = EVERYONE_ROLE.sub("TRUE", body)
    first = FIRST_WHEN.match(body)
    if first is not None and any(_ALWAYS.match(term.strip()) for term in first.group(1).split(" OR ")):
        body = f"CASE WHEN TRUE THEN {body[first.end():]}"
    return bool(OPEN_BODY.match(body))


@on_change(actions={Action.UPDATE}, type_pattern=POLICY_TYPES)
def _policy_opened(change: Change) -> Iterator[Finding]:
    """A data-protection policy whose body restricted something and now restricts nothing."""
    if not POLICY_TYPES.search(change.type):
        return
    before, after = sides(change)
    old = dict(texts(before))
    for path, text in texts(after):
        prior = old.get(path)
        if BODY_KEYS.search(path) and prior is not None and open_body(text) and not open_body(prior):
            now, was = " ".join(text.split()), " ".join(prior.split())
            yield finding(OPENED, change.address, f'{change.address}: {path} "{now[:80]}" restricts nothing '
                          f'(was "{was[:80]}")')
            return


def statements(values: dict[str, Any]) -> Iterator[str]:
    """Every SQL statement (split at semicolons) in a plan object's strings."""
    for _, text in texts(values):
        for part in text.split(";"):
            if SQL_START.match(part):
                yield " ".join(part.split())


@on_change(words=(b"create", b"alter", b"grant", b"exec"))  # every _MAYBE_SQL match holds one
def _privileged_sql(change: Change) -> Iterator[Finding]:
    """SQL added to a resource that makes a user superuser-like or hands out every privilege with grant rights."""
    before, after = sides(change)
    if not after or _MAYBE_SQL.search(orjson.dumps(after)) is None:
        return
    old = set(statements(before))
    for statement in statements(after):
        match = None if statement in old else SUPER_SQL.search(statement)
        if match is not None:
            what = match.group("attr") or match.group("grant") or match.group("member")
            yield finding(PRIVILEGED, change.address, f'{change.address}: "{statement[:120]}" grants {what} '
                          f"(superuser-like database rights)")
            return
