"""Mask stage: mask credentials found in unmarked plan values, recording where each was and what kind it is.

A plan without credentials costs one serialization of the document and a few literal-led scans of it
(credentials.matching). Only when a scan hits is the document cut into units that each have a name a
reader knows (a resource address, `output.NAME`, `var.NAME`, or a JSON path); the units are serialized
and searched again by the probes that hit (scan.py), and only units with a hit are walked in Python.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import orjson

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline import scan
from tfreview.pipeline.credential_names import find_by_key, find_in_arguments, find_pin, object_name
from tfreview.pipeline.credentials import LABELS, find_in_text, matching
from tfreview.pipeline.encoded import find_encoded


@dataclass(frozen=True)
class CredentialHit:
    """One credential found unmarked, by where it was, never by its value."""

    kind: str
    where: str
    attribute: str = ""
    resource_type: str | None = field(default=None, compare=False)
    addressed: bool = field(default=True, compare=False)

    @property
    def label(self) -> str:
        """The kind in words, with its article: 'an AWS access key'."""
        return LABELS.get(self.kind, "a credential")


@dataclass
class _Unit:
    """A part of the document: PARENT[KEY], named WHERE; SKIP keys are units of their own."""

    where: str
    parent: Any
    key: Any
    resource_type: str | None = None
    skip: frozenset[str] = frozenset()
    addressed: bool = True

    @property
    def node(self) -> Any:
        """The value this unit stands for, without its skipped keys."""
        value = self.parent[self.key]
        if self.skip and isinstance(value, dict):
            return {k: v for k, v in value.items() if k not in self.skip}
        return value


@dataclass
class _Found:
    """Each credential met on a walk, with where it was."""

    pairs: list[tuple[CredentialHit, str]] = field(default_factory=list)

    def hits(self) -> list[CredentialHit]:
        """Distinct places, in the order met."""
        return list(dict.fromkeys(hit for hit, _ in self.pairs))

    def secrets(self) -> set[str]:
        """The credential values themselves."""
        return {secret for _, secret in self.pairs}


MaskedCredentials = tuple[list[CredentialHit], set[str]]
# The attribute path starts after these wrappers of resource entries, outputs and variables.
_WRAPPERS = lazy_compile(r"^(?:change\.(?:before|after)|before|after|values?|expressions|default)(?:\.|$)")
_EXPRESSIONS = lazy_compile(r"(^|\.)expressions\.")


def mask_credentials(document: dict[str, Any], mask: str, text: bytes | None = None) -> MaskedCredentials:
    """Mask, in place, every credential shape in DOCUMENT; return where each was and the values found.

    TEXT is orjson.dumps(document) when the caller has it already.
    """
    cased, lowered = matching(text if text is not None else orjson.dumps(document))
    if not cased and not lowered:
        return [], set()
    units = list(_units(document))
    serialized = scan.serialize([u.node for u in units])
    # A probe that misses the whole document misses each part of it: only the probes that hit search again.
    hit = scan.units_hit(serialized, cased) | (scan.units_hit(serialized.lower(), lowered) if lowered else set())
    found = _Found()
    for index in sorted(hit):
        unit = units[index]
        unit.parent[unit.key] = _walk(unit.parent[unit.key], unit, "", mask, found, top=True)
    return found.hits(), found.secrets()


def _units(document: dict[str, Any]) -> Iterator[_Unit]:
    for key in document:
        if key in ("resource_changes", "resource_drift"):
            yield from _entries(document[key])
        elif key == "deferred_changes":
            for index, entry in enumerate(document[key] or []):
                change = entry.get("resource_change") if isinstance(entry, dict) else None
                address = change.get("address") if isinstance(change, dict) else None
                yield _Unit(address or f"deferred_changes[{index}]", document[key], index, addressed=bool(address))
        elif key in ("planned_values", "prior_state") and isinstance(document[key], dict):
            yield from _state(document, key)
        elif key in ("output_changes", "variables") and isinstance(document[key], dict):
            prefix = "output" if key == "output_changes" else "var"
            yield from (_Unit(f"{prefix}.{name}", document[key], name) for name in document[key])
        elif key == "configuration" and isinstance(document[key], dict):
            yield _Unit(key, document, key, skip=frozenset({"root_module"}), addressed=False)
            if isinstance(document[key].get("root_module"), dict):
                yield from _config_module(document[key], "root_module", "configuration.root_module")
        else:
            yield _Unit(key, document, key, addressed=False)


def _entries(entries: Any) -> Iterator[_Unit]:
    for index, entry in enumerate(entries or []):
        if isinstance(entry, dict):
            address = entry.get("address")
            yield _Unit(str(address or f"[{index}]"), entries, index, entry.get("type"), addressed=bool(address))


def _state(document: dict[str, Any], name: str) -> Iterator[_Unit]:
    """planned_values holds root_module and outputs; prior_state holds them under `values`."""
    inner = frozenset({"root_module", "outputs"})
    if name == "planned_values":
        holder, parent, key = document[name], document, name
    else:
        holder, parent, key = document[name].get("values"), document[name], "values"
        yield _Unit(name, document, name, skip=frozenset({"values"}), addressed=False)
    if not isinstance(holder, dict):
        return
    yield _Unit(f"{name}.{key}" if key != name else name, parent, key, skip=inner, addressed=False)
    yield from (_Unit(f"output.{n}", holder["outputs"], n) for n in holder.get("outputs") or {})
    if isinstance(holder.get("root_module"), dict):
        yield from _state_module(holder["root_module"])


def _state_module(module: dict[str, Any]) -> Iterator[_Unit]:
    yield from _entries(module.get("resources"))
    for child in module.get("child_modules") or []:
        if isinstance(child, dict):
            yield from _state_module(child)


def _config_module(parent: dict[str, Any], key: str, path: str) -> Iterator[_Unit]:
    module = parent[key]
    yield from _entries(module.get("resources"))
    top = path == "configuration.root_module"
    for section, prefix in (("variables", "var"), ("outputs", "output")):
        for name in module.get(section) or {}:
            yield _Unit(f"{prefix}.{name}" if top else f"{path}.{section}.{name}", module[section], name,
                        addressed=top)
    for name, call in (module.get("module_calls") or {}).items():
        call_path = f"{path}.module_calls.{name}"
        yield _Unit(call_path, module["module_calls"], name, skip=frozenset({"module"}), addressed=False)
        if isinstance(call, dict) and isinstance(call.get("module"), dict):
            yield from _config_module(call, "module", f"{call_path}.module")
    rest = frozenset({"resources", "variables", "outputs", "module_calls"})
    yield _Unit(path, parent, key, skip=rest, addressed=False)


def _walk(node: Any, unit: _Unit, path: str, mask: str, found: _Found, top: bool = False) -> Any:
    if isinstance(node, str):
        return _mask_text(node, unit, path, mask, found)
    if isinstance(node, list):
        walked = [_walk(item, unit, f"{path}[{i}]", mask, found) for i, item in enumerate(node)]
        for index, secret in find_in_arguments(node):  # an argv list: ["--db-password", "x"], ["mysql", "-px"]
            _record(found, unit, f"{path}[{index}]", "argument", secret)
            walked[index] = walked[index].replace(secret, mask) if isinstance(walked[index], str) else mask
        return walked
    if isinstance(node, dict):
        return _walk_dict(node, unit, path, mask, found, top)
    return node


def _walk_dict(node: dict[str, Any], unit: _Unit, path: str, mask: str, found: _Found, top: bool) -> Any:
    key_id = _holds_key_id(node)
    for key in list(node):
        if top and key in unit.skip:
            continue
        child = f"{path}.{key}" if path else key
        value = node[key]
        # {"name"|"variable_name"|"env_key": "DB_PASSWORD", "value"|"plaintext_value": "…"}: env entries, CI/CD
        # and workspace variables hold the name and the value in sibling attributes
        kind = _keyed(key, value) or (_paired(node, value) if _holds_value(key) else None) \
            or (_secret_of_key_id(value) if key_id else None)
        if kind is None and _parameter(value):  # {"workspaceKey": {"value": "…"}}: judged by the parameter's name
            inner = _keyed(key, value["value"])
            if inner and not find_in_text(value["value"]):
                _record(found, unit, f"{child}.value", inner, value["value"])
                value["value"] = mask
                continue
        if kind and (_versioned_name(node, value) or _own_id(node, key, value)):
            kind = None
        if kind and isinstance(value, str) and not find_in_text(value):
            _record(found, unit, child, kind, value)
            node[key] = mask
        elif isinstance(key, str) and find_pin(key, value):
            for digits in value if isinstance(value, list) else [value]:
                _record(found, unit, child, "pin", str(digits))
            node[key] = mask
        else:
            node[key] = _walk(value, unit, child, mask, found)
        masked_key = _mask_text(key, unit, child, mask, found)
        if masked_key != key:
            node[masked_key] = node.pop(key)
    return node


# An AWS access key id, and the shape of the secret that goes with it: 40 characters of base64 mixing cases and digits
# (not a 40-character hex digest). Side by side in one object (`UPLOAD_KEY_ID` and `UPLOAD_KEY`, whatever the
# names), the second is the key's secret.
_AWS_KEY_ID = lazy_compile(r"(?:AKIA|ASIA)[A-Z0-9]{16}")
_AWS_SECRET_SHAPE = lazy_compile(r"(?=[A-Za-z0-9/+]*[a-z])(?=[A-Za-z0-9/+]*[A-Z])(?=[A-Za-z0-9/+]*\d)[A-Za-z0-9/+]{40}")


def _holds_key_id(node: dict[str, Any]) -> bool:
    return any(isinstance(value, str) and _AWS_KEY_ID.fullmatch(value) for value in node.values())


def _secret_of_key_id(value: Any) -> str | None:
    return "aws-secret-key" if isinstance(value, str) and _AWS_SECRET_SHAPE.fullmatch(value) else None


# A secret store's reference: the secret's name beside the version to read (`secret = "stripe-whsec"`,
# `version = "latest"` in a function's secret environment variables).
_VERSION_KEYS = ("version", "secret_version")
_VERSION = lazy_compile(r"latest|\d{1,6}", re.IGNORECASE)


def _parameter(value: Any) -> bool:
    """Whether VALUE is an ARM or Azure Policy parameter object: its value under `value`, its name the key above."""
    return isinstance(value, dict) and isinstance(value.get("value"), str) and set(value) <= {"value", "type"}


def _versioned_name(node: dict[str, Any], value: Any) -> bool:
    """Whether VALUE names a secret kept in a store, read at the version a sibling attribute gives."""
    version = next((node[k] for k in _VERSION_KEYS if k in node), None)
    return isinstance(value, str) and isinstance(version, str | int) and not isinstance(version, bool) \
        and _VERSION.fullmatch(str(version)) is not None and object_name(value)


def _own_id(node: dict[str, Any], key: Any, value: Any) -> bool:
    """Whether VALUE is the object's own `id` as well (a Scaleway API key's `access_key`, its public identifier):
    the id is shown in clear wherever the object is named, so the same text under a credential's name is no secret."""
    return key != "id" and isinstance(value, str) and node.get("id") == value


