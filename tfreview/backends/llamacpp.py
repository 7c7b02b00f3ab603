"""The llamacpp backend: a GGUF model loaded in-process through xllamacpp (`pip install 'tfreview[llamacpp]'`).

xllamacpp's `Server` runs llama.cpp's server code inside this process; tfreview calls its chat handler
directly (`handle_chat_completions`, realstack.md §2), so the model's own chat template and llama.cpp's
reasoning parser apply as with llama-server. `Server` always starts an HTTP listener; tfreview binds it to
a Unix socket in a private temporary directory (mode 0700), so no TCP port is opened and nothing leaves
the process. Before loading, the file is checked (exists, GGUF magic), its memory need estimated from
its size and KV cache against available memory, and --num-ctx against the model's trained context.
xllamacpp is imported only when this backend is used.
"""

from __future__ import annotations

import atexit
import functools
import json
import os
import shutil
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tfreview import errors
from tfreview.backends.base import AnswerStream, BackendSettings, ModelReply, length_error, one_line
from tfreview.backends.gguf import GGUFError, GGUFInfo, read_gguf
from tfreview.backends.weights import file_identity

INSTALL_HINT = "install it with `pip install 'tfreview[llamacpp]'`"
# llama.cpp reads n_gpu_layers above the model's layer count as "all of them".
ALL_LAYERS = 999
_SERVERS: dict[tuple[Any, ...], _Loaded] = {}
_LOCK = threading.Lock()


@dataclass
class _Loaded:
    """One model held in memory, and the private directory of its socket."""

    server: Any
    socket_dir: str
    info: GGUFInfo


class LlamaCppBackend:
    """Ask a GGUF model loaded in this process."""

    name = "llamacpp"

    def chat(self, prompt: str, settings: BackendSettings) -> ModelReply:
        """Send one user message and return the whole answer; raise BackendError on failure."""
        started = time.monotonic()
        loaded = load(settings)
        stream = AnswerStream(reasoning_in_content=loaded.info.reasons)
        state: dict[str, Any] = {"error": None, "finish": None, "usage": {}, "timeout": False}
        deadline = started + settings.timeout_s

        def on_chunk(chunk: Any) -> bool:
            """Take one streamed chunk; True stops the generation. Never raises into llama.cpp's thread."""
            try:
                return _take(json.loads(chunk) if isinstance(chunk, str) else chunk)
            except Exception as exc:  # a chunk tfreview cannot read ends the answer as an error
                state["error"] = f"an unreadable chunk ({one_line(exc)})"
                return True

        def _take(chunk: dict[str, Any]) -> bool:
            if "error" in chunk:
                state["error"] = chunk["error"]
                return True
            state["usage"] = chunk.get("usage") or state["usage"]
            for choice in chunk.get("choices") or []:
                delta = choice.get("delta") or {}
                if stream.add(str(delta.get("reasoning_content") or ""), str(delta.get("content") or "")):
                    stream.closed = True
                    return True
                state["finish"] = choice.get("finish_reason") or state["finish"]
            state["timeout"] = time.monotonic() > deadline
            return bool(state["timeout"])

        try:
            loaded.server.handle_chat_completions(request_body(prompt, settings), callback=on_chunk)
        except Exception as exc:  # the one seam to llama.cpp: anything it raises fails this review closed
            raise errors.BadReply(f"llama.cpp failed mid-answer ({one_line(exc)}) — retry; check the GGUF") from exc
        _check(state, stream, settings, loaded.info)
        usage = state["usage"]
        reply = stream.reply(prompt_tokens=usage.get("prompt_tokens"), completion_tokens=usage.get("completion_tokens"),
                             done_reason=state["finish"])
        return reply.model_copy(update={"duration_s": time.monotonic() - started})

    def identity(self, settings: BackendSettings) -> str:
        """The GGUF file's sha256, each part's for a split model (remembered by path, size and mtime)."""
        info = inspect(settings)  # a missing or non-GGUF file fails here, as it would in chat()
        path = info.path
        try:
            return "gguf:" + ",".join(file_identity(part) for part in info.parts)
        except OSError as exc:
            raise errors.ModelNotFound(f"cannot read --model-path {path}: {exc.strerror} — check the path") from exc


