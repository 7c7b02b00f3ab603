"""Risk rules, lifecycle helper and context grading (delete grading): a log or audit stream retired while the same
plan creates its successor — an object of its kind (the same type, or one of the same provider whose type shares a
stream word: a project sink and an organization sink) that is switched on, watches at least the same scope (the
same VPC, resource or project, or the whole organization with its children) and selects the same events, no
weaker. Where it sends may change (the new destination is judged by its own rules; what the old one already
delivered stays where it is). ladders.py grades the delete with it; the logging-disabled finding of the delete is
graded here."""

from __future__ import annotations

import re
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import Finding, ReviewInput, grader
from tfreview.pipeline.rules.carried import discards, lesser_destination
from tfreview.pipeline.rules.common import as_dict
from tfreview.pipeline.rules.controls import direction
from tfreview.pipeline.rules.kinds import AUDIT_DEVICES
from tfreview.pipeline.rules.planview import PlanView, plan_view
from tfreview.pipeline.rules.replicas import ROUTES
from tfreview.pipeline.rules.retention import LOGGING
from tfreview.pipeline.rules.units import words
from tfreview.pipeline.rules.watchgrades import deletes_graded

# Types that record or carry audit, access or flow logs, beyond sinks and routes: trails, log archives.
STREAMS = lazy_compile(r"(?:^|_)(?:cloudtrail|trail|audit_trail|logs?_archive|logs?_?(?:export|push|forward(?:er|ing)?"
                       r"|shipp(?:er|ing)|delivery)(?:_job)?|audit_log"
                       r"|audit(?:_log|_event)?_(?:stream|export|forwarder|forwarding|destination|config))(?:_v\d+)?$")
# Settings that name the stream or where it sends: they may differ between the old stream and its successor.
PLACE = lazy_compile(r"^(?:id|arn|name|display_name|description|type|options|tags|tags_all)$|destination|target"
                     r"|endpoint|url|uri|bucket|path|storage|workspace|stream|topic|queue|hub|role|kms|key"
                     r"|log_group|_arn$|_name$|^unique_writer|writer_identity")
# Settings that say what the stream watches: the successor must watch it too, or the organization above it.
SCOPE = lazy_compile(r"(?:^|_)(?:resource|vpc|subnet|eni|interface|gateway|project|folder|cluster|account"
                     r"|subscription|zone|scope|tenant|service)(?:_id|_ids)?$")
# Settings that name where a stream sends, never what it watches (`storage_account_id`).
DESTINATION = lazy_compile(r"destination|storage|workspace|bucket|stream|topic|queue|hub|role|kms|key|log_group")
# Settings that say which events the stream carries: the successor must carry the same ones (or all).
SELECTION = lazy_compile(r"event|filter|categor|include|exclu|level|query|traffic|selector|^log$|_log$|enabled_log"
                         r"|log_config|log_types?$"
                         r"|source|regions?$|region_trail")
# A whole organization, and its children, watched at once.
ORGANIZATION = lazy_compile(r"organi[sz]ation|(?:^|_)org(?:_|$)")
CHILDREN = lazy_compile(r"child|descendant|member_accounts|all_accounts")
# Switches whose True means less is recorded or less kept.
# A switch that makes the stream watch every region: any one region the old stream was homed in is covered.
EVERY_REGION = lazy_compile(r"multi_region|all_regions")
REGION = lazy_compile(r"(?:^|_)regions?$")
NEGATIVE = lazy_compile(r"disabl|exclu|skip|ignore|local|only|suppress")
ALL = frozenset({"*", "all", "any"})
# A selection entry that names everything of its kind: `allLogs`, `all_events`, `*`.
EVERYTHING = lazy_compile(r"^(?:\*|all|any)(?:[ _-]?(?:logs?|events?|categor(?:y|ies)|classes|types|sources"
                          r"|services|tenants|accounts|projects))?$", re.IGNORECASE)
_GENERIC = frozenset({"v1", "v2", "v3", "project", "organization", "folder", "account", "billing", "config"})


def is_stream(resource_type: str) -> bool:
    """Whether a type records or carries audit, access or flow logs."""
    return bool(AUDIT_DEVICES.search(resource_type) or ROUTES.search(resource_type) or STREAMS.search(resource_type))


def _kin(old: str, new: str) -> bool:
    """The same type, or one of the same provider with a stream word in common (`logging_project_sink` and
    `logging_organization_sink`)."""
    old_words, new_words = old.split("_"), new.split("_")
    return old == new or (old_words[0] == new_words[0] and is_stream(new)
                          and bool(set(old_words[1:]) & set(new_words[1:]) - _GENERIC))


def _on(values: dict[str, Any]) -> bool:
    """Whether a stream is switched on (no `enabled: false`, `disabled: true`, `enable_logging: false`)."""
    return not any((v is False and re.search(r"enable", k) and not NEGATIVE.search(k))
                   or (v is True and re.search(r"disabl", k)) for k, v in values.items())


def _organization_wide(values: dict[str, Any]) -> bool:
    """Whether a stream watches a whole organization with its children (an organization trail; an organization
    sink that includes its children)."""
    flags = [v for k, v in values.items() if CHILDREN.search(k)]
    if any(v is True for k, v in values.items() if ORGANIZATION.search(k)) and all(v is not False for v in flags):
        return True
    return any(isinstance(v, str) and v for k, v in values.items() if ORGANIZATION.search(k)) \
        and bool(flags) and all(v is True for v in flags)