def _keyed(key: Any, value: Any) -> str | None:
    return find_by_key(key, value) if isinstance(key, str) and isinstance(value, str) else None


# A pair's value sits under `value`, `plaintext_value`, `secret_value`…, never under an encrypted or hashed one.
_VALUE_KEY = lazy_compile(r"(?:^|[_-])value$", re.IGNORECASE)
_NOT_PLAIN = lazy_compile(r"encrypted|hash|digest|sha|default", re.IGNORECASE)
# Its name sits under `name`, `key`, `variable_name`, `secret_name`, `env_key`, `envKey`…
_NAME_KEY = lazy_compile(r"(?:^|[_-]|(?<=[a-z]))(?:name|key)$", re.IGNORECASE)
# (or a store path: an SSM parameter's `/app/prod/db-password`)
_NAME_SHAPE = lazy_compile(r"[A-Za-z_/][A-Za-z0-9_./-]{0,127}")


def _holds_value(key: Any) -> bool:
    return isinstance(key, str) and bool(_VALUE_KEY.search(key)) and not _NOT_PLAIN.search(key)


def _paired(node: dict[str, Any], value: Any) -> str | None:
    """The kind of VALUE judged by the name a sibling attribute gives it (AWS_SECRET_ACCESS_KEY, *_TOKEN)."""
    for sibling, name in node.items():
        if isinstance(sibling, str) and _NAME_KEY.search(sibling) and isinstance(name, str) \
                and _NAME_SHAPE.fullmatch(name):
            kind = _keyed(name, value)
            if kind:
                return kind
    return None


