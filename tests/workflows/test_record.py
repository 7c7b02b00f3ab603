"""Recording masked reviews (`--record DIR`) and human verdicts (`tfreview feedback`)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli_commands import run
from tests.helpers import CANARY, OLD_SECRET, plan_path
from tests.ollama_double import OllamaDouble
from tfreview.backends.base import ModelReply
from tfreview.backends.fake import FakeBackend
from tfreview.errors import ConfigError
from tfreview.labels import DecidedBy, Label
from tfreview.pipeline.review import review
from tfreview.settings import Settings
from tfreview.workflows import record as record_module
from tfreview.workflows.record import FEEDBACK_FILE, REVIEWS_FILE, add_feedback, load_feedback, load_reviews

SAFE = ModelReply(thinking="Only an input string changes; nothing stateful.",
                  content="Routine update.\n\nVERDICT: LIKELY SAFE")


def recorded(directory: Path, plan: str, reply: ModelReply = SAFE, **settings: object) -> FakeBackend:
    backend = FakeBackend.always(reply)
    review(plan_path(plan), Settings(record_dir=directory, use_cache=False, **settings), backend=backend)  # type: ignore[arg-type]
    return backend


def test_one_line_per_review_with_everything_the_dataset_needs(tmp_path: Path) -> None:
    backend = recorded(tmp_path, "update")
    [record] = load_reviews(tmp_path)
    assert re.fullmatch(r"[0-9a-f]{32}", record.run_id)
    assert re.fullmatch(r"[0-9a-f]{64}", record.changeset_hash)
    assert record.source == str(plan_path("update"))
    assert record.prompt == backend.prompts[0]
    assert (record.reasoning, record.explanation) == (SAFE.thinking, "Routine update.")
    assert (record.model_verdict, record.label, record.decided_by) == (Label.LIKELY_SAFE, Label.LIKELY_SAFE,
                                                                       DecidedBy.MODEL)
    assert (record.backend, record.model) == ("ollama", "deepseek-r1:8b")
    assert record.summary.update == 1 and record.template_version
    assert record.timestamp.endswith("+00:00")


def test_reviews_append_and_the_same_changes_hash_alike(tmp_path: Path) -> None:
    for plan in ("update", "update", "delete"):
        recorded(tmp_path, plan)
    first, again, other = load_reviews(tmp_path)
    assert first.run_id != again.run_id
    assert first.changeset_hash == again.changeset_hash != other.changeset_hash
    assert len((tmp_path / REVIEWS_FILE).read_text().splitlines()) == 3


def test_only_masked_text_is_stored_even_when_the_model_repeats_a_secret(tmp_path: Path) -> None:
    leaky = ModelReply(thinking=f"The token {CANARY} replaces {OLD_SECRET}.",
                       content=f"It sets {CANARY}.\n\nVERDICT: NEEDS CLOSE REVIEW")
    recorded(tmp_path, "sensitive", leaky)
    text = (tmp_path / REVIEWS_FILE).read_text()
    assert CANARY not in text and OLD_SECRET not in text and "CANARY" not in text
    [record] = load_reviews(tmp_path)
    assert "(sensitive)" in record.reasoning and record.prompt and CANARY not in record.prompt


def test_rules_only_reviews_are_recorded_without_a_prompt(tmp_path: Path) -> None:
    review(plan_path("failing_check"), Settings(backend="none", record_dir=tmp_path))
    [record] = load_reviews(tmp_path)
    assert record.prompt is None and record.model is None and record.decided_by is DecidedBy.RULES
    assert [f.rule for f in record.findings] == ["check-failed"]


def test_nothing_is_recorded_without_record_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    review(plan_path("update"), Settings(use_cache=False), backend=FakeBackend.always(SAFE))
    assert list(tmp_path.iterdir()) == []


def test_unwritable_record_dir_is_a_config_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(ConfigError, match="pass a writable --record DIR"):
        recorded(blocker, "update")


def test_feedback_by_prefix_or_last_and_the_last_verdict_counts(tmp_path: Path) -> None:
    recorded(tmp_path, "update")
    recorded(tmp_path, "delete")
    first, second = load_reviews(tmp_path)
    add_feedback(tmp_path, first.run_id[:6], Label.NEEDS_CLOSE_REVIEW, "output feeds prod")
    add_feedback(tmp_path, "last", Label.LIKELY_SAFE)
    add_feedback(tmp_path, first.run_id, Label.LIKELY_SAFE, "on second thought")
    given = load_feedback(tmp_path)
    assert given[first.run_id].label is Label.LIKELY_SAFE and given[first.run_id].note == "on second thought"
    assert given[second.run_id].label is Label.LIKELY_SAFE
    assert len((tmp_path / FEEDBACK_FILE).read_text().splitlines()) == 3


def test_unknown_run_id_says_how_to_list_runs(tmp_path: Path) -> None:
    recorded(tmp_path, "update")
    with pytest.raises(ConfigError, match=r"is not a recorded run .* `tfreview feedback --list"):
        add_feedback(tmp_path, "ffffffff", Label.LIKELY_SAFE)


@pytest.mark.parametrize("line", ['{"half": x}\n', '{"run_id": 5}\n', "not json\n"])
def test_damaged_line_names_its_number(tmp_path: Path, line: str) -> None:
    recorded(tmp_path, "update")
    with (tmp_path / REVIEWS_FILE).open("a") as handle:
        handle.write(line)
    with pytest.raises(ConfigError, match=r"reviews.jsonl:2 is not a tfreview record"):
        load_reviews(tmp_path)


# --- CLI --------------------------------------------------------------------------------------


def test_review_record_then_feedback_from_the_command_line(ollama: OllamaDouble, tmp_path: Path) -> None:
    result = run("review", plan_path("update"), "--host", ollama.url, "--no-cache", "--record", tmp_path)
    assert result.exit_code == 0, result.stderr
    [record] = load_reviews(tmp_path)
    assert record.prompt == ollama.chat_bodies[0]["messages"][0]["content"]

    listed = run("feedback", "--list", "--record", tmp_path)
    assert listed.exit_code == 0 and record.run_id[:12] in listed.stdout and "likely safe" in listed.stdout

    given = run("feedback", record.run_id[:8], "--label", "needs_close_review", "--note", "prod", "--record", tmp_path)
    assert given.exit_code == 0, given.stderr
    assert f"stored needs close review for run {record.run_id}" in given.stderr
    assert "it corrects the model (likely safe)" in given.stderr
    assert load_feedback(tmp_path)[record.run_id].note == "prod"


def test_stdin_reviews_are_recorded_as_stdin(tmp_path: Path) -> None:
    result = run("review", "-", "--backend", "none", "--record", tmp_path, input=plan_path("create").read_text())
    assert result.exit_code == 0
    assert load_reviews(tmp_path)[0].source == "stdin"


@pytest.mark.parametrize(
    ("args", "says"),
    [
        ((), "give RUN_ID and --label"),
        (("abc",), "give RUN_ID and --label"),
        (("abc", "--label", "likely_safe"), "no recorded reviews in"),
    ],
    ids=["nothing", "no-label", "no-records"],
)
def test_feedback_usage_errors_exit_2(tmp_path: Path, args: tuple[str, ...], says: str) -> None:
    result = run("feedback", *args, "--record", tmp_path / "empty")
    assert result.exit_code == 2 and says in result.stderr and "Traceback" not in result.stderr


def test_records_are_plain_jsonl(tmp_path: Path) -> None:
    recorded(tmp_path, "mixed")
    line = json.loads((tmp_path / REVIEWS_FILE).read_text())
    assert {"run_id", "timestamp", "source", "changeset_hash", "prompt", "reasoning", "explanation",
            "model_verdict", "findings", "label", "decided_by", "model"} <= set(line)


# --- Torn records --------------------------------------------------------------------------------


def tear(path: Path, keep: float = 0.5) -> None:
    """Append the first part of a copy of the file's last line, as a write cut off by a full disk leaves it."""
    data = path.read_bytes()
    last = data.rstrip(b"\n").rsplit(b"\n", 1)[-1]
    path.write_bytes(data + last[: int(len(last) * keep)])


