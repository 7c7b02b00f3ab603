"""Risk rules, lifecycle helper: deletes and replaces judged by what the object holds and by the rest of the plan
(config rebuilt from code, stateless or spot machines, caches without persistence, a successor that takes over);
ladders.py grades deletes and replaces with it."""

from __future__ import annotations

import bisect
import json
import re
from collections import defaultdict
from dataclasses import dataclass

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.configuration import config_address, configuration, module_of
from tfreview.pipeline.findings import ReviewInput, is_helper_type
from tfreview.pipeline.rules.disposable import COMPUTE, CONTAINERS, DATA_ENGINES, self_disposable
from tfreview.pipeline.rules.environments import LABEL_FIELDS, labelled_disposable
from tfreview.pipeline.rules.planview import PlanView, plan_view
from tfreview.pipeline.rules.tightened import weaker_successor

# Configuration that holds no data and is rebuilt from code as it is: monitors, alert conditions, dashboards,
# compute-only warehouses, service plans. Replacing one re-makes the same thing.
CONFIG_ONLY = lazy_compile(r"(?:^|_)(?:monitor|monitors|alert|alarm|alert_condition|condition|dashboard|dashboards"
                           r"|warehouse|service_plan|page_rule|group_rule)(?:_v\d+)?$")
# Kinds of configuration that a new object of the same kind can take over whole (rules, plans, policies, alert
# conditions): not services with their own history or integration keys, which a new object does not carry.
SUCCEEDED = lazy_compile(r"(?:^|_)(?:rule|rules|ruleset|plan|policy|condition|monitor|alert|alarm|dashboard|setting"
                         r"|settings|template|warehouse|configuration)(?:_v\d+)?$")
# A version at the end of a name (letters and digits only, as _name gives it): `v2`, `2`.
VERSIONED = lazy_compile(r"v?\d+$")
# What only shows data kept elsewhere: deleting it loses a view, not data.
VIEWS = lazy_compile(r"(?:^|_)(?:dashboard|dashboards)(?:_v\d+)?$")
# Observability configuration: watches a service and holds none of its data (security detections are not this).
OBSERVING = lazy_compile(r"(?:^|_)(?:monitor|monitors|alert|alerts|alarm|alert_condition|alert_policy|dashboard"
                         r"|dashboards|slo|service_level_objective|synthetics_test|uptime_check|notification_channel"
                         r"|workload|nrql_alert_condition)(?:_v\d+)?$")
# Machines: a VM, server, droplet or runner. Its disk goes with it, so what it runs decides.
MACHINES = lazy_compile(r"(?:^|_)(?:instance|server|vm|virtual_machine|runner|droplet|machine)$")
# Managed data services named like machines (`*_db_instance`, `*_cluster_instance`): never judged as machines.
MANAGED_DATA = lazy_compile(r"(?:^|_)(?:cluster|rds|docdb|neptune|redshift|memorydb|alloydb|cosmosdb)(?:_|$)")
# Roles a machine's name, labels or tags give it that keep nothing on it.
STATELESS_ROLES = lazy_compile(r"^(?:stateless|ephemeral|ci|runner|builder|build|bastion|jump|jumphost|spot"
                               r"|preemptible)$")
# Roles that say the machine holds data: these win over any stateless word.
DATA_ROLES = lazy_compile(r"^(?:db|database|data|postgres|postgresql|mysql|mariadb|mongo|mongodb|redis|primary"
                          r"|replica|etcd|kafka|zookeeper|elasticsearch|storage|nfs|ledger|vault|minio|ceph)$")
# Attributes that attach data disks to a machine (they go with it when it is destroyed).
DATA_DISKS = lazy_compile(r"data_disk|attached_disk|ebs_block_device|storage_data_disk|volume_ids?$|^volumes?$"
                          r"|scratch_disk|additional_disk")
# Cache engines and durability settings that keep nothing on restart.
VOLATILE_ENGINES = frozenset({"memcached", "memcache"})
NO_DURABILITY = frozenset({"none", "off", "disabled", "ephemeral", "in-memory", "memory"})
_HOST = lazy_compile(r"\b(?:[a-z0-9-]+\.)+[a-z]{2,}\b")
_WORD = lazy_compile(r"[a-z0-9]+")


def _attrs(change: Change) -> dict[str, object]:
    """The object's attributes before the change (its after values for a create)."""
    side = change.after if change.action is Action.CREATE else change.before
    return side if isinstance(side, dict) else {}


def _role_words(attrs: dict[str, object]) -> set[str]:
    """Words of the machine's name and its label or tag keys and values."""
    text = [str(attrs.get(key) or "") for key in ("name", "display_name", "instance_name", "hostname")]
    for field in LABEL_FIELDS:
        value = attrs.get(field)
        if isinstance(value, dict):
            text += [f"{k} {v}" for k, v in value.items() if str(v).lower() not in ("false", "no", "0")]
        elif isinstance(value, list):
            text += [str(item) for item in value]
    return {word for chunk in text for word in _WORD.findall(chunk.lower())}


def _spot(attrs: dict[str, object]) -> bool:
    """Whether the machine is a spot or preemptible instance (reclaimable by the cloud at any time)."""
    strategy = str(attrs.get("spot_strategy") or "").lower()
    model = str(attrs.get("provisioning_model") or "").lower()
    scheduling = attrs.get("scheduling")
    nested = scheduling[0] if isinstance(scheduling, list) and scheduling and isinstance(scheduling[0], dict) else {}
    return (strategy not in ("", "nospot") or bool(attrs.get("spot_price")) or attrs.get("preemptible") is True
            or model == "spot" or nested.get("preemptible") is True
            or str(nested.get("provisioning_model") or "").lower() == "spot")


def stateless_machine(change: Change) -> str | None:
    """Why a machine keeps nothing, or None: no data disks, and spot (any delete or replace) or a stateless, CI,
    builder or bastion role (a replace: the same role comes back from its image)."""
    if not (MACHINES.search(change.type) or COMPUTE.search(change.type)) or DATA_ENGINES.search(change.type) \
            or MANAGED_DATA.search(change.type):
        return None
    attrs = change.before if isinstance(change.before, dict) else {}
    words = _role_words(attrs)
    if words & {w for w in words if DATA_ROLES.match(w)}:
        return None
    if any(DATA_DISKS.search(key) and value not in (None, [], {}, "") for key, value in attrs.items()):
        return None
    if _spot(attrs):
        return "a spot or preemptible machine with no data disks: the cloud may reclaim it at any time"
    if change.action is Action.REPLACE and (any(STATELESS_ROLES.match(w) for w in words)
                                            or labelled_disposable(attrs)):
        return "a machine whose role says it keeps nothing (stateless, CI, builder or bastion) and no data disks"
    return None


def volatile_cache(change: Change) -> str | None:
    """Why a cache keeps nothing across restarts (memcached, durability none), or None."""
    attrs = change.before if isinstance(change.before, dict) else {}
    if str(attrs.get("engine") or "").lower() in VOLATILE_ENGINES:
        return f"a {attrs['engine']} cache: it has no persistence, clients refill it"
    if str(attrs.get("durability") or attrs.get("persistence") or "").lower() in NO_DURABILITY:
        return "a cache that declares no durability: clients refill it"
    return None


def _kind(resource_type: str) -> tuple[str, str]:
    """A type's provider prefix and its last word (the kind of thing it is)."""
    words = resource_type.split("_")
    return words[0], words[-1]


def _same_kind(old: str, new: str) -> bool:
    """Whether NEW is the same kind of object as OLD, or its successor (same provider, same last word or a
    set of them: `app_service_plan` → `service_plan`, `page_rule` → `ruleset`)."""
    (old_provider, old_word), (new_provider, new_word) = _kind(old), _kind(new)
    return old == new or (old_provider == new_provider and new_word.startswith(old_word))


def _name(attrs: dict[str, object]) -> str:
    """The object's name, lower-case letters and digits only ('' when it has none)."""
    for key in ("name", "display_name", "cluster_id", "title", "identifier"):
        if isinstance(attrs.get(key), str) and attrs[key]:
            return "".join(_WORD.findall(str(attrs[key]).lower()))
    return ""


