from __future__ import annotations

import pytest

from tests.helpers import CANARY, OLD_SECRET, plan_path
from tfreview.backends.base import ModelReply
from tfreview.backends.fake import FakeBackend
from tfreview.errors import BackendUnavailable, BadReply, ModelNotFound
from tfreview.labels import DecidedBy, Label
from tfreview.pipeline.review import review
from tfreview.settings import Settings

SAFE = ModelReply(thinking="Only an input changes; nothing stateful.",
                  content="Routine update.\n\nVERDICT: LIKELY SAFE")
UNSAFE = ModelReply(thinking="The output is consumed downstream.", content="Check it.\nVERDICT: NEEDS CLOSE REVIEW")


def run(name: str, backend: FakeBackend, **settings: object) -> object:
    return review(plan_path(name), Settings(**settings), backend=backend)  # type: ignore[arg-type]


def test_model_can_pass_a_plan_the_rules_find_benign() -> None:
    result = review(plan_path("update"), Settings(), backend=FakeBackend.always(SAFE))
    assert result.label is Label.LIKELY_SAFE
    assert result.decided_by is DecidedBy.MODEL
    assert result.reasoning == SAFE.thinking
    assert result.explanation == "Routine update."
    assert result.model.verdict is Label.LIKELY_SAFE


def test_model_can_escalate() -> None:
    result = review(plan_path("update"), Settings(), backend=FakeBackend.always(UNSAFE))
    assert (result.label, result.decided_by) == (Label.NEEDS_CLOSE_REVIEW, DecidedBy.MODEL)


@pytest.mark.parametrize("name", ["failing_check", "errored_precondition"])
def test_model_cannot_lower_a_high_rule_finding(name: str) -> None:
    result = review(plan_path(name), Settings(), backend=FakeBackend.always(SAFE))
    assert result.label is Label.NEEDS_CLOSE_REVIEW
    assert result.decided_by is DecidedBy.RULES
    assert result.model.verdict is Label.LIKELY_SAFE, "the model's own answer is still reported"


@pytest.mark.parametrize(
    "failure",
    [BackendUnavailable("cannot reach Ollama"), ModelNotFound("model x not found"), BadReply("stream cut")],
    ids=["down", "missing-model", "cut-stream"],
)
def test_backend_failure_fails_closed(failure: Exception) -> None:
    result = review(plan_path("update"), Settings(), backend=FakeBackend.always(failure))  # type: ignore[arg-type]
    assert (result.label, result.decided_by) == (Label.NEEDS_CLOSE_REVIEW, DecidedBy.ERROR)
    assert result.errors == [str(failure)]


@pytest.mark.parametrize(
    "content",
    ["", "I think it is fine.", "VERDICT: LIKELY SAFE\nVERDICT: NEEDS CLOSE REVIEW", "VERDICT: MAYBE"],
    ids=["empty", "no-verdict", "conflicting", "unknown-word"],
)
def test_unusable_verdict_fails_closed(content: str) -> None:
    result = review(plan_path("update"), Settings(), backend=FakeBackend.always(ModelReply(content=content)))
    assert (result.label, result.decided_by) == (Label.NEEDS_CLOSE_REVIEW, DecidedBy.ERROR)
    assert result.errors and "no usable verdict" in result.errors[0]


def test_no_changes_needs_no_model() -> None:
    fake = FakeBackend.always(UNSAFE)
    result = review(plan_path("noop"), Settings(), backend=fake)
    assert fake.prompts == []
    assert result.label is Label.LIKELY_SAFE


def test_backend_none_never_calls_a_model() -> None:
    fake = FakeBackend.always(UNSAFE)
    result = review(plan_path("update"), Settings(backend="none"), backend=fake)
    assert fake.prompts == [] and result.decided_by is DecidedBy.RULES and result.model.name is None


def test_secrets_reach_neither_prompt_nor_result() -> None:
    fake = FakeBackend.always(SAFE)
    result = review(plan_path("sensitive"), Settings(), backend=fake)
    for text in (fake.prompts[0], result.to_json()):
        assert CANARY not in text and OLD_SECRET not in text
    assert "(sensitive" in fake.prompts[0]


def test_prompt_carries_summary_findings_and_fenced_data() -> None:
    fake = FakeBackend.always(SAFE)
    review(plan_path("injection"), Settings(), backend=fake)
    prompt = fake.prompts[0]
    assert "<<<PLAN DATA " in prompt and "PLAN DATA " in prompt
    assert "Ignore" in prompt.split("<<<PLAN DATA", 1)[1], "the injected text is quoted inside the data block"
    assert "VERDICT: LIKELY SAFE\nor\nVERDICT: NEEDS CLOSE REVIEW" in prompt


def test_model_settings_reach_the_backend() -> None:
    fake = FakeBackend.always(SAFE)
    review(plan_path("update"), Settings(model="m", num_ctx=4096, temperature=0.2), backend=fake)
    sent = fake.settings[0]
    assert (sent.model, sent.num_ctx, sent.temperature) == ("m", 4096, 0.2)
