"""Mask stage: mask secrets in a raw plan document before any other stage sees it.

Terraform writes sensitive values in clear text in `show -json` output and only marks them with the
`*_sensitive` / `sensitive_values` structures (realstack.md, "Sensitive values appear in cleartext").
This module replaces every marked value with MASK, then masks every copy of those values that appears
anywhere else in the document (tags, user_data, descriptions, check messages) in one Aho-Corasick pass.
A copy of a sensitive number is masked where it appears as a number too (a PIN reused as a port). A
sensitive boolean's copies are not: every `true` in the plan would go (nor a string spelling one, `"false"`).
A short secret (under TOKEN_ONLY_BELOW characters) is masked only as a whole token, never inside an identifier,
and addresses (`address`, `previous_address`, `module_address`, `index` of resource entries) are never rewritten
(DESIGN.md, Secrets): `prod` must not turn `tfe_workspace.this["prod-network"]` into an unreadable address.
Last, values nobody marked that have the shape of a credential (cloud keys, private keys, tokens,
passwords in connection strings) are masked too, and where each was is recorded (credential_mask.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import ahocorasick
import orjson

from tfreview.pipeline.credential_mask import CredentialHit, mask_credentials, written_forms
from tfreview.pipeline.credential_names import names_a_resource
from tfreview.pipeline.hardcoded import (
    hard_coded,
    held_before,
    key_like,
    map_entries,
    shaped_entries,
    written_literals,
)
from tfreview.pipeline.hidden import Hidden, hidden_values
from tfreview.pipeline.references import inlined

MASK = "(sensitive)"
MASK_CHANGED = "(sensitive, changed)"  # lets the diff still see that a sensitive value changes
# Shorter sensitive values ("1", "true", "dev") would mask half the plan; they carry little secret.
MIN_COPY_LENGTH = 4
# A sensitive string that spells a literal of JSON, HCL or YAML (an SSM flag's "false") carries no secret either,
# and its copies are every switch in the plan: masked, a public flag turned on inside a policy document reads as
# "(sensitive)" and the rules lose it.
LITERAL_WORDS = frozenset({"true", "false", "null", "none", "nil", "undefined"})
TOKEN_ONLY_BELOW = 8
_IDENTIFIER_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-")
# Lists whose items are resource or module entries, and the entry keys that spell an address.
_ENTRY_LISTS = frozenset({"resource_changes", "resource_drift", "resources", "child_modules", "deferred_changes"})
_ADDRESS_KEYS = frozenset({"address", "previous_address", "module_address", "index"})


_ABSENT = object()
Path = tuple[str | int, ...]


@dataclass
class MaskReport:
    """What masking did to a plan document."""

    marked: int = 0
    copies: int = 0
    secrets: set[str] = field(default_factory=set, repr=False)
    numbers: set[float] = field(default_factory=set, repr=False)
    credentials: list[CredentialHit] = field(default_factory=list)
    # Where each copy of a secret of TOKEN_ONLY_BELOW+ characters was: its JSON path in the plan document.
    places: list[Path] = field(default_factory=list)
    # (address, path) where a change puts a literal secret in place of a secret-store reference (references.py).
    inlined: list[tuple[str, str]] = field(default_factory=list)
    # (config address or `var.NAME`, attribute) where a marked secret is written as a literal (hardcoded.py).
    hardcoded: list[tuple[str, str]] = field(default_factory=list)
    # Those of them whose literal reads as a key or token, not a word, a host or a placeholder (hardcoded.py).
    key_like: list[tuple[str, str]] = field(default_factory=list)
    # (config address, attribute, key) of a map entry whose literal, hidden as a secret, has a credential's shape.
    shaped: list[tuple[str, str, str]] = field(default_factory=list)
    # (change address, attribute) whose clear before already held a credential: a literal there is a rotation.
    held: set[tuple[str, str]] = field(default_factory=set)
    # The clear sides of changes with a sensitive mark, for the rules alone (hidden.py).
    hidden: Hidden = field(default_factory=dict, repr=False)
    # Root variables declared sensitive whose value is a resource's full name (an ARN, a GCP resource path): the
    # names only, read before masking; copying such a value out shows no secret.
    resource_names: set[str] = field(default_factory=set)


def mask_document(document: dict[str, Any]) -> MaskReport:
    """Mask, in place, every sensitive value of a plan document and every copy of one."""
    report = MaskReport()
    found_inlined = inlined(document)  # before masking hides both sides of a marked map
    found_literals = written_literals(document)  # before masking hides a secret written in the configuration
    found_entries = map_entries(document)
    report.held = held_before(document)
    report.hidden = hidden_values(document, MASK)
    report.resource_names = _resource_named(document)
    for holder, key, mark in _marked_places(document):
        previous = holder.get("before", _ABSENT) if key == "after" else _ABSENT
        holder[key] = _mask_marked(holder[key], mark, report, previous)
    report.hardcoded = hard_coded(found_literals, report.secrets)
    report.key_like = key_like(found_literals, report.secrets)
    report.shaped = shaped_entries(found_entries, report.secrets)
    report.numbers = {float(s) for s in _copyable(report.secrets) if _is_number(s)}
    text = _mask_copies(document, report.secrets, report)
    report.credentials, found = mask_credentials(document, MASK, text)
    # A credential found in one shape may be copied elsewhere in none (a tag holding the bare password).
    _mask_copies(document, found - report.secrets, report)
    report.secrets |= found
    # A literal put in place of a secret-store reference is that secret, whatever its shape: masked everywhere,
    # without counting as a copy of a marked value.
    literals = {value for _, _, value in found_inlined} - report.secrets
    _mask_copies(document, literals, MaskReport())
    report.secrets |= literals
    report.inlined = [(address, mask_text(path, report.secrets)) for address, path, _ in found_inlined]
    return report


def mask_text(text: str, secrets: set[str]) -> str:
    """Mask copies of secrets inside free text (model output, error messages)."""
    forms = {form for secret in _copyable(secrets) for form in written_forms(secret)}
    for secret in sorted(forms, key=len, reverse=True):
        text = text.replace(secret, MASK)
    return text


def _marked_places(document: dict[str, Any]) -> Iterator[tuple[dict[str, Any], str, Any]]:
    """Yield (container, key, sensitivity mark) for every value that carries a sensitive mark."""
    for section in ("resource_changes", "resource_drift"):
        for rc in document.get(section) or []:
            yield from _change_places(rc.get("change"))
    for deferred in document.get("deferred_changes") or []:
        yield from _change_places((deferred.get("resource_change") or {}).get("change"))
    for output in (document.get("output_changes") or {}).values():
        yield from _change_places(output)
    yield from _variable_places(document)
    for section in ("prior_state", "planned_values"):
        values = document.get(section) or {}
        values = values.get("values", values)  # prior_state nests under "values"
        yield from _state_places(values)


def _change_places(change: dict[str, Any] | None) -> Iterator[tuple[dict[str, Any], str, Any]]:
    if not change:
        return
    for side in ("after", "before"):  # after first: it is compared with the still unmasked before
        mark = change.get(f"{side}_sensitive")
        if mark and side in change:
            yield change, side, mark


def _variable_places(document: dict[str, Any]) -> Iterator[tuple[dict[str, Any], str, Any]]:
    declared = ((document.get("configuration") or {}).get("root_module") or {}).get("variables") or {}
    for name, declaration in declared.items():
        if not declaration.get("sensitive"):
            continue
        if "default" in declaration:
            yield declaration, "default", True
        variable = (document.get("variables") or {}).get(name)
        if isinstance(variable, dict) and "value" in variable:
            yield variable, "value", True


def _resource_named(document: dict[str, Any]) -> set[str]:
    """Root variables declared sensitive whose given value is a resource's full name (names_a_resource)."""
    declared = ((document.get("configuration") or {}).get("root_module") or {}).get("variables") or {}
    given = document.get("variables") or {}
    return {name for name, declaration in declared.items()
            if isinstance(declaration, dict) and declaration.get("sensitive") and isinstance(given.get(name), dict)
            and names_a_resource(given[name].get("value"))}


