"""The Ollama backend through the real ollama client against the wire-level double."""

from __future__ import annotations

import time
from collections.abc import Callable

import httpx
import ollama as ollama_client
import pytest

from tests.helpers import closed_port_url
from tests.ollama_double import ANSWER, DEFAULT_MODEL, HF_MODEL, THINKING, OllamaDouble
from tfreview import errors
from tfreview.backends import BACKENDS, get_backend
from tfreview.backends.base import BackendSettings, ModelReply
from tfreview.backends.fake import FakeBackend
from tfreview.backends.ollama import OllamaBackend, estimate_tokens
from tfreview.labels import Label
from tfreview.pipeline.verdict import parse_verdict

PROMPT = "Review this Terraform plan.\n<<<PLAN DATA\n~ aws_security_group.web\nPLAN DATA>>>"
CANARY = "CANARY-ollama-backend-3b1f"
REASONING = "The bucket is emptied."
VERDICT_ANSWER = "It deletes data.\nVERDICT: NEEDS CLOSE REVIEW"


def ask(ollama: OllamaDouble, prompt: str = PROMPT, **settings: object) -> ModelReply:
    return OllamaBackend().chat(prompt, ollama.settings(**settings))


# --- success paths ---------------------------------------------------------------------------


@pytest.mark.parametrize("model", [DEFAULT_MODEL, HF_MODEL], ids=["library", "hf-gguf"])
def test_thinking_field_becomes_reasoning(ollama: OllamaDouble, model: str) -> None:
    reply = ask(ollama, model=model)
    assert reply.thinking == THINKING.strip()
    assert reply.content == ANSWER
    assert parse_verdict(reply.content).label is Label.LIKELY_SAFE
    assert reply.done_reason == "stop"
    assert reply.prompt_tokens is not None and reply.prompt_tokens > 0
    assert reply.completion_tokens is not None and reply.completion_tokens > 0
    assert reply.duration_s > 0
    assert ollama.chat_bodies[0]["model"] == model


def test_request_body(ollama: OllamaDouble) -> None:
    ask(ollama, num_ctx=16384, num_predict=2048)
    [body] = ollama.chat_bodies
    assert body["stream"] is True
    assert body["think"] is True
    assert body["options"] == {"num_ctx": 16384, "temperature": 0.6, "num_predict": 2048}
    assert body["messages"] == [{"role": "user", "content": PROMPT}]
    assert "format" not in body
    assert "keep_alive" not in body


def test_options_are_sent_with_defaults(ollama: OllamaDouble) -> None:
    ask(ollama)
    options = ollama.chat_bodies[0]["options"]
    assert options["num_ctx"] == 8192
    assert options["temperature"] == 0.6
    assert options["num_predict"] == 4096


def test_api_key_goes_in_a_header_only(ollama: OllamaDouble) -> None:
    ask(ollama, api_key=CANARY)
    [request] = ollama.requests
    assert request.headers["Authorization"] == f"Bearer {CANARY}"
    assert CANARY.encode() not in request.raw


def test_body_holds_the_prompt_and_nothing_else(ollama: OllamaDouble) -> None:
    prompt = f"{PROMPT}\npassword: (sensitive)"
    ask(ollama, prompt=prompt, api_key=CANARY)
    [request] = ollama.requests
    assert set(request.json) == {"model", "stream", "options", "messages", "tools", "think"}
    assert request.json["messages"] == [{"role": "user", "content": prompt}]
    assert request.json["tools"] == []
    assert CANARY.encode() not in request.raw


