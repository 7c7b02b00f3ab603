"""Risk rules, identity (reported as `client-loosened`): a client, key or token that anyone may act as gains scopes
that write, move money or administer.

Anyone may act as a client whose own names say so (`anonymous`, `guest`, `unauthenticated`, an open-data feed's
client): its credential ships in public apps and pages, or is handed to all comers. Whatever scope it holds, every
stranger holds. Reading scopes on such a client is its purpose; a scope that writes (`fares:write`), issues money
(`refunds:issue`), deletes or administers is given to everyone. A client named for one partner or app, however
public its OAuth client type, is judged by the client rules instead (clients.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import Finding, finding, on_change
from tfreview.pipeline.rules.clients import RULE
from tfreview.pipeline.rules.common import as_list, sides

# Types of a credential something acts as: an API client, app, key, token or consumer.
CREDENTIAL_TYPES = lazy_compile(r"(?:^|_)(?:client|clients|app|application|api_key|key|token|consumer|credential)s?$")
SCOPE_KEYS = lazy_compile(r"^(?:\w+_)?(?:scopes?|permissions?|grants?|rights|capabilities)$")
NAME_KEYS = ("name", "client_name", "display_name", "client_id", "app_name", "key_name", "description")
# Words of a name that say anyone may act as the client.
ANYONE = frozenset({"anonymous", "anon", "guest", "guests", "unauthenticated", "everyone", "anyone", "opendata"})
_WORD = lazy_compile(r"[a-z0-9]+")
# A scope's verb that writes, moves money or administers (`fares:write`, `refunds.issue`, `admin`, `*`).
WRITING = lazy_compile(r"(?:^|[:._/\-])(?:write|admin|manage|delete|issue|refund|refunds|transfer|payout|full|\*)"
                       r"(?:$|[:._/\-])", flags=0)


def _open_to_anyone(values: dict[str, Any]) -> str | None:
    """The name that says anyone may act as the client, or None."""
    for key in NAME_KEYS:
        value = values.get(key)
        if isinstance(value, str):
            said = set(_WORD.findall(value.lower()))
            if said & ANYONE or {"open", "data"} <= said:
                return value
    return None


def _writing_scopes(values: dict[str, Any]) -> dict[str, set[str]]:
    return {key: {str(s) for s in as_list(value) if isinstance(s, str) and WRITING.search(s.lower())}
            for key, value in values.items() if SCOPE_KEYS.match(key)}


@on_change(actions=(Action.CREATE, Action.UPDATE), type_pattern=CREDENTIAL_TYPES,
           words=(b"scope", b"permission", b"grant", b"right", b"capabilit"))
def _anyone_writes(change: Change) -> Iterator[Finding]:
    before, after = sides(change)
    name = _open_to_anyone(after)
    if name is None:
        return
    old = _writing_scopes(before)
    for key, scopes in _writing_scopes(after).items():
        gained = sorted(scopes - old.get(key, set()))
        if gained:
            yield finding(RULE, change.address, f"{change.address}: {key} gains {', '.join(gained[:3])} on {name!r}, "
                          "a client its name says anyone may act as: every stranger may now do it")
