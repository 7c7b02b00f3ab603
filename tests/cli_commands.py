"""Invoke the `tfreview` command line as a user would, for CLI tests."""

from __future__ import annotations

from typing import Any

from click.testing import CliRunner, Result

from tfreview.cli import main


def run(*args: Any, input: str | None = None) -> Result:
    """Invoke `tfreview ARGS` as a user would, exceptions included."""
    return CliRunner().invoke(main, [str(a) for a in args], input=input, catch_exceptions=False)
