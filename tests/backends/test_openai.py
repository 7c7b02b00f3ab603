"""The OpenAI-compatible backend against the wire-level double in llama-server, vLLM and Ollama dialects."""

from __future__ import annotations

import time
from collections.abc import Callable

import httpx
import pytest

from tests.helpers import closed_port_url
from tests.openai_double import ANSWER, REASONING, OpenAIDouble
from tfreview import errors
from tfreview.backends import get_backend
from tfreview.backends.base import BackendSettings, ModelReply
from tfreview.backends.openai import OpenAIBackend, chat_url
from tfreview.labels import Label
from tfreview.pipeline.verdict import parse_verdict

PROMPT = "Review this Terraform plan.\n<<<PLAN DATA\n~ aws_security_group.web\nPLAN DATA>>>"
CANARY = "CANARY-openai-backend-9d2e"
THOUGHT = "The bucket is emptied."
VERDICT_ANSWER = "It deletes data.\nVERDICT: NEEDS CLOSE REVIEW"


def ask(double: OpenAIDouble, prompt: str = PROMPT, **settings: object) -> ModelReply:
    return OpenAIBackend().chat(prompt, double.settings(**settings))


# --- success paths ---------------------------------------------------------------------------


def test_reasoning_field_becomes_thinking(openai: OpenAIDouble) -> None:
    reply = ask(openai)
    assert reply.thinking == REASONING.strip()
    assert reply.content == ANSWER
    assert parse_verdict(reply.content).label is Label.LIKELY_SAFE
    assert reply.done_reason == "stop"
    assert reply.prompt_tokens is not None and reply.prompt_tokens > 0
    assert reply.completion_tokens is not None and reply.completion_tokens > 0
    assert reply.duration_s > 0


def test_request_body_and_headers(openai: OpenAIDouble) -> None:
    ask(openai, num_predict=2048, temperature=0.2, model="r1")
    [request] = openai.requests
    assert request.path == "/v1/chat/completions"
    assert request.json == {
        "model": "r1",
        "messages": [{"role": "user", "content": PROMPT}],
        "stream": True,
        "stream_options": {"include_usage": True},
        "max_tokens": 2048,
        "temperature": 0.2,
    }
    assert request.headers["Connection"] == "close"
    assert request.headers["Accept"] == "text/event-stream"
    assert "Authorization" not in request.headers


def test_api_key_goes_in_a_header_only(openai: OpenAIDouble) -> None:
    ask(openai, api_key=CANARY)
    [request] = openai.requests
    assert request.headers["Authorization"] == f"Bearer {CANARY}"
    assert CANARY.encode() not in request.raw


def test_a_refused_key_is_never_repeated(openai: OpenAIDouble) -> None:
    openai.error(401, f"Incorrect API key provided: {CANARY}", "authentication_error")
    with pytest.raises(errors.BackendError) as caught:
        ask(openai, api_key=CANARY)
    assert CANARY not in str(caught.value)
    assert "set TFREVIEW_API_KEY or pass --api-key" in str(caught.value)


@pytest.mark.parametrize(
    "raw",
    [f"<think>\n{THOUGHT}\n</think>\n\n{VERDICT_ANSWER}", f"{THOUGHT}\n</think>\n\n{VERDICT_ANSWER}"],
    ids=["with-opening-tag", "without-opening-tag"],
)
def test_think_block_in_content_is_split(openai: OpenAIDouble, raw: str) -> None:
    openai.think_in_content(raw)
    reply = ask(openai)
    assert (reply.thinking, reply.content) == (THOUGHT, VERDICT_ANSWER)


def test_thinking_bypass_gives_empty_reasoning(openai: OpenAIDouble) -> None:
    openai.think_in_content("<think>\n\n</think>\n\nVERDICT: LIKELY SAFE")
    assert (ask(openai).thinking, ask(openai).content) == ("", "VERDICT: LIKELY SAFE")


def test_reasoning_without_answer_fails_the_verdict(openai: OpenAIDouble) -> None:
    openai.reply("Hmm. Let me look at the IAM policy again.", "")
    reply = ask(openai)
    assert reply.content == "" and reply.thinking.startswith("Hmm.")
    assert parse_verdict(reply.content).label is None


def test_a_server_that_ignores_stream_still_works(openai: OpenAIDouble) -> None:
    openai.non_stream(VERDICT_ANSWER, THOUGHT)
    reply = ask(openai)
    assert (reply.thinking, reply.content, reply.done_reason) == (THOUGHT, VERDICT_ANSWER, "stop")


def test_non_ascii_and_html_characters_arrive_intact(openai: OpenAIDouble) -> None:
    openai.reply("Ça va <b> & c", "a <b> & c — é\nVERDICT: LIKELY SAFE")
    reply = ask(openai)
    assert reply.thinking == "Ça va <b> & c"
    assert reply.content == "a <b> & c — é\nVERDICT: LIKELY SAFE"


