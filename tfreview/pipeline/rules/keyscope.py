"""Risk rules, identity: an existing API key or token whose reach grows (risk rules stage).

A credential kept (updated, or replaced for the same name) whose access level climbs the SaaS ladder
(`read` → `read/write`, `reader` → `admin`), or whose scope list gains a permission that mints credentials or
manages people (`api_keys.create`, `teammates.update`, `subusers.create`), an admin one or a wildcard: whoever holds
it can now change what it could only read. Medium where the credential's own scope says non-production.
Creates are left to tenants.py, which judges a new key's scope.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Change
from tfreview.pipeline.findings import Finding, Severity, finding, on_change
from tfreview.pipeline.rules.common import sides, string_leaves
from tfreview.pipeline.rules.environments import NON_PRODUCTION_ENVS, PRODUCTION_TOKENS
from tfreview.pipeline.rules.grants import PRIVILEGED
from tfreview.pipeline.rules.narrowing import CREDENTIAL_TYPES, KEY_STORES
from tfreview.pipeline.rules.tenants import KEY_SUFFIXES, access_rank, admin_value

# Attributes that say what a credential may do.
REACH_KEYS = lazy_compile(r"^(?:access|access_level|permission|permissions|role|roles|scope|scopes|privilege"
                          r"|privileges|access_type|key_type)$")
# A permission that issues credentials or manages people: its holder can make itself anything.
MINTING = lazy_compile(r"(?:^|[._:/-])(?:api_?keys?|keys?|tokens?|credentials?|secrets?|teammates?|subusers?|users?"
                       r"|members?|invit\w*|sso|saml)[._:/-](?:\w+[._:/-])?(?:create|update|delete|manage|admin|write"
                       r"|edit|full)\b", re.IGNORECASE)
_PARTS = lazy_compile(r"[/,+|&\s]+|\band\b")
_WORDS = lazy_compile(r"[a-z0-9]+")
# Attributes that name the scope a credential lives in (a project's config, an environment, a stage).
SCOPES = ("config", "environment", "env", "stage", "project", "workspace", "name")


def _credential(change: Change) -> bool:
    return (bool(CREDENTIAL_TYPES.search(change.type)) or change.type.endswith(KEY_SUFFIXES)) \
        and not KEY_STORES.search(change.type)


def _rank(value: Any) -> int | None:
    """The highest rung a level names (`read/write` → write's); None when no part is on the ladder."""
    if not isinstance(value, str):
        return None
    ranks = [r for part in _PARTS.split(value) if part and (r := access_rank(part)) is not None]
    return max(ranks) if ranks else None


def _non_production(values: dict[str, Any]) -> bool:
    words = {w for key in SCOPES for w in _WORDS.findall(str(values.get(key) or "").lower())}
    return bool(words & NON_PRODUCTION_ENVS) and not words & PRODUCTION_TOKENS


def _grown(key: str, old: Any, new: Any) -> str | None:
    """What KEY gained from OLD to NEW that widens the credential, or None."""
    before, after = _rank(old), _rank(new)
    if before is not None and after is not None and after > before and after >= 2:
        return f'{key} "{old}" → "{new}"'
    if isinstance(new, list):
        gained = [v for v in string_leaves(new) if v not in set(string_leaves(old))]
        wide = [v for v in gained if MINTING.search(v) or admin_value(v.lower()) or v.strip() in ("*", "full")]
        if wide:
            return f"{key} gains {', '.join(wide[:3])}" + (f" (+{len(wide) - 3} more)" if len(wide) > 3 else "")
    return None


@on_change()
def _credential_reach_grows(change: Change) -> Iterator[Finding]:
    """An existing API key or token kept under its name whose access or scopes grow."""
    before, after = sides(change)
    if not before or not after or not _credential(change):
        return
    for key, new in after.items():
        if not REACH_KEYS.match(key.lower()) or new == before.get(key):
            continue
        grown = _grown(key, before.get(key), new)
        if grown:
            severity = Severity.MEDIUM if _non_production(after) else Severity.HIGH
            yield finding(PRIVILEGED, change.address, f"{change.address}: {grown}: the credential can now change "
                          "what it could only read or use; check its holder needs that", severity)


# A scope that pushes what others pull and run: images, packages, artifacts, charts (`write_registry`,
# `write_package_registry`, `packages:write`, `artifact.push`). Reading them (`read_registry`) is not.
PUBLISHES = lazy_compile(r"(?:write|push|publish|upload)[._:/-]?(?:\w+[._:/-])?(?:registry|registries|packages?"
                         r"|artifacts?|images?|containers?|charts?)\b|(?:registry|registries|packages?|artifacts?"
                         r"|images?|containers?|charts?)[._:/-](?:write|push|publish|upload)\b", re.IGNORECASE)
EXPIRY = lazy_compile(r"^(?:expires?|expiry|expiration|expires_at|expiry_date|expiration_date|valid_until|until)$")


@on_change(words=(b"write", b"push", b"publish", b"upload"))
def _publishing_credential(change: Change) -> Iterator[Finding]:
    """A credential created that can publish images or packages: high when the expiry it offers is left unset."""
    before, after = sides(change)
    if before or not after or not _credential(change):
        return
    unknown = change.after_unknown if isinstance(change.after_unknown, dict) else {}
    scopes = [v for key, value in after.items() if REACH_KEYS.match(key.lower()) for v in string_leaves(value)
              if PUBLISHES.search(v)]
    if not scopes:
        return
    expiry = [key for key in after if EXPIRY.match(key.lower())]
    forever = bool(expiry) and all(after[key] in (None, "", 0) and key not in unknown for key in expiry)
    yield finding(PRIVILEGED, change.address, f"{change.address}: creates a credential that can publish "
                  f"({', '.join(scopes[:3])}){' and never expires' if forever else ''}: what it pushes is pulled and "
                  "run by others", Severity.HIGH if forever else Severity.MEDIUM)
