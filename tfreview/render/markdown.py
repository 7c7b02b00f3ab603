"""Markdown output for pull requests, step summaries and chat."""

from __future__ import annotations

from tfreview.labels import Label
from tfreview.render.common import SYMBOLS, change_note, count_line, groups, value
from tfreview.render.escape import markdown_block, markdown_cell, markdown_cell_code, markdown_code, markdown_inline
from tfreview.result import ReviewResult

BADGE = {Label.LIKELY_SAFE: "✅", Label.NEEDS_CLOSE_REVIEW: "⚠️"}


def render_markdown(result: ReviewResult) -> str:
    """The report as GitHub-flavoured Markdown."""
    lines = [
        f"## {BADGE[result.label]} tfreview: {result.label_text}",
        "",
        f"**Plan:** {count_line(result)} · decided by **{result.decided_by.value}**"
        + (f" · model {markdown_code(result.model.name)}" if result.model.name else " · rules only"),
    ]
    if result.errors:
        lines += ["", *[f"> **Error:** {markdown_inline(e)}" for e in result.errors]]
    if result.findings:
        lines += ["", "### Findings", "", "| severity | rule | resource | finding |", "|---|---|---|---|"]
        lines += [f"| {f.severity.value} | {markdown_cell_code(f.rule)} | {markdown_cell_code(f.address or '-')} | "
                  f"{markdown_cell(f.message)} |"
                  for f in result.findings]
    lines += _changes(result)
    if result.explanation:
        lines += ["", "### Model answer", "", _quote(result.explanation)]
    if result.reasoning:
        lines += ["", "<details><summary>Model reasoning</summary>", "", _quote(result.reasoning), "", "</details>"]
    return "\n".join(lines) + "\n"


def _changes(result: ReviewResult) -> list[str]:
    lines: list[str] = []
    for action, changes, hidden in groups(result.changes):
        lines += ["", f"### {action.value} ({len(changes) + hidden})", ""]
        for change in changes:
            note = change_note(change)
            lines.append(f"- `{SYMBOLS[action]}` {markdown_code(change.address)}"
                         + (f" — {markdown_inline(note)}" if note else ""))
            lines += [f"  - {markdown_code(attr.path)}: {markdown_code(value(attr.before, 60))} → "
                      f"{markdown_code(value(attr.after, 60))}" for attr in change.attributes[:5]]
        if hidden:
            lines.append(f"- … and {hidden} more")
    if result.drift:
        lines += ["", f"### drift ({len(result.drift)})", ""]
        lines += [f"- {markdown_code(c.address)} changed outside Terraform" for c in result.drift]
    if result.outputs:
        lines += ["", f"### output changes ({len(result.outputs)})", ""]
        lines += [f"- {markdown_code('output.' + o.name)}: {markdown_code(value(o.before, 60))} → "
                  f"{markdown_code(value(o.after, 60))}" for o in result.outputs]
    return lines


def _quote(text: str) -> str:
    return "\n".join(f"> {line}" if line else ">" for line in markdown_block(text))
