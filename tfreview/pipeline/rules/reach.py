"""Reach by update (risk rules stage; feeds `dns-delegation`): NS records or a domain's name servers changed or
gone, an apex record deleted, or a CAA or DMARC record deleted (who may issue certificates or send mail for the
name is no longer restricted). Read by key shape, so any DNS provider is covered (routes through one machine:
routes.py). The other updates that destroy or hide are in mutes.py (monitors muted for everything), expiration.py
(lifecycle rules that expire a whole bucket) and upgrades.py (imports that also change, major upgrades).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.diff import UNKNOWN
from tfreview.pipeline.findings import ALTERING, Finding, Severity, declare, finding, on_change
from tfreview.pipeline.rules.common import known, show, sides
from tfreview.pipeline.rules.domains import is_apex

DELEGATION = declare("dns-delegation", Severity.HIGH,
                     "DNS delegation moves: NS records or a domain's name servers change or go, an apex record is "
                     "deleted, or a record that restricts who issues certificates or sends mail for a name (CAA, "
                     "DMARC) is deleted.")

RECORD_TYPES = lazy_compile(r"(?:^|_)(?:record|records|record_set|dns_record|ns_record)(?:_|$)")
NAME_SERVER_KEYS = lazy_compile(r"^(?:name_?servers?|nameservers?|name_server_list|ns_records?)$")
APEX_KINDS = {"A", "AAAA", "CNAME", "ALIAS", "MX", "NS", "SOA", "ANAME"}


# Attributes of a record that say how it is cached, labelled or owned, never where it points.
INERT_RECORD_KEYS = frozenset({"ttl", "comment", "comments", "description", "tags", "tags_all", "labels",
                               "allow_overwrite", "notes", "id", "modified_on", "created_on"})


def _inert(before: dict[str, Any], after: dict[str, Any]) -> bool:
    """Whether an NS record's update changes only how it is cached or labelled (TTL, comment, tags): the
    delegation target is unchanged, so nothing moves."""
    changed = {k for k in before.keys() | after.keys() if before.get(k) != after.get(k)}
    return bool(before) and bool(after) and changed <= INERT_RECORD_KEYS


def _record_kind(values: dict[str, Any], resource_type: str) -> str:
    if "_ns_record" in resource_type:
        return "NS"
    return str(values.get("type") or values.get("record_type") or "").upper()


def _is_apex(values: dict[str, Any]) -> bool:
    return is_apex(str(values.get("name") or values.get("fqdn") or ""))


def _guard_record(kind: str, values: dict[str, Any]) -> str | None:
    """What a record restricts, when it is a CAA record (which authorities may issue certificates for the name) or
    a DMARC policy (what receivers do with mail forged in the domain's name); None otherwise."""
    if kind == "CAA":
        return "CAA record set is deleted: any certificate authority may now issue certificates for it"
    name = str(values.get("name") or values.get("fqdn") or "").lower()
    if kind == "TXT" and (name == "_dmarc" or name.startswith("_dmarc.")):
        return "DMARC policy is deleted: receivers stop rejecting mail forged in its name"
    return None


def _addresses(value: object) -> bool:
    """Whether VALUE lists IP addresses only: resolvers a network's clients ask (dnsforward.py judges where they
    move), not the host names a domain is delegated to."""
    items = value if isinstance(value, list) else [value]
    try:
        return bool(items) and all(isinstance(i, str) and ipaddress.ip_address(i.strip()) for i in items)
    except ValueError:
        return False


# A RECORD_TYPES type or a NAME_SERVER_KEYS key is needed.
@on_change(actions=(*ALTERING, Action.DELETE), words=(b"record", b"name_server", b"nameserver"))
def _delegation(change: Change) -> Iterator[Finding]:
    before, after = sides(change)
    if RECORD_TYPES.search(change.type):
        kind = _record_kind(after or before, change.type)
        if kind == "NS" and change.action is not Action.CREATE and before != after \
                and not (change.action is Action.UPDATE and _inert(before, after)):
            yield finding(DELEGATION, change.address,
                          f"{change.address}: NS records are {change.action.value}d (DNS delegation moves)")
        elif kind == "NS" and change.action is Action.CREATE:
            yield finding(DELEGATION, change.address, f"{change.address}: a new NS delegation is created",
                          Severity.MEDIUM)
        elif change.action is Action.DELETE and (guard := _guard_record(kind, before)):
            yield finding(DELEGATION, change.address, f"{change.address}: the {before.get('name')} {guard}")
        elif change.action is Action.DELETE and kind in APEX_KINDS and _is_apex(before):
            yield finding(DELEGATION, change.address,
                          f"{change.address}: the apex {kind} record of {before.get('name')} is deleted")
        return
    if change.action in (Action.UPDATE, Action.REPLACE):
        for key in before.keys() & after.keys():
            old, new = before.get(key), after.get(key)
            if NAME_SERVER_KEYS.match(key) and old and known(old) and old != new and new != UNKNOWN \
                    and not (_addresses(old) and _addresses(new)):
                yield finding(DELEGATION, change.address,
                              f"{change.address}: {key} {show(old)} → {show(new)} (the domain is delegated elsewhere)")


