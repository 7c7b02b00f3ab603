"""`tfreview review` and `tfreview schema`: review one plan, print the output schema."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import click

from tfreview.commands.options import review_options, settings_flags
from tfreview.commands.output import FORMAT_HELP, FORMATS, OUTPUT_HELP, deliver, parse_output

EXIT_SAFE, EXIT_REVIEW = 0, 1


@click.command("review")
@click.argument("plan", default="-", metavar="[PLAN]")
@review_options
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True, help=FORMAT_HELP)
@click.option("--output", "outputs", multiple=True, metavar="[FORMAT=]PATH", help=OUTPUT_HELP)
@click.option("--exit-zero", is_flag=True, help="Exit 0 for both labels (for steps that only label).")
@click.option("--no-reasoning", is_flag=True, help="Hide the model's reasoning in text output.")
@click.option("-q", "--quiet", is_flag=True, help="Print nothing on stdout or progress on stderr; use the exit code.")
def review_command(plan: str, fmt: str, outputs: tuple[str, ...], exit_zero: bool, no_reasoning: bool,
                   quiet: bool, config_path: Path | None, **flags: Any) -> None:
    """Review PLAN: `terraform show -json` output, a binary planfile, or `-` for stdin (the default).

    \b
    Examples:
      terraform show -json tfplan | tfreview review -
      tfreview review plan.json --format json | jq .label
      tfreview review plan.json --output markdown=review.md --output json=review.json
    """
    from tfreview.pipeline.changes import paused_gc
    from tfreview.pipeline.review import review
    from tfreview.settings import resolve_settings

    settings = resolve_settings(settings_flags(flags), os.environ, plan_source=plan, config_path=config_path)
    targets = [parse_output(o, fmt) for o in outputs]
    if not quiet:
        announce_config(settings.config_path)
        for note in settings.ignored():
            click.echo(f"tfreview: note: {note}", err=True)
        _announce(settings.backend, settings.endpoint(), plan)
    # The whole command runs with the cyclic GC paused (see paused_gc): rendering a large plan's report while
    # the loaded document is alive would otherwise walk its millions of objects again and again.
    with paused_gc():
        result = review(plan, settings)
        deliver(result, fmt=fmt, targets=targets, quiet=quiet, show_reasoning=not no_reasoning, plan_source=plan)
    sys.exit(EXIT_SAFE if exit_zero or not result.needs_review else EXIT_REVIEW)


@click.command("schema")
def schema_command() -> None:
    """Print the JSON Schema of `review --format json` output."""
    from tfreview.result import json_schema

    click.echo(json.dumps(json_schema(), indent=2))


def announce_config(path: Path | None) -> None:
    """Say on stderr which .tfreview.hcl applies, so a protect block that is not in force is noticed."""
    if path is not None:
        click.echo(f"tfreview: using config {path}", err=True)


def _announce(backend: str, endpoint: str, plan: str) -> None:
    source = "stdin" if plan == "-" else plan
    if backend == "none":
        click.echo(f"tfreview: reviewing {source} with rules only (--backend none: no model is asked)", err=True)
    else:
        click.echo(f"tfreview: reviewing {source} with {endpoint} (this can take a while on CPU)…", err=True)
