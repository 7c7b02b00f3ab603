"""Writing a finished review: stdout in --format, each --output FORMAT=PATH, and GitHub Actions files."""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import click

from tfreview.errors import ConfigError

if TYPE_CHECKING:
    from tfreview.render.sarif import SarifContext
    from tfreview.result import ReviewResult

# Kept equal to tfreview.render.FORMATS (a test checks); repeated here so `--help` imports no renderer.
DEFAULT_WIDTH = 100
FORMATS = ("text", "json", "markdown", "github", "sarif")
FORMAT_HELP = ("Format written to stdout: text, json, markdown, github (PR-comment Markdown, kept under "
               "GitHub's 65,536-character limit) or sarif (SARIF 2.1.0 for code scanning).")
OUTPUT_HELP = ("Also write the report to PATH (in --format, or FORMAT given as json=out.json, "
               "sarif=tfreview.sarif). Repeatable.")


def parse_output(spec: str, default_fmt: str, formats: tuple[str, ...] = FORMATS) -> tuple[str, Path]:
    """Split one --output value into (format, path); a bare PATH takes the --format."""
    fmt, sep, path = spec.partition("=")
    if not sep or (fmt not in formats and ("/" in fmt or "." in fmt)):
        return default_fmt, Path(spec)
    if fmt not in formats:
        raise ConfigError(f"--output {spec}: unknown format {fmt!r} — use one of {', '.join(formats)}")
    if not path:
        raise ConfigError(f"--output {spec}: no path after '=' — e.g. --output {fmt}=review.{fmt}")
    return fmt, Path(path)


def deliver(result: ReviewResult, *, fmt: str, targets: list[tuple[str, Path]], quiet: bool,
            show_reasoning: bool, plan_source: str, source_root: Path | None = None) -> None:
    """Write every --output file, the GitHub Actions files when in Actions, then stdout unless quiet."""
    from tfreview.integrations import github_actions
    from tfreview.render import render
    from tfreview.render.escape import one_line

    wants_sarif = fmt == "sarif" or any(f == "sarif" for f, _ in targets)
    sarif = sarif_context(result, plan_source, os.environ, source_root or Path.cwd()) if wants_sarif else None
    for target_fmt, path in targets:
        write(path, render(result, target_fmt, show_reasoning=show_reasoning, sarif=sarif))
    if github_actions.enabled(os.environ):
        json_path = next((p.resolve() for f, p in targets if f == "json"), None)
        github_actions.publish(result, os.environ, json_path, lambda line: click.echo(line, err=True))
    if not quiet:
        terminal = fmt == "text" and sys.stdout.isatty()
        color = terminal and "NO_COLOR" not in os.environ
        width = shutil.get_terminal_size().columns if terminal else DEFAULT_WIDTH
        click.echo(render(result, fmt, color=color, show_reasoning=show_reasoning, sarif=sarif, width=width),
                   nl=False)
    for error in result.errors:  # -q silences the report, never the reasons a review failed
        click.echo(f"tfreview: {one_line(error)}", err=True)


def write(path: Path, text: str) -> None:
    """Write one report file; an unwritable path is a usage error."""
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot write {path}: {exc.strerror}") from exc


def sarif_context(result: ReviewResult, plan_source: str, env: Mapping[str, str], root: Path) -> SarifContext:
    """Where SARIF results point: each finding's resource block in ROOT's .tf files (the working directory)
    (URIs relative to the repository: GITHUB_WORKSPACE, else the git checkout, else the working directory),
    else the plan file; the workspace (the working directory in the repository, and TF_WORKSPACE) keeps
    fingerprints of different workspaces apart."""
    from tfreview.integrations.source_locations import SourceIndex, relative_uri
    from tfreview.render.sarif import SarifContext

    base = Path(env["GITHUB_WORKSPACE"]) if env.get("GITHUB_WORKSPACE") else _checkout_root(root)
    index = SourceIndex(root, base)
    locations = {}
    for address in {f.address for f in result.findings if f.address}:
        found = index.locate(address)
        if found is not None:
            locations[address] = (found.uri, found.line)
    artifact = "plan.json" if plan_source == "-" else relative_uri(Path(plan_source), base)
    workspace = relative_uri(root, base) if root.resolve() != base.resolve() else "."
    if env.get("TF_WORKSPACE"):
        workspace += f":{env['TF_WORKSPACE']}"
    return SarifContext(artifact=artifact, locations=locations, workspace=workspace)


def _checkout_root(start: Path) -> Path:
    """The nearest directory holding `.git` at or above START, else START."""
    for directory in (start.resolve(), *start.resolve().parents):
        if (directory / ".git").exists():
            return directory
    return start
