"""The `tfreview` command end to end: real fixtures, the Ollama wire double, exit codes and streams."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.helpers import CANARY, OLD_SECRET, ROOT, closed_port_url, plan_path
from tests.ollama_double import OllamaDouble
from tests.openai_double import OpenAIDouble
from tfreview.cli import main
from tfreview.result import ReviewResult

SAFE_THINKING = "Only an input string of a terraform_data changes; nothing is destroyed."


def run(*args: str, input: bytes | None = None) -> object:
    return CliRunner().invoke(main, list(args), input=input, catch_exceptions=False)


def review_with(ollama: OllamaDouble, plan: str, *extra: str) -> object:
    return run("review", str(plan_path(plan)), "--host", ollama.url, "--timeout", "10", *extra)


def test_rules_only_json_is_valid_and_labels_a_failing_check_for_review() -> None:
    result = run("review", str(plan_path("failing_check")), "--backend", "none", "--format", "json")
    assert result.exit_code == 1
    parsed = ReviewResult.model_validate_json(result.stdout)
    assert parsed.label.value == "needs_close_review"
    assert [f.rule for f in parsed.findings if f.severity.value == "high"] == ["check-failed"]


def test_rules_only_create_is_likely_safe_exit_0() -> None:
    result = run("review", str(plan_path("create")), "--backend", "none", "--format", "json")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["label"] == "likely_safe"
    assert "rules only" in result.stderr


def test_a_base_url_the_backend_does_not_read_is_named_not_silently_ignored() -> None:
    result = run("review", str(plan_path("create")), "--backend", "none", "--base-url", "http://127.0.0.1:8080/v1")
    assert "--base-url (http://127.0.0.1:8080/v1) is read by --backend openai only" in result.stderr
    quiet = run("review", str(plan_path("create")), "--backend", "none", "--format", "json")
    assert "--base-url" not in quiet.stderr


def test_thinking_model_says_safe_on_a_benign_plan(ollama: OllamaDouble) -> None:
    ollama.chat_thinking(SAFE_THINKING, "Routine input change.\n\nVERDICT: LIKELY SAFE")
    result = review_with(ollama, "update", "--format", "json")
    assert result.exit_code == 0, result.stderr
    parsed = json.loads(result.stdout)
    assert (parsed["label"], parsed["decided_by"]) == ("likely_safe", "model")
    assert parsed["reasoning"].strip() == SAFE_THINKING.strip()
    body = ollama.chat_bodies[0]
    assert body["think"] is True and body["options"]["num_ctx"] == 8192


def test_model_without_thinking_capability_and_missing_open_tag(ollama: OllamaDouble) -> None:
    ollama.chat_raw_content("The change is an input bump.\n</think>\n\nFine.\nVERDICT: LIKELY SAFE")
    ollama.tags(["hf.co/unsloth/DeepSeek-R1-Distill-Llama-8B-GGUF:Q8_0"])  # pulled, so listed (digest keys the cache)
    result = review_with(ollama, "update", "--format", "json", "--model",
                         "hf.co/unsloth/DeepSeek-R1-Distill-Llama-8B-GGUF:Q8_0")
    parsed = json.loads(result.stdout)
    assert parsed["label"] == "likely_safe"
    assert parsed["reasoning"] == "The change is an input bump."
    assert [("think" in b) for b in ollama.chat_bodies] == [True, False]


def test_text_output_shows_label_reasoning_and_hides_it_on_request(ollama: OllamaDouble) -> None:
    ollama.chat_thinking(SAFE_THINKING, "Fine.\nVERDICT: LIKELY SAFE")
    shown = review_with(ollama, "update")
    assert shown.stdout.startswith("LIKELY SAFE") and SAFE_THINKING.split(";")[0] in shown.stdout
    hidden = review_with(ollama, "update", "--no-reasoning")
    assert SAFE_THINKING.split(";")[0] not in hidden.stdout


FAILURES = {
    "model-404": lambda o: o.chat_model_missing(),
    "server-500": lambda o: o.chat_error(500, "llama-server process has terminated: exit status 2"),
    "busy-503": lambda o: o.chat_busy(),
    "garbage": lambda o: o.chat_garbage(),
    "cut-mid-stream": lambda o: o.chat_cut_mid_chunk(),
    "no-done-line": lambda o: o.chat_truncated("The plan replaces"),
    "error-line-in-stream": lambda o: o.chat_error_in_stream(
        "The plan", "an error was encountered while running the model"),
    "no-verdict": lambda o: o.chat_thinking("hmm", "It depends."),
}


@pytest.mark.parametrize("scenario", list(FAILURES))
def test_every_model_failure_fails_closed_with_one_line(ollama: OllamaDouble, scenario: str) -> None:
    FAILURES[scenario](ollama)
    result = review_with(ollama, "update", "--format", "json")
    assert result.exit_code == 1
    parsed = json.loads(result.stdout)
    assert (parsed["label"], parsed["decided_by"]) == ("needs_close_review", "error")
    assert len(parsed["errors"]) == 1 and "\n" not in parsed["errors"][0]
    assert "Traceback" not in result.stderr
    assert parsed["errors"][0] in result.stderr


def test_model_not_found_says_how_to_pull(ollama: OllamaDouble) -> None:
    ollama.chat_model_missing()
    result = review_with(ollama, "update")
    assert "ollama pull deepseek-r1:8b" in result.stderr


def test_server_down_fails_closed() -> None:
    result = run("review", str(plan_path("update")), "--host", closed_port_url(), "--format", "json")
    assert result.exit_code == 1
    parsed = json.loads(result.stdout)
    assert parsed["decided_by"] == "error" and "ollama serve" in parsed["errors"][0]


def test_secret_never_printed_nor_sent(ollama: OllamaDouble, tmp_path: Path) -> None:
    ollama.chat_thinking("fine", "VERDICT: LIKELY SAFE")
    outputs = {fmt: tmp_path / f"out.{fmt}" for fmt in ("text", "json", "markdown")}
    for fmt in ("text", "json", "markdown"):
        result = review_with(ollama, "sensitive", "--format", fmt,
                             *[f"--output={f}={p}" for f, p in outputs.items()])
        for text in (result.stdout, result.stderr, *(p.read_text() for p in outputs.values())):
            assert CANARY not in text and OLD_SECRET not in text
    for request in ollama.requests:
        assert CANARY.encode() not in request.raw and OLD_SECRET.encode() not in request.raw
    assert ollama.chat_bodies, "the model was asked"


def test_stdin_and_exit_zero() -> None:
    result = run("review", "-", "--backend", "none", "--exit-zero", "-q",
                 input=plan_path("failing_check").read_bytes())
    assert result.exit_code == 0 and result.stdout == ""


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["review", "missing.json", "--backend", "none"], "plan file missing.json not found"),
        (["review", str(ROOT / "pyproject.toml"), "--backend", "none"], "neither plan JSON nor a saved planfile"),
        (["review", str(plan_path("create")), "--num-ctx", "12"], "invalid setting num_ctx"),
        (["review", str(plan_path("create")), "--output", "yaml=x.yml"], "unknown format 'yaml'"),
    ],
    ids=["missing", "not-json", "bad-num-ctx", "bad-output"],
)
def test_input_errors_exit_2_with_one_line(args: list[str], message: str) -> None:
    result = run(*args)
    assert result.exit_code == 2
    errors = [line for line in result.stderr.splitlines() if line.startswith("tfreview: error:")]
    assert len(errors) == 1 and message in errors[0]
    assert "Traceback" not in result.stderr and result.stdout == ""


def test_bad_config_file_exits_2(tmp_path: Path) -> None:
    (tmp_path / ".tfreview.hcl").write_text('modle = "x"\n')
    plan = tmp_path / "plan.json"
    plan.write_bytes(plan_path("create").read_bytes())
    result = run("review", str(plan), "--backend", "none")
    assert result.exit_code == 2 and ".tfreview.hcl:1: modle" in result.stderr


def test_schema_command_prints_the_output_schema() -> None:
    schema = json.loads(run("schema").stdout)
    assert schema["properties"]["schema_version"]["const"] == 1
    documented = set(schema["required"]) | set(schema["properties"])
    assert {"label", "decided_by", "reasoning", "findings", "summary", "errors"} <= documented


def test_version_and_help() -> None:
    assert run("--version").stdout.startswith("tfreview, version ")
    assert "Exit codes" in run("--help").stdout
    assert "--no-reasoning" in run("review", "--help").stdout


def test_planfile_through_real_terraform_shim(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setenv("TFREVIEW_PYTHON", sys.executable)
    result = run("review", str(ROOT / "fixtures" / "planfiles" / "delete.tfplan"), "--backend", "none",
                 "--terraform-bin", str(ROOT / "scripts" / "terraform-shim"), "--format", "json")
    assert result.exit_code == 0, result.stderr
    parsed = json.loads(result.stdout)
    assert parsed["summary"]["delete"] == 1 and parsed["plan"]["terraform_version"].startswith("1.")


def test_quiet_silences_the_report_and_progress_but_not_the_reason_a_review_failed() -> None:
    from tests.helpers import closed_port_url

    result = run("review", str(plan_path("update")), "--host", closed_port_url(), "--timeout", "2", "-q")
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr.startswith("tfreview: cannot reach Ollama") and "reviewing" not in result.stderr
def test_progress_line_names_the_openai_server_not_the_ollama_host(openai: OpenAIDouble) -> None:
    result = run("review", str(plan_path("update")), "--backend", "openai", "--base-url", openai.url, "--no-cache")
    assert f"with deepseek-r1:8b at {openai.url} (" in result.stderr
    assert "11434" not in result.stderr


def test_llamacpp_with_a_missing_file_fails_closed_with_one_line(tmp_path: Path) -> None:
    missing = tmp_path / "r1.gguf"
    result = run("review", str(plan_path("update")), "--backend", "llamacpp", "--model-path", str(missing),
                 "--format", "json")
    assert result.exit_code == 1
    parsed = json.loads(result.stdout)
    assert (parsed["label"], parsed["decided_by"]) == ("needs_close_review", "error")
    assert parsed["model"]["name"] == "r1.gguf"
    assert parsed["errors"] == [f"GGUF file {missing} not found — check --model-path (docs/models.md lists which "
                                "file to download)"]
    assert f"with {missing} in-process" in result.stderr
