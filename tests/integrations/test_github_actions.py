"""`tfreview review` inside GitHub Actions: step summary, step outputs, annotations; and the new formats."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from tests.github_double import ACTIONS_VARIABLES
from tests.helpers import closed_port_url, plan_path
from tfreview.cli import main
from tfreview.commands.output import FORMATS
from tfreview.integrations.github_actions import annotation_lines, escape_data, escape_property, format_outputs
from tfreview.pipeline.findings import Finding, Severity
from tfreview.render import FORMATS as RENDER_FORMATS
from tfreview.result import ReviewResult


@pytest.fixture
def actions(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """The file-command environment of one Actions step; returns the directory holding its files."""
    for name in ACTIONS_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    monkeypatch.setenv("GITHUB_OUTPUT", str(tmp_path / "output"))
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(tmp_path / "summary.md"))
    monkeypatch.setenv("RUNNER_TEMP", str(tmp_path))
    return tmp_path


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def parse_outputs(text: str) -> dict[str, str]:
    """Read $GITHUB_OUTPUT the way the runner does: `name<<delimiter` … `delimiter` blocks."""
    values, lines = {}, iter(text.splitlines())
    for line in lines:
        name, delimiter = line.split("<<", 1)
        body = []
        for inner in lines:
            if inner == delimiter:
                break
            body.append(inner)
        values[name] = "\n".join(body)
    return values


def test_review_publishes_summary_outputs_and_annotations(actions: Path) -> None:
    result = run("review", str(plan_path("failing_check")), "--backend", "none", "--format", "json")
    assert result.exit_code == 1
    report = json.loads(result.stdout)  # stdout is still only the product
    outputs = parse_outputs((actions / "output").read_text())
    assert outputs["label"] == "needs_close_review" and outputs["needs-review"] == "true"
    assert outputs["findings"] == str(len(report["findings"]))
    assert json.loads(Path(outputs["json"]).read_text()) == report and Path(outputs["json"]).parent == actions
    assert "tfreview: needs close review" in (actions / "summary.md").read_text()
    errors = [line for line in result.stderr.splitlines() if line.startswith("::error ")]
    assert errors == ["::error title=tfreview%3A check-failed::check.web_is_v9: check.web_is_v9 fails: "
                      "web output is not v9"]


def test_json_output_path_is_reused_and_summary_appends(actions: Path) -> None:
    mine = actions / "mine.json"
    for _ in range(2):
        run("review", str(plan_path("create")), "--backend", "none", "--output", f"json={mine}", "-q")
    outputs = parse_outputs((actions / "output").read_text())  # the second run's values win
    assert outputs["json"] == str(mine.resolve()) and outputs["needs-review"] == "false"
    assert (actions / "summary.md").read_text().count("tfreview: likely safe") == 2
    assert not list(actions.glob("tfreview-*.json"))


def test_outside_actions_nothing_is_written(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ACTIONS_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("GITHUB_OUTPUT", str(tmp_path / "output"))
    result = run("review", str(plan_path("failing_check")), "--backend", "none")
    assert "::error" not in result.stderr and not (tmp_path / "output").exists()


def runner_parse(line: str) -> tuple[str, dict[str, str], str]:
    """A workflow command read back the way actions/runner's ActionCommand.TryParseV2 reads it."""
    assert line.startswith("::")
    head, message = line[2:].split("::", 1)
    command, _, props = head.partition(" ")
    properties = {}
    for pair in filter(None, props.split(",")):
        key, value = pair.split("=", 1)
        properties[key] = value.replace("%0D", "\r").replace("%0A", "\n").replace("%3A", ":") \
            .replace("%2C", ",").replace("%25", "%")
    return command, properties, message.replace("%0D", "\r").replace("%0A", "\n").replace("%25", "%")


def reviewed_with(findings: list[Finding]) -> ReviewResult:
    return ReviewResult(label="needs_close_review", label_text="needs close review", decided_by="rules",
                        findings=findings)


def test_workflow_command_escaping() -> None:
    assert escape_data("50% done\r\nnext") == "50%25 done%0D%0Anext"
    assert escape_property("a:b,c%") == "a%3Ab%2Cc%25"
    finding = Finding(rule="x", severity=Severity.HIGH, address="a.b", message="line1\nline2")
    result = reviewed_with([finding, Finding(rule="y", severity=Severity.MEDIUM, message="m")])
    assert annotation_lines(result) == ["::error title=tfreview%3A x::a.b: line1\\nline2",
                                        "::notice title=tfreview::and 1 more finding (1 medium) — see the step summary"]


