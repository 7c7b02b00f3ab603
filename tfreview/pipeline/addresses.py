"""Configuration stage helpers: Terraform's address and reference syntax, read without the configuration —
instance keys dropped from an address (`module.a["x"].aws_s3_bucket.b[0]`), the module an address lives in, the
references of an expression, and the items a reference picks inside a value (`var.roles[0]`, `x.ids["k"]`).
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.diff import UNKNOWN

_KEY = lazy_compile(r'\[(?:"(?:[^"\\]|\\.)*"|[^\]]*)\]')


def config_address(address: str) -> str:
    """An instance address without its instance keys: module.a["x"].aws_s3_bucket.b[0] → module.a.aws_s3_bucket.b."""
    return _without_keys(address) if isinstance(address, str) else ""


# Every rule that reads the configuration asks again for the addresses of the changes it reads (a 10,000-change
# plan: ~80,000 times): each address is worked out once.
@lru_cache(maxsize=65536)
def _without_keys(address: str) -> str:
    return _KEY.sub("", address)


def references_in(expression: Any) -> Iterator[str]:
    """Every reference under an expression (`data.aws_ami.runner.id`), nested blocks included, in the order written."""
    if isinstance(expression, dict):
        for key, item in expression.items():
            if key == "references" and isinstance(item, list):
                yield from (r for r in item if isinstance(r, str))
            else:
                yield from references_in(item)
    elif isinstance(expression, list):
        for item in expression:
            yield from references_in(item)


def module_of(address: str) -> str:
    """The (config) module path of an address: "module.a.module.b" or "" for the root module."""
    return _module(address) if isinstance(address, str) else ""


@lru_cache(maxsize=65536)
def _module(address: str) -> str:
    parts = config_address(address).split(".")
    path: list[str] = []
    while len(parts) >= 2 and parts[0] == "module":
        path += parts[:2]
        parts = parts[2:]
    return ".".join(path)


def referenced_object(reference: str, address: str) -> str | None:
    """The config address of the resource or data source a reference names, read in the module ADDRESS lives in
    (`aws_x.y.id` written in `module.m["k"].aws_z.w` → `module.m.aws_x.y`); None for a variable, local, module
    output or the like."""
    names, _ = reference_steps(reference)
    if not names or names[0] in VALUE_ROOTS or names[0] == "module" or len(names) < _HEAD.get(names[0], 2):
        return None
    module = module_of(address)
    target = ".".join(names[:_HEAD.get(names[0], 2)])
    return f"{module}.{target}" if module else target


def most_specific(references: list[str]) -> list[str]:
    """Drop references that only repeat a longer one's prefix (Terraform lists `a.b.c` then `a.b`)."""
    keep = [r for r in references if not any(o != r and o.startswith((r + ".", r + "[")) for o in references)]
    return list(dict.fromkeys(keep))


def call_of(module: str) -> tuple[str, str]:
    """The module that calls MODULE and the call's name (`module.a.module.b` → `module.a`, `b`)."""
    parent, _, call = module.rpartition(".module.") if ".module." in module else ("", "", module[7:])
    return parent, call


def dig(value: Any, steps: list[Any]) -> Any:
    for step in steps:
        held = (isinstance(value, list) and isinstance(step, int) and step < len(value)) or (
            isinstance(value, dict) and isinstance(step, str) and step in value)
        if not held:
            return UNKNOWN
        value = value[step]
    return value


_STEP = lazy_compile(r'\.?([A-Za-z0-9_-]+)|\[("(?:[^"\\]|\\.)*"|[^\]]*)\]')
_HEAD = {"var": 2, "module": 2, "data": 3, "local": 2, "each": 2, "count": 2, "path": 2, "terraform": 2, "self": 1}


def reference_steps(reference: str) -> tuple[list[str], list[Any]]:
    """A reference's address with its names (instance keys of the object dropped), and the keys and indexes that
    pick an item inside its value after the first attribute (`["User.Read.All"]` → "User.Read.All", `[0]` → 0)."""
    names: list[str] = []
    keys: list[Any] = []
    for match in _STEP.finditer(reference):
        name, key = match.group(1), match.group(2)
        if name is not None:
            if keys:
                keys.append(name)
            else:
                names.append(name)
        elif keys or _selects_item(names):
            keys.append(_key(key))
    return names, keys


def _selects_item(names: list[str]) -> bool:
    """Whether a `[…]` after NAMES picks an item of a value, not an instance of an object (`aws_x.y[0]`,
    `module.a["k"]`: instance keys, dropped like config_address drops them)."""
    if not names:
        return False
    head = _HEAD.get(names[0], 2)
    return len(names) > head or (len(names) == head and names[0] in VALUE_ROOTS)


VALUE_ROOTS = {"var", "local", "each", "count", "path", "terraform", "self"}


def _key(text: str) -> Any:
    if text.startswith('"'):
        return text[1:-1].replace('\\"', '"')
    return int(text) if text.isdigit() else text


_INSTANCE_KEY = lazy_compile(r'\[(\d+|"(?:[^"\\]|\\.)*")\]$')


_MODULE_STEP = lazy_compile(r'module\.([^.\[]+)(?:\[(\d+|"(?:[^"\\]|\\.)*")\])?\.')


def module_keys(address: str) -> dict[str, Any]:
    """The key of each keyed module instance on ADDRESS's path, by config module path:
    `module.a["x"].module.b[0].t.n` → {"module.a": "x", "module.a.module.b": 0}."""
    keys: dict[str, Any] = {}
    path, position = "", 0
    while (step := _MODULE_STEP.match(address, position)) is not None:
        path = f"{path}.module.{step[1]}".lstrip(".")
        if step[2] is not None:
            keys[path] = _key(step[2])
        position = step.end()
    return keys


def instance_key(address: str) -> str | int | None:
    """An instance address's own key (`[0]` → 0, `["eu"]` → "eu"); None for a resource without count or for_each."""
    match = _INSTANCE_KEY.search(address)
    return None if match is None else _key(match[1])