def _state_places(values: dict[str, Any]) -> Iterator[tuple[dict[str, Any], str, Any]]:
    for output in (values.get("outputs") or {}).values():
        if output.get("sensitive") and "value" in output:
            yield output, "value", True
    yield from _module_places(values.get("root_module") or {})


def _module_places(module: dict[str, Any]) -> Iterator[tuple[dict[str, Any], str, Any]]:
    for resource in module.get("resources") or []:
        mark = resource.get("sensitive_values")
        if mark and "values" in resource:
            yield resource, "values", mark
    for child in module.get("child_modules") or []:
        yield from _module_places(child)


def _mask_marked(value: Any, mark: Any, report: MaskReport, previous: Any = _ABSENT) -> Any:
    """Replace the parts of VALUE that MARK flags as sensitive; collect the secrets they held.

    PREVIOUS is the same place in the change's `before` value, so a changed secret shows as changed.
    """
    if value is None or mark is False or mark is None:
        return value
    if mark is True:
        _collect_leaves(value, report.secrets)
        report.marked += 1
        return MASK_CHANGED if previous is not _ABSENT and previous != value else MASK
    if isinstance(mark, dict) and isinstance(value, dict):
        prev = previous if isinstance(previous, dict) else {}
        for key, sub_mark in mark.items():
            if key in value:
                value[key] = _mask_marked(value[key], sub_mark, report, prev.get(key, _ABSENT))
        return value
    if isinstance(mark, list) and isinstance(value, list):
        prev_list = previous if isinstance(previous, list) else []
        for index, sub_mark in enumerate(mark[: len(value)]):
            before = prev_list[index] if index < len(prev_list) else _ABSENT
            value[index] = _mask_marked(value[index], sub_mark, report, before)
        return value
    return value


