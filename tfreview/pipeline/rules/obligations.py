"""Risk rules, context (reported under `protection-disabled`): a scheduled job that carries out an obligation — data
subject erasure, a retention purge, a backup or snapshot, a key or credential rotation, a vulnerability scan —
switched off (its schedule's state or enabled flag off). Nothing fails: the erasures the law requires, the
rotations a policy promises, simply stop happening. The job is known by the words of its own name, id and
description; a job of a non-production environment, or one whose words name no obligation (a digest, a report),
says nothing.
"""

from __future__ import annotations

from collections.abc import Iterator

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import Finding, finding, on_change
from tfreview.pipeline.rules.environments import non_production_env
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
