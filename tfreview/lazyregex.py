"""Regular expressions compiled on their first use instead of at import.

The rules hold ~900 module-level patterns; compiling them all costs ~80 ms of every process's start, while
a typical plan touches a few dozen of them (a 10,000-change plan about 400). `lazy_compile` returns an object
that answers like the compiled pattern: the first call of any of its methods compiles it and binds the
compiled pattern's own methods onto the object, so later calls cost what a compiled pattern's do.
`isinstance(p, re.Pattern)` is False for it, and `re.search(p, …)` does not accept it: call its methods.
"""

from __future__ import annotations

import re
from typing import Any, AnyStr, cast

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
            self._compiled = re.compile(self.pattern, self._flags)
            for attribute in _BOUND:
                setattr(self, attribute, getattr(self._compiled, attribute))
        return getattr(self._compiled, name)

    def __repr__(self) -> str:
        return f"lazy_compile({self.pattern!r}, {self._flags!r})"


def lazy_compile(pattern: AnyStr, flags: int | re.RegexFlag = 0) -> re.Pattern[AnyStr]:
    """A pattern that compiles on first use and then behaves as `re.compile(pattern, flags)` for its methods."""
    return cast("re.Pattern[AnyStr]", _LazyPattern(pattern, int(flags)))
