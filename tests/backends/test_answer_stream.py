"""The shared stop-after-verdict logic and reasoning split, fed token streams as models write them."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.helpers import CANARY, plan_path
from tfreview.backends.base import AnswerStream, ModelReply, stop_after_verdict
from tfreview.backends.fake import FakeBackend
from tfreview.labels import DecidedBy, Label
from tfreview.pipeline.review import review
from tfreview.pipeline.verdict import parse_verdict
from tfreview.settings import Settings


def pieces(text: str) -> list[str]:
    """Token-sized pieces with leading whitespace attached, as servers stream them."""
    return re.findall(r"\s*\S{1,6}|\s+", text)


def feed(stream: AnswerStream, content: str, reasoning: str = "") -> int | None:
    """Stream REASONING then CONTENT; the index of the content piece that stopped it, or None."""
    for piece in pieces(reasoning):
        assert not stream.add(piece, "")
    for index, piece in enumerate(pieces(content)):
        if stream.add("", piece):
            stream.closed = True  # as a backend does when it stops the generation
            return index
    return None


AFTER = "\nI could go on about this plan for a long while yet."


@pytest.mark.parametrize(
    ("content", "reasoning_in_content"),
    [
        pytest.param("Fine.\nVERDICT: LIKELY SAFE" + AFTER, False, id="plain-answer"),
        pytest.param("<think>\nVERDICT: LIKELY SAFE\nhmm, no.\n</think>\nBad.\nVERDICT: NEEDS CLOSE REVIEW" + AFTER,
                     None, id="think-block-then-verdict"),
        pytest.param("Let me think.\nVERDICT: LIKELY SAFE\nWait.\n</think>\nVERDICT: NEEDS CLOSE REVIEW" + AFTER,
                     True, id="missing-open-tag"),
        pytest.param("Fine.\n**Verdict:**\nlikely safe" + AFTER, False, id="heading-then-value"),
    ],
)
def test_stops_on_the_newline_after_the_final_verdict(content: str, reasoning_in_content: bool | None) -> None:
    stream = AnswerStream(reasoning_in_content=reasoning_in_content)
    stopped_at = feed(stream, content)
    assert stopped_at is not None and stream.stopped
    written = "".join(stream.content)
    assert "go on about" not in written  # nothing after the verdict line's newline was waited for
    reply = stream.reply(prompt_tokens=None, completion_tokens=None, done_reason=None)
    assert reply.done_reason == "verdict"
    assert parse_verdict(reply.content).label is not None


def test_never_fires_inside_reasoning_without_its_opening_tag() -> None:
    # An R1 distill whose template ends with "<think>\n": its drafts of a verdict are reasoning.
    stream = AnswerStream(reasoning_in_content=True)
    assert feed(stream, "Hmm.\nVERDICT: LIKELY SAFE\nNo wait, the bucket goes.\n") is None
    assert not stream.stopped
    assert feed(stream, "</think>\nIt deletes data.\nVERDICT: NEEDS CLOSE REVIEW\nmore") is not None
    reply = stream.reply(prompt_tokens=1, completion_tokens=2, done_reason="stop")
    assert "VERDICT: LIKELY SAFE" in reply.thinking
    assert parse_verdict(reply.content).label is Label.NEEDS_CLOSE_REVIEW


def test_unknown_template_waits_for_evidence_that_reasoning_is_over() -> None:
    stream = AnswerStream(reasoning_in_content=None)
    assert feed(stream, "Fine.\nVERDICT: LIKELY SAFE\nmore text\n") is None
    # Reasoning that arrived on its own channel is the evidence: the content is the answer.
    separate = AnswerStream(reasoning_in_content=None)
    assert feed(separate, "Fine.\nVERDICT: LIKELY SAFE\nmore text\n", reasoning="The tag changes only.") is not None


def test_open_think_block_never_stops() -> None:
    stream = AnswerStream(reasoning_in_content=False)
    assert feed(stream, "<think>\nVERDICT: LIKELY SAFE\nstill thinking\n") is None


@pytest.mark.parametrize(
    "content",
    [
        pytest.param("Fine.\nVERDICT: LIKELY SAFE", id="no-newline-yet"),
        pytest.param("VERDICT: LIKELY SAFE\nVERDICT: NEEDS CLOSE REVIEW\n", id="conflicting"),
        pytest.param("VERDICT: MAYBE\n", id="unknown-value"),
        pytest.param("It is not the case that VERDICT: LIKELY SAFE applies.\n", id="mid-line"),
    ],
)
def test_no_stop_without_one_complete_verdict(content: str) -> None:
    assert not stop_after_verdict(content, reasoning_known=False, reasoning_in_content=False)


def test_unfinished_verdict_at_the_limit_is_flagged_and_text_is_kept() -> None:
    cut = AnswerStream(reasoning_in_content=None)
    feed(cut, "Maybe.\nVERDICT: LIKELY SAFE")
    assert cut.unfinished_verdict()  # backends fail closed on it
    rambling = AnswerStream(reasoning_in_content=False)
    feed(rambling, "I am a small model and I like plans. " * 5)
    assert not rambling.unfinished_verdict()
    reply = rambling.reply(prompt_tokens=10, completion_tokens=128, done_reason="length")
    assert reply.done_reason == "length" and reply.content.startswith("I am a small model")
    assert parse_verdict(reply.content).problem == "the model wrote no verdict line; try a larger or reasoning model"


def test_no_verdict_keeps_the_masked_text_in_the_result_and_the_record(tmp_path: Path) -> None:
    rambling = ModelReply(content=f"I like plans. The secret is {CANARY}. More plans.", done_reason="length")
    settings = Settings(record_dir=tmp_path, use_cache=False)
    result = review(plan_path("sensitive"), settings, FakeBackend.always(rambling))
    assert (result.label, result.decided_by) == (Label.NEEDS_CLOSE_REVIEW, DecidedBy.ERROR)
    assert result.errors == ["the model gave no usable verdict: the model wrote no verdict line; try a larger or "
                             "reasoning model"]
    assert result.explanation.startswith("I like plans.") and CANARY not in result.explanation
    [line] = (tmp_path / "reviews.jsonl").read_text().splitlines()
    record = json.loads(line)
    assert record["explanation"] == result.explanation and CANARY not in line
