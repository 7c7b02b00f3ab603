"""Regular expressions compiled on their first use instead of at import, from a bytecode cache when there is one.

The rules hold ~1,000 patterns written in their source; a plan of any size touches ~600 of them, and compiling
those cost ~0.3 s of every process (a small plan's review took ~0.8 s in all). Two things cut that:

- `lazy_compile` returns an object that answers like the compiled pattern: the first call of any of its methods
  compiles it and binds the compiled pattern's own methods onto the object, so later calls cost what a compiled
  pattern's do. `isinstance(p, re.Pattern)` is False for it, and `re.search(p, …)` does not accept it: call its
  methods.
- `source_compile` (which `lazy_compile` uses) keeps what Python's regex compiler makes of each pattern (the
  engine's code, its groups and flags) in a file beside the package's own bytecode, `__pycache__/`, written the
  way Python writes `.pyc` files: only where that folder is writable and bytecode writing is on, replaced whole
  (never half-written), trusted as the bytecode beside it is. A later process hands the stored code to the
  engine (`_sre.compile`, which validates it) instead of parsing the pattern again: ~0.01 s instead of ~0.3 s.
  The pattern's text is the key, so an edited pattern is compiled afresh. Anything unexpected (another Python,
  an unreadable or foreign file, a compiler whose output differs from `re.compile`'s) falls back to
  `re.compile`: the cache can make a process slower, never a pattern different.

Only patterns written in tfreview's source go through the cache: a pattern built from plan or config text (a glob
in a policy, an override's address) is compiled with `re.compile` and never written anywhere.
"""

from __future__ import annotations

import atexit
import os
import re
import sys
from importlib.util import cache_from_source
from pathlib import Path
from typing import Any, AnyStr, cast

import orjson

_BOUND = ("search", "match", "fullmatch", "finditer", "findall", "sub", "subn", "split", "scanner",
          "groupindex", "groups")


class _LazyPattern:
    """A pattern and its flags, compiled on the first use of anything but `.pattern`."""

    def __init__(self, pattern: str | bytes, flags: int) -> None:
        self.pattern = pattern
        self._flags = flags
        self._compiled: re.Pattern[Any] | None = None

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") or name in ("_compiled", "_flags"):
            raise AttributeError(name)
        if self._compiled is None:
            self._compiled = source_compile(self.pattern, self._flags)
            for attribute in _BOUND:
                setattr(self, attribute, getattr(self._compiled, attribute))
        return getattr(self._compiled, name)

    def __repr__(self) -> str:
        return f"lazy_compile({self.pattern!r}, {self._flags!r})"


def lazy_compile(pattern: AnyStr, flags: int | re.RegexFlag = 0) -> re.Pattern[AnyStr]:
    """A pattern that compiles on first use and then behaves as `re.compile(pattern, flags)` for its methods."""
    return cast("re.Pattern[AnyStr]", _LazyPattern(pattern, int(flags)))


def source_compile(pattern: AnyStr, flags: int | re.RegexFlag = 0) -> re.Pattern[AnyStr]:
    """`re.compile(pattern, flags)` for a pattern written in tfreview's source, from the bytecode cache when it
    holds it. Never call it with text from a plan or a config: that text would be written to disk."""
    return cast("re.Pattern[AnyStr]", _CACHE.compiled(pattern, int(flags)))


# One entry: the flags the engine gets, its code, the number of groups, the group names, and names by index.
_Entry = tuple[int, list[int], int, dict[str, int], tuple[str | None, ...]]
_Key = tuple[str, bool, int]  # the pattern (bytes as latin-1 text), whether it was bytes, the flags given
MAX_ENTRIES = 4000  # a file past this (patterns edited many times over) starts again from this process's own


