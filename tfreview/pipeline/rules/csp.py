"""Risk rules, what a browser is told to trust (risk rules stage): a Content-Security-Policy that newly lets a page
run inline or eval'd script, or script from any host or scheme (`*`, `https:`, `data:`), in its `script-src` (or
`default-src` where it names none). Cross-site scripting the policy contained runs again. Read in any string of any
provider's resource that holds a policy (a CDN's response headers policy, a header rule's value, an edge
function's text).

A policy written for the first time, one that already allowed the same, a source added by its host
(`https://js.stripe.com`), and `'unsafe-inline'` beside a nonce or hash (browsers then ignore it) are quiet."""

from __future__ import annotations

import re
from collections.abc import Iterator

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import Finding, Severity, declare, finding, on_change
from tfreview.pipeline.rules.common import sides, string_leaves

CSP = declare("csp-weakened", Severity.HIGH,
              "A Content-Security-Policy newly lets pages run inline or eval'd script, or script from any host or "
              "scheme (`*`, `https:`, `data:`): cross-site scripting it contained runs again.")
DIRECTIVE = lazy_compile(r"(?:^|;)\s*(script-src|default-src)\s+([^;]*)", re.IGNORECASE)
ANYWHERE = frozenset({"*", "https:", "http:", "data:", "'unsafe-inline'", "'unsafe-eval'"})
PINNED = lazy_compile(r"^'(?:nonce-|sha256-|sha384-|sha512-)", re.IGNORECASE)


def script_sources(policy: str) -> frozenset[str]:
    """The weak sources a policy's script-src (else default-src) allows; empty when it names neither."""
    directives = {name.lower(): value.split() for name, value in DIRECTIVE.findall(policy)}
    sources = directives.get("script-src", directives.get("default-src"))
    if sources is None:
        return frozenset()
    lowered = {source.lower() for source in sources}
    weak = lowered & ANYWHERE
    if any(PINNED.match(source) for source in lowered):
        weak -= {"'unsafe-inline'"}  # ignored by browsers beside a nonce or hash
    return frozenset(weak)


def _policies(values: object) -> list[str]:
    """The strings of VALUES that may hold a policy (they name a `-src` directive)."""
    return [text for text in string_leaves(values) if "-src" in text]


def _allowed(policies: list[str]) -> frozenset[str]:
    """The weak script sources of every policy in POLICIES."""
    return frozenset().union(*map(script_sources, policies))


@on_change(actions=(Action.UPDATE, Action.REPLACE), words=(b"script-src", b"default-src"))
def _csp_weakened(change: Change) -> Iterator[Finding]:
    before, after = sides(change)
    held = _policies(before)
    if not held:
        return  # no policy before: writing one adds protection
    new = sorted(_allowed(_policies(after)) - _allowed(held))
    if new:
        yield finding(CSP, change.address, f"{change.address}: the Content-Security-Policy now lets pages run script "
                      f"from {', '.join(new)}: cross-site scripting it contained runs again")
