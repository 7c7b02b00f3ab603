"""Risk rules, lifecycle helper (delete grading): a fleet scaled in. Machines deleted because their `count` index is
now out of range, while at least as many members below them stay (in the plan, or below the lowest index cut,
which a plan that leaves its no-ops out does not list), are a fleet made smaller: a machine
that keeps no disk beyond its root disk (deleted with it) holds nothing the kept members do not, and its
load-balancer attachment goes with it. A data volume of its own (an `ebs_block_device`, a separate volume the plan
deletes too) is judged on its own and stays high; a fleet cut by more than half (8 → 2) is a capacity cut and stays
high. ladders.py grades deletes with it."""

from __future__ import annotations

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import ReviewInput
from tfreview.pipeline.rules.disposable import COMPUTE, DATA_ENGINES, EXTRA_DISKS, disks_kept
from tfreview.pipeline.rules.planview import PlanView, plan_view

_INDEX = lazy_compile(r"\[(\d+)\]$")
ATTACHMENT = lazy_compile(r"attachment|registration|association")
VOLUMES = lazy_compile(r"volume|disk")


def _base(address: str) -> tuple[str, int] | None:
    match = _INDEX.search(address)
    return (address[:match.start()], int(match[1])) if match else None


def _kept_members(view: PlanView) -> set[str]:
    """The count-indexed addresses (without their index) that keep at least as many members in this plan as they
    lose: a fleet made smaller, not cut down (8 → 2 is a capacity cut, and stays high)."""
    kept: dict[str, int] = {}
    lost: dict[str, int] = {}
    lowest: dict[str, int] = {}
    for change in view.changes:
        if (base := _base(change.address)) is not None:
            side = lost if change.action is Action.DELETE else kept
            side[base[0]] = side.get(base[0], 0) + 1
            if change.action is Action.DELETE:
                lowest[base[0]] = min(lowest.get(base[0], base[1]), base[1])
    # Members below the lowest index a count cut deletes stay, listed or not: `[6]` out of range means count is
    # now 6 or less, and none of `[0]`–`[5]` is deleted (a plan that leaves its no-ops out does not list them).
    for name, index in lowest.items():
        kept[name] = max(kept.get(name, 0), index)
    return {name for name, count in kept.items() if count and count >= lost.get(name, 0)}


# A member instance of a managed database cluster: trimmed.py judges it (the writer, index 0, the cluster staying).
CLUSTER_MEMBERS = lazy_compile(r"_cluster_instance$|(?:^|_)(?:rds|docdb|neptune|aurora|alloydb)(?:_|$)")


def _lean_machine(change: Change) -> bool:
    attrs = change.before if isinstance(change.before, dict) else {}
    return bool(COMPUTE.search(change.type)) and not DATA_ENGINES.search(change.type) \
        and not CLUSTER_MEMBERS.search(change.type) and not disks_kept(attrs) \
        and not any(EXTRA_DISKS.search(key) and value not in (None, [], {}, "") for key, value in attrs.items())


def _scaled_in_machines(view: PlanView) -> dict[tuple[str | None, int], str]:
    """Lean machines deleted by count index with members kept, by (module, index), to their address; not one whose
    own data volume (same module and index) the plan deletes too."""
    kept = view.derived("count members kept", _kept_members)
    deleted = [(c, base) for c in view.of(Action.DELETE)
               if c.action_reason == "delete_because_count_index" and (base := _base(c.address))]
    volumes = {(c.module, base[1]) for c, base in deleted if VOLUMES.search(c.type)}
    return {(c.module, base[1]): c.address for c, base in deleted
            if base[0] in kept and _lean_machine(c) and (c.module, base[1]) not in volumes}


def scaled_in(change: Change, ri: ReviewInput) -> str | None:
    """Why this delete is a fleet scaled in, or None."""
    if change.action is not Action.DELETE or change.action_reason != "delete_because_count_index":
        return None
    base = _base(change.address)
    if base is None:
        return None
    machines = plan_view(ri).derived("machines scaled in", _scaled_in_machines)
    if machines.get((change.module, base[1])) == change.address:
        return f"a fleet scaled in: member {base[1]} goes with its root disk, the members below it stay"
    if ATTACHMENT.search(change.type) and (machine := machines.get((change.module, base[1]))) is not None:
        return f"it attaches {machine}, a member of a fleet scaled in, which goes too"
    return None
