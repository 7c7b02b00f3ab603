"""Risk rules, context grading (security controls stage): a fixed capacity count set to zero on a resource whose own
mode setting says the provider sizes it on demand (on-demand, pay per request, serverless) is the count becoming
irrelevant under the new mode, not a scale to zero: low. Read by what the mode's value means, on any provider. A
count set to zero under a provisioned or unchanged mode (an EKS node group's `capacity_type = ON_DEMAND` is how its
machines are bought, before and after), and request limits (concurrency, rate) set to zero, stay as their rules
graded them."""

from __future__ import annotations

from tfreview.pipeline.changes import Action
from tfreview.pipeline.findings import Finding, ReviewInput, Severity, grader
from tfreview.pipeline.rules.common import sides
from tfreview.pipeline.rules.purposes import on_demand_mode
from tfreview.pipeline.rules.units import words
from tfreview.pipeline.rules.values import plain
from tfreview.pipeline.rules.vocabulary import ZERO

# Words of a fixed size that such a mode makes irrelevant; limits on requests are not sizes.
SIZES = frozenset({"count", "size", "capacity", "nodes", "instances", "replicas", "shards", "units"})
LIMITS = frozenset({"concurrency", "concurrent", "limit", "rate", "burst", "throttling", "min", "minimum"})


@grader
def sized_on_demand(review_input: ReviewInput, findings: list[Finding]) -> list[Finding]:
    """Fixed sizes set to zero where the same resource's mode becomes on-demand: low, with the mode named."""
    if not any(f.rule == ZERO and f.severity is Severity.HIGH for f in findings):
        return findings
    changes = {c.address: c for c in review_input.changeset.changes
               if c.mode == "managed" and c.action in (Action.UPDATE, Action.CREATE)}
    graded: list[Finding] = []
    for found in findings:
        change = changes.get(found.address or "")
        if found.rule == ZERO and found.severity is Severity.HIGH and change is not None:
            size = found.message.removeprefix(f"{change.address}: ").partition(" ")[0]
            names = words(plain(size).rpartition(".")[2])
            before, after = sides(change)
            mode = on_demand_mode(after)
            if names & SIZES and not names & LIMITS and mode and not on_demand_mode(before):
                found = found.model_copy(update={"severity": Severity.LOW, "message": f"{found.message} — {mode}: "
                                                 "the provider sizes it on demand, the fixed count no longer applies"})
        graded.append(found)
    return graded

