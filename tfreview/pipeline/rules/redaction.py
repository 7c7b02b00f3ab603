"""Risk rules, data handling (risk rules stage; feeds `data-policy-opened`): a redaction step taken out of a pipeline
that keeps running. A log, event or data pipeline of any provider lists its steps as blocks (`processor`,
`transform`, `filter`, `rule`); one whose own type, action or name says it redacts, masks, hashes or scrubs keeps
credentials, card numbers or personal data out of what the pipeline ships. Removed while the pipeline stays, the
values it caught now travel whole to every destination.

A redaction that changes its pattern or replacement, one added, and a pipeline deleted whole say nothing here.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import Finding, finding, on_change
from tfreview.pipeline.rules.code import OPENED

# What a step's own type, action or name says when it hides values.
REDACTING = lazy_compile(r"^(?:redact\w*|mask\w*|hash\w*|scrub\w*|anonymi[sz]e\w*|pseudonymi[sz]e\w*|obfuscate\w*"
                         r"|tokeni[sz]e\w*|sanitiz\w*)$")
STEP_KEYS = ("type", "action", "kind", "name", "processor", "operation")
MAX_DEPTH = 6


def _redactions(value: Any, depth: int = 0) -> int:
    """How many steps inside VALUE say by their own type, action or name that they redact."""
    if depth > MAX_DEPTH:
        return 0
    if isinstance(value, list):
        return sum(_redactions(item, depth + 1) for item in value)
    if not isinstance(value, dict):
        return 0
    own = any(isinstance(value.get(key), str) and REDACTING.match(value[key].strip().lower()) for key in STEP_KEYS)
    return int(own) + sum(_redactions(item, depth + 1) for item in value.values() if isinstance(item, (dict, list)))


@on_change(actions=(Action.UPDATE,), words=(b"redact", b"mask", b"hash", b"scrub", b"anonymi", b"pseudonymi",
                                             b"obfuscat", b"tokeni", b"sanitiz"))
def _redaction_removed(change: Change) -> Iterator[Finding]:
    before, after = _redactions(change.before), _redactions(change.after)
    if before > after:
        yield finding(OPENED, change.address, f"{change.address}: {before - after} of its {before} redaction steps "
                      "removed while it keeps running: what they masked now travels whole")
