"""Load stage: check the type of every part of a `show -json` document that tfreview reads, before masking.

A value of the wrong type anywhere tfreview looks is a PlanError naming its JSON path, so no later stage
meets a shape it does not understand (and none can mistake it for "nothing changes"). Keys Terraform may
omit are optional, and `null` counts as omitted; keys tfreview never reads are not checked. The types
follow Terraform's own encoder (internal/command/jsonplan, jsonstate, jsonconfig, jsonchecks).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from tfreview.errors import PlanError
from tfreview.lazyregex import lazy_compile

# Deepest nesting of objects and lists accepted, counting the document itself as level 1. orjson writes
# at most 255 levels (masking, caches and outputs serialise plan values inside their own wrappers), and
# the stages walk values recursively at about two Python frames a level, under Python's limit of 1000.
# Real plans stay far below: the deepest fixture here (a kubernetes_deployment plan) nests 20 levels.
MAX_DEPTH = 128
_SHOWN_KEY = 40
_ABSENT = object()


@dataclass(frozen=True)
class Scalar:
    """A JSON scalar of one of TYPES, described as NAME (plural PLURAL)."""

    name: str
    plural: str
    types: frozenset[type]  # exact types, as a JSON parser makes them: a boolean is never a number


@dataclass
class Obj:
    """A JSON object with these known keys; REQUIRED ones must be present and not null."""

    fields: dict[str, Spec] = field(default_factory=dict)
    required: frozenset[str] = frozenset()
    name: str = "an object"
    plural: str = "objects"


@dataclass(frozen=True)
class ListOf:
    """A JSON array whose items all match ITEM."""

    item: Spec

    @property
    def name(self) -> str:
        """'a list of strings' and the like."""
        return f"a list of {self.item.plural if self.item is not None else 'values'}"

    plural = "lists"


@dataclass(frozen=True)
class MapOf:
    """A JSON object whose values (under any key) all match VALUE."""

    value: Spec
    name = "an object"
    plural = "objects"


@dataclass(frozen=True)
class Marks:
    """Terraform's unknown and sensitive marks (after_unknown, before/after_sensitive, sensitive_values): true or
    false, or objects and lists of marks shaped like the value they mark. A number or a string there is no mark
    Terraform writes: masking could not tell what it covers."""

    name = "true, false, or objects and lists of them"
    plural = "marks"


Spec = Scalar | Obj | ListOf | MapOf | Marks | None  # None: any value, not checked

STR = Scalar("a string", "strings", frozenset({str}))
BOOL = Scalar("a boolean", "booleans", frozenset({bool}))
NUMBER = Scalar("a number", "numbers", frozenset({int, float}))
KEY = Scalar("a number or a string", "numbers or strings", frozenset({int, float, str}))  # instance keys, path steps

MARKS = Marks()

CHANGE = Obj({
    "actions": ListOf(STR), "before": None, "after": None, "after_unknown": MARKS,
    "before_sensitive": MARKS, "after_sensitive": MARKS, "replace_paths": ListOf(ListOf(KEY)),
    "importing": Obj({"id": STR, "unknown": BOOL}), "generated_config": STR,
}, required=frozenset({"actions"}))
# A resource's values are always objects (schema blocks); an output's may be any value.
RESOURCE_BODY = Obj({**CHANGE.fields, "before": MapOf(None), "after": MapOf(None)}, required=CHANGE.required)
RESOURCE_CHANGE = Obj({
    "address": STR, "previous_address": STR, "module_address": STR, "mode": STR, "type": STR, "name": STR,
    "index": KEY, "index_unknown": BOOL, "provider_name": STR, "deposed": STR, "change": RESOURCE_BODY,
    "action_reason": STR,
}, required=frozenset({"change"}))
STATE_RESOURCE = Obj({
    "address": STR, "mode": STR, "type": STR, "name": STR, "index": KEY, "provider_name": STR,
    "schema_version": NUMBER, "values": None, "sensitive_values": MARKS,
})
STATE_MODULE = Obj({"address": STR, "resources": ListOf(STATE_RESOURCE)})
STATE_MODULE.fields["child_modules"] = ListOf(STATE_MODULE)
STATE_VALUES = Obj({"outputs": MapOf(Obj({"sensitive": BOOL, "value": None})), "root_module": STATE_MODULE})
CONFIG_MODULE = Obj({
    "resources": ListOf(Obj({"address": STR, "mode": STR, "type": STR, "name": STR, "provider_config_key": STR,
                             "expressions": MapOf(None)})),
    "variables": MapOf(Obj({"sensitive": BOOL, "default": None, "description": STR})),
    "outputs": MapOf(Obj({"sensitive": BOOL, "expression": None, "description": STR})),
})
CONFIG_MODULE.fields["module_calls"] = MapOf(Obj({"source": STR, "expressions": MapOf(None),
                                                  "module": CONFIG_MODULE}))
PROBLEMS = ListOf(Obj({"message": STR}))
PLAN = Obj({
    "format_version": STR, "terraform_version": STR, "timestamp": STR,
    "applyable": BOOL, "complete": BOOL, "errored": BOOL,
    "variables": MapOf(Obj({"value": None})),
    "planned_values": STATE_VALUES,
    "resource_changes": ListOf(RESOURCE_CHANGE),
    "resource_drift": ListOf(RESOURCE_CHANGE),
    "output_changes": MapOf(CHANGE),
    "deferred_changes": ListOf(Obj({"reason": STR, "resource_change": RESOURCE_CHANGE},
                                   required=frozenset({"resource_change"}))),
    "prior_state": Obj({"format_version": STR, "terraform_version": STR, "values": STATE_VALUES}),
    "configuration": Obj({"provider_config": MapOf(Obj({"name": STR, "full_name": STR})),
                          "root_module": CONFIG_MODULE}),
    "relevant_attributes": ListOf(Obj({"resource": STR, "attribute": ListOf(KEY)})),
    "checks": ListOf(Obj({"address": MapOf(None), "status": STR, "problems": PROBLEMS,
                          "instances": ListOf(Obj({"address": MapOf(None), "status": STR, "problems": PROBLEMS}))})),
}, required=frozenset({"format_version"}))
ENTRY_SECTIONS = ("resource_changes", "resource_drift")


def check_shape(document: Any) -> None:
    """Raise PlanError naming the first place where DOCUMENT is nested too deep or has a wrong type.

    Optional keys holding null are removed, so later stages meet them as omitted; values (before, after…)
    keep their nulls.
    """
    check_depth(document)
    try:
        _check(document, PLAN)
    except _Wrong as error:
        path = ""
        for step in reversed(error.steps):
            path = _step(path, step)
        raise PlanError(f"{path or 'the plan'}: {error}") from None
    for section in ENTRY_SECTIONS:
        for index, entry in enumerate(document.get(section) or []):
            _check_addressable(entry, f"{section}[{index}]")
    for index, deferred in enumerate(document.get("deferred_changes") or []):
        _check_addressable(deferred["resource_change"], f"deferred_changes[{index}].resource_change")
    _check_unique(document.get("resource_changes") or [])


def _check_unique(entries: list[dict[str, Any]]) -> None:
    """Terraform writes each resource instance (and each deposed object of it) once: an address twice with two
    different changes (a no-op and a delete) is a plan nobody can read one way. A repeat of the same change says
    nothing new and is read as it is."""
    seen: dict[tuple[Any, Any], int] = {}
    for index, entry in enumerate(entries):
        key = (entry.get("address"), entry.get("deposed"))
        if key[0] and key in seen and entries[seen[key]].get("change") != entry.get("change"):
            raise PlanError(f"resource_changes[{index}]: {key[0]} appears again with another change (first at "
                            f"resource_changes[{seen[key]}]) — Terraform writes each resource once; check how the "
                            "file was made")
        seen.setdefault(key, index)


def check_depth(document: Any, limit: int = MAX_DEPTH) -> None:
    """Refuse a document nested deeper than LIMIT levels, without recursion."""
    if _fits(document, limit):
        return
    where, node = "", document
    for _ in range(2):  # name the section, and the entry in it, that nests too deep
        items = node.items() if type(node) is dict else enumerate(node)
        limit -= 1
        found = next(((k, v) for k, v in items if type(v) in (dict, list) and not _fits(v, limit)), None)
        if found is None:
            break
        where, node = _step(where, found[0]), found[1]
    raise PlanError(f"the plan JSON is nested deeper than {MAX_DEPTH} levels (under {where or 'the top level'}) "
                    "— no Terraform plan nests this deep; check how the file was made")


def _fits(root: Any, limit: int) -> bool:
    """Whether ROOT nests objects and lists at most LIMIT levels deep (ROOT itself is level 1)."""
    if type(root) is not dict and type(root) is not list:
        return True
    level, depth = [root], 1
    while level:
        if depth > limit:
            return False
        deeper: list[Any] = []
        keep = deeper.append
        for node in level:
            for value in node.values() if type(node) is dict else node:
                if type(value) is dict or type(value) is list:
                    keep(value)
        level, depth = deeper, depth + 1
    return True


class _Wrong(Exception):
    """A type error deep in the document; the path is collected on the way out, so checking builds none."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.steps: list[Any] = []


