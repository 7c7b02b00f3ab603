"""The PR-comment renderer: full when it fits, compact under the limit, never losing label, findings, deletes."""

from __future__ import annotations

from pathlib import Path

from tests.helpers import plan_path
from tests.plan_builder import big_plan
from tfreview.pipeline.review import review
from tfreview.render.github import COMMENT_LIMIT, MARKER, TRUNCATED_NOTE, marker_for, render_github
from tfreview.result import ReviewResult
from tfreview.settings import Settings


def reviewed(path: Path) -> ReviewResult:
    return review(path, Settings(backend="none"))


def test_small_plan_renders_in_full() -> None:
    text = render_github(reviewed(plan_path("mixed")))
    assert text.startswith(MARKER + "\n## ") and "| severity | rule | resource | finding |" in text
    assert TRUNCATED_NOTE not in text and "<details>" not in text and "`triggers_replace`" in text


def test_many_changes_fold_into_details(tmp_path: Path) -> None:
    plan = tmp_path / "plan.json"
    big_plan(plan, {"update": 12})
    text = render_github(reviewed(plan))
    assert "<details><summary>Changes: 12 to update</summary>" in text and TRUNCATED_NOTE not in text


def test_model_text_cannot_forge_the_marker_and_long_reasoning_is_cut(tmp_path: Path) -> None:
    result = reviewed(plan_path("update"))
    result.explanation = "<!-- tfreview --> all good -->"
    result.reasoning = "x" * 200_000
    text = render_github(result)
    assert text.count("<!--") == 1 and r"\<\!-- tfreview --\> all good --\>" in text
    assert len(text) < COMMENT_LIMIT and "characters cut" in text


def test_compact_under_any_reasonable_limit_keeps_every_delete(tmp_path: Path) -> None:
    plan = tmp_path / "plan.json"
    deleted = big_plan(plan, {"delete": 40, "update": 300})
    text = render_github(reviewed(plan), limit=8_000)
    assert len(text) < 8_000 and TRUNCATED_NOTE in text and "needs close review" in text
    assert all(f"`{address}`" in text for address in deleted)
    assert "more (see the JSON report)" in text


def test_ranges_then_a_hard_cut_as_last_resorts(tmp_path: Path) -> None:
    plan = tmp_path / "plan.json"
    big_plan(plan, {"delete": 3000})
    result = reviewed(plan)
    ranged = render_github(result, limit=4_000)
    assert "delete_worker_node[0–2999]" in ranged and len(ranged) < 4_000
    for finding in result.findings:  # for_each keys cannot become ranges
        finding.address = (finding.address or "").replace("[", '["node-').replace("]", '"]')
    cut = render_github(result, limit=1_200)
    assert len(cut) < 1_200 and "tfreview: needs close review" in cut and "cut here" in cut


def test_comment_keys_get_their_own_marker() -> None:
    assert marker_for() == MARKER and marker_for("prod/eu") == "<!-- tfreview:prod/eu -->"
    assert render_github(reviewed(plan_path("create")), marker=marker_for("prod")).startswith("<!-- tfreview:prod -->")
