"""Risk rules, reach (feeds `egress-policy-opened`): the exception that kept workloads away from the instance
metadata service removed from an outbound allow rule.

A rule that lets pods or machines out to `0.0.0.0/0` except `169.254.169.254/32` (a Kubernetes NetworkPolicy's
`ip_block.except`, a Calico or Cilium policy's `notNets`/`except` written in a manifest) exists to keep untrusted
workloads (CI jobs, tenants' pods) from the node's metadata service, which hands out the node's cloud credentials.
Once that exception is gone, every workload the rule selects can ask for them. Any provider and resource type, in
plain attributes and in documents held as text; an exception list that keeps the metadata address (or a range
holding it), or that never held it, finds nothing.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.decoding import unfolded
from tfreview.pipeline.findings import Finding, finding, on_change
from tfreview.pipeline.rules.common import sides
from tfreview.pipeline.rules.traffic import EGRESS
from tfreview.pipeline.rules.values import leaves, plain

# The metadata services of AWS, GCP, Azure, OpenStack and others (169.254.169.254), and AWS's IPv6 one.
METADATA_ADDRESSES = (ipaddress.ip_address("169.254.169.254"), ipaddress.ip_address("fd00:ec2::254"))
# Lists of what an allow rule leaves out: `except`, `excepts`, `exclude(d)_cidrs`, Calico's `notNets`.
EXCEPTIONS = lazy_compile(r"(?:^|_)(?:except|excepts|exceptions?|exclude[ds]?(?:_\w+)?|not_?nets|not_?cidrs?)$")


def _exceptions(values: Any) -> dict[str, bool]:
    """Exception lists in VALUES by path (indices dropped): whether each holds the metadata address or a range
    around it."""
    found: dict[str, bool] = {}
    for path, value in leaves(unfolded(values)):
        where = plain(path)
        if EXCEPTIONS.search(where.rsplit(".", 1)[-1].lower()):
            found[where] = found.get(where, False) or (isinstance(value, list)
                                                       and any(_holds_metadata(item) for item in value))
    return found


def _holds_metadata(item: Any) -> bool:
    if not isinstance(item, str):
        return False
    try:
        network = ipaddress.ip_network(item.strip(), strict=False)
    except ValueError:
        return False
    return any(address in network for address in METADATA_ADDRESSES if address.version == network.version) \
        and network.prefixlen > 0


@on_change(actions=(Action.UPDATE, Action.REPLACE), words=(b"169.254.", b"fd00:ec2::"))  # in before
def _metadata_exception_dropped(change: Change) -> Iterator[Finding]:
    before, after = sides(change)
    now = _exceptions(after)  # a rule removed whole lets nothing out: only a rule still there counts
    for where in sorted(w for w, guarded in _exceptions(before).items() if guarded and now.get(w) is False):
        yield finding(EGRESS, change.address, f"{change.address}: {where} no longer leaves out the instance metadata "
                      "address (169.254.169.254): the workloads this rule lets out can reach the metadata service "
                      "and the node's cloud credentials")
