"""Markdown output for pull requests, step summaries and chat."""

from __future__ import annotations

from tfreview.labels import Label
from tfreview.render.common import SYMBOLS, change_note, count_line, groups, value
from tfreview.result import ReviewResult

BADGE = {Label.LIKELY_SAFE: "✅", Label.NEEDS_CLOSE_REVIEW: "⚠️"}


def render_markdown(result: ReviewResult) -> str:
    """The report as GitHub-flavoured Markdown."""
    lines = [
        f"## {BADGE[result.label]} tfreview: {result.label_text}",
        "",
        f"**Plan:** {count_line(result)} · decided by **{result.decided_by.value}**"
        + (f" · model `{result.model.name}`" if result.model.name else " · rules only"),
    ]
    if result.errors:
        lines += ["", *[f"> **Error:** {_inline(e)}" for e in result.errors]]
    if result.findings:
        lines += ["", "### Findings", "", "| severity | rule | resource | finding |", "|---|---|---|---|"]
        lines += [f"| {f.severity.value} | `{f.rule}` | `{f.address or '-'}` | {_cell(f.message)} |"
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
            lines.append(f"- `{SYMBOLS[action]}` `{change.address}`" + (f" — {_inline(note)}" if note else ""))
            lines += [f"  - `{attr.path}`: `{_code(value(attr.before, 60))}` → `{_code(value(attr.after, 60))}`"
                      for attr in change.attributes[:5]]
        if hidden:
            lines.append(f"- … and {hidden} more")
    if result.drift:
        lines += ["", f"### drift ({len(result.drift)})", ""]
        lines += [f"- `{c.address}` changed outside Terraform" for c in result.drift]
    if result.outputs:
        lines += ["", f"### output changes ({len(result.outputs)})", ""]
        lines += [f"- `output.{o.name}`: `{_code(value(o.before, 60))}` → `{_code(value(o.after, 60))}`"
                  for o in result.outputs]
    return lines


def _inline(text: str) -> str:
    return " ".join(text.split())


def _cell(text: str) -> str:
    return _inline(text).replace("|", "\\|")


def _code(text: str) -> str:
    return text.replace("`", "'")


def _quote(text: str) -> str:
    return "\n".join(f"> {line}" if line else ">" for line in text.strip().splitlines())