def _mask_text(text: str, unit: _Unit, path: str, mask: str, found: _Found) -> str:
    plain = find_in_text(text)
    # An encoded value a shape already names whole (a base64 service-account key) is reported once.
    encoded = [(k, s) for k, s in find_encoded(text) if not any(s in p or p in s for _, p in plain)]
    hits = plain + encoded + _embedded(text)
    for kind, secret in hits:
        _record(found, unit, path, kind, secret)
    for secret in sorted({s for _, s in hits}, key=len, reverse=True):
        for form in written_forms(secret):
            text = text.replace(form, mask)
    return text


def written_forms(value: str) -> list[str]:
    """VALUE as it may be written inside JSON held in a string: plain, JSON-escaped, and escaped the way
    Terraform's jsonencode (Go) writes <, > and &."""
    escaped = orjson.dumps(value).decode()[1:-1]
    go = escaped.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return list(dict.fromkeys((value, escaped, go)))


def _embedded(text: str) -> list[tuple[str, str]]:
    """Credentials under keys of JSON held in a string (container definitions, policies)."""
    stripped = text.lstrip()
    if not stripped.startswith(("{", "[")):
        return []
    try:
        parsed = orjson.loads(stripped)
    except orjson.JSONDecodeError:
        return []
    found = _Found()
    _walk(parsed, _Unit("", {}, ""), "", "", found)
    return [(hit.kind, secret) for hit, secret in found.pairs]


def _record(found: _Found, unit: _Unit, path: str, kind: str, secret: str) -> None:
    attribute = _EXPRESSIONS.sub(r"\1", _WRAPPERS.sub("", path)).replace(".constant_value", "")
    hit = CredentialHit(kind, unit.where, attribute, unit.resource_type, unit.addressed)
    found.pairs.append((hit, secret))
