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


@click.command("plan")
@click.argument("terraform_args", nargs=-1, type=click.UNPROCESSED, metavar="[-- TERRAFORM PLAN ARGS]")
@click.option("--chdir", type=click.Path(file_okay=False, path_type=Path), default=Path("."),
              show_default=True, help="The Terraform working directory (after `terraform init`).")
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Where the reviewed planfile is kept (default: tfplan in --chdir; `-- -out=FILE` works too).")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True, help=FORMAT_HELP)
@click.option("--output", "outputs", multiple=True, metavar="[FORMAT=]PATH", help=OUTPUT_HELP)
@click.option("--exit-zero", is_flag=True, help="Exit 0 for both labels.")
@click.option("-q", "--quiet", is_flag=True, help="Print no report on stdout; use the exit code.")
@model_options
def plan_command(terraform_args: tuple[str, ...], chdir: Path, out: Path | None, fmt: str, outputs: tuple[str, ...],
                 exit_zero: bool, quiet: bool, **kwargs: Any) -> None:
    """Run `terraform plan -out`, review the plan, keep the planfile and print the label and the apply command.

    Exit 0 likely safe, 1 needs close review, 2 error. Terraform's output goes to stderr; the review goes to
    stdout. Only the arguments after `--` go to `terraform plan`; the planfile stays (default `tfplan` in
    --chdir), so the apply that follows applies exactly the plan that was reviewed.

    \b
    Examples:
      tfreview plan --chdir infra/prod
      tfreview plan --backend none -- -var-file=prod.tfvars -target=module.db
      tfreview plan && terraform apply tfplan    # apply only what was judged likely safe
    """
    from tfreview.commands.review import announce_config
    from tfreview.config import locate_config
    from tfreview.integrations.local_plan import apply_command, plan_and_show, planfile_and_args
    from tfreview.pipeline.plan import find_terraform
    from tfreview.pipeline.review import review
    from tfreview.settings import resolve_settings

    flags = pop_settings_flags(kwargs)
    config_path = kwargs.pop("config_path") or locate_config(str(chdir.resolve() / "main.tf"), Path.cwd())
    settings = resolve_settings(flags, os.environ, plan_source=None, config_path=config_path)
    targets = [parse_output(o, fmt) for o in outputs]
    planfile, terraform_args_left = planfile_and_args(out, chdir, terraform_args)
    if not quiet:
        announce_config(settings.config_path)
    with tempfile.TemporaryDirectory(prefix="tfreview-plan-") as tmp:
        document = plan_and_show(chdir, planfile, Path(tmp), terraform_args_left, settings.terraform_bin,
                                 lambda line: click.echo(line, err=True))
        if not quiet:
            click.echo(f"tfreview: reviewing the plan of {chdir} with "
                       f"{'rules only' if settings.backend == 'none' else settings.model}…", err=True)
        result = review(document, settings)
    deliver(result, fmt=fmt, targets=targets, quiet=quiet, show_reasoning=True, plan_source=str(planfile),
            source_root=chdir)
    if not quiet:
        apply = apply_command(find_terraform(settings.terraform_bin), chdir, planfile)
        when = "after a close review, " if result.needs_review else ""
        click.echo(f"tfreview: planfile kept at {planfile}; {when}apply exactly this plan with: {apply}", err=True)
    sys.exit(EXIT_SAFE if exit_zero or not result.needs_review else EXIT_REVIEW)
