"""Reasoning extraction and verdict parsing (DESIGN.md "The model's answer")."""

from __future__ import annotations

import pytest

from tfreview.labels import Label
from tfreview.pipeline.verdict import parse_verdict, split_reasoning

SAFE = Label.LIKELY_SAFE
REVIEW = Label.NEEDS_CLOSE_REVIEW


@pytest.mark.parametrize(
    ("content", "reasoning", "answer"),
    [
        pytest.param("<think>\nA\n</think>\n\nB", "A", "B", id="both-tags"),
        pytest.param("A\nmore A\n</think>\n\nB", "A\nmore A", "B", id="opening-tag-missing"),
        pytest.param("<think>\n\n</think>\n\nB", "", "B", id="bypass-empty-think"),
        pytest.param("<think>\nA forever", "A forever", "", id="runaway-unclosed"),
        pytest.param("  just an answer \n", "", "just an answer", id="no-tags"),
        pytest.param("<think>A</think>x</think>\nB", "A</think>x", "B", id="last-close-tag-wins"),
        pytest.param(
            "answer with <think> inside", "", "answer with <think> inside", id="tag-mid-text"
        ),
        pytest.param("", "", "", id="empty"),
    ],
)
def test_split_reasoning(content: str, reasoning: str, answer: str) -> None:
    assert split_reasoning(content) == (reasoning, answer)


@pytest.mark.parametrize(
    ("answer", "label"),
    [
        pytest.param("Only tags change.\n\nVERDICT: LIKELY SAFE", SAFE, id="exact-safe"),
        pytest.param("The DB is replaced.\nVERDICT: NEEDS CLOSE REVIEW", REVIEW, id="exact-review"),
        pytest.param("verdict: likely safe", SAFE, id="lower-case"),
        pytest.param("**Verdict:** likely safe", SAFE, id="bold-label"),
        pytest.param("**Verdict**: Likely Safe.", SAFE, id="bold-word-colon-outside"),
        pytest.param("### VERDICT: NEEDS CLOSE REVIEW", REVIEW, id="heading"),
        pytest.param("`VERDICT: LIKELY SAFE`", SAFE, id="backticks"),
        pytest.param("> VERDICT: **NEEDS CLOSE REVIEW**!", REVIEW, id="quote-bold-value"),
        pytest.param("- VERDICT: needs-close-review", REVIEW, id="bullet-hyphens"),
        pytest.param("VERDICT: needs_close_review", REVIEW, id="underscores"),
        pytest.param("VERDICT: LIKELY SAFE.", SAFE, id="trailing-period"),
        pytest.param("VERDICT - LIKELY SAFE", SAFE, id="dash-separator"),
        pytest.param("VERDICT\uff1aLIKELY SAFE", SAFE, id="fullwidth-colon"),
        pytest.param("**Final verdict:** NEEDS CLOSE REVIEW", REVIEW, id="final-verdict"),
        pytest.param("**Verdict:**\n\n**LIKELY SAFE**", SAFE, id="value-on-next-line"),
        pytest.param("VERDICT: LIKELY SAFE\n\nVERDICT: likely safe", SAFE, id="repeated-same"),
        pytest.param("VERDICT: MAYBE\nVERDICT: NEEDS CLOSE REVIEW", REVIEW, id="last-line-wins"),
        pytest.param(
            "I would not say VERDICT: LIKELY SAFE here.\nVERDICT: NEEDS CLOSE REVIEW",
            REVIEW,
            id="mid-sentence-ignored",
        ),
    ],
)
def test_verdict_variants(answer: str, label: Label) -> None:
    verdict = parse_verdict(answer)
    assert verdict.label is label
    assert verdict.problem is None


@pytest.mark.parametrize(
    ("answer", "problem"),
    [
        pytest.param("", "empty answer", id="empty"),
        pytest.param("  \n\n ", "empty answer", id="blank"),
        pytest.param("Looks fine to me.", "the model wrote no verdict line", id="no-verdict"),
        pytest.param(
            "It is not the case that VERDICT: LIKELY SAFE applies.",
            "the model wrote no verdict line",
            id="mid-line",
        ),
        pytest.param(
            "Verdict aside, this deletes a bucket.", "the model wrote no verdict line", id="prose-verdict"
        ),
        pytest.param("VERDICT: MAYBE", "unknown verdict 'maybe'", id="unknown-word"),
        pytest.param("VERDICT: probably fine", "unknown verdict", id="unknown-phrase"),
        pytest.param(
            "VERDICT: LIKELY SAFE\nOn reflection:\nVERDICT: NEEDS CLOSE REVIEW",
            "conflicting verdicts",
            id="conflict-safe-then-review",
        ),
        pytest.param(
            "**Verdict:** needs close review\n...\nVERDICT: LIKELY SAFE",
            "conflicting verdicts",
            id="conflict-review-then-safe",
        ),
    ],
)
def test_no_label(answer: str, problem: str) -> None:
    verdict = parse_verdict(answer)
    assert verdict.label is None
    assert verdict.problem is not None
    assert verdict.problem.startswith(problem)


def test_explanation_drops_only_the_verdict_line() -> None:
    verdict = parse_verdict(
        "The RDS instance is replaced.\nBackups exist.\n\n**VERDICT: NEEDS CLOSE REVIEW**\n"
    )
    assert verdict.explanation == "The RDS instance is replaced.\nBackups exist."


def test_verdict_inside_reasoning_is_never_read() -> None:
    reasoning, answer = split_reasoning(
        "<think>\nVERDICT: LIKELY SAFE\n</think>\n\nI ran out of ideas."
    )
    assert "VERDICT" in reasoning
    assert parse_verdict(answer).label is None


def test_conflict_keeps_the_whole_answer_for_people_to_read() -> None:
    answer = "VERDICT: LIKELY SAFE\nVERDICT: NEEDS CLOSE REVIEW"
    verdict = parse_verdict(answer)
    assert verdict.explanation == answer
    assert verdict.problem == (
        "conflicting verdicts in the model's answer (likely safe and needs close review)"
    )