@pytest.mark.parametrize("keep", [0.5, 0.01, 0.999])
def test_a_torn_last_line_is_skipped_with_a_warning(tmp_path: Path, caplog: pytest.LogCaptureFixture,
                                                    keep: float) -> None:
    recorded(tmp_path, "update")
    tear(tmp_path / REVIEWS_FILE, keep)
    assert len(load_reviews(tmp_path)) == 1
    assert "skipping" in caplog.text and "reviews.jsonl:2, a record cut short" in caplog.text


def test_a_line_torn_inside_a_multibyte_character_is_skipped(tmp_path: Path) -> None:
    recorded(tmp_path, "update")
    path = tmp_path / REVIEWS_FILE
    path.write_bytes(path.read_bytes() + '{"run_id": "ab", "note": "caf\u00e9'.encode()[:-1])
    assert len(load_reviews(tmp_path)) == 1


def test_the_next_append_after_a_torn_line_starts_on_a_fresh_line(tmp_path: Path) -> None:
    recorded(tmp_path, "update")
    tear(tmp_path / REVIEWS_FILE)
    recorded(tmp_path, "delete")
    [first, second] = load_reviews(tmp_path)
    assert second.summary.delete == 1
    record, _ = add_feedback(tmp_path, "last", Label.NEEDS_CLOSE_REVIEW)
    tear(tmp_path / FEEDBACK_FILE)
    add_feedback(tmp_path, first.run_id, Label.LIKELY_SAFE)
    assert set(load_feedback(tmp_path)) == {first.run_id, second.run_id} and record.run_id == second.run_id


