"""Risk rules, plan health: errored, incomplete or unapplyable plans, deferred changes, failing checks, drift it
touches."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change, ChangeSet
from tfreview.pipeline.decoding import objects
from tfreview.pipeline.findings import CHANGE_HOOKS, PLANNED_ONLY, Finding, ReviewInput, Severity, finding, grader, rule
from tfreview.pipeline.rules.common import string_leaves
from tfreview.pipeline.rules.controlplane import WORLD
from tfreview.pipeline.rules.values import leaves

# Actions that change nothing on apply.
QUIET = (Action.NO_OP, Action.READ)
# Metadata maps: a tag edited by hand and put back by the plan changes no behaviour the plan could undo.
# Attributes that describe an object to people and change nothing it does: its tags and labels, and the words shown
# beside it (a console edit of a description or a display name, reverted by the plan, undoes no intended behaviour).
METADATA_ROOTS = frozenset({"tags", "tags_all", "labels", "effective_labels", "terraform_labels", "description",
                            "display_name", "comment", "comments", "notes"})
# Read-only bookkeeping a provider refreshes on its own (`latest_restorable_time`, `last_modified`, `updated_at`):
# it "drifts" on every refresh, and no plan can undo it.
BOOKKEEPING = lazy_compile(r"^(?:latest|last)_\w+|\w+_(?:time|timestamp|at)$|^(?:etag|revision|generation|version_id"
                          r"|lock_token|fingerprint|change_token)$")
MAX_LISTED_PATHS = 5
# The account an AWS ARN names (`arn:aws:lambda:eu-west-1:209467831155:function:…`).
ARN_ACCOUNT = lazy_compile(r"arn:aws[\w-]*:[\w-]+:[\w-]*:(\d{12}):(?!layer:)")  # a layer is code pulled in
_ROOT = lazy_compile(r"[^.\[]+")


# A version or revision stamp the provider assigns (an MSK cluster's `current_version`, bumped by maintenance): where
# the plan leaves it to be computed again, it is bookkeeping too; a version the configuration sets (`engine_version`,
# known in the plan) is a setting, and its drift reverted stays high.
ASSIGNED_STAMP = lazy_compile(r"\w*(?:version|revision)$")


# Free text that describes an object to people (`alarm_description`, `rule_comment`): it changes what nobody acts on.
DESCRIBES = lazy_compile(r"_(?:description|comments?|notes)$")


def _descriptive(root: str, change: Change | None = None) -> bool:
    if root in METADATA_ROOTS or BOOKKEEPING.match(root) or DESCRIBES.search(root):
        return True
    unknown = change.after_unknown if change is not None and isinstance(change.after_unknown, dict) else {}
    return unknown.get(root) is True and bool(ASSIGNED_STAMP.fullmatch(root))


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
        if ri.plan.applyable and not ri.changeset.deferred:
            # Terraform marks a plan incomplete for deferred changes or for -target/-exclude; with nothing deferred
            # this is a partial plan whose every change is shown (and judged): worth a line, not a close review.
            yield finding("plan-incomplete", None, "the plan is incomplete but defers nothing (a -target or -exclude "
                          "plan): every change it makes is shown here; run a full plan afterwards", Severity.MEDIUM)
            return
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
        metadata_only = bool(paths) and all(_descriptive(p.split(".")[0].split("[")[0], change) for p in paths)
        if drift.action is Action.DELETE and change.action is Action.CREATE:
            # Gone outside Terraform and created again: nothing of the old object is left to undo, and what the
            # new one is (open, public, privileged) is what every other rule judges on the create.
            yield finding("drift-on-changed", drift.address, f"{drift.address} was deleted outside Terraform and "
                          "this plan creates it again: check it was not removed on purpose", Severity.MEDIUM)
            continue
        if drift.action is Action.UPDATE and _keeps(drift, change):
            # What drifted stays as it drifted (an autoscaler's node_count, ignore_changes): nothing is undone; a
            # drift the rules flag is adopted, as drift-kept reports for a plan that leaves the resource alone.
            if (flagged := _adopted(drift)) is not None:
                yield finding("drift-kept", drift.address,
                              f"{drift.address} changed outside Terraform in a way the rules flag ({flagged}); "
                              "the plan keeps it while it changes other settings")
            else:
                yield finding("drift-on-changed", drift.address,
                              f"{drift.address} drifted outside Terraform{what}; this plan keeps those values and "
                              f"{change.action.value}s other settings", Severity.MEDIUM)
            continue
        if drift.action is Action.UPDATE and _carries_on(drift, change):
            yield finding("drift-on-changed", drift.address,
                          f"{drift.address} drifted outside Terraform{what}; this plan moves those values further the "
                          "same way, undoing none of it", Severity.MEDIUM)
            continue
        if not metadata_only and (opened := _opened(drift, change) or _revoked(drift, change)):
            yield finding("drift-on-changed", drift.address,
                          f"{drift.address} drifted outside Terraform{what} in a way the rules flag ({opened}); "
                          f"this plan reverts it, which closes that again", Severity.MEDIUM)
            continue
        yield finding("drift-on-changed", drift.address,
                      f"{drift.address} drifted outside Terraform{what} and this plan will "
                      f"{change.action.value} it: check the plan does not undo an intended change",
                      Severity.MEDIUM if metadata_only else None)


def _reverts(drift: Change, change: Change) -> bool:
    """Whether the plan puts every top-level attribute the drift changed back to its value before the drift."""
    before, drifted, after = drift.before, drift.after, change.after
    if not isinstance(before, dict) or not isinstance(drifted, dict) or not isinstance(after, dict):
        return False
    unknown = change.after_unknown if isinstance(change.after_unknown, dict) else {}
    # a value the provider computes again (a lock token, an etag: known only after apply) says nothing either way
    keys = [k for k in drifted if drifted.get(k) != before.get(k) and unknown.get(k) is not True
            and not BOOKKEEPING.match(k)]
    return bool(keys) and all(k in after and after[k] == before.get(k) for k in keys)


# How a plan-wide rule marks a drift finding whose opening the plan takes out again (iam.py's policy verdicts).
TAKEN_OUT = "this plan takes it out again"


@grader
def reverted_openings(review_input: ReviewInput, findings: list[Finding]) -> list[Finding]:
    """drift-on-changed at high where another rule found the drift opened something and the plan takes it out
    again: the plan closes what drifted open, medium."""
    closed = {f.address for f in findings if TAKEN_OUT in f.message}
    if not closed:
        return findings
    return [f.model_copy(update={"severity": Severity.MEDIUM, "message": f.message.replace(
        ": check the plan does not undo an intended change", "; it drifted open and this plan closes it again")})
        if f.rule == "drift-on-changed" and f.severity is Severity.HIGH and f.address in closed else f
        for f in findings]


def _keeps(drift: Change, change: Change) -> bool:
    """Whether the plan leaves every top-level attribute the drift changed at its drifted value."""
    before, drifted, after = drift.before, drift.after, change.after
    if not isinstance(before, dict) or not isinstance(drifted, dict) or not isinstance(after, dict):
        return False
    keys = [k for k in drifted if drifted.get(k) != before.get(k)]
    if bool(keys) and all(k in after and after[k] == drifted[k] for k in keys):
        return True
    # leaf by leaf: a nested value the drift changed (`settings[0].disk_size` grown by autoresize) that the plan
    # leaves as it drifted, while it changes its neighbours (the tier)
    planned = {a.path for a in change.attributes}
    moved = [a for a in drift.attributes if a.path]
    # only inside single blocks: in a list of rules (security group ingress) an index names no rule for good
    roots = {match[0] for a in moved if (match := _ROOT.match(a.path))}
    if any(isinstance(after.get(root), list) and (len(after[root]) > 1 or not isinstance(drifted.get(root), list)
                                                   or len(drifted[root]) != len(after[root])) for root in roots):
        return False
    return bool(moved) and all(a.path not in planned and not BOOKKEEPING.match(a.path) for a in moved) \
        and any(not a.path.startswith(tuple(METADATA_ROOTS)) for a in moved)


def _carries_on(drift: Change, change: Change) -> bool:
    """Whether every number the drift changed (an autoscaler's desired_capacity raised from 6 to 9, a node group's
    nested scaling_config[0].desired_size) is moved on by the plan in the same direction or left where it drifted (to
    12, to 9): what was done outside Terraform is built on, not undone. A plan that sets a number back below its
    drifted value is a revert, and stays for a person to judge."""
    if not all(isinstance(side, dict) for side in (drift.before, drift.after, change.after)):
        return False
    before, drifted, after = (dict(leaves(side)) for side in (drift.before, drift.after, change.after))
    keys = [k for k in drifted if drifted.get(k) != before.get(k) and not BOOKKEEPING.match(k.rpartition(".")[2])]
    return bool(keys) and all(_onward(before.get(k), drifted[k], after.get(k)) for k in keys)


def _onward(before: Any, drifted: Any, after: Any) -> bool:
    """Whether AFTER is DRIFTED or lies beyond it, seen from BEFORE (all three plain numbers)."""
    if not all(isinstance(v, int | float) and not isinstance(v, bool) for v in (before, drifted, after)):
        return False
    return bool((drifted - before) * (after - drifted) >= 0)


def _opened(drift: Change, change: Change) -> str | None:
    """The high-severity rule the drift itself trips when read as an update (it opened or weakened something) and
    the plan reverts it; None otherwise. The direction decides: reverting a drift that closed something is not this."""
    if drift.action is not Action.UPDATE:
        return None
    if not _reverts(drift, change):
        return _internet_closed(drift, change)
    if _foreign_account(drift) is not None:
        return "a hand-off to another account"
    for hook in CHANGE_HOOKS:
        if hook.wants(drift.type, Action.UPDATE):
            for found in hook.check(drift):
                if found.severity is Severity.HIGH and found.rule not in PLANNED_ONLY:
                    return found.rule
    return _internet_added(drift)


def _world_sources(value: Any) -> int:
    """How many of a value's strings name the whole internet as a source (`0.0.0.0/0`, `::/0`, `*`)."""
    return sum(text.strip().lower() in WORLD for text in string_leaves(value))


