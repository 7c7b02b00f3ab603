"""Risk rules, lifecycle helpers (delete grading): deletes that take away a way in and hold no data, whatever the
provider calls them — an access entry whose effect is ALLOW, a policy named for what it grants detached from its
holder, a request route (a path it matched) removed. Without them, fewer requests get in; nothing stored goes.
ladders.py grades deletes with them; a deny, a guardrail or a restriction removed is not one (it widens access).
"""

from __future__ import annotations

import re
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Change
from tfreview.pipeline.rules.common import string_leaves
from tfreview.pipeline.rules.narrowing import DENY_STYLE, HOLDERS, POLICY_ATTACHMENT, RESTRICTING

# The keys that say what an access entry does (`permission`, `effect`, `action`, `rule_action`, `access_type`).
EFFECT_KEY = lazy_compile(r"(?:^|_)(?:permission|effect|action|access|decision|verdict)(?:_type)?$")
ALLOW = frozenset({"allow", "allowed", "permit", "grant", "granted"})
# A policy named for what it grants: an admin, read-write, read-only, full-access, power-user policy.
GRANTING = lazy_compile(r"admin|readwrite|read_?write|read_?only|readonly|full_?access|power_?user|editor|viewer"
                        r"|writer|reader|owner|access", re.IGNORECASE)
POLICY_NAME = lazy_compile(r"(?:^|_)polic(?:y|ies)(?:_names?|_arns?|_ids?)?$")
# A route of requests: the path or prefix it matched (`/v1/export`, `/*`).
ROUTE_TYPE = lazy_compile(r"(?:^|_)(?:route|routes|routing_rule|path_rule)(?:_v\d+)?$")
MATCH_KEY = lazy_compile(r"(?:^|_)(?:match|path|paths|prefix|path_prefix|route|pattern)$")


def _before(change: Change) -> dict[str, Any]:
    return change.before if isinstance(change.before, dict) else {}


# An entry that allows only on conditions, or one of an ordered rule list (a sign-on rule asking a second factor):
# without it, the next rule decides, which may ask less.
CONDITIONED = lazy_compile(r"requir|mfa|factor|priority|precedence|order|condition|session|sign_?on|signin|login"
                           r"|auth")


def allow_entry(change: Change) -> bool:
    """Whether the deleted object is an access entry that allows (its effect key says ALLOW) with no condition, and
    nothing in it denies or restricts."""
    before = _before(change)
    if CONDITIONED.search(change.type) or any(CONDITIONED.search(key.lower()) for key in before):
        return False
    effects = [str(value).strip().lower() for key, value in before.items()
               if EFFECT_KEY.search(key.lower()) and isinstance(value, str)]
    return bool(effects) and all(effect in ALLOW for effect in effects) \
        and not any(RESTRICTING.search(text) for text in string_leaves(before))


def granting_policy_detached(change: Change) -> bool:
    """Whether the deleted object attaches policies named for what they grant (`consoleAdmin`, `readwrite`) to a
    user, group or role, and none is named for denying or restricting."""
    before = _before(change)
    if not POLICY_ATTACHMENT.search(change.type) or DENY_STYLE.search(change.type) \
            or not any(before.get(key) not in (None, "", []) for key in HOLDERS):
        return False
    names = [text for key, value in before.items() if POLICY_NAME.search(key.lower())
             for text in string_leaves(value)]
    return bool(names) and all(GRANTING.search(name) and not DENY_STYLE.search(name) for name in names)


def route_removed(change: Change) -> bool:
    """Whether the deleted object routes requests by a path it matched (an HTTP route of a gateway or proxy) and no
    setting of it restricts: without it, those requests are refused."""
    before = _before(change)
    if not ROUTE_TYPE.search(change.type):
        return False
    paths = [text for key, value in before.items() if MATCH_KEY.search(key.lower()) for text in string_leaves(value)]
    return bool(paths) and all(path.startswith("/") for path in paths) \
        and not any(RESTRICTING.search(text) for text in string_leaves(before))


def allow_removed(change: Change) -> str | None:
    """Why deleting this object only takes a way in away, or None."""
    if allow_entry(change):
        return "an access entry that allows is deleted: access narrows; check nobody still needs it"
    if granting_policy_detached(change):
        return "a policy that grants is detached: access narrows; check nobody still needs it"
    if route_removed(change):
        return "a request route removed: those requests are refused, no data goes with it; check nothing calls it"
    return None


# A rule's own on/off switch (`disabled`, `enabled`, `status`): turning off a rule that only allows lets less in.
OFF_SWITCH = lazy_compile(r"(?:is_)?(?:disabled|enabled|enable|status|state)")


def allow_switched_off(change: Change, path: str) -> bool:
    """Whether PATH is the on/off switch of a rule that only allows (a firewall rule with `allow` blocks and no
    `deny`, an entry whose effect is ALLOW): switched off, fewer requests get in, nothing is unwatched."""
    if not OFF_SWITCH.fullmatch(path):
        return False
    after = change.after if isinstance(change.after, dict) else {}
    return _allows_only(_before(change)) and _allows_only(after)


def _allows_only(values: dict[str, Any]) -> bool:
    if values.get("deny") or values.get("denied"):
        return False
    if isinstance(values.get("allow"), list) and values["allow"]:
        return True
    effects = [str(value).strip().lower() for key, value in values.items()
               if EFFECT_KEY.search(key.lower()) and isinstance(value, str)]
    return bool(effects) and all(effect in ALLOW for effect in effects)
