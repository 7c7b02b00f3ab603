"""`tfreview models check` and `models pull` against the wire-level Ollama double."""

from __future__ import annotations

import io

import pytest
from pytest_httpserver import HTTPServer
from rich.console import Console

from tests.cli_commands import run
from tests.helpers import closed_port_url, plan_path
from tests.ollama_double import DEFAULT_MODEL, HF_MODEL, PULL_LAYERS, OllamaDouble
from tfreview import errors
from tfreview.backends.base import BackendSettings
from tfreview.commands.models import PullProgress
from tfreview.workflows.models import PullEvent, Status, check_model, pull_model


def served(ollama: OllamaDouble, model: str = DEFAULT_MODEL, **show: object) -> OllamaDouble:
    ollama.tags([model])
    ollama.show(model, **show)  # type: ignore[arg-type]
    return ollama


def statuses(ollama: OllamaDouble, **overrides: object) -> dict[str, Status]:
    report = check_model(ollama.settings(**overrides))
    return {c.name: c.status for c in report.checks}


# --- check ------------------------------------------------------------------------------------


def test_check_passes_for_a_served_thinking_model(ollama: OllamaDouble) -> None:
    result = run("models", "check", "--host", served(ollama).url)
    assert result.exit_code == 0, result.output
    assert result.stdout.count(" ok ") == 4
    assert "Ollama 0.13.5" in result.stdout and "num_ctx 8192 fits the model's 131072 tokens" in result.stdout
    assert [r.path for r in ollama.requests] == ["/api/version", "/api/tags", "/api/show"]
    assert ollama.requests[-1].json == {"model": DEFAULT_MODEL}


def test_missing_model_fails_and_says_how_to_pull(ollama: OllamaDouble) -> None:
    ollama.tags(["deepseek-r1:7b", "llama3.2:latest"])
    result = run("models", "check", "--host", ollama.url)
    assert result.exit_code == 1
    assert "tfreview models pull deepseek-r1:8b" in result.stdout
    assert "it has deepseek-r1:7b)" in result.stdout and "llama3.2" not in result.stdout
    assert result.stdout.count("skipped") == 2


def test_untagged_name_matches_latest_case_insensitively(ollama: OllamaDouble) -> None:
    ollama.tags(["deepseek-r1:latest"])
    ollama.show("deepseek-r1")
    assert statuses(ollama, model="DeepSeek-R1")["model"] is Status.OK


def test_unreachable_server_fails_with_one_clear_row() -> None:
    url = closed_port_url()
    result = run("models", "check", "--host", url)
    assert result.exit_code == 1
    assert f"cannot reach Ollama at {url} — start it with `ollama serve`" in result.stdout
    assert "Traceback" not in result.output and result.stdout.count("skipped") == 3


def test_a_server_that_is_not_ollama_fails_the_server_check() -> None:
    server = HTTPServer(host="127.0.0.1", port=0)
    server.expect_request("/api/version").respond_with_data("<html>Welcome to nginx!</html>", content_type="text/html")
    server.start()
    try:
        report = check_model(BackendSettings(host=f"http://127.0.0.1:{server.port}", timeout_s=5))
    finally:
        server.stop()
    assert report.checks[0].status is Status.FAIL
    detail = report.checks[0].detail
    assert "answered HTTP 200 without an Ollama version — check that --host is an Ollama server" in detail


def test_missing_thinking_capability_is_a_warning(ollama: OllamaDouble) -> None:
    served(ollama, HF_MODEL, capabilities=("completion",), architecture="llama")
    result = run("models", "check", "--host", ollama.url, "--model", HF_MODEL)
    assert result.exit_code == 0
    assert "warn" in result.stdout and "no thinking capability" in result.stdout


def test_embedding_model_fails(ollama: OllamaDouble) -> None:
    served(ollama, capabilities=("embedding",))
    assert statuses(ollama)["thinking"] is Status.FAIL


@pytest.mark.parametrize(
    ("context_length", "num_ctx", "status", "says"),
    [
        (4096, 8192, Status.FAIL, "exceeds the model's context of 4096 tokens — use --num-ctx 4096"),
        (131072, 2048, Status.WARN, "leaves little room"),
        (131072, 131072, Status.OK, "fits"),
    ],
    ids=["context-too-small", "num-ctx-small", "exact-fit"],
)
def test_context_length(ollama: OllamaDouble, context_length: int, num_ctx: int, status: Status, says: str) -> None:
    served(ollama, context_length=context_length)
    report = check_model(ollama.settings(num_ctx=num_ctx))
    context = next(c for c in report.checks if c.name == "context")
    assert context.status is status and says in context.detail
    assert report.ok is (status is not Status.FAIL)


def test_context_too_small_exits_1(ollama: OllamaDouble) -> None:
    served(ollama, context_length=4096)
    assert run("models", "check", "--host", ollama.url).exit_code == 1


def test_old_server_warns_about_thinking(ollama: OllamaDouble) -> None:
    served(ollama).version("0.6.2")
    assert statuses(ollama)["server"] is Status.WARN


