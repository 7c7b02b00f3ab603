"""Risk rules, lifecycle helper (delete grading): a non-production environment torn down as a unit. ladders.py
grades deletes with `environment_teardown`.

The unit is a module instance removed whole (every managed object under its top-level module goes) or the whole
plan (every managed object it holds goes, helpers aside). Its deletes are one teardown when every object of it that
holds data or carries labels is labelled with a non-production environment (sandbox, dev, staging, preview…) and
none says production, no store in it keeps a deletion protection switched on, and nothing the plan keeps names
any of them (an id, ARN or name): what goes was that environment's alone. A label alone never counts for a store
(disposable.py); here the store's own protection being off and the whole unit going with it stand beside it.
"""

from __future__ import annotations

from dataclasses import dataclass

import orjson

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import ReviewInput, is_helper_type
from tfreview.pipeline.rules.environments import PRODUCTION_TOKENS, label_pairs, module_words, non_production
from tfreview.pipeline.rules.kinds import looks_stateful
from tfreview.pipeline.rules.planview import PlanView, plan_view

# The top-level module instance of an address (`module.sandbox_hx42`, `module.env["dev"]`).
TOP_MODULE = lazy_compile(r'^module\.[^.\[]+(?:\["[^"]*"\]|\[\d+\])?')
# Settings that protect an object from deletion while switched on.
PROTECTION = lazy_compile(r"^(?:deletion_protection\w*|delete_protection|termination_protection|prevent_destroy"
                          r"|disable_api_termination|purge_protection\w*)$")
IDENTIFIERS = ("id", "arn", "name", "bucket", "identifier")
MIN_NAME = 6


@dataclass(frozen=True)
class _Unit:
    """The deletes of one unit that tear down a non-production environment, by address, and what to call it."""

    members: frozenset[str]
    called: str


def environment_teardown(change: Change, ri: ReviewInput) -> str | None:
    """Why this delete is part of a non-production environment torn down as a unit, or None."""
    if change.action is not Action.DELETE:
        return None
    units = plan_view(ri).derived("environment teardowns", _teardowns)
    for unit in units:
        if change.address in unit.members:
            return f"{unit.called} goes whole, every object labelled non-production and nothing kept names any of them"
    return None


def _teardowns(view: PlanView) -> list[_Unit]:
    managed = [c for c in view.changes if not is_helper_type(c.type)]
    groups: dict[str, list[Change]] = {}
    for change in managed:
        top = TOP_MODULE.match(change.address)
        if top is not None:
            groups.setdefault(top.group(0), []).append(change)
    candidates = [(f"the module instance {name}", members) for name, members in groups.items()]
    candidates.append(("the whole plan's infrastructure", managed))
    kept = [c for c in view.changes if c.action is not Action.DELETE]
    kept_text = orjson.dumps([[c.before, c.after] for c in kept], option=orjson.OPT_NON_STR_KEYS).decode()
    return [_Unit(frozenset(c.address for c in members), called) for called, members in candidates
            if _torn_down(members, kept_text)]


def _torn_down(members: list[Change], kept_text: str) -> bool:
    if not members or any(c.action is not Action.DELETE for c in members):
        return False
    labelled = [c for c in members if label_pairs(_before(c)) or looks_stateful(c.type)]
    if not labelled or not all(non_production(c) for c in labelled):
        return False
    if any(module_words(c.module) & PRODUCTION_TOKENS for c in members):
        return False
    if any(_protected(_before(c)) for c in members if looks_stateful(c.type)):
        return False
    return not any(name in kept_text for c in members for name in _names(_before(c)))  # an ARN or path names it too


def _before(change: Change) -> dict[str, object]:
    return change.before if isinstance(change.before, dict) else {}


def _protected(attrs: dict[str, object]) -> bool:
    return any(PROTECTION.match(key) and value is True for key, value in attrs.items())


def _names(attrs: dict[str, object]) -> list[str]:
    return [v for key in IDENTIFIERS if isinstance(v := attrs.get(key), str) and len(v) >= MIN_NAME]