def _open_entries(value: Any) -> list[dict[str, Any]]:
    """Every block (a firewall rule, an ingress entry) that names the whole internet among its own values."""
    return [block for block in objects(value) if any(
        _world_sources(v) for v in block.values()
        if isinstance(v, str) or (isinstance(v, list) and all(isinstance(i, str) for i in v)))]


def _internet_closed(drift: Change, change: Change) -> str | None:
    """Why a drift opened more to the whole internet (SSH's source set to `0.0.0.0/0` by hand beside a web port
    already open) that a plan which also changes other rules closes again: every block the plan leaves open to
    the internet was open, as it is, before the drift. None otherwise."""
    opened = _world_sources(drift.after) - _world_sources(drift.before)
    if opened <= 0:
        return None
    was_open = _open_entries(drift.before)
    if any(entry not in was_open for entry in _open_entries(change.after)):
        return None
    return f"it added {opened} internet source{'s' if opened > 1 else ''}"


def _internet_added(drift: Change) -> str | None:
    """Why a drift opened something to the whole internet (a source range added by hand to any port, web ports
    included), which a plan that reverts it closes; None otherwise."""
    had = {text.strip().lower() for text in string_leaves(drift.before)}
    added = sorted({text.strip() for text in string_leaves(drift.after)
                    if text.strip().lower() in WORLD and text.strip().lower() not in had})
    return f"it added {added[0]} as a source" if added else None


