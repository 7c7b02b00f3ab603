"""Risk rules, context (reported under `protection-disabled`): a scheduled job that carries out an obligation — data
subject erasure, a retention purge, a backup or snapshot, a key or credential rotation, a vulnerability scan —
switched off (its schedule's state or enabled flag off), or a storage lifecycle rule that erases data (its id or
prefix says purge, erasure, GDPR) disabled. Nothing fails: the erasures the law requires, the
rotations a policy promises, simply stop happening. The job is known by the words of its own name, id and
description; a job of a non-production environment, or one whose words name no obligation (a digest, a report),
says nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import Finding, finding, on_change
from tfreview.pipeline.rules.common import as_list, show, sides
from tfreview.pipeline.rules.environments import non_production_env
from tfreview.pipeline.rules.expiration import LIFECYCLE_TYPES, RULE_KEYS
from tfreview.pipeline.rules.protection import PROTECTION
from tfreview.pipeline.rules.strengths import flag

SCHEDULES = lazy_compile(r"schedule|event_rule|eventbridge_rule|cron|scheduler_job|scheduled_query|trigger"
                         r"|cloud_scheduler|logic_app_trigger_recurrence|_job$")
SWITCH_KEYS = ("state", "enabled", "is_enabled", "status", "paused", "suspend", "disabled")
_WORD = lazy_compile(r"[a-z]+")
OBLIGATIONS = frozenset({"erasure", "erase", "gdpr", "dsr", "dsar", "ccpa", "forget", "purge", "retention",
                         "backup", "backups", "snapshot", "snapshots", "rotate", "rotation", "scan", "scanner",
                         "vulnerability", "patch", "patching", "compliance", "anonymize", "anonymise", "redact"})
NAME_KEYS = ("name", "id", "description", "job_name", "rule_name")


def _on(values: dict[str, object]) -> float | None:
    """1 while the schedule runs, 0 once off; a `paused`/`suspend`/`disabled` flag reads inverted."""
    for key in SWITCH_KEYS:
        if key in values:
            strength = flag(values[key])
            if strength is None:
                continue
            return 1 - strength if key in ("paused", "suspend", "disabled") else strength
    return None


# The words of a store's lifecycle rule that carries out an erasure duty (not a retention: a log expiry switched
# off keeps logs longer).
ERASURE = frozenset({"erasure", "erase", "gdpr", "dsr", "dsar", "ccpa", "forget", "purge", "anonymize", "anonymise"})


@on_change(actions=(Action.UPDATE,), type_pattern=LIFECYCLE_TYPES)
def _erasure_rule_stopped(change: Change) -> Iterator[Finding]:
    before, after = sides(change)
    if non_production_env(after) is not None:
        return
    was = {str(r.get("id") or r.get("name")): r for r in _rules(before)}
    for rule in _rules(after):
        old = was.get(str(rule.get("id") or rule.get("name")))
        if old is None or _on(old) != 1 or _on(rule) != 0:
            continue
        words = set(_WORD.findall(" ".join(str(v) for v in _names(rule)).lower()))
        if duty := sorted(words & ERASURE):
            name = show(rule.get("id") or rule.get("name"))
            yield finding(PROTECTION, change.address, f"{change.address}: lifecycle rule {name} that carries out an "
                          f"erasure ({', '.join(duty[:2])}) is disabled: the data it was to remove stays")


def _rules(values: dict[str, Any]) -> list[dict[str, Any]]:
    return [r for key in RULE_KEYS for r in as_list(values.get(key)) if isinstance(r, dict)]


def _names(rule: dict[str, Any]) -> list[Any]:
    """A rule's id or name, and the prefixes it selects (`closed/`, `gdpr-erasure/`)."""
    filters = [f for f in as_list(rule.get("filter")) if isinstance(f, dict)]
    return [rule.get("id"), rule.get("name"), rule.get("prefix"), *(f.get("prefix") for f in filters)]


@on_change(actions=(Action.UPDATE,), type_pattern=SCHEDULES)
def _obligation_stopped(change: Change) -> Iterator[Finding]:
    before = change.before if isinstance(change.before, dict) else {}
    after = change.after if isinstance(change.after, dict) else {}
    if _on(before) != 1 or _on(after) != 0 or non_production_env(after) is not None:
        return
    words = {w for key in NAME_KEYS for w in _WORD.findall(str(after.get(key) or "").lower())}
    duty = sorted(words & OBLIGATIONS)
    if duty:
        yield finding(PROTECTION, change.address, f"{change.address}: a scheduled job that carries out an obligation "
                      f"({', '.join(duty[:3])}) is switched off: what it does stops happening, and nothing fails")
