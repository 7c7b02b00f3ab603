"""Risk rules, safeguards weakened by update: a reclaim or deletion policy moved from keeping data to deleting it,
and the copies of a stateful service (a data engine's nodes, a StatefulSet's replicas) cut to one. Read by key
name, across providers."""

from __future__ import annotations

import re
from collections.abc import Iterator

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import Finding, Severity, declare, finding, on_change
from tfreview.pipeline.rules.disposable import DATA_ENGINES
from tfreview.pipeline.rules.kinds import STATEFUL
from tfreview.pipeline.rules.values import number
from tfreview.pipeline.rules.watch import UNWATCHED_BLOCKS

RECLAIM = declare("reclaim-to-delete", Severity.HIGH,
                  "A reclaim or deletion policy moves from keeping data (Retain, Snapshot) to deleting it: the "
                  "next release or destroy deletes the data with it.")
REDUNDANCY = declare("redundancy-cut", Severity.HIGH,
                     "The copies of a stateful service (nodes, replicas, standbys) are cut to one: no failover, "
                     "and one failure loses service or data.")

# Keys that say what happens to data when its holder is released or destroyed (PV/StorageClass reclaim policies,
# deletion policies of stacks and snapshots), by the end of the key's own name.
POLICY_KEYS = lazy_compile(r"(?:^|_)(?:reclaim_policy|deletion_policy|delete_policy|removal_policy|on_delete"
                           r"|retention_policy_on_delete)$")
KEEPS = frozenset({"retain", "snapshot", "keep", "preserve", "abandon", "orphan", "archive"})
DELETES = frozenset({"delete", "recycle", "destroy", "purge", "remove"})
# Counts of copies of one service: nodes, replicas, standbys.
COPIES = lazy_compile(r"^(?:\w*node_count|num_nodes|number_of_nodes|nodes|replicas|replica_count|num_replicas"
                      r"|number_of_replicas|read_replicas|replica_nodes|\w*standby\w*count|standbys|node_number"
                      r"|cluster_size|members|member_count)$")


def _leaf(path: str) -> str:
    """The attribute's own key (the last name in a path, indices dropped)."""
    return re.sub(r"\[[^\]]*\]", "", path).rsplit(".", 1)[-1].lower()


def _may_touch(change: Change, keys: re.Pattern[str]) -> bool:
    """Whether a key like KEYS can be among those that change, judged from the top-level keys alone (the full
    attribute diff is costly on large plans)."""
    before = change.before if isinstance(change.before, dict) else {}
    after = change.after if isinstance(change.after, dict) else {}
    for key in before.keys() | after.keys():
        old, new = before.get(key), after.get(key)
        if old != new and (keys.search(key.lower()) or (isinstance(old or new, (dict, list))
                                                        and key not in UNWATCHED_BLOCKS)):
            return True
    return False


@on_change(actions=(Action.UPDATE,), words=(b"reclaim_policy", b"deletion_policy", b"delete_policy", b"removal_policy",
                                             b"on_delete"))  # a POLICY_KEYS key is needed
def _reclaim(change: Change) -> Iterator[Finding]:
    if not _may_touch(change, POLICY_KEYS):
        return
    for attr in change.attributes:
        key = _leaf(attr.path)
        if POLICY_KEYS.search(key) and str(attr.before).lower() in KEEPS and str(attr.after).lower() in DELETES:
            yield finding(RECLAIM, change.address,
                          f"{change.address}: {attr.path} {attr.before} → {attr.after} (the data is deleted when "
                          "it is released or destroyed, no longer kept)")


# A Kubernetes StatefulSet: its replicas are members of one stateful service (a consensus or database cluster).
STATEFUL_SETS = lazy_compile(r"(?:^|_)stateful_set(?:_v\d+)?$")


def _stateful_service(resource_type: str) -> bool:
    """Whether a type is a data service (a database, cache, search or queue cluster, a StatefulSet), not a
    stateless pool."""
    return bool(DATA_ENGINES.search(resource_type) or STATEFUL_SETS.search(resource_type)) \
        or STATEFUL.get(resource_type) == "database"


@on_change(actions=(Action.UPDATE,))
def _redundancy(change: Change) -> Iterator[Finding]:
    if not _stateful_service(change.type) or not _may_touch(change, COPIES):
        return
    for attr in change.attributes:
        # a count as a number or its digits (the Kubernetes provider writes `replicas = "3"`)
        old, new = number(attr.before), number(attr.after)
        if COPIES.match(_leaf(attr.path)) and old is not None and old >= 2 and new == 1:
            yield finding(REDUNDANCY, change.address,
                          f"{change.address}: {attr.path} {old:g} → 1 (one copy left: no standby or failover)")
