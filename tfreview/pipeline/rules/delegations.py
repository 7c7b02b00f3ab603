"""Risk rules, context grading: a new NS delegation is medium when it points at name servers the plan itself
provides (a child zone's `name_servers`, known after apply or shown by another change), and high when every name
server it names is one nothing else in the plan owns: the subdomain is handed to someone else's DNS.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import Finding, ReviewInput, Severity, graded_medium, grader
from tfreview.pipeline.rules.common import as_list, known, sides
from tfreview.pipeline.rules.planview import PlanView, plan_view
from tfreview.pipeline.rules.reach import DELEGATION

# Attributes of a record that hold its data (for NS: the name servers it delegates to).
DATA_KEYS = ("records", "rrdatas", "values", "value", "content", "data", "nameservers", "name_servers", "target",
             "targets", "answers", "answer", "rdata")
HOST = lazy_compile(r"^[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?(?:\.[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?)+$")
MAX_DEPTH = 6
_SEPARATORS = lazy_compile(r"[,;\s]+")


def _host(text: str) -> str:
    return text.strip().lower().rstrip(".")


def name_servers(values: dict[str, Any], depth: int = 0) -> list[str]:
    """The host names a record's data attributes hold; [] when any of them is unknown or masked."""
    hosts: list[str] = []
    for key in DATA_KEYS:
        for item in as_list(values.get(key)):
            if not known(item):
                return []
            if isinstance(item, dict) and depth < 2:  # an answer block (NS1 `answers[].answer`, `rdata` entries)
                inner = name_servers(item, depth + 1)
                if not inner and any(not known(item.get(k)) for k in DATA_KEYS if k in item):
                    return []
                hosts += inner
            elif isinstance(item, str) and HOST.match(_host(item)):
                hosts.append(_host(item))
    return hosts


def _strings(value: Any, depth: int = 0) -> Iterator[str]:
    if depth > MAX_DEPTH:
        return
    if isinstance(value, dict):
        for inner in value.values():
            yield from _strings(inner, depth + 1)
    elif isinstance(value, list):
        for inner in value:
            yield from _strings(inner, depth + 1)
    elif isinstance(value, str) and "." in value and len(value) < 1024:
        # a list written as one string (NS1's `dns_servers = "dns1.p01.nsone.net,dns2.p01.nsone.net"`)
        yield from (_host(part) for part in _SEPARATORS.split(value) if "." in part and len(part) < 256)


def _shown(view: PlanView) -> dict[str, set[str]]:
    """Each host-like string of the plan's changes, with the addresses of the changes that show it."""
    shown: dict[str, set[str]] = {}
    for change in view.changes:
        for side in sides(change):
            for text in _strings(side):
                shown.setdefault(text, set()).add(change.address)
    return shown


def _foreign(change: Change, view: PlanView) -> list[str] | None:
    """The name servers of a created NS record when none of them is shown by another change; else None."""
    hosts = name_servers(sides(change)[1])
    if not hosts:
        return None
    shown: dict[str, set[str]] = view.derived("host strings", _shown)
    if any(shown.get(host, set()) - {change.address} for host in hosts):
        return None
    return hosts


@grader
def foreign_delegation(review_input: ReviewInput, findings: list[Finding]) -> list[Finding]:
    """A new NS delegation to name servers nothing else in the plan owns: high."""
    if not any(f.rule == DELEGATION and f.severity is Severity.MEDIUM for f in findings):
        return findings
    view = plan_view(review_input)
    changes = {c.address: c for c in view.changes if c.mode == "managed"}
    graded: list[Finding] = []
    for found in findings:
        record = changes.get(found.address or "")
        if found.rule == DELEGATION and found.severity is Severity.MEDIUM and record is not None \
                and record.action is Action.CREATE and (hosts := _foreign(record, view)):
            found = found.model_copy(update={"severity": Severity.HIGH, "message": found.message +
                                             f" — to {', '.join(hosts)}, name servers nothing else in this plan "
                                             "owns: the subdomain is handed to another DNS; confirm they are yours"})
        graded.append(found)
    return graded


# --- a sub-zone retired with its delegation --------------------------------------------------------------------
ZONE_TYPES = lazy_compile(r"(?:^|_)(?:dns_)?(?:managed_)?zone$")
ZONE_NAME_KEYS = ("name", "dns_name", "zone", "domain")
RECORD_NAME_KEYS = ("name", "fqdn", "hostname")


def _name(values: dict[str, Any], keys: tuple[str, ...]) -> str | None:
    return next((_host(v) for k in keys if isinstance(v := values.get(k), str) and "." in v), None)


@grader
def retired_with_delegation(review_input: ReviewInput, findings: list[Finding]) -> list[Finding]:
    """A zone deleted together with the NS records that delegated its name (and those records): the subdomain is
    retired whole — nothing is left pointing at name servers that no longer answer for it. Both graded medium."""
    if not any(f.rule in (DELEGATION, "resource-delete") and f.severity is Severity.HIGH for f in findings):
        return findings
    view = plan_view(review_input)
    deleted = [c for c in view.changes if c.mode == "managed" and c.action is Action.DELETE]
    zones = {name: c.address for c in deleted if ZONE_TYPES.search(c.type)
             and (name := _name(sides(c)[0], ZONE_NAME_KEYS))}
    delegations = {name: c.address for c in deleted if "record" in c.type
                   and str(sides(c)[0].get("type", "")).upper() == "NS"
                   and (name := _name(sides(c)[0], RECORD_NAME_KEYS)) in zones}
    if not delegations:
        return findings
    # each retired address: the sub-zone's name, and what went with it
    retired = {zones[name]: (name, "its delegation") for name in delegations}
    retired |= {address: (name, "the zone it delegated to") for name, address in delegations.items()}
    return [graded_medium(f, f"retired with {retired[f.address][1]}: the whole sub-zone {retired[f.address][0]} "
                          "goes, nothing is left delegated to name servers that no longer answer")
            if f.address in retired and f.severity is Severity.HIGH and f.rule in (DELEGATION, "resource-delete")
            else f for f in findings]
