"""`tfreview plan`: plan the workspace, review the plan, print the label — the local pre-apply check."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path
from typing import Any

import click

from tfreview.commands.options import model_options, pop_settings_flags
from tfreview.commands.output import FORMAT_HELP, FORMATS, OUTPUT_HELP, deliver, parse_output

EXIT_SAFE, EXIT_REVIEW = 0, 1


@click.command("plan", context_settings={"ignore_unknown_options": True})
@click.argument("terraform_args", nargs=-1, type=click.UNPROCESSED, metavar="[-- TERRAFORM PLAN ARGS]")
@click.option("--chdir", type=click.Path(file_okay=False, path_type=Path), default=Path("."),
              show_default=True, help="The Terraform working directory (after `terraform init`).")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True, help=FORMAT_HELP)
@click.option("--output", "outputs", multiple=True, metavar="[FORMAT=]PATH", help=OUTPUT_HELP)
@click.option("--exit-zero", is_flag=True, help="Exit 0 for both labels.")
@click.option("-q", "--quiet", is_flag=True, help="Print no report on stdout; use the exit code.")
@model_options
def plan_command(terraform_args: tuple[str, ...], chdir: Path, fmt: str, outputs: tuple[str, ...],
                 exit_zero: bool, quiet: bool, **kwargs: Any) -> None:
    """Run `terraform plan -out`, review the plan and print the label: 0 likely safe, 1 needs close review.

    Terraform's output goes to stderr; the review goes to stdout. Arguments after `--` go to
    `terraform plan` unchanged.

    \b
    Examples:
      tfreview plan --chdir infra/prod
      tfreview plan --backend none -- -var-file=prod.tfvars -target=module.db
      tfreview plan && terraform apply        # apply only what was judged likely safe
    """
    from tfreview.config import find_config
    from tfreview.integrations.local_plan import plan_and_show
    from tfreview.pipeline.review import review
    from tfreview.settings import resolve_settings

    flags = pop_settings_flags(kwargs)
    config_path = kwargs.pop("config_path") or find_config(chdir.resolve())
    settings = resolve_settings(flags, os.environ, plan_source=None, config_path=config_path)
    targets = [parse_output(o, fmt) for o in outputs]
    with tempfile.TemporaryDirectory(prefix="tfreview-plan-") as tmp:
        document = plan_and_show(chdir, Path(tmp), terraform_args, settings.terraform_bin,
                                 lambda line: click.echo(line, err=True))
        if not quiet:
            click.echo(f"tfreview: reviewing the plan of {chdir} with "
                       f"{'rules only' if settings.backend == 'none' else settings.model}…", err=True)
        result = review(document, settings)
    # The planfile is gone by now; SARIF results point at the workspace's main.tf instead.
    anchor = chdir / "main.tf" if (chdir / "main.tf").is_file() else chdir
    deliver(result, fmt=fmt, targets=targets, quiet=quiet, show_reasoning=True, plan_source=str(anchor))
    sys.exit(EXIT_SAFE if exit_zero or not result.needs_review else EXIT_REVIEW)