def request_body(prompt: str, settings: BackendSettings) -> dict[str, Any]:
    """The OpenAI-shaped chat request llama.cpp's handler takes."""
    return {
        # DeepSeek-R1 guidance: no system prompt, every instruction in the user turn.
        "messages": [{"role": "user", "content": prompt}],
        "stream": True,
        "stream_options": {"include_usage": True},
        "max_tokens": settings.num_predict,
        "temperature": settings.temperature,
    }


def model_path(settings: BackendSettings) -> Path:
    """The GGUF file named by --model-path; BackendError when none was given."""
    if not settings.model_path:
        raise errors.ModelNotFound("--backend llamacpp needs a GGUF file — pass --model-path FILE.gguf "
                                   "(or set TFREVIEW_MODEL_PATH)")
    return Path(settings.model_path).expanduser()


def inspect(settings: BackendSettings) -> GGUFInfo:
    """The GGUF header of --model-path; BackendError for a missing or non-GGUF file."""
    path = model_path(settings)
    if path.is_dir():
        raise errors.ModelNotFound(f"{path} is a directory — pass the .gguf file itself to --model-path")
    if not path.is_file():
        raise errors.ModelNotFound(f"GGUF file {path} not found — check --model-path "
                                   "(docs/models.md lists which file to download)")
    try:
        return read_gguf(path)
    except GGUFError as exc:
        raise errors.ModelNotFound(f"{exc} — pass a .gguf model file to --model-path") from exc
    except OSError as exc:
        raise errors.ModelNotFound(f"cannot read {path}: {exc.strerror} — check its permissions") from exc


def gpu_devices() -> list[dict[str, Any]]:
    """The GPUs (discrete or integrated) this xllamacpp build sees: CUDA, ROCm, Metal or Vulkan devices."""
    xllamacpp = _import()
    kinds = xllamacpp.ggml_backend_dev_type
    gpu = (kinds.GGML_BACKEND_DEVICE_TYPE_GPU, kinds.GGML_BACKEND_DEVICE_TYPE_IGPU)
    return [dict(d) for d in xllamacpp.get_device_info() if d.get("type") in gpu]


def gpu_available() -> bool:
    """Whether a GPU build with a usable device is present."""
    return bool(gpu_devices())


def gpu_layers(settings: BackendSettings) -> int:
    """--gpu-layers, or all layers when a GPU build is present and none otherwise; -1 means all."""
    if settings.gpu_layers is None:
        return ALL_LAYERS if gpu_available() else 0
    return ALL_LAYERS if settings.gpu_layers < 0 else settings.gpu_layers


def check_fits(info: GGUFInfo, settings: BackendSettings) -> None:
    """BackendError when --num-ctx exceeds the trained context or the model cannot fit in memory."""
    trained = info.context_length
    if trained is not None and settings.num_ctx > trained:
        raise errors.BadReply(f"--num-ctx {settings.num_ctx} exceeds the context {info.path.name} was trained for "
                              f"({trained} tokens) — pass --num-ctx {trained} or less")
    needed, available = info.memory_bytes(settings.num_ctx), available_memory()
    if gpu_layers(settings) > 0:
        available += gpu_free_memory()
    if available and needed > available:
        raise errors.BackendUnavailable(
            f"{info.path.name} needs about {needed / 2**30:.1f} GiB with --num-ctx {settings.num_ctx}, but only "
            f"{available / 2**30:.1f} GiB is free — pick a smaller quantization or model, or lower --num-ctx")


def available_memory() -> int:
    """Bytes of memory available to a new allocation (MemAvailable on Linux); 0 when unknown."""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return 0


def gpu_free_memory() -> int:
    """Free bytes on the GPUs xllamacpp sees."""
    return sum(int(d.get("memory_free") or 0) for d in gpu_devices())


