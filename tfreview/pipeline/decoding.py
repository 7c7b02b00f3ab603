"""Risk rules stage, shared reading: undo what an attacker encodes to slip past the rules — percent-encoded
documents, look-alike characters in names, JSON or YAML documents inside strings — once, where documents and
names are read."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from functools import lru_cache
from typing import Any
from urllib.parse import unquote

import orjson

from tfreview.lazyregex import lazy_compile

PERCENT = lazy_compile(r"%[0-9A-Fa-f]{2}")
MAX_ROUNDS = 3  # percent-encoding of percent-encoding, no deeper
# Letters from other scripts that look like Latin ones (Unicode's confusables, the ones NFKC keeps apart).
CONFUSABLES = str.maketrans({
    "а": "a", "в": "b", "с": "c", "е": "e", "ё": "e", "һ": "h", "і": "i", "ј": "j", "к": "k", "м": "m", "н": "h",
    "о": "o", "р": "p", "ѕ": "s", "т": "t", "у": "y", "х": "x", "ԁ": "d", "ԛ": "q", "ԝ": "w", "ӏ": "l",
    "А": "a", "В": "b", "С": "c", "Е": "e", "Н": "h", "І": "i", "Ј": "j", "К": "k", "М": "m", "О": "o",
    "Р": "p", "Ѕ": "s", "Т": "t", "Х": "x", "Ү": "y",
    "α": "a", "ο": "o", "ν": "v", "ρ": "p", "τ": "t", "υ": "u", "ι": "i", "κ": "k", "χ": "x",
    "Α": "a", "Β": "b", "Ε": "e", "Ζ": "z", "Η": "h", "Ι": "i", "Κ": "k", "Μ": "m", "Ν": "n", "Ο": "o",
    "Ρ": "p", "Τ": "t", "Υ": "y", "Χ": "x",
    "ı": "i", "ȷ": "j", "ℓ": "l",
})
INVISIBLE = dict.fromkeys(c for c in range(0x2000, 0x2070) if unicodedata.category(chr(c)) == "Cf")
INVISIBLE.update(dict.fromkeys((0x00AD, 0x034F, 0x180E, 0xFEFF)))


def unpercent(text: str) -> str:
    """TEXT with percent-encoding undone when it encodes a document (`%7B%22…` → `{"…`); other text as is."""
    for _ in range(MAX_ROUNDS):
        stripped = text.strip()
        if not PERCENT.search(stripped[:3]):
            return text
        decoded = unquote(stripped, errors="strict") if _utf8(stripped) else stripped
        if decoded == stripped:
            return text
        text = decoded
    return text


def _utf8(text: str) -> bool:
    try:
        unquote(text, errors="strict")
    except UnicodeDecodeError:
        return False
    return True


def canonical_name(name: str) -> str:
    """NAME as it reads to a person: NFKC, invisible characters dropped, look-alike letters made Latin, case folded,
    spaces collapsed (`Оwner`, `ｏｗｎｅｒ`, `owner` → `owner`)."""
    text = unicodedata.normalize("NFKC", name).translate(INVISIBLE).translate(CONFUSABLES)
    return " ".join(text.casefold().split())


MAX_EMBEDDED_CHARS = 256 * 1024
MAX_NODES = 20_000  # YAML aliases can multiply a small text; a document larger than this is not walked


def embedded(text: str) -> Any:
    """The JSON or YAML document a string holds (Helm values, a manifest's yaml_body, a JSON list in a YAML
    value), percent-encoding undone; None for plain text, a bare scalar, or text that does not parse."""
    text = unpercent(text)
    stripped = text.strip()
    if stripped.startswith(("<?xml", "<plist", "<!DOCTYPE plist")) and "<plist" in stripped[:400]:
        return _plist(stripped) if len(stripped) <= MAX_EMBEDDED_CHARS else None
    if len(stripped) > MAX_EMBEDDED_CHARS or not (stripped[:1] in ("{", "[") or ("\n" in stripped and ":" in stripped)):
        return None
    try:
        document = orjson.loads(stripped)
    except orjson.JSONDecodeError:
        document = _yaml(stripped)
        if document is None:
            return None
    return document if isinstance(document, (dict, list)) and within_nodes(document) else None


def _plist(text: str) -> Any:
    """An Apple property list's XML text (an MDM configuration profile's payload) as plain data, or None. plistlib
    refuses entity declarations, so a plist cannot expand itself."""
    import plistlib

    try:
        document = plistlib.loads(text.encode())
    except (plistlib.InvalidFileException, ValueError, TypeError, IndexError, KeyError):
        return None
    return _plain(document) if isinstance(document, (dict, list)) else None


def _plain(value: Any) -> Any:
    """A plist value with its dates and data as text, the way a JSON document would hold them."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value if isinstance(value, (str, int, float, bool)) else str(value)


