"""Hostile or malformed input at the command line: exit 2 with one line and no traceback, or a fail-closed label."""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import orjson
import pytest
from click.testing import CliRunner, Result

from tests.helpers import ROOT, plan_path
from tests.ollama_double import OllamaDouble
from tests.pipeline.test_shape import MALFORMED, nested
from tests.pipeline.test_source import _declare, _fake_terraform, _zip
from tfreview.cli import main
from tfreview.pipeline.shape import MAX_DEPTH

SUBPROCESS_GUARD_S = 120  # a hang fails the test instead of stalling the suite; no duration is asserted
FORMATS = ("text", "json", "markdown", "github", "sarif")
CLI = [sys.executable, "-c", "from tfreview.cli import main; main(prog_name='tfreview')"]


def run(*args: Any, input: bytes | None = None) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args], input=input, catch_exceptions=False)


def write(tmp_path: Path, document: Any, name: str = "plan.json") -> Path:
    path = tmp_path / name
    path.write_bytes(document if isinstance(document, bytes) else orjson.dumps(document))
    return path


def assert_refused(result: Result | subprocess.CompletedProcess[str], fragment: str) -> None:
    """Exit 2, nothing on stdout, and stderr is progress chatter plus exactly one error line."""
    stdout, stderr = result.stdout, result.stderr
    code = result.exit_code if isinstance(result, Result) else result.returncode
    assert code == 2, (code, stdout, stderr)
    assert stdout == ""
    assert "Traceback" not in stderr
    errors = [line for line in stderr.splitlines() if line.startswith("tfreview: error: ")]
    progress = ("tfreview: error: ", "tfreview: reviewing", "tfreview: using config")
    others = [line for line in stderr.splitlines() if not line.startswith(progress)]
    assert len(errors) == 1 and not others, stderr
    assert fragment in errors[0], errors[0]


@pytest.mark.parametrize("name", list(MALFORMED))
def test_every_malformed_shape_exits_2_with_one_line(tmp_path: Path, name: str) -> None:
    document, message = MALFORMED[name]
    result = run("review", write(tmp_path, document), "--backend", "none", "--format", "json")
    assert_refused(result, message)


def test_malformed_shape_as_a_real_process(tmp_path: Path) -> None:
    document, message = MALFORMED["actions-string"]
    done = subprocess.run([*CLI, "review", str(write(tmp_path, document)),
                           "--backend", "none"], capture_output=True, text=True, timeout=SUBPROCESS_GUARD_S,
                          env={**os.environ, "PYTHONPATH": str(ROOT)}, cwd=tmp_path, check=False)
    assert_refused(done, f"tfreview: error: {message}")


def test_malformed_plan_on_stdin_exits_2() -> None:
    document, message = MALFORMED["resource_changes-item-string"]
    assert_refused(run("review", "-", "--backend", "none", input=orjson.dumps(document)), message)


def test_fifo_exits_2_at_once_as_a_real_process(tmp_path: Path) -> None:
    fifo = tmp_path / "plan.json"
    os.mkfifo(fifo)
    done = subprocess.run([*CLI, "review", str(fifo), "--backend", "none"],
                          capture_output=True, text=True, timeout=SUBPROCESS_GUARD_S,
                          env={**os.environ, "PYTHONPATH": str(ROOT)}, check=False)
    assert_refused(done, "is a FIFO (named pipe), not a regular file")


def test_dev_zero_as_stdin_exits_2_as_a_real_process() -> None:
    with open("/dev/zero", "rb") as zero:
        done = subprocess.run([*CLI, "review", "-", "--backend", "none"],
                              stdin=zero, capture_output=True, text=True, timeout=SUBPROCESS_GUARD_S,
                              env={**os.environ, "PYTHONPATH": str(ROOT)}, check=False)
    assert_refused(done, "stdin is a character device, not a plan")


