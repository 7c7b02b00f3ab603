"""Risk rules, lifecycle helper: DNS records — which deleted record only stops one name resolving, and which
holds the domain's mail policy; lifecycle.py grades deletes with them."""

from __future__ import annotations

import re

from tfreview.pipeline.changes import Change
from tfreview.pipeline.rules.domains import is_apex

DNS_RECORDS = re.compile(r"(?:^|_)(?:record|records|record_set|dns_record)(?:_|$)")


# Apex records that route the domain: reach.py judges their delete.
ROUTING_KINDS = frozenset({"A", "AAAA", "CNAME", "ALIAS", "ANAME", "MX", "NS", "SOA"})
# The domain-wide mail policies (SPF, DMARC): without them anyone can send mail as the domain. DKIM keys are
# not among them: selectors are rotated by deleting the old one.
MAIL_POLICY = re.compile(r"\bv=(?:spf1|dmarc1)\b", re.IGNORECASE)
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
