"""The OpenAI-compatible backend: one streamed /v1/chat/completions call over httpx.

Serves llama.cpp's llama-server, vLLM, LM Studio and Ollama's /v1. Wire facts are in
/work/shared/ollama-api.md ("Reasoning in OpenAI-compatible /v1/chat/completions") and realstack.md §2.
Every foreign exception becomes a BackendError in `_translate`; the API key is only ever sent as a
header and never appears in a message. The stream is closed once the answer holds a complete verdict
line (`AnswerStream`), unless the server's prompt count is still needed to detect a silently cut prompt.
"""

from __future__ import annotations

import json
import ssl
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import httpx

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
from tfreview.backends.sse import ServerError, events, payload_error
from tfreview.lazyregex import lazy_compile

CONNECT_TIMEOUT_S = 10.0
# Below this many estimated tokens no server's context can have cut the prompt.
TRUNCATION_CHECK_ABOVE = 1024
IDENTITY_TIMEOUT_S = 30.0
# llama-server and vLLM stamp /v1/models `created` with the time of the request; Ollama with the model's.
REQUEST_CLOCK_S = 600
LLAMA_CPP_FINGERPRINT = lazy_compile(r"^b\d+-")
CONTEXT_HINT = "raise the server's context (llama-server --ctx-size, vLLM --max-model-len) or review a smaller plan"


class _Unfinished(Exception):
    """The stream closed without `data: [DONE]`."""


# Everything the call can raise that is not ours: translated once, in _translate.
_FOREIGN = (httpx.HTTPError, httpx.InvalidURL, ValueError, ServerError, _Unfinished)


@dataclass
class _Stream:
    """What arrived on one streamed chat call."""

    answer: AnswerStream = field(default_factory=AnswerStream)
    finish_reason: str | None = None
    usage: dict[str, Any] = field(default_factory=dict)
    fingerprint: str = ""
    done: bool = False

    def add(self, chunk: dict[str, Any]) -> bool:
        """Accumulate one `chat.completion.chunk` (or a whole completion); True once the verdict line is complete."""
        if chunk.get("usage"):
            self.usage = chunk["usage"]
        self.fingerprint = str(chunk.get("system_fingerprint") or self.fingerprint)
        complete = False
        for choice in chunk.get("choices") or []:
            delta = choice.get("delta") or choice.get("message") or {}
            # llama-server and DeepSeek send reasoning_content; vLLM and Ollama /v1 send reasoning.
            reasoning = delta.get("reasoning_content") or delta.get("reasoning") or ""
            complete = self.answer.add(str(reasoning), str(delta.get("content") or ""))
            self.finish_reason = choice.get("finish_reason") or self.finish_reason
        return complete

    def may_stop(self, prompt: str) -> bool:
        """Whether closing the stream now loses no check: the prompt count is known or cannot matter."""
        # llama.cpp (fingerprint "b<build>-<commit>") refuses a prompt over its context instead of cutting it.
        return (estimate_tokens(prompt) <= TRUNCATION_CHECK_ABOVE or "prompt_tokens" in self.usage
                or LLAMA_CPP_FINGERPRINT.match(self.fingerprint) is not None)


class OpenAIBackend:
    """Ask a model behind an OpenAI-compatible /v1/chat/completions endpoint."""

    name = "openai"

    def chat(self, prompt: str, settings: BackendSettings) -> ModelReply:
        """Send one user message and return the whole answer; raise BackendError on failure."""
        started = time.monotonic()
        try:
            stream = _request(prompt, settings, started + settings.timeout_s)
        except _FOREIGN as exc:
            raise _translate(exc, settings) from exc
        _check_finished(stream, settings)
        _check_prompt_read(prompt, stream.usage.get("prompt_tokens"), settings)
        # Old llama-server builds, --reasoning-format none and models without a reasoning parser
        # leave the <think> block in content, with or without its opening tag.
        reply = stream.answer.reply(prompt_tokens=stream.usage.get("prompt_tokens"),
                                    completion_tokens=stream.usage.get("completion_tokens"),
                                    done_reason=stream.finish_reason)
        return reply.model_copy(update={"duration_s": time.monotonic() - started})

    def identity(self, settings: BackendSettings) -> str:
        """The model id and the metadata GET /v1/models reports for it (all models when it is not listed)."""
        try:
            return models_identity(settings)
        except _FOREIGN as exc:
            raise _translate(exc, settings) from exc