@pytest.mark.parametrize(
    ("raw", "legacy_error", "model"),
    [
        pytest.param(
            f"<think>\n{REASONING}\n</think>\n\n{VERDICT_ANSWER}",
            False,
            HF_MODEL,
            id="with-opening-tag",
        ),
        pytest.param(
            f"{REASONING}\n</think>\n\n{VERDICT_ANSWER}",
            False,
            HF_MODEL,
            id="without-opening-tag",
        ),
        pytest.param(
            f"<think>\n{REASONING}\n</think>\n\n{VERDICT_ANSWER}",
            True,
            "deepseek-r1",
            id="legacy-400-message",
        ),
    ],
)
def test_think_unsupported_retries_once_without_think(
    ollama: OllamaDouble, raw: str, legacy_error: bool, model: str
) -> None:
    ollama.chat_raw_content(raw, legacy_error=legacy_error)
    reply = ask(ollama, model=model)
    assert reply.thinking == REASONING
    assert reply.content == VERDICT_ANSWER
    first, second = ollama.chat_bodies
    assert first["think"] is True
    assert "think" not in second
    assert second["options"] == first["options"]


def test_think_block_in_content_with_think_on_is_split(ollama: OllamaDouble) -> None:
    # ollama-api.md §6 shape 3: the template already opened <think>, so the server parser passed
    # everything through as content.
    ollama.chat_thinking("", "Only a tag changes.\n</think>\n\nVERDICT: LIKELY SAFE")
    reply = ask(ollama)
    assert reply.thinking == "Only a tag changes."
    assert reply.content == "VERDICT: LIKELY SAFE"
    assert len(ollama.chat_bodies) == 1


def test_thinking_bypass_gives_empty_reasoning(ollama: OllamaDouble) -> None:
    ollama.chat_raw_content("<think>\n\n</think>\n\nVERDICT: LIKELY SAFE")
    reply = ask(ollama)
    assert reply.thinking == ""
    assert reply.content == "VERDICT: LIKELY SAFE"


def test_reasoning_without_answer_is_returned_and_fails_the_verdict(ollama: OllamaDouble) -> None:
    ollama.chat_raw_content("<think>\nHmm. Let me think about the IAM policy again.")
    reply = ask(ollama)
    assert reply.content == ""
    assert reply.thinking.startswith("Hmm.")
    assert parse_verdict(reply.content).label is None


def test_go_escaping_reaches_the_client_intact(ollama: OllamaDouble) -> None:
    ollama.chat_thinking("", "a <b> & c\nVERDICT: LIKELY SAFE")
    raw = httpx.post(f"{ollama.url}/api/chat", json={"model": DEFAULT_MODEL, "messages": []}).text
    assert "\\u003cb\\u003e" in raw and "\\u0026" in raw
    assert ask(ollama).content == "a <b> & c\nVERDICT: LIKELY SAFE"


# --- failures --------------------------------------------------------------------------------

Scenario = Callable[[OllamaDouble], None]
FAILURES: list[tuple[str, Scenario, type[errors.BackendError], str]] = [
    (
        "model-missing",
        lambda d: d.chat_model_missing(),
        errors.ModelNotFound,
        "model deepseek-r1:8b not found on {url} — run `ollama pull deepseek-r1:8b`",
    ),
    (
        "runner-crash-500",
        lambda d: d.chat_error(500, "llama runner process has terminated: exit status 2"),
        errors.BackendError,
        "failed (HTTP 500: llama runner process has terminated: exit status 2)",
    ),
    ("busy-503", lambda d: d.chat_busy(), errors.BackendError, "is busy (HTTP 503: server busy"),
    (
        "not-ollama-404",
        lambda d: d.chat_error(404, "404 page not found"),
        errors.BackendError,
        "check that --host is an Ollama server",
    ),
    (
        "prompt-too-long-400",
        lambda d: d.chat_error(
            400, "the prompt is longer than the context length currently available"
        ),
        errors.BadReply,
        "raise --num-ctx",
    ),
    ("garbage-body", lambda d: d.chat_garbage(), errors.BadReply, "not Ollama's JSON"),
    ("cut-mid-chunk", lambda d: d.chat_cut_mid_chunk(), errors.BadReply, "broke mid-answer"),
    (
        "error-line-in-stream",
        lambda d: d.chat_error_in_stream("The plan", "llama-server process has terminated: killed"),
        errors.BadReply,
        "failed mid-answer: llama-server process has terminated: killed",
    ),
    (
        "stream-without-done",
        lambda d: d.chat_truncated("The plan replaces the database"),
        errors.BadReply,
        "the stream from Ollama ended before the model finished",
    ),
    (
        "chunk-without-message",
        lambda d: d.chat_lines([{"model": DEFAULT_MODEL, "created_at": "x", "done": False}]),
        errors.BadReply,
        "cannot read",
    ),
]