class _CodeCache:
    """The engine's code for each pattern, read from one file on the first compile and written back at exit."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path  # None: cache_path(), found on first use
        self.entries: dict[_Key, _Entry] | None = None  # None: not read yet
        self.used: set[_Key] = set()
        self.added = False
        self.checked = False
        self.working = _INTERNALS is not None

    def compiled(self, pattern: str | bytes, flags: int) -> re.Pattern[Any]:
        if not self.working:
            return re.compile(pattern, flags)
        key = (pattern.decode("latin-1") if isinstance(pattern, bytes) else pattern, isinstance(pattern, bytes),
               flags)
        if self.entries is None:
            self.path = self.path or cache_path()
            self.entries = _read(self.path)
        entry = self.entries.get(key)
        if entry is not None:
            try:
                found = _engine(pattern, entry)
                self.used.add(key)
                return found
            except Exception:  # a damaged or foreign entry: compiled afresh below, and replaced
                pass
        return self._compile(pattern, flags, key)

    def _compile(self, pattern: str | bytes, flags: int, key: _Key) -> re.Pattern[Any]:
        try:
            entry = _translate(pattern, flags)
            found = _engine(pattern, entry)
        except Exception:  # a bad pattern, or internals that changed: re.compile decides (and raises re.error)
            return re.compile(pattern, flags)
        if not self.checked:  # the first translation of a process is held against re.compile's own result
            expected = re.compile(pattern, flags)
            if (found.flags, found.groups, found.groupindex) != (expected.flags, expected.groups,
                                                                  expected.groupindex):
                self.working = False  # this Python's compiler is not the one this code mirrors: no cache at all
                return expected
            self.checked = True
        assert self.entries is not None
        self.entries[key] = entry
        self.used.add(key)
        if not self.added:
            self.added = True
            atexit.register(self.save)
        return found

    def save(self) -> None:
        """Write the entries back, only where Python would write bytecode; a failure only costs the next process
        its compile time."""
        if not self.added or self.entries is None or sys.dont_write_bytecode:
            return
        entries = self.entries if len(self.entries) <= MAX_ENTRIES else {k: self.entries[k] for k in self.used}
        path = self.path or cache_path()
        temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        try:
            temporary.write_bytes(orjson.dumps({"python": _TAG, "entries": [[*k, *e] for k, e in entries.items()]}))
            os.replace(temporary, path)
        except OSError:
            temporary.unlink(missing_ok=True)


def _internals() -> tuple[Any, Any, Any] | None:
    """Python's regex parser, code generator and engine, where this Python has them as this module expects."""
    try:
        import _sre

        try:
            from re import _compiler, _parser  # type: ignore[attr-defined]
        except ImportError:  # Python 3.10
            import sre_compile as _compiler
            import sre_parse as _parser
        if callable(getattr(_compiler, "_code", None)) and callable(getattr(_parser, "parse", None)):
            return _parser, _compiler, _sre
    except ImportError:
        pass
    return None


_INTERNALS = _internals()
_TAG = f"{sys.implementation.cache_tag}-{sys.version}"


def cache_path() -> Path:
    """The cache file, in the `__pycache__` folder Python uses for this module's bytecode."""
    name = f"regex.{sys.implementation.cache_tag}.json"
    return Path(cache_from_source(__file__)).with_name(name)


def _read(path: Path) -> dict[_Key, _Entry]:
    try:
        document = orjson.loads(path.read_bytes())
        if document.get("python") != _TAG:
            return {}
        return {(p, bool(b), int(f)): (int(ef), list(code), int(groups), dict(index), tuple(names))
                for p, b, f, ef, code, groups, index, names in document["entries"]}
    except Exception:  # missing, unreadable, truncated or foreign: start empty
        return {}


def _translate(pattern: str | bytes, flags: int) -> _Entry:
    """What `re.compile` hands the engine for PATTERN, as `re._compiler.compile` computes it."""
    assert _INTERNALS is not None
    parser, compiler, _ = _INTERNALS
    parsed = parser.parse(pattern, flags)
    code = [int(c) for c in compiler._code(parsed, flags)]
    groupindex = dict(parsed.state.groupdict)
    names: list[str | None] = [None] * parsed.state.groups
    for name, index in groupindex.items():
        names[index] = name
    return int(flags | parsed.state.flags), code, parsed.state.groups - 1, groupindex, tuple(names)


def _engine(pattern: str | bytes, entry: _Entry) -> re.Pattern[Any]:
    """The compiled pattern for stored code; the engine validates the code and raises for a malformed one."""
    assert _INTERNALS is not None
    flags, code, groups, groupindex, names = entry
    return cast("re.Pattern[Any]", _INTERNALS[2].compile(pattern, flags, code, groups, groupindex, names))


_CACHE = _CodeCache()
