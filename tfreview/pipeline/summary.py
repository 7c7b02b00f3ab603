"""Summary stage: summarize a ChangeSet: counts per action, and a compact text for the model that fits a token
budget."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from typing import Any, NamedTuple

import orjson
from pydantic import BaseModel

from tfreview.pipeline.changes import Action, Change, ChangeSet

ALWAYS_LISTED = (Action.DELETE, Action.REPLACE, Action.FORGET)
COUNTED = (Action.CREATE, Action.UPDATE, Action.DELETE, Action.REPLACE, Action.READ, Action.NO_OP, Action.FORGET)
# Plan-JSON-like text averages ~3 characters a token with Llama/Qwen tokenizers; erring low
# over-estimates the prompt, which only costs compression, never a silently truncated prompt.
CHARS_PER_TOKEN = 3.0


def count(changeset: ChangeSet) -> dict[str, int]:
    """Counts per action, plus imports, moves, drift and output changes (DESIGN.md summary keys)."""
    by_action = Counter(c.action for c in changeset.changes)
    counts = {action.value.replace("-", "_"): by_action.get(action, 0) for action in COUNTED}
    counts["import"] = sum(c.importing for c in changeset.changes)
    counts["move"] = sum(c.moved for c in changeset.changes)
    counts["drift"] = len(changeset.drift)
    counts["output_changes"] = sum(o.action is not Action.NO_OP for o in changeset.outputs)
    return counts


def ordered(changes: Iterable[Change]) -> list[Change]:
    """Changes that do something, most dangerous action first, then by address."""
    return sorted((c for c in changes if c.action is not Action.NO_OP or c.moved or c.importing),
                  key=lambda c: (c.action.rank, c.address))


def estimate_tokens(text: str) -> int:
    """A deliberately high estimate of how many tokens TEXT takes."""
    return int(len(text) / CHARS_PER_TOKEN) + 1


class PromptSummary(BaseModel):
    """The change summary sent to the model, and how hard it had to be compressed."""

    text: str
    level: int
    tokens: int
    complete: bool


class Level(NamedTuple):
    """How hard one compression level squeezes the summary."""

    width: int  # longest value shown
    max_attrs: int  # attribute changes shown per resource
    group: bool  # fold identical non-risky changes into one line
    risky_only: bool  # list only deletes, replaces and forgets; count the rest per type
    addresses_only: bool  # risky changes as bare addresses, grouped by type


LEVELS = [
    Level(300, 60, False, False, False),
    Level(120, 20, False, False, False),
    Level(60, 8, True, False, False),
    Level(40, 0, True, True, False),
    Level(40, 0, True, True, True),
]


class _Sections(NamedTuple):
    """What every compression level starts from, computed once per summary."""

    counts_line: str
    by_action: dict[Action, list[Change]]
    listed_chars: int  # the least the always-listed changes take when each has a line of its own


def summarize_for_prompt(changeset: ChangeSet, budget_tokens: int) -> PromptSummary:
    """The most detailed summary that fits BUDGET_TOKENS; deletes, replaces and forgets are never dropped."""
    budget_chars = int(budget_tokens * CHARS_PER_TOKEN)
    sections = _sections(changeset)
    for number, level in enumerate(LEVELS[:-1]):
        # Every level but the last gives each delete, replace and forget a line: none can fit, so skip them.
        if sections.listed_chars > budget_chars:
            break
        text = _render_within(_summary_lines(changeset, sections, level), budget_chars)
        if text is not None:
            return PromptSummary(text=text, level=number, tokens=estimate_tokens(text), complete=True)
    text = "\n".join(_summary_lines(changeset, sections, LEVELS[-1]))
    tokens = estimate_tokens(text)
    return PromptSummary(text=text, level=len(LEVELS) - 1, tokens=tokens, complete=tokens <= budget_tokens)


def _render_within(lines: Iterator[str], budget_chars: int) -> str | None:
    """Join LINES, or None as soon as they outgrow the budget (so a huge plan costs only the budget)."""
    kept, size = [], 0
    for line in lines:
        size += len(line) + 1
        if size > budget_chars:
            return None
        kept.append(line)
    return "\n".join(kept)


def _sections(cs: ChangeSet) -> _Sections:
    counts = count(cs)
    by_action: dict[Action, list[Change]] = defaultdict(list)
    for change in ordered(cs.changes):
        by_action[change.action].append(change)
    listed = sum(len(c.address) + len("-  []") for a in ALWAYS_LISTED for c in by_action.get(a, ()))
    return _Sections("Counts: " + ", ".join(f"{k.replace('_', '-')} {v}" for k, v in counts.items() if v),
                     by_action, listed)


def _summary_lines(cs: ChangeSet, sections: _Sections, level: Level) -> Iterator[str]:
    yield sections.counts_line
    for action, changes in sections.by_action.items():
        yield ""
        yield f"## {action.value} ({len(changes)})"
        if action in ALWAYS_LISTED and level.addresses_only:
            yield from _addresses_by_type(changes)
        elif action in ALWAYS_LISTED:
            for change in changes:
                yield from _change_lines(change, level.width, level.max_attrs)
        elif level.risky_only:
            yield from _type_counts(changes)
        elif level.group:
            yield from _grouped(changes, level.width, level.max_attrs)
        else:
            for change in changes:
                yield from _change_lines(change, level.width, level.max_attrs)
    yield from _other_sections(cs, level)


def _other_sections(cs: ChangeSet, level: Level) -> Iterator[str]:
    if cs.drift:
        yield ""
        yield f"## drift: changed outside Terraform since the last apply ({len(cs.drift)})"
        for change in cs.drift:
            yield from _change_lines(change, level.width, 0 if level.risky_only else level.max_attrs)
    if cs.deferred:
        yield ""
        yield f"## deferred: not planned yet ({len(cs.deferred)})"
        yield from (f"- {d.change.address} ({d.reason})" for d in cs.deferred)
    outputs = [o for o in cs.outputs if o.action is not Action.NO_OP]
    if outputs:
        yield ""
        yield f"## output changes ({len(outputs)})"
        for out in outputs:
            before, after = _short(out.before, level.width), _short(out.after, level.width)
            yield f"- output.{out.name}: {out.action.value}, {before} -> {after}"


def _addresses_by_type(changes: list[Change]) -> Iterator[str]:
    by_type: dict[str, list[str]] = defaultdict(list)
    for change in changes:
        by_type[change.type].append(change.address)
    for resource_type, addresses in sorted(by_type.items()):
        yield f"- {resource_type} ({len(addresses)}): {', '.join(addresses)}"


# Actions whose dependents the model is told about: what breaks when this object goes away.
_LOSING = (Action.DELETE, Action.REPLACE, Action.FORGET)
DEPENDENTS_SHOWN = 5


def _change_lines(change: Change, width: int, max_attrs: int) -> Iterator[str]:
    yield f"- {change.address} [{_describe(change)}]"
    if change.action in _LOSING and change.dependents:
        more = len(change.dependents) - DEPENDENTS_SHOWN
        shown = ", ".join(change.dependents[:DEPENDENTS_SHOWN]) + (f", … {more} more" if more > 0 else "")
        yield f"    depended on by {len(change.dependents)}: {shown}"
    for attr in change.attributes[:max_attrs]:
        forces = "  (forces replacement)" if attr.forces_replacement else ""
        yield f"    {attr.path}: {_short(attr.before, width)} -> {_short(attr.after, width)}{forces}"
    hidden = len(change.attributes) - max_attrs
    if hidden > 0 and max_attrs:
        yield f"    … {hidden} more attribute changes"


def _describe(change: Change) -> str:
    parts = [change.type]
    if change.action is Action.REPLACE:
        parts.append("create-before-destroy" if change.actions[:1] == ["create"] else "destroy-before-create")
    if change.action_reason:
        parts.append(f"reason: {change.action_reason}")
    if change.replace_paths:
        parts.append(f"forced by: {', '.join(change.replace_paths)}")
    if change.moved:
        parts.append(f"moved from {change.previous_address}")
    if change.importing:
        parts.append(f"importing id {change.import_id}")
    if change.mode == "data":
        parts.append("data source")
    if change.deposed:
        parts.append(f"deposed object {change.deposed}")
    return "; ".join(parts)


def _grouped(changes: list[Change], width: int, max_attrs: int) -> Iterator[str]:
    groups: dict[tuple[str, tuple[str, ...]], list[Change]] = defaultdict(list)
    for change in changes:
        groups[(change.type, tuple(a.path for a in change.attributes[:max_attrs]))].append(change)
    for (resource_type, paths), members in groups.items():
        if len(members) == 1:
            yield from _change_lines(members[0], width, max_attrs)
            continue
        yield f"- {len(members)} × {resource_type}: {_address_range(members)}"
        if paths:
            yield f"    attributes changed in each: {', '.join(paths)}"


def _type_counts(changes: list[Change]) -> Iterator[str]:
    for resource_type, n in sorted(Counter(c.type for c in changes).items()):
        yield f"- {n} × {resource_type}"


def _address_range(members: list[Change]) -> str:
    shown = ", ".join(c.address for c in members[:3])
    return shown + (f" and {len(members) - 3} more" if len(members) > 3 else "")


def _short(value: Any, width: int) -> str:
    """A JSON-ish rendering of VALUE, cut head-and-tail to WIDTH characters."""
    text = value if isinstance(value, str) and value == "(known after apply)" else _json(value)
    if len(text) <= width:
        return text
    keep = max(width // 2 - 2, 4)
    return f"{text[:keep]} … {text[-keep:]}"


def _json(value: Any) -> str:
    try:
        return orjson.dumps(value, option=orjson.OPT_SORT_KEYS).decode()
    except TypeError:
        return repr(value)
