"""A wire-faithful Ollama server double on pytest-httpserver.

Every shape follows /work/shared/ollama-api.md (cited as §n): Go-escaped compact JSON, NDJSON
streams, omitempty fields, errors as an HTTP status or as an {"error"} line inside a 200 stream.
Use the `ollama` fixture; configure a scenario with a `chat_*` method, then inspect `chat_bodies`.
"""

from __future__ import annotations

import functools
import hashlib
import json
import math
import re
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from tfreview.backends.base import BackendSettings

DEFAULT_MODEL = "deepseek-r1:8b"
HF_MODEL = "hf.co/unsloth/DeepSeek-R1-Distill-Llama-8B-GGUF:Q8_0"
SERVER_VERSION = "0.13.5"
DEFAULT_NUM_CTX = 4096  # server default for 0.6.7-0.15.4 on small GPUs (§2c)
NDJSON = "application/x-ndjson"
JSON = "application/json; charset=utf-8"
PLAIN = "text/plain; charset=utf-8"
# Layer sizes of deepseek-r1:8b: model, template, license, params, config (§4, real pull output).
PULL_LAYERS = (5_225_373_760, 556, 1065, 179, 487)

THINKING = (
    "Okay, the plan changes one security group rule and adds a tag.\n"
    "Nothing is destroyed or replaced, and no IAM policy changes.\n"
)
ANSWER = (
    "The plan only adds a tag and narrows an ingress rule to the VPC range.\n\nVERDICT: LIKELY SAFE"
)

Handler = Callable[[Request, Any], Response]


def go_json(obj: Any) -> str:
    """Encode like Go's encoding/json: compact, raw UTF-8, HTML characters escaped (§0)."""
    text = json.dumps(obj, separators=(",", ":"), ensure_ascii=False)
    for char, escape in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        text = text.replace(char, escape)
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def created_at() -> str:
    """Now as Go's RFC3339Nano in UTC, trailing zeros of the fraction trimmed (§0)."""
    ns = time.time_ns()
    stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ns // 1_000_000_000))
    fraction = f"{ns % 1_000_000_000:09d}".rstrip("0")
    return f"{stamp}.{fraction}Z" if fraction else f"{stamp}Z"


def tokens(text: str) -> list[str]:
    """Cut text into token-sized pieces, leading whitespace attached, as a model streams it."""
    return re.findall(r"\s*\S{1,6}|\s+", text)


def json_response(obj: Any, status: int = 200) -> Response:
    """A gin c.JSON body: Go-escaped, no trailing newline (§0)."""
    return Response(go_json(obj), status=status, headers={"Content-Type": JSON})


def error_response(status: int, message: str) -> Response:
    """An {"error": ...} body with its HTTP status (§3)."""
    return json_response({"error": message}, status)


@dataclass
class Recorded:
    """One request the double received."""

    method: str
    path: str
    headers: dict[str, str]
    raw: bytes

    @property
    def json(self) -> Any:
        """The decoded JSON body, or None when it is not JSON."""
        try:
            return json.loads(self.raw)
        except ValueError:
            return None


@dataclass
class _Reply:
    """What one streamed chat answer consists of."""

    thinking: str = ""
    content: str = ""
    done: bool = True
    done_reason: str = "stop"
    prompt_eval_count: int | None = None
    count_prompt: bool = True  # compute prompt_eval_count like a server instead
    error: str | None = None
    delay_s: float = 0.0


