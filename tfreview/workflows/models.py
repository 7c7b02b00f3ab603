"""Is the model there and does it fit? Check and pull models on Ollama; check a local GGUF file or model directory.

Wire facts are in /work/shared/ollama-api.md (cited as §n): /api/version, /api/tags and /api/show
answer the check (§4); /api/pull streams progress lines, and an error after the stream began is
an {"error"} line inside a 200 (§4, §5). Foreign exceptions are translated at one seam, `_seam`,
with the Ollama backend's translation.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

import httpx
import ollama

from tfreview import errors
from tfreview.backends import hf_model
from tfreview.backends.base import BackendSettings, one_line
from tfreview.backends.ollama import CONNECT_TIMEOUT_S, FOREIGN_ERRORS, normalize_name, translate_error

# Thinking is split from the answer only from 0.9.0 on (§2a).
THINKING_SINCE = (0, 9, 0)
# /api/version, /api/tags and /api/show answer from metadata; a server this slow to answer is a problem.
CHECK_TIMEOUT_S = 30.0
# Below this the prompt budget (num_ctx minus a 2,048-token answer reserve) squeezes plans hard.
MIN_USEFUL_NUM_CTX = 4096


class Status(str, Enum):
    """The outcome of one check."""

    OK = "ok"
    WARN = "warn"
    FAIL = "fail"
    SKIP = "skipped"


@dataclass(frozen=True)
class Check:
    """One row of `tfreview models check`."""

    name: str
    status: Status
    detail: str


@dataclass
class CheckReport:
    """Every check made against one server and model."""

    host: str
    model: str
    num_ctx: int
    checks: list[Check] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Whether nothing failed (warnings allowed)."""
        return all(c.status is not Status.FAIL for c in self.checks)


@dataclass(frozen=True)
class PullEvent:
    """One progress line of /api/pull."""

    status: str
    digest: str | None = None
    completed: int | None = None
    total: int | None = None


def check_model(settings: BackendSettings) -> CheckReport:
    """Check server, model presence, thinking capability and context length; never raises for the server."""
    report = CheckReport(settings.host, settings.model, settings.num_ctx)
    steps: list[Callable[[BackendSettings], list[Check]]] = [_check_server, _check_present, _check_show]
    for step in steps:
        try:
            report.checks.extend(step(settings))
        except errors.BackendError as exc:
            report.checks.append(Check(_STEP_NAMES[step], Status.FAIL, str(exc)))
        if not report.ok:
            break
    done = {c.name for c in report.checks}
    report.checks += [Check(name, Status.SKIP, "not checked") for name in _ALL_NAMES if name not in done]
    return report


def check_gguf(settings: BackendSettings) -> CheckReport:
    """Check a GGUF file for --backend llamacpp: header, context, reasoning template, memory and runtime."""
    from tfreview.backends import llamacpp  # xllamacpp itself is imported only by the runtime check

    report = CheckReport("in-process", settings.model_path or "(no --model-path)", settings.num_ctx)
    try:
        info = llamacpp.inspect(settings)
    except errors.BackendError as exc:
        report.checks.append(Check("file", Status.FAIL, str(exc)))
        report.checks += [Check(n, Status.SKIP, "not checked") for n in ("context", "reasoning", "memory", "runtime")]
        return report
    name = info.metadata.get("general.name") or info.path.name
    report.checks.append(Check("file", Status.OK, f"{name}: {info.architecture}, {info.quantization}, "
                                                  f"{info.size / 2**30:.2f} GiB, GGUF v{info.version}"))
    report.checks.append(_context({"general.architecture": info.architecture,
                                   f"{info.architecture}.context_length": info.context_length}, settings.num_ctx))
    report.checks.append(Check("reasoning", Status.OK, "the chat template has a reasoning block (<think>)")
                         if info.reasons else
                         Check("reasoning", Status.WARN, "no reasoning block in the chat template: the model answers "
                                                         "without thinking — a DeepSeek-R1 distill judges better"))
    report.checks.append(_memory(info.memory_bytes(settings.num_ctx), info.kv_cache_bytes(settings.num_ctx)))
    try:
        gpu = llamacpp.gpu_available()
        layers = llamacpp.gpu_layers(settings)
        offload = "all" if layers >= llamacpp.ALL_LAYERS else str(layers)
        report.checks.append(Check("runtime", Status.OK, f"xllamacpp {_version()}; GPU: {'yes' if gpu else 'no'}; "
                                                         f"offloading {offload} layers"))
    except errors.BackendError as exc:
        report.checks.append(Check("runtime", Status.FAIL, str(exc)))
    return report