def test_settings_come_from_the_environment(ollama: OllamaDouble, monkeypatch: pytest.MonkeyPatch) -> None:
    served(ollama, "deepseek-r1:14b", context_length=16384)
    monkeypatch.setenv("OLLAMA_HOST", ollama.url)
    monkeypatch.setenv("TFREVIEW_MODEL", "deepseek-r1:14b")
    monkeypatch.setenv("TFREVIEW_NUM_CTX", "16384")
    result = run("models", "check")
    assert result.exit_code == 0, result.stdout
    assert "deepseek-r1:14b at " + ollama.url in result.stdout


def test_bad_num_ctx_is_a_usage_error() -> None:
    result = run("models", "check", "--num-ctx", "100")
    assert result.exit_code == 2 and "invalid setting num_ctx" in result.stderr


# --- pull -------------------------------------------------------------------------------------


def test_pull_streams_progress_of_every_layer(ollama: OllamaDouble) -> None:
    events: list[PullEvent] = []
    pull_model(ollama.settings(), events.append)
    assert ollama.pull_bodies == [{"model": DEFAULT_MODEL, "insecure": False, "stream": True}]
    layers = [e for e in events if e.digest]
    assert [e.total for e in layers[::3]] == list(PULL_LAYERS)
    first = layers[:3]
    assert [e.completed for e in first] == [None, PULL_LAYERS[0] // 2, PULL_LAYERS[0]]
    assert first[0].status == "pulling " + first[0].digest.removeprefix("sha256:")[:12]  # type: ignore[union-attr]
    assert [e.status for e in events if not e.digest] == [
        "pulling manifest", "verifying sha256 digest", "writing manifest", "success"]


def test_pull_command_defaults_to_deepseek_r1_8b_and_the_model_is_then_served(ollama: OllamaDouble) -> None:
    result = run("models", "pull", "--host", ollama.url)
    assert result.exit_code == 0, result.stderr
    assert ollama.pull_bodies[0]["model"] == "deepseek-r1:8b"
    assert "pulling manifest" in result.stderr and "success" in result.stderr
    assert "deepseek-r1:8b is ready" in result.stderr and result.stdout == ""
    assert run("models", "check", "--host", ollama.url).exit_code == 0


def test_hf_gguf_reference_passes_through(ollama: OllamaDouble) -> None:
    result = run("models", "pull", HF_MODEL, "--host", ollama.url)
    assert result.exit_code == 0
    assert ollama.pull_bodies[0]["model"] == "hf.co/unsloth/DeepSeek-R1-Distill-Llama-8B-GGUF:Q8_0"


def test_unknown_model_error_line_in_200_stream_exits_1(ollama: OllamaDouble) -> None:
    ollama.pull_missing()
    result = run("models", "pull", "deepseek-r1:9b", "--host", ollama.url)
    assert result.exit_code == 1
    assert "cannot pull deepseek-r1:9b: pull model manifest: file does not exist — check the name" in result.stderr
    assert "Traceback" not in result.output


def test_error_line_mid_download_exits_1(ollama: OllamaDouble) -> None:
    digest = "a" * 64
    ollama.pull_lines([{"status": "pulling manifest"},
                       {"status": "pulling aaaaaaaaaaaa", "digest": f"sha256:{digest}", "total": 100, "completed": 40},
                       {"error": "write /root/.ollama/models/blobs/sha256-aaaa-partial: no space left on device"}])
    with pytest.raises(errors.BadReply, match="no space left on device — retry; check disk space"):
        pull_model(ollama.settings(), lambda event: None)


def test_stream_without_success_is_a_failure(ollama: OllamaDouble) -> None:
    ollama.pull_lines([{"status": "pulling manifest"}, {"status": "verifying sha256 digest"}])
    result = run("models", "pull", "--host", ollama.url)
    assert result.exit_code == 1 and "ended before `success`" in result.stderr


def test_pull_from_unreachable_server_exits_1() -> None:
    url = closed_port_url()
    result = run("models", "pull", "--host", url)
    assert result.exit_code == 1 and f"cannot reach Ollama at {url}" in result.stderr


def test_progress_bars_on_a_terminal(ollama: OllamaDouble) -> None:
    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=True, width=100)
    with PullProgress(console) as progress:
        pull_model(ollama.settings(model=HF_MODEL), progress.update)
    shown = buffer.getvalue()
    assert "pulling manifest" in shown and "success" in shown
    assert "5.2/5.2 GB" in shown and "━" in shown
    assert len(progress.tasks) == len(PULL_LAYERS)


def test_model_not_found_during_review_points_at_models_pull(ollama: OllamaDouble) -> None:
    ollama.chat_model_missing()
    result = run("review", plan_path("update"), "--host", ollama.url, "--no-cache")
    assert result.exit_code == 1
    assert "tfreview models pull deepseek-r1:8b" in result.stderr


def test_backend_settings_host_is_ollama_even_with_openai_config(ollama: OllamaDouble,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    served(ollama)
    monkeypatch.setenv("TFREVIEW_BACKEND", "openai")
    monkeypatch.setenv("TFREVIEW_BASE_URL", "http://127.0.0.1:9/v1")
    assert run("models", "check", "--host", ollama.url).exit_code == 0


def test_check_report_is_ok_only_without_failures() -> None:
    settings = BackendSettings(host=closed_port_url(), timeout_s=5)
    report = check_model(settings)
    assert not report.ok and report.checks[0].status is Status.FAIL
