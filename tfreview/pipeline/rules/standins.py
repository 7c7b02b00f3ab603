"""Risk rules, detection and logging (risk rules stage, a grader over `detection-disabled` and `logging-disabled`):
a detector, log stream or trail switched off while the same plan creates another of its own type that is on — a
migration to a new stream or destination, the stand-in taking over as the old one stops — is shown (medium), not
held: what it watched is still watched. The stand-in must sit in the same module; and a service that runs one per
region or account (a GuardDuty detector, a Config recorder, Security Hub) has no stand-in: a new one elsewhere
watches elsewhere; nor does one that selects nothing where the old one selected events (a timer rule beside an
alerting rule). One switched off with no stand-in stays high."""

from __future__ import annotations

from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import Finding, ReviewInput, grader
from tfreview.pipeline.rules.grading import high_graded_medium
from tfreview.pipeline.rules.planview import plan_view
from tfreview.pipeline.rules.retention import LOGGING
from tfreview.pipeline.rules.vocabulary.terms import DETECTION
from tfreview.pipeline.rules.watch import is_off, is_on

# Services enabled once per region or account: another instance of the type watches another scope.
SINGLETONS = lazy_compile(r"detector|recorder|securityhub|security_hub|security_center|defender|analyzer|inspector"
                          r"|macie|guard")
SWITCHES = ("status", "state", "enabled", "enable", "is_enabled", "active", "is_logging", "enable_logging")


def _on(values: Any) -> bool:
    """Whether an object's own switches say it runs: every switch it has is on, and it has one."""
    values = values if isinstance(values, dict) else {}
    found = [values[key] for key in SWITCHES if key in values]
    return bool(found) and all(is_on(v) and not is_off(v) for v in found)


# What an object watches (an event rule's `event_pattern`, a sink's `filter`, an alert's `query`): a new object that
# selects nothing there (a timer rule with an empty pattern) watches none of the events the old one reported.
SELECTION = lazy_compile(r"\w*(?:pattern|filter|query|criteria|selector)s?")


def _selects_what(old: Any, new: Any) -> bool:
    """Whether NEW selects something at every selection key where OLD selected something."""
    old, new = (v if isinstance(v, dict) else {} for v in (old, new))
    return all(new.get(key) not in (None, "", [], {}) for key, value in old.items()
               if SELECTION.fullmatch(key) and value not in (None, "", [], {}))


def _stand_in(change: Change, creates: list[Change]) -> Change | None:
    if SINGLETONS.search(change.type):
        return None
    return next((c for c in creates if c.module == change.module and _on(c.after)
                 and _selects_what(change.after, c.after)), None)


@grader
def stood_in(review_input: ReviewInput, findings: list[Finding]) -> list[Finding]:
    """Detection or logging switched off where the plan creates a running stand-in of the same type: medium."""
    return high_graded_medium(review_input, findings, (DETECTION, LOGGING),
                              lambda found, change: _stood_in_by(change, review_input), (Action.UPDATE,))


def _stood_in_by(change: Change, review_input: ReviewInput) -> str | None:
    """Why watching switched off is medium: a running stand-in of the same type is created in this plan."""
    stand_in = _stand_in(change, plan_view(review_input).creates_by_type.get(change.type, []))
    return None if stand_in is None else f"{stand_in.address}, created in this plan, runs in its place"
