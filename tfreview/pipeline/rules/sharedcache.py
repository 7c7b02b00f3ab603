"""Risk rules, a shared cache storing what belongs to one user: a CDN or edge rule (an Akamai rule tree node, a
CloudFront cache behavior, a Cloudflare cache rule, any provider, block or JSON document form) whose own path
selector names per-user data (`/account/*`, `/api/users/…`, `/me`, `/cart`, `/checkout`, `/orders`, `/billing`,
`/session`) newly stores responses (a max-age or TTL above zero, `cache everything`): the edge serves the first
user's answer to everyone who asks the same URL — public-access, high.

Caching static paths, a per-user path kept at no-store or bypass, and a node already caching before find nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Change
from tfreview.pipeline.decoding import objects
from tfreview.pipeline.findings import Finding, Severity, finding, on_change
from tfreview.pipeline.rules.units import duration
from tfreview.pipeline.rules.vocabulary.terms import PUBLIC

PERSONAL = lazy_compile(r"(?:^|/)(?:accounts?|users?|me|my|profiles?|sessions?|cart|basket|checkout|orders?|billing"
                        r"|wallet|customers?|invoices?|payments?)(?:/|\*|$|\?|\{)", re.IGNORECASE)
# Public assets that live under a user path (avatars, images, a stylesheet) are the same for everyone who asks.
STATIC = lazy_compile(r"avatars?|images?|/img/|static|assets|media|public|thumbnails?|\.(?:png|jpe?g|gif|svg|webp"
                      r"|css|js|woff2?|ico)\b", re.IGNORECASE)
SELECTOR_KEYS = lazy_compile(r"^(?:path_?pattern|paths?|url|uri|target|targets|values?|pattern|expression|match"
                             r"|criteria|conditions?|matches)$", re.IGNORECASE)
BEHAVIOR_KEYS = lazy_compile(r"^(?:behaviors?|actions?|options|settings|cache\w*)$", re.IGNORECASE)
STORES = frozenset({"max_age", "cache", "cache_everything", "cache_all", "override", "honor_origin_and_max_age"})
# The TTL a cache applies by itself (a maximum only caps what the origin's Cache-Control asks for).
TTL_KEY = lazy_compile(r"^(?:default_|min_|edge_)?ttl(?:_seconds)?$|^(?:default|min)_?ttl$", re.IGNORECASE)
NO_STORE = frozenset({"no_store", "bypass", "bypass_cache", "no_cache", "tunnel_origin", "private"})


@on_change(words=(b"cach", b"ttl"))
def _personal_cached(change: Change) -> Iterator[Finding]:
    """Edge rules that newly store responses of per-user paths."""
    new = sorted(_cached_paths(change.after) - _cached_paths(change.before))
    if new:
        yield finding(PUBLIC, change.address, f"{change.address}: the edge now caches responses under {new[0]} "
                      "(per-user data): one user's answer is served to the next who asks the same URL",
                      Severity.HIGH)


def _cached_paths(values: Any) -> set[str]:
    if not isinstance(values, (dict, list)):
        return set()
    found: set[str] = set()
    for node in objects(values):
        paths = [p for p in _selectors(node) if PERSONAL.search(p) and not STATIC.search(p)]
        if paths and _stores(node):
            found.update(paths)
    return found


def _selectors(node: dict[str, Any]) -> Iterator[str]:
    """The path patterns a rule node selects by: its own selector keys, one level of criteria objects down."""
    for key, value in node.items():
        if not SELECTOR_KEYS.match(str(key)):
            continue
        stack: list[tuple[Any, int]] = [(value, 0)]
        while stack:
            item, depth = stack.pop()
            if isinstance(item, str) and "/" in item:
                yield item
            elif isinstance(item, list) and depth < 4:
                stack.extend((v, depth + 1) for v in item)
            elif isinstance(item, dict) and depth < 4:
                stack.extend((v, depth + 1) for k, v in item.items() if SELECTOR_KEYS.match(str(k)) or k == "options")


def _stores(node: dict[str, Any]) -> bool:
    """Whether the node's own settings store responses: a caching behavior that keeps them, or a TTL above 0."""
    stack: list[tuple[Any, int]] = [(node, 0)]
    decided = False
    while stack:
        item, depth = stack.pop()
        if isinstance(item, list) and depth < 4:
            stack.extend((v, depth + 1) for v in item)
        elif isinstance(item, dict) and depth < 4:
            name = str(item.get("name", "")).lower()
            for key, value in item.items():
                word = re.sub(r"[^a-z0-9]+", "_", str(value).lower()) if isinstance(value, str) else ""
                if (name == "caching" or "cache" in str(key).lower()) and word in NO_STORE:
                    return False
                if (name == "caching" and str(key) == "behavior") or str(key).lower() in ("cache_level", "caching"):
                    decided = decided or word in STORES
                if TTL_KEY.match(str(key)) and _positive(value):
                    decided = True
                own = depth == 0 and isinstance(value, (dict, list)) and not SELECTOR_KEYS.match(str(key)) \
                    and str(key) != "children"
                if BEHAVIOR_KEYS.match(str(key)) or own:
                    stack.append((value, depth + 1))
    return decided


def _positive(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, (int, float)):
        return value > 0
    seconds = duration(value) if isinstance(value, str) else None
    return bool(seconds and seconds > 0)