def models_identity(settings: BackendSettings) -> str:
    """Canonical JSON of the server's /models entry for settings.model, request timestamps left out."""
    connect = min(CONNECT_TIMEOUT_S, settings.timeout_s)
    timeout = httpx.Timeout(min(settings.timeout_s, IDENTITY_TIMEOUT_S), connect=connect)
    headers = {"Authorization": f"Bearer {settings.api_key}"} if settings.api_key else {}
    url = chat_url(settings.host).removesuffix("/chat/completions") + "/models"
    with httpx.Client(timeout=timeout, verify=_tls()) as client:
        response = client.get(url, headers=headers)
    if response.status_code >= 400:
        raise ServerError(response.status_code, payload_error(response.content))
    listed = response.json().get("data")
    if not isinstance(listed, list):
        raise ValueError("a /models reply without a `data` list")
    entries = [_stable(e) for e in listed if isinstance(e, dict)]
    mine = [e for e in entries if e.get("id") == settings.model]
    return "openai:" + json.dumps({"model": settings.model, "served": mine or entries}, sort_keys=True)


def _stable(entry: dict[str, Any]) -> dict[str, Any]:
    """ENTRY without a `created` that is the time of the request (llama-server, vLLM), not of the weights."""
    created = entry.get("created")
    if isinstance(created, int | float) and abs(time.time() - created) < REQUEST_CLOCK_S:
        return {k: v for k, v in entry.items() if k != "created"}
    return entry


def chat_url(base_url: str) -> str:
    """The chat endpoint under BASE_URL; a bare server URL gets the usual /v1."""
    base = base_url.strip().rstrip("/")
    if base.endswith("/chat/completions"):
        return base
    if "://" in base and "/" not in base.split("://", 1)[1]:
        base += "/v1"
    return base + "/chat/completions"


def request_body(prompt: str, settings: BackendSettings) -> dict[str, Any]:
    """The JSON body of one chat call."""
    return {
        "model": settings.model,
        # DeepSeek-R1 guidance: no system prompt, every instruction in the user turn.
        "messages": [{"role": "user", "content": prompt}],
        "stream": True,
        "stream_options": {"include_usage": True},
        "max_tokens": settings.num_predict,
        "temperature": settings.temperature,
    }


def _headers(settings: BackendSettings) -> dict[str, str]:
    # Reusing a keep-alive connection after an SSE stream breaks on llama-server (realstack.md §2).
    headers = {"Accept": "text/event-stream", "Connection": "close"}
    if settings.api_key:
        headers["Authorization"] = f"Bearer {settings.api_key}"
    return headers


def _request(prompt: str, settings: BackendSettings, deadline: float) -> _Stream:
    """Run the call; enforce the overall deadline between events, as a trickle never times out."""
    timeout = httpx.Timeout(settings.timeout_s, connect=min(CONNECT_TIMEOUT_S, settings.timeout_s))
    stream = _Stream()
    with httpx.Client(timeout=timeout, verify=_tls()) as client, client.stream(
        "POST", chat_url(settings.host), json=request_body(prompt, settings), headers=_headers(settings)
    ) as response:
        if response.status_code >= 400:
            response.read()
            raise ServerError(response.status_code, payload_error(response.content))
        for chunk in _chunks(response):
            # Leaving the block closes the connection, and the server cancels the generation.
            if stream.add(chunk) and stream.finish_reason is None and stream.may_stop(prompt):
                stream.answer.closed = True
                break
            if time.monotonic() > deadline:
                raise errors.BackendTimeout(_timeout_message(settings))
        stream.done = True
    return stream


@cache
def _tls() -> ssl.SSLContext:
    """One TLS context for every call: building one loads the CA bundle, ~50 ms of CPU each time."""
    return httpx.create_ssl_context()


def _chunks(response: httpx.Response) -> Iterator[dict[str, Any]]:
    """The JSON chunks of an SSE stream; a plain JSON body (stream ignored) counts as one chunk."""
    if "text/event-stream" not in response.headers.get("content-type", ""):
        body = json.loads(response.read())
        if not isinstance(body, dict) or "choices" not in body:
            raise ValueError("a 200 reply that is no chat completion")
        yield body
        return
    finished = False
    for event in events(response.iter_lines()):
        if event == "[DONE]":
            finished = True
            break
        yield event
    if not finished:
        raise _Unfinished