def _collect_leaves(value: Any, secrets: set[str]) -> None:
    if isinstance(value, dict):
        for item in value.values():
            _collect_leaves(item, secrets)
    elif isinstance(value, list):
        for item in value:
            _collect_leaves(item, secrets)
    elif isinstance(value, str):
        secrets.add(value)
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        secrets.add(str(value))
        if isinstance(value, float) and value.is_integer():
            secrets.add(str(int(value)))  # 1234.0 is written 1234 in strings as often


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return text.strip() == text and text.lower() not in ("nan", "inf", "-inf", "infinity", "-infinity")


def _copyable(secrets: set[str]) -> set[str]:
    return {s for s in secrets if len(s) >= MIN_COPY_LENGTH and s not in (MASK, MASK_CHANGED)
            and s.lower() not in LITERAL_WORDS}


def _mask_copies(document: dict[str, Any], values: set[str], report: MaskReport) -> bytes | None:
    """Mask copies of VALUES; returns the serialized document when it was serialized and left unchanged."""
    # A copy inside JSON held in a string (a jsonencode'd policy) is written escaped: look for those forms too.
    secrets = {form for value in _copyable(values) for form in written_forms(value)}
    if not secrets:
        return None
    # Walking every string in Python is the slow path; one serialise-and-scan in C tells whether any copy
    # is left at all. JSON escaping is per character, so a copy inside a longer string still matches.
    probe = _automaton({orjson.dumps(s).decode()[1:-1] for s in secrets})
    text = orjson.dumps(document)
    if next(probe.iter(text.decode()), None) is None:
        return text
    _walk_and_mask(document, _automaton(secrets), report, entry=False, path=())
    return None


def _automaton(needles: set[str]) -> Any:
    automaton = ahocorasick.Automaton()
    for needle in needles:
        automaton.add_word(needle, needle)
    automaton.make_automaton()
    return automaton


def _walk_and_mask(node: Any, automaton: Any, report: MaskReport, entry: bool, path: Path) -> Any:
    """Mask copies in NODE at PATH; ENTRY: NODE is a resource or module entry, whose address keys stay as written."""
    if isinstance(node, str):
        masked = _mask_string(node, automaton)
        if masked != node:
            report.copies += 1
            # A short value (a username, an environment name) may equal a secret by chance: not a place.
            if any(len(word) >= TOKEN_ONLY_BELOW for _, word in automaton.iter(node)):
                report.places.append(path)
        return masked
    if isinstance(node, bool):
        return node
    if isinstance(node, (int, float)):
        if report.numbers and float(node) in report.numbers:
            report.copies += 1  # a number equal to a secret (a port) is masked, but is no place of a copy
            return MASK
        return node
    if isinstance(node, list):
        for index, item in enumerate(node):
            node[index] = _walk_and_mask(item, automaton, report, entry, (*path, index))
        return node
    if isinstance(node, dict):
        for key in list(node):
            if entry and key in _ADDRESS_KEYS and not isinstance(node[key], (dict, list)):
                continue
            inner = key in _ENTRY_LISTS or (key == "resource_change" and entry)
            value = _walk_and_mask(node[key], automaton, report, inner, (*path, key))
            new_key = _mask_string(key, automaton)
            if new_key != key:
                report.copies += 1
                del node[key]
            node[new_key] = value
        return node
    return node


def _mask_string(text: str, automaton: Any) -> str:
    spans = [(end - len(word) + 1, end + 1) for end, word in automaton.iter(text)
             if len(word) >= TOKEN_ONLY_BELOW or _whole_token(text, end - len(word) + 1, end + 1)]
    if not spans:
        return text
    pieces, cursor = [], 0
    for start, end in sorted(_merge(spans)):
        pieces += [text[cursor:start], MASK]
        cursor = end
    pieces.append(text[cursor:])
    return "".join(pieces)


def _whole_token(text: str, start: int, end: int) -> bool:
    """Whether TEXT[start:end] is not part of a longer identifier (letters, digits, '_' and '-')."""
    before = text[start - 1] if start > 0 else ""
    after = text[end] if end < len(text) else ""
    return not ((before and before in _IDENTIFIER_CHARS and text[start] in _IDENTIFIER_CHARS)
                or (after and after in _IDENTIFIER_CHARS and text[end - 1] in _IDENTIFIER_CHARS))


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged
