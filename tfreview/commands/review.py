"""`tfreview review` and `tfreview schema`: review one plan, print the output schema."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import click

from tfreview.commands.output import FORMAT_HELP, FORMATS, OUTPUT_HELP, deliver, parse_output

EXIT_SAFE, EXIT_REVIEW = 0, 1
BACKEND_NAMES = ("ollama", "openai", "none")  # checked against the registry when the backend is built


@click.command("review")
@click.argument("plan", default="-", metavar="[PLAN]")
@click.option("--backend", type=click.Choice(BACKEND_NAMES),
              help="Model backend; `none` = rules only, `openai` = an OpenAI-compatible server.  [default: ollama]")
@click.option("--model", help="Model name on the server.  [default: deepseek-r1:8b]")
@click.option("--host", help="Ollama URL.  [default: $OLLAMA_HOST, then http://127.0.0.1:11434]")
@click.option("--base-url", help="OpenAI-compatible base URL for --backend openai, e.g. http://127.0.0.1:8080/v1.")
@click.option("--api-key", help="API key for --backend openai.  [default: $TFREVIEW_API_KEY]")
@click.option("--num-ctx", type=int, help="Context window sent to Ollama; the prompt is compressed to fit.  [default: 8192]")
@click.option("--num-predict", type=int, help="Most tokens the model may generate.  [default: 4096]")
@click.option("--temperature", type=float, help="Sampling temperature.  [default: 0.6]")
@click.option("--timeout", type=float, help="Seconds to wait for the whole model answer.  [default: 600]")
@click.option("--terraform-bin", help="terraform or tofu executable for binary planfiles.  [default: first on PATH]")
@click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Config file.  [default: nearest .tfreview.hcl above the plan]")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True, help=FORMAT_HELP)
@click.option("--output", "outputs", multiple=True, metavar="[FORMAT=]PATH", help=OUTPUT_HELP)
@click.option("--cache-dir", type=click.Path(file_okay=False, path_type=Path),
              help="Where verdicts of identical change-sets are cached.  [default: the user cache dir]")
@click.option("--no-cache", "no_cache", is_flag=True, help="Neither read nor write the verdict cache.")
@click.option("--record", "record_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Store the masked review (prompt, reasoning, verdict, findings) as JSONL in this directory.")
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
    from tfreview.review import review
    from tfreview.settings import resolve_settings

    flags["use_cache"] = False if flags.pop("no_cache") else None
    settings = resolve_settings(flags, os.environ, plan_source=plan, config_path=config_path)
    targets = [parse_output(o, fmt) for o in outputs]
    if not quiet:
        _announce(settings.backend, settings.model, settings.host, plan)
    result = review(plan, settings)
    deliver(result, fmt=fmt, targets=targets, quiet=quiet, show_reasoning=not no_reasoning, plan_source=plan)
    sys.exit(EXIT_SAFE if exit_zero or not result.needs_review else EXIT_REVIEW)


@click.command("schema")
def schema_command() -> None:
    """Print the JSON Schema of `review --format json` output."""
    from tfreview.result import json_schema

    click.echo(json.dumps(json_schema(), indent=2))


def _announce(backend: str, model: str, host: str, plan: str) -> None:
    source = "stdin" if plan == "-" else plan
    if backend == "none":
        click.echo(f"tfreview: reviewing {source} with rules only (--backend none: no model is asked)", err=True)
    else:
        click.echo(f"tfreview: reviewing {source} with {model} at {host} (this can take a while on CPU)…", err=True)
