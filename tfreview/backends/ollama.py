"""The Ollama backend: one streamed /api/chat call through the official ollama client.

Wire facts are in /work/shared/ollama-api.md (cited as §n). Every foreign exception becomes a
BackendError in `translate_error`. A reply whose reasoning is present but whose answer is empty is
returned as is (content ""), so the verdict parse fails closed on it ("empty answer"). The stream is
closed once the answer holds a complete verdict line (`AnswerStream`), which makes Ollama stop generating.
"""

from __future__ import annotations

import json
import time
from collections.abc import Generator
from dataclasses import dataclass, field
from typing import cast

import httpx
import ollama
import pydantic

from tfreview import errors
from tfreview.backends.base import (
    TRUNCATION_RATIO,
    AnswerStream,
    BackendSettings,
    ModelReply,
    estimate_tokens,
    length_error,
    one_line,
)

# chars/4 under-counts plan text by up to ~1/3 (JSON, HCL and IDs run near 3 chars a token).
MAX_UNDERCOUNT = 4 / 3
CONNECT_TIMEOUT_S = 10.0

FOREIGN_ERRORS = (
    ollama.ResponseError,
    httpx.HTTPError,
    httpx.InvalidURL,
    ConnectionError,
    json.JSONDecodeError,
    pydantic.ValidationError,
)
_Chunks = Generator[ollama.ChatResponse, None, None]


@dataclass
class _Stream:
    """What arrived on one streamed chat call."""

    answer: AnswerStream = field(default_factory=AnswerStream)
    last: ollama.ChatResponse | None = None

    def add(self, chunk: ollama.ChatResponse) -> bool:
        """Accumulate one NDJSON chunk; True once the verdict line is complete."""
        self.last = chunk
        return self.answer.add(chunk.message.thinking or "", chunk.message.content or "")


class OllamaBackend:
    """Ask a model served by Ollama through the native /api/chat endpoint."""

    name = "ollama"

    def chat(self, prompt: str, settings: BackendSettings) -> ModelReply:
        """Send one user message and return the whole answer; raise BackendError on failure."""
        started = time.monotonic()
        try:
            stream = _chat_with_fallback(prompt, settings, started + settings.timeout_s)
        except FOREIGN_ERRORS as exc:
            raise translate_error(exc, settings) from exc
        final = _finished(stream, settings)
        if final is not None:
            _check_prompt_evaluated(prompt, final.prompt_eval_count, settings)
        # §6 shapes 2-4: the think block may still be in content, with or without its opening tag.
        reply = stream.answer.reply(
            prompt_tokens=final.prompt_eval_count if final else None,
            completion_tokens=final.eval_count if final else None,
            done_reason=final.done_reason if final else None,
        )
        return reply.model_copy(update={"duration_s": time.monotonic() - started})

    def identity(self, settings: BackendSettings) -> str:
        """The model's digest as GET /api/tags lists it (§4): a re-pull behind the same name changes it."""
        try:
            with _client(settings) as client:
                models = client.list().models
        except FOREIGN_ERRORS as exc:
            raise translate_error(exc, settings) from exc
        wanted = normalize_name(settings.model)
        for entry in models:
            if normalize_name(entry.model or "") == wanted and entry.digest:
                return f"ollama:{entry.digest}"
        raise errors.ModelNotFound(
            f"model {settings.model} is not listed by {settings.host}/api/tags — run `ollama pull {settings.model}`"
        )


def normalize_name(name: str) -> str:
    """Ollama names compare case-insensitively, with ':latest' added to an untagged name."""
    name = name.strip().lower()
    return name if ":" in name.rsplit("/", 1)[-1] else f"{name}:latest"


def _chat_with_fallback(prompt: str, settings: BackendSettings, deadline: float) -> _Stream:
    """Ask with think on; retry once without it when the model cannot think (§2a)."""
    with _client(settings) as client:
        try:
            return _stream(client, prompt, settings, deadline, think=True)
        except ollama.ResponseError as exc:
            if exc.status_code != 400 or "does not support thinking" not in str(exc.error):
                raise
        # Models without the thinking capability (hf.co GGUF distills) keep <think> in content.
        return _stream(client, prompt, settings, deadline, think=None)


def _client(settings: BackendSettings) -> ollama.Client:
    """An ollama client whose timeouts apply to every connect and read."""
    headers = {"Authorization": f"Bearer {settings.api_key}"} if settings.api_key else None
    connect = min(CONNECT_TIMEOUT_S, settings.timeout_s)
    timeout = httpx.Timeout(settings.timeout_s, connect=connect)
    return ollama.Client(host=settings.host, timeout=timeout, headers=headers)


def _stream(
    client: ollama.Client,
    prompt: str,
    settings: BackendSettings,
    deadline: float,
    *,
    think: bool | None,
) -> _Stream:
    """Run one streamed chat call, enforcing the overall deadline between chunks."""
    chunks = cast(
        "_Chunks",
        client.chat(
            model=settings.model,
            # DeepSeek-R1 guidance: no system prompt, every instruction in the user turn.
            messages=[{"role": "user", "content": prompt}],
            stream=True,
            think=think,
            options={
                "num_ctx": settings.num_ctx,
                "temperature": settings.temperature,
                "num_predict": settings.num_predict,
            },
        ),
    )
    # With thinking on, Ollama sends reasoning apart, so the content is the answer (§2a); without it an
    # R1 distill may reason in content without its opening tag. A prompt that may have been cut needs the
    # final chunk's prompt_eval_count, so such a stream is read to its end.
    stream = _Stream(AnswerStream(reasoning_in_content=None if think is None else False))
    may_stop = not _may_be_truncated(prompt, settings)
    try:
        for chunk in chunks:
            # Closing the stream makes Ollama cancel the generation (the client went away).
            if stream.add(chunk) and may_stop and not chunk.done:
                stream.answer.closed = True
                break
            # httpx timeouts bound each read; a model trickling tokens needs a wall clock too.
            if time.monotonic() > deadline:
                raise errors.BackendTimeout(_timeout_message(settings))
    finally:
        chunks.close()
    return stream


