"""Risk rules, secrets shared: settings whose name says secrets or credentials go to forks, the public or other
audiences, and share links of secrets whose limits (expiry, uses, audience) are lifted."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import orjson

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.findings import ALTERING, Finding, ReviewInput, Severity, finding, managed, rule
from tfreview.pipeline.rules.common import as_dict, show

SHARING = "secrets-shared"
_SECRET_FLAG_WORDS = {"secret", "secrets", "credential", "credentials", "token", "tokens"}
# Whom the secrets would reach: code from forks, the public, anyone outside.
_AUDIENCE = {"fork", "forks", "forked", "public", "publicly", "untrusted", "anonymous", "anyone", "everyone",
             "outside", "external", "world"}
# `external` alone names where secrets come from (`use_external_secrets`); with one of these it is whom they go to.
_GIVING = {"expose", "exposed", "share", "shared", "sharing", "pass", "send", "leak", "give", "to", "with"}
_WITHHOLDING = {"no", "not", "never", "disable", "disabled", "deny", "block", "hide", "prevent", "restrict",
                "restricted", "mask", "masked", "redact", "protect", "protected", "without", "except", "exclude"}


def shares_secrets(name: str) -> bool:
    """Whether a boolean named NAME, when true, hands secrets or credentials to untrusted parties."""
    words = {w.lower() for w in re.split(r"[^A-Za-z0-9]+|(?<=[a-z0-9])(?=[A-Z])", name) if w}
    audience = words & _AUDIENCE
    if not words & _SECRET_FLAG_WORDS or not audience or words & _WITHHOLDING:
        return False
    return audience != {"external"} or bool(words & _GIVING)


def _flags_on(before: Any, after: Any, path: str = "") -> Iterator[str]:
    """Paths of booleans that name secrets shared with untrusted parties and turn true in AFTER."""
    if isinstance(after, dict):
        for key, value in after.items():
            child = f"{path}.{key}" if path else str(key)
            if value is True and shares_secrets(str(key)) and as_dict(before).get(key) is not True:
                yield child
            else:
                yield from _flags_on(as_dict(before).get(key), value, child)
    elif isinstance(after, list):
        for index, item in enumerate(after):
            prior = before[index] if isinstance(before, list) and index < len(before) else None
            yield from _flags_on(prior, item, f"{path}[{index}]")


@rule(SHARING, Severity.HIGH, "A setting whose name says secrets or credentials go to forks, the public or other "
      "untrusted parties turns on, or an existing secret's visibility or scope widens to everyone.")
def _sharing(ri: ReviewInput) -> Iterator[Finding]:
    for made in managed(ri.changeset, *ALTERING):
        for key in _widened(made.type, made.before, made.after):
            yield finding(SHARING, made.address, f"{made.address}: {key} widens who can read this secret to "
                          f"{show(made.after[key])}: every repository, project or member in that scope gets it")
        for key in _limits_lifted(made.type, made.before, made.after):
            yield finding(SHARING, made.address, f"{made.address}: {key} is lifted on a share of a secret: the "
                          "link no longer expires or runs out, so whoever holds it keeps the secret")
        if not _may_share(made.after):
            continue  # a C-speed precheck: such a flag needs `true` and a secret word among the values' keys
        for path in _flags_on(made.before, made.after):
            yield finding(SHARING, made.address, f"{made.address}: {path} turns on, handing secrets or credentials "
                          "to code or people outside the trusted team (pull requests from forks, the public)")


# Who may read a secret: a scope key's value that means everyone in the organisation or the public.
_SCOPE_WORDS = {"visibility", "access", "scope", "audience", "sharing", "shared", "availability"}
_EVERYONE = {"all", "public", "everyone", "anyone", "any", "*", "organization", "org", "global", "all_repositories"}


_ORG_WORDS = {"organization", "organisation", "org", "enterprise"}
_SHARE_WORDS = {"share", "shared", "sharing", "link", "links", "invite", "invitation"}
_EXPIRY_WORDS = {"expires", "expiry", "expiration", "expire", "until", "ttl"}
_USES_WORDS = {"views", "uses", "downloads", "reads", "accesses", "clicks", "opens"}


def _limits_lifted(resource_type: str, before: Any, after: Any) -> Iterator[str]:
    """Expiry or use-limit keys of a secret's share that are removed (null expiry; 0 or null = unlimited)."""
    if not isinstance(before, dict) or not isinstance(after, dict):
        return
    type_words = set(re.split(r"[^a-z0-9]+", resource_type.lower()))
    if not type_words & _SHARE_WORDS or not (type_words & _SECRET_FLAG_WORDS or _mentions_secret(after)):
        return
    if _link_turned_off(before, after):
        return  # no link is left to outlive its limit
    for key, old in before.items():
        words = set(re.split(r"[^a-z0-9]+", str(key).lower()))
        new = after.get(key)
        expiry = bool(words & _EXPIRY_WORDS) and old not in (None, "", 0) and new in (None, "", 0)
        if expiry or (words & _USES_WORDS and _positive(old) and (new is None or (_number(new) and new <= 0))):
            yield str(key)


def _link_turned_off(before: dict[str, Any], after: dict[str, Any]) -> bool:
    """Whether the share's link itself is switched off (`public_link_enabled` true → false)."""
    for key, old in before.items():
        words = set(re.split(r"[^a-z0-9]+", str(key).lower()))
        if words & (_SHARE_WORDS | {"public"}) and words & {"enabled", "enable", "active", "on"} \
                and old is True and after.get(key) is False:
            return True
    return False


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _positive(value: Any) -> bool:
    return _number(value) and value > 0


def _widened(resource_type: str, before: Any, after: Any) -> Iterator[str]:
    """Scope keys of an existing secret (by its type's words) whose value moves to everyone, or of an organisation-wide
    secret created readable by everyone in it."""
    type_words = set(re.split(r"[^a-z0-9]+", resource_type.lower()))
    created = before is None and bool(type_words & _ORG_WORDS)
    if not (isinstance(before, dict) or created) or not isinstance(after, dict) or not type_words & _SECRET_FLAG_WORDS:
        return
    for key, value in after.items():
        words = set(re.split(r"[^a-z0-9]+", str(key).lower()))
        old = before.get(key) if isinstance(before, dict) else ""
        if words & _SCOPE_WORDS and isinstance(value, str) and isinstance(old, str) and (old.strip() or created) \
                and value.strip().lower() in _EVERYONE and old.strip().lower() not in _EVERYONE:
            yield str(key)


_SECRET_WORD_BYTES = lazy_compile(rb"secret|credential|token")


def _may_share(after: Any) -> bool:
    try:
        text = orjson.dumps(after).lower()
    except TypeError:  # not plain JSON (never from a plan): walk it
        return True
    return b"true" in text and _SECRET_WORD_BYTES.search(text) is not None


def _mentions_secret(after: Any) -> bool:
    try:
        return _SECRET_WORD_BYTES.search(orjson.dumps(after).lower()) is not None
    except TypeError:  # not plain JSON (never from a plan): fail closed
        return True