def test_annotations_read_back_as_written() -> None:
    rule, message = "a:b,c=d%0A::x", "50%25 of 0.0.0.0/0,::: open\r\n::error::forged %0Aline"
    (line,) = annotation_lines(reviewed_with([Finding(rule=rule, severity=Severity.HIGH, address="x.y",
                                                      message=message)]))
    command, properties, text = runner_parse(line)
    assert command == "error" and properties == {"title": f"tfreview: {rule}"}
    assert text == "x.y: " + message.replace("\r", "\\r").replace("\n", "\\n")  # on one line, inert


def test_at_most_ten_errors_and_a_line_counting_the_rest() -> None:
    high = [Finding(rule=f"h{i}", severity=Severity.HIGH, message=f"high {i}") for i in range(25)]
    medium = [Finding(rule=f"m{i}", severity=Severity.MEDIUM, message=f"medium {i}") for i in range(4)]
    lines = annotation_lines(reviewed_with([*medium, *high]))  # the most severe first, whatever the rules' order
    parsed = [runner_parse(line) for line in lines]
    assert [c for c, _, _ in parsed] == ["error"] * 10  # GitHub shows 10 per kind and step: the count is among them
    assert [m for _, _, m in parsed[:9]] == [f"high {i}" for i in range(9)]
    assert parsed[9][2] == "and 20 more findings (16 high, 4 medium) — see the step summary"


def test_only_lower_findings_left_out_get_a_notice() -> None:
    high = [Finding(rule="h", severity=Severity.HIGH, message=f"high {i}") for i in range(10)]
    low = [Finding(rule="l", severity=Severity.LOW, message="low"), Finding(rule="i", severity=Severity.INFO,
                                                                            message="info")]
    lines = annotation_lines(reviewed_with([*low, *high]))
    assert [runner_parse(line)[0] for line in lines] == ["error"] * 10 + ["notice"]
    assert lines[-1].endswith("::and 2 more findings (1 low, 1 info) — see the step summary")
    assert annotation_lines(reviewed_with(high[:3])) == [f"::error title=tfreview%3A h::high {i}" for i in range(3)]


def test_unreachable_model_warns_in_the_review_step_only(actions: Path) -> None:
    url = closed_port_url()
    result = run("review", str(plan_path("update")), "--host", url, "--timeout", "2", "--format", "json")
    assert result.exit_code == 1 and json.loads(result.stdout)["decided_by"] == "error"
    (warning,) = [runner_parse(line) for line in result.stderr.splitlines() if line.startswith("::warning")]
    assert warning[1] == {"title": "tfreview"} and "could not be reached" in warning[2]
    assert "rules alone" in warning[2] and "`ollama-host`" in warning[2] and "`backend: none`" in warning[2]
    report = parse_outputs((actions / "output").read_text())["json"]
    comment = run("github", "comment", "--review", report, "--no-comment", "--no-label", "--pr", "1",
                  "--repo", "o/r")
    assert "could not be reached" not in comment.stderr  # the JSON report does not carry it


def test_a_reachable_or_absent_model_gives_no_warning(actions: Path) -> None:
    result = run("review", str(plan_path("update")), "--backend", "none", "-q")
    assert "::warning" not in result.stderr


def test_output_delimiters_are_random_and_framed() -> None:
    text = format_outputs({"a": "1", "b": "two\nlines"})
    delimiters = re.findall(r"<<(ghadelimiter_[0-9a-f-]{36})\n", text)
    assert len(set(delimiters)) == 2 and parse_outputs(text) == {"a": "1", "b": "two\nlines"}


def test_format_choices_match_the_renderers() -> None:
    assert FORMATS == RENDER_FORMATS


def test_github_format_and_sarif_output(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    plan = tmp_path / "infra" / "plan.json"
    plan.parent.mkdir()
    plan.write_bytes(plan_path("mixed").read_bytes())
    result = run("review", "infra/plan.json", "--backend", "none", "--format", "github", "--output", "sarif=out.sarif")
    assert result.stdout.startswith("<!-- tfreview -->\n## ")
    sarif = json.loads((tmp_path / "out.sarif").read_text())
    run_ = sarif["runs"][0]
    assert sarif["version"] == "2.1.0" and sarif["$schema"].endswith("sarif-2.1.0.json")
    rules = [r["id"] for r in run_["tool"]["driver"]["rules"]]
    assert all(r["shortDescription"]["text"] and r["help"]["text"] for r in run_["tool"]["driver"]["rules"])
    assert run_["results"] and all(rules[r["ruleIndex"]] == r["ruleId"] for r in run_["results"])
    location = run_["results"][0]["locations"][0]
    assert location["physicalLocation"]["artifactLocation"]["uri"] == "infra/plan.json"
    assert location["physicalLocation"]["region"]["startLine"] == 1
    fingerprints = [r["partialFingerprints"]["primaryLocationLineHash"] for r in run_["results"]]
    assert len(set(fingerprints)) == len(fingerprints)
    assert {r["level"] for r in run_["results"]} <= {"error", "warning", "note"}
