"""What a plan shows as its own: accounts, projects, registrable domains and organisation words (risk rules
stage; feeds `egress-outside` through egress.py, and clients.py).

Read from every value of the plan except the destinations new in it, plus the accounts ownership.py vouches for;
a destination that carries a topic, queue or stream of the plan's own delivers the plan's data.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Change
from tfreview.pipeline.findings import ReviewInput
from tfreview.pipeline.rules.domains import registrable
from tfreview.pipeline.rules.ownership import vouched
from tfreview.pipeline.rules.peering import OWN_KEYS, SCOPES
from tfreview.pipeline.rules.policytext import ACCOUNT
from tfreview.pipeline.rules.receivers import WORD, forwarder, is_destination, leaves, under_receiver

CARRIED = lazy_compile(r"topic|queue|stream|log_group|bucket|table|subscription")
HOSTS_IN_TEXT = lazy_compile(r"(?:://|@)((?:[a-z0-9-]+\.)+[a-z][a-z0-9-]*)", re.IGNORECASE)


@dataclass
class Own:
    """What the plan shows as its own: scopes (accounts, projects), registrable domains and organisation words."""

    scopes: set[str] = field(default_factory=set)
    domains: set[str] = field(default_factory=set)
    words: set[str] = field(default_factory=set)

    def add(self, key: str, text: str) -> None:
        """Take one value the plan already holds as evidence of what is its own."""
        self.scopes |= {next(g for g in m.groups() if g) for m in SCOPES.finditer(text)}
        if key in OWN_KEYS or ACCOUNT.match(text):
            self.scopes.add(text)
        self.domains |= {registrable(h) for h in HOSTS_IN_TEXT.findall(text)}
        self.words |= {w for w in WORD.findall(text.lower()) if len(w) >= 3}


def evidence(ri: ReviewInput, changes: list[Change]) -> Own:
    """What the plan shows as its own, from every value except destinations new in this plan."""
    own, judged = Own(), {id(c) for c in changes}
    for change in ri.changeset.changes:
        before = set()
        for path, text in leaves(change.before):
            own.add(path[-1] if path else "", text)
            before.add(text)
        for path, text in leaves(change.after):
            if text in before or not (id(change) in judged and (is_destination(path, forwarder(change))
                                                                or under_receiver(path))):
                own.add(path[-1] if path else "", text)
    own.scopes |= vouched(ri)
    return own


# What a forwarder drains on our side (a shovel's `source_queue`, a bridge's `source_topic`): named by the object
# itself, it is a queue or topic of ours whose messages the object takes and delivers.
DRAINED = lazy_compile(r"source_(?:queue|topic|stream|subscription|exchange|table|bucket)s?(?:_names?)?")


def carries_own(after: Any, own: Own) -> bool:
    """Whether another attribute names a topic, queue, stream or log of the plan's own that the change delivers,
    or a source of ours that it drains."""
    if any(path and DRAINED.fullmatch(path[-1].lower()) and text.strip() for path, text in leaves(after)):
        return True
    for path, text in leaves(after):
        if path and CARRIED.search(path[-1].lower()) and SCOPES.search(text):
            return bool({next(g for g in m.groups() if g) for m in SCOPES.finditer(text)} & own.scopes)
    return False
