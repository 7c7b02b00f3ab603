"""Verdict stage: split a model's reasoning from its answer and read the verdict line.

Rules: DESIGN.md "The model's answer"; output shapes: ollama-api.md §6.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tfreview.labels import Label
from tfreview.lazyregex import lazy_compile

OPEN_TAG = "<think>"
CLOSE_TAG = "</think>"
# The real cause when an answer has no verdict line: more tokens cannot make a model follow the format.
NO_VERDICT_HINT = "the model wrote no verdict line; try a larger or reasoning model"

# A line counts only when it starts with the keyword once markdown decoration (headings, bullets,
# quotes, emphasis, backticks) is removed: "**Verdict:** likely safe", "### VERDICT: ...".
_VERDICT_LINE = lazy_compile(
    r"^[\s>#*_`~+\-|]*(?:final\s+)?verdict\b[\s*_`~]*(?P<sep>[:=\-\uff1a\u2013\u2014]?)(?P<value>.*)$",
    re.IGNORECASE,
)
_DECORATION = " \t*_`~\"'[](){}.,;:!?"
_VALUES = {"likely safe": Label.LIKELY_SAFE, "needs close review": Label.NEEDS_CLOSE_REVIEW}


@dataclass(frozen=True)
class Verdict:
    """The label the model's answer asks for, or why there is none."""

    label: Label | None
    explanation: str
    problem: str | None = None


@dataclass(frozen=True)
class _Line:
    start: int
    stop: int
    value: str
    label: Label | None


def split_reasoning(content: str) -> tuple[str, str]:
    """Split raw model output into (reasoning, answer) around the last ``</think>``."""
    # §6: the opening tag may be missing (shape 3); an unclosed block is runaway thinking.
    head, sep, tail = content.rpartition(CLOSE_TAG)
    if sep:
        return _drop_open_tag(head), tail.strip()
    stripped = content.strip()
    if stripped.startswith(OPEN_TAG):
        return _drop_open_tag(stripped), ""
    return "", stripped


def _drop_open_tag(text: str) -> str:
    text = text.strip()
    return text[len(OPEN_TAG) :].strip() if text.startswith(OPEN_TAG) else text


def parse_verdict(answer: str) -> Verdict:
    """Read the verdict line of a final answer; any doubt gives no label (fail closed)."""
    lines = answer.strip().splitlines()
    if not lines:
        return Verdict(None, "", "empty answer: the model gave no final answer after its reasoning — "
                                 "raise --num-predict if it was cut off mid-reasoning")
    found = [line for i in range(len(lines)) if (line := _verdict_line(lines, i))]
    if not found:
        return Verdict(None, answer.strip(), NO_VERDICT_HINT)
    labels = {line.label for line in found if line.label}
    if len(labels) > 1:
        said = " and ".join(sorted(label.text for label in labels))
        return Verdict(None, answer.strip(), f"conflicting verdicts in the model's answer ({said})")
    last = found[-1]
    explanation = "\n".join(lines[: last.start] + lines[last.stop :]).strip()
    if last.label is None:
        return Verdict(None, explanation, f"unknown verdict {last.value!r} in the model's answer")
    return Verdict(last.label, explanation)


def _verdict_line(lines: list[str], index: int) -> _Line | None:
    match = _VERDICT_LINE.match(lines[index])
    if not match:
        return None
    value = _normalize(match["value"])
    if not value:
        return _value_below(lines, index)
    label = _VALUES.get(value)
    # Without a separator only an exact verdict counts, so "Verdict aside, ..." is prose.
    if not match["sep"] and label is None:
        return None
    return _Line(index, index + 1, value, label)


def _value_below(lines: list[str], index: int) -> _Line | None:
    """A bare "**Verdict:**" heading counts when the next non-blank line is a verdict value."""
    for below in range(index + 1, len(lines)):
        if value := _normalize(lines[below]):
            label = _VALUES.get(value)
            return _Line(index, below + 1, value, label) if label else None
    return None


def _normalize(value: str) -> str:
    value = value.strip(_DECORATION).lower().replace("-", " ").replace("_", " ")
    return " ".join(value.split())
