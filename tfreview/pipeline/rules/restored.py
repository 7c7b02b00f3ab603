"""Risk rules, lifecycle helper (replace grading): a store replaced so that the new one is restored from a snapshot
the same plan makes (or the final snapshot its destroy takes), while the destroy keeps a final copy and the new one
holds no control more weakly — the data is kept and restored, not lost; lifecycle.py grades replaces with it."""

from __future__ import annotations

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import ReviewInput
from tfreview.pipeline.rules.common import as_dict, string_leaves
from tfreview.pipeline.rules.planview import plan_view
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