def _finished(stream: _Stream, settings: BackendSettings) -> ollama.ChatResponse | None:
    """The final chunk of a stream that finished (None when tfreview stopped it after the verdict line)."""
    final = stream.last
    if stream.answer.closed:
        return None
    # §5: a stream closed without a done:true line just ends; the client raises nothing.
    if final is None or not final.done:
        raise errors.BadReply(
            "the stream from Ollama ended before the model finished — "
            "check the Ollama log and retry"
        )
    # At the token limit the text is kept (the verdict parse names the cause), unless it holds a verdict
    # line the stop did not trust: that may sit inside unfinished reasoning.
    if final.done_reason == "length" and stream.answer.unfinished_verdict():
        raise errors.BadReply(length_error(f"num_predict {settings.num_predict}, num_ctx {settings.num_ctx}"))
    return final


def _may_be_truncated(prompt: str, settings: BackendSettings) -> bool:
    """Whether the prompt may not fit num_ctx, so its prompt_eval_count must be checked (§2c)."""
    return estimate_tokens(prompt) * MAX_UNDERCOUNT > settings.num_ctx


def _check_prompt_evaluated(prompt: str, evaluated: int | None, settings: BackendSettings) -> None:
    """Fail when Ollama silently cut the prompt to fit num_ctx (§2c): it still answers 200."""
    expected = estimate_tokens(prompt)
    # Some servers count only the prompt tokens not served from the KV cache, so a reused prompt
    # reports a tiny or no prompt_eval_count (ollama#2068/#3427 until #5371; the 0.30 llama-server
    # runner, ollama#16414 until #16428). Only a prompt that may not fit num_ctx is checked: by
    # chars/3, the same high estimate summary.py budgets with, so budgeted prompts are skipped.
    if evaluated is None or not _may_be_truncated(prompt, settings):
        return
    # Runners keep about num_ctx/2 tokens (0.32) or exactly num_ctx (older, §2c).
    if evaluated < expected * TRUNCATION_RATIO or evaluated >= settings.num_ctx:
        raise errors.BadReply(
            f"Ollama truncated the prompt ({evaluated} of ~{expected} tokens evaluated, "
            f"num_ctx {settings.num_ctx}) — raise --num-ctx"
        )


def translate_error(exc: Exception, settings: BackendSettings) -> errors.BackendError:
    """Turn an exception from ollama, httpx, json or pydantic into a BackendError."""
    host = settings.host
    if isinstance(exc, ollama.ResponseError):
        return _translate_status(exc, settings)
    if isinstance(exc, (httpx.ConnectError, httpx.ConnectTimeout, ConnectionError)):
        # §5: a stream raises the raw httpx.ConnectError, a plain call the builtin ConnectionError.
        return errors.BackendUnavailable(
            f"cannot reach Ollama at {host} — start it with `ollama serve` or pass --host"
        )
    if isinstance(exc, httpx.TimeoutException):
        return errors.BackendTimeout(_timeout_message(settings))
    if isinstance(exc, httpx.InvalidURL):
        return errors.BackendUnavailable(f"invalid Ollama host {host!r} ({exc}) — pass --host")
    if isinstance(exc, httpx.HTTPError):
        return errors.BadReply(
            f"the connection to Ollama at {host} broke mid-answer ({one_line(exc)}) — "
            "check the Ollama log (the model runner may have crashed) and retry"
        )
    if isinstance(exc, json.JSONDecodeError):
        return errors.BadReply(
            f"{host} sent a reply that is not Ollama's JSON — check that --host is an Ollama server"
        )
    return errors.BadReply(
        f"Ollama at {host} sent a reply tfreview cannot read ({one_line(exc)}) — "
        "check the Ollama and tfreview versions"
    )


def _translate_status(exc: ollama.ResponseError, settings: BackendSettings) -> errors.BackendError:
    """Map an HTTP status (or -1 for an error line inside a stream, §5) to a BackendError."""
    host, model, code, text = settings.host, settings.model, exc.status_code, one_line(exc.error)
    if code == -1:
        return errors.BadReply(f"Ollama failed mid-answer: {text} — check the Ollama log and retry")
    if code == 404 and "model" in text:
        return errors.ModelNotFound(
            f"model {model} not found on {host} — run `ollama pull {model}` or `tfreview models pull {model}`"
        )
    if code == 404:
        return errors.BackendError(
            f"{host} answered HTTP 404 ({text}) — check that --host is an Ollama server"
        )
    if "longer than the context" in text:
        return errors.BadReply(
            f"the prompt does not fit the model's context ({text}) — raise --num-ctx"
        )
    if code == 503:
        return errors.BackendError(f"Ollama at {host} is busy (HTTP 503: {text}) — retry later")
    if code >= 500:
        return errors.BackendError(
            f"Ollama at {host} failed (HTTP {code}: {text}) — check the Ollama log; "
            "a smaller model or --num-ctx may fit in memory"
        )
    return errors.BackendError(f"Ollama at {host} rejected the request (HTTP {code}: {text})")


def _timeout_message(settings: BackendSettings) -> str:
    return (
        f"Ollama did not finish within {settings.timeout_s:g}s — "
        "raise --timeout or use a smaller model"
    )
