"""Markdown for GitHub pull-request comments and step summaries, kept under GitHub's comment limit.

GitHub rejects a comment body longer than 65,536 characters (HTTP 422 "Body is too long"). The full
report is used when it fits; otherwise a compact report keeps, in this order and never dropped: the
label, the errors, every finding and every destroyed, replaced or forgotten address. Everything else
(other changes, the model's answer and reasoning) fills the remaining room inside <details> blocks.
"""

from __future__ import annotations

import re

from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import Finding
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
# Rules whose message only restates the address and the action; compact mode lists just the address.
ADDRESS_RULES = {"resource-delete", "resource-replace", "resource-forget", "resource-import"}
LIST_MODES = ("plain", "grouped", "ranges")  # tried in order until the required part fits
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
    others = _other_changes(result, room * 2 // 3)
    room -= len(others)
    model = "\n".join(_model(result, answer_limit=room // 3, reasoning_limit=room // 2))
    return required + others + (model + "\n" if model else "")


def _required(result: ReviewResult, head: str, mode: str) -> str:
    lines = _findings_compact(result.findings, mode)
    named = {f.address for f in result.findings if f.address}
    destructive = [c.address for c in result.changes if c.action in ALWAYS_LISTED and c.address not in named]
    if destructive:
        lines += ["", f"### Destroyed, replaced or forgotten ({len(destructive)})", "",
                  _address_list(destructive, mode)]
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
        if rule in ADDRESS_RULES:
            lines.append(_address_list([f.address or "-" for f in members], mode))
        else:
            lines += [f"- {markdown_code(f.address)}: {_cut_inline(f.message, 300)}" if f.address
                      else f"- {_cut_inline(f.message, 300)}" for f in members]
    return lines


def _change_lines(result: ReviewResult) -> list[str]:
    lines: list[str] = []
    for action, changes, hidden in groups(result.changes):
        lines += ["", f"### {action.value} ({len(changes) + hidden})", ""]
        lines += [line for change in changes for line in _change(action, change)]
        if hidden:
            lines.append(f"- … and {hidden} more")
    if result.drift:
        lines += ["", f"### drift ({len(result.drift)})", ""]
        lines += [f"- {markdown_code(c.address)} changed outside Terraform" for c in result.drift]
    return lines


def _change(action: Action, change: Change) -> list[str]:
    note = change_note(change)
    suffix = f" — {_cut_inline(note, 300)}" if note else ""
    lines = [f"- `{SYMBOLS[action]}` {markdown_code(change.address)}{suffix}"]
    lines += [f"  - {markdown_code(a.path)}: {markdown_code(value(a.before, 60))} → {markdown_code(value(a.after, 60))}"
              for a in change.attributes[:5]]
    return lines


def _other_changes(result: ReviewResult, room: int) -> str:
    others = [c for c in result.changes if c.action not in ALWAYS_LISTED and (c.action is not Action.NO_OP or c.moved)]
    if not others or room < 200:
        return ""
    lines: list[str] = []
    used = 0
    for change in others:
        line = f"- `{SYMBOLS[change.action]}` {markdown_code(change.address)}"
        if used + len(line) + 1 > room - 120:
            lines.append(f"- … and {len(others) - len(lines)} more (see the JSON report)")
            break
        lines.append(line)
        used += len(line) + 1
    return "\n".join(["", *_details(f"Other changes ({len(others)})", ["", *lines])]) + "\n"


def _model(result: ReviewResult, answer_limit: int | None, reasoning_limit: int | None) -> list[str]:
    lines: list[str] = []
    if result.explanation and (answer_limit is None or answer_limit > 200):
        lines += ["", "### Model answer", "", _quote(_cut_text(result.explanation, answer_limit))]
    if result.reasoning and (reasoning_limit is None or reasoning_limit > 200):
        lines += ["", *_details("Model reasoning", ["", _quote(_cut_text(result.reasoning, reasoning_limit))])]
    return lines


def _address_list(addresses: list[str], mode: str) -> str:
    """Addresses in full, one line per resource listing every instance key, or keys as ranges (a[0–2, 7])."""
    if mode == "plain":
        return ", ".join(markdown_code(a) for a in addresses)
    keyed: dict[str, list[str]] = {}
    for address in addresses:
        match = re.fullmatch(r"(.*?)\[([^\[\]]+)\]", address)
        base, key = (match[1], match[2]) if match else (address, "")
        keyed.setdefault(base, []).append(key)
    return "\n".join(_keyed_line(base, keys, mode) for base, keys in keyed.items())


def _keyed_line(base: str, keys: list[str], mode: str) -> str:
    if keys == [""]:
        return f"- {markdown_code(base)}"
    numbers = sorted(int(k) for k in keys if k.isdigit())
    if len(numbers) == len(keys):
        if mode == "ranges":
            return f"- {markdown_code(f'{base}[{_ranges(numbers)}]')}"
        keys = [str(n) for n in numbers]
    return f"- {markdown_code(base)} ({len(keys)}) [{', '.join(markdown_inline(k) for k in keys)}]"


def _ranges(numbers: list[int]) -> str:
    spans: list[list[int]] = []
    for n in numbers:
        if spans and n == spans[-1][1] + 1:
            spans[-1][1] = n
        else:
            spans.append([n, n])
    return ", ".join(str(a) if a == b else f"{a}–{b}" for a, b in spans)


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
