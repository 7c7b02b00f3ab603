"""Risk rules helper, context grading of new routes created without auth (endpoints.py grades with it): a read-only
route whose every upstream is a page already public on the internet (an https host of a public domain: nothing
internal behind it), and the sign-in redirect target (`GET /auth/callback`) of an API whose other routes in the
plan all keep their authorizer — the identity provider redirects the browser there without a token by protocol.
Admin or internal paths, writes, private upstreams, and an API where another route also lost its auth stay high."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.rules.authn import READ_METHODS, methods, still_authenticates, without_auth
from tfreview.pipeline.rules.common import sides
from tfreview.pipeline.rules.values import leaves, plain

# `GET /auth/callback`, `/status`: an HTTP route key or path, with its method when it names one.
ROUTE = lazy_compile(r"^(?:([A-Z]+)\s+)?(/\S*)$")
ROUTE_KEYS = lazy_compile(r"(?:^|_)(?:route_key|route|path|path_prefix|paths?|uri_path|match_path|prefix)$")
# Where a route sends its requests (`upstream`, `forward_to`, `backend_url`, `origin`, `target`).
UPSTREAM_KEYS = lazy_compile(r"(?:^|_)(?:upstream|upstreams|backend|forward_to|proxy_pass|destination|origin|target)"
                             r"(?:_urls?|_uris?|_hosts?)?$")
_URL = lazy_compile(r"^https://([a-z0-9.-]+)(?::443)?(?:/\S*)?$", re.IGNORECASE)
INTERNAL_HOSTS = lazy_compile(r"(?:^|\.)(?:local|localhost|internal|intranet|corp|lan|svc|cluster|private|home)$"
                              r"|(?:^|[.-])(?:internal|admin|private|intranet|backoffice|console|ops)(?:[.-]|$)")
# Path words of a sign-in redirect target, and of paths that are never harmless.
CALLBACK_WORDS = frozenset({"callback", "callbacks", "oauth2callback", "redirect", "signin-oidc", "oidc-callback"})
PRIVATE_PATH = frozenset({"admin", "internal", "private", "debug", "console", "ops", "management", "manage",
                          "backoffice", "actuator", "metrics", "config", "graphql", "rpc", "exec", "shell"})
PARENT_KEYS = lazy_compile(r"^(?:\w+_)?(?:api|gateway|rest_api|http_api|app|service)_id$")
_WORD = lazy_compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def harmless_route(route: Change, changes: Iterable[Change]) -> str | None:
    """Why a new route without auth exposes nothing of ours (a read-only proxy to an already public page, or the
    sign-in redirect target of an API whose other routes keep auth), or None."""
    after = sides(route)[1]
    found = _route(after)
    if found is None or not found[1] <= READ_METHODS or _words(found[0]) & PRIVATE_PATH:
        return None
    hosts = _upstream_hosts(after)
    if hosts and all(h is not None and _public_host(h) for h in hosts):
        return f"a read-only route ({found[0]}) to {', '.join(sorted(str(h) for h in hosts))}, a page already public"
    if _words(found[0]) & CALLBACK_WORDS:
        return _others_keep_auth(route, after, changes)
    return None


def _route(values: dict[str, Any]) -> tuple[str, set[str]] | None:
    """(path, methods) of a route: its route key or path, and the methods it or `methods` names; None unless both."""
    for key, value in values.items():
        match = ROUTE.match(value.strip()) if isinstance(value, str) and ROUTE_KEYS.search(key) else None
        if match is not None:
            declared = {match[1]} if match[1] else methods(values)
            return (match[2], declared) if declared else None
    return None


def _upstream_hosts(values: dict[str, Any]) -> list[str | None]:
    """The host of every upstream URL the route names (None for one that is not an https URL)."""
    hosts: list[str | None] = []
    for path, value in leaves(values):
        if UPSTREAM_KEYS.search(plain(path).rsplit(".", 1)[-1]):
            for item in value if isinstance(value, list) else [value]:
                match = _URL.match(item.strip()) if isinstance(item, str) else None
                hosts.append(match[1].lower() if match else None)
    return hosts


def _public_host(host: str) -> bool:
    """Whether a host is a name on the public internet: a dotted domain, not an IP, not internal by its words."""
    try:
        ipaddress.ip_address(host)
        return False
    except ValueError:
        return "." in host and INTERNAL_HOSTS.search(host) is None


def _others_keep_auth(route: Change, after: dict[str, Any], changes: Iterable[Change]) -> str | None:
    """Why a callback route is the one open door of its API: other routes of the same API (same parent id) are in
    the plan, every one still authenticates, and none is without auth; else None."""
    parents = {(k, v) for k, v in after.items() if PARENT_KEYS.match(k) and isinstance(v, str) and v}
    kept = []
    for other in changes:
        values = sides(other)[1]
        if other is route or other.type != route.type or other.action is Action.DELETE \
                or not parents & {(k, v) for k, v in values.items() if isinstance(v, str)}:
            continue
        if without_auth(values) is not None or still_authenticates(values) is None:
            return None
        kept.append(other.address)
    return None if not kept else (f"the sign-in redirect target of an API whose other routes ({', '.join(kept[:3])})"
                                  " keep their authorizer")


def _words(path: str) -> set[str]:
    return set(_WORD.findall(path.lower()))
