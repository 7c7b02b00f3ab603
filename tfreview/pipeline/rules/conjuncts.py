"""Risk rules, workforce helper (identity): a membership rule that only narrows one already in force — its
condition is the old condition AND more (`dept == "Eng" && title == "SRE"` after `dept == "Eng"`), for the same
groups, where the old rule (the same object before, or another the plan deletes or keeps) was active and left out
no one the new one lets in: everyone it can let in was already let in, so keying the extra part on an attribute
users edit themselves widens nothing."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import ReviewInput
from tfreview.pipeline.rules.common import sides, string_leaves
from tfreview.pipeline.rules.everyone import CONDITION_KEY
from tfreview.pipeline.rules.planview import PlanView, plan_view

# `&&` (Okta, CEL), `and` (Python-like, SQL), `-and` (Entra ID membership rules).
AND = lazy_compile(r"\s*&&\s*|\s+-?and\s+", re.IGNORECASE)
# An OR or a negation anywhere makes the AND-ed parts no longer each a requirement: such a condition is not read.
NOT_ALL_AND = lazy_compile(r"\|\||\s-?or\s|!|\bnot\b|-not\b", re.IGNORECASE)
SPACES = lazy_compile(r"\s+")
# A condition's top-level OR (every directory's rule language: `||`, `or`, `-or`).
OR = lazy_compile(r"\s*\|\|\s*|\s+-?or\s+", re.IGNORECASE)
TARGET_KEY = lazy_compile(r"group|assign|target|role", re.IGNORECASE)
EXCLUDE_KEY = lazy_compile(r"exclud|exempt|except|deny", re.IGNORECASE)
INACTIVE = lazy_compile(r"^(?:inactive|disabled|off|false|paused|suspended)$", re.IGNORECASE)


def conjuncts(expression: str) -> frozenset[str]:
    """The parts of a condition joined by AND, each with its spacing and outer parentheses normalised; none when
    the condition has an OR or a negation, or a part's parentheses do not balance."""
    if NOT_ALL_AND.search(expression):
        return frozenset()
    parts: set[str] = set()
    for part in AND.split(expression.strip()):
        part = SPACES.sub("", part)
        while part.startswith("(") and part.endswith(")") and part.count("(") == 1:
            part = part[1:-1]
        if part.count("(") != part.count(")"):
            return frozenset()
        if part:
            parts.add(part)
    return frozenset(parts)


def _targets(values: dict[str, Any]) -> frozenset[str]:
    """The groups or roles a rule puts its members into (string leaves of its group or assignment settings)."""
    return frozenset(v for k, value in values.items() if TARGET_KEY.search(k) and not CONDITION_KEY.search(k)
                     and not EXCLUDE_KEY.search(k) for v in string_leaves(value))


def _excluded(values: dict[str, Any]) -> frozenset[str]:
    """Whom a rule leaves out whatever its condition says (`users_excluded`)."""
    return frozenset(v for k, value in values.items() if EXCLUDE_KEY.search(k) for v in string_leaves(value))


def _active(values: dict[str, Any]) -> bool:
    return not any(isinstance(values.get(k), str | bool) and INACTIVE.match(str(values[k]))
                   for k in ("status", "state", "enabled", "active") if k in values)


Prior = tuple[frozenset[str], frozenset[str], frozenset[str]]  # groups, conjuncts, excluded


def _prior(view: PlanView) -> dict[str, list[Prior]]:
    """Per plan: the active rules in force before it (deleted, updated, replaced or kept), by each of their groups."""
    found: dict[str, list[Prior]] = defaultdict(list)
    for change in view.changes:
        before = change.before if isinstance(change.before, dict) and change.action is not Action.CREATE else {}
        if before and _active(before):
            for key, value in before.items():
                if CONDITION_KEY.search(key) and isinstance(value, str) and value.strip():
                    groups = _targets(before)
                    for group in groups:
                        found[group].append((groups, conjuncts(value), _excluded(before)))
    return found


def _narrowed(change: Change, expression: str, ri: ReviewInput) -> Iterator[str]:
    _, after = sides(change)
    groups, parts, excluded = _targets(after), conjuncts(expression), _excluded(after)
    if not groups:
        return
    prior = plan_view(ri).derived("membership rules in force", _prior)
    for old_groups, old_parts, old_excluded in prior.get(min(groups), []):
        if groups <= old_groups and old_parts and old_parts < parts and old_excluded <= excluded:
            yield " && ".join(sorted(old_parts))


def narrows_rule_in_force(change: Change, expression: str, ri: ReviewInput) -> bool:
    """Whether EXPRESSION only adds AND-ed parts to the condition of an active rule into the same groups (or more),
    leaving out everyone it left out."""
    return next(_narrowed(change, expression, ri), None) is not None


def requirements_made_alternatives(old: str, new: str) -> bool:
    """Whether NEW turns the AND-ed requirements of OLD into alternatives: an OR of clauses, each asking for some of
    OLD's parts and one for fewer than all (`oncall && FTE` → `oncall || FTE`). Everyone OLD admitted still meets
    it, and so does every account that meets one part alone, where each part was a requirement."""
    required = conjuncts(old)
    clauses = [conjuncts(clause) for clause in OR.split(new.strip()) if clause.strip()]
    return len(required) >= 2 and len(clauses) >= 2 and all(clauses) \
        and all(parts <= required for parts in clauses) and any(parts < required for parts in clauses)
