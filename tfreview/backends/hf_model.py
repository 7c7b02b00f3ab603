"""Hugging Face model directories for the transformers backend: found locally, read without loading weights.

Everything here reads JSON only (config.json, tokenizer_config.json, safetensors headers) and renders the
chat template with jinja2, so `tfreview models check` and the backend's own checks need neither torch
nor transformers. Nothing is fetched from a hub: a name that is not a local directory is an error that
says how to download it once.
"""

from __future__ import annotations

import hashlib
import json
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import TemplateError
from jinja2.sandbox import ImmutableSandboxedEnvironment

from tfreview import errors
from tfreview.lazyregex import lazy_compile

OPEN_THINK = "<think>"
EXAMPLE_REPO = "deepseek-ai/DeepSeek-R1-Distill-Qwen-14B"
# Bytes a weight takes: bf16 2; bitsandbytes int8 1; NF4 half a byte plus one fp32 absmax per 64 weights.
BYTES_PER_WEIGHT = {"none": 2.0, "8bit": 1.0, "4bit": 0.5 + 4 / 64}
# CUDA context, activations and allocator slack on top of weights and KV cache (a rough allowance).
RUNTIME_OVERHEAD_BYTES = 1 << 30
_HUB_ID = lazy_compile(r"^[A-Za-z0-9][\w.-]*/[\w.-]+$")
_SAFETENSORS_HEADER_MAX = 100 << 20


@dataclass(frozen=True)
class ModelDir:
    """What a local model directory says about itself."""

    path: Path
    config: dict[str, Any]
    chat_template: str | None
    special_tokens: dict[str, str]

    @property
    def architecture(self) -> str:
        """The model class named in config.json, e.g. Qwen2ForCausalLM."""
        names = self.config.get("architectures") or [self.config.get("model_type") or "unknown"]
        return str(names[0])

    @property
    def context_length(self) -> int | None:
        """Tokens the model was trained to attend over (max_position_embeddings)."""
        value = self.config.get("max_position_embeddings")
        return value if isinstance(value, int) else None


def download_hint(name: str) -> str:
    """The one-time download command for a hub model id."""
    local = f"~/models/{name.rsplit('/', 1)[-1]}"
    return f"`huggingface-cli download {name} --local-dir {local}` once, then pass --model-path {local}"


def locate(model_path: str | Path | None) -> Path:
    """The model directory named by --model-path; BackendError when it is missing or is not one."""
    if model_path is None or not str(model_path).strip():
        raise errors.ModelNotFound(
            f"--backend transformers needs --model-path DIR (a local model directory) — download one with "
            f"{download_hint(EXAMPLE_REPO)}"
        )
    text = str(model_path)
    path = Path(text).expanduser()
    if not path.exists():
        if _HUB_ID.match(text) and not text.startswith("."):
            raise errors.ModelNotFound(
                f"{text} is not a local directory and tfreview never downloads models — run {download_hint(text)}"
            )
        raise errors.ModelNotFound(f"model directory {path} does not exist — run {download_hint(EXAMPLE_REPO)}")
    if not path.is_dir():
        raise errors.ModelNotFound(f"{path} is not a directory — --model-path takes the folder holding config.json")
    missing = _missing_files(path)
    if missing:
        raise errors.ModelNotFound(
            f"{path} is not a model directory ({missing}) — pass the folder `huggingface-cli download` wrote"
        )
    return path


def read_model_dir(path: Path) -> ModelDir:
    """Read config.json and the tokenizer's config of a located directory; BackendError on bad JSON."""
    config = _read_json(path / "config.json")
    tokenizer_config = _read_json(path / "tokenizer_config.json") if (path / "tokenizer_config.json").is_file() else {}
    template = tokenizer_config.get("chat_template")
    if isinstance(template, list):  # [{"name": "default", "template": ...}, ...]
        named = {t.get("name"): t.get("template") for t in template if isinstance(t, dict)}
        template = named.get("default") or next(iter(named.values()), None)
    jinja_file = path / "chat_template.jinja"  # transformers >= 4.43 saves the template beside the config
    if not isinstance(template, str) and jinja_file.is_file():
        template = jinja_file.read_text(encoding="utf-8")
    specials = {k: _token_text(tokenizer_config.get(k)) for k in ("bos_token", "eos_token")}
    return ModelDir(path, config, template if isinstance(template, str) else None, specials)


def render_chat(model: ModelDir, messages: list[dict[str, str]]) -> str:
    """The prompt text the model's own chat template makes, as transformers renders it (sandboxed jinja2)."""
    if model.chat_template is None:
        raise errors.BadReply(
            f"{model.path} has no chat template (tokenizer_config.json chat_template) — use a chat model "
            f"such as {EXAMPLE_REPO}"
        )
    env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True)
    env.globals["raise_exception"] = _raise
    try:
        return env.from_string(model.chat_template).render(
            messages=messages, add_generation_prompt=True, **model.special_tokens
        )
    except (TemplateError, TypeError, ValueError) as exc:
        raise errors.BadReply(f"the chat template of {model.path} failed: {exc} — check tokenizer_config.json") from exc


def opens_think(prompt_text: str) -> bool:
    """Whether a rendered prompt already opens the reasoning block (R1 distills' templates end with <think>)."""
    return prompt_text.rstrip().endswith(OPEN_THINK)


