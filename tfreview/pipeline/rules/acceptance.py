"""Risk rules, identity (a grader over `auth-weakened`): a private endpoint service that stops asking for approval
(`acceptance_required` off) while its own list of who may connect names accounts or roles outright — no `*`, no
wildcard — only those principals can connect, now without a click: shown (medium), not held. With `*` (or no list)
anyone's endpoint is accepted, and the finding stays high."""

from __future__ import annotations

from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import Finding, ReviewInput, grader
from tfreview.pipeline.rules.common import as_dict, as_list
from tfreview.pipeline.rules.grading import high_graded_medium
from tfreview.pipeline.rules.vocabulary.terms import AUTH

PRINCIPAL_LISTS = ("allowed_principals", "allowed_principal_arns", "auto_accept_subscriptions",
                   "visibility_subscriptions")


def _named_only(values: dict[str, object]) -> list[str] | None:
    """The principals the service admits, when it names each of them (no `*` anywhere), else None."""
    listed = [str(p) for key in PRINCIPAL_LISTS for p in as_list(values.get(key)) if p not in (None, "")]
    return listed if listed and not any("*" in p for p in listed) else None


@grader
def named_acceptors(review_input: ReviewInput, findings: list[Finding]) -> list[Finding]:
    """Approval turned off on a service that admits only named principals: medium."""
    return high_graded_medium(review_input, findings, AUTH, _named_acceptors, (Action.UPDATE, Action.CREATE))


def _named_acceptors(found: Finding, change: Change) -> str | None:
    """Why approval turned off (`acceptance_required`) is medium: the service names each principal it admits."""
    named = _named_only(as_dict(change.after)) if "acceptance_required" in found.message else None
    return f"only the principals it names may connect ({len(named)})" if named else None
