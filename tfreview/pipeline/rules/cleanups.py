"""Risk rules, retention stage: a cleanup or lifecycle policy of an artifact or image registry (Artifact Registry's
`cleanup_policies`, an ECR lifecycle policy, any provider's) that now deletes versions in use — tagged ones, or any
tag state — once they are a day old or less: the images running workloads pull are deleted under them, and a
rollback finds nothing. Deleting untagged versions after weeks is housekeeping; a rule that only keeps is never news.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import Finding, Severity, declare, finding, on_change
from tfreview.pipeline.rules.common import sides
from tfreview.pipeline.rules.units import duration, unit_of

CLEANUP = declare("cleanup-in-use", Severity.HIGH,
                  "A registry's cleanup or lifecycle policy now deletes tagged (in-use) versions within a day: "
                  "images that workloads pull and rollbacks need are deleted.")

DAY = 86400.0
DELETING = frozenset({"delete", "expire", "purge", "remove", "destroy"})
IN_USE = frozenset({"any", "tagged", "all"})
TAG_STATE = lazy_compile(r"tag_?(?:state|status)")
AGE = lazy_compile(r"older_?than|age|(?:min_)?age_?days|days_?since\w*|count_?number|since_?pushed\w*")
MAX_DEPTH = 8


def _deletes(rule: dict[str, Any]) -> bool:
    action = rule.get("action")
    if isinstance(action, dict):
        action = action.get("type")
    return isinstance(action, str) and action.strip().lower() in DELETING


def _settings(rule: dict[str, Any], depth: int = 0) -> Iterator[tuple[str, Any, dict[str, Any]]]:
    """(key, value, block) of every scalar setting in RULE, nested blocks and lists of one included."""
    if depth > MAX_DEPTH:
        return
    for key, value in rule.items():
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, dict):
                yield from _settings(item, depth + 1)
            else:
                yield str(key), item, rule


def _quick_in_use_delete(rule: dict[str, Any]) -> bool:
    """Whether RULE deletes versions in use (tag state any or tagged) once a day old or less."""
    if not _deletes(rule):
        return False
    found = list(_settings(rule))
    in_use = any(TAG_STATE.fullmatch(k.lower().replace("-", "_")) and str(v).strip().lower() in IN_USE
                 for k, v, _ in found)
    ages = [duration(v, unit_of(k, block)) for k, v, block in found if AGE.fullmatch(k.lower())]
    return in_use and any(age is not None and age <= DAY for age in ages)


def _rules(values: Any, depth: int = 0) -> Iterator[str]:
    """Each deleting rule in VALUES (JSON policy texts included) that reaches versions in use, as JSON."""
    if depth > MAX_DEPTH:
        return
    if isinstance(values, str) and values.lstrip().startswith("{") and "rule" in values.lower():
        try:
            values = json.loads(values)
        except ValueError:
            return
    if isinstance(values, dict):
        if _quick_in_use_delete(values):
            yield json.dumps(values, sort_keys=True, default=str)
        for value in values.values():
            if _nested(value):
                yield from _rules(value, depth + 1)
    elif isinstance(values, list):
        for value in values:
            if _nested(value):
                yield from _rules(value, depth + 1)


def _nested(value: Any) -> bool:
    """Whether _rules can find anything in VALUE: a block, a list or a JSON text (most values are none of them,
    and a generator each cost the rule most of its time)."""
    return isinstance(value, (dict, list)) or (isinstance(value, str) and value.lstrip().startswith("{"))


@on_change(actions=(Action.UPDATE, Action.CREATE, Action.REPLACE), words=(b"tag",))
def _cleanup_in_use(change: Change) -> Iterator[Finding]:
    before, after = sides(change)
    if set(_rules(after)) - set(_rules(before)):
        yield finding(CLEANUP, change.address, f"{change.address}: a cleanup rule now deletes tagged (in-use) "
                      "versions a day old or less: images workloads pull and rollbacks need are deleted")
