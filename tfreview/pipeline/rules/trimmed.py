"""Risk rules, lifecycle helpers: deletes that take away a copy or a setting, not data (ladders.py grades deletes
with them).

A member instance of a cluster replaced while the cluster stays (the storage is the cluster's, not the
instance's) loses no data, whatever its role: a member not saying it is the writer, or one whose new instance serves
before the old goes, is medium; the writer re-made destroy-first, or a member whose cluster goes in the same plan,
stays high.
A member of a cluster removed because the count shrank (index N > 0 gone, index 0 kept, no writer flag on it, the
cluster staying) leaves the cluster, its storage and its other members: capacity goes, data does not; a count
shrunk to zero deletes index 0 too and stays high. A parameter that declares itself plain (`type = "String"`, not a
secure or secret type) is a setting, like a ConfigMap: no secret or data goes with it; a SecureString stays high.
"""

from __future__ import annotations

from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import ReviewInput
from tfreview.pipeline.rules.planview import plan_view
from tfreview.pipeline.rules.replicas import destroyed_by_name
from tfreview.pipeline.rules.wayback import CLUSTER_REF, READER_ROLES, WRITER_FLAGS, stays

COUNT_INDEX = lazy_compile(r"^(?P<base>.+)\[(?P<index>\d+)\]$")
PARAMETER_TYPES = lazy_compile(r"(?:^|_)(?:parameter|variable|config_key|configuration_key|setting)$")
PLAIN_KINDS = frozenset({"string", "stringlist", "string_list", "text", "plain", "plaintext", "kv", "list"})
KIND_KEYS = ("type", "value_type", "data_type", "kind")


def _before(change: Change) -> dict[str, Any]:
    return change.before if isinstance(change.before, dict) and change.action is Action.DELETE else {}


def member_trimmed(change: Change, ri: ReviewInput) -> str | None:
    """Why a deleted cluster member loses no data: the count shrank past it, index 0 stays, it says it is not the
    writer, and the cluster it belongs to stays."""
    attrs = _before(change)
    cluster = next((v for k, v in attrs.items() if CLUSTER_REF.match(k) and isinstance(v, str) and v), None)
    shape = COUNT_INDEX.match(change.address)
    if cluster is None or shape is None or change.action_reason != "delete_because_count_index" \
            or shape["index"] == "0" or any(attrs.get(k) is True for k in WRITER_FLAGS) \
            or f"{shape['base']}[0]" in _destroyed(ri) or not stays(cluster, change, ri):
        return None
    return f"one member of cluster {cluster} removed by a smaller count; the cluster, its storage and its first " \
           "member stay"


# A compute instance that serves a cluster's storage (`*_cluster_instance`, an AlloyDB instance): not a group or
# fleet of machines with disks of their own, not a database, snapshot or table kept inside the cluster.
MEMBER_INSTANCE = lazy_compile(r"(?:^|_)instance(?:_v\d+)?$")


def _cluster(values: Any) -> str | None:
    return next((v for k, v in values.items() if CLUSTER_REF.match(k) and isinstance(v, str) and v), None) \
        if isinstance(values, dict) else None


def member_replaced(change: Change, ri: ReviewInput) -> str | None:
    """Why a replaced cluster member instance loses no data: it names its cluster before and after, the cluster is
    not deleted or replaced in the plan, and the new member is created first or the member does not say it is the
    writer."""
    if change.action is not Action.REPLACE or not MEMBER_INSTANCE.search(change.type) \
            or (cluster := _cluster(change.before)) is None or _cluster(change.after) is None:
        return None
    attrs = change.before if isinstance(change.before, dict) else {}
    role = next((str(attrs[k]).lower() for k in ("role", "instance_role", "instance_type") if attrs.get(k)), "")
    reader = any(attrs.get(k) is False for k in WRITER_FLAGS) or role in READER_ROLES | {"read_pool"}
    first = change.actions[:1] == ["create"]
    if not first and any(attrs.get(k) is True for k in WRITER_FLAGS):
        return None  # the writer destroyed first: the cluster serves no writes until the new one joins
    siblings = {id(c) for c in plan_view(ri).of(Action.DELETE, Action.REPLACE)
                if c.type == change.type and _cluster(c.before) == cluster}  # members, not the cluster itself
    if destroyed_by_name(ri).get(cluster, set()) - siblings:
        return None
    how = "the new one joins before the old one goes" if first else (
        "it is a reader, not the writer" if reader else "if it is the writer, the cluster fails over to a reader")
    return f"a member instance of cluster {cluster}, which stays with its storage; {how}: it holds no data of its own"


def _destroyed(ri: ReviewInput) -> set[str]:
    """Addresses this plan deletes or replaces."""
    return plan_view(ri).derived("destroyed addresses", lambda view: {
        c.address for c in view.changes if c.action in (Action.DELETE, Action.REPLACE)})


def plain_setting(change: Change) -> bool:
    """Whether a deleted parameter declares itself plain, not secure (its provider may still mark the value
    sensitive: aws_ssm_parameter marks every `value`)."""
    if not PARAMETER_TYPES.search(change.type):
        return False
    attrs = _before(change)
    kinds = [str(attrs[k]).strip().lower() for k in KIND_KEYS if isinstance(attrs.get(k), str) and attrs[k].strip()]
    return bool(kinds) and all(k in PLAIN_KINDS for k in kinds)