def _memory(needed: int, kv_cache: int) -> Check:
    from tfreview.backends.llamacpp import available_memory

    free = available_memory()
    detail = f"needs about {needed / 2**30:.1f} GiB (KV cache {kv_cache / 2**30:.2f} GiB)"
    if free and needed > free:
        return Check("memory", Status.FAIL, f"{detail} but {free / 2**30:.1f} GiB is free — pick a smaller "
                                            "quantization or model, or lower --num-ctx")
    return Check("memory", Status.OK, f"{detail}; {free / 2**30:.1f} GiB free" if free else detail)


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("xllamacpp")
    except PackageNotFoundError:
        return "(version unknown)"


def pull_model(settings: BackendSettings, on_event: Callable[[PullEvent], None]) -> None:
    """Pull settings.model through /api/pull, reporting every progress line; BackendError on failure."""
    with _seam(settings, pulling=True), _client(settings, pulling=True) as client:
        last = ""
        for part in client.pull(settings.model, stream=True):
            last = part.status or last
            on_event(PullEvent(last, part.digest, part.completed, part.total))
    if last != "success":
        raise errors.BadReply(
            f"the pull of {settings.model} ended before `success` — retry; Ollama resumes partial downloads"
        )


def _check_server(settings: BackendSettings) -> list[Check]:
    timeout = _timeout(min(settings.timeout_s, CHECK_TIMEOUT_S))
    # ollama-python has no /api/version call (§4), so this one request goes through httpx.
    with _seam(settings), httpx.Client(timeout=timeout, headers=_headers(settings)) as http:
        response = http.get(f"{settings.host.rstrip('/')}/api/version")
    try:
        version = str(response.json()["version"])
    except (ValueError, KeyError, TypeError):
        return [Check("server", Status.FAIL, f"{settings.host} answered HTTP {response.status_code} without an "
                                             "Ollama version — check that --host is an Ollama server")]
    if _version_tuple(version) < THINKING_SINCE:
        return [Check("server", Status.WARN, f"Ollama {version} at {settings.host} — upgrade to 0.9 or later "
                                             "so reasoning arrives apart from the answer")]
    return [Check("server", Status.OK, f"Ollama {version} at {settings.host}")]


def _check_present(settings: BackendSettings) -> list[Check]:
    with _seam(settings), _client(settings) as client:
        names = [m.model or "" for m in client.list().models]
    wanted = normalize_name(settings.model)
    if any(normalize_name(name) == wanted for name in names):
        return [Check("model", Status.OK, f"{settings.model} is on the server")]
    family = wanted.split(":", 1)[0]
    similar = [n for n in names if normalize_name(n).split(":", 1)[0] == family][:5]
    hint = f" (it has {', '.join(similar)})" if similar else ""
    detail = f"{settings.model} is not on {settings.host}{hint} — run `tfreview models pull {settings.model}`"
    return [Check("model", Status.FAIL, detail)]


def _check_show(settings: BackendSettings) -> list[Check]:
    with _seam(settings), _client(settings) as client:
        shown = client.show(settings.model)
    info: dict[str, Any] = dict(shown.modelinfo or {})
    return [_thinking(shown.capabilities), _context(info, settings.num_ctx)]