def _yaml(text: str) -> Any:
    """TEXT read as YAML with a safe loader, or None. PyYAML is imported here, on the first YAML text met: it costs
    ~25 ms, and most reviews never meet one (`--backend none` startup stays lean, issue #13)."""
    import yaml

    try:
        return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except (yaml.YAMLError, RecursionError, ValueError):
        return None


def within_nodes(document: Any, limit: int = MAX_NODES) -> bool:
    """Whether walking DOCUMENT meets at most LIMIT values (YAML aliases can make a few lines a billion)."""
    stack, count = [document], 0
    while stack:
        item = stack.pop()
        count += 1
        if count > limit:
            return False
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return True


MAX_DEPTH = 24


def embedded_objects(values: Any, depth: int = 0) -> Iterator[dict[str, Any]]:
    """Every JSON object held inside a string of VALUES, at any depth; strings inside a decoded document are
    decoded again (a JSON list quoted in a YAML value)."""
    if depth > MAX_DEPTH:
        return
    if isinstance(values, str):
        document = embedded(values)
        if document is not None:
            yield from _objects(document, depth + 1)
    elif isinstance(values, dict):
        for item in values.values():
            yield from embedded_objects(item, depth + 1)
    elif isinstance(values, list):
        for item in values:
            yield from embedded_objects(item, depth + 1)


def objects(value: Any) -> Iterator[dict[str, Any]]:
    """Every object inside VALUE, itself included, and inside the JSON or YAML text it holds, at any depth."""
    yield from _objects(value, 0)


def _objects(value: Any, depth: int) -> Iterator[dict[str, Any]]:
    if depth > MAX_DEPTH:
        return
    if isinstance(value, str):
        yield from embedded_objects(value, depth)
    elif isinstance(value, dict):
        yield value
        for item in value.values():
            yield from _objects(item, depth + 1)
    elif isinstance(value, list):
        for item in value:
            yield from _objects(item, depth + 1)


DOCUMENT_SEPARATOR = lazy_compile(r"^---[ \t]*$", re.MULTILINE)


def yaml_document(text: Any) -> Any:
    """The object or list a multi-line YAML text holds (a manifest's yaml_body, a chart's values, a rules file);
    a multi-document text (`---`) as the list of its documents; None for JSON, one-line or plain text."""
    if not isinstance(text, str) or "\n" not in text.strip() or text.lstrip()[:1] in ("{", "[", "") \
            or text.lstrip().startswith("#!"):  # a script, whose `echo a: b` lines are no mapping
        return None
    parts = [p for p in DOCUMENT_SEPARATOR.split(text) if p.strip()]
    found = [d for d in (embedded(p) for p in parts) if d is not None]
    return found[0] if len(found) == 1 and len(parts) == 1 else found or None


def text_document(text: str) -> Any:
    """The JSON or YAML document TEXT holds (parsed once however many rules ask), or None for plain text."""
    return _text_document(text)


@lru_cache(maxsize=256)
def _text_document(text: str) -> Any:
    """The document TEXT holds, parsed once however many rules ask (callers copy it: unfolded builds new containers)."""
    return embedded(text) if text.lstrip()[:1] in ("{", "[") else yaml_document(text)


def unfolded(value: Any, depth: int = 0) -> Any:
    """VALUE with each string that holds a JSON or YAML document replaced by the document, at any depth (a Helm
    values text, a manifest's yaml_body, a rules file quoted inside them): what the text means, as data."""
    if depth > MAX_DEPTH:
        return value
    if isinstance(value, str):
        document = _text_document(value) if len(value) >= 8 else None
        return value if document is None else unfolded(document, depth + 1)
    if isinstance(value, dict):
        return {k: unfolded(v, depth + 1) for k, v in value.items()}
    if isinstance(value, list):
        return [unfolded(v, depth + 1) for v in value]
    return value


_CAMEL = lazy_compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_NOT_WORD = lazy_compile(r"[^a-z0-9]+")


def snake_keys(value: Any, max_depth: int, depth: int = 0) -> Any:
    """VALUE with every object key in snake_case (`OverrideAction` → `override_action`, `SingleHeader` →
    `single_header`), so a document in an API's CamelCase reads like the provider's block form; below MAX_DEPTH
    levels it is left as it is."""
    if depth > max_depth:
        return value
    if isinstance(value, dict):
        return {_NOT_WORD.sub("_", _CAMEL.sub("_", str(k)).lower()).strip("_"): snake_keys(v, max_depth, depth + 1)
                for k, v in value.items()}
    if isinstance(value, list):
        return [snake_keys(v, max_depth, depth + 1) for v in value]
    return value