@dataclass
class _Evidence:
    """What shows one object taking over another: its name, the host names it holds, its lists of assignments."""

    name: str
    hosts: frozenset[str]
    lists: frozenset[tuple[str, tuple[str, ...]]]


def _evidence(attrs: dict[str, object]) -> _Evidence:
    lists = frozenset((key, tuple(value)) for key, value in attrs.items()
                      if isinstance(value, list) and value and all(isinstance(v, str) for v in value))
    return _Evidence(_name(attrs), frozenset(_HOST.findall(json.dumps(attrs).lower())), lists)


class _Creates:
    """The plan's creates indexed by their evidence, so finding who takes over a deleted object is a few lookups:
    one name extends the other, or they share a host name or a non-empty list of assignments."""

    def __init__(self, view: PlanView) -> None:
        self.order: dict[int, int] = {}
        self.by_name: dict[str, list[Change]] = defaultdict(list)
        self.by_key: dict[object, list[Change]] = defaultdict(list)
        for index, change in enumerate(view.of(Action.CREATE)):
            self.order[id(change)] = index
            found = _evidence(_attrs(change))
            if len(found.name) >= 3:
                self.by_name[found.name].append(change)
            for key in (*found.hosts, *found.lists):
                self.by_key[key].append(change)
        self.names = sorted(self.by_name)

    def candidates(self, old: dict[str, object]) -> list[Change]:
        """The creates that show evidence of taking over an object with these values, in plan order."""
        found = _evidence(old)
        hits: list[Change] = [c for key in (*found.hosts, *found.lists) for c in self.by_key.get(key, [])]
        if len(found.name) >= 3:
            start = bisect.bisect_left(self.names, found.name)
            end = start
            while end < len(self.names) and self.names[end].startswith(found.name):  # names extending it
                end += 1
            prefixes = [found.name[:size] for size in range(3, len(found.name))]  # names it extends
            hits += [c for name in (*self.names[start:end], *prefixes, *self._versions(found.name))
                     for c in self.by_name.get(name, [])]
        return sorted({id(c): c for c in hits}.values(), key=lambda c: self.order[id(c)])

    def _versions(self, name: str) -> list[str]:
        """Names of creates that are another version of NAME (`emrsecv2` → `emrsecv3`): same base, new number."""
        base = VERSIONED.sub("", name)
        if base == name or len(base) < 3:
            return []
        start = bisect.bisect_left(self.names, base)
        found = []
        while start < len(self.names) and self.names[start].startswith(base):
            if self.names[start] != name and VERSIONED.fullmatch(self.names[start][len(base):]):
                found.append(self.names[start])
            start += 1
        return found


def _container_name(change: Change) -> str:
    """The name of a namespace, project or resource group (top level or in its metadata block)."""
    attrs = change.before if isinstance(change.before, dict) else {}
    meta = attrs.get("metadata")
    if isinstance(meta, list) and meta and isinstance(meta[0], dict):
        attrs = meta[0]
    return str(attrs.get("name") or attrs.get("project_id") or "")


def inside_teardown(change: Change, ri: ReviewInput) -> str | None:
    """Why a deleted object goes with a disposable container deleted in the same plan (it lives in the namespace,
    project or group labelled ephemeral or preview), or None."""
    containers = plan_view(ri).derived("disposable containers", _disposable_containers)
    if not containers:
        return None
    attrs = change.before if isinstance(change.before, dict) else {}
    values = {str(v) for v in attrs.values() if isinstance(v, str)}
    for name, other in containers:
        if other is not change and name in values:
            return f"it lives in {other.address}, a disposable container deleted in the same plan"
    return None


def _disposable_containers(view: PlanView) -> list[tuple[str, Change]]:
    """(name, change) of the namespaces, projects and groups the plan deletes that say they are disposable."""
    return [(name, other) for other in view.of(Action.DELETE)
            if CONTAINERS.search(other.type) and self_disposable(other, True) is not None
            and (name := _container_name(other))]


