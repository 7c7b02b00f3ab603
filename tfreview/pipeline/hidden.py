"""Mask stage, the values behind sensitive marks: each marked change's clear before and after, kept for the rules.

A sensitive variable hides a security group's CIDR or a whole policy document from every output, and from the
rules too once masked. The rules must judge a value behind a mark like a visible one (an `0.0.0.0/0` from a
sensitive variable opens a port all the same), so before masking this copies, in memory only, the clear sides of
each resource change that carries a mark; risk.py judges those and masks what it reports. A mark only on
attributes named for a credential (`password`, `client_secret`, `private_key`) hides nothing but a secret, which the
rules never judge behind a mark, so such a change is not kept: real plans mark passwords on thousands of changes,
and judging them again would double the rules' work for nothing. In the clear copy itself every value under a
credential name stays masked, so no rule (nor any memo a rule keeps) ever holds a password in clear.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import orjson

from tfreview.lazyregex import lazy_compile

# Attribute names that hold a credential and nothing a rule judges behind a mark (a CIDR, a policy, a script).
CREDENTIAL_KEY = lazy_compile(
    r"(?:^|_)(?:password|passwd|passphrase|secret|token|private_key|secret_key|access_key|api_key|key_material"
    r"|client_secret|connection_string|credentials?|sas|pin|otp)s?$")


# A plan repeats the same attribute names in every resource of a type: each name is judged once.
@lru_cache(maxsize=65536)
def credential_key(key: str) -> bool:
    """Whether an attribute named KEY holds a credential (CREDENTIAL_KEY, case-insensitive)."""
    return CREDENTIAL_KEY.search(key.lower()) is not None


# address → (before, after) in clear text; never printed, written, cached or sent.
Hidden = dict[str, tuple[Any, Any]]


def hidden_values(document: dict[str, Any], mask: str) -> Hidden:
    """The clear before and after of every resource change whose before or after carries a sensitive mark, with
    each value under a credential name replaced by MASK."""
    found: Hidden = {}
    for entry in document.get("resource_changes") or []:
        change = entry.get("change") if isinstance(entry, dict) else None
        address = entry.get("address") if isinstance(entry, dict) else None
        if not isinstance(change, dict) or not isinstance(address, str) or entry.get("deposed"):
            continue
        if _judgeable(change.get("after_sensitive")) or _judgeable(change.get("before_sensitive")):
            before, after = orjson.loads(orjson.dumps((change.get("before"), change.get("after"))))
            found[address] = (_scrubbed(before, mask), _scrubbed(after, mask))
    return found


def _scrubbed(value: Any, mask: str) -> Any:
    """VALUE with every non-empty value under a credential-named key replaced by MASK, at any depth."""
    if isinstance(value, dict):
        return {k: mask if credential_key(str(k)) and v not in (None, "", [], {}) else _scrubbed(v, mask)
                for k, v in value.items()}
    if isinstance(value, list):
        return [_scrubbed(item, mask) for item in value]
    return value


def _judgeable(mark: Any, key: str = "") -> bool:
    """Whether a sensitivity mark marks anything (`{"tags": {}}` marks nothing) under a name other than a
    credential's (a whole object marked counts)."""
    if mark is True:
        return not credential_key(key)
    if isinstance(mark, dict):
        return any(_judgeable(v, str(k)) for k, v in mark.items())
    if isinstance(mark, list):
        return any(_judgeable(v, key) for v in mark)
    return False
