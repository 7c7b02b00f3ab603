"""Risk rules, availability (reported under `scaled-to-zero`): a job specification kept as text (Nomad's
`jobspec`, any scheduler's HCL job file in an attribute) whose task group's `count` drops from a running number to
0: every allocation of that group stops on apply. The attribute diff sees only one long string changed; this reads
the groups inside it."""

from __future__ import annotations

import re
from collections.abc import Iterator

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import Finding, finding, on_change
from tfreview.pipeline.rules.capabilities import braced_block
from tfreview.pipeline.rules.common import sides
from tfreview.pipeline.rules.vocabulary import ZERO

# Attributes that hold a whole job file.
JOB_TEXT = ("jobspec", "job_spec", "job_file", "job_hcl", "hcl", "spec")
GROUP = lazy_compile(r'\bgroup\s+"([^"]+)"\s*\{')
# A group's own count, on a line of its own (a nested block's `count` would sit deeper in braces).
COUNT = lazy_compile(r"^\s*count\s*=\s*(\d+)\s*$", re.MULTILINE)


@on_change(actions=(Action.UPDATE,), words=(b"group", b"count"))
def _groups_stopped(change: Change) -> Iterator[Finding]:
    before, after = sides(change)
    for key in JOB_TEXT:
        text, old = after.get(key), before.get(key)
        if not isinstance(text, str) or not isinstance(old, str) or old == text:
            continue
        was, now = group_counts(old), group_counts(text)
        for group, count in now.items():
            if count == 0 and was.get(group, 0) > 0:
                yield finding(ZERO, change.address, f"{change.address}: {key} sets group \"{group}\" count "
                              f"{was[group]} → 0 (every allocation of the group stops)")


def group_counts(text: str) -> dict[str, int]:
    """Each task group of a job file and its count (1 where the group sets none, as the scheduler defaults)."""
    counts: dict[str, int] = {}
    for match in GROUP.finditer(text):
        body = braced_block(text, match.end()) or ""
        top = _outside_blocks(body)
        found = COUNT.search(top)
        counts[match[1]] = int(found[1]) if found else 1
    return counts


def _outside_blocks(body: str) -> str:
    """BODY with every nested block's text left out: the group's own settings only."""
    depth, kept = 0, []
    for char in body:
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
        elif depth == 0:
            kept.append(char)
    return "".join(kept)
