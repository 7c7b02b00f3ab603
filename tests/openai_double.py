"""A wire-faithful OpenAI-compatible server double on pytest-httpserver, in three dialects.

`llama`: llama.cpp's llama-server (shapes captured from xllamacpp 2026.10.11549): compact JSON in the key
order choices, created, id, model, system_fingerprint, object; a first delta of role and `content: null`;
`reasoning_content` deltas; finish_reason on its own chunk with an empty delta; with
`stream_options.include_usage` a last chunk with `choices: []`, usage and `timings`.
`vllm`: `reasoning` deltas, `logprobs: null`, a final content delta carrying finish_reason and
stop_reason, then a usage chunk. `ollama`: Ollama's /v1 middleware (Go-escaped JSON, `reasoning`,
`system_fingerprint: "fp_ollama"`, silent truncation at the server's context). Facts: ollama-api.md.
"""

from __future__ import annotations

import functools
import json
import math
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from tests.ollama_double import Recorded, go_json, tokens
from tfreview.backends.base import BackendSettings

DIALECTS = ("llama", "vllm", "ollama")
REASONING = "The plan adds a tag and narrows one ingress rule.\nNothing is destroyed.\n"
ANSWER = "Only tags and a narrower rule change.\n\nVERDICT: LIKELY SAFE"
SSE = "text/event-stream"
JSON = "application/json; charset=utf-8"
Handler = Callable[[Request, Any], Response]


@dataclass
class Reply:
    """What one streamed answer consists of."""

    reasoning: str = REASONING
    content: str = ANSWER
    finish_reason: str | None = "stop"
    done: bool = True  # send `data: [DONE]`
    error: dict[str, Any] | None = None  # an error event after the content
    legacy_error: bool = False  # old llama-server: an `error: {...}` line
    delay_s: float = 0.0


