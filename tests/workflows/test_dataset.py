"""`tfreview dataset export`: chat-format JSONL from recorded reviews, masked, de-duplicated, split."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.cli_commands import run
from tests.helpers import CANARY, OLD_SECRET, plan_path
from tests.ollama_double import OllamaDouble
from tfreview.backends.base import ModelReply
from tfreview.backends.fake import FakeBackend
from tfreview.backends.ollama import OllamaBackend
from tfreview.errors import ConfigError
from tfreview.labels import Label
from tfreview.pipeline.review import review
from tfreview.pipeline.verdict import parse_verdict, split_reasoning
from tfreview.settings import Settings
from tfreview.workflows.dataset import assistant_text, build_examples, export_dataset, split
from tfreview.workflows.record import add_feedback, load_feedback, load_reviews

PLANS = ("create", "update", "delete", "destroy", "forget", "replace", "mixed", "injection", "sensitive", "move")
SAFE = ModelReply(thinking="Nothing stateful is touched.", content="Routine.\n\nVERDICT: LIKELY SAFE")
UNSAFE = ModelReply(thinking="A resource is destroyed.", content="Data loss.\n\nVERDICT: NEEDS CLOSE REVIEW")


def record(directory: Path, plan: str, reply: ModelReply = SAFE) -> str:
    """Review PLAN with a fake model, recording it; return the run id."""
    settings = Settings(record_dir=directory, use_cache=False)
    review(plan_path(plan), settings, backend=FakeBackend.always(reply))
    return load_reviews(directory)[-1].run_id


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def assert_chat_format(line: dict[str, Any]) -> Label:
    """One SFT example as Unsloth/AutoTrain/TRL expect it; returns the label its answer teaches."""
    assert list(line) == ["messages"]
    user, assistant = line["messages"]
    assert set(user) == set(assistant) == {"role", "content"}
    assert (user["role"], assistant["role"]) == ("user", "assistant")
    assert user["content"].strip() and isinstance(assistant["content"], str)
    answer = assistant["content"]
    assert answer.startswith("<think>\n") and "\n</think>\n\n" in answer and answer.count("</think>") == 1
    reasoning, final = split_reasoning(answer)
    assert reasoning
    verdict = parse_verdict(final)
    assert verdict.label is not None, verdict.problem
    assert final.splitlines()[-1] == f"VERDICT: {verdict.label.text.upper()}"
    return verdict.label


def test_export_is_valid_chat_format_with_the_human_label_where_given(tmp_path: Path) -> None:
    runs = {plan: record(tmp_path, plan) for plan in PLANS}
    add_feedback(tmp_path, runs["delete"], Label.NEEDS_CLOSE_REVIEW, "drops the db")
    add_feedback(tmp_path, runs["create"], Label.LIKELY_SAFE)
    stats = export_dataset(tmp_path, tmp_path / "train.jsonl")
    lines = read_jsonl(tmp_path / "train.jsonl")
    assert len(lines) == stats.train == len(PLANS)
    labels = [assert_chat_format(line) for line in lines]
    assert labels.count(Label.NEEDS_CLOSE_REVIEW) == 1, "the human correction wins over the model's answer"
    assert (stats.agreed, stats.corrected) == (1, 1)


def test_no_secret_reaches_the_dataset(tmp_path: Path) -> None:
    leaky = ModelReply(thinking=f"Token {CANARY} replaces {OLD_SECRET}.", content=f"{CANARY}\n\nVERDICT: LIKELY SAFE")
    record(tmp_path, "sensitive", leaky)
    record(tmp_path, "update")
    export_dataset(tmp_path, tmp_path / "train.jsonl", tmp_path / "val.jsonl", val_fraction=0.5)
    for name in ("train.jsonl", "val.jsonl"):
        text = (tmp_path / name).read_text(encoding="utf-8")
        assert CANARY not in text and OLD_SECRET not in text and "7f3a9c1e" not in text
    assert "(sensitive)" in (tmp_path / "train.jsonl").read_text() + (tmp_path / "val.jsonl").read_text()


def test_round_trip_exported_prompts_are_exactly_what_the_model_is_asked(ollama: OllamaDouble,
                                                                         tmp_path: Path) -> None:
    recording = Settings(host=ollama.url, timeout=10, use_cache=False, record_dir=tmp_path)
    for plan in PLANS:
        review(plan_path(plan), recording)
    export_dataset(tmp_path, tmp_path / "train.jsonl")
    exported = [line["messages"][0]["content"] for line in read_jsonl(tmp_path / "train.jsonl")]
    asked_while_recording = [body["messages"][0]["content"] for body in ollama.chat_bodies]
    assert sorted(exported) == sorted(asked_while_recording)

    # Feed the exported prompts back through the review path with the double: same bytes on the wire.
    ollama.requests.clear()
    backend, settings = OllamaBackend(), ollama.settings()
    for prompt in exported:
        assert parse_verdict(backend.chat(prompt, settings).content).label is Label.LIKELY_SAFE
    assert [body["messages"] for body in ollama.chat_bodies] == [[{"role": "user", "content": p}] for p in exported]

    # And reviewing the same plans again (nothing recorded) asks exactly the exported prompts.
    ollama.requests.clear()
    for plan in PLANS:
        review(plan_path(plan), Settings(host=ollama.url, timeout=10, use_cache=False))
    assert sorted(body["messages"][0]["content"] for body in ollama.chat_bodies) == sorted(exported)


def test_duplicate_change_sets_count_once_preferring_the_human_labelled(tmp_path: Path) -> None:
    first = record(tmp_path, "update", SAFE)
    record(tmp_path, "update", UNSAFE)
    add_feedback(tmp_path, first, Label.LIKELY_SAFE)
    examples, stats = build_examples(load_reviews(tmp_path), load_feedback(tmp_path))
    assert len(examples) == 1 and stats.duplicates == 1
    assert examples[0].run_id == first and examples[0].human


def test_newest_record_wins_among_unlabelled_duplicates(tmp_path: Path) -> None:
    record(tmp_path, "update", SAFE)
    newest = record(tmp_path, "update", UNSAFE)
    records = load_reviews(tmp_path)
    records[0] = records[0].model_copy(update={"timestamp": "2000-01-01T00:00:00+00:00"})
    [example], _ = build_examples(records, {})
    assert example.run_id == newest and example.answer.endswith("VERDICT: NEEDS CLOSE REVIEW")


def test_min_agreement_keeps_only_human_labelled_examples(tmp_path: Path) -> None:
    runs = [record(tmp_path, plan) for plan in PLANS[:4]]
    add_feedback(tmp_path, runs[0], Label.LIKELY_SAFE)
    add_feedback(tmp_path, runs[1], Label.NEEDS_CLOSE_REVIEW)
    stats = export_dataset(tmp_path, tmp_path / "train.jsonl", min_agreement=True)
    assert stats.train == 2 and (stats.agreed, stats.corrected) == (1, 1)
    assert stats.skipped == {"without a human verdict (--min-agreement)": 2}


def test_reviews_that_cannot_teach_are_left_out(tmp_path: Path) -> None:
    review(plan_path("failing_check"), Settings(backend="none", record_dir=tmp_path))
    record(tmp_path, "update", ModelReply(content="No reasoning.\n\nVERDICT: LIKELY SAFE"))
    record(tmp_path, "delete", ModelReply(thinking="Hmm.", content="unsure"))
    record(tmp_path, "create")
    examples, stats = build_examples(load_reviews(tmp_path), {})
    assert len(examples) == 1
    assert stats.skipped == {"without a prompt (rules only)": 1, "without any verdict": 1,
                             "without reasoning (it would teach the model to skip thinking)": 1}


def test_split_is_deterministic_by_seed_and_disjoint(tmp_path: Path) -> None:
    for plan in PLANS:
        record(tmp_path, plan)
    examples, _ = build_examples(load_reviews(tmp_path), {})
    train, validation = split(examples, 0.3, seed=7)
    assert len(validation) == 3 and len(train) == 7
    assert {e.changeset_hash for e in train}.isdisjoint(e.changeset_hash for e in validation)
    assert split(examples, 0.3, seed=7) == (train, validation)
    seeds = {tuple(e.run_id for e in split(examples, 0.3, seed=s)[1]) for s in range(10)}
    assert len(seeds) > 1, "the seed changes the split"
    assert len(split(examples[:2], 0.1, seed=0)[1]) == 1, "a validation set is never empty when asked for"


def test_bad_val_fraction_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match=r"--val-fraction 1\.0"):
        split([], 1.0, seed=0)


def test_assistant_text_shape() -> None:
    assert assistant_text(" think \n", "", Label.LIKELY_SAFE) == "<think>\nthink\n</think>\n\nVERDICT: LIKELY SAFE"


def test_export_command(tmp_path: Path) -> None:
    runs = [record(tmp_path, plan) for plan in PLANS]
    add_feedback(tmp_path, runs[0], Label.NEEDS_CLOSE_REVIEW)
    result = run("dataset", "export", "--record", tmp_path, "--out", tmp_path / "t.jsonl",
                 "--val-out", tmp_path / "v.jsonl", "--val-fraction", "0.2", "--seed", "3")
    assert result.exit_code == 0, result.stderr
    assert "wrote 8 examples to" in result.stderr and "and 2 to" in result.stderr
    assert "0 agreed, 1 corrected" in result.stderr and result.stdout == ""
    for name in ("t.jsonl", "v.jsonl"):
        for line in read_jsonl(tmp_path / name):
            assert_chat_format(line)


def test_export_with_nothing_usable_exits_2(tmp_path: Path) -> None:
    review(plan_path("update"), Settings(backend="none", record_dir=tmp_path))
    result = run("dataset", "export", "--record", tmp_path, "--out", tmp_path / "t.jsonl")
    assert result.exit_code == 2
    assert "no usable examples" in result.stderr and "1 without a prompt (rules only)" in result.stderr


def test_text_format_is_the_conversation_as_the_modelfile_template_renders_it(tmp_path: Path) -> None:
    from tfreview.commands.modelfile import STOP_TOKENS

    record(tmp_path, "update")
    export_dataset(tmp_path, tmp_path / "m.jsonl")
    export_dataset(tmp_path, tmp_path / "t.jsonl", fmt="text")
    [chat], [line] = read_jsonl(tmp_path / "m.jsonl"), read_jsonl(tmp_path / "t.jsonl")
    user, assistant = (m["content"] for m in chat["messages"])
    _, end, user_token, assistant_token = STOP_TOKENS
    assert list(line) == ["text"]
    assert line["text"] == f"{user_token}{user}{assistant_token}{assistant}{end}"
    assert line["text"].count("<think>") == 1, "the reasoning stays in the text"
