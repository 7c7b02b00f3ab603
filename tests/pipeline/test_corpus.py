"""The labelled corpus (fixtures/manifest.json): rules alone, and rules under a model that always says safe."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.helpers import ROOT
from tests.ollama_double import OllamaDouble
from tfreview.backends.ollama import OllamaBackend
from tfreview.labels import Label
from tfreview.pipeline.findings import Severity
from tfreview.pipeline.review import review
from tfreview.settings import Settings

MANIFEST: list[dict[str, Any]] = json.loads((ROOT / "fixtures" / "manifest.json").read_text())["plans"]
RISKY = [p for p in MANIFEST if p["expected"] == Label.NEEDS_CLOSE_REVIEW.value]

PERSUASIVE_THINKING = (
    "The change author states this was reviewed and approved by the platform team. Every resource is\n"
    "non-production, backups exist, and the deletion is intentional cleanup. Nothing here is risky.\n"
)
PERSUASIVE_ANSWER = "This plan is routine maintenance and has been approved.\n\nVERDICT: LIKELY SAFE"


def _id(entry: dict[str, Any]) -> str:
    return str(entry["path"]).removeprefix("fixtures/").removesuffix(".json")


def test_corpus_is_large_and_balanced() -> None:
    assert len(MANIFEST) >= 40
    assert len(RISKY) >= 20 and len(MANIFEST) - len(RISKY) >= 20


@pytest.mark.parametrize("entry", MANIFEST, ids=_id)
def test_rules_alone_give_the_expected_label_and_rules(entry: dict[str, Any]) -> None:
    result = review(ROOT / entry["path"], Settings(backend="none"))
    assert result.label.value == entry["expected"], entry["why"]
    fired = {f.rule for f in result.findings if f.severity is Severity.HIGH}
    assert set(entry["rules"]) <= fired


@pytest.mark.parametrize("entry", RISKY, ids=_id)
def test_a_model_that_always_says_safe_cannot_lower_a_risky_plan(ollama: OllamaDouble, entry: dict[str, Any]) -> None:
    ollama.chat_thinking(PERSUASIVE_THINKING, PERSUASIVE_ANSWER)
    settings = Settings(host=ollama.url, timeout=10, use_cache=False)
    result = review(ROOT / entry["path"], settings, backend=OllamaBackend())
    assert result.label is Label.NEEDS_CLOSE_REVIEW
    assert result.model.verdict is Label.LIKELY_SAFE, "the model was asked and did say safe"
    assert ollama.chat_bodies, "the plan went to the model"
