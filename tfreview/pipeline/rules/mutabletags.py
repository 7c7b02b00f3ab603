"""Risk rules, supply chain: an image repository's tags made mutable (IMMUTABLE → MUTABLE, `immutable_tags` off) while
its policy lets principals beyond one named identity push (a wildcard principal, even one fenced to an
organisation, or whole accounts): anyone who can push may now overwrite a tag that deployments already pull
(`:v1.4.2` swapped under running workloads). Mutable tags on a repository only its own CI role pushes to are a
workflow choice, not news.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action
from tfreview.pipeline.findings import EVERY_ACTION, Finding, ReviewInput, Severity, finding, managed, rule
from tfreview.pipeline.rules.common import sides
from tfreview.pipeline.rules.strengths import flag

MUTABLE_TAGS = "mutable-shared-tags"
MUTABILITY = ("image_tag_mutability", "tag_mutability", "image_tag_mutability_configuration")
IMMUTABLE_SWITCHES = ("immutable_tags", "tag_immutability", "image_tag_immutability", "immutable_tags_enabled")
PUSH = lazy_compile(r"(?:^|[:.*])(?:put\w*|push\w*|upload\w*|write\w*|initiatelayerupload|completelayerupload|\*)$")
NAMES = ("repository", "repository_name", "repo", "name")


def _immutable(values: dict[str, Any]) -> bool | None:
    """Whether a repository's tags are immutable; None when it does not say."""
    for key in MUTABILITY:
        value = values.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip().upper().startswith("IMMUTABLE")
    for key in IMMUTABLE_SWITCHES:
        if isinstance(values.get(key), (bool, str)) and (strength := flag(values[key])) is not None:
            return bool(strength)
    return None


def _statements(text: Any) -> list[dict[str, Any]]:
    try:
        document = json.loads(text) if isinstance(text, str) else text
    except ValueError:
        return []
    found = document.get("Statement", []) if isinstance(document, dict) else []
    return [s for s in (found if isinstance(found, list) else [found]) if isinstance(s, dict)]


def _wide(principal: Any) -> bool:
    """Whether a principal is more than one named identity: `*`, or a whole account (`…:root`, a bare id)."""
    values = principal.values() if isinstance(principal, dict) else [principal]
    items = [i for v in values for i in (v if isinstance(v, list) else [v])]
    return any(str(i).strip() == "*" or str(i).endswith(":root") or str(i).strip().isdigit() for i in items)


def shared_push(policy: Any) -> bool:
    """Whether a repository policy lets a wildcard principal or whole accounts push."""
    for statement in _statements(policy):
        actions = statement.get("Action", [])
        actions = actions if isinstance(actions, list) else [actions]
        if str(statement.get("Effect", "")).lower() == "allow" and _wide(statement.get("Principal")) \
                and any(PUSH.search(str(a).lower()) for a in actions):
            return True
    return False


def _policies(ri: ReviewInput) -> dict[str, bool]:
    """Repository name → whether the policy the plan leaves on it lets others push."""
    found: dict[str, bool] = {}
    for change in managed(ri.changeset, *EVERY_ACTION):
        _, after = sides(change)
        if "polic" not in change.type or change.action is Action.DELETE:
            continue
        name = next((str(after[k]) for k in NAMES[:3] if after.get(k)), "")
        if name and isinstance(after.get("policy"), str):
            found[name] = found.get(name, False) or shared_push(after["policy"])
    return found


@rule(MUTABLE_TAGS, Severity.HIGH, "An image repository's tags are made mutable while principals beyond one named "
      "identity (a wildcard, an organisation, whole accounts) may push: a pushed image can replace a tag already "
      "deployed.")
def _mutable_shared(ri: ReviewInput) -> Iterator[Finding]:
    policies = _policies(ri)
    for change in managed(ri.changeset, Action.UPDATE):
        before, after = sides(change)
        if _immutable(before) is not True or _immutable(after) is not False:
            continue
        name = str(after.get("name") or after.get("repository_name") or "")
        if policies.get(name) or shared_push(after.get("policy")):
            yield finding(MUTABLE_TAGS, change.address, f"{change.address}: its tags become mutable while a "
                          "wildcard principal or whole accounts may push: a pushed image can replace a deployed tag")
