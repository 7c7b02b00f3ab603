"""The transformers backend: a local Hugging Face model directory run in-process, in bf16 or 4/8-bit.

Stage: backends (prompt + BackendSettings → ModelReply). torch and transformers are imported only when
this backend loads a model (`hf_runtime`), so every other path stays free of them. The seam is `loader`:
(model directory, settings) → Runtime; tests inject a fake model/tokenizer pair through it. Foreign
exceptions are translated once, in `_translate`. Generation stops on the newline after a verdict line
outside the <think> block (`VerdictWatch`); an answer that ends without one is returned as is, so the
review fails closed while keeping the model's text; one cut by the token budget is a BadReply.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

from tfreview import errors
from tfreview.backends.base import BackendSettings, ModelReply, one_line
from tfreview.backends.hf_model import identity as model_identity
from tfreview.backends.hf_model import locate, opens_think
from tfreview.pipeline.verdict import CLOSE_TAG, OPEN_TAG, parse_verdict, split_reasoning

# DeepSeek-R1 model card: temperature 0.6 (BackendSettings' default), top-p 0.95.
TOP_P = 0.95
_OFFLINE = {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}


class Tokenizer(Protocol):
    """The part of a transformers tokenizer the backend uses."""

    def apply_chat_template(self, conversation: list[dict[str, str]], *, add_generation_prompt: bool,
                            tokenize: bool) -> Any:
        """Render the conversation with the model's own chat template."""
        ...

    def encode(self, text: str, *, add_special_tokens: bool) -> list[int]:
        """Token ids of text."""
        ...

    def decode(self, ids: Sequence[int], *, skip_special_tokens: bool) -> str:
        """Text of token ids."""
        ...


class Runtime(Protocol):
    """A loaded model and its tokenizer."""

    tokenizer: Tokenizer
    context_length: int | None

    def generate(self, prompt_ids: list[int], max_new_tokens: int, temperature: float, top_p: float,
                 stop: Callable[[Sequence[int]], bool]) -> tuple[list[int], bool]:
        """(new token ids, whether the model ended its answer itself); STOP sees the new ids after each token."""
        ...


Loader = Callable[[Path, BackendSettings], Runtime]


@dataclass
class VerdictWatch:
    """Stop generation on the newline that ends a verdict line outside the <think> block, or at the deadline."""

    decode: Callable[[Sequence[int]], str]
    opens_think: bool
    deadline: float
    clock: Callable[[], float] = time.monotonic
    stopped: bool = False
    timed_out: bool = False

    def __call__(self, ids: Sequence[int]) -> bool:
        """Whether to stop after the newest token of IDS (the tokens generated so far)."""
        if self.clock() > self.deadline:
            self.timed_out = True
            return True
        # Only a token that carries a newline can end a verdict line; decode everything only then.
        if not ids or "\n" not in self.decode(ids[-1:]):
            return False
        self.stopped = verdict_closed((OPEN_TAG if self.opens_think else "") + self.decode(ids))
        return self.stopped


def verdict_closed(text: str) -> bool:
    """Whether TEXT holds a complete (newline-ended) verdict line after its reasoning block."""
    _, sep, answer = text.rpartition(CLOSE_TAG)
    if not sep:
        if text.lstrip().startswith(OPEN_TAG):
            return False  # still thinking: a verdict in the reasoning never counts
        answer = text
    complete, newline, _ = answer.rpartition("\n")
    return bool(newline) and parse_verdict(complete).label is not None


class TransformersBackend:
    """Run a local model directory with transformers (optionally bitsandbytes 4-bit or 8-bit)."""

    name = "transformers"

    def __init__(self, loader: Loader | None = None) -> None:
        self._loader: Loader = loader or _load_cached

    def chat(self, prompt: str, settings: BackendSettings) -> ModelReply:
        """Generate one answer to PROMPT; raise BackendError on any failure."""
        started = time.monotonic()
        path = locate(settings.model_path)
        try:
            with offline():
                runtime = self._loader(path, settings)
                return _answer(runtime, prompt, settings, started)
        except errors.BackendError:
            raise
        except Exception as exc:  # torch, CUDA, bitsandbytes and transformers raise many kinds: one seam
            raise _translate(exc, settings, path) from exc

    def identity(self, settings: BackendSettings) -> str:
        """The model directory's config, tokenizer and weight headers with --quantize; raise if unreadable."""
        found = model_identity(settings.model_path, settings.quantize)
        if found is None:
            locate(settings.model_path)  # raises the one-line reason the directory cannot be used
            raise errors.ModelNotFound(f"cannot read the model files in --model-path {settings.model_path}")
        return f"hf:{found}"