def _check_finished(stream: _Stream, settings: BackendSettings) -> None:
    if stream.answer.closed:
        return
    # At the token limit the text is kept (the verdict parse names the cause), unless it holds a verdict
    # line the stop did not trust: that may sit inside unfinished reasoning.
    if stream.finish_reason == "length" and stream.answer.unfinished_verdict():
        raise errors.BadReply(length_error(f"max_tokens {settings.num_predict}"))
    if stream.finish_reason is None:
        raise errors.BadReply(
            f"the stream from {settings.host} ended before the model finished (no finish_reason) — "
            "check the server log and retry"
        )


def _check_prompt_read(prompt: str, prompt_tokens: Any, settings: BackendSettings) -> None:
    """Fail when the server silently cut the prompt (Ollama's /v1 cannot be given num_ctx)."""
    expected = estimate_tokens(prompt)
    if not isinstance(prompt_tokens, int) or expected <= TRUNCATION_CHECK_ABOVE:
        return
    if prompt_tokens < expected * TRUNCATION_RATIO:
        raise errors.BadReply(
            f"the server read only {prompt_tokens} of ~{expected} prompt tokens (it truncated the prompt) — "
            f"{CONTEXT_HINT}"
        )


def _translate(exc: Exception, settings: BackendSettings) -> errors.BackendError:
    """Turn an exception from httpx, json or the server into a BackendError."""
    host = settings.host
    if isinstance(exc, errors.BackendError):
        return exc
    if isinstance(exc, ServerError):
        return _translate_status(exc, settings)
    if isinstance(exc, (httpx.ConnectError, httpx.ConnectTimeout)):
        return errors.BackendUnavailable(
            f"cannot reach the OpenAI-compatible server at {host} — start llama-server or pass --base-url"
        )
    if isinstance(exc, httpx.TimeoutException):
        return errors.BackendTimeout(_timeout_message(settings))
    if isinstance(exc, httpx.InvalidURL | httpx.UnsupportedProtocol):
        return errors.BackendUnavailable(f"invalid --base-url {host!r} ({exc}) — use e.g. http://127.0.0.1:8080/v1")
    if isinstance(exc, httpx.HTTPError):
        return errors.BadReply(
            f"the connection to {host} broke mid-answer ({one_line(exc)}) — check the server log and retry"
        )
    if isinstance(exc, _Unfinished):
        return errors.BadReply(
            f"the stream from {host} ended before `data: [DONE]` — the server may have crashed; check its log"
        )
    return errors.BadReply(
        f"{host} sent a reply that is not OpenAI-compatible chat JSON ({one_line(exc)}) — "
        "check that --base-url points at /v1 of an OpenAI-compatible server"
    )


def _translate_status(exc: ServerError, settings: BackendSettings) -> errors.BackendError:
    """Map an HTTP status (0 for an error event inside a 200 stream) to a BackendError."""
    host, model, code, text = settings.host, settings.model, exc.status, one_line(exc.message)
    if settings.api_key:  # some servers echo the key they refused
        text = text.replace(settings.api_key, "(api key)")
    lowered = text.lower()
    if code == 0:
        return errors.BadReply(f"the server failed mid-answer: {text} — check its log and retry")
    if code in (401, 403):
        return errors.BackendError(
            f"{host} refused the request (HTTP {code}: {text}) — set TFREVIEW_API_KEY or pass --api-key"
        )
    if code == 404 and "model" in lowered:
        return errors.ModelNotFound(f"model {model} not found on {host} ({text}) — check --model against {host}/models")
    if code == 404:
        return errors.BackendError(
            f"{host} answered HTTP 404 ({text}) — check that --base-url is the /v1 URL of an OpenAI-compatible server"
        )
    if "context" in lowered and any(w in lowered for w in ("exceed", "length", "too long", "maximum")):
        return errors.BadReply(f"the prompt does not fit the server's context ({text}) — {CONTEXT_HINT}")
    if code in (429, 503):
        return errors.BackendError(f"{host} is busy or still loading (HTTP {code}: {text}) — retry later")
    if code >= 500:
        return errors.BackendError(f"{host} failed (HTTP {code}: {text}) — check the server log")
    return errors.BackendError(f"{host} rejected the request (HTTP {code}: {text})")


def _timeout_message(settings: BackendSettings) -> str:
    return (
        f"the OpenAI-compatible server at {settings.host} did not finish within {settings.timeout_s:g}s — "
        "raise --timeout or use a smaller model"
    )
