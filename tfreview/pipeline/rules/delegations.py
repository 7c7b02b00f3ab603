"""Risk rules, context grading: a new NS delegation is medium when it points at name servers the plan itself
provides (a child zone's `name_servers`, known after apply or shown by another change), and high when every name
server it names is one nothing else in the plan owns: the subdomain is handed to someone else's DNS.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import Finding, ReviewInput, Severity, grader
from tfreview.pipeline.rules.common import as_list, known, sides
from tfreview.pipeline.rules.planview import PlanView, plan_view
from tfreview.pipeline.rules.reach import DELEGATION

# Attributes of a record that hold its data (for NS: the name servers it delegates to).
DATA_KEYS = ("records", "rrdatas", "values", "value", "content", "data", "nameservers", "name_servers", "target",
             "targets", "answers")
HOST = lazy_compile(r"^[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?(?:\.[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?)+$")
MAX_DEPTH = 6


def _host(text: str) -> str:
    return text.strip().lower().rstrip(".")


def name_servers(values: dict[str, Any]) -> list[str]:
    """The host names a record's data attributes hold; [] when any of them is unknown or masked."""
    hosts: list[str] = []
    for key in DATA_KEYS:
        for item in as_list(values.get(key)):
            if not known(item):
                return []
            if isinstance(item, str) and HOST.match(_host(item)):
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
    elif isinstance(value, str) and "." in value and len(value) < 256:
        yield _host(value)


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
