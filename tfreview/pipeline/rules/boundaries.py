"""Risk rules helper (IAM policy stage): a managed policy created only to serve as a permissions boundary grants
nothing by itself — a boundary caps what identity policies may grant — so its `Allow *` is no admin grant. Any
other use in the plan (an attachment, a role's managed policy list, a reference that cannot be read) keeps it high."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.configuration import Configuration, config_address, configuration, module_of, references_in
from tfreview.pipeline.findings import Finding, ReviewInput, Severity
from tfreview.pipeline.rules.common import string_leaves

MANAGED_POLICY = lazy_compile(r"(?:^|_)iam_policy$")
BOUNDARY_KEY = lazy_compile(r"permissions?_boundary\w*")
# Settings that may name a policy: a reference to one that the plan cannot read could be an attachment.
POLICY_KEY = lazy_compile(r"polic(?:y|ies)|boundary")
BOUNDED_RULES = {"iam-wildcard", "iam-escalation"}


ARN_TAIL = lazy_compile(r":policy(/.*)$")


MAX_HOPS = 8


def _through_inputs(expression: Any, module: str, config: Configuration, hops: int = 0) -> Iterator[str]:
    """The references EXPRESSION in MODULE makes, by full address, a module input (`var.x`) followed to what its
    caller passes in."""
    for reference in references_in(expression):
        if reference.startswith("var.") and module and hops < MAX_HOPS:
            parent, _, call = module.rpartition(".module.") if ".module." in module else ("", "", module[7:])
            inputs = config.modules[parent].calls.get(call, {}) if parent in config.modules else {}
            name = reference.split(".")[1]
            if name in inputs:
                yield from _through_inputs(inputs[name], parent, config, hops + 1)
                continue
        yield f"{module}.{reference}".lstrip(".")


def _named(value: Any, tails: dict[str, str], targets: dict[str, str], references: list[str]) -> set[str]:
    """The candidate policies (by address) that a setting's value or configured expression names."""
    found = {tails[m.group(1)] for s in string_leaves(value) if (m := ARN_TAIL.search(s)) and m.group(1) in tails}
    for reference in references:
        head = reference
        while head and head not in targets:
            head = head.rpartition(".")[0]
        if head:
            found.add(targets[head])
    return found


def _candidates(review_input: ReviewInput, addresses: set[str]) -> dict[str, Change]:
    """Policies among ADDRESSES that this plan creates, by address."""
    return {c.address: c for c in review_input.changeset.changes if c.address in addresses
            and c.action is Action.CREATE and MANAGED_POLICY.search(c.type) and isinstance(c.after, dict)
            and isinstance(c.after.get("name"), str)}


def boundary_only(review_input: ReviewInput, addresses: set[str]) -> set[str]:
    """The policies among ADDRESSES, created by this plan, used as a permissions boundary and in no other way the
    plan shows (nothing attaches them; no unreadable policy reference could). One pass over the plan."""
    policies = _candidates(review_input, addresses)
    if not policies:
        return set()
    tails = {f"{p.after.get('path') if isinstance(p.after.get('path'), str) else '/'}{p.after['name']}": a
             for a, p in policies.items()}
    tails = {tail if tail.startswith("/") else f"/{tail}": a for tail, a in tails.items()}
    targets = {config_address(a): a for a in policies}
    config = configuration(review_input.plan)
    bounded_by: set[str] = set()
    used_otherwise: set[str] = set()
    for change in review_input.changeset.changes:
        if change.address in policies or change.action in (Action.DELETE, Action.FORGET):
            continue
        after = change.after if isinstance(change.after, dict) else {}
        unknown = change.after_unknown if isinstance(change.after_unknown, dict) else {}
        expressions = config.expressions(change.address) or {}
        for key in after.keys() | unknown.keys() | expressions.keys():
            references = list(_through_inputs(expressions.get(key), module_of(change.address), config))
            named = _named(after.get(key), tails, targets, references)
            if named:
                (bounded_by if BOUNDARY_KEY.fullmatch(key) else used_otherwise).update(named)
            elif unknown.get(key) and POLICY_KEY.search(key) and key not in expressions \
                    and not BOUNDARY_KEY.fullmatch(key):
                return set()  # a policy reference the plan cannot read could attach any of them
    return bounded_by - used_otherwise


def bounded(review_input: ReviewInput, found: list[Finding]) -> list[Finding]:
    """FOUND, with wildcard and escalation findings on a policy used only as a permissions boundary lowered."""
    flagged = {f.address for f in found if f.rule in BOUNDED_RULES and f.severity is Severity.HIGH and f.address}
    only = boundary_only(review_input, flagged) if flagged else set()
    out: list[Finding] = []
    for item in found:
        if item.rule in BOUNDED_RULES and item.severity is Severity.HIGH and item.address in only:
            item = item.model_copy(update={
                "severity": Severity.LOW,
                "message": f"{item.message} — used only as a permissions boundary in this plan, which caps "
                           "what other policies grant and grants nothing by itself"})
        out.append(item)
    return out
