"""Command line: parse options, build settings, call review(), write the result, map errors to exit codes."""

from __future__ import annotations

import sys
from importlib import import_module
from typing import Any

import click

from tfreview import __version__
from tfreview.errors import TfreviewError

EXIT_USAGE = 2


# Subcommands by name, in the order --help lists them: "module in tfreview.commands:attribute". A command's
# module (and what it imports: HTTP clients, rich tables, servers) loads only when that command runs.
COMMANDS = {
    "review": "review:review_command",
    "batch": "batch:batch_command",
    "plan": "plan:plan_command",
    "rules": "rules:rules_command",
    "schema": "review:schema_command",
    "cache": "cache:cache_group",
    "github": "github:github_group",
    "serve": "serve:serve_group",
    "models": "models:models_group",
    "eval": "eval:eval_command",
    "feedback": "feedback:feedback_command",
    "dataset": "dataset:dataset_group",
    "modelfile": "modelfile:modelfile_command",
}


class _Group(click.Group):
    """Loads subcommands on first use; turns every tfreview error into one line on stderr and exit 2."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module, _, attribute = target.partition(":")
        command: click.Command = getattr(import_module(f"tfreview.commands.{module}"), attribute)
        return command

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

