"""Risk rules, context grading (exposure): a created object judged against the objects of its type the same plan
keeps, deletes or replaces. A managed API endpoint opened to the whole internet is the provider's default on a create
(network-open-ingress, medium); when the plan shows an object of the same type whose endpoint setting is closed
(public access off, private only, a narrower allow-list), the new one departs from it — a region move or a successor
that opens what its sibling or predecessor kept shut: high."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import Finding, ReviewInput, Severity, graded_high, grader
from tfreview.pipeline.rules.controls import direction
from tfreview.pipeline.rules.exposure import API_ENDPOINT, OPEN, openings
from tfreview.pipeline.rules.planview import PlanView, plan_view
from tfreview.pipeline.rules.values import leaves

# Settings of an endpoint's reach: public or private access, the allow-list in front of it.
REACH = lazy_compile(r"public|private|endpoint|authori[sz]ed|access_cidrs|ip_ranges")
_INDEX = lazy_compile(r"\[\d+\]")


def _plain(values: Any) -> dict[str, Any]:
    """Leaves by path without list indices (`vpc_config.endpoint_public_access`)."""
    return {_INDEX.sub("", path): value for path, value in leaves(values)}


def _closed_by(new: Change, other: Change) -> str | None:
    """The setting in which OTHER (kept, deleted or replaced) holds the endpoint shut that NEW opens, or None."""
    opened = _plain(new.after)
    for values in (other.before, other.after):
        if not isinstance(values, dict):
            continue
        for path, value in _plain(values).items():
            if path in opened and REACH.search(path) and direction(new.type, path, value, opened[path]) == -1:
                return path
        for path, value in _plain(values).items():
            if API_ENDPOINT.search(path) and isinstance(value, list) and value \
                    and not any(API_ENDPOINT.search(p) for p, _s, _ports in openings(new.type, values)):
                return path
    return None


def _by_type(view: PlanView) -> dict[str, list[Change]]:
    """Per plan: the managed objects it keeps, deletes or replaces, by type."""
    found: dict[str, list[Change]] = defaultdict(list)
    for change in view.changes:
        if change.mode == "managed" and change.action is not Action.CREATE:
            found[change.type].append(change)
    return found


def _departure(change: Change, ri: ReviewInput) -> str | None:
    """Why a created endpoint's opening departs from an object of its type in the plan, or None."""
    for other in plan_view(ri).derived("non-creates by type", _by_type).get(change.type, []):
        if (path := _closed_by(change, other)) is not None:
            return f"{other.address}, of the same type in this plan, keeps it shut ({path}): the new one departs " \
                   "from it"
    return None


@grader
def endpoint_departs(review_input: ReviewInput, findings: list[Finding]) -> list[Finding]:
    """A created API endpoint opened to the internet (medium as a default) beside one of its type kept shut: high."""
    if not any(f.rule == OPEN and f.severity is Severity.MEDIUM for f in findings):
        return findings
    created = {c.address: c for c in plan_view(review_input).of(Action.CREATE)}
    graded: list[Finding] = []
    for found in findings:
        change = created.get(found.address or "")
        if found.rule == OPEN and found.severity is Severity.MEDIUM and change is not None \
                and "its API endpoint" in found.message and (why := _departure(change, review_input)):
            found = graded_high(found, why)
        graded.append(found)
    return graded