NO_CAUSE = {"stream-without-done"}


@pytest.mark.parametrize(
    ("scenario", "error", "message"),
    [pytest.param(s, e, m, id=name) for name, s, e, m in FAILURES],
)
def test_failures_become_backend_errors(
    ollama: OllamaDouble,
    request: pytest.FixtureRequest,
    scenario: Scenario,
    error: type[errors.BackendError],
    message: str,
) -> None:
    scenario(ollama)
    with pytest.raises(errors.BackendError) as caught:
        ask(ollama)
    assert type(caught.value) is error
    text = str(caught.value)
    assert message.format(url=ollama.url) in text
    assert "\n" not in text
    # Translated foreign exceptions keep their cause; checks on a complete stream have none.
    assert (caught.value.__cause__ is None) == (request.node.callspec.id in NO_CAUSE)


def test_server_down() -> None:
    url = closed_port_url()
    with pytest.raises(errors.BackendUnavailable) as caught:
        OllamaBackend().chat(PROMPT, BackendSettings(host=url, timeout_s=5))
    assert str(caught.value) == (
        f"cannot reach Ollama at {url} — start it with `ollama serve` or pass --host"
    )
    assert isinstance(caught.value.__cause__, httpx.ConnectError)


def test_error_line_is_status_minus_one_in_the_client(ollama: OllamaDouble) -> None:
    ollama.chat_error_in_stream("The", "boom")
    with pytest.raises(errors.BadReply) as caught:
        ask(ollama)
    cause = caught.value.__cause__
    assert isinstance(cause, ollama_client.ResponseError)
    assert cause.status_code == -1


def test_length_with_an_unfinished_verdict_is_still_a_bad_reply(ollama: OllamaDouble) -> None:
    # The verdict line never got its newline before the token limit: not trusted, fail closed.
    ollama.chat_thinking(THINKING, "VERDICT: LIKELY SAFE", done_reason="length")
    with pytest.raises(errors.BadReply, match="hit the token limit"):
        ask(ollama)


def test_runaway_thinking_at_the_limit_keeps_its_text(ollama: OllamaDouble) -> None:
    ollama.chat_length(loops=5)
    reply = ask(ollama)
    assert reply.done_reason == "length" and reply.content == ""
    assert reply.thinking.startswith("Wait, let me re-check the security group rule")


def test_other_400_is_not_retried(ollama: OllamaDouble) -> None:
    ollama.chat_error(400, 'invalid think value: "yes"')
    with pytest.raises(errors.BackendError, match="rejected the request"):
        ask(ollama)
    assert len(ollama.chat_bodies) == 1


# --- silent prompt truncation (ollama-api.md §2c) --------------------------------------------


def test_truncated_prompt_is_a_bad_reply(ollama: OllamaDouble) -> None:
    big = PROMPT + "\n" + '  ~ aws_instance.web[0]: tags.Name = "old" -> "new"\n' * 1200
    # The double evaluates num_ctx/2+2 tokens of a prompt that does not fit, as 0.32 runners do.
    with pytest.raises(errors.BadReply) as caught:
        ask(ollama, prompt=big, num_ctx=4096)
    assert str(caught.value).startswith("Ollama truncated the prompt (2050 of ~")
    assert str(caught.value).endswith("num_ctx 4096) — raise --num-ctx")


def test_prompt_eval_count_far_below_the_estimate(ollama: OllamaDouble) -> None:
    big = "x" * 40_000  # ~10,000 tokens by estimate, more than num_ctx 8192
    ollama.chat_with_prompt_eval_count(3000)
    with pytest.raises(errors.BadReply, match=r"3000 of ~10000 tokens evaluated"):
        ask(ollama, prompt=big)


