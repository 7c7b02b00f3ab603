"""Renderers: each turns a ReviewResult into a string and does no I/O."""

from __future__ import annotations

from collections.abc import Callable

from tfreview.render.escape import json_text
from tfreview.render.github import render_github
from tfreview.render.markdown import render_markdown
from tfreview.render.sarif import SarifContext, render_sarif
from tfreview.render.text import render_text
from tfreview.result import ReviewResult

FORMATS = ("text", "json", "markdown", "github", "sarif")


def render(result: ReviewResult, fmt: str, *, color: bool = False, show_reasoning: bool = True,
           sarif: SarifContext | None = None) -> str:
    """Render RESULT in format FMT (one of FORMATS); SARIF says where SARIF results point."""
    renderers: dict[str, Callable[[], str]] = {
        "text": lambda: render_text(result, color=color, show_reasoning=show_reasoning),
        "json": lambda: json_text(result.to_json()) + "\n",
        "markdown": lambda: render_markdown(result),
        "github": lambda: render_github(result),
        "sarif": lambda: render_sarif(result, sarif),
    }
    return renderers[fmt]()
