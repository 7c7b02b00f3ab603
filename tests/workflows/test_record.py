"""Recording masked reviews (`--record DIR`) and human verdicts (`tfreview feedback`)."""

from __future__ import annotations

import json
import re
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


def test_damaged_line_names_its_number(tmp_path: Path) -> None:
    recorded(tmp_path, "update")
    with (tmp_path / REVIEWS_FILE).open("a") as handle:
        handle.write('{"half": \n')
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
