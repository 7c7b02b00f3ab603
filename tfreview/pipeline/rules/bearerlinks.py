"""Risk rules, reach (foreign.py reports these under foreign-data-share): a bearer link minted for years — a shared
access signature, a presigned or pre-authenticated URL, any provider's signed link, read by a data source or made
by a resource — whose rights write or delete, read or list every object of a store, or that travels over plain
HTTP. Whoever holds the URL acts with those rights until it expires, with no identity to revoke short of rotating
the key that signed it.

A link valid for at most a year, or one that reads named objects over HTTPS only, is a hand-off; so is one whose
expiry is known only after apply (a rotating anchor), which the plan cannot date.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime, timedelta

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import Finding, ReviewInput, finding
from tfreview.pipeline.rules.expiry import moment, plan_time
from tfreview.pipeline.rules.values import leaves, plain

LINK_TYPES = lazy_compile(r"(?:^|_)sas(?:_|$)|presign|pre_?authenticated|preauth|signed_url|share_link|bearer_link")
EXPIRY = lazy_compile(r"(?:^|\.)(?:expiry|expiration|expires?|expires_at|time_expires|end_time|valid_until)$")
START = lazy_compile(r"(?:^|\.)(?:start|start_time|valid_from|not_before)$")
# Rights that change or remove what the link reaches (a permission flag set, or a letter of an Azure string).
WRITES = lazy_compile(r"(?:^|\.)(?:write|delete|create|add|update|permanent_delete|set_immutability_policy)$")
PLAIN_ALLOWED = lazy_compile(r"(?:^|\.)https_only$")
# Rights over a whole store rather than one object: any object of the bucket, or a listing of its names (Oracle
# Cloud's `access_type = "AnyObjectRead"`, `bucket_listing_action = "ListObjects"`).
WHOLE_STORE = lazy_compile(r"^anyobject\w*$|^list_?objects$", re.IGNORECASE)
LONG = timedelta(days=366)
LIVE = (Action.CREATE, Action.UPDATE, Action.REPLACE, Action.READ)


def _when(change: Change, pattern: re.Pattern[str]) -> datetime | None:
    return next((found for path, value in leaves(change.after) if isinstance(value, str)
                 and pattern.search(plain(path)) and (found := moment(value)) is not None), None)


def _why(change: Change, now: datetime | None) -> str | None:
    """Why a minted link is dangerous in the wrong hands, or None."""
    end = _when(change, EXPIRY)
    start = _when(change, START) or now
    if end is None or start is None or end - start <= LONG:
        return None
    values = list(leaves(change.after))
    writes = sorted({plain(p).rsplit(".", 1)[-1] for p, v in values if v is True and WRITES.search(plain(p))})
    plain_http = any(v is False and PLAIN_ALLOWED.search(plain(p)) for p, v in values)
    whole = sorted({v for _, v in values if isinstance(v, str) and WHOLE_STORE.match(v.strip())})
    if not writes and not plain_http and not whole:
        return None
    rights = f"with {', '.join(writes[:4])} rights" if writes \
        else f"reading every object of the store ({', '.join(whole[:2])})" if whole else "read-only"
    return (f"a bearer link valid until {end.date()} ({(end - start).days // 365} years), {rights}"
            + (", usable over plain HTTP" if plain_http else ""))


def long_lived_links(ri: ReviewInput, rule_id: str) -> Iterator[Finding]:
    """Findings for the bearer links the plan mints for more than a year with rights to change data."""
    now = plan_time(ri)
    for change in ri.changeset.changes:
        if change.action in LIVE and LINK_TYPES.search(change.type) and (why := _why(change, now)):
            yield finding(rule_id, change.address, f"{change.address} mints {why}: whoever holds the URL acts with "
                          "those rights, and only rotating the signing key revokes it")
