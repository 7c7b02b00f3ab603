"""Rules stage, before the rules: values a plan shows as `(known after apply)` filled in from its configuration.

A security control whose planned value is unknown (`allow_nested_items_to_be_public`, the four S3 public-access
flags, …) reads as null to every rule, which is neither the truth nor fail-closed. When the configuration says
what it will be — a constant, or one reference to a variable, module input or output, or another resource's
known value — the rules read that value instead. A list built from several references (Terraform writes only the
references, not the operators: `concat`, `setunion`) reads as the items of its known list references, what it holds
at least. Any other expression built from several references reads as its leading reference, the value it is about
in every common shape (`var.flags.public && …`, `var.roles[count.index]`, `each.value.role`): indexed by the
instance's own key where it uses `count.index` or `each.key`, and only where that value is known, of the type the
attribute held before, and not a control's strong setting: a guess may raise an alarm, never quiet one. Nested
blocks the plan leaves unknown are built from their configured arguments, laid over the same blocks before; blocks a
`dynamic` block builds from a list of addresses are the blocks before with those sources. A
grant's role that stays unknown is read as the name of the role it references, where that role is known by its
name alone (namedroles.py).
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.addresses import instance_key
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.configuration import Configuration, configuration
from tfreview.pipeline.diff import UNKNOWN
from tfreview.pipeline.findings import ReviewInput
from tfreview.pipeline.namedroles import grants_a_role, named_role
from tfreview.pipeline.rules.controls import matching_controls

MAX_DEPTH = 8
# Attributes a function writes as text from its references (`jsonencode`, `templatefile`): never a joined list.
TEXT_BUILT = lazy_compile(r"polic|document|json|template|script|content|body|text|data|yaml|config|rule",
                          re.IGNORECASE)
ALTERING = (Action.CREATE, Action.UPDATE, Action.REPLACE)
# Attributes that name one object (`policy_arn`, `template_id`): a reference, never text a function wrote.
NAMED = lazy_compile(r"_(?:arns?|ids?|names?)$")


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
        value = _as_blocks(_configured(config, change, path, _at(change.before, path)), _at(change.before, path))
        if value == UNKNOWN and grants_a_role(change.type, path):
            value = named_role(config, config.expression(change.address, path), change.address, path)
        if value is not UNKNOWN and _put(after, path, value):
            _put(unknown, path, _still_unknown(value))
            settled += 1
    if not settled:
        return change
    copy = change.model_copy(update={"after": after, "after_unknown": unknown})
    copy.__dict__.pop("attributes", None)  # a cached diff of the unresolved values
    return copy


# The arguments of a rule block that hold its sources (`cidr_blocks`, `source_ranges`, `source_addresses`).
SOURCE_LISTS = lazy_compile(r"^(?!ipv6)\w*(?:cidr|cidrs|cidr_blocks|source_ranges|source_addresses|ip_ranges)$")
_ADDRESS = lazy_compile(r"^[0-9a-fA-F:.]+(?:/\d{1,3})?$")


def _as_blocks(value: Any, before: Any) -> Any:
    """VALUE for an attribute that held nested blocks before: blocks stay blocks. A list of addresses where blocks
    were (a `dynamic "ingress"` block over `var.partner_cidrs`, which `show -json` writes as the reference alone) is
    the blocks before with their sources made those addresses, ports and protocols as they were (the configuration
    does not show them); any other list of plain values stays unknown."""
    if not (isinstance(before, list) and before and all(isinstance(b, dict) for b in before)) \
            or not isinstance(value, list) or all(isinstance(item, dict) for item in value):
        return value
    if not value or not all(isinstance(item, str) and _ADDRESS.match(item.strip()) for item in value):
        return UNKNOWN
    blocks = [{k: list(value) if SOURCE_LISTS.match(k) and isinstance(v, list) else v for k, v in block.items()}
              for block in before]
    return blocks if blocks != before else UNKNOWN


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


def _configured(config: Configuration, change: Change, path: tuple[str | int, ...], before: Any = None) -> Any:
    """The one value the configuration gives the attribute at PATH; UNKNOWN when it does not settle it."""
    address = change.address
    expression = config.expression(address, path)
    if isinstance(expression, list) and expression and all(isinstance(b, dict) for b in expression):
        blocks = [_block(config, change, block, MAX_DEPTH) for block in expression]
        if not _some_known(blocks):
            return UNKNOWN  # nested blocks the plan leaves unknown
        old = before if isinstance(before, list) and len(before) == len(blocks) else [None] * len(blocks)
        return [_over(item, was) for item, was in zip(blocks, old, strict=True)]
    if not isinstance(expression, dict):
        return UNKNOWN  # not configured (a computed attribute)
    return _settled(config, change, path, expression, before)


def _block(config: Configuration, change: Change, block: dict[str, Any], depth: int) -> Any:
    """A nested block's expressions settled into values (UNKNOWN where one is not)."""
    values: dict[str, Any] = {}
    for name, expression in block.items():
        if isinstance(expression, list) and depth:
            values[name] = [_block(config, change, item, depth - 1) for item in expression if isinstance(item, dict)]
        elif isinstance(expression, dict):
            values[name] = _settled(config, change, (name,), expression, None)
    return values


