"""Model management (`tfreview models check`) for in-process models: a GGUF file for --backend llamacpp and a
local model directory for --backend transformers, read without loading their weights."""

from __future__ import annotations

from typing import Any

from tfreview import errors
from tfreview.backends import hf_model
from tfreview.backends.base import BackendSettings
from tfreview.workflows.models import Check, CheckReport, Status, context_check


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
    report.checks.append(context_check({"general.architecture": info.architecture,
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
            context_check(_as_info(model), settings.num_ctx),
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
    """The context length in the shape `context_check` reads from Ollama's model_info."""
    return {"general.architecture": "hf", "hf.context_length": model.context_length}


def _count(params: int) -> str:
    return f"{params / 1e9:.2f} B" if params >= 1e9 else f"{params / 1e6:.2f} M"


def _gib(size: int) -> str:
    return f"{size / (1 << 30):.1f} GiB" if size >= 1 << 27 else f"{size / (1 << 20):.1f} MiB"


_DIR_NAMES = ("directory", "architecture", "parameters", "weights", "memory", "context", "thinking")
