"""Risk rules, lifecycle helpers: deletes that take away a copy or a setting, not data (ladders.py grades deletes
with them).

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
from tfreview.pipeline.rules.wayback import CLUSTER_REF, WRITER_FLAGS, stays

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
