"""Risk rules, lifecycle: deletes, replaces, forgets and imports, each delete and replace graded by a ladder of rungs
(the ladders are in ladders.py, each rung a helper in its own module; what a type holds is in kinds.py)."""

from __future__ import annotations

from collections.abc import Iterator

from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import Finding, ReviewInput, Severity, finding, managed, rule
from tfreview.pipeline.rules.ladders import grade

REASONS = {
    "replace_because_tainted": "it is tainted",
    "replace_because_cannot_update": "an attribute cannot be updated in place",
    "replace_by_request": "replacement was requested (-replace)",
    "replace_by_triggers": "replace_triggered_by fired",
}
# https://developer.hashicorp.com/terraform/internals/json-format (action_reason)
DELETE_REASONS = {
    "delete_because_no_resource_config": "its block was removed from the configuration",
    "delete_because_no_module": "its module was removed from the configuration",
    "delete_because_wrong_repetition": "count/for_each was added or removed",
    "delete_because_count_index": "its count index is now out of range",
    "delete_because_each_key": "its for_each key is gone",
    "delete_because_no_move_target": "its moved target does not exist",
}


@rule("resource-delete", Severity.HIGH,
      "A managed resource is destroyed (data or service loss for stateful types; helper types low).")
def _deletes(ri: ReviewInput) -> Iterator[Finding]:
    for change in managed(ri.changeset, Action.DELETE):
        what = f"deposed object {change.deposed} of {change.address}" if change.deposed else change.address
        reason = DELETE_REASONS.get(change.action_reason or "")
        because = f" because {reason}" if reason else ""
        suffix, severity, _ = grade(change, ri)
        yield finding("resource-delete", change.address, f"{what} is destroyed{because}{suffix}", severity)


@rule("resource-replace", Severity.HIGH,
      "A managed resource is destroyed and re-created; says why and which attribute forces it.")
def _replaces(ri: ReviewInput) -> Iterator[Finding]:
    for change in managed(ri.changeset, Action.REPLACE):
        suffix, severity, _ = grade(change, ri)
        yield finding("resource-replace", change.address, replace_message(change) + suffix, severity)


def replace_message(change: Change) -> str:
    """Say what is replaced, in which order, why, and which attribute forces it."""
    create_first = change.actions[:1] == ["create"]
    order = "created before the old one is destroyed" if create_first else "destroyed, then re-created"
    message = f"{change.address} is replaced ({order})"
    if change.action_reason in REASONS:
        message += f" because {REASONS[change.action_reason]}"
    if change.replace_paths:
        message += f"; forced by {', '.join(change.replace_paths)}"
    return message


@rule("resource-forget", Severity.MEDIUM,
      "A resource leaves Terraform state but keeps existing (removed block with destroy = false).")
def _forgets(ri: ReviewInput) -> Iterator[Finding]:
    for change in managed(ri.changeset, Action.FORGET):
        yield finding("resource-forget", change.address,
                      f"{change.address} is removed from state but not destroyed (forget): "
                      "Terraform stops managing it")


@rule("resource-import", Severity.MEDIUM, "An existing object is imported into state (import block).")
def _imports(ri: ReviewInput) -> Iterator[Finding]:
    for change in ri.changeset.changes:
        if change.importing:
            yield finding("resource-import", change.address,
                          f"{change.address} is imported (id {change.import_id or 'unknown'}): "
                          "check the object is the one you mean to manage")
