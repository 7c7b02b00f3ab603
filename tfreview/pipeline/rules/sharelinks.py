"""Risk rules, exposure (reported under `public-access`): a share link of any provider (a storage vault's share
link, a drive's sharing link, a dataset's public URL) made for anyone — its access says anonymous, anyone, public or
everyone — and never expiring. Whoever holds or finds the URL reads what it shares, for good. A link that names
who may use it, that requires a sign-in, or that expires within a month is medium (a time-boxed share with a
collaborator); one made anonymous on an update is high whatever its expiry says. A resource of any other type (a
dataset share, a folder) is read by the settings named for its link (`link_access = "anyone_with_link"`).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import Finding, Severity, finding, on_change
from tfreview.pipeline.rules.units import duration
from tfreview.pipeline.rules.vocabulary.terms import PUBLIC

LINK_TYPES = lazy_compile(r"(?:^|_)(?:share|sharing|shared|public|anonymous|presigned)_(?:link|links|url|urls)$"
                          r"|(?:^|_)(?:share_link|link_share|public_share|file_share_link)$")
ACCESS_KEYS = ("access", "access_type", "audience", "link_type", "scope", "visibility", "who_can_access", "allow",
               "link_access", "link_sharing", "link_scope", "link_audience")
# On a type not named for links (a dataset share, a drive folder), only a setting named for its link says who may
# open it: `link_access = "anyone_with_link"`.
LINK_SETTINGS = ACCESS_KEYS[-4:]
ANYONE = frozenset({"anonymous", "anyone", "public", "everyone", "anyone_with_link", "anyonewithlink", "world", "all"})
EXPIRY_KEYS = ("expires_in", "expiry", "expiration", "expires_after", "ttl", "valid_for", "lifetime")
NEVER = frozenset({"0", "", "never", "none", "unlimited", "infinite", "-1", "0s", "0d"})
MONTH = 31 * 86400


def _anyone(values: dict[str, Any], keys: tuple[str, ...] = ACCESS_KEYS) -> str | None:
    for key in keys:
        value = values.get(key)
        if isinstance(value, str) and value.strip().lower().replace("-", "_") in ANYONE:
            return f"{key} = {value!r}"
    return None


def _expiry(values: dict[str, Any]) -> float | None:
    """Seconds until the link expires; inf when it never does (0, never, unset); None when unreadable."""
    keys = [k for k in EXPIRY_KEYS if k in values]
    if not keys:
        return float("inf")
    value = values[keys[0]]
    if value is None or (isinstance(value, (str, int)) and str(value).strip().lower() in NEVER):
        return float("inf")
    seconds = duration(value, "s") if isinstance(value, (int, float)) else duration(value)
    return seconds


@on_change(actions=(Action.CREATE, Action.UPDATE, Action.REPLACE), words=(b"link", b"url"))
def _anonymous_link(change: Change) -> Iterator[Finding]:
    after = change.after if isinstance(change.after, dict) else {}
    before = change.before if isinstance(change.before, dict) else {}
    keys = ACCESS_KEYS if LINK_TYPES.search(change.type) else LINK_SETTINGS
    who = _anyone(after, keys)
    if who is None or (before and _anyone(before, keys)):
        return
    lasts = _expiry(after)
    if lasts is None:
        return
    forever = lasts == float("inf")
    severity = Severity.HIGH if forever or before else Severity.MEDIUM if lasts <= MONTH else Severity.HIGH
    when = "and never expires" if forever else f"for {int(lasts // 86400)} days"
    yield finding(PUBLIC, change.address, f"{change.address}: a share link for anyone ({who}) {when}: whoever holds "
                  "or finds the URL reads what it shares", severity)
