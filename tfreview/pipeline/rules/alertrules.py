"""Risk rules, detection (feeds `detection-disabled`): an event rule that raises an alert, switched off.

An event rule (EventBridge, Event Grid, an IoT topic rule, an event subscription of any provider) is plumbing until
its own words say what it is for: one whose name or description says it pages, alerts or notifies security about an
event (a console sign-in without MFA, a root login, a GuardDuty finding) is detection, and turning it off (`is_enabled`
true → false, `state` ENABLED → DISABLED) silences that alert for as long as it stays off, whatever the new
description says about a mute. An event rule whose words say nothing about alerting (a nightly export, a cache
warm-up) finds nothing, and neither does one switched on.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import Finding, finding, on_change
from tfreview.pipeline.rules.common import show, sides
from tfreview.pipeline.rules.vocabulary.terms import DETECTION

EVENT_RULES = lazy_compile(r"(?:^|_)(?:event_rule|eventbridge_rule|event_subscription|eventgrid_\w*subscription"
                           r"|eventarc_trigger|event_trigger|topic_rule|message_routing_rule|notification_rule)$")
ALERTING = lazy_compile(r"(?:^|[^a-z])(?:alert\w*|pag(?:e|es|ing|er)|pagerduty|notify\w*|alarm\w*|security|incident\w*"
                        r"|detect\w*|guardduty|intrusion|unauthori[sz]ed|no[ _-]?mfa|without mfa|root (?:login|sign))"
                        r"(?:[^a-z]|$)", re.IGNORECASE)
SWITCHES = {"is_enabled": (True, False), "enabled": (True, False), "state": ("ENABLED", "DISABLED")}
WORD_KEYS = ("name", "description", "display_name")


def _turned_off(before: dict[str, Any], after: dict[str, Any]) -> str | None:
    for key, (on, off) in SWITCHES.items():
        old, new = before.get(key), after.get(key)
        if (old == on or (isinstance(old, str) and str(on).lower() == old.lower())) and \
                (new == off or (isinstance(new, str) and str(off).lower() == new.lower())):
            return f"{key} {show(old)} → {show(new)}"
    return None


@on_change(actions=(Action.UPDATE,), type_pattern=EVENT_RULES)
def _alert_rule_off(change: Change) -> Iterator[Finding]:
    if not EVENT_RULES.search(change.type):
        return
    before, after = sides(change)
    switch = _turned_off(before, after)
    words = " ".join(str(before.get(k) or "") for k in WORD_KEYS)  # what it was for, before any new wording
    if switch and (found := ALERTING.search(words)):
        yield finding(DETECTION, change.address, f"{change.address}: {switch} — an event rule whose own words say it "
                      f"alerts ({found.group(0).strip()!r}) is switched off: the events it reported pass unseen")
