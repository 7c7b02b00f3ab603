"""A fake model/tokenizer pair for the transformers backend, and a model directory that passes its checks.

The tokenizer is one token per character (EOS is id 0) and renders chats with the model directory's own
template through the same jinja2 sandbox `models check` uses; the model replays a scripted answer one
token at a time and asks the stop check after each, as transformers' StoppingCriteria does.
"""

from __future__ import annotations

import json
import math
import os
import struct
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tfreview.backends import hf_model
from tfreview.backends.base import BackendSettings

EOS = 0
R1_TEMPLATE = (
    "{{bos_token}}{%- for message in messages %}{%- if message['role'] == 'user' %}"
    "{{'<｜User｜>' + message['content']}}{%- endif %}{%- endfor %}"
    "{% if add_generation_prompt %}{{'<｜Assistant｜><think>\\n'}}{% endif %}"
)
PLAIN_TEMPLATE = "{% for m in messages %}<|user|>{{ m['content'] }}{% endfor %}<|assistant|>"
QWEN2_CONFIG = {
    "architectures": ["Qwen2ForCausalLM"], "model_type": "qwen2", "vocab_size": 152064, "hidden_size": 5120,
    "intermediate_size": 13824, "num_hidden_layers": 48, "num_attention_heads": 40, "num_key_value_heads": 8,
    "max_position_embeddings": 131072, "tie_word_embeddings": False, "torch_dtype": "bfloat16",
}


def write_model_dir(path: Path, *, template: str | None = R1_TEMPLATE, config: dict[str, Any] | None = None,
                    tensors: dict[str, list[int]] | None = None) -> Path:
    """A model directory with config.json, a tokenizer and one safetensors file holding only a header."""
    path.mkdir(parents=True, exist_ok=True)
    (path / "config.json").write_text(json.dumps(config or QWEN2_CONFIG))
    tokenizer_config: dict[str, Any] = {"bos_token": {"content": "<｜begin▁of▁sentence｜>"}, "eos_token": "<eos>"}
    if template is not None:
        tokenizer_config["chat_template"] = template
    (path / "tokenizer_config.json").write_text(json.dumps(tokenizer_config))
    (path / "tokenizer.json").write_text("{}")
    header: dict[str, Any] = {"__metadata__": {"format": "pt"}}
    offset = 0
    for name, shape in (tensors or {"embed.weight": [10, 4], "norm.weight": [4]}).items():
        size = 2 * math.prod(shape)
        header[name] = {"dtype": "BF16", "shape": shape, "data_offsets": [offset, offset + size]}
        offset += size
    raw = json.dumps(header).encode()
    (path / "model.safetensors").write_bytes(struct.pack("<Q", len(raw)) + raw + bytes(offset))
    return path


class FakeTokenizer:
    """One token per character; EOS (0) is the only special token."""

    def __init__(self, model: hf_model.ModelDir) -> None:
        self.model = model
        self.rendered: list[str] = []

    def apply_chat_template(self, conversation: list[dict[str, str]], *, add_generation_prompt: bool,
                            tokenize: bool) -> Any:
        assert add_generation_prompt and not tokenize
        text = hf_model.render_chat(self.model, conversation)
        self.rendered.append(text)
        return text

    def encode(self, text: str, *, add_special_tokens: bool) -> list[int]:
        return [ord(c) for c in text]

    def decode(self, ids: Sequence[int], *, skip_special_tokens: bool) -> str:
        return "".join(chr(i) for i in ids if not (skip_special_tokens and i == EOS))


@dataclass
class FakeRuntime:
    """Replays SCRIPT token by token; ends with EOS when ends is True."""

    tokenizer: FakeTokenizer
    script: str
    ends: bool = True
    context_length: int | None = 131072
    calls: list[dict[str, Any]] = field(default_factory=list)

    def generate(self, prompt_ids: list[int], max_new_tokens: int, temperature: float, top_p: float,
                 stop: Callable[[Sequence[int]], bool]) -> tuple[list[int], bool]:
        self.calls.append({"prompt_ids": prompt_ids, "max_new_tokens": max_new_tokens,
                           "temperature": temperature, "top_p": top_p, "offline": os.environ.get("HF_HUB_OFFLINE")})
        new: list[int] = []
        for token in self.tokenizer.encode(self.script, add_special_tokens=False):
            if len(new) == max_new_tokens:
                return new, False
            new.append(token)
            if stop(new):
                return new, False
        if self.ends and len(new) < max_new_tokens:
            new.append(EOS)
            return new, True
        return new, False


def fake_loader(script: str, **options: Any) -> tuple[Callable[[Path, BackendSettings], FakeRuntime], list[Any]]:
    """A loader that builds a FakeRuntime over the real model directory, and the list of runtimes it made."""
    made: list[FakeRuntime] = []

    def load(path: Path, settings: BackendSettings) -> FakeRuntime:
        runtime = FakeRuntime(FakeTokenizer(hf_model.read_model_dir(path)), script, **options)
        made.append(runtime)
        return runtime

    return load, made
