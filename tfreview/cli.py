"""Command line: parse options, build settings, call review(), write the result, map errors to exit codes."""

from __future__ import annotations

import sys
from typing import Any

import click

from tfreview import __version__
from tfreview.commands.batch import batch_command
from tfreview.commands.cache import cache_group
from tfreview.commands.dataset import dataset_group
from tfreview.commands.eval import eval_command
from tfreview.commands.feedback import feedback_command
from tfreview.commands.github import github_group
from tfreview.commands.modelfile import modelfile_command
from tfreview.commands.models import models_group
from tfreview.commands.plan import plan_command
from tfreview.commands.review import review_command, schema_command
from tfreview.commands.rules import rules_command
from tfreview.commands.serve import serve_group
from tfreview.errors import TfreviewError

EXIT_USAGE = 2


class _Group(click.Group):
    """Turns every tfreview error into one line on stderr and exit 2, never a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except TfreviewError as exc:
            from tfreview.render.escape import one_line  # only on this path: the renderers are slow to import

            # One line even when the message quotes plan text (a JSON key can hold "\n::add-mask::").
            click.echo(f"tfreview: error: {one_line(str(exc))}", err=True)
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


COMMANDS = (
    review_command, batch_command, plan_command, rules_command, schema_command, cache_group,
    github_group, serve_group,
    models_group, eval_command, feedback_command, dataset_group, modelfile_command,
)
for command in COMMANDS:
    main.add_command(command)
