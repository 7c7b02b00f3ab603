"""Hostile plan text in every output format: parsed back, it adds no heading, HTML, command or line."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from markdown_it import MarkdownIt
from markdown_it.token import Token

from tests.render.hostile import HOSTILE, hostile_plan
from tfreview.backends.base import ModelReply
from tfreview.backends.fake import FakeBackend
from tfreview.cli import main
from tfreview.integrations.github_actions import annotation_lines
from tfreview.pipeline.review import review
from tfreview.render import FORMATS, render
from tfreview.render.escape import markdown_block, markdown_code, markdown_inline, one_line, workflow_log
from tfreview.render.github import MARKER, render_github
from tfreview.result import ReviewResult
from tfreview.settings import Settings

EVERYTHING = "\n".join(HOSTILE.values())
REPLY = ModelReply(thinking=f"Thinking about it.\n{EVERYTHING}\n", content=f"{EVERYTHING}\n\nVERDICT: LIKELY SAFE")
OUR_HEADINGS = re.compile(r"(✅|⚠️) tfreview: (likely safe|needs close review)|Findings( \(\d+\))?|Model answer"
                          r"|(delete|replace|forget|update|create|read|no-op|drift|output changes) \(\d+\)"
                          r"|Destroyed, replaced or forgotten \(\d+\)")
OUR_HTML = re.compile(r"<!-- tfreview -->\n?|<details><summary>[^<>]*</summary>\n?|</details>\n?")
# A line tfreview writes as a workflow command on purpose.
OUR_COMMANDS = re.compile(r"::(error|warning) title=tfreview")


@pytest.fixture(scope="module")
def result(tmp_path_factory: pytest.TempPathFactory) -> ReviewResult:
    plan = hostile_plan(tmp_path_factory.mktemp("hostile") / "plan.json")
    return review(plan, Settings(use_cache=False, num_ctx=65536), backend=FakeBackend.always(REPLY))


def tokens(markdown: str) -> Iterator[Token]:
    for token in MarkdownIt("commonmark").enable(["table", "strikethrough"]).parse(markdown):
        yield token
        yield from token.children or []


def command_lines(text: str) -> list[str]:
    """Lines GitHub's runner would read as a workflow command (actions/runner ActionCommand.TryParseV2)."""
    lines = re.split(r"\r\n|\r|\n", text)
    return [line for line in lines if line.lstrip().startswith("::") or "##[" in line]


def test_the_result_really_carries_the_hostile_text(result: ReviewResult) -> None:
    addresses = "\n".join(c.address for c in result.changes)
    assert all(text in addresses for text in HOSTILE.values())
    assert "## all reviewed and safe" in result.explanation and result.needs_review


@pytest.mark.parametrize("fmt", ["markdown", "github"])
def test_markdown_parses_to_tfreviews_own_structure_only(result: ReviewResult, fmt: str) -> None:
    text = render(result, fmt)
    found = list(tokens(text))
    headings = [found[i + 1].content for i, t in enumerate(found) if t.type == "heading_open"]
    assert all(OUR_HEADINGS.fullmatch(h) for h in headings), [h for h in headings if not OUR_HEADINGS.fullmatch(h)]
    html = [t.content for t in found if t.type in ("html_block", "html_inline")]
    assert all(OUR_HTML.fullmatch(h) for h in html), html
    assert sum(MARKER in h for h in html) == (1 if fmt == "github" else 0)
    assert text.count("<!--") == (1 if fmt == "github" else 0)
    unexpected = {t.type for t in found} & {"link_open", "image", "fence", "code_block", "hr", "ordered_list_open",
                                             "em_open", "s_open"}
    assert not unexpected
    rows = sum(t.type == "tr_open" for t in found)
    assert rows in (0, len(result.findings) + 1)  # the compact form has no table; the full one a row per finding


