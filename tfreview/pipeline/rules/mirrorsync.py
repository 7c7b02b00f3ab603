"""Risk rules, destruction (reported under lifecycle-expiration): a copy or transfer job switched to delete from its
sink every object its source lacks (`delete_objects_unique_in_sink`, `delete_extraneous`, any provider). On a sink
of its own that makes an exact mirror (medium); where another job of the plan writes to the same sink, each run
deletes everything the others delivered (high, by the grader below).
"""

from __future__ import annotations

from collections.abc import Iterator

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import Finding, ReviewInput, Severity, finding, graded_high, grader, managed, on_change
from tfreview.pipeline.rules.expiration import EXPIRY
from tfreview.pipeline.rules.receivers import BLOCK_WORDS, key_words, leaves
from tfreview.pipeline.rules.values import pairs

# A switch that deletes in the destination what the source does not hold.
DELETES_EXTRA = lazy_compile(r"(?:^|\.)delete_\w*(?:unique|extraneous|extra|orphan\w*)\w*$")
MIRRORING = "now deletes from its sink every object its source lacks"


def _sink(change: Change) -> frozenset[tuple[tuple[str, ...], str]]:
    """The values that name where CHANGE writes: leaves inside a sink or destination block."""
    return frozenset((path, text) for path, text in leaves(change.after)
                     if any(key_words(k) & (BLOCK_WORDS - {"email", "push"}) for k in path[:-1]))


@on_change(actions=(Action.UPDATE, Action.REPLACE), words=(b"delete_",))
def _mirroring(change: Change) -> Iterator[Finding]:
    for path, before, after in pairs(change):
        if DELETES_EXTRA.search(path) and after is True and before is not True:
            yield finding(EXPIRY, change.address, f"{change.address}: {path} is turned on: it {MIRRORING}",
                          Severity.MEDIUM)
            return


@grader
def shared_sinks(review_input: ReviewInput, findings: list[Finding]) -> list[Finding]:
    """A mirroring job's finding raised to high where another job of the plan writes to the same sink."""
    mirroring = {f.address for f in findings if f.rule == EXPIRY and MIRRORING in f.message and f.address}
    if not mirroring:
        return findings
    changes = list(managed(review_input.changeset, *Action))
    sinks = {c.address: _sink(c) for c in changes if c.after}
    raised: dict[str | None, str] = {}
    for address in mirroring:
        mine = sinks.get(address)
        others = [a for a, sink in sinks.items() if a != address and mine and sink == mine]
        if others:
            raised[address] = f"{others[0]} writes to the same sink: each run deletes what it delivered"
    return [graded_high(f, raised[f.address]) if f.address in raised and f.rule == EXPIRY and MIRRORING in f.message
            else f for f in findings]
