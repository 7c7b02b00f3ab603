"""Risk rules, lifecycle helper: a policy attachment deleted while the same plan attaches the same policy at the
organisation root (AWS `r-…`, GCP `organizations/…`), which contains the old target: every account under the old
target stays covered. A policy re-attached anywhere else (a sibling OU, a single account) is not this;
ladders.py grades deletes with it."""

from __future__ import annotations

from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import ReviewInput
from tfreview.pipeline.rules.planview import plan_view

POLICY_KEYS = ("policy_id", "policy_arn", "policy", "policy_name")
TARGET_KEYS = ("target_id", "target", "scope", "parent")
# Ids that name an organisation's root, which contains every OU, folder and account under it.
ORG_ROOT = lazy_compile(r"^(?:r-[0-9a-z]{4,32}|organizations/\d+)$")


def _first(values: dict[str, Any], keys: tuple[str, ...]) -> str | None:
    return next((v for k in keys if isinstance(v := values.get(k), str) and v), None)


def reattached_at_root(change: Change, ri: ReviewInput) -> str | None:
    """Why a deleted policy attachment loses no coverage, or None: the plan attaches the same policy at the root."""
    before = change.before if isinstance(change.before, dict) else {}
    policy, target = _first(before, POLICY_KEYS), _first(before, TARGET_KEYS)
    if change.action is not Action.DELETE or policy is None or target is None or ORG_ROOT.match(target):
        return None
    for other in plan_view(ri).changes:
        after = other.after if isinstance(other.after, dict) else {}
        root = _first(after, TARGET_KEYS)
        if other.type == change.type and other.action is not Action.DELETE and _first(after, POLICY_KEYS) == policy \
                and root is not None and ORG_ROOT.match(root):
            return (f"{other.address} attaches the same policy {policy} at the organisation root {root}, which "
                    f"contains {target}: it stays covered")
    return None
