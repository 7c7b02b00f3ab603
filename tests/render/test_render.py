from __future__ import annotations

from tests.helpers import plan_path
from tfreview.backends.base import ModelReply
from tfreview.backends.fake import FakeBackend
from tfreview.pipeline.review import review
from tfreview.render import render
from tfreview.result import ReviewResult
from tfreview.settings import Settings


def _result(name: str, reply: ModelReply | None = None) -> ReviewResult:
    if reply is None:
        return review(plan_path(name), Settings(backend="none"))
    return review(plan_path(name), Settings(), backend=FakeBackend.always(reply))


def test_text_groups_most_dangerous_first_and_lists_outputs() -> None:
    text = render(_result("mixed"), "text")
    order = [text.index(f"\n{heading} (") for heading in ("delete", "replace", "forget", "update", "create")]
    assert order == sorted(order)
    assert text.startswith("LIKELY SAFE (decided by rules)")
    assert "\x1b[" not in text, "plain text when not asked for colour"
    assert "output changes (1)" in render(_result("sensitive"), "text")


def test_colour_only_when_asked() -> None:
    assert "\x1b[" in render(_result("mixed"), "text", color=True)


def test_plan_text_that_looks_like_rich_markup_is_printed_literally() -> None:
    reply = ModelReply(thinking="[bold red]not markup[/] stays", content="ok\nVERDICT: LIKELY SAFE")
    text = render(_result("update", reply), "text", color=True)
    assert "[bold red]not markup[/] stays" in text


def test_reasoning_hidden_on_request() -> None:
    reply = ModelReply(thinking="secret sauce reasoning", content="ok\nVERDICT: LIKELY SAFE")
    result = _result("update", reply)
    assert "secret sauce reasoning" in render(result, "text")
    assert "secret sauce reasoning" not in render(result, "text", show_reasoning=False)


def test_markdown_has_label_findings_table_and_collapsed_reasoning() -> None:
    reply = ModelReply(thinking="thinking here", content="Explained.\nVERDICT: NEEDS CLOSE REVIEW")
    md = render(_result("failing_check", reply), "markdown")
    assert md.startswith("## ⚠️ tfreview: needs close review")
    assert "| high | `check-failed` | `check.web_is_v9` |" in md
    assert "<details><summary>Model reasoning</summary>" in md and "> thinking here" in md


def test_json_round_trips_through_the_schema_model() -> None:
    result = _result("mixed")
    assert ReviewResult.model_validate_json(render(result, "json")).label is result.label
