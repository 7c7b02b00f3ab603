"""`tfreview models check` and `tfreview models pull`: is the model there, and fetch it if not."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TaskID, TextColumn, TransferSpeedColumn

from tfreview.commands.tables import echo, table
from tfreview.errors import BackendError

if TYPE_CHECKING:  # the ollama client is imported only when a command runs
    from tfreview.backends.base import BackendSettings
    from tfreview.workflows.models import PullEvent

EXIT_OK, EXIT_PROBLEM = 0, 1
STATUS_STYLE = {"ok": "green", "warn": "yellow", "fail": "bold red", "skipped": "dim"}


@click.group("models")
def models_group() -> None:
    """Check that the model is served and fits, or pull it through Ollama."""


@models_group.command("check")
@click.option("--backend", type=click.Choice(("ollama", "llamacpp", "transformers")),
              help="What to check: a model on Ollama, a GGUF file (llamacpp) or a local model directory "
                   "(transformers).  [default: ollama]")
@click.option("--quantize", type=click.Choice(("none", "4bit", "8bit")),
              help="Weights the memory estimate assumes, for --backend transformers.  [default: none]")
@click.option("--host", help="Ollama URL.  [default: $OLLAMA_HOST, then http://127.0.0.1:11434]")
@click.option("--model", help="Model name on the server.  [default: deepseek-r1:8b]")
@click.option("--model-path", type=click.Path(path_type=Path),
              help="GGUF file (llamacpp) or model directory (transformers).  [default: $TFREVIEW_MODEL_PATH]")
@click.option("--gpu-layers", type=click.IntRange(min=-1),
              help="Layers to offload (-1 all).  [default: all with a GPU]")
@click.option("--num-ctx", type=int, help="Context window tfreview will ask for.  [default: 8192]")
@click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Config file.  [default: nearest .tfreview.hcl above the current directory]")
def check_command(config_path: Path | None, **flags: Any) -> None:
    """Check the server, the model, its thinking capability and context length.

    With --backend llamacpp --model-path FILE.gguf: its architecture, quantization, context length,
    whether its chat template has a reasoning block, and the memory it will need.
    With --backend transformers --model-path DIR: the directory's architecture, parameters, weights,
    the memory it needs, context and whether its chat template opens <think> (no weights are loaded).

    Exit codes: 0 all checks pass (warnings allowed), 1 a check failed, 2 usage error.
    """
    from tfreview.workflows.local_models import check_gguf, check_model_dir
    from tfreview.workflows.models import check_model

    backend, settings = _settings(flags, config_path)
    checks = {"llamacpp": check_gguf, "transformers": check_model_dir}
    report = checks.get(backend, check_model)(settings)
    grid = table("check", "status", "detail", title=f"{report.model} at {report.host}")
    for check in report.checks:
        grid.add_row(check.name, f"[{STATUS_STYLE[check.status.value]}]{check.status.value}[/]", check.detail)
    echo(grid)
    sys.exit(EXIT_OK if report.ok else EXIT_PROBLEM)


@models_group.command("pull")
@click.argument("model", required=False)
@click.option("--host", help="Ollama URL.  [default: $OLLAMA_HOST, then http://127.0.0.1:11434]")
@click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Config file.  [default: nearest .tfreview.hcl above the current directory]")
def pull_command(model: str | None, host: str | None, config_path: Path | None) -> None:
    """Pull MODEL through the Ollama API, with a progress bar on stderr.

    MODEL defaults to the configured model (deepseek-r1:8b). Hugging Face GGUFs work too:

    \b
      tfreview models pull deepseek-r1:14b
      tfreview models pull hf.co/unsloth/DeepSeek-R1-Distill-Llama-8B-GGUF:Q8_0

    Exit codes: 0 pulled, 1 the pull failed, 2 usage error.
    """
    from tfreview.workflows.models import pull_model

    _, settings = _settings({"host": host, "model": model}, config_path)
    console = Console(stderr=True, highlight=False)
    try:
        with PullProgress(console) as progress:
            pull_model(settings, progress.update)
    except BackendError as exc:
        click.echo(f"tfreview: error: {exc}", err=True)
        sys.exit(EXIT_PROBLEM)
    click.echo(f"tfreview: {settings.model} is ready — check it with `tfreview models check --model "
               f"{settings.model}`", err=True)


class PullProgress:
    """One progress bar per layer, driven by the streamed completed/total; other statuses as lines."""

    def __init__(self, console: Console) -> None:
        self.progress = Progress(
            TextColumn("{task.description}"), BarColumn(), DownloadColumn(), TransferSpeedColumn(),
            console=console, transient=False,
        )
        self.tasks: dict[str, TaskID] = {}
        self.last_status = ""

    def __enter__(self) -> PullProgress:
        self.progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.progress.stop()

    def update(self, event: PullEvent) -> None:
        """Show one /api/pull line."""
        if event.digest and event.total:
            task = self.tasks.get(event.digest)
            if task is None:
                task = self.tasks[event.digest] = self.progress.add_task(event.status, total=event.total)
            self.progress.update(task, completed=event.completed or 0)
        elif event.status != self.last_status:
            self.progress.console.print(event.status)
        self.last_status = event.status


def _settings(flags: dict[str, Any], config_path: Path | None) -> tuple[str, BackendSettings]:
    """The backend and its settings from flags, environment and .tfreview.hcl (Ollama's host whatever it is)."""
    from tfreview.settings import resolve_settings

    settings = resolve_settings(flags, os.environ, plan_source=".", config_path=config_path)
    if settings.backend in ("llamacpp", "transformers"):
        return settings.backend, settings.backend_settings()
    return "ollama", settings.backend_settings().model_copy(update={"host": settings.host})
