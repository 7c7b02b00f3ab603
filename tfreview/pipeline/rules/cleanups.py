"""Risk rules, retention stage: a cleanup or lifecycle policy of an artifact or image registry (Artifact Registry's
`cleanup_policies`, an ECR lifecycle policy, any provider's) that now deletes versions in use — tagged ones, or any
tag state — once they are a day old or less, or by age at any age when the rule names no tag or package filter
(every release and deploy tag reached by age: what prod runs was often pushed long ago; keeping the newest N is
not by age): the images running workloads pull
are deleted under them, and a rollback finds nothing. Deleting untagged versions after weeks, or only the tags of
one prefix (`pr-` previews), is housekeeping; a rule that only keeps is never news. A rule still in dry run deletes
nothing: turning dry run off makes its rules new.
"""

from __future__ import annotations

import json
import re
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
# Filters that confine a rule to some tags or packages (`tag_prefixes`, ECR's `tagPrefixList`, `tagPatternList`).
FILTERS = lazy_compile(r"\w*(?:tag_?prefix\w*|tag_?pattern\w*|(?:version|package)_?name_?prefix\w*)")
# A rule by age (`older_than`, ECR's `sinceImagePushed`), not one that keeps the newest N (`imageCountMoreThan`).
BY_AGE = lazy_compile(r"older_?than|(?:min_)?age(?:_?days)?|days_?since\w*|since_?pushed\w*")
AGE_COUNTS = frozenset({"sinceimagepushed"})
DRY_RUN = lazy_compile(r"\w*dry_?run\w*")
MAX_DEPTH = 8
TAB = "\t"
SOON = "a day old or less"
# A repository named for a build cache (`ci/build-cache`, `buildcache/api`): layers, not images anyone deploys.
CACHE_NAMES = lazy_compile(r"[a-z0-9]*cache[a-z0-9]*")


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


def _reach(rule: dict[str, Any]) -> str | None:
    """How RULE deletes versions in use (tag state any or tagged): "a day old or less", or by age at any age
    "by age alone, whatever their tag" when no filter confines it to some tags or packages; None when it does
    not."""
    if not _deletes(rule):
        return None
    found = list(_settings(rule))
    if not any(TAG_STATE.fullmatch(k.lower().replace("-", "_")) and str(v).strip().lower() in IN_USE
               for k, v, _ in found):
        return None
    ages = [duration(v, unit_of(k, block)) for k, v, block in found if AGE.fullmatch(k.lower())]
    if any(age is not None and age <= DAY for age in ages):
        return SOON
    unfiltered = not any(FILTERS.fullmatch(k.lower()) and str(v).strip() for k, v, _ in found)
    by_age = any((BY_AGE.fullmatch(k.lower()) and str(v).strip()) or str(v).strip().lower() in AGE_COUNTS
                 for k, v, _ in found)
    return "by age alone, whatever their tag" if unfiltered and by_age else None


def _live(values: dict[str, Any]) -> bool:
    """Whether a registry's cleanup really deletes (no dry-run switch on)."""
    return not any(DRY_RUN.fullmatch(str(k).lower()) and v is True for k, v in values.items())


def _rules(values: Any, depth: int = 0) -> Iterator[str]:
    """Each deleting rule in VALUES (JSON policy texts included) that reaches versions in use, as how it reaches
    them, a TAB, and the rule as JSON (the soonest reach sorts first)."""
    if depth > MAX_DEPTH:
        return
    if isinstance(values, str) and values.lstrip().startswith("{") and "rule" in values.lower():
        try:
            values = json.loads(values)
        except ValueError:
            return
    if isinstance(values, dict):
        if (how := _reach(values)) is not None:
            yield f"{how}{TAB}{json.dumps(values, sort_keys=True, default=str)}"
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
    if not _live(after):
        return
    new = set(_rules(after)) - set(_rules(before) if _live(before) else ())
    if _build_cache(change, after):  # layers a build reuses: nothing deploys from it, age is its whole purpose
        new = {rule for rule in new if rule.startswith(SOON)}
    if new:
        yield finding(CLEANUP, change.address, f"{change.address}: a cleanup rule now deletes tagged (in-use) "
                      f"versions {min(new).partition(TAB)[0]}: images workloads pull and rollbacks need are deleted")


def _build_cache(change: Change, after: dict[str, Any]) -> bool:
    """Whether the repository a cleanup belongs to is named for a cache (its own name, or the repository it
    names)."""
    names = [change.address] + [v for k, v in after.items() if k in ("name", "repository", "repository_id")
                                and isinstance(v, str)]
    return any(CACHE_NAMES.fullmatch(word) for name in names for word in re.split(r"[^a-z0-9]+", name.lower()))