def successor(change: Change, ri: ReviewInput) -> Change | None:
    """A create of the same kind (or its successor kind) in the same plan that takes over the deleted object."""
    before = change.before if isinstance(change.before, dict) else {}
    creates = plan_view(ri).derived("creates by evidence", _Creates)
    return next((other for other in creates.candidates(before) if _same_kind(change.type, other.type)), None)


def rebuilt(change: Change, ri: ReviewInput, stateful: bool) -> str | None:
    """Why a delete or replace loses nothing that code does not rebuild, or None (then it is judged as usual)."""
    if change.action is Action.REPLACE and CONFIG_ONLY.search(change.type):
        return "configuration that holds no data, re-made from code as it is"
    if change.action is Action.DELETE and VIEWS.search(change.type):
        return "a dashboard shows data kept elsewhere; it is rebuilt from code"
    why = stateless_machine(change) or volatile_cache(change) or observability_retired(change, ri)
    if why is None and change.action is Action.DELETE:
        why = inside_teardown(change, ri)
    if why is not None:
        return why
    if change.action is Action.DELETE and SUCCEEDED.search(change.type) \
            and (not stateful or CONFIG_ONLY.search(change.type)):
        new = successor(change, ri)
        if new is not None and not weaker_successor(change, new):
            return f"{new.address} is created in the same plan and takes over its role"
    return None


IDENTIFIERS = ("id", "arn", "self_link")


def _replaced(view: PlanView) -> tuple[dict[str, str], set[str]]:
    """The ids and ARNs (before) of the objects the plan replaces, to their addresses; and those config addresses."""
    ids = {str(value): c.address for c in view.of(Action.REPLACE) if isinstance(c.before, dict)
           for key in IDENTIFIERS if isinstance(value := c.before.get(key), str) and len(value) >= 6}
    return ids, {config_address(c.address) for c in view.of(Action.REPLACE)}


def repointed(change: Change, ri: ReviewInput) -> str | None:
    """Why a replace only follows another object the plan re-creates, or None: every attribute that forces it held
    that object's id or ARN, or refers to it in the configuration (a listener certificate re-pointed)."""
    if change.action is not Action.REPLACE or not change.replace_paths or not isinstance(change.before, dict):
        return None
    view = plan_view(ri)
    ids, addresses = view.derived("replaced identifiers", _replaced)
    config = configuration(ri.plan)
    module = module_of(change.address)
    followed: set[str] = set()
    for path in change.replace_paths:
        key = re.split(r"[.\[]", path, maxsplit=1)[0]
        old = change.before.get(key)
        target = ids.get(old) if isinstance(old, str) else None
        if target == change.address:
            target = None  # its own id (a release whose id is its name): following itself is no reason
        if target is None:
            expression = config.expression(change.address, (key,))
            references = expression.get("references") if isinstance(expression, dict) else None
            target = next((a for r in references or [] if isinstance(r, str) and (a := _address(module, r))
                           in addresses and a != config_address(change.address)), None)
        if target is None:
            return None
        followed.add(target)
    return f"it only re-points to {', '.join(sorted(followed))}, which this plan re-creates"


def _address(module: str, reference: str) -> str:
    """The config address a reference (`aws_acm_certificate.api.arn`) names, inside MODULE."""
    return ".".join(filter(None, [module, *reference.split(".")[:2]]))


def observability_retired(change: Change, ri: ReviewInput) -> str | None:
    """Why a deleted monitor goes with the service's observability: its whole module instance goes and held only
    monitoring, and the plan deletes a service too (what it watched goes with it); or None. A monitoring module
    removed while everything it watched stays leaves that service unwatched, and is judged as usual."""
    if change.action_reason != "delete_because_no_module" or change.module is None:
        return None
    view = plan_view(ri)
    group = view.deletes_by_module.get(change.module, [])
    if not group or any(not OBSERVING.search(c.type) or "security" in c.type for c in group):
        return None
    if not any(c.module != change.module and not OBSERVING.search(c.type) and not is_helper_type(c.type)
               for c in view.of(Action.DELETE)):
        return None
    return "its whole module instance goes and held only monitoring, beside the service this plan deletes: the " \
        "service's observability is retired"
