"""Risk rules, context grading (identity): an administrator policy given to a deploy role whose trust admits one
pinned workload identity only — every statement a federated (OIDC) trust with an audience condition and subjects
that name one repository's branch, tag or environment, no wildcard — is how a pipeline that applies
infrastructure is meant to be set up: the grant is medium, read with the trust. A trust with a wildcard subject, no
audience, a trust of accounts or services, or one the plan does not let us read leaves the grant high (the trust is
judged on its own by iam-open-trust)."""

from __future__ import annotations

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.configuration import configuration, module_of
from tfreview.pipeline.diff import UNKNOWN
from tfreview.pipeline.findings import Finding, ReviewInput, grader
from tfreview.pipeline.rules.grading import high_graded_medium
from tfreview.pipeline.rules.grants import PRIVILEGED
from tfreview.pipeline.rules.planview import plan_view
from tfreview.pipeline.rules.policy import Statement, parse

TRUST_KEY = "assume_role_policy"
# A subject pinned to one branch, tag or environment of one repository (GitHub, GitLab and the like).
PINNED = lazy_compile(r"^[^*?]*:(?:ref:refs/(?:heads|tags)/|environment:|ref_type:(?:branch|tag):ref:)[^*?]+$")


def _trust(role: Change, ri: ReviewInput) -> list[Statement]:
    """The role's trust statements, from the plan or, known only after apply, from its configuration."""
    after = role.after if isinstance(role.after, dict) else {}
    if isinstance(after.get(TRUST_KEY), str):
        return parse(after[TRUST_KEY])
    config = configuration(ri.plan)
    expression = config.expression(role.address, (TRUST_KEY,))
    values = config.candidates(expression, module_of(role.address)) if expression is not None else []
    if len(values) != 1 or values[0] is UNKNOWN:
        return []
    return parse(values[0])


def _pinned(statement: Statement) -> bool:
    """Whether one allow statement trusts only a pinned workload identity of a federated provider."""
    tests = {key.lower(): values for operator, keys in statement.conditions.items()
             if not operator.lower().startswith(("forany", "stringnot")) for key, values in keys.items()}
    subjects = [v for key, values in tests.items() if key.endswith(":sub") for v in values]
    audiences = [v for key, values in tests.items() if key.endswith(":aud") for v in values]
    return bool(statement.principals.get("Federated")) and set(statement.principals) == {"Federated"} \
        and bool(subjects) and all(PINNED.match(s) for s in subjects) \
        and bool(audiences) and not any("*" in a for a in audiences)


def pinned_deploy_roles(ri: ReviewInput) -> set[str]:
    """Names of the plan's roles whose every trust statement admits one pinned workload identity."""
    found: set[str] = set()
    for role in ri.changeset.changes:
        if role.type != "aws_iam_role" or role.action not in (Action.CREATE, Action.UPDATE, Action.NO_OP):
            continue
        statements = [s for s in _trust(role, ri) if s.allows]
        name = (role.after if isinstance(role.after, dict) else {}).get("name")
        if statements and isinstance(name, str) and all(_pinned(s) for s in statements):
            found.add(name)
    return found


def _holder(change: Change) -> str | None:
    """The role name an attachment (or a role itself) gives the grant to."""
    after = change.after if isinstance(change.after, dict) else {}
    name = after.get("role") if change.type != "aws_iam_role" else after.get("name")
    return name if isinstance(name, str) else None


@grader
def admin_for_pinned_pipeline(review_input: ReviewInput, findings: list[Finding]) -> list[Finding]:
    """An administrator grant to a role only one pinned pipeline identity can assume: medium."""
    return high_graded_medium(review_input, findings, PRIVILEGED,
                              lambda found, change: _pinned_holder(change, review_input), in_parentheses=True)


def _pinned_holder(change: Change, review_input: ReviewInput) -> str | None:
    """Why an administrator grant is medium: the role it goes to trusts one pinned pipeline identity only."""
    holder = _holder(change)
    if holder is None or holder not in plan_view(review_input).derived(
            "pinned deploy roles", lambda _: pinned_deploy_roles(review_input)):
        return None
    return "the role only trusts one pinned pipeline identity (a repository's branch or environment, with an " \
        "audience): a deploy role"
