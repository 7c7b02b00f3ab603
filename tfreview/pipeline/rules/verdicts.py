"""Every verdict a policy document gets, judged in its plan (risk rules stage; feeds `iam-wildcard`,
`iam-escalation`, `iam-public-member` and `iam-open-trust` through iam.py and unknowns.py).

What judging needs from the whole plan (its own accounts, the roles it makes admin, its configuration) is
computed once, when something asks; where a document sits decides how it is read: a trust policy for who may
assume, a bucket or key policy for who gets in, a filter (SCP, endpoint policy) not at all.
"""

from __future__ import annotations

from functools import cached_property

import tfreview.pipeline.rules.deputies as deputies
import tfreview.pipeline.rules.judge as judge
import tfreview.pipeline.rules.principals as principals
from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.configuration import Configuration, configuration
from tfreview.pipeline.findings import ReviewInput
from tfreview.pipeline.rules.documents import (
    admin_roles,
    own_accounts,
    provider_accounts,
    state_accounts,
)
from tfreview.pipeline.rules.policy import Statement

# S3 bucket policies for Principal "*" with no Condition at all are public-bucket's to report.
BUCKET_POLICIES = ("aws_s3_bucket_policy", "aws_s3_bucket")
# Documents that filter rather than grant: a service control policy or endpoint policy of Allow "*" is the
# default guardrail, not a grant to anyone.
FILTERS = ("aws_organizations_policy", "aws_vpc_endpoint", "aws_vpc_endpoint_policy")
# Keys and secrets, whose resource policy decides who can read what they protect.
KEY_TYPES = lazy_compile(r"(?:^|_)(?:kms|key|keys|secret|secrets|secretsmanager|crypto)(?:_|$)")
Document = tuple[str, list[Statement]]


class Context:
    """What judging one change needs from the whole plan, each part computed only once something needs it."""

    def __init__(self, review_input: ReviewInput, documents: list[tuple[str, list[Statement]]]) -> None:
        self.review_input = review_input
        self.documents = documents

    @cached_property
    def own(self) -> frozenset[str]:
        """The AWS accounts this plan's own resources live in."""
        plan = self.review_input.plan
        return own_accounts(plan.resource_changes) | _policy_accounts(self.documents) | provider_accounts(
            plan.configuration, plan.variables) | state_accounts(plan.prior_state)

    @cached_property
    def privileged_roles(self) -> frozenset[str]:
        """Role names this plan attaches an administrator managed policy to."""
        return admin_roles(self.review_input.plan.resource_changes)

    @cached_property
    def config(self) -> Configuration:
        """The plan's configuration, indexed."""
        return configuration(self.review_input.plan)


def _policy_accounts(documents: list[Document]) -> frozenset[str]:
    """Accounts that resource policies name as their own resource, and identity providers' accounts (never the
    principals, nor an identity policy's resources, which may be another account's)."""
    arns = [arn for _, statements in documents for s in statements if s.has_principal
            for arn in (*s.resources, *s.principals.get("Federated", ()))]
    return frozenset(m.group(1) for arn in arns if (m := principals.RESOURCE_ACCOUNT.match(arn)))


def verdicts(resource_type: str, where: str, statements: list[Statement], context: Context, unseen: bool = False,
             ) -> list[judge.Verdict]:
    """The verdicts a document at WHERE of a RESOURCE_TYPE gets; UNSEEN: known only after apply, so a bucket
    policy's bare Principal "*" is judged here too (public-bucket never sees it)."""
    if resource_type in FILTERS:
        return []
    trust = where.lower().endswith(("assume_role_policy", "assumerolepolicydocument"))
    bucket = resource_type in BUCKET_POLICIES and not unseen
    return [*judge.identity(statements, context.privileged_roles),
            *principals.principals(statements, context, trust, public_guarded=bucket,
                                   key=bool(KEY_TYPES.search(resource_type))),
            *([] if trust else deputies.services(statements))]