def test_prompt_filling_the_whole_context_is_truncated(ollama: OllamaDouble) -> None:
    # Older runners cut the prompt to exactly num_ctx tokens.
    ollama.chat_with_prompt_eval_count(8192)
    with pytest.raises(errors.BadReply, match="truncated"):
        ask(ollama, prompt="y" * 30_000)


@pytest.mark.parametrize("count", [1, None], ids=["cached-count", "count-omitted"])
def test_low_count_on_a_prompt_that_fits_is_not_truncation(
    ollama: OllamaDouble, count: int | None
) -> None:
    # Servers that excluded KV-cached tokens (ollama#2068, #16414) report ~1 on a reused prompt.
    ollama.chat_with_prompt_eval_count(count)
    reply = ask(ollama, prompt="z" * 20_000)
    assert reply.prompt_tokens == count


def test_big_prompt_that_fits_passes(ollama: OllamaDouble) -> None:
    reply = ask(ollama, prompt="w" * 20_000, num_ctx=16384)
    assert reply.content == ANSWER


def test_estimate_tokens() -> None:
    assert estimate_tokens("") == 0
    assert estimate_tokens("abcd") == 1
    assert estimate_tokens("abcde") == 2
    assert estimate_tokens("x" * 40_000) == 10_000


# --- timeouts --------------------------------------------------------------------------------


def test_stalled_server_times_out(ollama: OllamaDouble) -> None:
    ollama.chat_stall(1.5)
    started = time.monotonic()
    with pytest.raises(errors.BackendTimeout) as caught:
        ask(ollama, timeout_s=0.5)
    assert time.monotonic() - started < 1.2
    assert str(caught.value) == (
        "Ollama did not finish within 0.5s — raise --timeout or use a smaller model"
    )
    assert isinstance(caught.value.__cause__, httpx.ReadTimeout)


def test_trickling_stream_hits_the_overall_deadline(ollama: OllamaDouble) -> None:
    ollama.chat_thinking(delay_s=0.05)  # every chunk is quick, the whole answer is not
    started = time.monotonic()
    with pytest.raises(errors.BackendTimeout):
        ask(ollama, timeout_s=0.5)
    assert time.monotonic() - started < 1.2


# --- the double itself speaks Ollama ---------------------------------------------------------


def test_double_other_endpoints(ollama: OllamaDouble) -> None:
    ollama.tags([DEFAULT_MODEL, HF_MODEL])
    ollama.show(DEFAULT_MODEL, capabilities=["completion", "thinking"], context_length=131072)
    ollama.show(HF_MODEL, capabilities=["completion"], context_length=131072, architecture="llama")
    client = ollama_client.Client(host=ollama.url)
    assert [m.model for m in client.list().models] == [DEFAULT_MODEL, HF_MODEL]
    assert client.show(DEFAULT_MODEL).capabilities == ["completion", "thinking"]
    assert client.show(HF_MODEL).modelinfo == {
        "general.architecture": "llama",
        "general.parameter_count": 8_190_735_360,
        "llama.context_length": 131072,
    }
    with pytest.raises(ollama_client.ResponseError) as caught:
        client.show("deepseek-r1")
    assert caught.value.status_code == 404
    assert caught.value.error == "model 'deepseek-r1:latest' not found"


def test_double_plain_routes(ollama: OllamaDouble) -> None:
    root = httpx.get(f"{ollama.url}/")
    assert (root.status_code, root.text) == (200, "Ollama is running")
    assert httpx.get(f"{ollama.url}/api/version").text == '{"version":"0.13.5"}'
    missing = httpx.get(f"{ollama.url}/api/nope")
    assert (missing.status_code, missing.text) == (404, "404 page not found")
    assert missing.headers["content-type"] == "text/plain"
    assert httpx.get(f"{ollama.url}/api/chat").status_code == 405


def test_double_non_stream_chat(ollama: OllamaDouble) -> None:
    client = ollama_client.Client(host=ollama.url)
    reply = client.chat(
        model=DEFAULT_MODEL, messages=[{"role": "user", "content": "hi"}], think=True
    )
    assert reply.message.thinking == THINKING
    assert reply.message.content == ANSWER
    assert reply.done_reason == "stop" and reply.eval_count


