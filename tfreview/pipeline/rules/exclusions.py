"""Risk rules, identity (reported under `auth-weakened`): an access policy of any provider (Entra conditional access,
a sign-on or MFA policy) that newly excludes users, groups or roles: whoever is excluded signs in without what the
policy asks for. Who it is decides, and the plan says who by the object it shows under each excluded id (a group
or a user, in a change or the prior state):
- emergency-access (break-glass) accounts, which every such policy is meant to leave out: not a finding;
- anyone else the plan names: high, with the name;
- an id the plan shows no object for: medium (what it excludes cannot be read here).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import Finding, ReviewInput, Severity, finding, graded_high, grader, on_change
from tfreview.pipeline.rules.common import as_list, sides, state_resources
from tfreview.pipeline.rules.planview import PlanView, plan_view
from tfreview.pipeline.rules.vocabulary.terms import AUTH

POLICY_TYPES = lazy_compile(r"conditional_access|(?:^|_)polic(?:y|ies)(?:_|$)|sign_?on|(?:^|_)mfa(?:_|$)")
EXCLUDED_KEY = lazy_compile(r"^excluded_(?:users|groups|roles|principals|members|accounts|identities)$")
EMERGENCY = lazy_compile(r"break[\s_-]?glass|emergency|(?:^|[\s_-])bg[\s_-]?\d", re.IGNORECASE)
NAME_KEYS = ("display_name", "name", "user_principal_name", "mail_nickname")
EXCLUDES = "now excludes"


def new_exclusions(change: Change) -> list[str]:
    """The ids a policy's `excluded_*` lists hold after the change and did not before."""
    before, after = sides(change)
    held = set(_excluded(before))
    return [i for i in dict.fromkeys(_excluded(after)) if i not in held and i.lower() not in ("none", "null")]


def _excluded(value: Any, depth: int = 0) -> Iterator[str]:
    if depth > 6:
        return
    if isinstance(value, dict):
        for key, item in value.items():
            if EXCLUDED_KEY.match(str(key)):
                yield from (i for i in as_list(item) if isinstance(i, str) and i.strip())
            elif isinstance(item, (dict, list)):
                yield from _excluded(item, depth + 1)
    elif isinstance(value, list):
        for item in value:
            yield from _excluded(item, depth + 1)


@on_change(actions=(Action.UPDATE,), type_pattern=POLICY_TYPES, words=(b"excluded_",))
def _exclusion_added(change: Change) -> Iterator[Finding]:
    added = new_exclusions(change)
    if added:
        yield finding(AUTH, change.address, f"{change.address}: the policy {EXCLUDES} {', '.join(map(repr, added))}: "
                      "they sign in without what it asks for", Severity.MEDIUM)


@grader
def named_exclusions(review_input: ReviewInput, findings: list[Finding]) -> list[Finding]:
    """Each exclusion finding judged by whom the plan shows it excludes."""
    if not any(f.rule == AUTH and EXCLUDES in f.message for f in findings):
        return findings
    view = plan_view(review_input)
    changes = {c.address: c for c in view.of(Action.UPDATE)}
    names = view.derived("object names by id", lambda v: _names_by_id(v, review_input.plan.prior_state))
    graded: list[Finding] = []
    for found in findings:
        change = changes.get(found.address or "") if found.rule == AUTH and EXCLUDES in found.message else None
        added = new_exclusions(change) if change is not None else []
        named = [names[i] for i in added if i in names]
        if added and len(named) == len(added) and all(EMERGENCY.search(n) for n in named):
            continue  # only the emergency-access accounts every such policy leaves out, by design
        others = [n for n in named if not EMERGENCY.search(n)]
        graded.append(graded_high(found, f"{', '.join(map(repr, others))}, named in this plan") if others else found)
    return graded


def _names_by_id(view: PlanView, prior_state: Any) -> dict[str, str]:
    """The name of every object the plan shows (its changes and prior state), by its `id` and `object_id`."""
    names: dict[str, str] = {}
    objects = [(r.get("values"), str(r.get("name", ""))) for r in state_resources(prior_state)]
    objects += [(side, c.name) for c in view.changes for side in (c.before, c.after)]
    for values, fallback in objects:
        if not isinstance(values, dict):
            continue
        name = next((values[k] for k in NAME_KEYS if isinstance(values.get(k), str) and values[k]), fallback)
        for key in ("id", "object_id"):
            if isinstance(values.get(key), str) and values[key]:
                names[values[key]] = names[values[key].rsplit("/", 1)[-1]] = name  # `/users/<id>` too
    return names
