"""Markdown for GitHub pull-request comments and step summaries, kept under GitHub's comment limit.

GitHub rejects a comment body longer than 65,536 characters (HTTP 422 "Body is too long"). The full
report is used when it fits; otherwise a compact report keeps, in this order and never dropped: the
label, the errors, every finding with its reason (why a stateful resource is destroyed) and every
destroyed, replaced or forgotten address. Lists of addresses are in natural order (`web[2]` before
`web[10]`) with runs of count indexes collapsed (`aws_instance.web[0..1699]`). Everything else (other
changes with their attribute changes, output changes, the model's answer and reasoning) fills the
remaining room inside <details> blocks.
"""

from __future__ import annotations

import re

from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import Finding
from tfreview.render.addresses import collapse_ranges, grouped, natural_key
from tfreview.render.common import ALWAYS_LISTED, SYMBOLS, change_note, count_line, groups, value
from tfreview.render.escape import (
    markdown_block,
    markdown_cell,
    markdown_cell_code,
    markdown_code,
    markdown_inline,
    workflow_log,
)
from tfreview.render.markdown import BADGE
from tfreview.result import ReviewResult

MARKER = "<!-- tfreview -->"
COMMENT_LIMIT = 65_536
SAFETY = 512  # room for a caller's own wrapping, and for counting differences across GitHub's stack
COLLAPSE_AT = 10  # more changes than this go into a <details> block
LIST_MODES = ("ranges", "grouped")  # tried in order until the required part fits
HERE = "\x00"  # stands for the address inside a finding's message; plan text holds no NUL (one_line shows it)
TRUNCATED_NOTE = ("> ℹ️ Shortened to fit GitHub's 65,536-character comment limit. Every finding and every "
                  "destroyed or replaced resource is listed; the complete report is the JSON output "
                  "(`tfreview review --output json=review.json`).")


def marker_for(key: str = "") -> str:
    """The hidden marker that identifies tfreview's comment (one per KEY, e.g. per workspace)."""
    if not key:
        return MARKER
    # Inside an HTML comment: no `--` (which could end it) and nothing outside a plain identifier set.
    safe = re.sub(r"-{2,}", "-", re.sub(r"[^A-Za-z0-9_./:@=+-]", "_", key))
    return f"<!-- tfreview:{safe} -->"


def render_github(result: ReviewResult, *, limit: int = COMMENT_LIMIT, marker: str = MARKER) -> str:
    """The report for a pull-request comment: complete if it fits in LIMIT characters, compact otherwise."""
    budget = limit - SAFETY
    full = _full(result, marker)
    return workflow_log(full if len(full) <= budget else _compact(result, marker, budget))


def _full(result: ReviewResult, marker: str) -> str:
    lines = [*_head(result, marker), *_findings_table(result.findings)]
    changes = _change_lines(result)
    if len(result.changes) > COLLAPSE_AT:
        changes = _details(f"Changes: {count_line(result)}", changes)
    lines += changes
    lines += _model(result, answer_limit=None, reasoning_limit=None)
    return "\n".join(lines) + "\n"