def test_double_stream_lines_are_ollama_shaped(ollama: OllamaDouble) -> None:
    with httpx.stream("POST", f"{ollama.url}/api/chat", json={"model": HF_MODEL}) as response:
        assert response.headers["content-type"] == "application/x-ndjson"
        lines = list(response.iter_lines())
    assert len(lines) > 10
    assert lines[0].startswith('{"model":"hf.co/unsloth/DeepSeek-R1-Distill-Llama-8B-GGUF:Q8_0",')
    assert (
        '"message":{"role":"assistant","content":"","thinking":"Okay,"},"done":false}' in lines[0]
    )
    assert '"content":""},"done_reason":"stop","done":true,"total_duration":' in lines[-1]
    assert "prompt_eval_count" not in lines[-2]


# --- registry and fake -----------------------------------------------------------------------


def test_registry() -> None:
    assert isinstance(get_backend("ollama"), OllamaBackend)
    assert get_backend("ollama").name == "ollama"
    assert {"ollama", "none"} <= set(BACKENDS)
    with pytest.raises(errors.ConfigError, match="unknown backend 'x' — choose one of: ollama, none"):
        get_backend("x")


def test_fake_backend_replays_in_order_and_repeats_the_last() -> None:
    fake = FakeBackend()
    fake.enqueue(ModelReply(content="VERDICT: LIKELY SAFE"))
    fake.enqueue(errors.BackendTimeout("slow"))
    assert fake.chat("one", BackendSettings()).content == "VERDICT: LIKELY SAFE"
    for prompt in ("two", "three"):
        with pytest.raises(errors.BackendTimeout):
            fake.chat(prompt, BackendSettings())
    assert fake.prompts == ["one", "two", "three"]
    assert fake.name == "fake"


def test_fake_backend_always_and_empty() -> None:
    reply = ModelReply(thinking="t", content="VERDICT: NEEDS CLOSE REVIEW")
    fake = FakeBackend.always(reply)
    assert [fake.chat(p, BackendSettings()) for p in "ab"] == [reply, reply]
    with pytest.raises(LookupError):
        FakeBackend().chat("x", BackendSettings())


# --- stop once the verdict line is written ---------------------------------------------------

RAMBLE = "\nAnd another thing about this plan that nobody asked for." * 40


def test_stream_is_closed_right_after_the_verdict_line(ollama: OllamaDouble) -> None:
    ollama.chat_thinking(THINKING, "Only tags change.\nVERDICT: LIKELY SAFE" + RAMBLE)
    reply = ask(ollama)
    assert reply.done_reason == "verdict" and reply.prompt_tokens is None  # no final chunk was waited for
    assert parse_verdict(reply.content).label is Label.LIKELY_SAFE
    assert "nobody asked" not in reply.content


def test_a_verdict_inside_reasoning_without_its_opening_tag_does_not_stop(ollama: OllamaDouble) -> None:
    # A model without the thinking capability (think retried off): reasoning comes in content, tag missing.
    ollama.chat_raw_content("Draft.\nVERDICT: LIKELY SAFE\nNo, the bucket goes.\n</think>\nVERDICT: NEEDS CLOSE REVIEW"
                            + RAMBLE)
    reply = ask(ollama, model=HF_MODEL)
    assert reply.done_reason == "verdict"
    assert "VERDICT: LIKELY SAFE" in reply.thinking
    assert parse_verdict(reply.content).label is Label.NEEDS_CLOSE_REVIEW


def test_a_prompt_that_may_be_cut_is_read_to_the_end(ollama: OllamaDouble) -> None:
    big = PROMPT + "\n" + '  ~ aws_instance.web[0]: tags.Name = "old" -> "new"\n' * 500
    ollama.chat_thinking(THINKING, "Only tags change.\nVERDICT: LIKELY SAFE" + RAMBLE)
    reply = ask(ollama, prompt=big, num_ctx=8192)  # it may not fit by chars/3: prompt_eval_count is needed (§2c)
    assert reply.done_reason == "stop" and reply.prompt_tokens is not None
