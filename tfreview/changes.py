"""Normalize a (masked) plan into one Change per resource, plus drift, output and deferred changes."""

from __future__ import annotations

from enum import Enum
from typing import Any

from pydantic import BaseModel, Field

from tfreview.plan import ChangeBody, Plan, ResourceChange

UNKNOWN = "(known after apply)"
MAX_PATHS_PER_CHANGE = 200


class Action(str, Enum):
    """What Terraform will do to one resource, most dangerous first."""

    DELETE = "delete"
    REPLACE = "replace"
    FORGET = "forget"
    UPDATE = "update"
    CREATE = "create"
    READ = "read"
    NO_OP = "no-op"

    @property
    def rank(self) -> int:
        """Sort key: lower is more dangerous."""
        return list(Action).index(self)


class AttributeChange(BaseModel):
    """One attribute path whose value changes."""

    path: str
    before: Any = None
    after: Any = None
    forces_replacement: bool = False


class Change(BaseModel):
    """One resource instance and what the plan does to it."""

    address: str
    type: str
    action: Action
    actions: list[str] = Field(description="Terraform's raw action list, e.g. ['create', 'delete']")
    mode: str = "managed"
    name: str = ""
    module: str | None = None
    provider: str = ""
    action_reason: str | None = None
    previous_address: str | None = None
    importing: bool = False
    import_id: str | None = None
    deposed: str | None = None
    replace_paths: list[str] = Field(default_factory=list)
    attributes: list[AttributeChange] = Field(default_factory=list)
    before: Any = Field(default=None, exclude=True)
    after: Any = Field(default=None, exclude=True)

    @property
    def moved(self) -> bool:
        """Whether the resource changes address (a `moved` block or refactor)."""
        return bool(self.previous_address and self.previous_address != self.address)


class OutputChange(BaseModel):
    """One root module output whose value changes."""

    name: str
    action: Action
    before: Any = None
    after: Any = None


class DeferredChange(BaseModel):
    """A change Terraform could not plan yet (deferred actions)."""

    reason: str
    change: Change


class ChangeSet(BaseModel):
    """Everything a review looks at, normalized and masked."""

    changes: list[Change] = Field(default_factory=list)
    drift: list[Change] = Field(default_factory=list)
    outputs: list[OutputChange] = Field(default_factory=list)
    deferred: list[DeferredChange] = Field(default_factory=list)


def normalize(plan: Plan) -> ChangeSet:
    """Turn a masked Plan into a ChangeSet."""
    return ChangeSet(
        changes=[normalize_resource(rc) for rc in plan.resource_changes],
        drift=[normalize_resource(rc) for rc in plan.resource_drift],
        outputs=[
            OutputChange(name=name, action=to_action(body.actions), before=body.before, after=body.after)
            for name, body in sorted(plan.output_changes.items())
        ],
        deferred=[
            DeferredChange(reason=d.reason, change=normalize_resource(d.resource_change))
            for d in plan.deferred_changes
        ],
    )


def to_action(actions: list[str]) -> Action:
    """Map Terraform's action list to one Action.

    ["create", "forget"] (Terraform 1.7+: a replace whose old object is left in place) counts as forget:
    nothing is destroyed, but an object leaves state.
    """
    kinds = set(actions)
    if {"delete", "create"} <= kinds:
        return Action.REPLACE
    if "forget" in kinds:
        return Action.FORGET
    for action in (Action.DELETE, Action.UPDATE, Action.CREATE, Action.READ):
        if action.value in kinds:
            return action
    return Action.NO_OP


def normalize_resource(rc: ResourceChange) -> Change:
    """Normalize one resource_changes (or resource_drift) entry."""
    body = rc.change
    action = to_action(body.actions)
    replace_paths = [format_path(p) for p in body.replace_paths or []]
    importing = body.importing is not None
    return Change(
        address=rc.address,
        type=rc.type,
        action=action,
        actions=body.actions,
        mode=rc.mode,
        name=rc.name,
        module=rc.module_address,
        provider=rc.provider_name,
        action_reason=rc.action_reason,
        previous_address=rc.previous_address,
        importing=importing,
        import_id=(body.importing or {}).get("id"),
        deposed=rc.deposed,
        replace_paths=replace_paths,
        attributes=_attribute_changes(action, body, set(replace_paths)),
        before=body.before,
        after=body.after,
    )


def _attribute_changes(action: Action, body: ChangeBody, forcing: set[str]) -> list[AttributeChange]:
    if action in (Action.NO_OP, Action.READ, Action.DELETE, Action.FORGET):
        return []
    found: list[AttributeChange] = []
    _diff("", body.before, body.after, body.after_unknown, found)
    for item in found:
        item.forces_replacement = any(item.path == p or item.path.startswith(p + ".") for p in forcing)
    return found[:MAX_PATHS_PER_CHANGE]


def _diff(path: str, before: Any, after: Any, unknown: Any, found: list[AttributeChange]) -> None:
    if unknown is True:
        found.append(AttributeChange(path=path, before=before, after=UNKNOWN))
        return
    if before == after and not unknown:
        return
    if isinstance(after, dict) and isinstance(before, (dict, type(None))):
        before_map = before or {}
        unknown_map = unknown if isinstance(unknown, dict) else {}
        for key in sorted(set(before_map) | set(after) | set(unknown_map)):
            _diff(_join(path, key), before_map.get(key), after.get(key), unknown_map.get(key), found)
        return
    if _is_scalar_list(after) and (before is None or _is_scalar_list(before)):
        found.append(AttributeChange(path=path, before=before, after=after))
        return
    if isinstance(after, list) and isinstance(before, (list, type(None))):
        before_list = before or []
        unknown_list = unknown if isinstance(unknown, list) else []
        for index in range(max(len(before_list), len(after), len(unknown_list))):
            _diff(
                f"{path}[{index}]",
                _at(before_list, index),
                _at(after, index),
                _at(unknown_list, index),
                found,
            )
        return
    if before is None and after is None:
        return
    found.append(AttributeChange(path=path, before=before, after=after))


def _is_scalar_list(value: Any) -> bool:
    return isinstance(value, list) and all(not isinstance(v, (dict, list)) for v in value)


def _at(items: list[Any], index: int) -> Any:
    return items[index] if index < len(items) else None


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def format_path(steps: list[Any]) -> str:
    """Render a replace_paths step list like ['ingress', 0, 'cidr'] as 'ingress[0].cidr'."""
    text = ""
    for step in steps:
        text = f"{text}[{step}]" if isinstance(step, int) else _join(text, str(step))
    return text
