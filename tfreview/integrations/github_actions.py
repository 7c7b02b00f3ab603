"""GitHub Actions: step summary, step outputs and annotations, written when GITHUB_ACTIONS=true.

- `$GITHUB_STEP_SUMMARY` gets the Markdown report appended (the pull-request comment format).
- `$GITHUB_OUTPUT` gets `label` (likely_safe | needs_close_review), `needs-review` (true | false),
  `findings` (the number of findings, all severities) and `json` (path of the JSON report), each in the
  `name<<delimiter` form with a random delimiter, as actions/toolkit writes them.
- Annotations go to stderr: the runner parses workflow commands on stderr as well as stdout (actions/runner
  ScriptHandler feeds both streams to its command manager), and stdout stays the product
  (`tfreview review --format json | jq` keeps working). GitHub shows at most 10 annotations of each kind
  per step and drops the rest silently (actions/toolkit docs/problem-matchers.md, "Limitations"), so at
  most 10 `::error` lines are written: the high findings in order, and when they do not all fit, 9 of them
  and an `::error` line counting the rest; when only lower findings are left out, a `::notice` counts them.
- A `::warning` when the model could not be reached: the label then comes from the rules alone.
"""

from __future__ import annotations

import tempfile
import uuid
from collections.abc import Callable, Mapping
from pathlib import Path

from tfreview.errors import ConfigError
from tfreview.pipeline.findings import Finding, Severity
from tfreview.render.escape import one_line
from tfreview.render.github import render_github
from tfreview.result import ReviewResult

MAX_ANNOTATIONS = 10  # per kind and per step; GitHub drops the rest without a word
UNREACHABLE = ("the model could not be reached, so the label comes from the rules alone — set the action's "
               "`ollama-host` input (`--host` or OLLAMA_HOST outside the action) to a running Ollama server, e.g. "
               "a service container, or `backend: none` (`--backend none`) to review with the rules only")


def enabled(env: Mapping[str, str]) -> bool:
    """Whether tfreview runs inside a GitHub Actions step."""
    return env.get("GITHUB_ACTIONS") == "true"


def publish(result: ReviewResult, env: Mapping[str, str], json_path: Path | None,
            echo: Callable[[str], None]) -> Path:
    """Write the step summary, the step outputs and the annotations; return the JSON report's path."""
    path = json_path or write_json_report(result, env)
    for problem in (append_to(env, "GITHUB_STEP_SUMMARY", render_github(result)),
                    append_to(env, "GITHUB_OUTPUT", format_outputs(outputs(result, path)))):
        if problem:
            echo(warning(problem, env))
    for line in annotation_lines(result):
        echo(line)
    if result.model_unreachable:  # excluded from JSON: only the review step itself knows
        echo(warning(UNREACHABLE + "".join(f" ({error})" for error in result.errors[:1]), env))
    return path


def outputs(result: ReviewResult, json_path: Path) -> dict[str, str]:
    """The step outputs documented in action.yml."""
    return {
        "label": result.label.value,
        "needs-review": "true" if result.needs_review else "false",
        "findings": str(len(result.findings)),
        "json": str(json_path),
    }


def format_outputs(values: Mapping[str, str]) -> str:
    """`name<<delimiter` blocks for $GITHUB_OUTPUT; the delimiter is random and absent from every value."""
    blocks = []
    for name, text in values.items():
        if not name or any(c in name for c in "\r\n<=") or name != name.strip():
            raise ValueError(f"output name {name!r} cannot be written to $GITHUB_OUTPUT")
        delimiter = f"ghadelimiter_{uuid.uuid4()}"
        while delimiter in text or delimiter in name:  # never with a fresh uuid4, but a value must not end it
            delimiter = f"ghadelimiter_{uuid.uuid4()}"
        blocks.append(f"{name}<<{delimiter}\n{text}\n{delimiter}\n")
    return "".join(blocks)


def annotation_lines(result: ReviewResult) -> list[str]:
    """At most 10 `::error` commands, most severe findings first, and one line counting any left out."""
    ordered = sorted(result.findings, key=lambda f: f.severity.rank)  # stable: the rules' order within a severity
    high = [f for f in ordered if f.severity is Severity.HIGH]
    shown = high if len(high) <= MAX_ANNOTATIONS else high[: MAX_ANNOTATIONS - 1]
    lines = [_annotation("error", f"tfreview: {f.rule}", (f.address + ": " if f.address else "") + f.message)
             for f in shown]
    left = ordered[len(shown):]
    if left:
        kind = "error" if len(high) > len(shown) else "notice"
        lines.append(_annotation(kind, "tfreview", f"and {len(left)} more finding{'s' * (len(left) != 1)} "
                                 f"({_by_severity(left)}) — see the step summary"))
    return lines


def _annotation(kind: str, title: str, message: str) -> str:
    return f"::{kind} title={escape_property(one_line(title))}::{escape_data(one_line(message))}"


def _by_severity(findings: list[Finding]) -> str:
    counts: dict[str, int] = {}
    for finding in findings:
        counts[finding.severity.value] = counts.get(finding.severity.value, 0) + 1
    return ", ".join(f"{n} {severity}" for severity, n in counts.items())


def warning(message: str, env: Mapping[str, str]) -> str:
    """A warning line: a `::warning` annotation inside Actions, plain text elsewhere."""
    if enabled(env):
        return _annotation("warning", "tfreview", message)
    return f"tfreview: warning: {one_line(message)}"


def append_to(env: Mapping[str, str], variable: str, text: str) -> str | None:
    """Append TEXT to the file named by $VARIABLE; return a problem description instead of raising."""
    name = env.get(variable)
    if not name:
        return None
    try:
        with open(name, "a", encoding="utf-8") as handle:
            handle.write(text)
    except OSError as exc:
        return f"cannot write ${variable} ({name}): {exc.strerror}"
    return None


def write_json_report(result: ReviewResult, env: Mapping[str, str]) -> Path:
    """Write the JSON report to $RUNNER_TEMP (or the system temp dir) and return its path."""
    directory = Path(env.get("RUNNER_TEMP") or tempfile.gettempdir())
    path = directory / f"tfreview-{uuid.uuid4().hex[:12]}.json"
    try:
        path.write_text(result.to_json() + "\n", encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot write the JSON report to {path}: {exc.strerror} — set RUNNER_TEMP "
                          "to a writable directory or pass --output json=PATH") from exc
    return path


def escape_data(text: str) -> str:
    """Escape a workflow command's message (actions/toolkit escapeData)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape a workflow command's property value (actions/toolkit escapeProperty)."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")
