"""Risk rules, authentication context: whether an endpoint's own values show it still authenticates every caller
(an auth mode that is not none, an access-control block on with anonymous access off), or checks its callers'
signatures (a webhook receiver holding its signing secret). endpoints.py grades public-access findings with it."""

from __future__ import annotations

import re
from typing import Any

from tfreview.pipeline.rules.common import show
from tfreview.pipeline.rules.controls import authenticated
from tfreview.pipeline.rules.values import leaves, plain

# The same attribute names vocabulary.py reads as authentication modes (`auth_mode`, `authorization.type`).
AUTH_MODE = re.compile(r"(?:^|\.)(?:\w*auth(?:entication|orization)?_?(?:type|mode|method|scheme)|authentication"
                       r"|authorization|\w*auth\w*\.\w*(?:type|mode|method|scheme))$")
# An access-control block switched on (`advanced_security_options.enabled`, `authentication.enabled`).
ACCESS_CONTROL = re.compile(r"(?:^|\.)\w*(?:security|auth|authentication|access_control|fine_grained)\w*\.enabled$")
# Flags that let callers in without credentials, or let anyone write: while one is on, nothing above counts.
OPEN_DOOR = re.compile(r"(?:^|\.)\w*(?:anonymous|unauthenticated)\w*$|(?:^|\.)public(?:ly)?_(?:write|upload)\w*$")
# The name of a secret a receiver verifies callers' signatures with (STRIPE_WEBHOOK_SECRET, signing_key).
SIGNING = re.compile(r"(?:webhook|signing|signature|hmac)[_-]?(?:secret|key)", re.IGNORECASE)


def still_authenticates(values: dict[str, Any]) -> str | None:
    """Why an endpoint with these values still authenticates every caller, or None."""
    reason = None
    for path, value in leaves(values):
        where = plain(path).lower()
        if OPEN_DOOR.search(where) and value is True:
            return None
        if AUTH_MODE.search(where) and isinstance(value, str):
            strength = authenticated(value)
            if strength == 0:
                return None
            if strength == 1 and reason is None:
                reason = f"it still authenticates every caller ({where} = {show(value)})"
        elif ACCESS_CONTROL.search(where) and value is True and reason is None:
            reason = f"it still authenticates every caller ({where} is on, anonymous access off)"
    return reason


def signed(values: dict[str, Any]) -> str | None:
    """Why a receiver checks its callers' signatures (its configuration names the signing secret), or None."""
    for path, value in leaves(values):
        for text in (path.rsplit(".", 1)[-1], value if isinstance(value, str) else ""):
            match = SIGNING.search(text)
            if match:
                return f"which checks callers' signatures with {text[:60]}"
    return None
