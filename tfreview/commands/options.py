"""The model and plan options shared by `github comment`, `plan` and `serve run-task`."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])
BACKEND_NAMES = ("ollama", "openai", "none")
SETTING_NAMES = ("backend", "model", "host", "timeout", "terraform_bin")


def model_options(func: F) -> F:
    """Add --backend, --model, --host, --timeout, --terraform-bin and --config to a command."""
    options = [
        click.option("--backend", type=click.Choice(BACKEND_NAMES),
                     help="Model backend; `none` = rules only.  [default: ollama]"),
        click.option("--model", help="Model name on the server.  [default: deepseek-r1:8b]"),
        click.option("--host", help="Ollama URL.  [default: $OLLAMA_HOST, then http://127.0.0.1:11434]"),
        click.option("--timeout", type=float, help="Seconds to wait for the whole model answer.  [default: 600]"),
        click.option("--terraform-bin", help="terraform or tofu executable.  [default: first on PATH]"),
        click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path),
                     help="Config file.  [default: nearest .tfreview.hcl]"),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def pop_settings_flags(kwargs: dict[str, Any]) -> dict[str, Any]:
    """Take the model_options values out of a command's keyword arguments."""
    return {name: kwargs.pop(name) for name in SETTING_NAMES}