def _check(value: Any, spec: Spec) -> None:
    if spec is None:
        return
    if isinstance(spec, Marks):
        _check_marks(value)
        return
    if isinstance(spec, Scalar):
        if type(value) not in spec.types:
            raise _Wrong(f"expected {spec.name}, got {_kind(value)}")
        return
    if isinstance(spec, ListOf):
        if type(value) is not list:
            raise _Wrong(f"expected {spec.name}, got {_kind(value)}")
        for index, item in enumerate(value):
            _inside(item, spec.item, index)
        return
    if type(value) is not dict:
        raise _Wrong(f"expected {spec.name}, got {_kind(value)}")
    if isinstance(spec, MapOf):
        if spec.value is not None:
            for key, item in value.items():
                _inside(item, spec.value, key)
        return
    for key in spec.required:
        if value.get(key) is None:
            error = _Wrong("missing — Terraform always writes it; create the file with `terraform show -json tfplan`")
            error.steps.append(key)
            raise error
    for key, sub in spec.fields.items():
        item = value.get(key, _ABSENT)
        if item is _ABSENT or sub is None:
            continue
        if item is None:
            if not isinstance(sub, MapOf):
                del value[key]  # a null section or field reads as omitted in every later stage (values keep theirs)
            continue
        if isinstance(sub, Scalar) and type(item) in sub.types:
            continue  # the common case, without a call
        _inside(item, sub, key)


