"""Risk rules, transport inside text: a setting written into a document, a script, an environment list or a
connection string that turns a program's TLS off or stops it checking who answers — any provider, any resource type.

An environment variable that stops a runtime verifying certificates (`NODE_TLS_REJECT_UNAUTHORIZED=0`,
`PYTHONHTTPSVERIFY=0`, `GIT_SSL_NO_VERIFY=true`), a database connection string that asks for no encryption
(`sslmode=disable`, `useSSL=false`, `encrypt=false`, `TrustServerCertificate=true`), or a package installer told to
trust an index or repository it cannot verify (`pip --trusted-host`, `strict-ssl false`, `[trusted=yes]`,
`gpgcheck=0`) is tls-downgrade, high, when the change adds it: what was verified or encrypted before no longer is.
The same setting already on the before side (an unchanged dev database) finds nothing; so does the strict spelling
(`sslmode=verify-full`, `NODE_TLS_REJECT_UNAUTHORIZED=1`)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

import orjson

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Change
from tfreview.pipeline.encoded import decoded_text
from tfreview.pipeline.findings import Finding, Severity, finding, on_change
from tfreview.pipeline.rules.common import string_leaves
from tfreview.pipeline.rules.vocabulary.terms import TLS

# Between a name and its value: `=`, `:`, or a name/value pair's `", "value": "` (ECS, Kubernetes, Nomad env lists).
_SEP = r"['\"]?\s*(?:[=:]|,\s*['\"]?value['\"]?\s*:)\s*['\"]?"
_OFF = r"(?i:0|false|no|off)\b"
_ON = r"(?i:1|true|yes|on)\b"
# Environment variables are spelt in capitals: a provider's own lower-case attribute (`tls_skip_verify = true` on a
# resource) is controls.py's to grade, not this text's.
WEAKENERS: tuple[tuple[str, re.Pattern[str]], ...] = tuple((what, lazy_compile(pattern, flags))
                                                           for what, pattern, flags in (
    ("an environment variable turns certificate verification off",
     rf"\b(?:NODE_TLS_REJECT_UNAUTHORIZED|PYTHONHTTPSVERIFY|\w*(?:TLS|SSL)_VERIFY|\w*VERIFY_(?:SSL|TLS))"
     rf"{_SEP}{_OFF}", 0),
    ("an environment variable turns certificate verification off",
     rf"\b\w*(?:SSL_NO_VERIFY|SKIP_TLS_VERIFY|TLS_SKIP_VERIFY|INSECURE_SKIP_VERIFY|TLS_INSECURE){_SEP}{_ON}", 0),
    ("a connection string turns encryption or certificate checks off",
     r"[?&;\s]ssl_?mode=(?:disable|allow)\b|[?&;\s](?:use_?ssl|require_?ssl|encrypt|ssl|tls)=(?:false|no|off|0|disable)\b"
     r"|[?&;\s]trust_?server_?certificate=(?:true|yes)\b|[?&;\s](?:ssl_?verify|tls_?verify)=(?:false|0|no)\b"
     r"|[?&;\s](?:tls_?insecure|tls_?allow_?invalid_?(?:certificates|hostnames))=(?:true|1)\b", re.IGNORECASE),
    ("a package installer trusts an index or repository it cannot verify",
     r"--trusted-host\b|\bstrict-ssl\b['\"]?\s*[=\s]\s*['\"]?false\b|\[\s*trusted=yes\b|\bgpgcheck\s*=\s*0\b"
     r"|--allow-unauthenticated\b|--nogpgcheck\b|\bsslverify\s*=\s*(?:0|false)\b", re.IGNORECASE),
))
MAX_TEXT = 400_000
REDIRECT_KEY = "redirect"
# What sends plain HTTP to HTTPS in an edge or web server's own language: Fastly's `error 801` (its force-TLS
# idiom), nginx's `return 301 https://…` or `rewrite … https://…`, Apache's `RewriteRule … https://…`, Varnish or
# any VCL's synthetic redirect to an https Location set in the same block as the check.
REDIRECT = lazy_compile(r"\berror\s+801\b|\breturn\s+30[1278]\s+['\"]?https://|\brewrite\s+\S+\s+['\"]?https://"
                        r"|\bRewriteRule\s+\S+\s+['\"]?https://", re.IGNORECASE)


@on_change(words=(b"verify", b"801", b"return 30", b"rewrite", b"reject_unauthorized", b"sslmode", b"ssl_mode",
                  b"ssl=", b"tls=", b"encrypt=", b"invalid", b"trust_server",
                  b"trustservercertificate", b"trusted", b"strict-ssl", b"gpgcheck", b"unauthenticated", b"insecure",
                  b"usessl", b"use_ssl", b"requiressl", b"require_ssl", b"user_data", b"custom_data", b"startup"))
def _verification_off(change: Change) -> Iterator[Finding]:
    """Text that newly turns a connection's encryption or certificate checks off."""
    after = _found(change.after)
    before = _found(change.before) if change.before else Counter[str]()
    new = [what for what, count in after.items() if count > before[what] and what != REDIRECT_KEY]
    if REDIRECT_KEY in before and after[REDIRECT_KEY] < before[REDIRECT_KEY]:
        new.append("a redirect from plain HTTP to HTTPS in its configuration text is removed (clients are served "
                   "over HTTP)")
    if new:
        yield finding(TLS, change.address, f"{change.address}: {'; '.join(sorted(new))} (what was encrypted or "
                      "verified no longer is)", Severity.HIGH)


def _found(values: Any) -> Counter[str]:
    """How often each weakening occurs in VALUES: its keys and strings, base64 scripts decoded."""
    if not isinstance(values, (dict, list)):
        return Counter()
    texts = [orjson.dumps(values).decode()[:MAX_TEXT].replace('\\"', '"')]
    texts += [decoded for text in string_leaves(values) if len(text) >= 16 and (decoded := _decoded(text))]
    found: Counter[str] = Counter()
    for text in texts:
        found.update(_weakenings(text))  # its counts are positive: the sum `+` would give, without a new Counter a text
    return found


@lru_cache(maxsize=256)
def _decoded(text: str) -> str | None:
    return decoded_text(text[:MAX_TEXT])


# ASCII text the patterns above can match at all holds one of these (lower-cased; non-ASCII text may fold to them
# under IGNORECASE, so it is always read): most text holds none, and `in` is far cheaper than five patterns.
LITERALS = ("verify", "unauthorized", "tls_insecure", "mode=", "ssl=", "tls=", "encrypt=", "certificate=",
            "certificates=", "insecure=", "hostnames=", "trusted", "strict-ssl", "gpgcheck", "unauthenticated", "801",
            "return", "rewrite")


@lru_cache(maxsize=256)
def _weakenings(text: str) -> Counter[str]:
    lowered = text.lower()
    if text.isascii() and not any(literal in lowered for literal in LITERALS):
        return Counter()
    text = text.replace("\\n", "\n")
    found: Counter[str] = Counter({REDIRECT_KEY: sum(1 for _ in REDIRECT.finditer(text))})
    for what, pattern in WEAKENERS:
        found[what] += sum(1 for _ in pattern.finditer(text))
    return +found