@pytest.mark.parametrize(
    ("base", "url"),
    [
        ("http://127.0.0.1:8080/v1", "http://127.0.0.1:8080/v1/chat/completions"),
        ("http://127.0.0.1:8080/v1/", "http://127.0.0.1:8080/v1/chat/completions"),
        ("http://127.0.0.1:8080", "http://127.0.0.1:8080/v1/chat/completions"),
        ("https://llm.example/openai/v1", "https://llm.example/openai/v1/chat/completions"),
        ("http://h:1/v1/chat/completions", "http://h:1/v1/chat/completions"),
    ],
)
def test_chat_url(base: str, url: str) -> None:
    assert chat_url(base) == url


# --- failures --------------------------------------------------------------------------------

Scenario = Callable[[OpenAIDouble], None]
ALL = ("llama", "vllm", "ollama")
FAILURES: list[tuple[str, tuple[str, ...], Scenario, type[errors.BackendError], str]] = [
    ("model-missing", ("vllm", "ollama"), lambda d: d.model_missing(), errors.ModelNotFound,
     "model deepseek-r1:8b not found on {url} ("),
    ("crash-500", ALL, lambda d: d.error(500, "llama runner process has terminated: exit status 2", "server_error"),
     errors.BackendError, "failed (HTTP 500: llama runner process has terminated: exit status 2) — check the"),
    ("loading-503", ("llama",), lambda d: d.error(503, "Loading model", "unavailable_error"), errors.BackendError,
     "is busy or still loading (HTTP 503: Loading model) — retry later"),
    ("rate-429", ("vllm",), lambda d: d.error(429, "Too many requests"), errors.BackendError, "retry later"),
    ("wrong-path-404", ALL, lambda d: d.error(404, "File Not Found", "not_found_error"), errors.BackendError,
     "check that --base-url is the /v1 URL of an OpenAI-compatible server"),
    ("prompt-too-long-400", ("llama", "vllm"), lambda d: setattr(d, "context", 10), errors.BadReply,
     "does not fit the server's context"),
    ("bad-request-400", ALL, lambda d: d.error(400, "temperature must be positive"), errors.BackendError,
     "rejected the request (HTTP 400: temperature must be positive)"),
    ("garbage-body", ALL, lambda d: d.garbage(), errors.BadReply, "not OpenAI-compatible chat JSON"),
    ("cut-mid-chunk", ALL, lambda d: d.cut_mid_chunk(), errors.BadReply, "broke mid-answer"),
    ("error-event-in-stream", ALL, lambda d: d.error_in_stream("The plan", "slot crashed: out of memory"),
     errors.BadReply, "the server failed mid-answer: slot crashed: out of memory"),
    ("legacy-error-line", ("llama",), lambda d: d.error_in_stream("The", "boom", legacy=True), errors.BadReply,
     "failed mid-answer: boom"),
    ("stream-without-done", ALL, lambda d: d.cut("The plan replaces the database"), errors.BadReply,
     "ended before `data: [DONE]`"),
    ("done-without-finish-reason", ALL, lambda d: d.cut("The plan", done=True), errors.BadReply,
     "ended before the model finished (no finish_reason)"),
    ("finish-reason-length-unfinished-verdict", ALL,
     lambda d: d.reply("Wait, again. " * 50, "VERDICT: LIKELY SAFE", finish_reason="length"),
     errors.BadReply, "hit the token limit (max_tokens 4096)"),
    ("chunk-not-json", ALL, lambda d: d.lines("data: {\"choices\": [\n\n", "data: [DONE]\n\n"), errors.BadReply,
     "not OpenAI-compatible chat JSON"),
]
NO_CAUSE = {"done-without-finish-reason", "finish-reason-length-unfinished-verdict"}


@pytest.mark.parametrize(
    ("openai", "name", "scenario", "error", "message"),
    [pytest.param(d, n, s, e, m, id=f"{n}-{d}") for n, ds, s, e, m in FAILURES for d in ds],
    indirect=["openai"],
)
def test_failures_become_backend_errors(
    openai: OpenAIDouble, name: str, scenario: Scenario, error: type[errors.BackendError], message: str
) -> None:
    scenario(openai)
    with pytest.raises(errors.BackendError) as caught:
        ask(openai)
    assert type(caught.value) is error
    text = str(caught.value)
    assert message.format(url=openai.url) in text
    assert "\n" not in text
    assert (caught.value.__cause__ is None) == (name in NO_CAUSE)


def test_server_down() -> None:
    url = closed_port_url("/v1")
    with pytest.raises(errors.BackendUnavailable) as caught:
        OpenAIBackend().chat(PROMPT, BackendSettings(host=url, timeout_s=5))
    assert str(caught.value) == (
        f"cannot reach the OpenAI-compatible server at {url} — start llama-server or pass --base-url"
    )
    assert isinstance(caught.value.__cause__, httpx.ConnectError)


@pytest.mark.parametrize("openai", ["ollama"], indirect=True)
def test_silent_truncation_on_ollama_v1_is_a_bad_reply(openai: OpenAIDouble) -> None:
    big = PROMPT + "\n" + '  ~ aws_instance.web[0]: tags.Name = "old" -> "new"\n' * 1200
    with pytest.raises(errors.BadReply, match=r"read only 2050 of ~\d+ prompt tokens"):
        ask(openai, prompt=big)