def parameter_count(model: ModelDir) -> tuple[int, str]:
    """(parameters, how it was counted): from safetensors headers, else from config.json's dimensions."""
    files = sorted(model.path.glob("*.safetensors"))
    if files and not model.config.get("quantization_config"):  # packed 4-bit tensors would under-count
        try:
            return sum(_safetensors_count(f) for f in files), "safetensors headers"
        except (OSError, ValueError, struct.error, KeyError, TypeError, AttributeError):
            pass  # not a readable safetensors header: count from the dimensions instead
    counted = _count_from_config(model.config)
    if counted is None:
        raise errors.BadReply(f"cannot count the parameters of {model.path}: config.json lacks the model's dimensions")
    return counted, "config.json dimensions"


def memory_bytes(model: ModelDir, params: int, quantize: str, num_ctx: int) -> tuple[int, int]:
    """(weights, KV cache at num_ctx) in bytes; embeddings and lm_head stay bf16 under bitsandbytes."""
    config = model.config
    hidden, vocab = int(config.get("hidden_size", 0)), int(config.get("vocab_size", 0))
    unquantized = vocab * hidden * (1 if config.get("tie_word_embeddings") else 2)
    quantized = max(params - unquantized, 0)
    weights = int(unquantized * 2 + quantized * BYTES_PER_WEIGHT[quantize])
    layers = int(config.get("num_hidden_layers", 0))
    heads = int(config.get("num_attention_heads", 1) or 1)
    kv_heads = int(config.get("num_key_value_heads") or heads)
    head_dim = int(config.get("head_dim") or hidden // heads)
    return weights, 2 * layers * kv_heads * head_dim * 2 * num_ctx


def identity(model_path: str | Path | None, quantize: str) -> str | None:
    """What the verdict cache keys a local model by: config, tokenizer and weight files' headers, sizes and times.

    Hashing every weight byte of a 14B model would take minutes; a changed checkpoint rewrites its files,
    which changes their size or modification time. None when the directory cannot be read (the review
    then fails in the backend, and failures are never cached).
    """
    try:
        path = locate(model_path)
        digest = hashlib.sha256(quantize.encode())
        for name in ("config.json", "tokenizer_config.json", "tokenizer.json", "chat_template.jinja"):
            if (path / name).is_file():
                digest.update(name.encode() + (path / name).read_bytes())
        for weights in sorted([*path.glob("*.safetensors"), *path.glob("pytorch_model*.bin")]):
            stat = weights.stat()
            digest.update(f"{weights.name}:{stat.st_size}:{stat.st_mtime_ns}".encode())
            with weights.open("rb") as handle:
                digest.update(handle.read(1 << 16))
    except (errors.BackendError, OSError):
        return None
    return digest.hexdigest()[:16]


def _count_from_config(config: dict[str, Any]) -> int | None:
    """Parameters of a Llama/Qwen2-style decoder from its dimensions."""
    try:
        vocab, hidden = int(config["vocab_size"]), int(config["hidden_size"])
        layers, inter = int(config["num_hidden_layers"]), int(config["intermediate_size"])
        heads = int(config["num_attention_heads"])
    except (KeyError, TypeError, ValueError):
        return None
    kv_heads = int(config.get("num_key_value_heads") or heads)
    head_dim = int(config.get("head_dim") or hidden // heads)
    bias = bool(config.get("attention_bias", config.get("model_type") == "qwen2"))  # Qwen2 always has q/k/v bias
    attention = hidden * head_dim * (2 * heads + 2 * kv_heads) + (heads + 2 * kv_heads) * head_dim * bias
    per_layer = attention + 3 * hidden * inter + 2 * hidden
    embeddings = vocab * hidden * (1 if config.get("tie_word_embeddings") else 2)
    return layers * per_layer + embeddings + hidden


def _safetensors_count(path: Path) -> int:
    """Elements of every tensor in one safetensors file, read from its JSON header alone."""
    with path.open("rb") as handle:
        (size,) = struct.unpack("<Q", handle.read(8))
        if size > _SAFETENSORS_HEADER_MAX:
            raise ValueError("safetensors header too large")
        header = json.loads(handle.read(size))
    total = 0
    for name, tensor in header.items():
        if name != "__metadata__":
            count = 1
            for dim in tensor["shape"]:
                count *= int(dim)
            total += count
    return total


def _missing_files(path: Path) -> str:
    if not (path / "config.json").is_file():
        return "no config.json"
    if not any(path.glob("*.safetensors")) and not any(path.glob("pytorch_model*.bin")):
        return "no *.safetensors weights"
    if not any((path / name).is_file() for name in ("tokenizer.json", "tokenizer.model", "vocab.json")):
        return "no tokenizer.json"
    return ""


def _read_json(path: Path) -> dict[str, Any]:
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise errors.ModelNotFound(f"cannot read {path}: {exc} — download the model again") from exc
    if not isinstance(value, dict):
        raise errors.ModelNotFound(f"{path} is not a JSON object — download the model again")
    return value


def _token_text(value: Any) -> str:
    """A special token as tokenizer_config.json writes it: a string or {"content": ...}."""
    if isinstance(value, dict):
        value = value.get("content")
    return value if isinstance(value, str) else ""


def _raise(message: str) -> None:
    raise TemplateError(message)
