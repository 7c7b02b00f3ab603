"""Risk rules, context grading (detection): what an audit trail records, read whichever way its selectors are written.
A trail (or event data store) names what it records with basic selectors (`event_selector`: management events on
or off, read/write, data resources) or advanced ones (`advanced_event_selector`: field tests on `eventCategory`,
`readOnly`, `resources.type`, `resources.ARN`, `eventSource`). Moving from one spelling to the other removes every
block of the first, which reads as "management events turned off" and "a selector removed"; what matters is whether
anything recorded before is no longer recorded. When nothing is lost, the selector findings on that trail are graded
medium, saying so; when something is lost (management reads dropped, a bucket's data events gone, a service left
out), they stay as they are.
"""

from __future__ import annotations

from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action
from tfreview.pipeline.findings import Finding, ReviewInput, Severity, graded_medium, grader
from tfreview.pipeline.rules.common import as_dict, as_list
from tfreview.pipeline.rules.planview import plan_view
from tfreview.pipeline.rules.retention import LOGGING
from tfreview.pipeline.rules.vocabulary import DETECTION

TRAILS = lazy_compile(r"cloudtrail|event_data_store")
# Paths a finding names when it is about what the selectors record.
SELECTOR_WORDS = ("event_selector", "advanced_event_selector", "include_management_events", "data_resource",
                  "read_write_type")
ACCESS = {"all": ("read", "write"), "readonly": ("read",), "writeonly": ("write",)}
Recorded = frozenset[tuple[str, str, str]]  # (category, access, what: "*" or a resource type and ARN prefix)


def recorded(trail: dict[str, Any]) -> Recorded | None:
    """What a trail records, from both kinds of selector; None when it names none (the provider's default)."""
    basic, advanced = as_list(trail.get("event_selector")), as_list(trail.get("advanced_event_selector"))
    if not basic and not advanced:
        return None
    found: set[tuple[str, str, str]] = set()
    for selector in (as_dict(s) for s in basic):
        found |= _basic(selector)
    for selector in (as_dict(s) for s in advanced):
        found |= _advanced(selector)
    return frozenset(found)


def _basic(selector: dict[str, Any]) -> set[tuple[str, str, str]]:
    access = ACCESS.get(str(selector.get("read_write_type") or "All").lower(), ("read", "write"))
    excluded = sorted(str(s) for s in as_list(selector.get("exclude_management_event_sources")))
    found = set()
    if selector.get("include_management_events", True) is not False:
        found |= {("management", a, "*" if not excluded else "* except " + ",".join(excluded)) for a in access}
    for resource in (as_dict(r) for r in as_list(selector.get("data_resource"))):
        for value in as_list(resource.get("values")) or ["*"]:
            found |= {("data", a, f"{resource.get('type')} {value}") for a in access}
    return found


def _advanced(selector: dict[str, Any]) -> set[tuple[str, str, str]]:
    fields = {str(f.get("field")): f for f in (as_dict(x) for x in as_list(selector.get("field_selector")))}
    categories = [str(c).lower() for c in as_list(as_dict(fields.get("eventCategory")).get("equals"))]
    read_only = [str(v).lower() for v in as_list(as_dict(fields.get("readOnly")).get("equals"))]
    access = ("read",) if read_only == ["true"] else ("write",) if read_only == ["false"] else ("read", "write")
    excluded = sorted(str(s) for s in as_list(as_dict(fields.get("eventSource")).get("not_equals")))
    limits = [f for name, f in fields.items() if name not in ("eventCategory", "readOnly", "eventSource",
                                                               "resources.type", "resources.ARN")]
    found = set()
    if "management" in categories and not limits:
        found |= {("management", a, "*" if not excluded else "* except " + ",".join(excluded)) for a in access}
    if "data" in categories:
        types = [str(t) for t in as_list(as_dict(fields.get("resources.type")).get("equals"))] or ["*"]
        arn = as_dict(fields.get("resources.ARN"))
        prefixes = [str(p) for p in as_list(arn.get("starts_with")) + as_list(arn.get("equals"))] or ["*"]
        found |= {("data", a, f"{t} {p}") for a in access for t in types for p in prefixes}
    return found


def lost(before: Recorded, after: Recorded) -> list[tuple[str, str, str]]:
    """What BEFORE records that nothing in AFTER still records (the same, everything, or a shorter ARN prefix)."""
    return sorted(item for item in before if not any(_covers(kept, item) for kept in after))


def _covers(kept: tuple[str, str, str], item: tuple[str, str, str]) -> bool:
    if kept[:2] != item[:2]:
        return False
    if kept[2] == item[2] or kept[2] == "*":
        return True
    kept_type, _, kept_scope = kept[2].partition(" ")
    item_type, _, item_scope = item[2].partition(" ")
    return kept_type in (item_type, "*") and (kept_scope == "*" or item_scope.startswith(kept_scope))


@grader
def same_events_recorded(review_input: ReviewInput, findings: list[Finding]) -> list[Finding]:
    """Selector findings on a trail that still records everything it recorded: medium, saying so."""
    if not any(f.rule in (DETECTION, LOGGING) and f.severity is Severity.HIGH for f in findings):
        return findings
    kept = {c.address for c in plan_view(review_input).of(Action.UPDATE) if TRAILS.search(c.type)
            and (old := recorded(as_dict(c.before))) is not None and (new := recorded(as_dict(c.after))) is not None
            and not lost(old, new)}
    return [graded_medium(f, "its selectors still record every event they recorded, written another way")
            if f.address in kept and f.rule in (DETECTION, LOGGING) and f.severity is Severity.HIGH
            and any(word in f.message for word in SELECTOR_WORDS) else f for f in findings]
