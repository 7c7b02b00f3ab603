"""Risk rules, context grading (security controls stage): a public endpoint fenced by its own allow-list.

A public flag turned on (`endpoint_public_access`, `public_network_access_enabled`, a cluster API made public) is
internet exposure only when nothing fences it. Where the same block lists the sources allowed in
(`public_access_cidrs`, `authorized_ip_ranges`, `allowed_ips`, any provider) and every listed range is small (IPv4
/16 or narrower, IPv6 /48 or narrower; none /0), the endpoint answers those ranges alone: medium, with the ranges'
count and widest prefix named. An empty list (often "everyone" by default), a /0, a wide range, or a list that is
not all addresses keep the finding high.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action
from tfreview.pipeline.findings import Finding, ReviewInput, Severity, grader
from tfreview.pipeline.rules.allowlist import AWAY_WORDS, NETWORK_WORDS, allow_key
from tfreview.pipeline.rules.values import leaves, plain

FENCED_RULES = frozenset({"public-access", "cluster-api-exposed"})
PUBLIC_WORDS = frozenset({"public", "authorized", "authorised", "allowed", "trusted"})
NARROWEST_WIDE = {4: 16, 6: 48}  # a range wider than this is not a small known one
_SPLIT = lazy_compile(r"[^a-z0-9]+")
_PATH = lazy_compile(r"^(?:[^:]*: |.* is created with )(?P<path>[\w.\[\]-]+)")


@grader
def fenced_public(review_input: ReviewInput, findings: list[Finding]) -> list[Finding]:
    """Public-endpoint findings whose block lists only small source ranges: medium, the fence named."""
    if not any(f.rule in FENCED_RULES and f.severity is Severity.HIGH for f in findings):
        return findings
    changes = {c.address: c for c in review_input.changeset.changes
               if c.mode == "managed" and c.action in (Action.UPDATE, Action.CREATE, Action.REPLACE)}
    graded: list[Finding] = []
    for found in findings:
        change = changes.get(found.address or "")
        where = _PATH.match(found.message.removeprefix(found.address or ""))
        fence = None
        if found.rule in FENCED_RULES and found.severity is Severity.HIGH and change is not None and where \
                and "public" in where["path"].lower():
            fence = _fence(change.after, plain(where["path"]).rpartition(".")[0])
        if fence is not None:
            found = found.model_copy(update={"severity": Severity.MEDIUM, "message": f"{found.message} — only {fence}"
                                             " may reach it: a small known range, not the whole internet"})
        graded.append(found)
    return graded


def _fence(after: Any, block: str) -> str | None:
    """'N listed ranges (widest /P)' when BLOCK of AFTER lists the sources allowed in and all are small, or None."""
    lists = [value for path, value in leaves(after) if plain(path).rpartition(".")[0] == block
             and _source_key(plain(path).rpartition(".")[2])]
    ranges = [item for value in lists for item in (value if isinstance(value, list) else [value])]
    if not lists or not ranges:
        return None
    prefixes = [_small(item) for item in ranges]
    if any(p is None for p in prefixes):
        return None
    widest = min(p for p in prefixes if p is not None)
    return f"{len(ranges)} listed range{'s' if len(ranges) > 1 else ''} (widest /{widest})"


def _source_key(key: str) -> bool:
    words = {w for w in _SPLIT.split(key.lower()) if w}
    return allow_key(key) or (bool(words & PUBLIC_WORDS) and bool(words & NETWORK_WORDS) and not words & AWAY_WORDS)


def _small(item: Any) -> int | None:
    """The prefix length of a small range, or None (not an address, or wider than NARROWEST_WIDE)."""
    if not isinstance(item, str):
        return None
    try:
        network = ipaddress.ip_network(item.strip(), strict=False)
    except ValueError:
        return None
    return network.prefixlen if network.prefixlen >= NARROWEST_WIDE[network.version] else None
