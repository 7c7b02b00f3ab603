"""Terminal output: ANSI colour when the terminal has it, plain text when piped; the label comes last.

The report opens with the label and ends with the label line (label, counts, who decided), so on a
long plan the verdict is on screen whatever scrolled away. Findings wrap at word boundaries under a
hanging indent. Every plan string goes through `escape.text_line` (one line, nothing that acts on the
terminal) before any colour is added, and colour is written as plain SGR codes: a 10,000-change
report is a join of strings, not a console rendering each line.
"""

from __future__ import annotations

import textwrap

from tfreview.labels import Label
from tfreview.pipeline.findings import Severity
from tfreview.render.common import SYMBOLS, change_note, count_line, groups, value
from tfreview.render.escape import text_block, text_line, workflow_log
from tfreview.result import ReviewResult

SGR = {"bold": "1", "dim": "2", "red": "31", "green": "32", "yellow": "33", "cyan": "36",
       "bold red": "1;31", "bold green": "1;32"}
LABEL_STYLE = {Label.LIKELY_SAFE: "bold green", Label.NEEDS_CLOSE_REVIEW: "bold red"}
SEVERITY_STYLE = {Severity.HIGH: "red", Severity.MEDIUM: "yellow", Severity.LOW: "cyan", Severity.INFO: "dim"}
ATTRIBUTES_SHOWN = 5
DEPENDENTS_SHOWN = 3
DEFAULT_WIDTH = 100


class _Report:
    """Lines of the report, styled only when colour is on."""

    def __init__(self, color: bool, width: int) -> None:
        self.color = color
        self.width = max(width, 40)
        self.lines: list[str] = []

    def style(self, text: str, style: str) -> str:
        return f"\x1b[{SGR[style]}m{text}\x1b[0m" if self.color else text

    def add(self, line: str = "") -> None:
        self.lines.append(line)

    def heading(self, text: str) -> None:
        self.lines += ["", self.style(text, "bold")]


def render_text(result: ReviewResult, *, color: bool = False, show_reasoning: bool = True,
                width: int = DEFAULT_WIDTH) -> str:
    """The human report for a terminal, WIDTH columns wide."""
    out = _Report(color, width)
    out.add(f"{out.style(result.label_text.upper(), LABEL_STYLE[result.label])} (decided by {result.decided_by.value})")
    model = result.model.backend + (f" {result.model.name}" if result.model.name else "")
    out.add(f"Plan: {count_line(result)} · model: {text_line(model)}")
    _findings(out, result)
    _changes(out, result)
    if show_reasoning and result.reasoning:
        out.heading("Model reasoning")
        out.lines += [out.style(f"  {line}", "dim") for line in text_block(result.reasoning)]
    if result.explanation:
        out.heading("Model answer")
        out.lines += [f"  {line}" for line in text_block(result.explanation)]
    for error in result.errors:
        out.add()
        out.add(f"{out.style('error:', 'red')} {text_line(error)}")
    out.add()
    out.add(label_line(result, out))
    return workflow_log("\n".join(out.lines) + "\n")


def label_line(result: ReviewResult, out: _Report | None = None) -> str:
    """'NEEDS CLOSE REVIEW · 1 to delete · 2 findings (1 high) · decided by rules', and why a model is missing."""
    out = out or _Report(False, DEFAULT_WIDTH)
    high = sum(f.severity is Severity.HIGH for f in result.findings)
    findings = f"{len(result.findings)} finding{'s' * (len(result.findings) != 1)}"
    findings += f" ({high} high)" if high else ""
    line = (f"{out.style(result.label_text.upper(), LABEL_STYLE[result.label])} · {count_line(result)} · "
            f"{findings} · decided by {result.decided_by.value}")
    if result.model_unreachable:
        line += " · the model could not be reached: run with --backend none for the rules alone"
    return line


def _findings(out: _Report, result: ReviewResult) -> None:
    if not result.findings:
        return
    out.heading("Findings")
    for f in result.findings:
        lead = f"  {f.severity.value:<6} "
        text = f"{text_line(f.rule)}: {text_line(f.message)}"
        wrapped = textwrap.wrap(text, width=out.width - len(lead), break_on_hyphens=False) or [""]
        out.add(lead.replace(f.severity.value, out.style(f.severity.value, SEVERITY_STYLE[f.severity]), 1)
                + wrapped[0])
        out.lines += [" " * len(lead) + rest for rest in wrapped[1:]]


def _changes(out: _Report, result: ReviewResult) -> None:
    for action, changes, hidden in groups(result.changes):
        out.heading(f"{action.value} ({len(changes) + hidden})")
        for change in changes:
            note = change_note(change)
            suffix = out.style(f"  ({text_line(note)})", "dim") if note else ""
            out.add(f"  {SYMBOLS[action]} {text_line(change.address)}{suffix}")
            if change.dependents and action in (action.DELETE, action.REPLACE, action.FORGET):
                shown = ", ".join(text_line(d) for d in change.dependents[:DEPENDENTS_SHOWN])
                more = len(change.dependents) - DEPENDENTS_SHOWN
                out.add(out.style(f"      depended on by {len(change.dependents)}: {shown}"
                                  + (f", … {more} more" if more > 0 else ""), "dim"))
            for attr in change.attributes[:ATTRIBUTES_SHOWN]:
                before, after = text_line(value(attr.before, 40)), text_line(value(attr.after, 40))
                out.add(out.style(f"      {text_line(attr.path)}: {before} → {after}", "dim"))
        if hidden:
            out.add(f"  … and {hidden} more")
    if result.drift:
        out.heading(f"drift ({len(result.drift)}): changed outside Terraform")
        out.lines += [f"  ! {text_line(change.address)}" for change in result.drift]
    if result.outputs:
        out.heading(f"output changes ({len(result.outputs)})")
        for item in result.outputs:
            out.add(f"  {SYMBOLS[item.action]} output.{text_line(item.name)}: "
                    f"{text_line(value(item.before, 40))} → {text_line(value(item.after, 40))}")
