"""Rich tables for the model commands: rendered to a string, coloured only on a terminal."""

from __future__ import annotations

import io
import os
import shutil
import sys

import click
from rich.console import Console, RenderableType
from rich.table import Table

# Wide enough that piped rows stay on one line for grep.
PIPED_WIDTH = 200


def table(*columns: str, title: str | None = None) -> Table:
    """A plain table with these column headers."""
    grid = Table(title=title, title_justify="left", show_edge=False, pad_edge=False, box=None,
                 header_style="bold")
    for column in columns:
        grid.add_column(column, overflow="fold")
    return grid


def render(*items: RenderableType, color: bool = False, width: int = PIPED_WIDTH) -> str:
    """Render rich objects to text; renderers do no I/O."""
    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=color, no_color=not color, width=width,
                      highlight=False, soft_wrap=False)
    for item in items:
        console.print(item)
    return "".join(line.rstrip() + "\n" for line in buffer.getvalue().splitlines())


def echo(*items: RenderableType) -> None:
    """Write rich objects to stdout, in colour on a terminal unless NO_COLOR is set."""
    tty = sys.stdout.isatty()
    width = shutil.get_terminal_size((PIPED_WIDTH, 24)).columns if tty else PIPED_WIDTH
    click.echo(render(*items, color=tty and "NO_COLOR" not in os.environ, width=width), nl=False)
