"""Risk rules, context grading (security controls stage): a switch turned off, or removed, on something that works
against protection stops it working against protection — an exclusion, suppression, mute or ignore rule (what it
dropped is kept and seen again), a rule whose action lets traffic through (allow, permit, bypass), a public share
or link (it closes). Such findings go to low, on any provider. A detector, alarm, log or blocking rule switched off
stays as its rule graded it; a new or widened exclusion is blinding.py's and guards.py's."""

from __future__ import annotations

from typing import Any

from tfreview.pipeline.changes import Change
from tfreview.pipeline.findings import Finding, ReviewInput, Severity, grader
from tfreview.pipeline.rules.common import sides
from tfreview.pipeline.rules.retention import LOGGING
from tfreview.pipeline.rules.units import parent, words
from tfreview.pipeline.rules.vocabulary import DETECTION

# Words of a block or type whose records it names are dropped, hidden or not alerted on.
DROPPING = frozenset({"exclusion", "exclusions", "exclude", "excluded", "suppression", "suppressions", "suppress",
                      "mute", "mutes", "muting", "ignore", "ignored", "ignores", "silence", "silences", "downtime",
                      "downtimes", "exemption", "exemptions", "snooze"})
# Words of a type that publishes what it names to anyone holding a link.
SHARING = frozenset({"public", "share", "shared", "sharing"})
# A rule's own action or decision that lets what it matches through.
LETS_THROUGH = frozenset({"allow", "allowed", "permit", "accept", "pass", "bypass", "grant"})
ACTION_KEYS = ("action", "decision", "rule_action", "policy_action", "access", "effect", "permission_type")
# Names of a switch (`is_enabled`, `disabled`, `state`): what a filter matches is another matter (blinding.py).
SWITCHES = frozenset({"enabled", "enable", "disabled", "disable", "muted", "active", "state", "status", "paused",
                      "suspended"})


@grader
def opener_stopped(review_input: ReviewInput, findings: list[Finding]) -> list[Finding]:
    """Switches of an exclusion, an allow rule or a public share turned off: low, with why."""
    changes = {c.address: c for c in review_input.changeset.changes}
    graded: list[Finding] = []
    for found in findings:
        change = changes.get(found.address or "")
        if found.rule in (DETECTION, LOGGING) and found.severity is Severity.HIGH and change is not None:
            path = found.message.removeprefix(f"{change.address}: ").partition(" ")[0]
            blocks, _, leaf = path.rpartition(".")  # the switch's own name says what it switches, not what holds it
            why = _works_against(change, path, blocks) if words(leaf) & SWITCHES else ""
            if why:
                found = found.model_copy(update={"severity": Severity.LOW,
                                                 "message": f"{found.message} — it switches {why}"})
        graded.append(found)
    return graded


def _works_against(change: Change, path: str, blocks: str) -> str:
    """What the switched object does against protection, in words, or empty."""
    if words(blocks) & DROPPING or (not blocks and words(change.type) & DROPPING):
        return "an exclusion or suppression: records it dropped are kept and seen again"
    if words(blocks) & SHARING or (not blocks and words(change.type) & SHARING):
        return "a public share or link off: it closes"
    before, after = (parent(side, path) or {} for side in sides(change))
    if _action(after) & LETS_THROUGH and _action(before) == _action(after):
        return "a rule that lets traffic through: what it allowed falls to the rules after it"
    return ""


def _action(values: dict[str, Any]) -> set[str]:
    """The words of a rule's own action or decision."""
    return {w for key in ACTION_KEYS if isinstance(values.get(key), str) for w in words(values[key])}
