"""Risk rules, reach: a resource newly hands its data to code or a data sink in another account than its own — a
secret's rotation function, a trigger named by a Lambda ARN, an event rule's target bus, a queue, topic or stream —
whose account is not the one the resource's own ARN or service role names (its `arn`, `id`, `secret_id`,
`role_arn`; a link's `arn` names the other end). The function receives what the resource holds (a rotated database
password, users' sign-ins) and another owner runs it; a sink in another account is the data leaving:
foreign-data-share, high for sinks, secrets and identities, medium for other functions.

A function or sink in the resource's own account, a resource whose own account the plan does not show, one
already named before the change, and where the resource reads from or sends notices about itself (an event source,
a lifecycle hook's notification target, an alarm action: egress.py grades those) are quiet."""

from __future__ import annotations

from collections.abc import Iterator

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import Finding, ReviewInput, Severity, finding, grader, on_change
from tfreview.pipeline.rules.common import sides
from tfreview.pipeline.rules.grading import high_graded_medium
from tfreview.pipeline.rules.ownership import organisation_members
from tfreview.pipeline.rules.planview import plan_view
from tfreview.pipeline.rules.policytext import ARN_ACCOUNT
from tfreview.pipeline.rules.values import leaves

FUNCTION_ARN = lazy_compile(r"^arn:aws[\w-]*:lambda:[\w-]*:(\d{12}):function:")
# Where messages or events are delivered (an event bus, a queue, a topic, a stream, a delivery stream).
SINK_ARN = lazy_compile(r"^arn:aws[\w-]*:(?:events:[\w-]*:(\d{12}):event-bus/|sqs:[\w-]*:(\d{12}):"
                        r"|sns:[\w-]*:(\d{12}):[\w.-]+$|kinesis:[\w-]*:(\d{12}):stream/"
                        r"|firehose:[\w-]*:(\d{12}):deliverystream/)")
# Paths whose ARN is not where the resource's data goes: where it reads from (`event_source_arn`), or where notices
# about it go (a lifecycle hook's `notification_target_arn`, an alarm action): egress.py judges those.
NOT_DATA = lazy_compile(r"source|notif|alarm|alert|hook|_actions?(?:\.|$)")
# Types that link a source to a target: their `arn` names the other end, not themselves.
LINKING = lazy_compile(r"target|subscription|destination|mapping|notification|trigger|permission|forward")
# Resources whose data is a credential or an identity: the function that handles it can sign in as anyone.
CREDENTIALS = lazy_compile(r"secret|password|credential|(?:^|_)key(?:_|$)|user_pool|cognito|identity|directory")
IDENTITY_KEYS = ("arn", "id", "secret_id", "secret_arn", "role_arn")
SHARE = "foreign-data-share"


@on_change(actions=(Action.CREATE, Action.UPDATE, Action.REPLACE),
           words=(b":function:", b":event-bus/", b":sqs:", b":sns:", b":stream/", b":deliverystream/"))
def _foreign_handlers(change: Change) -> Iterator[Finding]:
    """Functions or data sinks in another account than the resource's own, newly named to receive its data."""
    own = _own_accounts(change)
    for where, arn, account, sink in _new_receivers(change):
        if own and account not in own:
            what = "delivers to" if sink else "runs"
            severity = Severity.HIGH if sink or CREDENTIALS.search(change.type) else Severity.MEDIUM
            yield finding(SHARE, change.address,
                          f"{change.address}: {where} {what} {arn} in account {account}, not the account this "
                          f"resource lives in ({', '.join(sorted(own))}): another owner receives this resource's "
                          "data; confirm the account is yours", severity)
            return


def _new_receivers(change: Change) -> Iterator[tuple[str, str, str, bool]]:
    """(path, ARN, its account, whether a data sink) of each function or data sink the change's new values name that
    they did not before (a link's own `arn`, the other end, included)."""
    before, after = sides(change)
    old = {value for _, value in leaves(before) if isinstance(value, str)}
    for path, value in leaves(after):
        for item in value if isinstance(value, list) else [value]:
            if not isinstance(item, str) or item in old:
                continue
            if match := FUNCTION_ARN.match(item):
                yield path, item, match.group(1), False
            elif (match := SINK_ARN.match(item)) and not NOT_DATA.search(path):
                yield path, item, next(filter(None, match.groups())), True


def _own_accounts(change: Change) -> set[str]:
    """The accounts the resource's own ARN, ids and service role name (a link's `arn` names the other end)."""
    keys = IDENTITY_KEYS[1:] if LINKING.search(change.type) else IDENTITY_KEYS
    return {match.group(1) for side in sides(change) for key in keys
            if isinstance(value := side.get(key), str) and (match := ARN_ACCOUNT.match(value))}


@grader
def organisation_member_receives(review_input: ReviewInput, findings: list[Finding]) -> list[Finding]:
    """A sink or function in an account the plan reads as a member of its own organisation (an organizations data
    source's account list, an account it creates): medium, the data stays in the organisation."""
    return high_graded_medium(review_input, findings, SHARE, lambda found, change: _members(change, review_input))


def _members(change: Change, review_input: ReviewInput) -> str | None:
    """Why data handed to another account is medium: every account newly receiving it is the organisation's."""
    members = plan_view(review_input).derived("organisation members", lambda view: organisation_members(view.changes))
    if not members:
        return None
    accounts = {account for _, _, account, _ in _new_receivers(change)} - _own_accounts(change)
    if not accounts or not accounts <= members:
        return None
    return f"{', '.join(sorted(accounts))} is a member account of the organisation this plan reads: the data stays " \
        "in it"
