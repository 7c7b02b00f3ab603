"""Risk rules, identity: a grant created or changed so that an identity marked external (`ext:`, `external:`,
`guest:`, an Azure B2B `#EXT#` name) may pass the access on (delegable, with grant option) and it never expires. An
outsider who can re-grant what they hold, for good, is admin over it whatever the tier is called; a grant that
expires, cannot be passed on, or goes to one of the organisation's own identities is not reported."""

from __future__ import annotations

from collections.abc import Iterator

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Change
from tfreview.pipeline.findings import Finding, finding, on_change
from tfreview.pipeline.rules.grants import PRIVILEGED

GRANT_TYPE = lazy_compile(r"grant|assignment|binding|membership|permission|access|role|delegation")
DELEGATES = lazy_compile(r"^(?:is_)?(?:delegable|delegatable|redelegable|can_delegate|allow_delegation|grantable"
                         r"|with_grant_option|grant_option|admin_option|can_grant|reshare|can_reshare)$")
EXPIRY = lazy_compile(r"^(?:expires?|expiry|expiration|expires_at|expiration_date|end_date|until|valid_until|ttl)$")
EXTERNAL = lazy_compile(r"^(?:ext|external|guest|foreign|outside)[:/]|#ext#")
HOLDER = lazy_compile(r"^(?:holder|grantee|principal|member|identity|subject|user|assignee|recipient)(?:_id)?$")


def _external(value: object) -> bool:
    return isinstance(value, str) and EXTERNAL.search(value.strip().lower()) is not None


@on_change(type_pattern=GRANT_TYPE, words=(b"ext", b"external", b"guest", b"foreign", b"outside"))
def _delegable_to_outsider(change: Change) -> Iterator[Finding]:
    """Permanent, re-delegable grants to identities marked external."""
    after, before = change.after, change.before if isinstance(change.before, dict) else {}
    if not isinstance(after, dict):
        return
    holders = [k for k, v in after.items() if HOLDER.match(k) and _external(v)]
    delegates = [k for k, v in after.items() if DELEGATES.match(k) and v is True]
    endless = not any(EXPIRY.match(k) and v not in (None, "", 0, "never") for k, v in after.items())
    was = any(before.get(k) is True for k in delegates) and all(before.get(k) == after[k] for k in holders)
    if holders and delegates and endless and not was:
        yield finding(PRIVILEGED, change.address, f"{change.address}: the external identity {after[holders[0]]!r} "
                      f"gets access it may pass on ({delegates[0]} = true) that never expires: an outsider can "
                      "re-grant it for good")