def _check_marks(value: Any) -> None:
    if type(value) is bool or value is None:
        return
    if type(value) is list:
        for index, item in enumerate(value):
            _inside(item, MARKS, index)
    elif type(value) is dict:
        for key, item in value.items():
            _inside(item, MARKS, key)
    else:
        raise _Wrong(f"expected {MARKS.name} (Terraform's marks), got {_kind(value)}")


def _inside(item: Any, spec: Spec, step: Any) -> None:
    try:
        _check(item, spec)
    except _Wrong as error:
        error.steps.append(step)
        raise


def _check_addressable(entry: dict[str, Any], path: str) -> None:
    """An entry needs an address, or the type and name to build one from (Terraform 1.0 drift has none); where it
    has both, the address names its type: every rule judges the type, and the reader sees the address."""
    address, kind = entry.get("address"), entry.get("type")
    if not address and not (kind and entry.get("name")):
        raise PlanError(f"{path}: no address, and no type and name to build one from — "
                        "create the file with `terraform show -json tfplan`")
    named = address_type(address) if address and kind else None
    if named is not None and named != kind:
        raise PlanError(f"{path}: its address names type {_shown(named)} but its type is {_shown(str(kind))} — "
                        "Terraform builds the address from the type, so the file was edited; create it with "
                        "`terraform show -json tfplan`")


# One module step of an address: `module.NAME` with an optional instance key (`["a.b"]`, `[0]`), then a dot.
_MODULE_STEP = lazy_compile(r'module\.[^.\[]+(?:\[(?:"(?:[^"\\]|\\.)*"|[^\]]*)\])?\.')


def address_type(address: str) -> str | None:
    """The resource type an address names (`module.a["k"].data.aws_ami.x[0]` → `aws_ami`), None if unreadable."""
    rest = address
    while rest.startswith("module."):
        step = _MODULE_STEP.match(rest)
        if step is None:
            return None
        rest = rest[step.end():]
    for mode in ("data.", "ephemeral."):
        rest = rest.removeprefix(mode)
    kind, dot, _ = rest.partition(".")
    return kind if dot and kind else None


def _shown(text: str) -> str:
    return json.dumps(text if len(text) <= _SHOWN_KEY else text[:_SHOWN_KEY] + "…")


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    return "a list" if isinstance(value, list) else "an object"


def _step(path: str, key: Any) -> str:
    """PATH extended by KEY: `.name` for plain keys, `["…"]` (escaped, shortened) for any other text."""
    if isinstance(key, int):
        return f"{path}[{key}]"
    text = str(key)
    if text.isidentifier() and text.isascii():
        return f"{path}.{text}" if path else text
    shown = text if len(text) <= _SHOWN_KEY else text[:_SHOWN_KEY] + "…"
    return f"{path}[{json.dumps(shown)}]"  # ASCII only: no control or line-break character
