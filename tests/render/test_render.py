from __future__ import annotations

from pathlib import Path

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


def test_the_last_line_of_a_long_text_report_is_the_label(tmp_path: Path) -> None:
    from tests.plan_builder import big_plan

    plan = tmp_path / "plan.json"
    big_plan(plan, {"delete": 10, "replace": 10, "update": 30, "create": 30})
    text = render(review(plan, Settings(backend="none")), "text")
    last = [line for line in text.splitlines() if line.strip()][-1]
    assert last.startswith("NEEDS CLOSE REVIEW · 10 to delete, 10 to replace, 30 to update, 30 to create")
    assert last.endswith("decided by rules")


def test_findings_wrap_at_word_boundaries_under_a_hanging_indent() -> None:
    from tfreview.pipeline.findings import Finding, Severity
    from tfreview.render.text import render_text

    message = "the security group opens port 22 to 0.0.0.0/0 " * 6
    result = _result("mixed").model_copy(update={"findings": [
        Finding(rule="network-open-ingress", severity=Severity.HIGH, address="aws_security_group.a", message=message)]})
    lines = render_text(result, width=60).splitlines()
    start = lines.index(next(line for line in lines if "network-open-ingress" in line))
    block = lines[start:start + 5]
    assert all(len(line) <= 60 for line in block)
    assert all(line.startswith(" " * 9) for line in block[1:4])
    words = set(message.split())
    assert all(word in words or word.endswith(":") for line in block for word in line.split()[1:])  # none cut


def test_an_unreachable_model_is_named_next_to_the_label() -> None:
    from tests.helpers import closed_port_url

    result = review(plan_path("update"), Settings(host=closed_port_url(), timeout=2))
    last = render(result, "text").rstrip().splitlines()[-1]
    assert last.startswith("NEEDS CLOSE REVIEW") and "decided by error" in last
    assert "the model could not be reached: run with --backend none for the rules alone" in last
