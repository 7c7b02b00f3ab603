"""Risk rules, context grading (identity): a sign-in requirement dropped in the same plan that puts another in its
place on the same API — `subscription_required` turned off while the API's own policy gains `validate-jwt` (or a
managed-identity token check): callers move from shared keys to tokens, and every request is still checked. The
policy is found by the API's name (`api_name`, within the same service); a policy that names no token check, or one
on another API, leaves the finding high.
"""

from __future__ import annotations

from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Change
from tfreview.pipeline.findings import Finding, ReviewInput, grader
from tfreview.pipeline.rules.common import as_dict
from tfreview.pipeline.rules.grading import high_graded_medium
from tfreview.pipeline.rules.planview import plan_view
from tfreview.pipeline.rules.vocabulary.terms import AUTH

# A step of an API policy that refuses a request without a valid token.
TOKEN_CHECK = lazy_compile(r"<\s*(?:validate-jwt|validate-azure-ad-token|validate-client-certificate)\b")
POLICY_TEXT_KEYS = ("xml_content", "policy", "content", "body")


@grader
def replaced_sign_in(review_input: ReviewInput, findings: list[Finding]) -> list[Finding]:
    """auth-weakened on an API whose policy in this plan newly requires a token: medium, with the policy named."""
    return high_graded_medium(review_input, findings, AUTH, lambda found, api: _token_checked(api, review_input))


def _token_checked(api: Change, review_input: ReviewInput) -> str | None:
    """Why sign-in dropped on API is medium: a policy change of this plan newly checks a token on it."""
    policy = _token_policy(as_dict(api.after), plan_view(review_input).changes)
    return f"{policy} now checks a token on every request instead" if policy else None


def _token_policy(api: dict[str, Any], changes: list[Any]) -> str | None:
    """The address of a policy change of this API (by name, in the same service) whose text newly holds a token
    check."""
    name, service = api.get("name"), api.get("api_management_name")
    if not isinstance(name, str) or not name:
        return None
    for change in changes:
        after, before = as_dict(change.after), as_dict(change.before)
        if after.get("api_name") != name or after.get("api_management_name", service) != service:
            continue
        new = any(TOKEN_CHECK.search(str(after.get(k) or "")) for k in POLICY_TEXT_KEYS)
        old = any(TOKEN_CHECK.search(str(before.get(k) or "")) for k in POLICY_TEXT_KEYS)
        if new and not old:
            return str(change.address)
    return None
