"""Renderers: each turns a ReviewResult into a string and does no I/O.

A renderer's module is imported when its format is asked for: a JSON report never loads the Markdown,
SARIF or terminal code.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tfreview.render.sarif import SarifContext
    from tfreview.result import ReviewResult

FORMATS = ("text", "json", "markdown", "github", "sarif")


def render(result: ReviewResult, fmt: str, *, color: bool = False, show_reasoning: bool = True,
           sarif: SarifContext | None = None, width: int = 100) -> str:
    """Render RESULT in format FMT (one of FORMATS); SARIF says where SARIF results point."""
    if fmt == "json":
        from tfreview.render.escape import json_text

        return json_text(result.to_json()) + "\n"
    if fmt == "text":
        from tfreview.render.text import render_text

        return render_text(result, color=color, show_reasoning=show_reasoning, width=width)
    if fmt == "markdown":
        from tfreview.render.markdown import render_markdown

        return render_markdown(result)
    if fmt == "github":
        from tfreview.render.github import render_github

        return render_github(result)
    if fmt == "sarif":
        from tfreview.render.sarif import render_sarif

        return render_sarif(result, sarif)
    raise ValueError(f"unknown format {fmt!r}")
