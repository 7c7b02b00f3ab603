"""Risk rules, landing-zone guardrails (feeds `guardrail-relaxed`): a production account, project or subscription
moved under a sandbox or development parent.

Guardrails are inherited from where an account sits: an AWS account's organizational unit carries its SCPs, a GCP
project's folder its organization policies and IAM, an Azure subscription's management group its policy
assignments. Moving a production one (its own name, labels or tags say prod) under a parent whose name says
sandbox, development or test leaves every guardrail of the production parent behind, in one attribute. The new
parent is read from its id where the id holds a name (an Azure management group), and from the resource the
configuration references for it (`aws_organizations_organizational_unit.sandbox.id`, `google_folder.sandbox.name`).
A move between production parents, of a non-production account, or to a parent whose name says nothing finds
nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action
from tfreview.pipeline.configuration import configuration
from tfreview.pipeline.findings import Finding, ReviewInput, finding, managed
from tfreview.pipeline.rules.common import show
from tfreview.pipeline.rules.environments import PRODUCTION_TOKENS, TOKEN, label_tokens
from tfreview.pipeline.rules.guardrails import GUARDRAIL

PARENT_KEYS = lazy_compile(r"^(?:parent_id|parent|folder_id|folder|management_group_id|management_group_name"
                           r"|organizational_unit_id|ou_id|org_unit_id|target_id)$")
# Types that sit under a parent whose guardrails they inherit.
GOVERNED = lazy_compile(r"(?:^|_)(?:account|project|subscription|management_group_subscription_association"
                        r"|folder|organizational_unit|management_group)(?:_v\d+)?$")
WEAK_PARENTS = frozenset({"sandbox", "sandboxes", "playground", "dev", "development", "test", "testing", "lab",
                          "labs", "experiment", "experiments", "experimental", "scratch", "nonprod",
                          "staging", "poc"})  # not `suspended`: that OU denies everything
NAME_KEYS = ("name", "display_name", "email", "account_name", "project_id")


def _words(text: Any) -> set[str]:
    return set(TOKEN.findall(str(text).lower())) if isinstance(text, str) else set()


def _own_words(values: dict[str, Any]) -> set[str]:
    found = set().union(*(_words(values.get(key)) for key in NAME_KEYS))
    return found | label_tokens(values)


def _parent_words(value: Any, expression: Any) -> set[str]:
    """Words of the new parent's name: the last segment of its id, and the resources its expression references."""
    found = _words(str(value).rsplit("/", 1)[-1]) if isinstance(value, str) else set()
    references = expression.get("references") if isinstance(expression, dict) else None
    for reference in references if isinstance(references, list) else []:
        if isinstance(reference, str):
            found |= _words(reference.split(".", 1)[-1].split(".", 1)[0])  # the referenced resource's own name
    return found


def moved_under_weaker_parent(ri: ReviewInput) -> Iterator[Finding]:
    config = configuration(ri.plan)
    for change in managed(ri.changeset, Action.UPDATE, Action.REPLACE):
        before, after = change.before, change.after
        if not GOVERNED.search(change.type) or not isinstance(before, dict) or not isinstance(after, dict):
            continue
        if not (_own_words(before) | _own_words(after) | _words(change.name)) & PRODUCTION_TOKENS:
            continue
        for key, value in after.items():
            if not PARENT_KEYS.match(key) or before.get(key) in (None, "", value):
                continue
            weak = sorted(_parent_words(value, config.expression(change.address, (key,))) & WEAK_PARENTS)
            was = _parent_words(before.get(key), None) & WEAK_PARENTS
            if weak and not was:
                yield finding(GUARDRAIL, change.address, f"{change.address}: a production one moves from "
                              f"{show(before.get(key))} to a {weak[0]} parent ({key} {show(value)}): it leaves the "
                              "guardrails (policies, constraints, IAM) it inherited behind")
                break
