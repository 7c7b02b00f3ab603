"""Deterministic risk rules: the floor under every label that no model answer can lower."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from enum import Enum

from pydantic import BaseModel

from tfreview.changes import Action, Change, ChangeSet
from tfreview.config import FileConfig
from tfreview.mask import MaskReport
from tfreview.plan import Plan

# Types that hold no infrastructure: their churn alone must not raise the label.
HELPER_TYPE_PREFIXES = ("random_", "time_")
HELPER_TYPES = {"null_resource", "terraform_data", "local_file", "local_sensitive_file"}


class Severity(str, Enum):
    """How much a finding matters; HIGH forces 'needs close review'."""

    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"
    INFO = "info"

    @property
    def rank(self) -> int:
        """Sort key: lower is more severe."""
        return list(Severity).index(self)


class Finding(BaseModel):
    """One thing a rule noticed."""

    rule: str
    severity: Severity
    address: str | None = None
    message: str


@dataclass(frozen=True)
class ReviewInput:
    """What rules look at: the masked plan and its normalized changes."""

    plan: Plan
    changeset: ChangeSet
    config: FileConfig = field(default_factory=FileConfig)
    masking: MaskReport = field(default_factory=MaskReport)


RuleCheck = Callable[[ReviewInput], Iterable[Finding]]


@dataclass(frozen=True)
class Rule:
    """A named check with a default severity."""

    id: str
    severity: Severity
    description: str
    check: RuleCheck


RULES: dict[str, Rule] = {}


def rule(rule_id: str, severity: Severity, description: str) -> Callable[[RuleCheck], RuleCheck]:
    """Register a rule function under a stable id."""

    def register(check: RuleCheck) -> RuleCheck:
        RULES[rule_id] = Rule(rule_id, severity, description, check)
        return check

    return register


def evaluate(review_input: ReviewInput) -> list[Finding]:
    """Run every rule; findings sorted most severe first."""
    findings = [f for r in RULES.values() for f in r.check(review_input)]
    return sorted(findings, key=lambda f: (f.severity.rank, f.rule, f.address or ""))


def is_helper_type(resource_type: str) -> bool:
    """Whether a resource type holds no real infrastructure."""
    return resource_type in HELPER_TYPES or resource_type.startswith(HELPER_TYPE_PREFIXES)


def _managed(changeset: ChangeSet, action: Action) -> Iterator[Change]:
    return (c for c in changeset.changes if c.action is action and c.mode == "managed")


REASONS = {
    "replace_because_tainted": "it is tainted",
    "replace_because_cannot_update": "an attribute cannot be updated in place",
    "replace_by_request": "replacement was requested (-replace)",
    "replace_by_triggers": "replace_triggered_by fired",
}


@rule("resource-delete", Severity.HIGH, "A managed resource is destroyed.")
def _deletes(ri: ReviewInput) -> Iterator[Finding]:
    for change in _managed(ri.changeset, Action.DELETE):
        if is_helper_type(change.type):
            yield Finding(rule="resource-delete", severity=Severity.LOW, address=change.address,
                          message=f"{change.address} is destroyed (helper type, holds no infrastructure)")
        else:
            yield Finding(rule="resource-delete", severity=Severity.HIGH, address=change.address,
                          message=f"{change.address} is destroyed")


@rule("resource-replace", Severity.HIGH, "A managed resource is destroyed and re-created.")
def _replaces(ri: ReviewInput) -> Iterator[Finding]:
    for change in _managed(ri.changeset, Action.REPLACE):
        severity = Severity.LOW if is_helper_type(change.type) else Severity.HIGH
        yield Finding(rule="resource-replace", severity=severity, address=change.address,
                      message=replace_message(change))


def replace_message(change: Change) -> str:
    """Say what is replaced, in which order, why, and which attribute forces it."""
    order = "created before the old one is destroyed" if change.actions[:1] == ["create"] else "destroyed, then re-created"
    message = f"{change.address} is replaced ({order})"
    if change.action_reason in REASONS:
        message += f" because {REASONS[change.action_reason]}"
    if change.replace_paths:
        message += f"; forced by {', '.join(change.replace_paths)}"
    return message


@rule("resource-forget", Severity.MEDIUM, "A resource leaves Terraform state but keeps existing.")
def _forgets(ri: ReviewInput) -> Iterator[Finding]:
    for change in _managed(ri.changeset, Action.FORGET):
        yield Finding(rule="resource-forget", severity=Severity.MEDIUM, address=change.address,
                      message=f"{change.address} is removed from state but not destroyed (forget)")


@rule("resource-import", Severity.MEDIUM, "An existing object is imported into state.")
def _imports(ri: ReviewInput) -> Iterator[Finding]:
    for change in ri.changeset.changes:
        if change.importing:
            yield Finding(rule="resource-import", severity=Severity.MEDIUM, address=change.address,
                          message=f"{change.address} is imported (id {change.import_id or 'unknown'})")


@rule("plan-errored", Severity.HIGH, "Planning failed; the plan is not what will be applied.")
def _errored(ri: ReviewInput) -> Iterator[Finding]:
    if ri.plan.errored:
        yield Finding(rule="plan-errored", severity=Severity.HIGH,
                      message="the plan errored: Terraform stopped before planning every change")


@rule("plan-incomplete", Severity.HIGH, "The plan is incomplete; another plan/apply round will follow.")
def _incomplete(ri: ReviewInput) -> Iterator[Finding]:
    if not ri.plan.complete and not ri.plan.errored:
        yield Finding(rule="plan-incomplete", severity=Severity.HIGH,
                      message="the plan is incomplete: more changes will be planned after this one is applied")


@rule("plan-deferred", Severity.HIGH, "Some changes are deferred and not shown in this plan.")
def _deferred(ri: ReviewInput) -> Iterator[Finding]:
    for deferred in ri.changeset.deferred:
        yield Finding(rule="plan-deferred", severity=Severity.HIGH, address=deferred.change.address,
                      message=f"{deferred.change.address} is deferred ({deferred.reason}): its change is not in this plan")


@rule("check-failed", Severity.HIGH, "A check block, precondition or postcondition fails.")
def _failed_checks(ri: ReviewInput) -> Iterator[Finding]:
    for check in ri.plan.checks:
        if check.status not in ("fail", "error"):
            continue
        address = str(check.address.get("to_display") or check.address.get("name") or "check")
        problems = [p.get("message", "") for i in check.instances for p in i.get("problems") or []]
        detail = "; ".join(p for p in problems if p) or check.status
        yield Finding(rule="check-failed", severity=Severity.HIGH, address=address,
                      message=f"{address} fails: {detail}")