def test_big_prompt_that_fits_passes(openai: OpenAIDouble) -> None:
    openai.context = 100_000
    assert ask(openai, prompt="w " * 20_000).content == ANSWER


# --- timeouts --------------------------------------------------------------------------------


@pytest.mark.parametrize("openai", ["llama"], indirect=True)
def test_stalled_server_times_out(openai: OpenAIDouble) -> None:
    openai.stall(1.5)
    started = time.monotonic()
    with pytest.raises(errors.BackendTimeout) as caught:
        ask(openai, timeout_s=0.5)
    assert time.monotonic() - started < 1.2
    assert str(caught.value) == (
        f"the OpenAI-compatible server at {openai.url} did not finish within 0.5s — "
        "raise --timeout or use a smaller model"
    )
    assert isinstance(caught.value.__cause__, httpx.ReadTimeout)


@pytest.mark.parametrize("openai", ["vllm"], indirect=True)
def test_trickling_stream_hits_the_overall_deadline(openai: OpenAIDouble) -> None:
    openai.reply(delay_s=0.05)  # every event is quick, the whole answer is not
    started = time.monotonic()
    with pytest.raises(errors.BackendTimeout):
        ask(openai, timeout_s=0.5)
    assert time.monotonic() - started < 1.2


# --- the double itself and the registry ------------------------------------------------------


@pytest.mark.parametrize("openai", ["llama"], indirect=True)
def test_llama_double_matches_the_captured_shape(openai: OpenAIDouble) -> None:
    body = {"model": "smollm2:135m", "messages": [{"role": "user", "content": "hi"}], "stream": True,
            "stream_options": {"include_usage": True}}
    with httpx.stream("POST", openai.url + "/chat/completions", json=body) as response:
        assert response.headers["content-type"] == "text/event-stream"
        lines = list(response.iter_lines())
    assert lines[0] == (
        'data: {"choices":[{"finish_reason":null,"index":0,"delta":{"role":"assistant","content":null}}],'
        '"created":1795656594,"id":"chatcmpl-4C7eRcYcqsuhlIgVMjq9v3O9OMLRkLM8","model":"smollm2:135m",'
        '"system_fingerprint":"b0-unknown","object":"chat.completion.chunk"}'
    )
    assert lines[1] == ""
    assert lines[-2:] == ["data: [DONE]", ""]
    assert lines[-4].startswith('data: {"choices":[],') and '"usage":{"completion_tokens":' in lines[-4]
    assert '"delta":{}}],' in lines[-6] and '"finish_reason":"stop"' in lines[-6]


def test_registry() -> None:
    backend = get_backend("openai")
    assert isinstance(backend, OpenAIBackend) and backend.name == "openai"


# --- stop once the verdict line is written ---------------------------------------------------

RAMBLE = "\nAnd another thing about this plan that nobody asked for." * 40


@pytest.mark.parametrize("openai", ["llama", "vllm", "ollama"], indirect=True)
def test_stream_is_closed_right_after_the_verdict_line(openai: OpenAIDouble) -> None:
    openai.reply(REASONING, "Only tags change.\nVERDICT: LIKELY SAFE" + RAMBLE)
    reply = ask(openai)
    assert reply.done_reason == "verdict"
    assert parse_verdict(reply.content).label is Label.LIKELY_SAFE and "nobody asked" not in reply.content


@pytest.mark.parametrize("openai", ["vllm", "ollama"], indirect=True)
def test_a_long_prompt_on_a_server_that_may_cut_it_is_read_to_the_end(openai: OpenAIDouble) -> None:
    big = PROMPT + "\n" + '  ~ aws_instance.web[0]: tags.Name = "old" -> "new"\n' * 100
    openai.context = 100_000
    openai.reply(REASONING, "Only tags change.\nVERDICT: LIKELY SAFE" + RAMBLE)
    reply = ask(openai, prompt=big)  # usage.prompt_tokens comes last and is checked for silent truncation
    assert reply.done_reason == "stop" and reply.prompt_tokens is not None


@pytest.mark.parametrize("openai", ["llama"], indirect=True)
def test_llama_server_refuses_long_prompts_so_its_stream_stops_early(openai: OpenAIDouble) -> None:
    big = PROMPT + "\n" + '  ~ aws_instance.web[0]: tags.Name = "old" -> "new"\n' * 100
    openai.context = 100_000
    openai.reply(REASONING, "Only tags change.\nVERDICT: LIKELY SAFE" + RAMBLE)
    assert ask(openai, prompt=big).done_reason == "verdict"


def test_an_unknown_template_without_reasoning_evidence_is_read_to_the_end(openai: OpenAIDouble) -> None:
    # No reasoning field and no </think>: the verdict may be a draft inside reasoning whose opening tag is missing.
    openai.reply("", "Draft.\nVERDICT: LIKELY SAFE\nmore")
    assert ask(openai).done_reason == "stop"
