"""Risk rules, reach: an endpoint's own policy (the data perimeter of a private network path: an S3 gateway
endpoint, an interface endpoint, any provider's `*_endpoint` with a policy document) that comes to let any principal
act on every resource of the service, with no condition: whatever runs in the network can write to, or read from,
anyone's bucket through it. A statement limited to named resources (a vendor's package repository buckets) or by a
condition (`aws:ResourceOrgID`, `aws:ResourceAccount`) keeps the perimeter, and an endpoint that had no policy
(a new one included) already had the provider's full-access default."""

from __future__ import annotations

from collections.abc import Iterator

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import Finding, finding, on_change
from tfreview.pipeline.rules.common import sides
from tfreview.pipeline.rules.judge import broad
from tfreview.pipeline.rules.policy import from_json, new_statements, statements
from tfreview.pipeline.rules.workloads import WIDE

ENDPOINTS = lazy_compile(r"(?:^|_)(?:vpc_endpoint|endpoint|private_endpoint|service_endpoint|gateway_endpoint)"
                         r"(?:_policy)?(?:_|$)")
POLICY_KEYS = ("policy", "policy_document", "endpoint_policy")
EVERYONE = frozenset({"*"})


@on_change(actions=(Action.UPDATE, Action.REPLACE), words=(b"statement",))
def _endpoint_opened(change: Change) -> Iterator[Finding]:
    if not ENDPOINTS.search(change.type):
        return
    before, after = sides(change)
    for key in POLICY_KEYS:
        if not statements(before.get(key)):
            continue  # a new endpoint, or one that had no policy, takes the provider's full-access default anyway
        for raw in new_statements(before.get(key), after.get(key)):
            statement = from_json(raw)
            everyone = any(set(p) & EVERYONE for p in statement.principals.values()) or not statement.has_principal
            if everyone and broad(statement) and not statement.conditions:
                yield finding(WIDE, change.address, f"{change.address}: {key} {statement.name} lets any principal "
                              "act on every resource of the service through the endpoint, with no condition: "
                              "anything in the network can reach anyone's data (an exfiltration path)")
                return