def _thinking(capabilities: list[str] | None) -> Check:
    if capabilities is None:
        return Check("thinking", Status.WARN, "the server reports no capabilities (Ollama before 0.6.4?) — upgrade")
    if "completion" not in capabilities:
        return Check("thinking", Status.FAIL, f"not a chat model (capabilities: {', '.join(capabilities)}) "
                                               "— pick a DeepSeek-R1 distill with --model")
    if "thinking" not in capabilities:
        return Check("thinking", Status.WARN, "no thinking capability: reasoning is read from <think> in the "
                                               "answer (usual for hf.co GGUFs; `tfreview modelfile` adds it)")
    return Check("thinking", Status.OK, "supported: reasoning arrives apart from the answer")


def _context(info: dict[str, Any], num_ctx: int) -> Check:
    arch = info.get("general.architecture")
    trained = info.get(f"{arch}.context_length") if arch else None
    if not isinstance(trained, int):
        return Check("context", Status.WARN, f"num_ctx {num_ctx}; the model does not report its context length")
    if num_ctx > trained:
        return Check("context", Status.FAIL, f"num_ctx {num_ctx} exceeds the model's context of {trained} "
                                              f"tokens — use --num-ctx {trained} or less")
    if num_ctx < MIN_USEFUL_NUM_CTX:
        return Check("context", Status.WARN, f"num_ctx {num_ctx} of {trained} leaves little room for the plan "
                                              "after the 2048-token answer reserve — use --num-ctx 8192")
    return Check("context", Status.OK, f"num_ctx {num_ctx} fits the model's {trained} tokens")


_STEP_NAMES: dict[Callable[[BackendSettings], list[Check]], str] = {
    _check_server: "server", _check_present: "model", _check_show: "thinking",
}
_ALL_NAMES = ("server", "model", "thinking", "context")


@contextmanager
def _seam(settings: BackendSettings, *, pulling: bool = False) -> Iterator[None]:
    """Translate ollama, httpx, json and pydantic exceptions into BackendError."""
    try:
        yield
    except ollama.ResponseError as exc:
        raise _pull_error(exc, settings) if pulling else translate_error(exc, settings) from exc
    except FOREIGN_ERRORS as exc:
        raise translate_error(exc, settings) from exc


def _pull_error(exc: ollama.ResponseError, settings: BackendSettings) -> errors.BackendError:
    """A failed pull: the server's reason and the name forms that work."""
    text = one_line(exc.error)
    if exc.status_code in (-1, 500) and "manifest" in text:
        return errors.ModelNotFound(
            f"cannot pull {settings.model}: {text} — check the name (e.g. deepseek-r1:8b, "
            "hf.co/unsloth/DeepSeek-R1-Distill-Llama-8B-GGUF:Q8_0)"
        )
    if exc.status_code == -1:
        return errors.BadReply(f"the pull of {settings.model} failed: {text} — retry; check disk space")
    return translate_error(exc, settings)


def _client(settings: BackendSettings, *, pulling: bool = False) -> ollama.Client:
    """An ollama client; a pull waits as long as the download takes (its progress lines keep coming)."""
    timeout = _timeout(None if pulling else min(settings.timeout_s, CHECK_TIMEOUT_S))
    return ollama.Client(host=settings.host, timeout=timeout, headers=_headers(settings))


def _headers(settings: BackendSettings) -> dict[str, str] | None:
    """The bearer token of an Ollama behind an authenticating proxy, as the backend sends it."""
    return {"Authorization": f"Bearer {settings.api_key}"} if settings.api_key else None


def _timeout(read: float | None) -> httpx.Timeout:
    return httpx.Timeout(read, connect=CONNECT_TIMEOUT_S)