class OpenAIDouble:
    """Routes /v1/* to a scenario in one dialect; records what the client sent."""

    def __init__(self, server: HTTPServer, dialect: str = "llama") -> None:
        self.server = server
        self.dialect = dialect
        self.requests: list[Recorded] = []
        self.context = 4096  # the server's context; longer prompts fail (llama, vllm) or are cut (ollama)
        self.slots: int | None = None  # llama-server's GET /props total_slots (n_parallel), when set
        self.served = "deepseek-r1:8b"  # the model GET /v1/models lists
        self.weights = 1  # which weights it serves: a change alters the metadata /v1/models reports
        self.models_down = False  # GET /v1/models answers 503 (a server still loading)
        self._chat: Handler = self._streamer(Reply())
        server.expect_request(re.compile(".*")).respond_with_handler(self._dispatch)

    @property
    def url(self) -> str:
        """The base URL to pass as --base-url."""
        return f"http://{self.server.host}:{self.server.port}/v1"

    def settings(self, **overrides: Any) -> BackendSettings:
        """BackendSettings pointed at this double (short timeout so failing tests stay fast)."""
        return BackendSettings(**{"host": self.url, "timeout_s": 10.0, **overrides})

    @property
    def chat_bodies(self) -> list[Any]:
        """Decoded JSON bodies of every POST /v1/chat/completions, in order."""
        return [r.json for r in self.requests if r.path == "/v1/chat/completions"]

    # --- scenarios ---------------------------------------------------------------------------

    def reply(self, reasoning: str = REASONING, content: str = ANSWER, **options: Any) -> None:
        """Answer with reasoning in the dialect's field, then content."""
        self._chat = self._streamer(Reply(reasoning, content, **options))

    def think_in_content(self, content: str) -> None:
        """No reasoning parser (--reasoning-format none, old builds): raw <think> text in content."""
        self._chat = self._streamer(Reply("", content))

    def error(self, status: int, message: str, kind: str = "invalid_request_error") -> None:
        """Answer every chat with an HTTP status and the dialect's error body."""
        self._chat = lambda request, body: self._error(status, message, kind)

    def model_missing(self) -> None:
        """404 for an unknown model (vLLM, Ollama; llama-server serves any name)."""
        self._chat = lambda request, body: self._error(404, self._missing(str(body.get("model"))), "NotFoundError")

    def error_in_stream(self, partial: str, message: str, *, legacy: bool = False) -> None:
        """Stream some content, then an error event and EOF."""
        error = {"code": 500, "message": message, "type": "server_error"}
        self._chat = self._streamer(Reply("", partial, None, done=False, error=error, legacy_error=legacy))

    def cut(self, partial: str, *, finish_reason: str | None = None, done: bool = False) -> None:
        """Stream some content and close cleanly, leaving out what the flags say."""
        self._chat = self._streamer(Reply("", partial, finish_reason, done=done))

    def garbage(self) -> None:
        """A 200 HTML page: a proxy instead of a model server."""
        page = "<!DOCTYPE html>\n<html><head><title>Welcome to nginx!</title></head></html>\n"
        self._chat = lambda request, body: Response(page, headers={"Content-Type": "text/html"})

    def non_stream(self, content: str = ANSWER, reasoning: str = REASONING) -> None:
        """A server that ignores `stream: true` and sends one chat.completion JSON body."""
        def handler(request: Request, body: Any) -> Response:
            message = {"role": "assistant", "content": content, self._reasoning_key(): reasoning}
            choice = {"index": 0, "message": message, "finish_reason": "stop"}
            return Response(self._dump(self._wrap([choice], body, "chat.completion")), headers={"Content-Type": JSON})
        self._chat = handler

    def lines(self, *raw: str) -> None:
        """Send exactly this SSE text."""
        self._chat = lambda request, body: Response(iter([r.encode() for r in raw]), headers={"Content-Type": SSE})

    def cut_mid_chunk(self, partial: str = "The plan replaces") -> None:
        """Stream one event, then drop the connection inside an HTTP chunk and a JSON object."""
        def handler(request: Request, body: Any) -> Response:
            sock = request.environ["werkzeug.socket"]
            event = self._event([self._choice({"content": partial})], body)

            def cut() -> Iterator[bytes]:
                yield event.encode()
                sock.sendall(b"200\r\n" + event[: len(event) // 3].encode())
                raise ConnectionResetError("openai double: connection cut mid-chunk")

            return Response(cut(), headers={"Content-Type": SSE})

        self._chat = handler

    def stall(self, seconds: float) -> None:
        """Wait before sending any byte, then answer normally."""
        stream = self._streamer(Reply())

        def handler(request: Request, body: Any) -> Response:
            time.sleep(seconds)
            return stream(request, body)

        self._chat = handler

    # --- plumbing ----------------------------------------------------------------------------

    def _dispatch(self, request: Request) -> Response:
        raw = request.get_data()
        self.requests.append(Recorded(request.method, request.path, dict(request.headers), raw))
        if request.path == "/props" and self.slots is not None and self.dialect == "llama":
            return Response(self._dump({"total_slots": self.slots, "model_path": "/models/r1.gguf"}),
                            headers={"Content-Type": JSON})
        if request.method == "GET" and request.path in self._models_paths():
            if self.models_down:
                return self._error(503, "Loading model", "unavailable_error")
            return Response(self._dump(self._models()), headers={"Content-Type": JSON})
        if request.path != "/v1/chat/completions":
            return self._error(404, "File Not Found" if self.dialect == "llama" else "Not Found", "not_found_error")
        try:
            body = json.loads(raw)
        except ValueError:
            return self._error(400, "[json.exception.parse_error.101] parse error", "invalid_request_error")
        tokens_in = math.ceil(len(json.dumps(body.get("messages"))) / 3.5)
        if tokens_in > self.context and self.dialect != "ollama":
            return self._error(400, self._too_long(tokens_in), "exceed_context_size_error")
        return self._chat(request, body)

    def _streamer(self, reply: Reply) -> Handler:
        def handler(request: Request, body: Any) -> Response:
            events = list(self._events(body, reply))
            return Response(_paced(events, reply.delay_s), headers={"Content-Type": SSE})

        return handler

    def _events(self, body: dict[str, Any], reply: Reply) -> Iterator[str]:
        key = self._reasoning_key()
        first = {"role": "assistant", "content": None if self.dialect == "llama" else ""}
        yield self._event([self._choice(first)], body)
        for piece in tokens(reply.reasoning):
            yield self._event([self._choice({key: piece} if self.dialect != "ollama" else {"content": "", key: piece})],
                              body)
        for piece in tokens(reply.content):
            yield self._event([self._choice({"content": piece})], body)
        if reply.error is not None:
            if reply.legacy_error:  # llama-server before the error moved into a data event
                yield "error: " + self._dump(reply.error) + "\n\n"
            else:
                yield "data: " + self._dump({"error": reply.error}) + "\n\n"
            return
        if reply.finish_reason is not None:
            yield self._event([self._finish(reply.finish_reason)], body)
        if (body.get("stream_options") or {}).get("include_usage"):
            yield self._event([], body, usage=self._usage(body, reply))
        if reply.done:
            yield "data: [DONE]\n\n"

    def _choice(self, delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
        if self.dialect == "llama":
            return {"finish_reason": finish, "index": 0, "delta": delta}
        if self.dialect == "vllm":
            return {"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}
        return {"index": 0, "delta": delta, "finish_reason": finish}

    def _finish(self, reason: str) -> dict[str, Any]:
        if self.dialect == "vllm":
            return {**self._choice({"content": ""}, reason), "stop_reason": None}
        return self._choice({}, reason)

    def _event(self, choices: list[dict[str, Any]], body: dict[str, Any], **extra: Any) -> str:
        return "data: " + self._dump(self._wrap(choices, body, "chat.completion.chunk", **extra)) + "\n\n"

    def _wrap(self, choices: list[Any], body: dict[str, Any], kind: str, **extra: Any) -> dict[str, Any]:
        model, created, ident = str(body.get("model")), 1795656594, "chatcmpl-4C7eRcYcqsuhlIgVMjq9v3O9OMLRkLM8"
        if self.dialect == "llama":
            return {"choices": choices, "created": created, "id": ident, "model": model,
                    "system_fingerprint": "b0-unknown", "object": kind, **extra}
        if self.dialect == "vllm":
            return {"id": ident, "object": kind, "created": created, "model": model, "choices": choices, **extra}
        return {"id": "chatcmpl-361", "object": kind, "created": created, "model": model,
                "system_fingerprint": "fp_ollama", "choices": choices, **extra}

    def _usage(self, body: dict[str, Any], reply: Reply) -> dict[str, Any]:
        prompt = math.ceil(len(json.dumps(body.get("messages"))) / 3.5)
        if self.dialect == "ollama" and prompt > self.context:
            prompt = self.context // 2 + 2  # Ollama cuts silently and reports what it kept
        completion = len(tokens(reply.reasoning)) + len(tokens(reply.content))
        usage = {"completion_tokens": completion, "prompt_tokens": prompt, "total_tokens": prompt + completion}
        if self.dialect == "llama":
            usage["prompt_tokens_details"] = {"cached_tokens": 0}
        return usage

    def _models_paths(self) -> tuple[str, ...]:
        return ("/v1/models", "/models") if self.dialect == "llama" else ("/v1/models",)

    def _models(self) -> dict[str, Any]:
        """GET /v1/models as each server shapes it: `created` is the request's time except on Ollama."""
        now, name = int(time.time()), self.served
        if self.dialect == "llama":  # xllamacpp 2026.10.11549, captured
            meta = {"vocab_type": 2, "n_vocab": 152064, "n_ctx": self.context, "n_ctx_train": 131072,
                    "n_embd": 4096, "n_params": 8030261248 + self.weights, "size": 4920734720 + self.weights,
                    "ftype": "Q4_K_M"}
            return {"models": [{"name": name, "model": name, "modified_at": "", "size": "", "digest": "",
                                "type": "model", "details": {"format": "gguf"}}],
                    "object": "list",
                    "data": [{"id": name, "aliases": [name], "tags": [], "object": "model", "created": now,
                              "owned_by": "llamacpp", "meta": meta}]}
        if self.dialect == "vllm":
            return {"object": "list", "data": [{"id": name, "object": "model", "created": now, "owned_by": "vllm",
                                                "root": f"/models/r1-v{self.weights}", "parent": None,
                                                "max_model_len": self.context}]}
        # Ollama: `created` is the model's modified_at, so a re-pull changes it.
        return {"object": "list", "data": [{"id": name, "object": "model", "created": 1764000000 + self.weights,
                                            "owned_by": "library"}]}

    def _dump(self, obj: Any) -> str:
        if self.dialect == "ollama":
            return go_json(obj)
        return json.dumps(obj, separators=(",", ":"), ensure_ascii=False)

    def _reasoning_key(self) -> str:
        return "reasoning_content" if self.dialect == "llama" else "reasoning"

    def _error(self, status: int, message: str, kind: str) -> Response:
        error: dict[str, Any] = {"code": status, "message": message, "type": kind}
        if self.dialect != "llama":
            code = status if self.dialect == "vllm" else None
            error = {"message": message, "type": kind, "param": None, "code": code}
        return Response(self._dump({"error": error}), status=status, headers={"Content-Type": JSON})

    def _missing(self, model: str) -> str:
        if self.dialect == "ollama":
            return f'model "{model}" not found, try pulling it first'
        return f"The model `{model}` does not exist."

    def _too_long(self, count: int) -> str:
        if self.dialect == "vllm":
            return (f"This model's maximum context length is {self.context} tokens. However, your request has "
                    f"{count} input tokens. Please reduce the length of the input messages.")
        return f"request ({count} tokens) exceeds the available context size ({self.context} tokens), try increasing it"


def _paced(events: list[str], delay_s: float) -> Iterator[bytes]:
    for event in events:
        if delay_s:
            time.sleep(delay_s)
        yield event.encode()


@functools.cache
def _server() -> HTTPServer:
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.start()
    return server


@pytest.fixture(params=DIALECTS)
def openai(request: pytest.FixtureRequest) -> Iterator[OpenAIDouble]:
    """A fresh OpenAI-compatible double, once per dialect (llama-server, vLLM, Ollama /v1)."""
    server = _server()
    server.clear()
    yield OpenAIDouble(server, request.param)
    try:
        server.check_handler_errors()
    finally:
        server.clear()
