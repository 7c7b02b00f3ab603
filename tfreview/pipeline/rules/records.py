"""Risk rules, lifecycle helper: DNS records — which deleted record only stops one name resolving, and which
holds the domain's mail policy; ladders.py grades deletes with them."""

from __future__ import annotations

import re

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Change
from tfreview.pipeline.rules.domains import is_apex

DNS_RECORDS = lazy_compile(r"(?:^|_)(?:record|records|record_set|dns_record)(?:_|$)")


# Apex records that route the domain: reach.py judges their delete.
ROUTING_KINDS = frozenset({"A", "AAAA", "CNAME", "ALIAS", "ANAME", "MX", "NS", "SOA"})
# The domain-wide mail policies (SPF, DMARC): without them anyone can send mail as the domain. DKIM keys are
# not among them: selectors are rotated by deleting the old one.
MAIL_POLICY = lazy_compile(r"\bv=(?:spf1|dmarc1)\b", re.IGNORECASE)
RECORD_VALUES = ("records", "record", "value", "values", "content", "data", "rrdatas", "txt_record")


def record_name(change: Change) -> str | None:
    """The name of a deleted DNS record that does not route the domain's apex, or None.

    An apex A/MX/NS record takes the whole domain or its mail down (reach.py); anything else at the apex (an
    ownership-verification TXT, a CAA, an SRV) stops one name from resolving, like a record below the apex."""
    if not DNS_RECORDS.search(change.type) or not isinstance(change.before, dict):
        return None
    name = str(change.before.get("name") or "").rstrip(".")
    apex = is_apex(name)
    kind = str(change.before.get("type") or change.before.get("record_type") or "").upper()
    if apex and (kind in ROUTING_KINDS or not kind):
        return None
    return str(change.before.get("hostname") or change.before.get("fqdn") or name)


def mail_policy(change: Change) -> bool:
    """Whether a deleted DNS record holds the domain's SPF or DMARC policy."""
    before = change.before if isinstance(change.before, dict) else {}
    return bool(DNS_RECORDS.search(change.type)) and any(
        MAIL_POLICY.search(str(before.get(key))) for key in RECORD_VALUES if before.get(key) is not None)


ZONE_KEYS = ("zone_id", "zone", "zone_name", "managed_zone", "hosted_zone_id", "domain", "resource_group_name")


def record_kept(change: Change) -> str | None:
    """Why replacing a DNS record keeps its name resolving, or None: it is re-created under the same name in the
    same zone (a type change, A → CNAME), and it does not route the domain's apex; or it moves from one DKIM
    selector to the next. What the new record points at
    is judged by the record and takeover rules."""
    before = change.before if isinstance(change.before, dict) else {}
    after = change.after if isinstance(change.after, dict) else {}
    if not before or not after or record_name(change) is None:
        return None
    old_name, new_name = (str(side.get("name") or "").rstrip(".").lower() for side in (before, after))
    if old_name != new_name:
        return _selector_rotated(old_name, new_name)
    if any(before.get(key) != after.get(key) for key in ZONE_KEYS if key in before or key in after):
        return None
    return f"DNS record {record_name(change)} is re-created under the same name in the same apply"


# A DKIM key's record, named for its selector (`<token>._domainkey.example.com`).
DKIM_SELECTOR = lazy_compile(r"^[^.]+\._domainkey\.(.+)$")


def _selector_rotated(old: str, new: str) -> str | None:
    """Why a record renamed from one DKIM selector to another of the same domain is a key rotation: the provider
    issued new keys, their records are published in the same apply, and mail is signed with them from then on."""
    was, now = DKIM_SELECTOR.match(old), DKIM_SELECTOR.match(new)
    if was is None or now is None or was[1] != now[1]:
        return None
    return f"DKIM selector of {was[1]} rotated: the new key's record is published in the same apply"
