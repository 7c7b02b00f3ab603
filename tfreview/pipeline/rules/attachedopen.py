"""Risk rules, network (reported under network-open-ingress): an attachment this plan creates or retargets (a
firewall, security group or network ACL bound to servers, a label selector, a subnet or an interface) whose
firewall already lets the whole internet in beyond 80/443. The opening itself is unchanged, so nothing on the
firewall reports it; the exposure is new where the attachment now reaches. The firewall is found by the id the
attachment holds or by the reference its configuration makes. A firewall open only to web ports, or an
attachment whose targets do not change, stays quiet.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.configuration import config_address, configuration, references_in
from tfreview.pipeline.findings import RULES, Finding, ReviewInput, Severity, finding, managed, rule
from tfreview.pipeline.rules.common import sides
from tfreview.pipeline.rules.exposure import configured_exposure, openings
from tfreview.pipeline.rules.network import INGRESS

FILTER = r"firewall|security_group|(?:^|_)nsg|(?:^|_)acl|security_list|network_policy|(?:^|_)fw"
ATTACHMENT = lazy_compile(rf"(?:{FILTER})\w*_(?:attachment|association|binding|assignment|target)s?$")
FIREWALL = lazy_compile(rf"(?:{FILTER})(?:_|$)")
# Keys naming the firewall in an attachment (`firewall_id`, `security_group_ids`, `network_acl_id`).
WHICH = lazy_compile(rf"(?:{FILTER})\w*_ids?$|^(?:policy|acl)_ids?$")
LIVE = (Action.CREATE, Action.UPDATE, Action.REPLACE, Action.NO_OP, Action.READ)


def _targets(values: dict[str, Any]) -> dict[str, Any]:
    """What an attachment binds to: every setting that is not the firewall's id or its own."""
    return {key: value for key, value in values.items()
            if not WHICH.search(key.lower()) and key not in ("id", "timeouts") and value not in (None, [], "", {})}


def _firewalls(ri: ReviewInput, change: Change, after: dict[str, Any]) -> Iterator[Change]:
    """The firewalls of the plan that ATTACHMENT names, by id or by configuration reference."""
    ids = {str(item) for key, value in after.items() if WHICH.search(key.lower())
           for item in (value if isinstance(value, list) else [value]) if item not in (None, "")}
    expressions = configuration(ri.plan).expressions(change.address) or {}
    named = {config_address(reference) for key, expression in expressions.items() if WHICH.search(key.lower())
             for reference in references_in(expression)}
    for other in managed(ri.changeset, *LIVE):
        if other is change or ATTACHMENT.search(other.type) or not FIREWALL.search(other.type):
            continue
        _before, values = sides(other)
        if str(values.get("id")) in ids or config_address(other.address) in named:
            yield other


@rule(INGRESS, RULES[INGRESS].severity, RULES[INGRESS].description)
def _plan_wide(ri: ReviewInput) -> Iterator[Finding]:
    """The rule's plan-wide checks (a rule id has one): exposure.py's configured sources, then attachments."""
    yield from configured_exposure(ri)
    yield from _attached_open(ri)


def _attached_open(ri: ReviewInput) -> Iterator[Finding]:
    for change in managed(ri.changeset, Action.CREATE, Action.UPDATE, Action.REPLACE):
        if not ATTACHMENT.search(change.type):
            continue
        before, after = sides(change)
        targets = _targets(after)
        if not targets or (change.action is not Action.CREATE and targets == _targets(before)):
            continue
        for firewall in _firewalls(ri, change, after):
            found = openings(firewall.type, sides(firewall)[1])
            if found:
                where, source, ports = found[0]
                yield finding(INGRESS, change.address, f"{change.address} binds {firewall.address}, whose {where} "
                              f"opens {ports} to {source} (the whole internet), to {', '.join(sorted(targets))}: "
                              "the opening is old, the machines it now reaches are new", Severity.HIGH)
                break
