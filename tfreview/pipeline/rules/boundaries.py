"""Risk rules helper (IAM policy stage): a managed policy created only to serve as a permissions boundary grants
nothing by itself — a boundary caps what identity policies may grant — so its `Allow *` is no admin grant. Any
other use in the plan (an attachment, a role's managed policy list, a reference that cannot be read) keeps it high."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.configuration import Configuration, config_address
from tfreview.pipeline.findings import Finding, ReviewInput, Severity

MANAGED_POLICY = re.compile(r"(?:^|_)iam_policy$")
BOUNDARY_KEY = re.compile(r"permissions?_boundary\w*")
# Settings that may name a policy: a reference to one that the plan cannot read could be an attachment.
POLICY_KEY = re.compile(r"polic(?:y|ies)|boundary")
BOUNDED_RULES = {"iam-wildcard", "iam-escalation"}


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _references(expression: Any) -> Iterator[str]:
    if isinstance(expression, dict):
        for key, item in expression.items():
            if key == "references" and isinstance(item, list):
                yield from (r for r in item if isinstance(r, str))
            else:
                yield from _references(item)
    elif isinstance(expression, list):
        for item in expression:
            yield from _references(item)


def _uses(change: Change, arn_tail: str, target: str, config: Configuration) -> Iterator[tuple[str, bool]]:
    """(key, read) for each top-level setting of CHANGE that names the policy, or (for read False) might."""
    after = change.after if isinstance(change.after, dict) else {}
    unknown = change.after_unknown if isinstance(change.after_unknown, dict) else {}
    expressions = config.expressions(change.address) or {}
    for key in after.keys() | unknown.keys() | expressions.keys():
        referenced = any(r == target or r.startswith(target + ".") for r in _references(expressions.get(key)))
        if referenced or any(s.endswith(arn_tail) for s in _strings(after.get(key))):
            yield key, True
        elif unknown.get(key) and POLICY_KEY.search(key) and key not in expressions:
            yield key, False


def boundary_only(review_input: ReviewInput, policy: Change) -> bool:
    """Whether POLICY, created by this plan, is used as a permissions boundary and in no other way the plan
    shows (nothing attaches it; no unreadable policy reference could)."""
    after = policy.after if isinstance(policy.after, dict) else {}
    name = after.get("name")
    if policy.action is not Action.CREATE or not MANAGED_POLICY.search(policy.type) or not isinstance(name, str):
        return False
    path = after.get("path") if isinstance(after.get("path"), str) else "/"
    arn_tail, target = f":policy{path}{name}", config_address(policy.address)
    config, bounded = Configuration(review_input.plan), False
    for change in review_input.changeset.changes:
        if change.address == policy.address or change.action in (Action.DELETE, Action.FORGET):
            continue
        for key, read in _uses(change, arn_tail, target, config):
            if not read or not BOUNDARY_KEY.fullmatch(key):
                return False
            bounded = True
    return bounded


def bounded(review_input: ReviewInput, found: list[Finding]) -> list[Finding]:
    """FOUND, with wildcard and escalation findings on a policy used only as a permissions boundary lowered."""
    policies = {c.address: c for c in review_input.changeset.changes if MANAGED_POLICY.search(c.type)}
    verdicts: dict[str, bool] = {}
    out: list[Finding] = []
    for item in found:
        change = policies.get(item.address or "")
        if item.rule in BOUNDED_RULES and item.severity is Severity.HIGH and change is not None:
            if change.address not in verdicts:
                verdicts[change.address] = boundary_only(review_input, change)
            if verdicts[change.address]:
                item = item.model_copy(update={
                    "severity": Severity.LOW,
                    "message": f"{item.message} — used only as a permissions boundary in this plan, which caps "
                               "what other policies grant and grants nothing by itself"})
        out.append(item)
    return out
