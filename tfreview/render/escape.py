"""Untrusted text in every output kind: plan strings and model text shown on one line, inert.

Every string from a plan (and the model's text, which echoes it) is hostile. Each helper here makes one
string safe for one kind of output:

- `one_line`: newlines, carriage returns, control and format characters (ANSI escapes, U+2028, U+0085,
  zero-width and bidi characters) written as visible escapes, so a value is one line and cannot act.
- `markdown_inline`, `markdown_code`, `markdown_cell_code`, `markdown_block`: CommonMark/GFM text in which
  plan text cannot open HTML (comments, tags), headings, lists, tables, links or close a code span.
- `workflow_log`: a whole document bound for a GitHub Actions step log. The runner reads a workflow
  command from any line that starts with `::` after leading whitespace is trimmed, and a legacy `##[`
  command anywhere in a line (actions/runner src/Runner.Common/ActionCommand.cs, TryParseV2/TryParse).
"""

from __future__ import annotations

import re
import unicodedata

from tfreview.lazyregex import lazy_compile

# Categories written as escapes: control (Cc), format (Cf: zero-width, bidi), line/paragraph separators.
_ESCAPED_CATEGORIES = {"Cc", "Cf", "Zl", "Zp", "Co", "Cs", "Cn"}
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t", "\x1b": "\\e"}
_LEGACY_COMMAND = "##["
_LEGACY_SAFE = "#\\#["
# CommonMark punctuation that can start an inline construct anywhere in a line.
_MD_INLINE = lazy_compile(r"([\\`*_\[\]<>!&|~#])")
# What can start a block when it begins a line: a heading, quote, list item, thematic break, setext
# underline, fence, table row or indented code.
_MD_LINE_START = lazy_compile(r"^(\s*)(\d{0,9})([-+=>:.)])")


def _escape_char(char: str) -> str:
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def one_line(text: str, limit: int | None = None) -> str:
    """TEXT on one line with every control, format and separator character shown as an escape."""
    out = "".join(_escape_char(c) if unicodedata.category(c) in _ESCAPED_CATEGORIES else c for c in text)
    out = out.replace(_LEGACY_COMMAND, _LEGACY_SAFE)
    if limit is not None and len(out) > limit:
        out = out[: max(limit - 1, 0)] + "…"
    return out


def text_line(text: str, limit: int | None = None) -> str:
    """Plain-text form of TEXT for a terminal or log: one line, nothing that acts."""
    return one_line(text, limit)


def text_block(text: str) -> list[str]:
    """Multi-line free text (model output) as lines that each hold only printable characters."""
    return [one_line(line) for line in text.strip().splitlines()]


def markdown_inline(text: str, limit: int | None = None) -> str:
    """TEXT as Markdown inline content: one line, every construct-opening character backslash-escaped."""
    return _MD_INLINE.sub(r"\\\1", one_line(text, limit))


def markdown_cell(text: str, limit: int | None = None) -> str:
    """TEXT inside a GFM table cell (the pipe is escaped by markdown_inline already)."""
    return markdown_inline(text, limit)


def markdown_code(text: str, limit: int | None = None) -> str:
    """TEXT as a code span, fenced by a backtick run longer than any inside it (CommonMark 6.1)."""
    body = one_line(text, limit).replace("<!--", "<\\!--")
    if not body:
        return "` `"
    longest = max((len(run) for run in re.findall(r"`+", body)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if body.startswith("`") or body.endswith("`") or (body[0] == " " and body[-1] == " ") else ""
    return f"{fence}{pad}{body}{pad}{fence}"


def markdown_cell_code(text: str, limit: int | None = None) -> str:
    """A code span inside a GFM table cell: pipes are escaped even inside code spans there."""
    return markdown_code(text, limit).replace("|", "\\|")


def markdown_block(text: str) -> list[str]:
    """Multi-line free text (model output) as Markdown lines that start no block and hold no HTML."""
    lines = []
    for line in text.strip().splitlines():
        escaped = markdown_inline(line.strip())
        lines.append(_MD_LINE_START.sub(r"\1\2\\\3", escaped, count=1))
    return lines


def workflow_log(document: str) -> str:
    """DOCUMENT with no line able to carry a GitHub workflow command (`::cmd::` or legacy `##[cmd]`)."""
    lines = document.split("\n")
    for index, line in enumerate(lines):
        line = line.replace(_LEGACY_COMMAND, _LEGACY_SAFE)
        stripped = line.lstrip()
        if stripped.startswith("::") or "\r" in line:
            line = one_line(line)
            stripped = line.lstrip()
            if stripped.startswith("::"):
                line = line[: len(line) - len(stripped)] + "\\" + stripped
        lines[index] = line
    return "\n".join(lines)


def json_text(document: str) -> str:
    """Serialized JSON with `##[` written `#\\u0023[` inside strings: the same data, no legacy log command.

    JSON has no `#` outside strings, and its strings hold no raw newline, so no line can start with `::`.
    """
    return document.replace(_LEGACY_COMMAND, "#\\u0023[")