# Who an object's data or access goes to: a share's `shared_accounts`, `allowed_principals`, `members`, `readers`.
RECEIVERS = lazy_compile(r"(?:\w+_)?(?:accounts?|account_ids|principals?|members?|grantees?|consumers?|recipients?"
                         r"|readers?|users?|subscribers?)")


def _revoked(drift: Change, change: Change) -> str | None:
    """Who the drift added to a list of receivers (accounts a snapshot is shared with, a share's members) that the
    plan takes out again, restoring the configured list; None otherwise. Taking back a hand-made grant closes it."""
    if drift.action is not Action.UPDATE or not _reverts(drift, change):
        return None
    before, drifted = drift.before, drift.after
    assert isinstance(before, dict) and isinstance(drifted, dict)  # _reverts checked both
    keys = [k for k in drifted if drifted.get(k) != before.get(k) and not BOOKKEEPING.match(k)]
    added = all(RECEIVERS.fullmatch(k) and isinstance(drifted[k], list) and isinstance(before.get(k) or [], list)
                and all(v in drifted[k] for v in before.get(k) or []) for k in keys)
    return f"it added receivers to {', '.join(keys)}" if keys and added else None


@rule("drift-kept", Severity.HIGH,
      "A resource changed outside Terraform in a way the rules flag (an admin grant, an opening) and the plan keeps "
      "that change (no-op): the plan silently adopts it.")
def _drift_kept(ri: ReviewInput) -> Iterator[Finding]:
    if not ri.changeset.drift:
        return
    planned = {c.address: c for c in ri.changeset.changes}
    for drift in ri.changeset.drift:
        change = planned.get(drift.address)
        if drift.action is not Action.UPDATE or (change is not None and change.action not in QUIET):
            continue  # a plan that changes the resource is drift-on-changed's to judge
        if (flagged := _adopted(drift)) is not None:
            yield finding("drift-kept", drift.address,
                          f"{drift.address} changed outside Terraform in a way the rules flag ({flagged}); "
                          "the plan keeps it rather than reverting it")


def _flagged(drift: Change) -> Finding | None:
    """The first high-severity finding the drift trips when read as an update made by a plan."""
    for hook in CHANGE_HOOKS:
        if hook.wants(drift.type, Action.UPDATE):
            for found in hook.check(drift):
                if found.severity is Severity.HIGH and found.rule not in PLANNED_ONLY:
                    return found
    return None


def _adopted(drift: Change) -> str | None:
    """Why a drift the plan keeps is one the rules flag: a high finding it trips read as an update, or a hand-off
    to another account; None when it is neither."""
    if (flagged := _flagged(drift)) is not None:
        return flagged.message
    account = _foreign_account(drift)
    return None if account is None else (f"{drift.address} now hands its data to account {account}, which its own "
                                         "ARNs never named")


def _foreign_account(drift: Change) -> str | None:
    """An AWS account the drift newly names (a function, topic or bucket it now sends to) that the resource's own
    ARNs before the drift never named: a hand-off made outside review. None where the resource named no account."""
    own = {m for text in string_leaves(drift.before) for m in ARN_ACCOUNT.findall(text)}
    if not own:
        return None
    added = {m for text in string_leaves(drift.after) for m in ARN_ACCOUNT.findall(text)} - own
    return min(added) if added else None
