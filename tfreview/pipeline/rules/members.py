"""Risk rules, reach (reported under `egress-outside`): an address outside the organisation's networks joins a load
balancer's pool of backends (a target group attachment, a backend pool address, a pool member, a network endpoint):
a share of the service's requests, and what they carry (sign-ins, image pulls, API calls), is served by a host
nobody inside owns. A private address (the VPC, on-premises over a private link) is a backend of the
organisation's own and stays quiet; which addresses are internal is addressing.py's."""

from __future__ import annotations

from collections.abc import Iterator

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import Finding, Severity, finding, on_change
from tfreview.pipeline.rules.addressing import internal_address
from tfreview.pipeline.rules.common import show, sides
from tfreview.pipeline.rules.egress import RULE

# Types that add one backend to a pool, any provider's spelling.
MEMBERS = lazy_compile(r"target_group_attachment|backend_address_pool_address|(?:^|_)pool_member|backend_member"
                       r"|(?:^|_)network_endpoint(?:s)?$|(?:^|_)lb_target$|upstream_target|origin_pool_member")
ADDRESS_KEYS = ("target_id", "ip_address", "address", "ip", "host", "target")


@on_change(actions=(Action.CREATE, Action.UPDATE, Action.REPLACE))
def _outside_member(change: Change) -> Iterator[Finding]:
    if not MEMBERS.search(change.type):
        return
    before, after = sides(change)
    for key in ADDRESS_KEYS:
        value = after.get(key)
        if isinstance(value, str) and value != before.get(key) and internal_address(value) is False:
            yield finding(RULE, change.address, f"{change.address}: {key} {show(value)}, an address outside the "
                          "organisation's networks, joins the load balancer's backends: part of the service's "
                          "requests, and what they carry, go to a host nobody inside owns", Severity.HIGH)
            return
