"""Risk rules, lifecycle helper (replace and delete grading): a store replaced so that the new one is restored from
a snapshot the same plan makes (or the final snapshot its destroy takes), or deleted while a store the plan creates
is restored from exactly the final snapshot its destroy takes, while the destroy keeps a final copy and the new one
holds no control more weakly — the data is kept and restored, not lost; ladders.py grades both with it."""

from __future__ import annotations

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import ReviewInput
from tfreview.pipeline.rules.common import as_dict, string_leaves
from tfreview.pipeline.rules.planview import PlanView, plan_view, provider_prefix
from tfreview.pipeline.rules.tightened import weaker_successor
from tfreview.pipeline.rules.wayback import kept_copy

# Where a new store says which snapshot or backup it is restored from (`snapshot_identifier`, `restore_from_backup`).
SOURCE = lazy_compile(r"^(?:snapshot_(?:identifier|id|name|arn)|source_(?:snapshot|backup)\w*|restore_from\w*"
                      r"|backup_(?:id|identifier|name)|from_snapshot\w*)$")


def restored_replace(change: Change, ri: ReviewInput) -> str | None:
    """Why this replace loses no data, or None: the destroy keeps a final copy, the new object is restored from a
    snapshot this plan creates or the final one, and it holds no control more weakly than the old one."""
    before = as_dict(change.before)
    after = as_dict(change.after)
    if change.action is not Action.REPLACE or not before:
        return None
    kept = kept_copy(change.model_copy(update={"action": Action.DELETE}))
    source = next((v for k, v in after.items() if SOURCE.match(str(k)) and isinstance(v, str) and v.strip()), None)
    if kept is None or source is None or any(v == source for k, v in before.items() if SOURCE.match(str(k))):
        return None
    finals = {v for k, v in before.items() if str(k).startswith("final_") and isinstance(v, str)}
    made: set[str] = plan_view(ri).derived("strings of creates", lambda view: {
        text for new in view.of(Action.CREATE) for text in string_leaves(new.after)})
    if source not in finals | made or weaker_successor(change, change):
        return None
    return (f"{kept[0].lower()}{kept[1:]}, and the new one is restored from snapshot {source}, which this plan "
            "takes or copies")


def _restoring(view: PlanView) -> dict[str, list[Change]]:
    """Per plan: the creates by the snapshot or backup they say they are restored from."""
    index: dict[str, list[Change]] = {}
    for new in view.of(Action.CREATE):
        for key, value in as_dict(new.after).items():
            if SOURCE.match(str(key)) and isinstance(value, str) and value.strip():
                index.setdefault(value, []).append(new)
    return index


def restored_successor(change: Change, ri: ReviewInput) -> str | None:
    """Why a deleted store loses no data, or None: its destroy keeps a named final snapshot, and a store of its
    provider that this plan creates is restored from exactly that snapshot, holding no control more weakly."""
    before = as_dict(change.before)
    if change.action is not Action.DELETE or (kept := kept_copy(change)) is None:
        return None
    restoring = plan_view(ri).derived("creates by restore source", _restoring)
    for key, value in before.items():
        if not str(key).startswith("final_") or not isinstance(value, str) or not value.strip():
            continue
        for new in restoring.get(value, []):
            if provider_prefix(new.type) == provider_prefix(change.type) and not weaker_successor(change, new):
                return f"{kept[0].lower()}{kept[1:]}, and {new.address} is restored from exactly that snapshot"
    return None
