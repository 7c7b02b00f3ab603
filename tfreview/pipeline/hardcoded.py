"""Mask stage, secrets written into the configuration: a literal (`constant_value`) at an attribute of a resource
whose value the plan marks sensitive, or the default of a sensitive variable. Such a secret lives in the
repository as well as the plan and the state; masking hides its copies, and this notes, before masking, where each
literal was written, so a rule can say so (rules/hardcoded.py) without ever holding the value.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.credential_names import plausible
from tfreview.pipeline.credentials import find_in_text
from tfreview.pipeline.hidden import credential_key

MAX_DEPTH = 8  # nested blocks of expressions deeper than this are not read


def written_literals(document: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(config address or `var.NAME`, attribute, literal) for every string constant in the configuration's resource
    expressions and every string default of a sensitive root variable, before masking hides them."""
    root = _dict(_dict(document.get("configuration")).get("root_module"))
    found = [(address, attribute, value) for address, expressions in _resources(root, "")
             for attribute, value in _constants(expressions)]
    for name, declaration in _dict(root.get("variables")).items():
        default = _dict(declaration).get("default")
        if _dict(declaration).get("sensitive") is True and isinstance(default, str):
            found.append((f"var.{name}", name, default))
    return found


def hard_coded(found: list[tuple[str, str, str]], secrets: set[str]) -> list[tuple[str, str]]:
    """(address, attribute) of each literal that masking hid as a secret and that could be a real one (not a
    placeholder, an expression or a name), or a JSON document holding one under a credential's name (a KV secret's
    `data_json = jsonencode({client_secret = "…"})`, written as its text)."""
    return sorted({(address, attribute) for address, attribute, value in found
                   if value in secrets and (plausible(value, attribute) or _inner_credentials(value))})


def _inner_credentials(value: str) -> list[str]:
    """The values a JSON object written as a literal holds under credential names (`client_secret`, `password`)."""
    if not value.lstrip().startswith("{"):
        return []
    try:
        document = json.loads(value)
    except ValueError:
        return []
    return [v for k, v in document.items() if isinstance(v, str) and credential_key(str(k)) and plausible(v, str(k))] \
        if isinstance(document, dict) else []


def key_like(found: list[tuple[str, str, str]], secrets: set[str]) -> list[tuple[str, str]]:
    """(address, attribute) of each hard-coded literal that reads as a key or token, not as a word, a host or a
    placeholder: a credential's own shape or one carried in an assignment (_credential_shaped), or a string without
    spaces that mixes three kinds of character (`u8Qp2Lx7…+Ga7Ee2Ti`, `S3cr3t!pass`) or letters and digits at a
    key's length. `placeholder-rotated-by-lambda` and `smtp.eu.example.com` read as words."""
    return sorted({(address, attribute) for address, attribute, value in found
                   if value in secrets and ((plausible(value, attribute) and _reads_as_key(value))
                                            or any(_reads_as_key(inner) for inner in _inner_credentials(value)))})


HOST_LIKE = lazy_compile(r"[\w.-]+\.[a-z]{2,}(?::\d+)?(?:/\S*)?|[\w.+-]+@[\w.-]+", re.IGNORECASE)
KEY_LENGTH = 20  # letters and digits alone read as a key from here (a hex or base32 secret)
MIN_CHOSEN = 8  # three kinds of character from here (a chosen password)


def _reads_as_key(value: str) -> bool:
    if _credential_shaped(value):
        return True
    if any(c.isspace() for c in value) or HOST_LIKE.fullmatch(value):
        return False
    kinds = sum((any(c.islower() for c in value), any(c.isupper() for c in value), any(c.isdigit() for c in value),
                 any(not c.isalnum() for c in value)))
    letters_and_digits = any(c.isalpha() for c in value) and any(c.isdigit() for c in value)
    return (len(value) >= MIN_CHOSEN and kinds >= 3) or (len(value) >= KEY_LENGTH and letters_and_digits)