@functools.cache
def default_threads() -> int:
    """The cores not already busy (all of them on an idle machine), decided once per process.

    llama.cpp's worker threads spin while they wait for each other, so one more thread than there are free
    cores collapses throughput: measured on 2 shared cores at load 9-11, SmolLM2-135M took 36-277 s wall with
    2 threads and 15-18 s with 1.
    """
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    try:
        busy = round(os.getloadavg()[0])
    except OSError:
        busy = 0
    return max(1, cores - min(busy, cores))


def load(settings: BackendSettings) -> _Loaded:
    """The model for these settings, loaded once per process and kept for later reviews (batch runs)."""
    info = inspect(settings)
    check_fits(info, settings)
    threads = settings.threads or default_threads()
    layers = gpu_layers(settings)
    stat = info.path.stat()
    key = (str(info.path.resolve()), stat.st_size, stat.st_mtime_ns, settings.num_ctx, threads, layers)
    with _LOCK:
        if key not in _SERVERS:
            _SERVERS[key] = _start(info, settings.num_ctx, threads, layers)
        return _SERVERS[key]


def _start(info: GGUFInfo, n_ctx: int, threads: int, layers: int) -> _Loaded:
    xllamacpp = _import()
    params = xllamacpp.CommonParams()
    params.model.path = str(info.path)
    params.n_ctx = n_ctx
    params.n_gpu_layers = layers
    params.cpuparams.n_threads = threads
    params.cpuparams_batch.n_threads = threads
    params.n_parallel = 1
    params.model_alias = {info.path.name}  # else every reply echoes the full path
    params.verbosity = 0  # 3 (the default) logs every request to stderr
    params.ui = False
    params.endpoint_slots = False
    params.endpoint_props = False
    socket_dir = tempfile.mkdtemp(prefix="tfreview-llama-")
    params.hostnames = [os.path.join(socket_dir, "llama.sock")]  # a Unix socket: no TCP port
    try:
        server = xllamacpp.Server(params)
    except Exception as exc:
        shutil.rmtree(socket_dir, ignore_errors=True)
        raise errors.BackendUnavailable(
            f"llama.cpp could not load {info.path.name} ({one_line(exc)}) — check that the file is a complete "
            "GGUF model; a newer xllamacpp may be needed for its architecture") from exc
    return _Loaded(server, socket_dir, info)


def _import() -> Any:
    try:
        import xllamacpp
    except ImportError as exc:
        raise errors.BackendUnavailable(f"--backend llamacpp needs xllamacpp — {INSTALL_HINT}") from exc
    return xllamacpp


def _check(state: dict[str, Any], stream: AnswerStream, settings: BackendSettings, info: GGUFInfo) -> None:
    """Turn the handler's error, a timeout or a full context into BackendError."""
    error = state["error"]
    if isinstance(error, dict) and error.get("type") == "exceed_context_size_error":
        raise errors.BadReply(
            f"the prompt is {error.get('n_prompt_tokens')} tokens, more than the context of {error.get('n_ctx')} — "
            f"raise --num-ctx (the model supports up to {info.context_length}) or review a smaller plan")
    if error is not None:
        message = error.get("message", error) if isinstance(error, dict) else error
        raise errors.BadReply(f"llama.cpp refused the request ({one_line(message)}) — check the GGUF file")
    if state["timeout"] and not stream.closed:
        raise errors.BackendTimeout(f"{info.path.name} did not finish within {settings.timeout_s:g}s — "
                                    "raise --timeout, use a smaller model, or offload layers with --gpu-layers")
    if stream.closed or state["finish"] != "length":
        return
    usage = state["usage"]
    used = int(usage.get("prompt_tokens") or 0) + int(usage.get("completion_tokens") or 0)
    if used >= settings.num_ctx:
        raise errors.BadReply(f"the context ({settings.num_ctx} tokens) filled up before the model finished — "
                              "raise --num-ctx")
    if stream.unfinished_verdict():
        raise errors.BadReply(length_error(f"--num-predict {settings.num_predict}"))


@atexit.register
def _unload() -> None:
    """Stop every loaded model and remove its socket directory."""
    with _LOCK:
        for loaded in _SERVERS.values():
            shutil.rmtree(loaded.socket_dir, ignore_errors=True)
        _SERVERS.clear()
