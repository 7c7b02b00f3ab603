"""Risk rules, lifecycle helper: replaces of objects that hold nothing the plan does not re-create — compute that
runs what the plan names (a function, a script, a service of containers, a scale set or compute pool, compute that
suspends itself when idle) with no volume or data disk, a node pool that is not its cluster's system pool,
configuration the plan writes in full (a template, a dashboard, a webhook, an alias whose target stays), and a
secret re-written in place with new values for the same entries; ladders.py grades replaces with them. Named by
what the type is in any provider; nothing here reads a database, bucket, disk, key or zone, whose replacement
starts empty."""

from __future__ import annotations

import re
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.diff import UNKNOWN
from tfreview.pipeline.findings import ReviewInput
from tfreview.pipeline.rules.kinds import DATA_WORDS, RUN_ONCE, STATEFUL
from tfreview.pipeline.rules.narrowing import KEY_STORES
from tfreview.pipeline.rules.pools import NODE_POOLS, node_pool_kept_cluster
from tfreview.pipeline.rules.rebuilds import DATA_DISKS, DATA_TYPES, MACHINES, ROLE_TAGS, STATEFUL_ROLES
from tfreview.pipeline.rules.replicas import destroyed_by_name
from tfreview.pipeline.rules.tightened import COMPUTED
from tfreview.pipeline.rules.values import leaves, pairs

# Compute that runs what the plan names: functions, edge scripts, services of containers, scale sets and pools of
# interchangeable machines (any provider's spelling).
COMPUTE = lazy_compile(r"(?:^|_)(?:function|functions|lambda_function|function_app|script|scripts|worker_script"
                       r"|workers_script|(?:run|run_v2|container|app_runner|apprunner)_service|container_app"
                       r"|scale_set|virtual_machine_scale_set|vmss|compute_pool|worker_pool|runner_pool|agent_pool"
                       r"|executor_pool)(?:_v\d+)?$")
# Settings that keep data beside what the plan names: volumes, mounts, file systems, storage accounts.
HOLDS_DATA = lazy_compile(r"(?:^|[._])(?:volume|volumes|persistent|stateful|file_system|file_system_config|efs|mount"
                          r"|mounts|storage_account|storage_account_name|storage_account_id|state|database|db)(?:[.\[]|$)")
# Settings by which compute stops or suspends itself when idle: nothing lives only in it.
SELF_STOPPING = lazy_compile(r"^(?:auto_?termination(?:_minutes)?|auto_?suspend(?:_secs|_seconds|_minutes)?"
                             r"|auto_?stop(?:_mins|_minutes)?|idle_(?:timeout|shutdown)(?:_minutes|_seconds)?"
                             r"|auto_?pause(?:_delay(?:_in_minutes)?)?)$")
# Words of a compute type that DATA_WORDS reads as data although they name compute (a cluster of machines).
COMPUTE_WORDS = frozenset({"cluster", "instance", "pool"})
# A node pool's own mode saying it is not the pool the cluster's system workloads run on.
SECONDARY_MODES = frozenset({"user", "secondary", "worker", "workload"})
# Configuration the plan writes in full: templates, dashboards, webhooks, aliases.
WRITTEN = lazy_compile(r"(?:^|_)(?:launch_template|template|dashboard|dashboard_json|webhook|web_hook"
                       r"|hook)(?:_v\d+)?$")
ALIASES = lazy_compile(r"(?:^|_)alias(?:es)?$")
TARGET_KEY = lazy_compile(r"^(?:target|target_\w+|\w+_id|key_id|key|function_name|function_version)$")


def _before(change: Change) -> dict[str, Any]:
    return change.before if isinstance(change.before, dict) else {}


def _keeps_data(values: dict[str, Any]) -> bool:
    """Whether any set leaf of VALUES is a volume, data disk, mount, file system or storage account."""
    return any((HOLDS_DATA.search(path.lower()) or DATA_DISKS.search(path.lower()))
               and value not in (None, "", [], {}, False, 0) for path, value in leaves(values))


def _stateful_role(change: Change, values: dict[str, Any]) -> bool:
    """Whether the object's address, name or role tags say it keeps state (a database, a primary, a broker)."""
    words = [change.address, *(str(values.get(k) or "") for k in ("name", "function_name", "cluster_name"))]
    for key in ("tags", "labels", "custom_tags"):
        tags = values.get(key)
        if isinstance(tags, dict):
            words += [str(v) for k, v in tags.items() if str(k).lower() in ROLE_TAGS]
    return bool(STATEFUL_ROLES.search(" ".join(words).lower().replace("-", "_")))


def _data_words(resource_type: str) -> set[str]:
    """The words of a type that DATA_WORDS reads as data."""
    return {word for word in resource_type.split("_") if DATA_WORDS.search(word)}


def _holds_nothing(change: Change) -> bool:
    """Whether a replaced object is not a listed data type, keeps no data beside what the plan names, and no role
    of it says it keeps state."""
    before = _before(change)
    return change.action is Action.REPLACE and change.type not in STATEFUL and not _keeps_data(before) \
        and not _stateful_role(change, before)


def compute_recreated(change: Change) -> str | None:
    """Why replacing compute loses nothing, or None: a function, script, service of containers, scale set or
    compute pool that keeps no data of its own; its replacement runs what the plan names again."""
    if not COMPUTE.search(change.type) or _data_words(change.type) - COMPUTE_WORDS \
            or DATA_TYPES.search(change.type.partition("_")[2]) or not _holds_nothing(change):
        return None
    return ("compute re-created from the plan's own settings: it mounts no volume or data disk and nothing says it "
            "keeps state; check nothing still calls it by its old name while it is re-made")


