"""Risk rules, reach: accounts the plan proves are its own beyond the ids its attributes name: a link it accepts
itself, a share that cannot leave the organisation, a copy destination it manages, the organisation's members,
the accounts its providers work in. `peering.own_scopes` (links, data shares) and the egress evidence add these."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.diff import UNKNOWN
from tfreview.pipeline.findings import ReviewInput
from tfreview.pipeline.rules.common import as_dict
from tfreview.pipeline.rules.documents import provider_accounts, state_accounts
from tfreview.pipeline.rules.planview import plan_view

ACCOUNT = lazy_compile(r"^\d{12}$")
# The owner of a link's far side: peer_owner_id, peer_account_id.
PEER_ACCOUNT = lazy_compile(r"peer\w*_(?:owner|account)\w*")
# An AWS Organizations ARN of the organisation itself, a root or an OU: the account in it is the management one.
ORG_ARN = lazy_compile(r"^arn:aws[\w-]*:organizations::(\d{12}):(?:organization|ou|root)/o-[a-z0-9]+")
# An AWS Organizations ARN of a member account: the management account, then the member's own id.
MEMBER_ARN = lazy_compile(r"^arn:aws[\w-]*:organizations::(\d{12}):account/o-[a-z0-9]+/(\d{12})$")
# An attribute naming the account a copy goes to (a replication destination's `account`, `account_id`).
DEST_ACCOUNT = lazy_compile(r"(?:\w+_)?account(?:_id)?")
# An attribute naming the bucket a copy goes to (`bucket`, `bucket_arn`, `destination_bucket`).
DEST_BUCKET = lazy_compile(r"(?:\w+_)?bucket(?:_arn|_name)?")
LIVE = (Action.CREATE, Action.UPDATE, Action.REPLACE, Action.NO_OP)


def vouched(ri: ReviewInput) -> set[str]:
    """Every account this module proves to be the plan's own (computed once per plan)."""
    found: set[str] = plan_view(ri).derived("vouched accounts", lambda _: _vouched(ri))
    return set(found)


def _vouched(ri: ReviewInput) -> set[str]:
    changes = ri.changeset.changes
    return (set(provider_accounts(ri.plan.configuration, ri.plan.variables)) | state_accounts(ri.plan.prior_state)
            | accepted_peers(changes) | inside_organisation(changes) | managed_destinations(changes)
            | organisation_members(changes))


def _after(change: Change) -> dict[str, Any]:
    return as_dict(change.after)


def _unknown(change: Change) -> set[str]:
    """The top-level attributes of CHANGE known only after apply."""
    unknown = change.after_unknown
    return {k for k, v in unknown.items() if v is True} if isinstance(unknown, dict) else set()


def accepted_peers(changes: list[Change]) -> set[str]:
    """Peer accounts of links the plan accepts itself: AWS accepts a peering at once (`auto_accept`) only inside
    one account, and an accepter resource in the plan works with credentials in the peer's account."""
    accepters = [c for c in changes if c.type.endswith("_accepter") and c.action in LIVE]
    ids = [(k, _after(c).get(k, UNKNOWN)) for c in accepters
           for k in {*_after(c), *_unknown(c)} if k.endswith("connection_id")]
    accepted = {str(v) for _, v in ids if v not in (None, UNKNOWN)}
    pending = any(v in (None, UNKNOWN) for _, v in ids)
    links = [c for c in changes if c.action in LIVE and not c.type.endswith("_accepter")
             and any(PEER_ACCOUNT.fullmatch(k) for k in _after(c))]
    new = [c for c in links if _after(c).get("id") in (None, UNKNOWN)]
    only_new = new[0] if pending and len(new) == 1 else None  # the one new link an accepter still to come takes
    found: set[str] = set()
    for change in links:
        after = _after(change)
        if after.get("auto_accept") is True or str(after.get("id")) in accepted or change is only_new:
            found |= {str(v) for k, v in after.items() if PEER_ACCOUNT.fullmatch(k) and ACCOUNT.match(str(v))}
    return found


def inside_organisation(changes: list[Change]) -> set[str]:
    """Accounts a resource share reaches that cannot be outside the organisation: RAM shares with an organisation
    or OU only within the sharer's own (the ARN's management account is the organisation's), and a share that
    refuses external principals (`allow_external_principals = false`) only with member accounts."""
    shares = [_after(c) for c in changes if c.action in LIVE and "allow_external_principals" in _after(c)]
    closed = bool(shares) and all(s.get("allow_external_principals") is False for s in shares)
    closed_arns = {str(s.get("arn")) for s in shares if s.get("arn") not in (None, UNKNOWN)}
    found: set[str] = set()
    for change in changes:
        after = _after(change)
        principal = after.get("principal")
        if change.action not in LIVE or not change.type.endswith("_principal_association") \
                or not isinstance(principal, str):
            continue
        if (match := ORG_ARN.match(principal)) is not None:
            found.add(match.group(1))
        elif closed and ACCOUNT.match(principal) and after.get("resource_share_arn") in (None, UNKNOWN, *closed_arns):
            found.add(principal)
    return found


def organisation_members(changes: list[Change]) -> set[str]:
    """Accounts of the organisation the plan manages or reads (an organisation's member list, an account it
    creates, its management account): their ids and the member ids ending their ARNs."""
    found: set[str] = set()
    for change in changes:
        if "organizations" not in change.type:
            continue
        for side in (change.before, change.after):
            for node in _nodes(side):
                for key, value in node.items():
                    if not isinstance(value, str):
                        continue
                    if key in ("id", "account_id", "master_account_id") and ACCOUNT.match(value):
                        found.add(value)
                    elif (match := MEMBER_ARN.match(value)) is not None:
                        found |= {match.group(1), match.group(2)}
    return found


def _bucket(text: str) -> str:
    """A bucket's name, from its name or its ARN (`arn:aws:s3:::name`)."""
    return text.rsplit(":::", 1)[-1].split("/", 1)[0]


def _nodes(value: Any) -> Iterator[dict[str, Any]]:
    """Every object inside a nested value."""
    if isinstance(value, dict):
        yield value
        for item in value.values():
            yield from _nodes(item)
    elif isinstance(value, list):
        for item in value:
            yield from _nodes(item)


def managed_destinations(changes: list[Change]) -> set[str]:
    """Accounts named beside a copy's destination bucket that another resource of the plan manages (its lock,
    policy or versioning): the plan works in that bucket's account, so the account is its own."""
    held: dict[str, set[str]] = {}
    for change in changes:
        if change.mode == "managed" and "bucket" in change.type and change.action in LIVE:
            after = _after(change)
            name = after.get("bucket") or (after.get("name") if change.type.endswith("_bucket") else None)
            if isinstance(name, str) and name and name != UNKNOWN:
                held.setdefault(_bucket(name), set()).add(change.address)
    found: set[str] = set()
    for change in changes:
        if change.mode != "managed" or change.action not in LIVE:
            continue
        for node in _nodes(change.after):
            accounts = {str(v) for k, v in node.items() if DEST_ACCOUNT.fullmatch(k) and ACCOUNT.match(str(v))}
            if not accounts:
                continue
            buckets = {_bucket(v) for k, v in node.items() if DEST_BUCKET.fullmatch(k) and isinstance(v, str)}
            if any(held.get(b, set()) - {change.address} for b in buckets):
                found |= accounts
    return found
