"""Rules stage, the dispatcher's first check: which per-change checks can find anything in a change, by its words.

A check registered with `on_change(words=...)` finds nothing unless one of its words occurs in the change's type,
before or after, serialised with orjson and lower-cased. `risk.evaluate` serialises each change once (only where a
check that wants its type and action has words), learns which words occur in one Aho-Corasick pass over the union
of those checks' words (at 10,000 changes and ~200 words: 0.07 s, where one `in` per word took 0.45 s) and calls
only the checks one of whose words does: most of the ~90 checks read every changed resource, and most resources
hold none of what a given check looks for. (A check whose first step reads the type alone says so with
`on_change(type_pattern=...)`, looked up once per type and action in `ChangeHook.wants`.)

A gate may only ever be broader than the check's own reading. Text that could spell a word its serialisation does
not show opens every gate: non-ASCII text (Unicode case folding reads the Kelvin sign `K` as `k`), a backslash (an
escape inside an embedded JSON or YAML document: `\\u0045ffect`) and a percent sign (percent-encoded documents).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import reduce
from operator import itemgetter, or_

import ahocorasick
import orjson

from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import CHANGE_HOOKS, ChangeCheck, ChangeHook

ALWAYS = 1  # the bit every change has: checks without words carry it alone
_BITS = itemgetter(1)  # a match's value: the bits of the checks its word lets through


@dataclass(frozen=True)
class Dispatch:
    """The checks that want one (type, action), each with the bits of its words, and the words to look for."""

    checks: tuple[tuple[int, ChangeCheck], ...]
    words: ahocorasick.Automaton | None  # each word's value: the bits of the checks it lets through

    def wanted(self, change: Change) -> int:
        """The bits of the words that occur in CHANGE (every bit when its text could hide one)."""
        if self.words is None:
            return ALWAYS
        text = serialised(change)
        if text is None:
            return -1
        # One pass for every word (text is ASCII here), its matches folded at C speed: a change holds many.
        found: int = reduce(or_, map(_BITS, self.words.iter(text.decode())), ALWAYS)
        return found


@dataclass
class _Table:
    hooks: tuple[ChangeHook, ...] = ()
    dispatch: dict[tuple[str, Action], Dispatch] = field(default_factory=dict)


_TABLE = _Table()


def dispatch_table() -> dict[tuple[str, Action], Dispatch]:
    """The dispatch of each (type, action) met so far, kept from review to review (a batch reviews hundreds of
    plans) while the registered checks stay the same: building a dispatch's automaton costs more than most plans."""
    hooks = tuple(CHANGE_HOOKS)
    if hooks != _TABLE.hooks:  # compared by identity first, at C speed
        _TABLE.hooks, _TABLE.dispatch = hooks, {}
    return _TABLE.dispatch


def dispatch_for(resource_type: str, action: Action) -> Dispatch:
    """The checks registered for changes of this type and action, in registration order."""
    checks: list[tuple[int, ChangeCheck]] = []
    words: dict[bytes, int] = {}
    for index, hook in enumerate(CHANGE_HOOKS):
        if not hook.wants(resource_type, action):
            continue
        bit = ALWAYS << (index + 1) if hook.words else ALWAYS
        checks.append((bit, hook.check))
        for word in hook.words:
            words[word] = words.get(word, 0) | bit
    if not words:
        return Dispatch(tuple(checks), None)
    automaton = ahocorasick.Automaton()
    for word, bits in words.items():
        automaton.add_word(word.decode(), bits)
    automaton.make_automaton()
    return Dispatch(tuple(checks), automaton)


def serialised(change: Change) -> bytes | None:
    """The change's type, before and after as lower-case JSON; None when its text could spell a word unseen."""
    try:
        text = orjson.dumps((change.type, change.before, change.after)).lower()
    except orjson.JSONEncodeError:
        return None  # the checks meet the same value and fail as they always have
    if not text.isascii() or b"\\\\" in text or b"%" in text:
        return None
    return text

