"""Options shared by the commands that review plans, declared once so their help and defaults agree."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])
# Checked against the registry when the backend is built.
BACKEND_NAMES = ("ollama", "openai", "llamacpp", "transformers", "none")
SETTING_NAMES = ("backend", "model", "host", "model_path", "gpu_layers", "threads", "quantize", "device", "timeout",
                 "terraform_bin", "max_plan_bytes")

_BACKEND = click.option("--backend", type=click.Choice(BACKEND_NAMES),
                        help="Model backend; `none` = rules only, `openai` = an OpenAI-compatible server, "
                             "`llamacpp` = a GGUF file loaded in-process, `transformers` = a local model "
                             "directory (both need --model-path).  [default: ollama]")
_MODEL = click.option("--model", help="Model name on the server.  [default: deepseek-r1:8b]")
_HOST = click.option("--host", help="Ollama URL.  [default: $OLLAMA_HOST, then http://127.0.0.1:11434]")
_MODEL_PATH = click.option("--model-path", type=click.Path(path_type=Path),
                           help="Weights loaded in-process: a .gguf file for --backend llamacpp, a local model "
                                "directory for --backend transformers (never downloaded).  "
                                "[default: $TFREVIEW_MODEL_PATH]")
_GPU_LAYERS = click.option("--gpu-layers", type=click.IntRange(min=-1),
                           help="Layers offloaded to the GPU (-1 all).  [default: all with a GPU build, else 0]")
_THREADS = click.option("--threads", type=click.IntRange(min=1), help="CPU threads for --backend llamacpp.  "
                                                                    "[default: the cores not already busy]")
_TIMEOUT = click.option("--timeout", type=float, help="Seconds to wait for the whole model answer.  [default: 600]")
_TERRAFORM = click.option("--terraform-bin",
                          help="terraform or tofu executable for binary planfiles.  [default: first on PATH]")
_QUANTIZE = click.option("--quantize", type=click.Choice(("none", "4bit", "8bit")),
                         help="bitsandbytes weights for --backend transformers (needs a CUDA GPU).  [default: none]")
_DEVICE = click.option("--device", type=click.Choice(("auto", "cuda", "cpu")),
                       help="Where --backend transformers runs the model.  [default: auto]")
_MAX_PLAN_BYTES = click.option("--max-plan-bytes", metavar="SIZE",
                               help="Refuse plan files, stdin, downloads and planfile contents larger than this "
                                    "(bytes, or e.g. 512MiB).  [default: 1GiB]")
_CONFIG = click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path),
                       help="Config file.  [default: nearest .tfreview.hcl above the plan, else above the "
                            "working directory]")

MODEL_OPTIONS = [_BACKEND, _MODEL, _HOST, _MODEL_PATH, _GPU_LAYERS, _THREADS, _QUANTIZE, _DEVICE, _TIMEOUT,
                 _TERRAFORM, _MAX_PLAN_BYTES, _CONFIG]
REVIEW_OPTIONS = [
    _BACKEND, _MODEL, _HOST, _MODEL_PATH, _GPU_LAYERS, _THREADS, _QUANTIZE, _DEVICE,
    click.option("--base-url", help="OpenAI-compatible base URL for --backend openai, e.g. http://127.0.0.1:8080/v1."),
    click.option("--api-key", help="API key for --backend openai.  [default: $TFREVIEW_API_KEY]"),
    click.option("--num-ctx", type=int, help="Context window; the prompt is compressed to fit.  [default: 8192]"),
    click.option("--num-predict", type=int, help="Most tokens the model may generate.  [default: 4096]"),
    click.option("--temperature", type=float, help="Sampling temperature.  [default: 0.6]"),
    _TIMEOUT, _TERRAFORM, _MAX_PLAN_BYTES, _CONFIG,
    click.option("--cache-dir", type=click.Path(file_okay=False, path_type=Path),
                 help="Where verdicts of identical change-sets are cached.  [default: the user cache dir]"),
    click.option("--no-cache", "no_cache", is_flag=True, help="Neither read nor write the verdict cache."),
    click.option("--record", "record_dir", type=click.Path(file_okay=False, path_type=Path),
                 help="Store each masked review (prompt, reasoning, verdict, findings) as JSONL in this directory."),
]


def model_options(func: F) -> F:
    """Add the model options (--backend, --model, --host, --model-path and its tuning), --max-plan-bytes, --config."""
    return _apply(MODEL_OPTIONS, func)


def review_options(func: F) -> F:
    """Add every model, plan, cache and record option of `review` and `batch` to a command."""
    return _apply(REVIEW_OPTIONS, func)


def _apply(options: list[Callable[[Any], Any]], func: F) -> F:
    for option in reversed(options):
        func = option(func)
    return func


def pop_settings_flags(kwargs: dict[str, Any]) -> dict[str, Any]:
    """Take the model_options values out of a command's keyword arguments."""
    return {name: kwargs.pop(name) for name in SETTING_NAMES}


def settings_flags(flags: dict[str, Any]) -> dict[str, Any]:
    """The review_options values as resolve_settings takes them (--no-cache becomes use_cache)."""
    flags = dict(flags)
    flags["use_cache"] = False if flags.pop("no_cache") else None
    return flags