class OllamaDouble:
    """Routes every request to a scenario; records what the client sent."""

    def __init__(self, server: HTTPServer) -> None:
        self.server = server
        self.requests: list[Recorded] = []
        self._chat: Handler = self._streamer(_Reply(THINKING, ANSWER))
        # The model a chat is served from is pulled, so /api/tags lists it (as a real server would).
        self._models: list[dict[str, Any]] = [_tag_entry(DEFAULT_MODEL)]
        self._shows: dict[str, dict[str, Any]] = {}
        self._version = SERVER_VERSION
        self._pull: Handler = self._puller(PULL_LAYERS, steps=3)
        server.expect_request(re.compile(".*")).respond_with_handler(self._dispatch)

    # --- addresses and what the client sent -------------------------------------------------

    @property
    def url(self) -> str:
        """Base URL to pass as the Ollama host."""
        return f"http://{self.server.host}:{self.server.port}"

    def settings(self, **overrides: Any) -> BackendSettings:
        """BackendSettings pointed at this double (short timeout so failing tests stay fast)."""
        return BackendSettings(**{"host": self.url, "timeout_s": 10.0, **overrides})

    @property
    def chat_bodies(self) -> list[Any]:
        """Decoded JSON bodies of every POST /api/chat, in order."""
        return [r.json for r in self.requests if r.path == "/api/chat"]

    @property
    def pull_bodies(self) -> list[Any]:
        """Decoded JSON bodies of every POST /api/pull, in order."""
        return [r.json for r in self.requests if r.path == "/api/pull"]

    # --- chat scenarios ----------------------------------------------------------------------

    def chat_thinking(
        self,
        thinking: str = THINKING,
        content: str = ANSWER,
        *,
        done_reason: str = "stop",
        delay_s: float = 0.0,
    ) -> None:
        """A thinking-capable model: `thinking` lines, then `content` lines, then the done line."""
        self._chat = self._streamer(
            _Reply(thinking, content, done_reason=done_reason, delay_s=delay_s)
        )

    def chat_raw_content(self, content: str, *, legacy_error: bool = False) -> None:
        """A model that cannot think (§2a): think:true gets 400, else raw <think> in content."""
        stream = self._streamer(_Reply("", content))

        def handler(request: Request, body: Any) -> Response:
            if body.get("think") not in (None, False):
                return error_response(400, _think_error(body["model"], legacy_error))
            return stream(request, body)

        self._chat = handler

    def chat_error(self, status: int, message: str) -> None:
        """Answer every chat with an HTTP status and an {"error"} body."""
        self._chat = lambda request, body: error_response(status, message)

    def chat_model_missing(self) -> None:
        """404 for a model that was never pulled; the name echoes the request verbatim (§3)."""
        self._chat = lambda request, body: error_response(404, f"model '{body['model']}' not found")

    def chat_busy(self) -> None:
        """503 from a full request queue (§3, two spaces in the message)."""
        self.chat_error(503, "server busy, please try again.  maximum pending requests exceeded")

    def chat_error_in_stream(self, partial_content: str, message: str) -> None:
        """Stream some content, then an {"error"} line and EOF (error after streaming began, §3)."""
        self._chat = self._streamer(_Reply("", partial_content, done=False, error=message))

    def chat_truncated(self, partial: str) -> None:
        """Stream some content and close cleanly without a done:true line (§5)."""
        self._chat = self._streamer(_Reply("", partial, done=False))

    def chat_cut_mid_chunk(self, partial: str = "The plan replaces") -> None:
        """Stream a little, then drop the connection inside an HTTP chunk and a JSON object."""
        self._chat = self._cutter(partial)

    def chat_garbage(self) -> None:
        """A 200 whose body is not JSON (a proxy page instead of Ollama)."""
        page = "<!DOCTYPE html>\n<html><head><title>Welcome to nginx!</title></head></html>\n"
        self._chat = lambda request, body: Response(page, headers={"Content-Type": "text/html"})

    def chat_lines(self, lines: Iterable[Any]) -> None:
        """Stream exactly these NDJSON lines (dicts are Go-encoded, strings sent as they are)."""
        raw = [(x if isinstance(x, str) else go_json(x)).encode() + b"\n" for x in lines]
        self._chat = lambda request, body: Response(iter(raw), headers={"Content-Type": NDJSON})

    def chat_length(self, loops: int = 200) -> None:
        """Runaway thinking: a long `thinking`, empty content, done_reason "length" (§2c, §6.5)."""
        thinking = "Wait, let me re-check the security group rule once more. " * loops
        self._chat = self._streamer(_Reply(thinking, "", done_reason="length"))

    def chat_with_prompt_eval_count(
        self, count: int | None, content: str = ANSWER, thinking: str = THINKING
    ) -> None:
        """A normal answer whose final line reports this prompt_eval_count (None: omitted)."""
        reply = _Reply(thinking, content, prompt_eval_count=count, count_prompt=False)
        self._chat = self._streamer(reply)

    def chat_stall(self, seconds: float) -> None:
        """Wait before sending any byte, then answer normally."""
        stream = self._streamer(_Reply(THINKING, ANSWER))

        def handler(request: Request, body: Any) -> Response:
            time.sleep(seconds)
            return stream(request, body)

        self._chat = handler

    # --- other endpoints ---------------------------------------------------------------------

    def tags(self, names: Iterable[str]) -> None:
        """Models listed by GET /api/tags (§4)."""
        self._models = [_tag_entry(name) for name in names]

    def repull(self, name: str = DEFAULT_MODEL, weights: str = "v2") -> None:
        """Other weights behind the same name (`ollama pull` of an updated tag): a new digest and modified_at."""
        self._models = [m for m in self._models if m["name"] != _normalize(name)] + [_tag_entry(name, weights)]

    def show(
        self,
        model: str = DEFAULT_MODEL,
        *,
        capabilities: Iterable[str] = ("completion", "thinking"),
        context_length: int = 131072,
        architecture: str = "qwen3",
    ) -> None:
        """Make POST /api/show know this model; others get 404 (§4; model_info always present)."""
        self._shows[_normalize(model)] = _show_payload(
            list(capabilities), context_length, architecture
        )

    def version(self, version: str = SERVER_VERSION) -> None:
        """The version GET /api/version reports."""
        self._version = version

    # --- pull scenarios ----------------------------------------------------------------------

    def pull_layers(self, sizes: Iterable[int] = PULL_LAYERS, *, steps: int = 3) -> None:
        """POST /api/pull succeeds: manifest, per-layer progress, verify, write, success (§4).

        Each layer streams `steps` progress lines; `completed` is left out while it is 0, and a
        layer of `steps=1` is a cached blob (one line, total == completed). The pulled model is
        then listed by /api/tags and known to /api/show.
        """
        self._pull = self._puller(tuple(sizes), steps=steps)

    def pull_missing(self) -> None:
        """An unknown model: stream → 200, "pulling manifest" then an {"error"} line; else 500 (§4)."""
        message = "pull model manifest: file does not exist"

        def handler(request: Request, body: Any) -> Response:
            if body.get("stream") is False:
                return error_response(500, message)
            lines = [{"status": "pulling manifest"}, {"error": message}]
            raw = [go_json(line).encode() + b"\n" for line in lines]
            return Response(iter(raw), headers={"Content-Type": NDJSON})

        self._pull = handler

    def pull_lines(self, lines: Iterable[Any]) -> None:
        """Stream exactly these NDJSON lines from /api/pull (dicts Go-encoded, strings as they are)."""
        raw = [(x if isinstance(x, str) else go_json(x)).encode() + b"\n" for x in lines]
        self._pull = lambda request, body: Response(iter(raw), headers={"Content-Type": NDJSON})

    # --- plumbing ----------------------------------------------------------------------------

    def _dispatch(self, request: Request) -> Response:
        raw = request.get_data()
        self.requests.append(Recorded(request.method, request.path, dict(request.headers), raw))
        routes = self._routes()
        if request.path not in routes:
            return Response(
                "404 page not found", status=404, headers={"Content-Type": "text/plain"}
            )
        handler = routes[request.path].get(request.method)
        if handler is None:
            return Response("405 method not allowed", 405, headers={"Content-Type": "text/plain"})
        return handler(request, _decode(raw))

    def _routes(self) -> dict[str, dict[str, Handler]]:
        running: Handler = lambda request, body: Response(  # noqa: E731
            "Ollama is running", headers={"Content-Type": PLAIN}
        )
        version: Handler = lambda request, body: json_response({"version": self._version})  # noqa: E731
        return {
            "/": {"GET": running, "HEAD": running},
            "/api/version": {"GET": version, "HEAD": version},
            "/api/tags": {"GET": lambda request, body: json_response({"models": self._models})},
            "/api/show": {"POST": self._show},
            "/api/chat": {"POST": self._chat_entry},
            "/api/pull": {"POST": self._pull_entry},
        }

    def _chat_entry(self, request: Request, body: Any) -> Response:
        if not isinstance(body, dict):
            return error_response(400, "missing request body")
        if not body.get("model"):
            return error_response(400, "model is required")
        return self._chat(request, body)

    def _show(self, request: Request, body: Any) -> Response:
        name = _normalize(str((body or {}).get("model", "")))
        if name not in self._shows:
            return error_response(404, f"model '{name}' not found")
        return json_response(self._shows[name])

    def _pull_entry(self, request: Request, body: Any) -> Response:
        if not isinstance(body, dict):
            return error_response(400, "missing request body")
        if not body.get("model"):
            return error_response(400, "model is required")
        return self._pull(request, body)

    def _puller(self, sizes: tuple[int, ...], *, steps: int) -> Handler:
        def handler(request: Request, body: Any) -> Response:
            name = str(body["model"])
            self._register(name)
            if body.get("stream") is False:
                return Response(go_json({"status": "success"}), headers={"Content-Type": "application/json"})
            lines = _pull_lines(name, sizes, steps)
            return Response(_paced(lines, 0.0), headers={"Content-Type": NDJSON})

        return handler

    def _register(self, name: str) -> None:
        """A pulled model is listed by /api/tags and known to /api/show."""
        if all(_normalize(name) != m["name"] for m in self._models):
            self._models.append(_tag_entry(name))
        self._shows.setdefault(_normalize(name), _show_payload(["completion", "thinking"], 131072, "qwen3"))

    def _streamer(self, reply: _Reply) -> Handler:
        def handler(request: Request, body: Any) -> Response:
            lines = _reply_lines(body, reply)
            if body.get("stream") is False:
                return json_response(_aggregate(list(lines)))
            return Response(_paced(lines, reply.delay_s), headers={"Content-Type": NDJSON})

        return handler

    def _cutter(self, partial: str) -> Handler:
        def handler(request: Request, body: Any) -> Response:
            sock = request.environ["werkzeug.socket"]
            line = go_json(_chunk(body["model"], {"role": "assistant", "content": partial}))

            def cut() -> Iterator[bytes]:
                yield (line + "\n").encode()
                # An HTTP chunk announcing 0x200 bytes, a third of a JSON object, then a dead peer.
                sock.sendall(b"200\r\n" + line[: len(line) // 3].encode())
                raise ConnectionResetError("ollama double: connection cut mid-chunk")

            return Response(cut(), headers={"Content-Type": NDJSON})

        return handler


def _decode(raw: bytes) -> Any:
    try:
        return json.loads(raw) if raw else None
    except ValueError:
        return None


def _chunk(model: str, message: dict[str, str], **rest: Any) -> dict[str, Any]:
    """One /api/chat line; key order as Go's ChatResponse (done_reason before done)."""
    line: dict[str, Any] = {"model": model, "created_at": created_at(), "message": message}
    line.update(rest)
    return line


def _reply_lines(body: dict[str, Any], reply: _Reply) -> Iterator[dict[str, Any]]:
    model = body["model"]
    for piece in tokens(reply.thinking):
        yield _chunk(model, {"role": "assistant", "content": "", "thinking": piece}, done=False)
    for piece in tokens(reply.content):
        yield _chunk(model, {"role": "assistant", "content": piece}, done=False)
    if reply.error is not None:
        yield {"error": reply.error}
    if not reply.done:
        return
    evaluated = _prompt_eval_count(body) if reply.count_prompt else reply.prompt_eval_count
    generated = len(tokens(reply.thinking)) + len(tokens(reply.content)) + 3
    yield _chunk(
        model,
        {"role": "assistant", "content": ""},
        done_reason=reply.done_reason,
        done=True,
        **_metrics(evaluated, generated),
    )


def _paced(lines: Iterator[dict[str, Any]], delay_s: float) -> Iterator[bytes]:
    for line in lines:
        if delay_s:
            time.sleep(delay_s)
        yield (go_json(line) + "\n").encode()


def _aggregate(lines: list[dict[str, Any]]) -> dict[str, Any]:
    """The non-stream body: the last line with content and thinking concatenated (§2)."""
    final = dict(lines[-1])
    if "error" in final:
        return final
    content = "".join(x["message"].get("content", "") for x in lines)
    thinking = "".join(x["message"].get("thinking", "") for x in lines)
    final["message"] = {"role": "assistant", "content": content}
    if thinking:
        final["message"]["thinking"] = thinking
    return final


def _metrics(prompt_eval_count: Any, eval_count: int) -> dict[str, int]:
    """The six metrics, omitempty: a None count is left out (§0)."""
    metrics = {
        "total_duration": 4_000_000_000 + eval_count * 45_000_000,
        "load_duration": 21_794_317,
        "prompt_eval_count": prompt_eval_count,
        "prompt_eval_duration": 212_457_000,
        "eval_count": eval_count,
        "eval_duration": eval_count * 45_000_000,
    }
    return {k: v for k, v in metrics.items() if v is not None}


def _prompt_eval_count(body: dict[str, Any]) -> int:
    """Tokens a real server evaluates, cut to about num_ctx/2 when the prompt is too long (§2c)."""
    text = "".join(str(m.get("content", "")) for m in body.get("messages", []))
    count = math.ceil(len(text) / 3.2) + 10
    num_ctx = int((body.get("options") or {}).get("num_ctx", DEFAULT_NUM_CTX))
    return count if count <= num_ctx else num_ctx // 2 + 2


def _pull_lines(name: str, sizes: tuple[int, ...], steps: int) -> Iterator[dict[str, Any]]:
    """The /api/pull progress stream (§4; `server/download.go`, `server/images.go` PullModel)."""
    yield {"status": "pulling manifest"}
    for index, size in enumerate(sizes):
        digest = hashlib.sha256(f"{name}/{index}".encode()).hexdigest()
        status = f"pulling {digest[:12]}"
        for step in range(steps):
            done = size if steps == 1 else size * step // (steps - 1)
            line: dict[str, Any] = {"status": status, "digest": f"sha256:{digest}", "total": size}
            if done:
                line["completed"] = done
            yield line
    yield from ({"status": s} for s in ("verifying sha256 digest", "writing manifest", "success"))


def _think_error(model: str, legacy: bool) -> str:
    """The 400 message for think on a model without the capability (§2a)."""
    if not legacy:
        return f"{json.dumps(model)} does not support thinking"  # Go %q of the request string
    return f"{_normalize(model, registry=True)} does not support thinking"


def _normalize(model: str, *, registry: bool = False) -> str:
    """Add ':latest' like the server does; optionally the registry.ollama.ai/library/ prefix."""
    name = model if ":" in model.rsplit("/", 1)[-1] else f"{model}:latest"
    if registry and "." not in name.split("/", 1)[0]:
        return f"registry.ollama.ai/library/{name}"
    return name


def _tag_entry(name: str, weights: str = "") -> dict[str, Any]:
    name = _normalize(name)
    quant = name.rsplit(":", 1)[-1].upper() if name.startswith("hf.co/") else "Q4_K_M"
    family = "llama" if "llama" in name.lower() else "qwen3"
    return {
        "name": name,
        "model": name,
        "modified_at": datetime.now().astimezone().isoformat(timespec="microseconds"),
        "size": 5_225_376_047,
        "digest": hashlib.sha256((name + weights).encode()).hexdigest(),
        "details": {
            "parent_model": "",
            "format": "gguf",
            "family": family,
            "families": [family],
            "parameter_size": "8.2B",
            "quantization_level": quant,
        },
    }


def _show_payload(capabilities: list[str], context_length: int, arch: str) -> dict[str, Any]:
    return {
        "license": "MIT License",
        "modelfile": '# Modelfile generated by "ollama show"\nFROM /models/blobs/sha256-e6a7\n',
        "parameters": "temperature                    0.6\ntop_p                          0.95",
        "template": (
            "{{- range .Messages }}<\uff5cUser\uff5c>{{ .Content }}<\uff5cAssistant\uff5c>{{ end }}"
        ),
        "details": {"parent_model": "", "format": "gguf", "family": arch, "families": [arch]},
        "model_info": {
            "general.architecture": arch,
            "general.parameter_count": 8_190_735_360,
            f"{arch}.context_length": context_length,
        },
        "tensors": [{"name": "token_embd.weight", "type": "Q4_K", "shape": [4096, 151936]}],
        "capabilities": capabilities,
        "modified_at": datetime.now().astimezone().isoformat(timespec="microseconds"),
    }


@functools.cache
def _server() -> HTTPServer:
    # Threaded, so werkzeug speaks HTTP/1.1 with chunked streams like Go, and a stalled handler
    # does not block the next test. One server for the session; handlers are cleared per test.
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.start()
    return server


@pytest.fixture
def ollama() -> Iterator[OllamaDouble]:
    """A fresh Ollama double; its default chat answers like deepseek-r1 with thinking on."""
    server = _server()
    server.clear()
    yield OllamaDouble(server)
    try:
        server.check_handler_errors()
    finally:
        server.clear()