def _scope_kept(before: dict[str, Any], after: dict[str, Any]) -> bool:
    """Whether the successor watches every scope the old stream did: the same value, a list of that scope (`tenant`
    → `tenants`, `project_id` → `project_ids`) holding it or everything, or the whole organization."""
    scopes = {k: v for k, v in before.items() if _scope(k) and v not in (None, "")}
    return all(_watches(after, k, v) for k, v in scopes.items()) or _organization_wide(after)


def _watches(after: dict[str, Any], key: str, value: Any) -> bool:
    """Whether the successor's KEY (or its plural) watches VALUE: equal, everything (`allServices`), or a list
    holding it or everything; or a switch on that says it watches all of that scope (`all_tenants`)."""
    for name in (key, key + "s"):
        new = after.get(name)
        if new == value or (isinstance(new, str) and _everything(new)) \
                or (isinstance(new, list) and isinstance(value, str)
                    and any(item == value or _everything(item) for item in new)):
            return True
    stem = key.removesuffix("_ids").removesuffix("_id").removesuffix("s")
    return any(v is True and {"all", stem} <= words(k) | {w.removesuffix("s") for w in words(k)}
               for k, v in after.items())


def _everything(item: Any) -> bool:
    """Whether a selection entry names everything of its kind (`*`, `allLogs`), and is not switched off."""
    if isinstance(item, str):
        return bool(EVERYTHING.search(item.strip()))
    if isinstance(item, dict) and _on(item):
        return any(_everything(v) for v in item.values() if isinstance(v, str))
    return False


def _scope(key: str) -> bool:
    """Whether a setting names what the stream watches (`vpc_id`, `target_resource_id`, `project`)."""
    return bool(SCOPE.search(key)) and not DESTINATION.search(key)


def _selects_as_much(key: str, old: Any, new: Any) -> bool:
    """Whether a selection setting carries at least what it did: the same, a list with every item, or all; a
    switch that selects (`is_multi_region_trail`) turned on, or one that leaves out (`exclude_…`) turned off."""
    if old == new or (isinstance(new, str) and new.strip().lower() in ALL):
        return True
    if isinstance(old, bool) and isinstance(new, bool):
        return new is not bool(NEGATIVE.search(key))
    if isinstance(old, list) and isinstance(new, list):
        return (all(item in new or any(_covers(other, item) for other in new) for item in old)
                or any(_everything(item) for item in new)) and not NEGATIVE.search(key)
    return False


def _covers(new: Any, old: Any) -> bool:
    """Whether a selection entry that names a group of categories covers an old entry's category: the group's
    words are all words of the category (group `audit` covers category `AuditEvent`), and it is switched on."""
    if not isinstance(new, dict) or not isinstance(old, dict) or not _on(new):
        return False
    groups = [words(v) for k, v in new.items() if "group" in k and isinstance(v, str) and v.strip()]
    named = [words(v) for k, v in old.items() if "group" not in k and isinstance(v, str) and v.strip()]
    return bool(groups) and bool(named) and any(g and g <= n for g in groups for n in named)


def _no_weaker(resource_type: str, key: str, old: Any, new: Any) -> bool:
    """Whether a setting other than place and selection is kept no weaker: a switch not turned the weak way, a
    value no control reads as weaker."""
    if old == new:
        return True
    move = direction(resource_type, key, old, new)
    if move is not None and move != 0:
        return move == 1
    if isinstance(old, bool) or isinstance(new, bool):
        return bool(new) != bool(NEGATIVE.search(key)) if isinstance(new, bool) else new is None and old is False
    return True


def _successor_holds(change: Change, other: Change) -> bool:
    """Whether a create takes over the deleted stream's job, no weaker."""
    before = as_dict(change.before)
    after = as_dict(other.after)
    if not _on(after) or not _scope_kept(before, after) or discards(after) or lesser_destination(before, after):
        return False
    every_region = any(EVERY_REGION.search(k) and v is True for k, v in after.items())
    for key, value in before.items():
        if PLACE.search(key) or _scope(key) or value is None or (every_region and REGION.search(key)):
            continue
        new = after.get(key)
        if SELECTION.search(key) and not _selects_as_much(key, value, new):
            return False
        if not SELECTION.search(key) and not _no_weaker(other.type, key, value, new):
            return False
    return True


def _streams_created(view: PlanView) -> list[Change]:
    return [c for c in view.of(Action.CREATE) if is_stream(c.type)]


def _streams_kept(view: PlanView) -> list[Change]:
    """Streams the plan keeps (untouched or updated in place): one that already carries the same events makes a
    deleted duplicate of it redundant."""
    return [c for c in view.of(Action.NO_OP, Action.UPDATE) if is_stream(c.type)]


def sink_succeeded(change: Change, ri: ReviewInput) -> str | None:
    """Why deleting a log or audit stream stops none, or None: a create of its kind (or a kept one: a duplicate
    removed), switched on, watches the same scope or more and carries the same events, no weaker."""
    if change.action is not Action.DELETE or not is_stream(change.type) or not isinstance(change.before, dict):
        return None
    if not _on(change.before):
        return None
    view = plan_view(ri)
    for other in view.derived("streams created", _streams_created):
        if _kin(change.type, other.type) and _successor_holds(change, other):
            return f"{other.address} carries the same events on: the stream goes on through the new one"
    for other in view.derived("streams kept", _streams_kept):
        if _kin(change.type, other.type) and _successor_holds(change, other):
            return f"{other.address}, kept, already carries the same events: the deleted one was a duplicate"
    return None


@grader
def stream_handed_over(review_input: ReviewInput, findings: list[Finding]) -> list[Finding]:
    """A logging-disabled finding of a deleted stream whose successor the same plan creates: medium."""
    return deletes_graded(review_input, findings, LOGGING, sink_succeeded)


