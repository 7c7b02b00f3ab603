"""Risk rules, identity: what one principal may do is the union of every identity policy the plan gives it (the
inline policies of one role, user or group, whatever their provider calls the holder): an escalation split across
two documents of the same holder (iam:PassRole in one, lambda:CreateFunction in another) is one escalation. Halves
held by different principals are not joined."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import Finding, finding
from tfreview.pipeline.rules.judge import ESCALATES, identity
from tfreview.pipeline.rules.policy import Statement
from tfreview.pipeline.rules.verdicts import Context, Document

# The attribute that names who holds an inline policy (aws_iam_role_policy.role, a user policy's user_name, …).
HOLDER_KEYS = ("role", "role_name", "user", "user_name", "group", "group_name", "principal", "principal_name")
Side = dict[tuple[str, str], list[tuple[str, list[Statement]]]]


def split_escalations(changes: list[Change], documents: dict[int, tuple[list[Document], list[Document]]],
                      context: Context) -> Iterator[Finding]:
    """Escalations a principal holds only through two or more of its policies together, that it did not hold before."""
    before, after = _by_holder(changes, documents)
    changed = frozenset(c.address for c in changes if c.action in (Action.CREATE, Action.UPDATE, Action.REPLACE))
    for holder, held in after.items():
        if len(held) < 2 or all(address not in changed for address, _ in held):
            continue
        alone = {v.text for _, statements in held for v in identity(statements, context.privileged_roles)}
        was = {v.text for v in identity(_union(before.get(holder, [])), context.privileged_roles)}
        for verdict in identity(_union(held), context.privileged_roles):
            if verdict.rule == ESCALATES and verdict.text not in alone | was:
                addresses = sorted({address for address, _ in held}, key=lambda a: (a not in changed, a))
                yield finding(ESCALATES, addresses[0], f"{', '.join(addresses[:3])} (together, all held by "
                              f'{holder[0]} "{holder[1]}") {verdict.text}', verdict.severity)


def _by_holder(changes: Iterable[Change], documents: dict[int, tuple[list[Document], list[Document]]],
               ) -> tuple[Side, Side]:
    before: Side = {}
    after: Side = {}
    for change in changes:
        pair = documents.get(id(change))
        if pair is None:
            continue
        for side, values, docs in ((before, change.before, pair[0]), (after, change.after, pair[1])):
            holder = _holder(values) if change.action is not Action.DELETE or side is before else None
            if holder is not None and docs:
                side.setdefault(holder, []).append((change.address, [s for _, st in docs for s in st]))
    return before, after


def _holder(values: Any) -> tuple[str, str] | None:
    """(key, name) of the principal an inline policy belongs to; None for a policy that names none."""
    if not isinstance(values, dict):
        return None
    return next(((key, values[key]) for key in HOLDER_KEYS if isinstance(values.get(key), str) and values[key]), None)


def _union(held: list[tuple[str, list[Statement]]]) -> list[Statement]:
    return [statement for _, statements in held for statement in statements]

