"""The JSON report: orjson writes it straight from the pipeline's objects, and it is exactly the schema's document."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers import ROOT
from tfreview.backends.base import ModelReply
from tfreview.pipeline.review import ModelOutcome, decide, prepare
from tfreview.result import ReviewResult
from tfreview.settings import Settings

# Every plan of the labelled corpus (fixtures/manifest.json); malformed plans of the incidents set never render.
PLANS = [ROOT / entry["path"] for entry in json.loads((ROOT / "fixtures" / "manifest.json").read_text())["plans"]]


@pytest.mark.parametrize("plan", PLANS, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_json_report_is_what_the_pydantic_model_writes(plan: Path) -> None:
    result = decide(prepare(plan, Settings(backend="none")), Settings(backend="none"), None)
    assert result.to_json() == result.model_dump_json(indent=2)
    assert ReviewResult.model_validate_json(result.to_json()).label is result.label


def test_json_report_with_a_model_answer_matches_the_schema_too() -> None:
    settings = Settings(backend="ollama")
    prepared = prepare(ROOT / "fixtures" / "plans" / "update.json", settings)
    reply = ModelReply(thinking="an input changes", content="Fine.\nVERDICT: LIKELY SAFE", duration_s=1.5)
    result = decide(prepared, settings, ModelOutcome(reply=reply, duration_s=1.5, cached=True))
    assert result.to_json() == result.model_dump_json(indent=2)
    assert '"import": ' in result.to_json()  # aliases are kept
