"""Risk rules, lifecycle helpers (any provider): which node pools hold no data and which container replaces are
image redeploys; ladders.py grades their deletes and replaces with them."""

from __future__ import annotations

import re

import orjson

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import ReviewInput
from tfreview.pipeline.rules.planview import plan_view
from tfreview.pipeline.rules.values import pairs, plain
from tfreview.pipeline.rules.workloads import side_leaves

_INDEX = lazy_compile(r"\[\d+\]")


NODE_POOLS = lazy_compile(r"(?:^|_)(?:node_?pool|node_?group|instance_group|instance_pool|scale_?set|nodepool)s?"
                          r"(?:_v\d+)?$")


# Machines a fleet runs now: its size settings (`instances`, `desired_capacity`, `node_count`, `target_size`).
FLEETS = lazy_compile(rf"{NODE_POOLS.pattern}|autoscaling_group$")
FLEET_SIZE = lazy_compile(r"instances|desired_capacity|desired_size|node_count|target_size|min_size|capacity")


def serving_fleet(change: Change) -> bool:
    """Whether CHANGE is a fleet of machines (a scale set, an autoscaling or instance group, a node pool) that ran
    some before: re-made under another address, its machines go before the new ones exist."""
    before = change.before if isinstance(change.before, dict) else {}
    return bool(FLEETS.search(change.type)) and any(
        FLEET_SIZE.fullmatch(key) and isinstance(value, int | float) and not isinstance(value, bool) and value > 0
        for key, value in before.items())


# A pool that says what happens to its data volumes (`data_volume_policy`, `prevent_destroy_volumes`) holds data.
DATA_KEYS = lazy_compile(r"volume|persistent|stateful|(?:^|[._])data(?:_|$)", re.IGNORECASE)


def node_pool_kept_cluster(change: Change, ri: ReviewInput) -> str | None:
    """Why deleting a node pool loses nothing (its cluster stays in this plan), or None."""
    if not NODE_POOLS.search(change.type) or any(DATA_KEYS.search(p) for p, _ in side_leaves(change, False)):
        return None
    gone: bool = plan_view(ri).derived("clusters deleted or replaced", lambda _: any(
        c.action in (Action.DELETE, Action.REPLACE) and c.type.endswith(("cluster", "_kubernetes_cluster"))
        for c in ri.changeset.changes))
    return None if gone else "a node pool: its nodes hold no data and the cluster stays"


# A pool of reclaimable machines (spot, preemptible) or one that scales to zero promises its workloads nothing.
RECLAIMABLE = lazy_compile(r"(?:^|[._])(?:spot|preemptible|priority|capacity_type|market_type)$")
MIN_COUNT = lazy_compile(r"(?:^|[._])min(?:imum)?_?(?:node_?)?(?:count|size|nodes)$")


def reclaimable_pool_replaced(change: Change, ri: ReviewInput) -> str | None:
    """Why replacing a node pool loses nothing: its machines are spot/preemptible or it scales to zero, holds no
    data and its cluster stays; or None."""
    if node_pool_kept_cluster(change, ri) is None:
        return None
    minimums = []
    for path, value in side_leaves(change, False):
        if RECLAIMABLE.search(path) and (value is True or str(value).lower() in ("spot", "preemptible")):
            return "a pool of spot or preemptible machines, reclaimable at any time: its nodes hold nothing"
        if MIN_COUNT.search(path) and not isinstance(value, bool):
            minimums.append(value)
    # every minimum it has: GKE's per-zone `min_node_count` is 0 beside a `total_min_node_count` that holds
    if minimums and all(value == 0 for value in minimums):
        return "a node pool that scales to zero: its workloads already live without its nodes"
    return None


IMAGE_KEYS = lazy_compile(r"(?:^|[._])image(?:_uri|_url|_name|_tag)?$")


# Settings a container reads at start: a change to them restarts it and loses nothing it keeps.
ENVIRONMENT_KEYS = lazy_compile(r"(?:^|\.)(?:secure_)?(?:environment(?:_variables)?|env)(?:\.|$)")


def _redeploy_path(change: Change, path: str) -> bool:
    """Whether a forcing path is a container's image, or a container block whose changed leaves are only its image
    and environment (a new release, a variable moved into secure variables)."""
    if "container" not in f"{change.type}.{path}":
        return False
    if IMAGE_KEYS.search(path):
        return True
    inside = [plain(p).lower() for p, _, _ in pairs(change) if plain(p).lower().startswith(path + ".")]
    return bool(inside) and all(IMAGE_KEYS.search(p) or ENVIRONMENT_KEYS.search(p[len(path):]) for p in inside)


def image_redeploy(change: Change) -> str | None:
    """Why replacing a container object loses nothing: only its image (and environment) forces the replace and it
    mounts no volume (a deploy of a stateless container); or None."""
    paths = [_INDEX.sub("", p).lower() for p in change.replace_paths]
    # A machine's boot image (`boot_disk.initialize_params.image`) is not a container's: its disk goes with it.
    if not paths or not all(_redeploy_path(change, p) for p in paths) \
            or DATA_KEYS.search(orjson.dumps(
            [k for k, v in side_leaves(change, False) if v not in (None, "", [], {})]).decode()):
        return None
    return "only a new container image or environment forces it and it mounts no volume: a redeploy of a stateless "\
           "container"
