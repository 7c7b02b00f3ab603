"""Read a PR comment as GitHub renders it (CommonMark + tables): which resource addresses does it name?"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt

RANGE = re.compile(r"(.*)\[(\d+)\.\.(\d+)\]")
KEYS = re.compile(r" \((\d+)\) \[(.*)\]")


def _expand(base: str, key: str) -> list[str]:
    span = re.fullmatch(r"(\d+)\.\.(\d+)", key)
    return [f"{base}[{i}]" for i in range(int(span[1]), int(span[2]) + 1)] if span else [f"{base}[{key}]"]


def named_addresses(body: str) -> list[str]:
    """Every address the comment names: code spans, `a[0..9]` ranges and `a` (N) [0..3, 7] key lists."""
    names: list[str] = []
    for block in MarkdownIt("commonmark").enable("table").parse(body):
        children = block.children or []
        for index, token in enumerate(children):
            if token.type != "code_inline":
                continue
            after = children[index + 1].content if index + 1 < len(children) else ""
            keys = KEYS.match(after)
            ranged = RANGE.fullmatch(token.content)
            if keys:
                found = [a for key in keys[2].split(", ") for a in _expand(token.content, key)]
                assert len(found) == int(keys[1]), f"{token.content}: {keys[1]} keys announced, {len(found)} listed"
                names += found
            elif ranged:
                names += _expand(ranged[1], f"{ranged[2]}..{ranged[3]}")
            else:
                names.append(token.content)
    return names
