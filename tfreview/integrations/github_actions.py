"""GitHub Actions: step summary, step outputs and annotations, written when GITHUB_ACTIONS=true.

- `$GITHUB_STEP_SUMMARY` gets the Markdown report appended (the pull-request comment format).
- `$GITHUB_OUTPUT` gets `label` (likely_safe | needs_close_review), `needs-review` (true | false),
  `findings` (the number of findings, all severities) and `json` (path of the JSON report), each in the
  `name<<delimiter` form with a random delimiter, as actions/toolkit writes them.
- One `::error` workflow command per high-severity finding goes to stderr: the runner parses workflow
  commands on stderr as well as stdout (actions/runner ScriptHandler feeds both streams to its command
  manager), and stdout stays the product (`tfreview review --format json | jq` keeps working).
"""

from __future__ import annotations

import tempfile
import uuid
from collections.abc import Callable, Mapping
from pathlib import Path

from tfreview.errors import ConfigError
from tfreview.pipeline.findings import Severity
from tfreview.render.escape import one_line
from tfreview.render.github import render_github
from tfreview.result import ReviewResult


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
    """One `::error` workflow command per high-severity finding."""
    return [f"::error title={escape_property('tfreview: ' + one_line(f.rule))}::"
            f"{escape_data(one_line((f.address + ': ' if f.address else '') + f.message))}"
            for f in result.findings if f.severity is Severity.HIGH]


def warning(message: str, env: Mapping[str, str]) -> str:
    """A warning line: a `::warning` annotation inside Actions, plain text elsewhere."""
    if enabled(env):
        return f"::warning title=tfreview::{escape_data(one_line(message))}"
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
