"""Risk rules, capacity cuts: the running size of a service (desired count, replicas, node or instance count,
minimum size) cut to a small fraction in place — what a removed `ignore_changes` on an autoscaled count does — is
an outage in all but name, on any provider. Scaling to zero is scaled-to-zero's; non-production stays medium."""

from __future__ import annotations

from collections.abc import Iterator

import orjson

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import Finding, Severity, declare, finding, on_change
from tfreview.pipeline.rules.common import sides
from tfreview.pipeline.rules.environments import non_production
from tfreview.pipeline.rules.values import leaves, number

CUT = declare("capacity-cut", Severity.HIGH,
              "A service's running size (desired count, replicas, node or instance count, minimum size) is cut to a "
              "quarter or less of at least 6 (any provider); medium where the object's tags say non-production.")

# Attributes that set how much runs now (not a maximum, which only caps what autoscaling may add).
RUNNING = lazy_compile(r"(?:^|[._])(?:desired_count|desired_capacity|desired_size|replicas|replica_count|task_count"
                       r"|instance_count|node_count|num_nodes|number_of_nodes|initial_node_count|min_size|min_count"
                       r"|min_replicas|min_instances|min_instance_count|min_node_count|target_size|worker_count"
                       r"|cluster_size|num_instances|capacity)$")
# One C-speed scan of the serialised values spares the leaf walk for most changes: every running-size key ends so.
_MAYBE = lazy_compile(rb'(?:count|capacity|size|replicas|nodes|instances)":')
# One of which every RUNNING path holds: the dispatcher's first check (wordgate.py).
RUNNING_WORDS = (b"desired_count", b"desired_size", b"replicas", b"replica_count", b"task_count", b"instance_count",
                 b"node_count", b"num_nodes", b"number_of_nodes", b"min_size", b"min_count", b"min_instances",
                 b"target_size", b"worker_count", b"cluster_size", b"num_instances", b"capacity")
FLOOR = 6  # smaller services are scaled by hand all the time
FRACTION = 4  # the new size is at most a quarter of the old


def cuts(change: Change) -> Iterator[tuple[str, float, float]]:
    """(path, before, after) of every running-size attribute cut to a small fraction but not to zero."""
    before, after = sides(change)
    if not before or _MAYBE.search(orjson.dumps(before)) is None:
        return
    old = {path: value for path, value in leaves(before) if RUNNING.search(path)}
    for path, value in leaves(after):
        was, now = number(old.get(path)), number(value)
        if was is not None and now is not None and was >= FLOOR and 0 < now * FRACTION <= was:
            yield path, was, now


@on_change(actions={Action.UPDATE}, words=RUNNING_WORDS)
def _capacity_cut(change: Change) -> Iterator[Finding]:
    """A running size cut sharply in place."""
    for path, was, now in cuts(change):
        severity = Severity.MEDIUM if non_production(change) else None
        yield finding(CUT, change.address, f"{change.address}: {path} {was:g} → {now:g} (capacity cut to "
                      f"{now / was:.0%} of what runs now: check the service can carry its load)",
                      severity)
        return