def _compact(result: ReviewResult, marker: str, budget: int) -> str:
    head = "\n".join([*_head(result, marker, error_width=300), "", TRUNCATED_NOTE]) + "\n"
    for mode in LIST_MODES:
        required = _required(result, head, mode)
        if len(required) <= budget:
            break
    else:
        return _cut(required, budget)
    room = budget - len(required)
    others = _other_changes(result, room * 2 // 3 if result.explanation or result.reasoning else room)
    room -= len(others)
    model = "\n".join(_model(result, answer_limit=room // 3, reasoning_limit=room // 2))
    return required + others + (model + "\n" if model else "")


def _required(result: ReviewResult, head: str, mode: str) -> str:
    lines = _findings_compact(result.findings, mode)
    named = {f.address for f in result.findings if f.address}
    destructive = [(c.address, f"`{SYMBOLS[c.action]}` {HERE}" + (f" — {change_note(c)}" if change_note(c) else ""))
                   for c in result.changes if c.action in ALWAYS_LISTED and c.address not in named]
    if destructive:
        lines += ["", f"### Destroyed, replaced or forgotten ({len(destructive)})", "",
                  *_sentences(destructive, mode, escaped_prefix=True)]
    return head + "\n".join(lines) + "\n"


def _head(result: ReviewResult, marker: str, error_width: int = 2000) -> list[str]:
    model = f" · model {markdown_code(result.model.name)}" if result.model.name else " · rules only"
    lines = [marker, f"## {BADGE[result.label]} tfreview: {result.label_text}", "",
             f"**Plan:** {count_line(result)} · decided by **{result.decided_by.value}**{model}"]
    if result.errors:
        lines += ["", *[f"> **Error:** {_cut_inline(e, error_width)}" for e in result.errors]]
    return lines


def _findings_table(findings: list[Finding]) -> list[str]:
    if not findings:
        return []
    lines = ["", "### Findings", "", "| severity | rule | resource | finding |", "|---|---|---|---|"]
    lines += [f"| {f.severity.value} | {markdown_cell_code(f.rule)} | {markdown_cell_code(f.address or '-')} | "
              f"{markdown_cell(f.message, 1000)} |" for f in findings]
    return lines


def _findings_compact(findings: list[Finding], mode: str) -> list[str]:
    if not findings:
        return []
    lines = ["", f"### Findings ({len(findings)})"]
    grouped: dict[tuple[str, str], list[Finding]] = {}
    for finding in findings:
        grouped.setdefault((finding.severity.value, finding.rule), []).append(finding)
    for (severity, rule), members in grouped.items():
        lines += ["", f"**{severity}** · {markdown_code(rule)} · {len(members)}", ""]
        templated = [f for f in members if f.address and f.address in f.message and HERE not in f.message]
        others = sorted((f for f in members if not (f.address and f.address in f.message and HERE not in f.message)),
                        key=lambda f: natural_key(f.address or ""))
        lines += _sentences([(f.address or "", f.message.replace(f.address or "", HERE, 1)) for f in templated], mode)
        lines += [f"- {markdown_code(f.address)}: {_cut_inline(f.message, 300)}" if f.address
                  else f"- {_lead(f.message)}" for f in others]
    return lines


def _sentences(entries: list[tuple[str, str]], mode: str, escaped_prefix: bool = False) -> list[str]:
    """One line per (address, sentence) where HERE in the sentence stands for the address; addresses that
    share a sentence (the same rule and reason) are listed together, as ranges or keys per resource."""
    by_sentence: dict[str, list[str]] = {}
    for address, sentence in entries:
        by_sentence.setdefault(sentence, []).append(address)
    lines: list[str] = []
    for sentence, addresses in sorted(by_sentence.items(), key=lambda item: min(map(natural_key, item[1]))):
        prefix, _, rest = sentence.partition(HERE)
        prefix = prefix if escaped_prefix else _lead(prefix)  # tfreview's own `-` symbol, or plan text
        listed = _address_list(addresses, mode)
        if not rest.strip():
            lines += [f"- {prefix}{line}" for line in listed]
        elif len(listed) == 1:
            lines.append(f"- {prefix}{listed[0]}{_inline_part(rest)}")
        else:
            lines.append(f"- {prefix}each of these {len(addresses)}{_inline_part(rest)}:")
            lines += [f"  - {line}" for line in listed]
    return lines


def _lead(text: str) -> str:
    """Plan text that starts a list item's content: escaped so that it cannot open a block there either."""
    words = " ".join(text.split())
    if not words:
        return ""
    return markdown_block(words if len(words) <= 300 else words[:299] + "…")[0] + " " * text[-1].isspace()


def _inline_part(text: str) -> str:
    """Plan text cut and escaped for a line, keeping its leading and trailing space."""
    if not text.strip():
        return " " if text else ""
    return " " * text[0].isspace() + _cut_inline(text, 300) + " " * text[-1].isspace()


def _change_lines(result: ReviewResult) -> list[str]:
    lines: list[str] = []
    ordered = sorted(result.changes, key=lambda c: natural_key(c.address))
    for action, changes, hidden in groups(ordered):
        lines += ["", f"### {action.value} ({len(changes) + hidden})", ""]
        lines += [line for change in changes for line in _change(action, change)]
        if hidden:
            rest = [c.address for c in ordered if c.action is action][len(changes):]
            lines.append(f"- … and {hidden} more: {', '.join(line for line, _ in grouped(rest))}")
    if result.drift:
        lines += ["", f"### drift ({len(result.drift)})", ""]
        lines += [f"- {markdown_code(a)} changed outside Terraform"
                  for a in sorted((c.address for c in result.drift), key=natural_key)]
    return lines + _output_lines(result)


def _change(action: Action, change: Change) -> list[str]:
    note = change_note(change)
    suffix = f" — {_cut_inline(note, 300)}" if note else ""
    return [f"- `{SYMBOLS[action]}` {markdown_code(change.address)}{suffix}", *_attribute_lines(change)]


def _attribute_lines(change: Change) -> list[str]:
    return [f"  - {markdown_code(a.path)}: {markdown_code(value(a.before, 60))} → {markdown_code(value(a.after, 60))}"
            for a in change.attributes[:5]]


def _output_lines(result: ReviewResult) -> list[str]:
    if not result.outputs:
        return []
    return ["", f"### output changes ({len(result.outputs)})", "",
            *[f"- {markdown_code('output.' + o.name)}: {markdown_code(value(o.before, 60))} → "
              f"{markdown_code(value(o.after, 60))}"
              for o in sorted(result.outputs, key=lambda o: natural_key(o.name))]]


def _other_changes(result: ReviewResult, room: int) -> str:
    """Changes that are not deletes, with their attribute changes while they fit, then the rest as ranges."""
    order = list(Action)
    others = sorted((c for c in result.changes if c.action not in ALWAYS_LISTED
                     and (c.action is not Action.NO_OP or c.moved)),
                    key=lambda c: (order.index(c.action), natural_key(c.address)))
    if not (others or result.outputs) or room < 200:
        return ""
    names = sum(len(line) + 8 for action in Action
                for line, _ in grouped([c.address for c in others if c.action is action]))
    reserve = min(names, room // 2)  # naming every change comes before showing attributes of a few
    lines: list[str] = []
    used = shown = 0
    for change in others:
        block = _change(change.action, change)
        size = sum(len(line) + 1 for line in block)
        if used + size > room - reserve - 400:
            break
        lines += block
        used, shown = used + size, shown + 1
    rest = _rest_as_ranges(others[shown:], room - 200 - used)
    lines += rest
    used += sum(len(line) + 1 for line in rest)
    body = ["", *lines]
    outputs = _output_lines(result)
    if outputs and used + sum(len(line) + 1 for line in outputs) < room - 200:
        body += outputs
    return "\n".join(["", *_details(f"Other changes ({len(others)})", body)]) + "\n"


def _rest_as_ranges(rest: list[Change], room: int) -> list[str]:
    """Changes without room for their attributes: per action and resource, its keys as ranges; then a count."""
    lines: list[str] = []
    used = named = 0
    for action in Action:
        for line, count in grouped([c.address for c in rest if c.action is action]):
            line = f"- `{SYMBOLS[action]}` {line}"
            if used + len(line) + 1 > room - 80:
                return [*lines, f"- … and {len(rest) - named} more (see the JSON report)"]
            lines.append(line)
            used, named = used + len(line) + 1, named + count
    return lines


def _model(result: ReviewResult, answer_limit: int | None, reasoning_limit: int | None) -> list[str]:
    lines: list[str] = []
    if result.explanation and (answer_limit is None or answer_limit > 200):
        lines += ["", "### Model answer", "", _quote(_cut_text(result.explanation, answer_limit))]
    if result.reasoning and (reasoning_limit is None or reasoning_limit > 200):
        lines += ["", *_details("Model reasoning", ["", _quote(_cut_text(result.reasoning, reasoning_limit))])]
    return lines


def _address_list(addresses: list[str], mode: str) -> list[str]:
    """Addresses as code spans in natural order: count-index runs as ranges (`a[0..1699]`), or one line
    per resource listing its instance keys (`a` (4) [0..2, "x"])."""
    if mode == "ranges":
        return [markdown_code(a) for a in collapse_ranges(addresses)]
    return [line for line, _ in grouped(addresses)]


def _details(summary: str, body: list[str]) -> list[str]:
    return ["", f"<details><summary>{summary}</summary>", *body, "", "</details>"]  # SUMMARY is tfreview's own


def _cut(text: str, budget: int) -> str:
    note = "\n\n… cut here to fit GitHub's comment limit; the complete list is in the JSON report.\n"
    return text[: text.rfind("\n", 0, budget - len(note))] + note


def _cut_text(text: str, limit: int | None) -> str:
    text = text.strip()
    if limit is None or len(text) <= limit:
        return text
    half = max(limit // 2 - 20, 0)
    return f"{text[:half]}\n\n[… {len(text) - 2 * half} characters cut …]\n\n{text[-half:]}"


def _cut_inline(text: str, width: int) -> str:
    return markdown_inline(" ".join(text.split()), width)


def _quote(text: str) -> str:
    return "\n".join(f"> {line}" if line else ">" for line in markdown_block(text))
