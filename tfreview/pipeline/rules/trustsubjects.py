"""Risk rules, identity (policy judging): a role trust policy's federated subject condition widened — an OIDC
`:sub` pinned to one branch or environment (`repo:o/r:ref:refs/heads/main`) turned into a pattern that admits more
(`repo:o/r:*`: every branch and pull request), or cut short, or rewritten to owner claims alone
(`repository_owner:o`: every repository of the owner). `judge` reads a trust on its own (no subject, a
wildcard owner); this compares it with what it was."""

from __future__ import annotations

import re
from collections.abc import Iterator

from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import Finding, Severity, finding
from tfreview.pipeline.rules.judge import TRUST
from tfreview.pipeline.rules.policy import Statement
from tfreview.pipeline.rules.principals import OIDC_SUBJECTS

Document = tuple[str, list[Statement]]
Subject = tuple[str, bool]  # the value, and whether it is a pattern (a …Like operator)
MAX_SHOWN = 3


def widened(change: Change, before: list[Document], after: list[Document]) -> Iterator[Finding]:
    """A finding when CHANGE's trust (documents BEFORE → AFTER) lets a federated provider's identities in under a
    wider subject than before."""
    if change.action not in (Action.UPDATE, Action.REPLACE):
        return
    old, new = _subjects(before), _subjects(after)
    for provider, subjects in sorted(new.items()):
        was = old.get(provider)
        if not was:
            continue  # a trust that had no subject condition is judged on its own
        wider = [value for value, like in sorted(subjects) if (value, like) not in was and _wider(value, like, was)]
        if wider:
            shown = ", ".join(f'"{v[:100]}"' for v in wider[:MAX_SHOWN])
            earlier = ", ".join(f'"{v[:100]}"' for v, _ in sorted(was)[:MAX_SHOWN])
            yield finding(TRUST, change.address, f"{change.address}: trust of {provider[:120]} widens its subject to "
                          f"{shown} (was {earlier}): identities the old condition kept out may assume the role",
                          Severity.HIGH)


def _subjects(documents: list[Document]) -> dict[str, set[Subject]]:
    """Per federated provider, the subject values its allowing trust statements require."""
    found: dict[str, set[Subject]] = {}
    for _, statements in documents:
        for statement in statements:
            if not statement.allows:
                continue
            for provider in statement.principals.get("Federated", ()):
                found.setdefault(provider, set()).update(_values(statement.conditions))
    return found


def _values(conditions: dict[str, dict[str, tuple[str, ...]]]) -> Iterator[Subject]:
    for operator, keys in conditions.items():
        lowered = operator.lower()
        if "not" in lowered or lowered.endswith("ifexists"):
            continue
        for key, values in keys.items():
            if key.endswith(OIDC_SUBJECTS):
                yield from ((str(v), "like" in lowered) for v in values)


def _wider(value: str, like: bool, was: set[Subject]) -> bool:
    """Whether VALUE admits a subject none of WAS admitted: a new wildcard no old pattern covers, or an exact
    subject cut short of its qualifiers (`repo:o/r:environment:prod` → `repo:o/r`)."""
    if like and ("*" in value or "?" in value):
        prefix = _prefix(value)
        return not any(old_like and _prefix(old) != old and prefix.startswith(_prefix(old)) for old, old_like in was)
    return any(not old_like and old.startswith(value) and old[len(value):len(value) + 1] in (":", "/")
               for old, old_like in was) or _owner_only(value, was)


# Claims of a CI token's subject that name one repository, project, branch, environment or workflow; a subject
# made of owner or organization claims alone (`repository_owner:acme`, GitHub's customized subject) is every
# repository of that owner.
ONE_PROJECT = frozenset({"repo", "repository", "repository_id", "ref", "ref_type", "environment", "job_workflow_ref",
                         "workflow", "workflow_ref", "project_path", "project_id", "pipeline_source", "context",
                         "branch", "project", "pipeline", "deployment"})


def _claims(subject: str) -> set[str]:
    """The claim names of a `claim:value:claim:value` subject (GitHub's and GitLab's formats)."""
    return {part.strip().lower() for part in subject.split(":")[0::2]}


def _owner_only(value: str, was: set[Subject]) -> bool:
    """Whether VALUE names no repository-level claim where an old exact subject did: the trust moved from one
    repository's identities to every repository of the owner."""
    return not _claims(value) & ONE_PROJECT and value.count(":") % 2 == 1 and any(
        not old_like and _claims(old) & ONE_PROJECT for old, old_like in was)


def _prefix(value: str) -> str:
    return re.split(r"[*?]", value, maxsplit=1)[0]
