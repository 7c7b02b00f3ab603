"""Risk rules, identity: who is in a group widens while the group holds power — members added on the group itself
(`user_ids`, `application_ids`), or a membership rule that turns from all-of to any-of (OCI `ALL {…}` → `ANY {…}`,
`&&` → `||`, `and` → `or`). What the group holds is read from the grants the plan shows for it, changed or not (a
policy naming its id, a statement naming it): membership in a privileged group is a grant. `iam` reports it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.configuration import Configuration, config_address
from tfreview.pipeline.findings import Finding, Severity, finding
from tfreview.pipeline.rules.common import sides, string_leaves
from tfreview.pipeline.rules.everyone import CONDITION_KEY
from tfreview.pipeline.rules.grants import PRIVILEGED
from tfreview.pipeline.rules.memberships import ADMIN_NAME
from tfreview.pipeline.rules.statements import STATEMENT, judge, sentences
from tfreview.pipeline.rules.tenants import LEVEL_KEY, WHOLE_TENANT, admin_value, settings, targets_of

# A resource that is a group or team itself (not a membership of one), in any provider.
GROUP_TYPE = lazy_compile(r"(?:^|_)(?:groups?|teams?)$")
# Its settings listing members, by id, name or address.
MEMBER_KEY = lazy_compile(r"(?:^|_)(?:users?|usernames?|members?|applications?|apps?|principals?|service_accounts?)"
                          r"(?:_(?:ids?|names?|emails?))?$")
# Rule languages' combinators: OCI's `ALL {a, b}` / `ANY {a, b}`, and infix `&&`/`||`, `and`/`or`, `-and`/`-or`.
ALL_OF = lazy_compile(r"^\s*all\s*\{|&&|\s-?and\s", re.IGNORECASE)
ANY_OF = lazy_compile(r"^\s*any\s*\{|\|\||\s-?or\s", re.IGNORECASE)
WRITE_VERBS = ("manage", "use")
NAME_KEYS = ("name", "display_name", "group_name", "team_name")


def widened(change: Change, config: Configuration) -> Iterator[Finding]:
    """Members added to a group, or its membership rule loosened from all-of to any-of, while the plan shows a grant
    giving that group admin (members added) or admin or write rights (rule loosened)."""
    if not GROUP_TYPE.search(change.type) or change.action is not Action.UPDATE:
        return
    before, after = sides(change)
    added = sorted({v for key, value in after.items() if MEMBER_KEY.search(key.lower())
                    for v in string_leaves(value)} - set(string_leaves(before)))
    loosened = [key for key, value, old in _rules(before, after) if _any_of_now(old, value)]
    if not added and not loosened:
        return
    power, confined, where = _held(change, after, config)
    if loosened and power:
        yield finding(PRIVILEGED, change.address, f"{change.address}: {loosened[0]} turns from all-of to any-of, so "
                      f"anything matching one condition joins a group that {power} ({where})")
    elif loosened:
        yield finding(PRIVILEGED, change.address, f"{change.address}: {loosened[0]} turns from all-of to any-of: "
                      "anything matching one condition joins the group", Severity.MEDIUM)
    if added and power.startswith("holds admin"):
        yield finding(PRIVILEGED, change.address, f"{change.address}: adds {added[0]} to a group that {power} "
                      f"({where}): membership is the grant", Severity.MEDIUM if confined else Severity.HIGH)


def _rules(before: dict[str, Any], after: dict[str, Any]) -> Iterator[tuple[str, str, Any]]:
    """(key, rule, the rule before) for each membership rule of AFTER, at the top or in a block directly inside it
    (Entra ID's `dynamic_membership { rule = ... }`)."""
    for key, value in after.items():
        if CONDITION_KEY.search(key.lower()) and isinstance(value, str):
            yield key, value, before.get(key)
        old = before.get(key)
        if isinstance(value, list) and isinstance(old, list) and len(value) == len(old) == 1 \
                and isinstance(value[0], dict) and isinstance(old[0], dict):
            for name, rule in value[0].items():
                if CONDITION_KEY.search(name.lower()) and isinstance(rule, str):
                    yield f"{key}.{name}", rule, old[0].get(name)


def _any_of_now(before: Any, after: str) -> bool:
    """Whether a rule that joined its conditions all-of now joins them any-of."""
    return isinstance(before, str) and bool(ALL_OF.search(before)) and not ANY_OF.search(before) \
        and bool(ANY_OF.search(after)) and not ALL_OF.search(after)


def _held(change: Change, group: dict[str, Any], config: Configuration) -> tuple[str, bool, str]:
    """What the plan shows the group holding: ("holds admin …" or "holds write …" or "", confined, where)."""
    ids = {v for k in ("id", "object_id") if isinstance(v := group.get(k), str) and v}
    names = {v.lower() for k in NAME_KEYS if isinstance(v := group.get(k), str) and v}
    if any(ADMIN_NAME.search(n) for n in names):
        return f'holds admin by its name "{sorted(names)[0]}"', False, "its own name"
    write = ("", False, "")
    own = config_address(change.address)
    for other, (values, _unknown) in config.planned.items():
        if other == own or not isinstance(values, dict):
            continue
        for statement in sentences(values):
            match = STATEMENT.match(statement)
            who = match["who"].lower().split() if match else []
            if match is None or not names & set(who) or match["verb"].lower() not in WRITE_VERBS:
                continue
            if judge(statement) is not None:
                return f'holds admin: "{statement}"', False, other
            write = write if write[0] else (f'holds write: "{statement}"', False, other)
        if ids & set(string_leaves(values)):
            for key, value, _previous, holder in settings({}, values):
                admin = [v for v in string_leaves(value) if LEVEL_KEY.search(key.lower()) and admin_value(v)]
                if admin:
                    wide = any(WHOLE_TENANT.search(v) for v in admin)
                    return f'holds admin: {key} "{admin[0]}"', not wide and bool(targets_of(holder)), other
    return write
