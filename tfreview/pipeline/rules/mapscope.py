"""Risk rules, identity helper: the strings a token's scope holds, read with their keys — a "*" that is the value
under a key naming one specific object (`{"…zone.<id>" = "*"}`: everything on that one zone) is scoped to that
object, not a wildcard over the tenant; `tenants` judges new API keys by these strings."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.rules.common import string_leaves

# One object's id in a key: a long hex or decimal run, or a UUID.
IDENT = lazy_compile(r"^(?:[0-9a-f]{16,}|\d{6,}|[0-9a-f]{8}(?:-[0-9a-f]{4}){3}-[0-9a-f]{12})$", re.IGNORECASE)
# Kinds whose one object still holds every other object: all of an account is the whole tenant.
TENANT_KINDS = frozenset({"account", "accounts", "organization", "organizations", "org", "orgs", "tenant",
                          "tenants", "enterprise", "user", "users"})


def scope_strings(value: Any) -> Iterator[str]:
    """The string leaves of VALUE, leaving out a wildcard value held under a key that names one non-tenant object."""
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, str) and item.strip() == "*" and one_object(str(key)):
                continue
            yield from scope_strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from scope_strings(item)
    else:
        yield from string_leaves(value)


def one_object(key: str) -> bool:
    """Whether a key names one specific object by its id (`com.cloudflare.api.account.zone.<id>`), not a tenant."""
    if "*" in key or "?" in key:
        return False
    parts = [p for p in re.split(r"[./:]", key) if p]
    return any(IDENT.match(part) and index > 0 and parts[index - 1].lower() not in TENANT_KINDS
               for index, part in enumerate(parts))
