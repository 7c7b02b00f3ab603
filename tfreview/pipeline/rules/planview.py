"""Risk rules, plan-wide context: the plan's managed changes indexed once per review, so a rule that judges one
change by the rest of the plan (a successor created, its module torn down, a policy shown elsewhere) looks up
what it needs instead of walking every change again — which would make a 50,000-change plan quadratic.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import orjson

from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import ReviewInput
from tfreview.pipeline.lastbuilt import LastBuilt

T = TypeVar("T")


@dataclass
class PlanView:
    """The managed changes of one plan, by action, type, provider and module; and per-plan values rules derive."""

    changes: list[Change]
    by_action: dict[Action, list[Change]] = field(default_factory=lambda: defaultdict(list))
    creates_by_type: dict[str, list[Change]] = field(default_factory=lambda: defaultdict(list))
    creates_by_provider: dict[str, list[Change]] = field(default_factory=lambda: defaultdict(list))
    deletes_by_module: dict[str | None, list[Change]] = field(default_factory=lambda: defaultdict(list))
    _derived: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for change in self.changes:
            if change.mode != "managed":
                continue
            self.by_action[change.action].append(change)
            if change.action is Action.CREATE:
                self.creates_by_type[change.type].append(change)
                self.creates_by_provider[provider_prefix(change.type)].append(change)
            elif change.action is Action.DELETE:
                self.deletes_by_module[change.module].append(change)

    def of(self, *actions: Action) -> list[Change]:
        """The managed changes with one of these actions, in plan order when there is one action."""
        if len(actions) == 1:
            return self.by_action.get(actions[0], [])
        return [c for c in self.changes if c.mode == "managed" and c.action in actions]

    def derived(self, name: str, compute: Callable[[PlanView], T]) -> T:
        """A value computed once per plan from this view (an index a rule needs), by NAME."""
        if name not in self._derived:
            self._derived[name] = compute(self)
        value: T = self._derived[name]
        return value


def kept_values_text(view: PlanView) -> str:
    """Every change the plan keeps (any action but delete), its values before and after as compact JSON, one change
    per line, built once per plan: where a delete rule asks whether anything kept still names the object it deletes
    (its quoted name, or its ARN or path inside a longer string)."""
    return view.derived("kept values as text", _kept_values_text)


def _kept_values_text(view: PlanView) -> str:
    return "\n".join(orjson.dumps([c.before, c.after], option=orjson.OPT_NON_STR_KEYS).decode()
                     for c in view.changes if c.action is not Action.DELETE)


def kept_modules(view: PlanView) -> set[str | None]:
    """The modules in which this plan keeps, changes or creates any managed object, built once per plan: a module
    absent from it is one the plan removes whole."""
    return view.derived("modules kept", _kept_modules)


def _kept_modules(view: PlanView) -> set[str | None]:
    return {c.module for c in view.changes if c.mode == "managed" and c.action is not Action.DELETE}


def provider_prefix(resource_type: str) -> str:
    """The provider part of a resource type (`aws` of `aws_s3_bucket`)."""
    return resource_type.split("_", 1)[0]


def plan_view(review_input: ReviewInput) -> PlanView:
    """The view of this review's plan, built on first use and shared by every rule of the same review."""
    return _last_view(review_input)


def _view(review_input: ReviewInput) -> PlanView:
    return PlanView(review_input.changeset.changes)


_last_view: LastBuilt[ReviewInput, PlanView] = LastBuilt(_view)
