"""The PR-comment renderer: full when it fits, compact under the limit, never losing label, findings, deletes."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from markdown_it import MarkdownIt

from tests.comment_reader import named_addresses
from tests.helpers import plan_path
from tests.plan_builder import big_plan
from tfreview.pipeline.findings import Finding, Severity
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
    named = set(named_addresses(text))
    assert set(deleted) <= named  # and the updates too, as ranges once their attributes no longer fit
    assert {f"module.fleet_eu_west_1.aws_instance.update_worker_node[{i}]" for i in range(300)} <= named


def test_ranges_then_a_hard_cut_as_last_resorts(tmp_path: Path) -> None:
    plan = tmp_path / "plan.json"
    big_plan(plan, {"delete": 3000})
    result = reviewed(plan)
    ranged = render_github(result, limit=4_000)
    assert "`module.fleet_eu_west_1.aws_instance.delete_worker_node[0..2999]`" in ranged and len(ranged) < 4_000
    for finding in result.findings:  # for_each keys cannot become ranges
        finding.address = (finding.address or "").replace("[", '["node-').replace("]", '"]')
    cut = render_github(result, limit=1_200)
    assert len(cut) < 1_200 and "tfreview: needs close review" in cut and "cut here" in cut


def test_comment_keys_get_their_own_marker() -> None:
    assert marker_for() == MARKER and marker_for("prod/eu") == "<!-- tfreview:prod/eu -->"
    assert render_github(reviewed(plan_path("create")), marker=marker_for("prod")).startswith("<!-- tfreview:prod -->")


def _rewrite(plan: Path, edit: Any) -> None:
    document = json.loads(plan.read_text())
    edit(document)
    plan.write_text(json.dumps(document))


def _items(text: str) -> list[str]:
    """The inline content of every list item, as GitHub parses the comment."""
    tokens = MarkdownIt("commonmark").parse(text)
    return ["".join(c.content for c in tokens[i + 2].children or []) for i, t in enumerate(tokens)
            if t.type == "list_item_open" and tokens[i + 1].type == "paragraph_open"]


def test_addresses_in_natural_order_in_full_and_compact(tmp_path: Path) -> None:
    plan = tmp_path / "plan.json"
    big_plan(plan, {"update": 12, "delete": 12})
    _rewrite(plan, lambda d: d["resource_changes"].reverse())  # the plan's own order is no help
    full = render_github(reviewed(plan))
    updates = [a for a in named_addresses(full) if "update_worker_node" in a]
    assert updates == [f"module.fleet_eu_west_1.aws_instance.update_worker_node[{i}]" for i in range(12)]
    compact = render_github(reviewed(plan), limit=3_000)
    assert TRUNCATED_NOTE in compact and "`module.fleet_eu_west_1.aws_instance.delete_worker_node[0..11]`" in compact


def test_only_consecutive_indexes_of_one_resource_and_action_collapse(tmp_path: Path) -> None:
    plan = tmp_path / "plan.json"
    deleted = big_plan(plan, {"delete": 13}, module="module.m")
    keep = {0, 1, 2, 3, 4, 7, 10, 11, 12}
    _rewrite(plan, lambda d: d.update(resource_changes=[c for c in d["resource_changes"] if c["index"] in keep]))
    text = render_github(reviewed(plan), limit=1_500)
    base = "module.m.aws_instance.delete_worker_node"
    assert TRUNCATED_NOTE in text
    assert f"`{base}[0..4]`, `{base}[7]`" not in text  # each run on its own line, in order
    listed = [item for item in _items(text) if item.startswith(base)]
    assert listed == [f"{base}[0..4]", f"{base}[7]", f"{base}[10..12]"]
    assert set(named_addresses(text)) >= {a for a in deleted if int(a.rsplit("[", 1)[1][:-1]) in keep}


def _with_database(document: dict[str, Any]) -> None:
    template = next(c for c in document["resource_changes"] if c["change"]["actions"] == ["delete"])
    db = json.loads(json.dumps(template))
    db.update(address="aws_db_instance.main[3]", module_address=None, type="aws_db_instance", name="main", index=3,
              action_reason="delete_because_no_resource_config")
    document["resource_changes"].append(db)


def test_compact_comment_keeps_why_a_stateful_resource_is_destroyed(tmp_path: Path) -> None:
    plan = tmp_path / "plan.json"
    big_plan(plan, {"delete": 300, "update": 900, "create": 700})
    _rewrite(plan, _with_database)
    text = render_github(reviewed(plan))
    assert TRUNCATED_NOTE in text and len(text) < COMMENT_LIMIT
    (line,) = [item for item in _items(text) if "aws_db_instance.main[3]" in item]
    assert line.startswith("aws_db_instance.main[3] is destroyed because its block was removed from the configuration")
    assert "data or service loss" in line


def test_compact_comment_keeps_attribute_and_output_changes_while_they_fit(tmp_path: Path) -> None:
    plan = tmp_path / "plan.json"
    big_plan(plan, {"delete": 300, "update": 900})
    _rewrite(plan, lambda d: d.update(output_changes={"endpoint": {"actions": ["update"], "before": "a.example",
                                                                   "after": "b.example"}}))
    text = render_github(reviewed(plan))
    assert TRUNCATED_NOTE in text and len(text) < COMMENT_LIMIT
    items = _items(text)
    first = items.index("~ module.fleet_eu_west_1.aws_instance.update_worker_node[0]")
    assert items[first + 1:first + 3] == ["input: a1 → a2", "output: a1 → (known after apply)"]
    assert any(i.startswith("output.endpoint: a.example → b.example") for i in items)
    shown = [a for a in named_addresses(text) if "update_worker_node" in a]
    assert sorted(set(shown), key=lambda a: int(a.rsplit("[", 1)[1][:-1])) == [
        f"module.fleet_eu_west_1.aws_instance.update_worker_node[{i}]" for i in range(900)]


def test_full_comment_has_output_changes_and_masks_sensitive_ones() -> None:
    assert "### output changes (1)" in render_github(reviewed(plan_path("update")))
    text = render_github(reviewed(plan_path("sensitive")))
    line = next(line for line in text.splitlines() if "`output.secret_out`" in line)
    assert "(sensitive)" in line


def test_keys_that_cannot_be_ranges_are_counted_when_out_of_room(tmp_path: Path) -> None:
    plan = tmp_path / "plan.json"
    deleted = big_plan(plan, {"delete": 30, "update": 400})

    def keyed(document: dict[str, Any]) -> None:
        for change in document["resource_changes"]:
            if change["change"]["actions"] == ["update"]:
                change["address"] = change["address"].replace("[", '["node-').replace("]", '"]')

    _rewrite(plan, keyed)
    text = render_github(reviewed(plan), limit=8_000)
    assert len(text) < 8_000 and set(deleted) <= set(named_addresses(text))
    assert re.search(r"- … and \d+ more \(see the JSON report\)", text)


def test_full_comment_names_the_changes_past_the_listed_fifty(tmp_path: Path) -> None:
    plan = tmp_path / "plan.json"
    big_plan(plan, {"update": 80})
    text = render_github(reviewed(plan))
    assert TRUNCATED_NOTE not in text
    assert "- … and 30 more: `module.fleet_eu_west_1.aws_instance.update_worker_node[50..79]`" in text
    assert {f"module.fleet_eu_west_1.aws_instance.update_worker_node[{i}]" for i in range(80)} <= set(
        named_addresses(text))


@pytest.mark.parametrize("lead", ["# ", "1. ", "- ", "> ", "<b>x</b> ", "| a | b |\n|---|---|\n", "```\n",
                                  "[l](http://x) "])
def test_compact_sentences_keep_plan_text_inert(lead: str) -> None:
    findings = [Finding(rule="r", severity=Severity.HIGH, address=f"a.b[{i}]",
                        message=f"{lead}deposed of a.b[{i}] is gone\n## {lead}") for i in range(40)]
    result = ReviewResult(label="needs_close_review", label_text="needs close review", decided_by="rules",
                          findings=findings)
    text = render_github(result, limit=2_500)
    assert TRUNCATED_NOTE in text and len(text) < 2_500
    tokens = MarkdownIt("commonmark").enable("table").parse(text)
    headings = [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "heading_open"]
    assert all(h.startswith(("⚠️ tfreview", "Findings")) for h in headings), headings
    kinds = {t.type for t in tokens} | {c.type for t in tokens for c in t.children or []}
    assert not kinds & {"html_inline", "link_open", "fence", "table_open", "ordered_list_open"} - {"html_block"}
    assert sum(t.type == "html_block" for t in tokens) == 1  # the marker
    assert set(named_addresses(text)) >= {f"a.b[{i}]" for i in range(40)}


def test_compact_findings_in_natural_order_across_reasons(tmp_path: Path) -> None:
    plan = tmp_path / "plan.json"
    big_plan(plan, {"delete": 12}, module="module.m")

    def reasons(document: dict[str, Any]) -> None:
        for change in document["resource_changes"]:
            change["action_reason"] = "delete_because_count_index" if change["index"] % 2 else \
                "delete_because_no_resource_config"
        document["resource_changes"].reverse()

    _rewrite(plan, reasons)
    text = render_github(reviewed(plan), limit=2_000)
    assert TRUNCATED_NOTE in text
    items = [i for i in _items(text) if "delete_worker_node" in i or i.startswith("each of these")]
    base = "module.m.aws_instance.delete_worker_node"
    assert items[0] == "each of these 6 is destroyed because its block was removed from the configuration:"
    assert items[1:7] == [f"{base}[{i}]" for i in range(0, 12, 2)]
    assert items[7] == "each of these 6 is destroyed because its count index is now out of range:"
    assert items[8:] == [f"{base}[{i}]" for i in range(1, 12, 2)]
