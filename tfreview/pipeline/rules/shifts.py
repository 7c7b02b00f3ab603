"""Risk rules, lifecycle helper for refactors (count → for_each, a renamed module or key, an index shift): which
delete+create pairs lose what the object holds, and which only move a definition; ladders.py and replicas.py grade
deletes with them."""

from __future__ import annotations

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.configuration import config_address
from tfreview.pipeline.findings import ReviewInput
from tfreview.pipeline.rules.planview import PlanView, plan_view
from tfreview.pipeline.rules.takeover import OBSERVING

# Deletes that a refactor causes: the object's address changed, not the intent to keep it.
REFACTORED = frozenset({"delete_because_wrong_repetition", "delete_because_each_key", "delete_because_no_module",
                        "delete_because_count_index"})
# Containers whose content a re-create does not bring back: a project or repository (history, issues), a
# workspace (state versions, runs), a package release (uninstalling removes everything it installed, CRDs too).
CONTAINERS = lazy_compile(r"(?:^|_)(?:project|workspace|release|repository|repo)$")
NAME_KEYS = ("name", "display_name", "title", "label")
SHIFTS = frozenset({"delete_because_count_index", "delete_because_each_key"})


def holds_content(resource_type: str) -> bool:
    """Whether a type is a container whose content is lost when it is deleted and re-created under a new address."""
    return bool(CONTAINERS.search(resource_type))


def renamed(change: Change, ri: ReviewInput) -> Change | None:
    """A create of the same type in the same plan whose name matches the deleted object's (a rename without a
    `moved` block), or None."""
    name = change.before.get("name") if isinstance(change.before, dict) else None
    if name is None or isinstance(name, (dict, list)):
        return None
    return plan_view(ri).derived("creates by type and name", _creates_by_name).get((change.type, name))


def _creates_by_name(view: PlanView) -> dict[tuple[str, object], Change]:
    """The first create of each type and `name` in the plan."""
    found: dict[tuple[str, object], Change] = {}
    for other in view.of(Action.CREATE):
        name = other.after.get("name") if isinstance(other.after, dict) else None
        if name is not None and not isinstance(name, (dict, list)):
            found.setdefault((other.type, name), other)
    return found


def container_renamed(change: Change, ri: ReviewInput) -> str | None:
    """' and re-created empty as …' when a container (project, workspace, release) is re-made under a new address."""
    other = renamed(change, ri) if holds_content(change.type) else None
    return None if other is None else (f" and re-created empty as {other.address} (a rename without a moved block: "
                                       "what it holds, such as history, state or installed objects, is lost)")


def _name(values: object) -> str | None:
    """The object's own name (first name-like attribute with a string value), or None."""
    if not isinstance(values, dict):
        return None
    return next((v for k in NAME_KEYS if isinstance(v := values.get(k), str) and v), None)


def _updated_names(view: PlanView) -> dict[tuple[str, str], str]:
    """(config address, name after) of every in-place update, to its address."""
    return {(config_address(c.address), name): c.address for c in view.of(Action.UPDATE)
            if (name := _name(c.after)) is not None}


def shifted_definition(change: Change, ri: ReviewInput) -> str | None:
    """Why a deleted monitoring definition loses nothing, or None: an index or key shift deleted the last instance,
    and an in-place update of another instance of the same block now carries its definition (same name)."""
    if change.action is not Action.DELETE or change.action_reason not in SHIFTS or not OBSERVING.search(change.type):
        return None
    name = _name(change.before)
    moved_to = None if name is None else plan_view(ri).derived("updated names", _updated_names).get(
        (config_address(change.address), name))
    if moved_to is None or moved_to == change.address:
        return None
    return f"an index shift: {moved_to} is updated in place to the same definition ({name!r}), nothing is lost"
