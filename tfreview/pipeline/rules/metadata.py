"""Risk rules, network (risk rules stage): a network rule that newly allows traffic to the cloud's instance
metadata service (169.254.169.254, fd00:ec2::254, metadata.google.internal). Whatever reaches it from a workload
reads the node's own credentials; platforms block it from pods on purpose, so an allow rule for that address,
ordered before the block, hands every selected workload the node's identity. Any provider's rule: a Calico or
Cilium policy, a Kubernetes NetworkPolicy egress peer, a firewall rule with an allow action.

A rule that denies, drops or logs the address, an address listed as an exception (`except`, `not_nets`), and an
allow the rule already had before the plan say nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Change
from tfreview.pipeline.findings import Finding, Severity, declare, finding, on_change

RULE = declare("metadata-reachable", Severity.HIGH,
               "A network rule newly allows traffic to the instance metadata service (169.254.169.254, "
               "fd00:ec2::254, metadata.google.internal): workloads read the node's credentials.")

METADATA = lazy_compile(r"^(?:169\.254\.169\.254(?:/32)?|fd00:ec2::254(?:/128)?|metadata\.google\.internal\.?)$")
# Keys that hold what a rule does with its traffic, and the values that let it through or stop it.
ACTION_KEYS = lazy_compile(r"^(?:action|access|rule_action|effect|policy|verdict)$")
ALLOWS = frozenset({"allow", "allowed", "accept", "permit", "pass"})
STOPS = frozenset({"deny", "denied", "drop", "reject", "block", "log", "audit"})
# Keys whose addresses a rule excludes: listed there, the address is not reached.
EXCEPTIONS = lazy_compile(r"except|exclu|^not_?(?:nets|cidrs?|ranges?|selector|destinations?|ports)$|^deny$|^drop$")
# Keys under which every peer is allowed (a Kubernetes NetworkPolicy's egress rules have no action of their own).
ALLOW_ONLY = lazy_compile(r"^(?:egress|allow|allowed|to)$")


def _verdict(node: dict[str, Any]) -> bool | None:
    """What a rule's own action says: True for allow, False for deny or log, None when it names none."""
    for key, value in node.items():
        if ACTION_KEYS.match(str(key)) and isinstance(value, str):
            word = value.strip().lower()
            if word in ALLOWS:
                return True
            if word in STOPS:
                return False
    return None


def _allowed(value: Any, allowing: bool = False) -> Iterator[str]:
    """Each metadata address a value lets traffic reach: inside a rule whose action allows, or under an allow-only
    key, and not in an exception list."""
    if isinstance(value, str):
        if allowing and METADATA.match(value.strip().lower()):
            yield value.strip()
    elif isinstance(value, list):
        for item in value:
            yield from _allowed(item, allowing)
    elif isinstance(value, dict):
        verdict = _verdict(value)
        here = allowing if verdict is None else verdict
        for key, item in value.items():
            if EXCEPTIONS.search(str(key).lower()):
                continue
            yield from _allowed(item, here or bool(ALLOW_ONLY.match(str(key).lower())))


@on_change(words=(b"169.254.169.254", b"fd00:ec2::254", b"metadata.google.internal"))
def _metadata_allowed(change: Change) -> Iterator[Finding]:
    before = set(_allowed(change.before)) if change.before else set()
    new = sorted(set(_allowed(change.after)) - before)
    if new:
        yield finding(RULE, change.address, f"{change.address}: a rule now allows traffic to the instance metadata "
                      f"service ({new[0]}): workloads it selects can read the node's own credentials")