def _answer(runtime: Runtime, prompt: str, settings: BackendSettings, started: float) -> ModelReply:
    tokenizer = runtime.tokenizer
    # DeepSeek-R1 guidance: no system prompt, every instruction in the user turn.
    text = tokenizer.apply_chat_template([{"role": "user", "content": prompt}], add_generation_prompt=True,
                                         tokenize=False)
    if not isinstance(text, str):
        raise errors.BadReply("the model's chat template gave no text — check tokenizer_config.json chat_template")
    ids = tokenizer.encode(text, add_special_tokens=False)  # the template already holds the BOS token
    context = runtime.context_length
    if context is not None and len(ids) >= context:
        raise errors.BadReply(
            f"the prompt is {len(ids)} tokens, longer than the model's context of {context} — "
            f"lower --num-ctx to {context // 2} or less so the plan summary is compressed to fit"
        )
    budget = settings.num_predict if context is None else min(settings.num_predict, context - len(ids))
    thinking_open = opens_think(text)
    watch = VerdictWatch(lambda t: tokenizer.decode(t, skip_special_tokens=True), thinking_open,
                         started + settings.timeout_s)
    new_ids, ended = runtime.generate(ids, budget, settings.temperature, TOP_P, watch)
    if watch.timed_out:
        raise errors.BackendTimeout(
            f"the model did not finish within {settings.timeout_s:g}s — raise --timeout, use --quantize 4bit "
            "on a GPU, or a smaller model"
        )
    raw = tokenizer.decode(new_ids, skip_special_tokens=True)
    # R1 templates open <think> in the prompt, so the answer starts inside the reasoning block.
    reasoning, answer = split_reasoning((OPEN_TAG + "\n" if thinking_open else "") + raw)
    if not (ended or watch.stopped) and parse_verdict(answer).label is None:
        # As the other backends do: a budget cut is its own cause. An answer that ended is kept as is.
        raise errors.BadReply(
            f"the model ran out of tokens before its verdict (max_new_tokens {budget}) — raise --num-predict"
            + ("" if budget == settings.num_predict else " or lower --num-ctx (the context is full)")
        )
    return ModelReply(
        thinking=reasoning,
        content=answer,
        prompt_tokens=len(ids),
        completion_tokens=len(new_ids),
        done_reason="stop" if ended or watch.stopped else "length",
        duration_s=time.monotonic() - started,
    )


@contextmanager
def offline() -> Iterator[None]:
    """HF_HUB_OFFLINE=1 for the call, so nothing is fetched from a hub whatever the loader does."""
    saved = {name: os.environ.get(name) for name in _OFFLINE}
    os.environ.update(_OFFLINE)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _load_cached(path: Path, settings: BackendSettings) -> Runtime:
    """The real loader: one model per directory, quantization and device stays loaded for the process."""
    return _load(str(path.resolve()), settings.quantize, settings.device)


@lru_cache(maxsize=1)
def _load(path: str, quantize: str, device: str) -> Runtime:
    from tfreview.backends.hf_runtime import load_runtime  # torch and transformers load only here

    return load_runtime(Path(path), quantize, device)


def _translate(exc: Exception, settings: BackendSettings, path: Path) -> errors.BackendError:
    """Turn an exception from torch, CUDA, bitsandbytes or transformers into a one-line BackendError."""
    text, kind = one_line(exc), type(exc).__name__
    if kind == "OutOfMemoryError" or "out of memory" in text.lower():
        return errors.BackendError(
            f"CUDA out of memory running {path.name} (--quantize {settings.quantize}) — use --quantize 4bit, "
            "a smaller model, or a lower --num-ctx"
        )
    if isinstance(exc, ImportError) and "bitsandbytes" in text:
        return errors.BackendError(f"--quantize {settings.quantize} needs bitsandbytes ({text}) — "
                                   "run `pip install 'tfreview[transformers]' bitsandbytes`")
    if isinstance(exc, ImportError):
        return errors.BackendUnavailable(f"the transformers backend needs PyTorch and transformers ({text}) — "
                                         "run `pip install 'tfreview[transformers]'`")
    if isinstance(exc, OSError):
        return errors.ModelNotFound(f"cannot load {path}: {text} — the directory may be incomplete; download "
                                    "it again with `huggingface-cli download … --local-dir`")
    return errors.BadReply(f"the transformers backend failed on {path.name}: {kind}: {text} — check the model "
                           "directory and the torch/transformers versions")
