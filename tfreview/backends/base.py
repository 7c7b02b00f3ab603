"""The contract every model backend fulfils, and the pieces every backend shares.

`AnswerStream` collects a streamed answer, splits the reasoning from it (`split_reasoning`) and says when
the final verdict line is complete, so a backend can stop generating right after it (`stop_after_verdict`).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Literal, Protocol

from pydantic import BaseModel, Field

from tfreview.pipeline.verdict import CLOSE_TAG, OPEN_TAG, parse_verdict
from tfreview.pipeline.verdict import split_reasoning as split_reasoning  # shared by every backend

DEFAULT_MODEL = "deepseek-r1:8b"
DEFAULT_OLLAMA_HOST = "http://127.0.0.1:11434"
DEFAULT_TEMPERATURE = 0.6
DEFAULT_NUM_CTX = 8192
DEFAULT_NUM_PREDICT = 4096
DEFAULT_TIMEOUT_S = 600.0
Quantize = Literal["none", "4bit", "8bit"]
Device = Literal["auto", "cuda", "cpu"]
# Truncation checks compare what a server says it read with a low estimate of the prompt's size.
LOW_CHARS_PER_TOKEN = 4
# An untruncated prompt evaluates to at least ~0.8 of a chars/4 estimate, even for wordy prose.
TRUNCATION_RATIO = 0.7


class BackendSettings(BaseModel):
    """What a backend needs to make one chat call."""

    model: str = DEFAULT_MODEL
    host: str = DEFAULT_OLLAMA_HOST
    temperature: float = DEFAULT_TEMPERATURE
    num_ctx: int = Field(DEFAULT_NUM_CTX, ge=512)
    num_predict: int = Field(DEFAULT_NUM_PREDICT, ge=64)
    timeout_s: float = Field(DEFAULT_TIMEOUT_S, gt=0)
    api_key: str | None = None
    # In-process backends (llamacpp, transformers): the weights file or directory, offload, threads, quantization.
    model_path: str | None = None
    gpu_layers: int | None = Field(None, ge=-1)
    threads: int | None = Field(None, ge=1)
    quantize: Quantize = "none"
    device: Device = "auto"


class ModelReply(BaseModel):
    """A complete answer from a model, reasoning already separated from the answer."""

    thinking: str = ""
    content: str = ""
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    done_reason: str | None = None
    duration_s: float = 0.0


class Backend(Protocol):
    """A model server tfreview can ask for a judgment."""

    name: str

    def chat(self, prompt: str, settings: BackendSettings) -> ModelReply:
        """Send one user message and return the whole answer; raise BackendError on failure."""
        ...

    def identity(self, settings: BackendSettings) -> str:
        """What identifies the weights behind settings (a digest or a file hash); raise BackendError if unknown."""
        ...


def one_line(value: object, limit: int = 300) -> str:
    """A server's message folded to one line and cut to LIMIT characters, for error messages."""
    text = " ".join(str(value).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def estimate_tokens(text: str) -> int:
    """Estimate the token count of text without a tokenizer (chars/4, on the low side)."""
    # Backends cannot tokenize (ollama-python has no tokenize call, ollama-api.md §5), and the R1
    # distill tokenizers average 3-4 characters a token on English, JSON and HCL; chars/4 stays low.
    return math.ceil(len(text) / LOW_CHARS_PER_TOKEN)


@dataclass
class AnswerStream:
    """A streamed answer: reasoning and content as they arrive, and whether the verdict line is complete.

    REASONING_IN_CONTENT says whether the model may write its reasoning into the content without an
    opening `<think>` tag: True or None (not known) means a verdict line counts only after `</think>`
    or once reasoning came on its own channel; False (a chat template without a reasoning block)
    means the content is the answer from its first token.
    """

    reasoning_in_content: bool | None = None
    reasoning: list[str] = field(default_factory=list)
    content: list[str] = field(default_factory=list)
    stopped: bool = False  # the verdict line is complete
    closed: bool = False  # the backend stopped the generation there (set by the backend)
    started: float = field(default_factory=time.monotonic)

    def add(self, reasoning: str, content: str) -> bool:
        """Append one chunk; True once the answer holds a complete verdict line (stop generating then)."""
        self.reasoning.append(reasoning)
        self.content.append(content)
        if "\n" in content and not self.stopped:
            self.stopped = stop_after_verdict("".join(self.content), self.reasoning_known, self.reasoning_in_content)
        return self.stopped

    @property
    def reasoning_known(self) -> bool:
        """Whether reasoning arrived on its own channel (Ollama's thinking, reasoning_content)."""
        return any(self.reasoning)

    def text(self) -> str:
        """Everything the model wrote, reasoning first."""
        return "\n".join(p for p in ("".join(self.reasoning).strip(), "".join(self.content).strip()) if p)

    def reply(self, *, prompt_tokens: int | None, completion_tokens: int | None, done_reason: str | None) -> ModelReply:
        """The whole answer with its reasoning split off; done_reason is "verdict" when the backend closed it there."""
        reasoning, answer = split_reasoning("".join(self.content))
        thinking = "\n".join(p for p in ("".join(self.reasoning).strip(), reasoning) if p)
        return ModelReply(
            thinking=thinking, content=answer, prompt_tokens=prompt_tokens, completion_tokens=completion_tokens,
            done_reason="verdict" if self.closed else done_reason, duration_s=time.monotonic() - self.started,
        )

    def unfinished_verdict(self) -> bool:
        """Whether a reply cut at the token limit holds a verdict line the stop did not trust (fail closed)."""
        return parse_verdict(split_reasoning("".join(self.content))[1]).label is not None


def stop_after_verdict(content: str, reasoning_known: bool, reasoning_in_content: bool | None) -> bool:
    """True when CONTENT's final answer holds a complete (newline-ended) verdict line outside any reasoning."""
    _, sep, tail = content.rpartition(CLOSE_TAG)
    if sep:
        answer = tail
    elif content.lstrip().startswith(OPEN_TAG) or not (reasoning_known or reasoning_in_content is False):
        return False  # still inside <think>, or reasoning without its opening tag may still be running
    else:
        answer = content
    complete = answer[: answer.rfind("\n") + 1]
    return bool(complete.strip()) and parse_verdict(complete).label is not None


def length_error(limit_hint: str) -> str:
    """The message for a reply cut at the token limit while a verdict line the stop did not trust stood in it."""
    return (f"the model hit the token limit ({limit_hint}) before it finished after its verdict line — "
            "raise --num-predict or use a model that stops after its verdict")
