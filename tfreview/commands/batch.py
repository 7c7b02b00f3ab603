"""`tfreview batch`: review the plans of many workspaces and print one roll-up."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from tfreview.commands.options import review_options, settings_flags
from tfreview.commands.output import parse_output, write

if TYPE_CHECKING:
    from tfreview.settings import Settings
    from tfreview.workflows.rollup import WorkspaceResult

EXIT_SAFE, EXIT_REVIEW = 0, 1
FORMATS = ("text", "json", "markdown")
Progress = Callable[["WorkspaceResult"], None]


@click.command("batch")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path), metavar="[PATH]...")
@click.option("--manifest", type=click.Path(dir_okay=False, path_type=Path),
              help='JSON file mapping workspace names to plan paths: {"workspaces": {"prod": "prod/plan.json"}}.')
@click.option("--glob", "globs", multiple=True, metavar="PATTERN",
              help="Pattern to find plans in directories. Repeatable.  [default: **/*.json, **/tfplan, **/*.tfplan]")
@click.option("--concurrency", type=click.IntRange(1, 64),
              help="Model calls at once.  [default: 1 for Ollama; llama-server's slot count for --backend openai]")
@review_options
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True,
              help="Format of the roll-up on stdout.")
@click.option("--output", "outputs", multiple=True, metavar="[FORMAT=]PATH",
              help="Also write the roll-up to PATH (json=rollup.json). Repeatable.")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when a workspace needs close review.")
@click.option("-q", "--quiet", is_flag=True, help="Print nothing; use the exit code.")
def batch_command(paths: tuple[Path, ...], manifest: Path | None, globs: tuple[str, ...], concurrency: int | None,
                  fmt: str, outputs: tuple[str, ...], exit_zero: bool, quiet: bool, config_path: Path | None,
                  **flags: Any) -> None:
    """Review the plans under each PATH (files or directories), or those a --manifest names.

    One roll-up: counts per label, the workspaces needing close review first with their top findings,
    errors, time and cache hits. A plan that cannot be read is labelled needs close review. Exit 0 when
    every workspace is likely safe, 1 when any needs close review, 2 for usage errors.

    \b
    Examples:
      tfreview batch workspaces/ --format markdown --output json=rollup.json
      tfreview batch --manifest plans.json --backend openai --base-url http://127.0.0.1:8080/v1
    """
    from tfreview.workflows.batch import run_batch
    from tfreview.workflows.discover import DEFAULT_GLOBS, default_concurrency, find_workspaces, load_manifest
    from tfreview.workflows.rollup import render_rollup

    if not paths and manifest is None:
        raise click.UsageError("pass plan files or directories, or --manifest FILE")
    targets = [parse_output(o, fmt, FORMATS) for o in outputs]
    workspaces, skipped = find_workspaces(paths, globs or DEFAULT_GLOBS) if paths else ([], [])
    workspaces += load_manifest(manifest) if manifest else []
    settings_for = _settings_resolver(settings_flags(flags), config_path)
    base = settings_for(Path.cwd())  # bad flags are a usage error here, not 650 failed workspaces
    workers = concurrency or default_concurrency(base)
    with _progress(len(workspaces), quiet) as progress:
        report = run_batch(workspaces, settings_for, concurrency=workers, progress=progress, skipped=skipped)
    for target_fmt, path in targets:
        write(path, render_rollup(report, target_fmt))
    if not quiet:
        click.echo(render_rollup(report, fmt), nl=False)
    sys.exit(EXIT_SAFE if exit_zero or not report.needs_review else EXIT_REVIEW)


def _settings_resolver(flags: dict[str, Any], config_path: Path | None) -> Callable[[Path], Settings]:
    """Settings per plan: flags > environment > the plan's .tfreview.hcl (or --config) > defaults."""
    from tfreview.config import find_config
    from tfreview.settings import resolve_settings

    @cache
    def for_config(path: Path | None) -> Settings:
        return resolve_settings(flags, os.environ, config_path=path)

    def settings_for(plan: Path) -> Settings:
        return for_config(config_path or find_config(plan))

    return settings_for


@contextmanager
def _progress(total: int, quiet: bool) -> Iterator[Progress | None]:
    """A rich progress bar on a terminal, one plain line per workspace otherwise, nothing when quiet."""
    if quiet:
        yield None
        return
    if not sys.stderr.isatty():
        done = [0]

        def line(result: WorkspaceResult) -> None:
            done[0] += 1
            click.echo(f"tfreview: [{done[0]}/{total}] {result.name}: {_status(result)}", err=True)

        yield line
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(TextColumn("reviewing"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("batch", total=total)

        def advance(result: WorkspaceResult) -> None:
            bar.console.print(f"{'!' if result.needs_review else '✓'} {result.name}: {_status(result)}",
                              markup=False, highlight=False)
            bar.advance(task)

        yield advance


def _status(result: WorkspaceResult) -> str:
    source = {"cache": ", from cache", "batch": ", shared verdict"}.get(result.verdict_source or "", "")
    error = f" — {result.errors[0]}" if result.errors else ""
    return f"{result.label.text} ({result.decided_by.value}{source}){error}"