def _over(configured: Any, before: Any) -> Any:
    """A settled block laid over the same block before: what the configuration does not set (a provider's default,
    a computed setting) keeps its value before."""
    if not isinstance(configured, dict) or not isinstance(before, dict):
        return configured
    merged = dict(before)
    for key, value in configured.items():
        was = before.get(key)
        if isinstance(value, list) and isinstance(was, list) and len(value) == len(was):
            merged[key] = [_over(item, old) for item, old in zip(value, was, strict=True)]
        else:
            merged[key] = value
    return merged


def _still_unknown(value: Any) -> Any:
    """after_unknown's marks for a settled VALUE: false, or for blocks, true at each leaf still unknown."""
    if isinstance(value, dict):
        return {k: mark for k, item in value.items() if (mark := _still_unknown(item)) is not False}
    if isinstance(value, list):
        return [_still_unknown(item) for item in value]
    return value is UNKNOWN or value == UNKNOWN


def _some_known(value: Any) -> bool:
    """Whether any leaf of VALUE is known."""
    if isinstance(value, dict):
        return any(_some_known(item) for item in value.values())
    if isinstance(value, list):
        return any(_some_known(item) for item in value)
    return value is not UNKNOWN and value != UNKNOWN


def _settled(config: Configuration, change: Change, path: tuple[str | int, ...], expression: dict[str, Any],
             before: Any) -> Any:
    address = change.address
    key = instance_key(address)
    values = config.instance_candidates(address, expression, key)  # one per reference, or the constant
    if len(values) != 1:
        indexed = {"count.index", "each.key"} & set(_list(expression.get("references")))
        joined = UNKNOWN if indexed else _joined(values)
        value = _leading(values, key if indexed else None, before) if joined is UNKNOWN else joined
        if joined is UNKNOWN and not indexed and _reads_strong(change.type, path, value):
            return UNKNOWN  # a guess never makes a control look safe: unknown stays unknown, read closed
        if TEXT_BUILT.search(str(path[-1])) and not NAMED.search(str(path[-1])) and not _plain_word(value):
            return UNKNOWN  # a document or script a function wrote from several values
    else:
        value = values[0]
    if value is None or _holds_unknown(value, 0) or "Statement" in str(value):
        return UNKNOWN  # policy documents stay with the identity rules, which say where an unknown one came from
    return value


def _reads_strong(resource_type: str, path: tuple[str | int, ...], value: Any) -> bool:
    """Whether a switch VALUE is the stronger of its two settings for a control of the vocabulary that reads PATH
    (`block_public_acls = true`, `enabled = true` on a log)."""
    if not isinstance(value, bool):
        return False
    name = ".".join(step for step in path if isinstance(step, str))
    return any((strong := item.strength(value)) is not None and (weak := item.strength(not value)) is not None
               and strong > weak for item in matching_controls(resource_type, name))


def _leading(values: list[Any], key: str | int | None, before: Any) -> Any:
    """The leading reference's value of an expression built from several: indexed by the instance's KEY where the
    expression indexes by it; UNKNOWN when that value is not known, or is not of BEFORE's type (a condition's flag
    read for a CIDR)."""
    value = values[0]
    if key is not None and isinstance(value, (list, dict)):
        value = value[key] if isinstance(value, list) and isinstance(key, int) and key < len(value) else (
            value.get(str(key), UNKNOWN) if isinstance(value, dict) else UNKNOWN)
    if value is None or _holds_unknown(value, 0) or (before is not None and type(before) is not type(value)):
        return UNKNOWN
    return value


def _plain_word(value: Any) -> bool:
    """Whether VALUE is one setting (a flag, a number, a mode or policy name), not text a function could write."""
    return isinstance(value, (bool, int, float)) or (isinstance(value, str) and not any(c in value for c in "{\n ="))


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _at(node: Any, path: tuple[str | int, ...]) -> Any:
    """The value at PATH in NODE; None where there is none."""
    for step in path:
        if isinstance(node, dict) and isinstance(step, str):
            node = node.get(step)
        elif isinstance(node, list) and isinstance(step, int) and step < len(node):
            node = node[step]
        else:
            return None
    return node


def _joined(values: list[Any]) -> Any:
    """A list built from several references (`concat(var.extra, [x.email])`, `setunion(…)`) where the known ones are
    lists of plain values, or plain values put in it (`[aws_vpc.edge.cidr_block]`) beside at least one list: the
    items it holds at least, the unknown references' items left out. UNKNOWN when any known reference is something
    else (a map, a document, a flag of a condition)."""
    known = [value for value in values if not _holds_unknown(value, 0)]
    if not any(isinstance(v, list) for v in known) or not all(
            _item(v) or (isinstance(v, list) and all(_item(i) for i in v)) for v in known):
        return UNKNOWN
    return [item for value in known for item in (value if isinstance(value, list) else [value])]


def _item(value: Any) -> bool:
    return isinstance(value, (str, int, float)) and not isinstance(value, bool)


def _holds_unknown(value: Any, depth: int) -> bool:
    if value == UNKNOWN or depth > MAX_DEPTH:
        return True
    items = value.values() if isinstance(value, dict) else value if isinstance(value, list) else ()
    return any(_holds_unknown(item, depth + 1) for item in items)


def _put(node: Any, path: tuple[str | int, ...], value: Any) -> bool:
    node = _at(node, path[:-1])
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