@pytest.mark.parametrize("path", ["/dev/zero", "/dev/null"])
def test_devices_exit_2(path: str) -> None:
    assert_refused(run("review", path, "--backend", "none"), "is a character device, not a regular file")


def test_directory_exits_2(tmp_path: Path) -> None:
    assert_refused(run("review", tmp_path, "--backend", "none"), "is a directory")


def test_oversized_file_exits_2_by_flag_env_and_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    plan = write(tmp_path, plan_path("create").read_bytes())
    assert plan.stat().st_size > 1024
    assert_refused(run("review", plan, "--backend", "none", "--max-plan-bytes", "1KiB"), "larger than the 1 KiB cap")
    (tmp_path / ".tfreview.hcl").write_text('max_plan_bytes = "2KiB"\n')
    assert_refused(run("review", plan, "--backend", "none"), "larger than the 2 KiB cap")
    monkeypatch.setenv("TFREVIEW_MAX_PLAN_BYTES", "3072")
    assert_refused(run("review", plan, "--backend", "none"), "larger than the 3 KiB cap")
    assert run("review", plan, "--backend", "none", "--max-plan-bytes", "1GiB").exit_code == 0


def test_oversized_stdin_exits_2() -> None:
    data = plan_path("create").read_bytes()
    assert_refused(run("review", "-", "--backend", "none", "--max-plan-bytes", "1024", input=data),
                   "the plan on stdin is larger than the 1 KiB cap")


@pytest.mark.parametrize("value", ["lots", "0", "-5"])
def test_bad_max_plan_bytes_is_a_config_error(value: str) -> None:
    result = run("review", plan_path("create"), "--backend", "none", "--max-plan-bytes", value)
    assert_refused(result, "invalid setting max_plan_bytes")


def test_zip_bomb_exits_2_before_terraform_runs(tmp_path: Path) -> None:
    marker = tmp_path / "terraform-ran"
    fake = _fake_terraform(tmp_path, f"touch {marker}")
    bomb = write(tmp_path, _zip({"tfplan": b"\0" * (4 << 20)}), "tfplan")
    assert_refused(run("review", bomb, "--backend", "none", "--max-plan-bytes", "1MiB", "--terraform-bin", fake),
                   "members unpack to 4 MiB, more than the 1 MiB cap; not converted")
    huge = write(tmp_path, _declare(_zip({"tfplan": b"x"}), 0xFFFF_FFFF), "huge.tfplan")
    assert_refused(run("review", huge, "--backend", "none", "--terraform-bin", fake), "more than the 1 GiB cap")
    assert not marker.exists()


def test_nesting_above_the_limit_exits_2(tmp_path: Path) -> None:
    assert_refused(run("review", write(tmp_path, nested(MAX_DEPTH + 1)), "--backend", "none"),
                   f"nested deeper than {MAX_DEPTH} levels")


def test_nesting_beyond_what_json_parsers_allow_exits_2(tmp_path: Path) -> None:
    text = b'{"format_version": "1.2", "resource_changes": ' + b"[" * 5000 + b"]" * 5000 + b"}"
    assert_refused(run("review", write(tmp_path, text), "--backend", "none"), "nested deeper than JSON parsers allow")


def test_json_text_nested_past_every_parser_limit_exits_2(tmp_path: Path) -> None:
    """A policy string holding JSON nested 1,000 deep: the rules parse it again; never a traceback."""
    document = json.loads(plan_path("create").read_text())
    inner = '{"Statement":' * 1000 + "1" + "}" * 1000
    change = document["resource_changes"][0]
    change.update(type="aws_iam_policy", address=f"aws_iam_policy.{change['name']}")
    change["change"]["after"] = {"policy": inner, "name": "p"}
    result = run("review", write(tmp_path, document), "--backend", "none")
    assert result.exit_code in (1, 2) and "Traceback" not in result.stderr
    if result.exit_code == 2:
        assert_refused(result, "nested too deeply")


