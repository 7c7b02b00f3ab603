"""The regex cache beside the bytecode (lazyregex.py): a pattern compiled from stored code answers exactly as
`re.compile` would, and a missing, damaged or foreign file only costs a compile, never a different pattern."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import orjson
import pytest

from tfreview import lazyregex
from tfreview.lazyregex import _CodeCache

PATTERNS: list[tuple[str | bytes, int]] = [
    (r"(?P<word>[a-z]+)-(\d+)", 0),
    (r"ADMIN|root", re.IGNORECASE),
    (rb"k_(?:live|test)_[\x80-\xff]?", 0),
    (r"^\s*[\w.\-]+:(?:\s|$)", re.MULTILINE),
]
TEXTS = {str: "x abc-12 admin Root\nkey: value def-3", bytes: b"sk_live_x rk_test_\xe9y"}


def _same(found: re.Pattern, pattern: str | bytes, flags: int) -> None:
    expected = re.compile(pattern, flags)
    text = TEXTS[type(pattern)]
    assert (found.pattern, found.flags, found.groups, found.groupindex) == \
        (expected.pattern, expected.flags, expected.groups, expected.groupindex)
    assert [m.span() for m in found.finditer(text)] == [m.span() for m in expected.finditer(text)]
    assert found.sub(pattern[:0], text) == expected.sub(pattern[:0], text)


def _written(path: Path, monkeypatch: pytest.MonkeyPatch) -> _CodeCache:
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    cache = _CodeCache(path)
    for pattern, flags in PATTERNS:
        cache.compiled(pattern, flags)
    cache.save()
    return cache


def test_stored_code_compiles_to_the_same_patterns(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "regex.json"
    _written(path, monkeypatch)
    assert len(orjson.loads(path.read_bytes())["entries"]) == len(PATTERNS)
    later = _CodeCache(path)  # a later process: every pattern from the file, none compiled again
    for pattern, flags in PATTERNS:
        _same(later.compiled(pattern, flags), pattern, flags)
    assert not later.added  # nothing new to write


@pytest.mark.parametrize("damage", [
    lambda text: b"",
    lambda text: text[: len(text) // 2],
    lambda text: text.replace(b'"python":"', b'"python":"other-'),
    lambda text: text.replace(b"[", b"[1,", 1),
])
def test_a_damaged_or_foreign_file_only_costs_a_compile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                        damage) -> None:
    path = tmp_path / "regex.json"
    _written(path, monkeypatch)
    path.write_bytes(damage(path.read_bytes()))
    for pattern, flags in PATTERNS:
        _same(_CodeCache(path).compiled(pattern, flags), pattern, flags)


def test_code_the_engine_rejects_is_compiled_afresh(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "regex.json"
    _written(path, monkeypatch)
    document = orjson.loads(path.read_bytes())
    for entry in document["entries"]:
        entry[4] = [9999, 1, 2]  # not code the engine accepts
    path.write_bytes(orjson.dumps(document))
    for pattern, flags in PATTERNS:
        _same(_CodeCache(path).compiled(pattern, flags), pattern, flags)


def test_nothing_is_written_where_python_writes_no_bytecode(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    path = tmp_path / "regex.json"
    cache = _CodeCache(path)
    _same(cache.compiled(*PATTERNS[0]), *PATTERNS[0])
    cache.save()
    assert not path.exists()


def test_an_unwritable_place_is_no_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _written(tmp_path / "missing-folder" / "regex.json", monkeypatch)  # save() fails quietly


def test_a_bad_pattern_fails_as_re_compile_does(tmp_path: Path) -> None:
    with pytest.raises(re.error):
        _CodeCache(tmp_path / "regex.json").compiled("(", 0)


def test_the_cache_lives_beside_the_bytecode() -> None:
    assert lazyregex.cache_path().parent.name == "__pycache__"
    assert lazyregex.cache_path().parent.parent == Path(lazyregex.__file__).parent
