"""Model management (`tfreview models`): is the model there and does it fit? Check and pull models on Ollama.

Wire facts are in /work/shared/ollama-api.md (cited as §n): /api/version, /api/tags and /api/show
answer the check (§4); /api/pull streams progress lines, and an error after the stream began is
an {"error"} line inside a 200 (§4, §5). Foreign exceptions are translated at one seam, `_seam`,
with the Ollama backend's translation.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

import httpx
import ollama

from tfreview import errors
from tfreview.backends.base import BackendSettings, one_line
from tfreview.backends.ollama import CONNECT_TIMEOUT_S, FOREIGN_ERRORS, normalize_name, translate_error

# Thinking is split from the answer only from 0.9.0 on (§2a).
THINKING_SINCE = (0, 9, 0)
# /api/version, /api/tags and /api/show answer from metadata; a server this slow to answer is a problem.
CHECK_TIMEOUT_S = 30.0
# Below this the prompt budget (num_ctx minus a 2,048-token answer reserve) squeezes plans hard.
MIN_USEFUL_NUM_CTX = 4096


class Status(str, Enum):
    """The outcome of one check."""

    OK = "ok"
    WARN = "warn"
    FAIL = "fail"
    SKIP = "skipped"


@dataclass(frozen=True)
class Check:
    """One row of `tfreview models check`."""

    name: str
    status: Status
    detail: str


@dataclass
class CheckReport:
    """Every check made against one server and model."""

    host: str
    model: str
    num_ctx: int
    checks: list[Check] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Whether nothing failed (warnings allowed)."""
        return all(c.status is not Status.FAIL for c in self.checks)


@dataclass(frozen=True)
class PullEvent:
    """One progress line of /api/pull."""

    status: str
    digest: str | None = None
    completed: int | None = None
    total: int | None = None


def check_model(settings: BackendSettings) -> CheckReport:
    """Check server, model presence, thinking capability and context length; never raises for the server."""
    report = CheckReport(settings.host, settings.model, settings.num_ctx)
    steps: list[Callable[[BackendSettings], list[Check]]] = [_check_server, _check_present, _check_show]
    for step in steps:
        try:
            report.checks.extend(step(settings))
        except errors.BackendError as exc:
            report.checks.append(Check(_STEP_NAMES[step], Status.FAIL, str(exc)))
        if not report.ok:
            break
    done = {c.name for c in report.checks}
    report.checks += [Check(name, Status.SKIP, "not checked") for name in _ALL_NAMES if name not in done]
    return report


def pull_model(settings: BackendSettings, on_event: Callable[[PullEvent], None]) -> None:
    """Pull settings.model through /api/pull, reporting every progress line; BackendError on failure."""
    with _seam(settings, pulling=True), _client(settings, pulling=True) as client:
        last = ""
        for part in client.pull(settings.model, stream=True):
            last = part.status or last
            on_event(PullEvent(last, part.digest, part.completed, part.total))
    if last != "success":
        raise errors.BadReply(
            f"the pull of {settings.model} ended before `success` — retry; Ollama resumes partial downloads"
        )


def _check_server(settings: BackendSettings) -> list[Check]:
    timeout = _timeout(min(settings.timeout_s, CHECK_TIMEOUT_S))
    # ollama-python has no /api/version call (§4), so this one request goes through httpx.
    with _seam(settings), httpx.Client(timeout=timeout, headers=_headers(settings)) as http:
        response = http.get(f"{settings.host.rstrip('/')}/api/version")
    try:
        version = str(response.json()["version"])
    except (ValueError, KeyError, TypeError):
        return [Check("server", Status.FAIL, f"{settings.host} answered HTTP {response.status_code} without an "
                                             "Ollama version — check that --host is an Ollama server")]
    if _version_tuple(version) < THINKING_SINCE:
        return [Check("server", Status.WARN, f"Ollama {version} at {settings.host} — upgrade to 0.9 or later "
                                             "so reasoning arrives apart from the answer")]
    return [Check("server", Status.OK, f"Ollama {version} at {settings.host}")]


def _check_present(settings: BackendSettings) -> list[Check]:
    with _seam(settings), _client(settings) as client:
        names = [m.model or "" for m in client.list().models]
    wanted = normalize_name(settings.model)
    if any(normalize_name(name) == wanted for name in names):
        return [Check("model", Status.OK, f"{settings.model} is on the server")]
    family = wanted.split(":", 1)[0]
    similar = [n for n in names if normalize_name(n).split(":", 1)[0] == family][:5]
    hint = f" (it has {', '.join(similar)})" if similar else ""
    detail = f"{settings.model} is not on {settings.host}{hint} — run `tfreview models pull {settings.model}`"
    return [Check("model", Status.FAIL, detail)]


