"""Risk rules, lifecycle helper: a site, app or protection policy retired together with the names that reached it
(its DNS records, its hostname), or succeeded by a new one its DNS record is re-pointed to; lifecycle.py grades
deletes with it."""

from __future__ import annotations

import json
import re

from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import ReviewInput
from tfreview.pipeline.rules.domains import is_apex
from tfreview.pipeline.rules.planview import PlanView, plan_view
from tfreview.pipeline.rules.records import DNS_RECORDS
from tfreview.pipeline.rules.takeover import successor

_HOST = re.compile(r"\b(?:[a-z0-9-]+\.)+[a-z]{2,}\b")
# Objects that define a name: a DNS record, or a hostname or custom domain bound to a service.
NAMING = re.compile(r"(?:^|_)(?:hostname|custom_hostname|domain|custom_domain|domain_mapping)(?:_v\d+)?$")
# Attributes by which a provider asks for a DNS record pointing at it: left behind, that record can be taken over.
DNS_TARGETS = re.compile(r"(?:^|_)(?:cname|cname_target|dns_target|target_hostname)$")
IDENTIFIERS = ("id", "arn")


def _values(change: Change, after: bool = False) -> dict[str, object]:
    side = change.after if after else change.before
    return side if isinstance(side, dict) else {}


def _hosts(attrs: dict[str, object]) -> set[str]:
    """The host names the values hold, not a bare domain (`acme.com`, `acme.co.uk`) that a whole zone shares; a
    name on a platform's suffix (`app-1.onrender.com`) is one service's host."""
    return {h for h in _HOST.findall(json.dumps(attrs).lower())
            if not is_apex(h) or (h.count(".") >= 2 and len(h.rsplit(".", 1)[-1]) > 2)}


def _strings(attrs: dict[str, object]) -> set[str]:
    return {v for v in attrs.values() if isinstance(v, str) and len(v) >= 6}


def _own_id(change: Change, after: bool = False) -> set[str]:
    attrs = _values(change, after)
    return {v for key in IDENTIFIERS if isinstance(v := attrs.get(key), str) and len(v) >= 6}


def _linked(one: Change, other: Change, after: bool = False) -> bool:
    """Whether one object holds the other's id or ARN (an app's domain holds the app's id)."""
    return bool(_own_id(one) & _strings(_values(other, after))
                or _own_id(other, after) & _strings(_values(one)))


def _naming(change: Change) -> bool:
    return bool(DNS_RECORDS.search(change.type) or NAMING.search(change.type))


def _group(change: Change, view: PlanView) -> list[Change]:
    """The deletes that go with CHANGE: linked to it by id, then every delete that names one of their hosts."""
    deletes = view.of(Action.DELETE)
    group = [change, *(c for c in deletes if c is not change and _linked(change, c))]
    hosts = set().union(*(_hosts(_values(c)) for c in group))
    group += [c for c in deletes if all(c is not g for g in group) and _hosts(_values(c)) & hosts]
    return group


def _survivor(group: list[Change], hosts: set[str], view: PlanView) -> Change | None:
    """An object the plan keeps that still names one of the hosts or holds one of the group's ids."""
    for other in view.changes:
        if other.mode != "managed" or other.action is Action.DELETE:
            continue
        after = other.action is not Action.NO_OP and isinstance(other.after, dict)
        if _hosts(_values(other, after)) & hosts or any(_linked(g, other, after) for g in group):
            return other
    return None


def retired_with_names(change: Change, ri: ReviewInput) -> str | None:
    """Why a deleted app, site or policy is retired whole, or None: the plan deletes with it an object that
    defines its name (a DNS record, a hostname), every record a provider asked to point at it, and nothing kept
    still names its hosts or holds its id."""
    if change.action is not Action.DELETE or DNS_RECORDS.search(change.type):
        return None
    view = plan_view(ri)
    group = _group(change, view)
    hosts = set().union(*(_hosts(_values(c)) for c in group))
    if len(group) < 2 or not hosts or not any(_naming(c) for c in group):
        return None
    targets = {h for c in group for key, value in _values(c).items() if DNS_TARGETS.search(key)
               for h in _hosts({key: value})}
    records = [c for c in group if DNS_RECORDS.search(c.type)]
    if any(not any(t in _hosts(_values(r)) for r in records) for t in targets):
        return None
    if _survivor(group, hosts, view) is not None:
        return None
    names = sorted(c.address for c in group if c is not change)
    return f"retired together with {', '.join(names)} (what named it goes too); nothing kept still names it"


def taken_over(change: Change, ri: ReviewInput) -> str | None:
    """Why a deleted service is migrated, or None: a create of its kind takes over, a DNS record that pointed
    at the old one is re-pointed in the same plan, and no kept record still points at a host only the old had."""
    if change.action is not Action.DELETE:
        return None
    old = _hosts(_values(change))
    new = successor(change, ri) if old else None
    if new is None:
        return None
    carried = _hosts(_values(new, True))
    moved = False
    for other in plan_view(ri).changes:
        if other.mode != "managed" or other.action is Action.DELETE or not DNS_RECORDS.search(other.type):
            continue
        before, after = _hosts(_values(other)), _hosts(_values(other, other.action is not Action.NO_OP))
        if (after & old) - carried:
            return None
        moved = moved or (bool(before & old - carried) and other.action is Action.UPDATE)
    return f"{new.address} takes over and its DNS record is re-pointed to it in the same plan" if moved else None