def test_full_github_comment_has_one_table_row_per_finding(result: ReviewResult) -> None:
    small = result.model_copy(deep=True)
    small.changes = [c for c in small.changes if len(c.address) < 1000]
    small.findings = [f for f in small.findings if len(f.address or "") < 1000]
    text = render_github(small)
    assert "Shortened" not in text
    found = list(tokens(text))
    assert sum(t.type == "tr_open" for t in found) == len(small.findings) + 1
    cells = [t for t in found if t.type == "td_open"]
    assert len(cells) == 4 * len(small.findings)


@pytest.mark.parametrize("fmt", FORMATS)
def test_no_output_line_can_be_a_workflow_command(result: ReviewResult, fmt: str) -> None:
    assert command_lines(render(result, fmt)) == []


def test_annotations_are_tfreviews_commands_only(result: ReviewResult) -> None:
    lines = annotation_lines(result)
    assert lines and all(OUR_COMMANDS.match(line) for line in lines)
    assert all("\n" not in line and "\r" not in line and "\x1b" not in line for line in lines)


def test_text_shows_each_hostile_value_on_one_line(result: ReviewResult) -> None:
    text = render(result, "text")
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u200b-\u200f\u202a-\u202e\u2060\ufeff]", text)
    for name, hostile in HOSTILE.items():
        shown = one_line(hostile)
        assert any(shown in line for line in text.splitlines()), name
    # Model text is indented under its heading: it cannot pose as tfreview's own label line.
    model = text.split("\nModel reasoning\n", 1)[1].rstrip("\n").rsplit("\n", 1)[0]  # up to the closing label line
    assert all(line.startswith("  ") for line in model.splitlines() if line and line not in ("Model answer",))


def test_github_action_step_end_to_end(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """stdout, stderr, the step summary and the outputs of a review inside an Actions step."""
    plan = hostile_plan(tmp_path / "plan.json")
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(tmp_path / "summary.md"))
    monkeypatch.setenv("GITHUB_OUTPUT", str(tmp_path / "output"))
    monkeypatch.setenv("RUNNER_TEMP", str(tmp_path))
    for fmt in ("github", "text"):
        run = CliRunner().invoke(main, ["review", str(plan), "--backend", "none", "--format", fmt, "--exit-zero"],
                                 catch_exceptions=False)
        assert run.exit_code == 0, run.output
        assert command_lines(run.stdout) == []
        stray = [line for line in command_lines(run.stderr) if not OUR_COMMANDS.match(line)]
        assert stray == []
    summary = (tmp_path / "summary.md").read_text(encoding="utf-8")
    assert command_lines(summary) == [] and summary.count(MARKER) == 2  # one report per run


@pytest.mark.parametrize("text", list(HOSTILE.values()), ids=list(HOSTILE))
def test_each_escape_holds_for_each_hostile_string(text: str) -> None:
    md = MarkdownIt("commonmark")
    inline = md.parseInline(f"before {markdown_inline(text)} after")[0].children or []
    assert [t.type for t in inline] == ["text"], "inline text is text only"
    code = md.parseInline(f"a {markdown_code(text)} b")[0].children or []
    assert [t.type for t in code] == ["text", "code_inline", "text"]
    assert code[1].content == one_line(text).replace("<!--", "<\\!--").strip()
    block = "\n".join("> " + line for line in markdown_block(f"intro\n{text}\nend"))
    kinds = {t.type for t in md.parse(block)}
    assert kinds <= {"blockquote_open", "blockquote_close", "paragraph_open", "paragraph_close", "inline"}
    assert command_lines(workflow_log(text)) == []


def test_an_error_quoting_plan_text_stays_one_line(tmp_path: Path) -> None:
    plan = tmp_path / "bad.json"
    plan.write_text('{"format_version": "1.2", "resource_changes": [], '
                    '"output_changes": {"\\n::add-mask::x\\r::warning::y": {"actions": 5}}}')
    run = CliRunner().invoke(main, ["review", str(plan), "--backend", "none", "--format", "github"])
    assert run.exit_code == 2 and command_lines(run.stderr) == []
    assert [line for line in run.stderr.splitlines() if line.startswith("tfreview: error:")] != []