def _check_show(settings: BackendSettings) -> list[Check]:
    with _seam(settings), _client(settings) as client:
        shown = client.show(settings.model)
    info: dict[str, Any] = dict(shown.modelinfo or {})
    return [_thinking(shown.capabilities), context_check(info, settings.num_ctx)]


def _thinking(capabilities: list[str] | None) -> Check:
    if capabilities is None:
        return Check("thinking", Status.WARN, "the server reports no capabilities (Ollama before 0.6.4?) — upgrade")
    if "completion" not in capabilities:
        return Check("thinking", Status.FAIL, f"not a chat model (capabilities: {', '.join(capabilities)}) "
                                               "— pick a DeepSeek-R1 distill with --model")
    if "thinking" not in capabilities:
        return Check("thinking", Status.WARN, "no thinking capability: reasoning is read from <think> in the "
                                               "answer (usual for hf.co GGUFs; `tfreview modelfile` adds it)")
    return Check("thinking", Status.OK, "supported: reasoning arrives apart from the answer")


def context_check(info: dict[str, Any], num_ctx: int) -> Check:
    arch = info.get("general.architecture")
    trained = info.get(f"{arch}.context_length") if arch else None
    if not isinstance(trained, int):
        return Check("context", Status.WARN, f"num_ctx {num_ctx}; the model does not report its context length")
    if num_ctx > trained:
        return Check("context", Status.FAIL, f"num_ctx {num_ctx} exceeds the model's context of {trained} "
                                              f"tokens — use --num-ctx {trained} or less")
    if num_ctx < MIN_USEFUL_NUM_CTX:
        return Check("context", Status.WARN, f"num_ctx {num_ctx} of {trained} leaves little room for the plan "
                                              "after the 2048-token answer reserve — use --num-ctx 8192")
    return Check("context", Status.OK, f"num_ctx {num_ctx} fits the model's {trained} tokens")


_STEP_NAMES: dict[Callable[[BackendSettings], list[Check]], str] = {
    _check_server: "server", _check_present: "model", _check_show: "thinking",
}
_ALL_NAMES = ("server", "model", "thinking", "context")


@contextmanager
def _seam(settings: BackendSettings, *, pulling: bool = False) -> Iterator[None]:
    """Translate ollama, httpx, json and pydantic exceptions into BackendError."""
    try:
        yield
    except ollama.ResponseError as exc:
        raise _pull_error(exc, settings) if pulling else translate_error(exc, settings) from exc
    except FOREIGN_ERRORS as exc:
        raise translate_error(exc, settings) from exc


def _pull_error(exc: ollama.ResponseError, settings: BackendSettings) -> errors.BackendError:
    """A failed pull: the server's reason and the name forms that work."""
    text = one_line(exc.error)
    if exc.status_code in (-1, 500) and "manifest" in text:
        return errors.ModelNotFound(
            f"cannot pull {settings.model}: {text} — check the name (e.g. deepseek-r1:8b, "
            "hf.co/unsloth/DeepSeek-R1-Distill-Llama-8B-GGUF:Q8_0)"
        )
    if exc.status_code == -1:
        return errors.BadReply(f"the pull of {settings.model} failed: {text} — retry; check disk space")
    return translate_error(exc, settings)


def _client(settings: BackendSettings, *, pulling: bool = False) -> ollama.Client:
    """An ollama client; a pull waits as long as the download takes (its progress lines keep coming)."""
    timeout = _timeout(None if pulling else min(settings.timeout_s, CHECK_TIMEOUT_S))
    return ollama.Client(host=settings.host, timeout=timeout, headers=_headers(settings))


def _headers(settings: BackendSettings) -> dict[str, str] | None:
    """The bearer token of an Ollama behind an authenticating proxy, as the backend sends it."""
    return {"Authorization": f"Bearer {settings.api_key}"} if settings.api_key else None


def _timeout(read: float | None) -> httpx.Timeout:
    return httpx.Timeout(read, connect=CONNECT_TIMEOUT_S)


def _version_tuple(version: str) -> tuple[int, ...]:
    parts = []
    for piece in version.lstrip("v").split("-", 1)[0].split(".")[:3]:
        parts.append(int(piece) if piece.isdigit() else 0)
    return tuple(parts)
