"""Risk rules, destruction (reported under `resource-delete`): an object deleted while a resource the plan keeps
still names it by id or ARN — a launch template still on the AMI being deregistered, an instance still in the
security group being deleted, a function still using the key or layer version being removed. The keeper is not
changed to point elsewhere, so its next use (a scale-out, a replacement, a restart) fails, or the apply does.

Only ids and ARNs count (`ami-0a24…`, `arn:aws:kms:…`), never names: a name can be taken again by what the plan
creates. A deleted object whose id something the plan creates or updates takes over (re-made under another
address) is not this.
"""

from __future__ import annotations

from collections.abc import Iterator

import ahocorasick
import orjson

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import Finding, ReviewInput, Severity, graded_high, grader, managed
from tfreview.pipeline.rules.common import as_dict, show

ID_KEYS = ("id", "arn", "self_link")
# An identifier no one would choose as a name: a provider prefix and a long tail of hex or digits
# (`ami-070825f84b49e6e3f`, `sg-0a1b2c3d`), or an ARN or resource path.
DISTINCT_ID = lazy_compile(r"[a-z][a-z0-9]{1,15}-[0-9a-f]{8,32}|arn:[\w-]+:[\w-]+:[\w-]*:\d*:\S{3,}"
                           r"|(?:https://\S+/)?projects/\S+/\S+/\S+|/subscriptions/[0-9a-f-]{36}/\S+")
MAX_IDS = 5000
DELETE = "resource-delete"


@grader
def still_used(review_input: ReviewInput, findings: list[Finding]) -> list[Finding]:
    """A delete below high whose object a kept resource still names by id: high, with the keeper named."""
    if not any(f.rule == DELETE and f.severity is not Severity.HIGH for f in findings):
        return findings
    users = _users(review_input)
    graded = []
    for found in findings:
        if found.rule == DELETE and found.severity is not Severity.HIGH and (use := users.get(found.address or "")):
            found = graded_high(found, f"{use[0]}, which this plan keeps, still names it ({show(use[1])}): its next "
                                "use fails (a launch, a scale-out, a restart), or the apply does")
        graded.append(found)
    return graded


def _users(review_input: ReviewInput) -> dict[str, tuple[str, str]]:
    """Each deleted address a kept resource names by id or ARN, with that keeper's address and the id."""
    deleted = {ident: change.address for change in managed(review_input.changeset, Action.DELETE)
               for ident in _ids(change)}
    taken = {ident for change in managed(review_input.changeset, Action.CREATE, Action.UPDATE, Action.REPLACE)
             for ident in _ids(change, "after")}
    automaton = ahocorasick.Automaton()
    for ident in [i for i in deleted if i not in taken][:MAX_IDS]:
        automaton.add_word(f'"{ident}"', ident)
    if not len(automaton):
        return {}
    automaton.make_automaton()
    users: dict[str, tuple[str, str]] = {}
    for keeper in managed(review_input.changeset, Action.NO_OP, Action.UPDATE):
        text = _text(keeper)
        for _, ident in automaton.iter(text) if text else ():
            if deleted[ident] != keeper.address:
                users.setdefault(deleted[ident], (keeper.address, ident))
    return users


def _ids(change: Change, side: str = "before") -> Iterator[str]:
    values = as_dict(change.before if side == "before" else change.after)
    for key in ID_KEYS:
        value = values.get(key)
        if isinstance(value, str) and DISTINCT_ID.fullmatch(value):
            yield value


def _text(change: Change) -> str | None:
    try:
        return orjson.dumps(change.after).decode()
    except (orjson.JSONEncodeError, UnicodeDecodeError):
        return None