def map_entries(document: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    """(config address, attribute, key, literal) for every string entry of a constant map in the configuration's
    resource expressions (an app's settings, a function's environment), before masking hides them."""
    root = _dict(_dict(document.get("configuration")).get("root_module"))
    return [(address, attribute, key, value) for address, expressions in _resources(root, "")
            for attribute, expression in expressions.items() for key, value in _map_strings(expression, 0)]


def _map_strings(node: Any, depth: int) -> Iterator[tuple[str, str]]:
    """(key, string) of each constant map's string entries under an expression, nested blocks included (a
    function's `environment { variables = {…} }`)."""
    if depth > MAX_DEPTH:
        return
    if isinstance(node, list):
        for item in node:
            yield from _map_strings(item, depth + 1)
    elif isinstance(node, dict):
        if isinstance(node.get("constant_value"), dict):
            yield from ((str(k), v) for k, v in node["constant_value"].items() if isinstance(v, str))
        for key, value in node.items():
            if key not in ("constant_value", "references"):
                yield from _map_strings(value, depth + 1)


def shaped_entries(entries: list[tuple[str, str, str, str]], secrets: set[str]) -> list[tuple[str, str, str]]:
    """(config address, attribute, key) of each map entry that masking hid as a secret and whose literal has a
    credential's own shape (a connection string's AccountKey=, a cloud or vendor key), whatever the key is called;
    a value only shaped like a password (a long word with digits) is no such proof."""
    return sorted({(address, attribute, key) for address, attribute, key, value in entries
                   if value in secrets and _credential_shaped(value)})


def _credential_shaped(value: str) -> bool:
    """Whether VALUE holds a credential by its own shape (a cloud or vendor key, a private key) or carries one in an
    assignment (a connection string's `Password=`); a whole value shaped only like a password is no such proof."""
    return any(kind != "password" or secret != value for kind, secret in find_in_text(value))


def held_before(document: dict[str, Any]) -> set[tuple[str, str]]:
    """(change address, attribute) where a change's clear `before` already holds a non-empty value under a
    credential-named key (a password, a token, a secret's `value`): a literal written there now replaces one (a
    rotation), where an empty or absent one, or a reference to a store (`key_vault_secret_id`), was none."""
    held: set[tuple[str, str]] = set()
    generated = _generated(document)
    for entry in document.get("resource_changes") or []:
        change = _dict(_dict(entry).get("change"))
        address = _dict(entry).get("address")
        if isinstance(address, str) and not _dict(entry).get("deposed"):
            held |= {(address, attribute) for attribute, value in _dict(change.get("before")).items()
                     if _holds(value, credential_key(str(attribute)), 0)
                     and not (isinstance(value, str) and value in generated)}
    return held


# Resources that generate a secret in Terraform itself (`result`): a credential that held one was never a literal.
GENERATORS = ("random_password", "random_string")


def _generated(document: dict[str, Any]) -> set[str]:
    """The secrets the plan's generators held before it: a literal written where one of them was is a credential
    moved into the code, not a literal rotated (the emergency password once generated, now typed in)."""
    return {result for entry in document.get("resource_changes") or []
            if _dict(entry).get("type") in GENERATORS
            and isinstance(result := _dict(_dict(_dict(entry).get("change")).get("before")).get("result"), str)
            and result}


def _holds(value: Any, named: bool, depth: int) -> bool:
    """Whether VALUE, under a credential name when NAMED, holds a non-empty credential at any depth."""
    if isinstance(value, dict) and depth <= MAX_DEPTH:
        # A loop, not any() over a generator: a plan's `before` sides hold hundreds of thousands of keys.
        for k, v in value.items():
            inner = credential_key(str(k)) or (named and k == "value")
            if (inner or isinstance(v, dict | list)) and _holds(v, inner, depth + 1):  # unnamed scalars hold none
                return True
        return False
    if isinstance(value, list) and depth <= MAX_DEPTH:
        return any(_holds(item, named, depth + 1) for item in value)
    return named and isinstance(value, str | int | float) and not isinstance(value, bool) and bool(str(value).strip())


def _resources(module: dict[str, Any], prefix: str) -> Iterator[tuple[str, dict[str, Any]]]:
    for resource in module.get("resources") or []:
        if isinstance(resource, dict) and resource.get("mode", "managed") == "managed" \
                and isinstance(resource.get("address"), str):
            yield f"{prefix}{resource['address']}", _dict(resource.get("expressions"))
    for name, call in _dict(module.get("module_calls")).items():
        yield from _resources(_dict(_dict(call).get("module")), f"{prefix}module.{name}.")


def _constants(expressions: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """(top-level attribute, string) for every string constant under each attribute's expression."""
    for attribute, expression in expressions.items():
        for value in _strings(expression, 0):
            yield attribute, value


def _strings(node: Any, depth: int) -> Iterator[str]:
    if depth > MAX_DEPTH:
        return
    if isinstance(node, list):
        for item in node:
            yield from _strings(item, depth + 1)
    elif isinstance(node, dict):
        if "constant_value" in node:
            yield from _within(node["constant_value"], depth)
        for key, value in node.items():
            if key not in ("constant_value", "references"):
                yield from _strings(value, depth + 1)


def _within(value: Any, depth: int) -> Iterator[str]:
    """Every string inside a constant (a map of environment variables is one constant)."""
    if isinstance(value, str):
        yield value
    elif depth <= MAX_DEPTH and isinstance(value, (list, dict)):
        for item in value.values() if isinstance(value, dict) else value:
            yield from _within(item, depth + 1)


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}
