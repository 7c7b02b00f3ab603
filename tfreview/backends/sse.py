"""Server-sent events as OpenAI-compatible servers stream them, and their error bodies.

An event is one or more `data:` lines ended by a blank line (RFC 8895 / WHATWG). llama-server, vLLM and
Ollama send one JSON object per event and end with `data: [DONE]`. Errors after the stream started
come as `data: {"error": ...}` (current servers) or as an `error: {...}` line (older llama-server).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

DONE = "[DONE]"


class ServerError(Exception):
    """The server said no: an HTTP status, or 0 for an error event inside a 200 stream."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(f"HTTP {status}: {message}")
        self.status = status
        self.message = message


def events(lines: Iterable[str]) -> Iterator[Any]:
    """Decoded JSON payloads of an SSE stream, and DONE for `[DONE]`; raise ServerError on an error event."""
    data: list[str] = []
    for line in lines:
        if not line:
            if data:
                yield _decode("\n".join(data))
            data = []
        elif line.startswith("data:"):
            data.append(line[5:].removeprefix(" "))
        elif line.startswith("error:"):
            raise ServerError(0, payload_error(line[6:].strip().encode()))
        # `event:`, `id:`, `retry:` and `:` comment lines carry nothing tfreview needs.
    if data:
        yield _decode("\n".join(data))


def _decode(text: str) -> Any:
    if text.strip() == DONE:
        return DONE
    payload = json.loads(text)
    if isinstance(payload, dict) and ("error" in payload or payload.get("object") == "error"):
        raise ServerError(0, _message(payload))
    return payload


def payload_error(raw: bytes) -> str:
    """The human message of an error body, whatever shape the server gave it."""
    try:
        payload = json.loads(raw)
    except ValueError:
        return raw.decode(errors="replace").strip() or "(empty body)"
    return _message(payload) if isinstance(payload, dict) else str(payload)


def _message(payload: dict[str, Any]) -> str:
    # OpenAI / llama-server / Ollama /v1: {"error": {"message": ...}}; Ollama native: {"error": "..."};
    # older vLLM: {"object": "error", "message": ...}; FastAPI routes: {"detail": ...}.
    error = payload.get("error", payload)
    if isinstance(error, dict):
        return str(error.get("message") or error.get("detail") or json.dumps(error))
    return str(error)
