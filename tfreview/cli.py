"""Command line: parse options, build settings, call review(), write the result, map errors to exit codes."""

from __future__ import annotations

import sys
from typing import Any

import click

from tfreview import __version__
from tfreview.commands.github import github_group
from tfreview.commands.plan import plan_command
from tfreview.commands.review import review_command, schema_command
from tfreview.commands.serve import serve_group
from tfreview.errors import TfreviewError

EXIT_USAGE = 2


class _Group(click.Group):
    """Turns every tfreview error into one line on stderr and exit 2, never a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except TfreviewError as exc:
            click.echo(f"tfreview: error: {exc}", err=True)
            sys.exit(EXIT_USAGE)
        except KeyboardInterrupt:
            click.echo("tfreview: interrupted", err=True)
            sys.exit(130)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, "--version", prog_name="tfreview")
def main() -> None:
    """Review a Terraform or OpenTofu plan and label it "likely safe" or "needs close review".

    Deterministic risk rules set a floor; a local DeepSeek-R1 model served by Ollama adds its judgment
    and reasoning, and can only make the label stricter. Secrets are masked before anything is shown.

    \b
    Quick start:
      terraform plan -out tfplan && terraform show -json tfplan > plan.json
      tfreview review plan.json                   # rules + model (Ollama at 127.0.0.1:11434)
      tfreview review plan.json --backend none    # rules only, no model server needed
      tfreview review tfplan                      # a binary planfile works too

    Exit codes of `review`: 0 likely safe, 1 needs close review, 2 usage or input error.
    """


for command in (review_command, plan_command, schema_command, github_group, serve_group):
    main.add_command(command)
