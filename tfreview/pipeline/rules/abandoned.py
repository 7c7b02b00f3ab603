"""A destroy that leaves the real object in place (risk rules stage; feeds the delete grading of
`resource-delete` through ladders.py).

Settings such as `disable_on_destroy = false`, `skip_destroy = true` or `deletion_policy = "ABANDON"` make a
destroy only stop Terraform managing the object, like a forget: nothing is destroyed. A deposed object's destroy
(the old copy an interrupted create-before-destroy left behind) leaves the current object in place too. A deployer
deleted with its cascade off (`cascade = false`, a propagation policy of Orphan) goes alone: what it deployed keeps
running.
"""

from __future__ import annotations

import re

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import ReviewInput
from tfreview.pipeline.rules.kinds import looks_stateful
from tfreview.pipeline.rules.planview import PlanView, plan_view

# Settings by which destroying the resource leaves the real object in place: Terraform only stops managing it.
LEFT_IN_PLACE = (("disable_on_destroy", False), ("skip_destroy", True), ("retain_on_delete", True),
                 ("keep_on_destroy", True), ("abandon", True), ("archive_on_destroy", True),
                 ("archive_on_delete", True))
ABANDON_POLICIES = lazy_compile(r"^(?:abandon|retain|keep|orphan)$", re.IGNORECASE)


def left_in_place(change: Change) -> bool:
    """Whether the deleted object's own settings say the destroy leaves it in place (`disable_on_destroy =
    false`, `skip_destroy = true`, `deletion_policy = "ABANDON"`): like a forget, nothing is destroyed."""
    attrs = change.before if isinstance(change.before, dict) else {}
    if any(attrs.get(key) is value for key, value in LEFT_IN_PLACE):
        return True
    policy = attrs.get("deletion_policy")
    return isinstance(policy, str) and ABANDON_POLICIES.match(policy) is not None


def deposed_leftover(change: Change, ri: ReviewInput) -> str | None:
    """Why destroying a deposed object loses nothing in use: an earlier create-before-destroy left this old copy
    behind, and the current object at the same address stays. A store's old copy may hold data the new one lacks."""
    if not change.deposed or looks_stateful(change.type):
        return None
    current = plan_view(ri).derived("current objects", _current_addresses)
    if change.address not in current:
        return None
    return "a deposed copy left by an earlier create-before-destroy: the current object stays, only the old copy goes"


def _current_addresses(view: PlanView) -> frozenset[str]:
    return frozenset(c.address for c in view.changes
                     if not c.deposed and c.action not in (Action.DELETE, Action.FORGET))


# Settings by which deleting a deployer (an Argo CD application, a Kubernetes owner) leaves what it made running.
ORPHANING = (("cascade", False), ("cascade_delete", False), ("delete_dependents", False))
ORPHAN_POLICIES = lazy_compile(r"^orphan$", re.IGNORECASE)


def dependents_kept(change: Change) -> bool:
    """Whether the deleted object's own settings say its dependents are orphaned, not deleted with it: only the
    deployer's record goes, the workloads it deployed keep running."""
    attrs = change.before if isinstance(change.before, dict) else {}
    if any(attrs.get(key) is value for key, value in ORPHANING):
        return True
    policy = attrs.get("propagation_policy")
    return isinstance(policy, str) and ORPHAN_POLICIES.match(policy) is not None
