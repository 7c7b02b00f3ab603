"""Risk rules, context grading (security controls stage): a switch turned off, or removed, inside something whose
purpose is to drop records — an exclusion, suppression, mute or ignore rule, as a block or as the resource itself —
stops the dropping: more is kept and seen, the opposite of a detector stopping. Such findings go to low, on any
provider. A detector, alarm or log switched off anywhere else stays as its rule graded it; a new or widened
exclusion is blinding.py's and guards.py's."""

from __future__ import annotations

from tfreview.pipeline.findings import Finding, ReviewInput, Severity, grader
from tfreview.pipeline.rules.retention import LOGGING
from tfreview.pipeline.rules.units import words
from tfreview.pipeline.rules.vocabulary import DETECTION

# Words of a block or type whose records it names are dropped, hidden or not alerted on.
DROPPING = frozenset({"exclusion", "exclusions", "exclude", "excluded", "suppression", "suppressions", "suppress",
                      "mute", "mutes", "muting", "ignore", "ignored", "ignores", "silence", "silences", "downtime"})

# Names of a switch (`is_enabled`, `disabled`, `state`): what a filter matches is another matter (blinding.py).
SWITCHES = frozenset({"enabled", "enable", "disabled", "disable", "muted", "active", "state", "status", "paused",
                      "suspended"})


@grader
def exclusion_stopped(review_input: ReviewInput, findings: list[Finding]) -> list[Finding]:
    """Switches of an exclusion or suppression turned off: low, with why."""
    types = {c.address: c.type for c in review_input.changeset.changes}
    graded: list[Finding] = []
    for found in findings:
        address = found.address or ""
        if found.rule in (DETECTION, LOGGING) and found.severity is Severity.HIGH and address in types:
            path = found.message.removeprefix(f"{address}: ").partition(" ")[0]
            blocks, _, leaf = path.rpartition(".")  # the switch's own name says what it switches, not what holds it
            if words(leaf) & SWITCHES and (words(blocks) & DROPPING or (words(types[address]) & DROPPING
                                                                       and not blocks)):
                found = found.model_copy(update={"severity": Severity.LOW, "message": found.message +
                                                 " — it switches an exclusion or suppression: records it dropped "
                                                 "are kept and seen again"})
        graded.append(found)
    return graded
