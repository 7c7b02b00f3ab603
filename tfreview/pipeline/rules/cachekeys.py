"""Risk rules, reach (reported under public-access): a cache that starts serving one user's responses to others. A
CDN or cache policy keys what it stores by the request parts it names; a page rendered per user stays private while
its key holds who asks (a cookie named for the session or the user, the Authorization header) or while it is not
cached at all. A change that makes it cache (a default or minimum TTL above zero) with nothing of the user left in
its key hands every later visitor the first one's page. A policy that already cached without a user in its key, one
whose key dropped cookies that name no session (all cookies of a static asset path), or one its own names say serves
static files, is not this.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import Finding, finding, on_change
from tfreview.pipeline.rules.common import sides
from tfreview.pipeline.rules.direction import words
from tfreview.pipeline.rules.values import leaves, number, plain

PUBLIC = "public-access"
CACHES = lazy_compile(r"cache|cdn|cloudfront|fastly|akamai|edge")
# The setting that says how cookies are kept (its value is a mode, not a cookie's name), and a cookie named for who
# asks: a session, an auth or access token, a user id (`kp_session`, `sessionid`, `auth_token`).
COOKIE_SETTING = lazy_compile(r"cookies?_behaviou?r|forward")
SESSION_COOKIE = lazy_compile(r"sess|auth|token|jwt|sid\b|user|login|account")
USER_HEADERS = frozenset({"authorization", "cookie", "x-user-id", "x-session-id"})
HEADER_ALL = frozenset({"allviewer", "allviewerandwhitelistcloudfront"})
STORING_TTLS = frozenset({"default_ttl", "min_ttl"})  # max_ttl only caps what the origin allows
# Names that say the same bytes for everyone: static files, fingerprinted assets, media.
STATIC_WORDS = frozenset({"static", "assets", "asset", "images", "img", "fonts", "media", "css", "js", "downloads"})
NAMING = frozenset({"name", "comment", "path_pattern", "aliases", "description"})


@on_change(actions=(Action.UPDATE, Action.REPLACE), type_pattern=CACHES, words=(b"ttl",))
def _shared_across_users(change: Change) -> Iterator[Finding]:
    before, after = sides(change)
    if not _stores(after) or _keyed_by_user(after) or (_stores(before) and not _keyed_by_user(before)) \
            or _static(change.address, after):
        return
    yield finding(PUBLIC, change.address, f"{change.address}: now caches responses with nothing of the user in its "
                  "key (no session cookie, no Authorization header): one user's page is served to the next")


def _static(address: str, values: dict[str, Any]) -> bool:
    """Whether the policy's own names (address, name, comment, path patterns, aliases) say static files, or every
    origin its behaviours send to names an object store (`target_origin_id = "results-s3"`): a bucket's files are
    the same bytes for every reader."""
    texts = [address] + [str(v) for path, v in leaves(values)
                         if plain(path).rpartition(".")[2] in NAMING and isinstance(v, (str, list))]
    targets = [str(v) for path, v in leaves(values) if plain(path).rpartition(".")[2] in TARGETS]
    return bool({w for text in texts for w in words(text)} & STATIC_WORDS) \
        or (bool(targets) and all(words(target) & OBJECT_STORES for target in targets))


# Where a behaviour sends its requests, and the words of an origin that is an object store.
TARGETS = frozenset({"target_origin_id", "origin_id"})
OBJECT_STORES = frozenset({"s3", "gcs", "bucket", "blob", "storage"})


def _stores(values: dict[str, Any]) -> bool:
    """Whether the policy stores responses by default: a default or minimum TTL above zero."""
    return any(plain(path).rpartition(".")[2] in STORING_TTLS and (number(value) or 0) > 0
               for path, value in leaves(values))


def _keyed_by_user(values: dict[str, Any]) -> bool:
    """Whether the cache key holds who asks: cookies kept in it, or a header that carries the user."""
    for path, value in leaves(values):
        name = plain(path).lower()
        key = name.rpartition(".")[2]
        texts = [str(v).lower() for v in (value if isinstance(value, list) else [value])]
        if "cookie" in name and not COOKIE_SETTING.fullmatch(key) and any(SESSION_COOKIE.search(t) for t in texts):
            return True
        if "header" in name and (USER_HEADERS | HEADER_ALL) & set(texts):
            return True
    return False
