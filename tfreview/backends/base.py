"""The contract every model backend fulfils."""

from __future__ import annotations

import math
from typing import Literal, Protocol

from pydantic import BaseModel, Field

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
    model_path: str | None = None
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


def one_line(value: object, limit: int = 300) -> str:
    """A server's message folded to one line and cut to LIMIT characters, for error messages."""
    text = " ".join(str(value).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def estimate_tokens(text: str) -> int:
    """Estimate the token count of text without a tokenizer (chars/4, on the low side)."""
    # Backends cannot tokenize (ollama-python has no tokenize call, ollama-api.md §5), and the R1
    # distill tokenizers average 3-4 characters a token on English, JSON and HCL; chars/4 stays low.
    return math.ceil(len(text) / LOW_CHARS_PER_TOKEN)