def _version_tuple(version: str) -> tuple[int, ...]:
    parts = []
    for piece in version.lstrip("v").split("-", 1)[0].split(".")[:3]:
        parts.append(int(piece) if piece.isdigit() else 0)
    return tuple(parts)


def check_model_dir(settings: BackendSettings) -> CheckReport:
    """`models check --backend transformers`: a local model directory, read without loading its weights."""
    report = CheckReport(settings.model_path or "(no --model-path)", settings.model, settings.num_ctx)
    try:
        model = hf_model.read_model_dir(hf_model.locate(settings.model_path))
        report.model = model.path.name
        report.checks += [Check("directory", Status.OK, str(model.path)), _architecture(model)]
        params, counted_by = hf_model.parameter_count(model)
        report.checks += [
            Check("parameters", Status.OK, f"{_count(params)} ({counted_by})"),
            _weights(model, settings.quantize),
            _directory_memory(model, params, settings),
            _context(_as_info(model), settings.num_ctx),
            _template(model),
        ]
    except errors.BackendError as exc:
        report.checks.append(Check("directory" if not report.checks else "model", Status.FAIL, str(exc)))
    done = {c.name for c in report.checks}
    report.checks += [Check(n, Status.SKIP, "not checked") for n in _DIR_NAMES if n not in done]
    return report


def _architecture(model: hf_model.ModelDir) -> Check:
    if model.architecture.endswith("ForCausalLM"):
        return Check("architecture", Status.OK, model.architecture)
    return Check("architecture", Status.WARN, f"{model.architecture} is not a causal LM — pick a DeepSeek-R1 distill")


def _weights(model: hf_model.ModelDir, quantize: str) -> Check:
    stored = model.config.get("torch_dtype") or model.config.get("dtype") or "unknown"
    packed = model.config.get("quantization_config")
    if isinstance(packed, dict):
        return Check("weights", Status.OK, f"stored {stored}, quantized in the checkpoint "
                                           f"({packed.get('quant_method', 'unknown method')})")
    loaded = {"none": "loaded as bf16", "4bit": "loaded as NF4 (bitsandbytes, needs CUDA)",
              "8bit": "loaded as int8 (bitsandbytes, needs CUDA)"}[quantize]
    return Check("weights", Status.OK, f"stored {stored}, {loaded}")


def _directory_memory(model: hf_model.ModelDir, params: int, settings: BackendSettings) -> Check:
    weights, kv = hf_model.memory_bytes(model, params, settings.quantize, settings.num_ctx)
    total = weights + kv + hf_model.RUNTIME_OVERHEAD_BYTES
    return Check("memory", Status.OK, f"≈ {_gib(total)} computed, not measured: weights {_gib(weights)} "
                                      f"(--quantize {settings.quantize}), KV cache {_gib(kv)} at num_ctx "
                                      f"{settings.num_ctx}, ~1 GiB runtime")


def _template(model: hf_model.ModelDir) -> Check:
    text = hf_model.render_chat(model, [{"role": "user", "content": "x"}])
    if hf_model.opens_think(text):
        return Check("thinking", Status.OK, "the chat template opens <think> in the prompt (R1 style): the "
                                            "answer starts inside the reasoning block")
    return Check("thinking", Status.WARN, "the chat template does not open <think>: reasoning is read only from "
                                          "a <think> block the model writes itself")


def _as_info(model: hf_model.ModelDir) -> dict[str, Any]:
    """The context length in the shape `_context` reads from Ollama's model_info."""
    return {"general.architecture": "hf", "hf.context_length": model.context_length}


def _count(params: int) -> str:
    return f"{params / 1e9:.2f} B" if params >= 1e9 else f"{params / 1e6:.2f} M"


def _gib(size: int) -> str:
    return f"{size / (1 << 30):.1f} GiB" if size >= 1 << 27 else f"{size / (1 << 20):.1f} MiB"


_DIR_NAMES = ("directory", "architecture", "parameters", "weights", "memory", "context", "thinking")
