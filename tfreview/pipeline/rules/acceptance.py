"""Risk rules, identity (a grader over `auth-weakened`): a private endpoint service that stops asking for approval
(`acceptance_required` off) while its own list of who may connect names accounts or roles outright — no `*`, no
wildcard — only those principals can connect, now without a click: shown (medium), not held. With `*` (or no list)
anyone's endpoint is accepted, and the finding stays high."""

from __future__ import annotations

from tfreview.pipeline.changes import Action
from tfreview.pipeline.findings import Finding, ReviewInput, Severity, graded_medium, grader
from tfreview.pipeline.rules.common import as_dict, as_list
from tfreview.pipeline.rules.planview import plan_view
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
    targets = [f for f in findings if f.rule == AUTH and f.severity is Severity.HIGH and "acceptance_required" in
               f.message]
    if not targets:
        return findings
    changes = {c.address: c for c in plan_view(review_input).of(Action.UPDATE, Action.CREATE)}
    graded: dict[int, Finding] = {}
    for found in targets:
        change = changes.get(found.address or "")
        named = _named_only(as_dict(change.after)) if change else None
        if named:
            graded[id(found)] = graded_medium(found, f"only the principals it names may connect ({len(named)})")
    return [graded.get(id(f), f) for f in findings]
