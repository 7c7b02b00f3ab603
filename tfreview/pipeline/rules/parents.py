"""Risk rules, lifecycle helper (delete grading): a part deleted with the object it belongs to — a listener, rule or
setting holding no data whose reference to its parent (`load_balancer_arn`, `cluster_id`) names an object holding
no data that this plan deletes too; the parent's delete is judged on its own, and the part goes with it whatever.
lifecycle.py grades deletes with it."""

from __future__ import annotations

from collections.abc import Callable

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import ReviewInput
from tfreview.pipeline.rules.common import as_dict
from tfreview.pipeline.rules.planview import PlanView, plan_view
from tfreview.pipeline.rules.replicas import REPLICA_TYPES

# A setting that refers to the object another one belongs to (`load_balancer_arn`, `server_id`), not its own id.
PARENT_REF = lazy_compile(r"^\w+_(?:arn|id)$")
# How a deleted object is known: its id, ARN or name.
KNOWN_BY = ("id", "arn", "name")
MIN_NAME = 4  # a shorter name would be found inside unrelated references
_SEGMENTS = lazy_compile(r"[:/]")


def _deleted(view: PlanView) -> dict[str, list[Change]]:
    """The ids, ARNs and names of the objects the plan deletes, to them (once per plan)."""
    found: dict[str, list[Change]] = {}
    for change in view.of(Action.DELETE):
        before = as_dict(change.before)
        for key in KNOWN_BY:
            if isinstance(value := before.get(key), str) and len(value) >= MIN_NAME:
                found.setdefault(value, []).append(change)
    return found


def _names_kind(key: str, parent_type: str) -> bool:
    """Whether a reference's name says it points at the parent's kind: the type's last word is a word of the key
    (`cluster_id` → `…_cluster`), or the key's initials are (`load_balancer_arn` → `aws_lb`)."""
    words = key.rsplit("_", 1)[0].split("_")
    kind = parent_type.rsplit("_", 1)[-1]
    return kind in words or "".join(word[:1] for word in words) == kind


def with_parent(change: Change, ri: ReviewInput, stateful: Callable[[str], bool]) -> str | None:
    """Why a deleted part loses nothing of its own, or None: neither it nor its parent holds data (a replica's
    primary going too is no reason to let the replica go), and a reference to its parent names (whole, or as one
    segment of an ARN) an object of its provider and of the kind the reference says that this plan deletes too."""
    before = change.before if isinstance(change.before, dict) and change.action is Action.DELETE else {}
    if stateful(change.type) or REPLICA_TYPES.search(change.type) or not before:
        return None
    deleted = plan_view(ri).derived("deleted by id, ARN or name", _deleted)
    provider = change.type.split("_", 1)[0]
    for key, value in before.items():
        if not PARENT_REF.match(key) or not isinstance(value, str):
            continue
        for part in (value, *_SEGMENTS.split(value)):
            for parent in deleted.get(part, []):
                if parent is not change and parent.type.split("_", 1)[0] == provider \
                        and not stateful(parent.type) and _names_kind(key, parent.type):
                    return (f"it belongs to {parent.address} ({key}), which this plan deletes too; that delete is "
                            "judged on its own")
    return None
