"""Terminal output: rich-formatted when the terminal has colour, plain text when piped."""

from __future__ import annotations

import io

from rich.console import Console
from rich.markup import escape as rich_escape

from tfreview.labels import Label
from tfreview.pipeline.findings import Severity
from tfreview.render.common import SYMBOLS, change_note, count_line, groups, value
from tfreview.render.escape import text_block, text_line, workflow_log
from tfreview.result import ReviewResult

LABEL_STYLE = {Label.LIKELY_SAFE: "bold green", Label.NEEDS_CLOSE_REVIEW: "bold red"}
SEVERITY_STYLE = {Severity.HIGH: "red", Severity.MEDIUM: "yellow", Severity.LOW: "cyan", Severity.INFO: "dim"}
ATTRIBUTES_SHOWN = 5


def render_text(result: ReviewResult, *, color: bool = False, show_reasoning: bool = True) -> str:
    """The human report for a terminal."""
    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=color, no_color=not color, width=100,
                      highlight=False, soft_wrap=True)
    _header(console, result)
    _findings(console, result)
    _changes(console, result)
    if show_reasoning and result.reasoning:
        console.print("\n[bold]Model reasoning[/]")
        for line in text_block(result.reasoning):
            console.print(f"  {rich_escape(line)}", style="dim")
    if result.explanation:
        console.print("\n[bold]Model answer[/]")
        for line in text_block(result.explanation):
            console.print(f"  {rich_escape(line)}")
    for error in result.errors:
        console.print(f"\n[red]error:[/] {escape(error)}")
    return workflow_log(buffer.getvalue())


def escape(text: str) -> str:
    """Untrusted TEXT for the console: one line, nothing that acts, no rich markup."""
    return rich_escape(text_line(text))


def _header(console: Console, result: ReviewResult) -> None:
    console.print(f"[{LABEL_STYLE[result.label]}]{result.label_text.upper()}[/] "
                  f"(decided by {result.decided_by.value})")
    model = f"{result.model.backend}" + (f" {result.model.name}" if result.model.name else "")
    console.print(f"Plan: {count_line(result)} · model: {escape(model)}")


def _findings(console: Console, result: ReviewResult) -> None:
    if not result.findings:
        return
    console.print("\n[bold]Findings[/]")
    for f in result.findings:
        console.print(f"  [{SEVERITY_STYLE[f.severity]}]{f.severity.value:<6}[/] {escape(f.rule)}: "
                      f"{escape(f.message)}")


def _changes(console: Console, result: ReviewResult) -> None:
    for action, changes, hidden in groups(result.changes):
        console.print(f"\n[bold]{action.value}[/] ({len(changes) + hidden})")
        for change in changes:
            note = change_note(change)
            suffix = f"  [dim]({escape(note)})[/]" if note else ""
            console.print(f"  {SYMBOLS[action]} {escape(change.address)}{suffix}")
            for attr in change.attributes[:ATTRIBUTES_SHOWN]:
                before, after = escape(value(attr.before, 40)), escape(value(attr.after, 40))
                console.print(f"      {escape(attr.path)}: {before} → {after}", style="dim")
        if hidden:
            console.print(f"  … and {hidden} more")
    if result.drift:
        console.print(f"\n[bold]drift[/] ({len(result.drift)}): changed outside Terraform")
        for change in result.drift:
            console.print(f"  ! {escape(change.address)}")
    if result.outputs:
        console.print(f"\n[bold]output changes[/] ({len(result.outputs)})")
        for out in result.outputs:
            console.print(f"  {SYMBOLS[out.action]} output.{escape(out.name)}: "
                          f"{escape(value(out.before, 40))} → {escape(value(out.after, 40))}")
