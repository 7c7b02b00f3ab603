"""Rules stage, before the rules: values a plan shows as `(known after apply)` filled in from its configuration.

A security control whose planned value is unknown (`allow_nested_items_to_be_public`, the four S3 public-access
flags, …) reads as null to every rule, which is neither the truth nor fail-closed. When the configuration says
what it will be — a constant, or one reference to a variable, module input or output, or another resource's
known value — the rules read that value instead. A list built from several references (Terraform writes only the
references, not the operators: `concat`, `setunion`) reads as the items of its known list references, what it holds
at least; any other expression built from several references stays unknown. A grant's role that stays unknown is
read as the name of the role it references, where that role is known by its name alone (namedroles.py).
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.configuration import Configuration, configuration, module_of
from tfreview.pipeline.diff import UNKNOWN
from tfreview.pipeline.findings import ReviewInput
from tfreview.pipeline.namedroles import grants_a_role, named_role

MAX_DEPTH = 8
# Attributes a function writes as text from its references (`jsonencode`, `templatefile`): never a joined list.
TEXT_BUILT = lazy_compile(r"polic|document|json|template|script|content|body|text|data|yaml|config|rule",
                          re.IGNORECASE)
ALTERING = (Action.CREATE, Action.UPDATE, Action.REPLACE)


def resolve_unknowns(review_input: ReviewInput) -> ReviewInput:
    """REVIEW_INPUT with each change's unknown values that the configuration settles filled in (same object if none)."""
    config: Configuration | None = None
    changes: list[Change] = []
    touched = False
    for change in review_input.changeset.changes:
        if change.action in ALTERING and isinstance(change.after, dict) and _has_unknown(change.after_unknown):
            config = config or configuration(review_input.plan)
            if not config.present:
                return review_input
            resolved = _resolve_change(change, config)
            touched = touched or resolved is not change
            changes.append(resolved)
        else:
            changes.append(change)
    if not touched:
        return review_input
    changeset = review_input.changeset.model_copy(update={"changes": changes})
    return replace(review_input, changeset=changeset)


def _has_unknown(unknown: Any) -> bool:
    if isinstance(unknown, dict):
        return any(v is True or (isinstance(v, (dict, list)) and _has_unknown(v)) for v in unknown.values())
    if isinstance(unknown, list):
        return any(v is True or (isinstance(v, (dict, list)) and _has_unknown(v)) for v in unknown)
    return unknown is True


def _resolve_change(change: Change, config: Configuration) -> Change:
    after: Any = _copy(change.after)
    unknown: Any = _copy(change.after_unknown)
    settled = 0
    for path in list(_unknown_paths(unknown, ())):
        value = _configured(config, change.address, path)
        if value == UNKNOWN and grants_a_role(change.type, path):
            value = named_role(config, config.expression(change.address, path), change.address, path)
        if value is not UNKNOWN and _put(after, path, value):
            _put(unknown, path, False)
            settled += 1
    if not settled:
        return change
    copy = change.model_copy(update={"after": after, "after_unknown": unknown})
    copy.__dict__.pop("attributes", None)  # a cached diff of the unresolved values
    return copy


def _unknown_paths(unknown: Any, path: tuple[str | int, ...]) -> list[tuple[str | int, ...]]:
    """Paths of leaves after_unknown marks true (attribute keys, block indexes)."""
    if len(path) > MAX_DEPTH:
        return []
    found: list[tuple[str | int, ...]] = []
    items = unknown.items() if isinstance(unknown, dict) else enumerate(unknown) if isinstance(unknown, list) else ()
    for key, mark in items:
        if mark is True:
            found.append((*path, key))
        elif isinstance(mark, (dict, list)):
            found += _unknown_paths(mark, (*path, key))
    return found


def _configured(config: Configuration, address: str, path: tuple[str | int, ...]) -> Any:
    """The one value the configuration gives the attribute at PATH; UNKNOWN when it does not settle it."""
    expression = config.expression(address, path)
    if not isinstance(expression, dict):
        return UNKNOWN  # not configured (a computed attribute), or nested blocks
    values = config.candidates(expression, module_of(address))  # one per reference, or the constant
    if len(values) != 1:
        return UNKNOWN if TEXT_BUILT.search(str(path[-1])) else _joined(values)
    value = values[0]
    if value is None or _holds_unknown(value, 0) or "Statement" in str(value):
        return UNKNOWN  # policy documents stay with the identity rules, which say where an unknown one came from
    return value


def _joined(values: list[Any]) -> Any:
    """A list built from several references (`concat(var.extra, [x.email])`, `setunion(…)`) where the known ones are
    lists of plain values: the items it holds at least, the unknown references' items left out. UNKNOWN when any
    known reference is not such a list (a map, a document, a number picked by a function)."""
    known = [value for value in values if not _holds_unknown(value, 0)]
    if not known or not all(isinstance(v, list) and all(isinstance(i, (str, int, float)) for i in v) for v in known):
        return UNKNOWN
    return [item for value in known for item in value]


def _holds_unknown(value: Any, depth: int) -> bool:
    if value == UNKNOWN or depth > MAX_DEPTH:
        return True
    items = value.values() if isinstance(value, dict) else value if isinstance(value, list) else ()
    return any(_holds_unknown(item, depth + 1) for item in items)


def _put(node: Any, path: tuple[str | int, ...], value: Any) -> bool:
    for step in path[:-1]:
        if isinstance(node, dict) and isinstance(step, str):
            node = node.get(step)
        elif isinstance(node, list) and isinstance(step, int) and step < len(node):
            node = node[step]
        else:
            return False
    last = path[-1]
    if isinstance(node, dict) and isinstance(last, str):
        node[last] = value
        return True
    if isinstance(node, list) and isinstance(last, int) and last < len(node):
        node[last] = value
        return True
    return False


def _copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value