def test_each_record_is_one_write_then_fsync(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[str, int]] = []
    real_write, real_fsync = os.write, os.fsync
    monkeypatch.setattr(record_module.os, "write", lambda fd, data: calls.append(("write", len(data))) or
                        real_write(fd, data))
    monkeypatch.setattr(record_module.os, "fsync", lambda fd: calls.append(("fsync", 0)) or real_fsync(fd))
    recorded(tmp_path, "update")
    size = (tmp_path / REVIEWS_FILE).stat().st_size
    assert calls == [("write", size), ("fsync", 0)]


def cli(*args: object, max_file_size: int | None = None) -> subprocess.CompletedProcess[str]:
    """Run `tfreview ARGS` in a real process; MAX_FILE_SIZE cuts writes short (RLIMIT_FSIZE) as a full disk does."""
    script = "import resource, signal, sys; from tfreview.cli import main; sys.argv = ['tfreview', *sys.argv[1:]]; "
    if max_file_size is not None:
        script += ("signal.signal(signal.SIGXFSZ, signal.SIG_IGN); "
                   f"resource.setrlimit(resource.RLIMIT_FSIZE, ({max_file_size}, resource.RLIM_INFINITY)); ")
    return subprocess.run([sys.executable, "-c", script + "main()", *map(str, args)], capture_output=True, text=True,
                          timeout=120, env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})


def test_a_full_disk_leaves_a_torn_line_that_feedback_and_export_skip(tmp_path: Path,
                                                                       caplog: pytest.LogCaptureFixture) -> None:
    records = tmp_path / "records"
    recorded(records, "update")  # with a model, so the dataset has an example
    size = (records / REVIEWS_FILE).stat().st_size
    full = cli("review", plan_path("delete"), "--backend", "none", "--record", records, max_file_size=size + 300)
    assert full.returncode == 2 and "cannot write" in full.stderr and "Traceback" not in full.stderr
    assert (records / REVIEWS_FILE).stat().st_size == size + 300  # a real short write: the line is torn
    listed = cli("feedback", "--list", "--record", records)
    assert listed.returncode == 0 and "Traceback" not in listed.stderr
    assert "reviews.jsonl:2, a record cut short while it was written" in listed.stderr
    exported = run("dataset", "export", "--record", records, "--out", tmp_path / "train.jsonl")
    assert exported.exit_code == 0 and "wrote 1 examples" in exported.stderr and "a record cut short" in caplog.text
    assert run("review", plan_path("delete"), "--backend", "none", "--record", records).exit_code != 2
    assert [r.summary.delete for r in load_reviews(records)] == [0, 1]  # the next append is intact