@pytest.mark.parametrize("kind", ["object", "list"])
@pytest.mark.parametrize("fmt", FORMATS)
def test_nesting_at_the_limit_is_reviewed_in_every_format(tmp_path: Path, kind: str, fmt: str) -> None:
    document = nested(MAX_DEPTH)
    if kind == "list":
        value: Any = "x"
        for _ in range(MAX_DEPTH - 5):
            value = [value]
        document["resource_changes"][0]["change"]["after"] = {"items": value}
    result = run("review", write(tmp_path, document), "--backend", "none", "--format", fmt,
                 "--output", f"json={tmp_path / 'out.json'}", "--record", tmp_path / "records")
    assert result.exit_code in (0, 1), result.stderr
    assert "Traceback" not in result.stderr


def test_nesting_at_the_limit_goes_through_the_model_and_the_cache(tmp_path: Path, ollama: OllamaDouble) -> None:
    ollama.tags(["deepseek-r1:8b"])
    ollama.chat_thinking("A nested value changes.", "Nothing risky.\n\nVERDICT: LIKELY SAFE")
    plan = write(tmp_path, nested(MAX_DEPTH))
    for _ in range(2):  # the second answer comes from the cache
        result = run("review", plan, "--host", ollama.url, "--timeout", "10", "--format", "json",
                     "--cache-dir", tmp_path / "cache")
        assert result.exit_code in (0, 1), result.stderr
        assert json.loads(result.stdout)["model"]["verdict"] == "likely_safe"


def _unknown_action_plan(tmp_path: Path, actions: list[str]) -> Path:
    document = json.loads(plan_path("update").read_text())
    for change in document["resource_changes"]:
        change["change"]["actions"] = copy.deepcopy(actions)
    return write(tmp_path, document)


@pytest.mark.parametrize("actions", [["update", "archive"], ["no-op", "purge"], ["obliterate"], []],
                         ids=["known+new", "no-op+new", "only-new", "empty"])
def test_unknown_action_needs_close_review_with_a_high_finding(tmp_path: Path, actions: list[str]) -> None:
    result = run("review", _unknown_action_plan(tmp_path, actions), "--backend", "none", "--format", "json")
    assert result.exit_code == 1, result.stderr
    parsed = json.loads(result.stdout)
    assert parsed["label"] == "needs_close_review"
    unknown = [f for f in parsed["findings"] if f["rule"] == "unknown-action"]
    assert unknown and all(f["severity"] == "high" for f in unknown)
    for word in actions:
        if word not in ("update", "no-op"):
            assert repr(word) in unknown[0]["message"]
    assert all(c["action"] != "no-op" for c in parsed["changes"])


def test_unknown_action_holds_even_when_the_model_says_safe(tmp_path: Path, ollama: OllamaDouble) -> None:
    ollama.chat_thinking("Looks routine.", "VERDICT: LIKELY SAFE")
    plan = _unknown_action_plan(tmp_path, ["no-op", "archive"])
    result = run("review", plan, "--host", ollama.url, "--timeout", "10", "--format", "json", "--no-cache")
    assert result.exit_code == 1
    assert json.loads(result.stdout)["label"] == "needs_close_review"


def test_newer_major_format_needs_close_review(tmp_path: Path) -> None:
    document = json.loads(plan_path("create").read_text())
    document["format_version"] = "2.0"
    result = run("review", write(tmp_path, document), "--backend", "none", "--format", "json")
    assert result.exit_code == 1
    assert [f["rule"] for f in json.loads(result.stdout)["findings"] if f["severity"] == "high"] == ["plan-format"]


def test_a_plan_piped_into_a_real_process_is_still_read() -> None:
    done = subprocess.run([*CLI, "review", "-", "--backend", "none", "--format", "json"],
                          input=plan_path("create").read_text(), capture_output=True, text=True,
                          timeout=SUBPROCESS_GUARD_S, env={**os.environ, "PYTHONPATH": str(ROOT)}, check=False)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["label"] == "likely_safe"
