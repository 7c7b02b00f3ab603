"""What a plan shows as its own: accounts, projects, registrable domains and organisation words (risk rules
stage; feeds `egress-outside` through egress.py, and clients.py).

Read from every value of the plan except the destinations new in it and the values an update newly writes into an
existing object (a grant following a moved destination names the new account; it proves nothing), plus the
accounts ownership.py vouches for and the organisations the providers sign in to;
a destination that carries a topic, queue or stream of the plan's own delivers the plan's data.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import ReviewInput
from tfreview.pipeline.rules.documents import provider_organisations
from tfreview.pipeline.rules.domains import registrable
from tfreview.pipeline.rules.ownership import vouched
from tfreview.pipeline.rules.peering import OWN_KEYS, SCOPES
from tfreview.pipeline.rules.policytext import ACCOUNT
from tfreview.pipeline.rules.receivers import WORD, forwarder, is_destination, leaves, under_receiver

CARRIED = lazy_compile(r"topic|queue|stream|log_group|bucket|table|subscription")
# A bucket named in a value: a storage URL's host (`s3://logs/x`, `gs://logs`) or an S3 ARN (`arn:aws:s3:::logs/*`).
# (a Cloud Logging sink names its bucket `storage.googleapis.com/<bucket>`, no scheme)
BUCKET_IN_TEXT = lazy_compile(r"^(?:(?:s3a?|gs|gcs|r2|b2|oss|cos)://|arn:aws[\w-]*:s3:::|(?:https://)?storage\.googleapis"
                              r"\.com/)([a-z0-9][a-z0-9._-]*)",
                              re.IGNORECASE)
HOSTS_IN_TEXT = lazy_compile(r"(?:://|@)((?:[a-z0-9-]+\.)+[a-z][a-z0-9-]*)", re.IGNORECASE)


@dataclass
class Own:
    """What the plan shows as its own: scopes (accounts, projects), registrable domains, organisation words and
    the names (buckets among them) its values hold."""

    scopes: set[str] = field(default_factory=set)
    domains: set[str] = field(default_factory=set)
    words: set[str] = field(default_factory=set)
    names: set[str] = field(default_factory=set)
    bucket_words: set[str] = field(default_factory=set)

    def add(self, key: str, text: str) -> None:
        """Take one value the plan already holds as evidence of what is its own."""
        self.scopes |= {next(g for g in m.groups() if g) for m in SCOPES.finditer(text)}
        if key in OWN_KEYS or ACCOUNT.match(text):
            self.scopes.add(text)
        self.domains |= {registrable(h) for h in HOSTS_IN_TEXT.findall(text)}
        self.words |= {w for w in WORD.findall(text.lower()) if len(w) >= 3}
        bucket = bucket_named(text) or (text.strip().lower() if "bucket" in key.lower() else None)
        self.names.add(bucket or text.strip().lower())
        if bucket and WORD.search(bucket):
            self.bucket_words.add(WORD.findall(bucket)[0])


def bucket_named(text: str) -> str | None:
    """The bucket a storage URL or an S3 ARN names, lower-case; None for any other value."""
    match = BUCKET_IN_TEXT.match(text.strip())
    return match.group(1).lower() if match else None


def evidence(ri: ReviewInput, changes: list[Change]) -> Own:
    """What the plan shows as its own, from every value except destinations new in this plan."""
    own, judged = Own(), {id(c) for c in changes}
    for change in ri.changeset.changes:
        before = set()
        for path, text in leaves(change.before):
            own.add(path[-1] if path else "", text)
            before.add(text)
        for path, text in leaves(change.after):
            if text in before or not (_introduced(change) or (
                    id(change) in judged and (is_destination(path, forwarder(change)) or under_receiver(path)))):
                own.add(path[-1] if path else "", text)
    own.scopes |= vouched(ri)
    own.words |= {o.lower() for o in provider_organisations(ri.plan.configuration, ri.plan.variables)}
    return own


# What a forwarder drains on our side (a shovel's `source_queue`, a bridge's `source_topic`): named by the object
# itself, it is a queue or topic of ours whose messages the object takes and delivers.
DRAINED = lazy_compile(r"source_(?:queue|topic|stream|subscription|exchange|table|bucket)s?(?:_names?)?")


def _introduced(change: Change) -> bool:
    """Whether CHANGE's new values are what this plan introduces into an existing object (an update): a grant
    widened to the new receiver's account, a name given to the new receiver. They vouch for nothing; what the
    object held before, and what the plan creates or keeps, do."""
    return change.action is Action.UPDATE


def carries_own(after: Any, own: Own) -> bool:
    """Whether another attribute names a topic, queue, stream or log of the plan's own that the change delivers,
    or a source of ours that it drains."""
    if any(path and DRAINED.fullmatch(path[-1].lower()) and text.strip() for path, text in leaves(after)):
        return True
    for path, text in leaves(after):
        if path and CARRIED.search(path[-1].lower()) and SCOPES.search(text):
            return bool({next(g for g in m.groups() if g) for m in SCOPES.finditer(text)} & own.scopes)
    return False