def self_stopping(change: Change) -> str | None:
    """Why replacing compute that stops itself when idle loses nothing, or None: its only data word names compute
    (a cluster, a pool; not an instance or notebook, whose disk stays with it), it is set to terminate or suspend
    when idle, and it keeps no data of its own."""
    if _data_words(change.type) - {"cluster", "pool"} or DATA_TYPES.search(change.type.partition("_")[2].replace(
            "cluster", "")) or not _holds_nothing(change) or not any(
            SELF_STOPPING.match(str(key).lower()) and isinstance(value, int | float) and not isinstance(value, bool)
            and value > 0 for key, value in _before(change).items()):
        return None
    return "compute that terminates or suspends itself when idle: nothing lives only in it, and it keeps no data"


def secondary_pool(change: Change, ri: ReviewInput) -> str | None:
    """Why replacing a node pool loses nothing, or None: its own mode says it is not the system pool, it keeps
    no data, and its cluster stays."""
    mode = _before(change).get("mode")
    if change.action is not Action.REPLACE or not NODE_POOLS.search(change.type) \
            or not isinstance(mode, str) or mode.strip().lower() not in SECONDARY_MODES \
            or _keeps_data(_before(change)) or node_pool_kept_cluster(change, ri) is None:
        return None
    return f"a {mode} node pool: the cluster keeps its system pool, and the nodes hold no data"


def written_in_full(change: Change, ri: ReviewInput) -> str | None:
    """Why replacing configuration loses nothing, or None: a template, dashboard or webhook (what the type's last
    word says it is) holds only what the plan writes; an alias is re-made pointing at a target that stays."""
    if change.action is not Action.REPLACE or change.type in STATEFUL:
        return None
    if WRITTEN.search(change.type):
        return "configuration the plan writes in full, re-made with it: it keeps nothing else"
    if not ALIASES.search(change.type):
        return None
    before, after = _before(change), change.after if isinstance(change.after, dict) else {}
    targets = {k: v for k, v in before.items() if TARGET_KEY.match(str(k)) and isinstance(v, str) and v}
    if not targets or any(after.get(k) != v for k, v in targets.items()) \
            or any(destroyed_by_name(ri).get(v, set()) - {id(change)} for v in targets.values()):
        return None
    return f"an alias re-made pointing at {next(iter(targets.values()))}, which stays; check nothing still uses " \
        "the old alias name"


# Where a secret object keeps the values the plan writes into it.
VALUE_KEYS = ("data", "string_data", "binary_data", "secret_string", "secret_data", "value")
# Attributes the provider sets on each new object (at any depth): a replace gives them new values.
NEW_IDS = COMPUTED | {"uid", "resource_version", "generation"}
MASKED = "(sensitive"


def _same_entries(old: Any, new: Any) -> bool:
    """Whether a secret's values keep their entries: the same keys of a map, or sensitive values on both sides
    (the plan supplies them; their keys are masked with them)."""
    if isinstance(old, dict) and isinstance(new, dict):
        return set(old) == set(new)
    return isinstance(old, str) and isinstance(new, str) and (old.startswith(MASKED) == new.startswith(MASKED))


def values_rotated(change: Change) -> str | None:
    """Why replacing a secret object loses nothing, or None: it holds only entries the plan writes (all known),
    re-made under the same name, in the same place, with the same entries; only their values change (a rotated
    certificate or password). Not keys that encrypt data others hold."""
    before, after = _before(change), change.after if isinstance(change.after, dict) else {}
    unknown = change.after_unknown if isinstance(change.after_unknown, dict) else {}
    if change.action is not Action.REPLACE or KEY_STORES.search(change.type) \
            or STATEFUL.get(change.type, "secret") != "secret":
        return None
    held = [k for k in VALUE_KEYS if before.get(k) not in (None, "", {}) and k not in unknown]
    if not held or any(not _same_entries(before[k], after.get(k)) for k in held):
        return None
    rotated = False
    for path, _old, value in pairs(change):
        top, last = re.split(r"[.\[]", path, maxsplit=1)[0], re.split(r"[.\]]", path)[-1]
        if top in held and value is not UNKNOWN and value is not None:
            rotated = True
        elif not (last in NEW_IDS and (value is None or value is UNKNOWN)):
            return None
    return "a secret re-written in place with new values for the same entries: a rotation; check its users reload" \
        if rotated else None


EMPTY: tuple[Any, ...] = (None, "", [], {})


def tainted_as_it_was(change: Change) -> str | None:
    """Why replacing a tainted object that holds no data loses nothing, or None: Terraform re-makes it because
    its last apply did not finish, and every setting the plan knows stays what it was (a route to the same
    target, a rule with the same ports). A changed setting, or a type that holds data, runs a machine (whose
    disk starts empty) or runs once (a job re-made runs its work again), is judged as any replace; the object's
    name is no matter (a route named for the data subnet holds no data)."""
    after = change.after if isinstance(change.after, dict) else {}
    unknown = change.after_unknown if isinstance(change.after_unknown, dict) else {}
    before = _before(change)
    if change.action_reason != "replace_because_tainted" or not after or change.type in STATEFUL \
            or _data_words(change.type) or DATA_TYPES.search(change.type) or MACHINES.search(change.type) \
            or RUN_ONCE.search(change.type):
        return None
    for key, value in after.items():
        if key in unknown or value == before.get(key) or (value in EMPTY and before.get(key) in EMPTY):
            continue
        return None
    return "tainted, re-made with every setting it had: it holds no data"
