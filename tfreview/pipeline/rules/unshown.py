"""Policies known only after apply whose source the configuration does not show (risk rules stage; read by
unknowns.py): the policy documents this same apply reads are what such a policy is built from. The document named
like the resource (`data.aws_iam_policy_document.batch` beside `aws_iam_policy.batch`), else the module's only
document of the same kind (statements with principals for a trust policy, without for an identity policy), is
judged as the policy; more than one candidate stays unresolved.
"""

from __future__ import annotations

from typing import Any

from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.configuration import POLICY_DOCUMENT, config_address, module_of
from tfreview.pipeline.rules.common import as_dict, as_list
from tfreview.pipeline.rules.verdicts import Context

TRUST_SLOTS = ("assume_role_policy", "trust_policy")


def read_documents(change: Change, path: tuple[str | int, ...], context: Context) -> list[tuple[str, Any]]:
    """(address, policy) of the documents this apply reads that the unknown policy at PATH of CHANGE is taken from."""
    module = module_of(change.address)
    reads = [c for c in context.review_input.changeset.changes if c.mode == "data" and c.action is Action.READ
             and c.type == POLICY_DOCUMENT and module_of(c.address) == module]
    if not reads:
        return []
    named = [c for c in reads if c.name == change.name]
    trust = bool(path) and str(path[-1]) in TRUST_SLOTS
    policies = [(c.address, context.config.policy_document(config_address(c.address))) for c in named or reads]
    if not named:
        policies = [(a, p) for a, p in policies if _has_principals(p) is trust]
    return policies if len(policies) == 1 else []


def _has_principals(policy: Any) -> bool:
    return any(isinstance(s, dict) and ("Principal" in s or "NotPrincipal" in s)
               for s in as_list(as_dict(policy).get("Statement")))
