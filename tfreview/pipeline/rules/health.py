"""Risk rules, plan health: errored, incomplete or unapplyable plans, deferred changes, failing checks, drift it
touches."""

from __future__ import annotations

from collections.abc import Iterator

from tfreview.pipeline.changes import Action, ChangeSet
from tfreview.pipeline.findings import Finding, ReviewInput, Severity, finding, rule

# Actions that change nothing on apply.
QUIET = (Action.NO_OP, Action.READ)
# Metadata maps: a tag edited by hand and put back by the plan changes no behaviour the plan could undo.
METADATA_ROOTS = frozenset({"tags", "tags_all", "labels", "effective_labels", "terraform_labels"})
MAX_LISTED_PATHS = 5


def has_changes(changeset: ChangeSet) -> bool:
    """Whether applying does anything: Terraform's own test for a plan that is worth applying.

    A plan with nothing to do is saved with `applyable: false`; that alone is not a problem.
    https://developer.hashicorp.com/terraform/internals/json-format ("applyable")
    """
    return (any(c.action not in QUIET or c.moved or c.importing for c in changeset.changes)
            or any(o.action is not Action.NO_OP for o in changeset.outputs))


@rule("plan-errored", Severity.HIGH, "Planning failed; the plan is not what will be applied.")
def _errored(ri: ReviewInput) -> Iterator[Finding]:
    if ri.plan.errored:
        yield finding("plan-errored", None, "the plan errored: Terraform stopped before planning every change")


@rule("plan-incomplete", Severity.HIGH, "The plan is incomplete; another plan/apply round will follow.")
def _incomplete(ri: ReviewInput) -> Iterator[Finding]:
    if not ri.plan.complete and not ri.plan.errored:
        yield finding("plan-incomplete", None,
                      "the plan is incomplete: more changes will be planned after this one is applied")


@rule("plan-not-applyable", Severity.HIGH,
      "The plan has changes but Terraform marked it not applyable (a no-op plan is not flagged).")
def _not_applyable(ri: ReviewInput) -> Iterator[Finding]:
    # An errored plan is never applyable; plan-errored already says so.
    if not ri.plan.applyable and not ri.plan.errored and has_changes(ri.changeset):
        if _bookkeeping_only(ri.changeset):
            yield finding("plan-not-applyable", None, "the plan only moves or imports resources in the state but is "
                          "marked not applyable: check which Terraform wrote it", Severity.MEDIUM)
            return
        yield finding("plan-not-applyable", None,
                      "the plan has changes but is not applyable: applying it will fail or do something else")


def _bookkeeping_only(changeset: ChangeSet) -> bool:
    """Whether the plan's only changes are state bookkeeping: moves and imports that change no attribute."""
    return all(c.action in QUIET for c in changeset.changes) \
        and all(o.action is Action.NO_OP for o in changeset.outputs)


@rule("plan-deferred", Severity.HIGH, "Some changes are deferred and not shown in this plan.")
def _deferred(ri: ReviewInput) -> Iterator[Finding]:
    for deferred in ri.changeset.deferred:
        address = deferred.change.address
        yield finding("plan-deferred", address,
                      f"{address} is deferred ({deferred.reason}): its change is not in this plan")


@rule("check-failed", Severity.HIGH, "A check block, precondition or postcondition fails.")
def _failed_checks(ri: ReviewInput) -> Iterator[Finding]:
    for check in ri.plan.checks:
        if check.status not in ("fail", "error"):
            continue
        address = str(check.address.get("to_display") or check.address.get("name") or "check")
        problems = [p.get("message", "") for i in check.instances for p in i.get("problems") or []]
        detail = "; ".join(p for p in problems if p) or check.status
        yield finding("check-failed", address, f"{address} fails: {detail}")


@rule("drift-on-changed", Severity.HIGH,
      "A resource changed outside Terraform and the plan changes it too (it may undo that change).")
def _drift_on_changed(ri: ReviewInput) -> Iterator[Finding]:
    if not ri.changeset.drift:
        return
    changing = {c.address: c for c in ri.changeset.changes if c.action not in QUIET}
    for drift in ri.changeset.drift:
        change = changing.get(drift.address)
        if change is None:
            continue
        paths = [a.path for a in drift.attributes if a.path]
        drifted = ", ".join(paths[:MAX_LISTED_PATHS]) + (", …" if len(paths) > MAX_LISTED_PATHS else "")
        what = f" ({drifted})" if drifted else f" ({drift.action.value} outside Terraform)"
        metadata_only = bool(paths) and all(p.split(".")[0].split("[")[0] in METADATA_ROOTS for p in paths)
        yield finding("drift-on-changed", drift.address,
                      f"{drift.address} drifted outside Terraform{what} and this plan will "
                      f"{change.action.value} it: check the plan does not undo an intended change",
                      Severity.MEDIUM if metadata_only else None)
