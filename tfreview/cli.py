"""Command line: parse options, build settings, call review(), write the result, map errors to exit codes."""

from __future__ import annotations

import atexit
import gc
import sys
from functools import cache
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


# What `tfreview --help` says of each subcommand: the first sentence of its own help, kept here so that listing them
# imports none of their modules (tests/commands/test_startup.py checks each against the command's own help).
SUMMARIES = {
    "review": "Review PLAN: `terraform show -json` output, a binary planfile, or `-` for stdin (the default).",
    "batch": "Review the plans under each PATH (files or directories), or those a --manifest names.",
    "plan": "Run `terraform plan -out`, review the plan, keep the planfile and print the label and the apply command.",
    "rules": "List every risk rule: its id, severity and what it matches.",
    "schema": "Print the JSON Schema of `review --format json` output.",
    "cache": "Inspect or empty the cache of model verdicts for identical change-sets.",
    "github": "Publish a review on GitHub: one pull-request comment, kept up to date, and a label.",
    "serve": "Run tfreview as a service.",
    "models": "Check that the model is served and fits, or pull it through Ollama.",
    "eval": "Review every plan listed in --labels and compare the labels with the expected ones.",
    "feedback": "Store your verdict on recorded run RUN_ID (a unique prefix, or `last`).",
    "dataset": "Build fine-tuning data from reviews recorded with `--record DIR`.",
    "modelfile": "Write an Ollama Modelfile for a fine-tuned DeepSeek-R1 distill GGUF.",
}


def _shortened(text: str, limit: int) -> str:
    """TEXT cut at a word to fit LIMIT characters with "..." after it, as click shortens a command's help."""
    if len(text) <= limit:
        return text
    return text[:text.rfind(" ", 0, limit - 2)] + "..."


class _Group(click.Group):
    """Loads subcommands on first use; turns every tfreview error into one line on stderr and exit 2."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The command list from SUMMARIES: --help loads no subcommand's module."""
        limit = formatter.width - 6 - max(map(len, COMMANDS))
        rows = [(name, _shortened(SUMMARIES[name], limit)) for name in COMMANDS]
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module, _, attribute = target.partition(":")
        command: click.Command = getattr(import_module(f"tfreview.commands.{module}"), attribute)
        return command

    def invoke(self, ctx: click.Context) -> Any:
        _skip_last_collection()
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


@cache
def _skip_last_collection() -> None:
    """At exit, Python's collector walks every object still alive (~0.1 s of a small plan's 0.7 s process, more after
    a large one) to find reference cycles, for a process about to end. Registered first, `gc.freeze` runs after every
    other exit handler and moves what is left out of the collector's reach; memory goes back to the system with
    the process, and files are flushed and closed as before. Once per process (tests invoke the CLI many times)."""
    atexit.register(gc.freeze)


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

