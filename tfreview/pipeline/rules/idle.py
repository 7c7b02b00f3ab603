"""Risk rules, lifecycle helper (delete grading): an object whose own settings prove it holds nothing lasting and
runs nothing — a workload (a Helm release, a service, a group of machines) already scaled to zero copies with no
storage of its own and no autoscaler to bring it back, and an in-memory cache that persists nothing to disk and
may evict any key (so everything in it can be rebuilt by its users), and a store whose own lifecycle rule deletes
every object within days (a build cache). ladders.py grades deletes with them."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import orjson

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.decoding import embedded
from tfreview.pipeline.rules.common import as_dict, snake_case
from tfreview.pipeline.rules.values import number

_WORD = lazy_compile(r"[a-z0-9]+")
# Words of a setting that counts a workload's copies (`replicaCount`, `desired_count`, `min_size`, `maxReplicas`).
REPLICAS = frozenset({"replica", "replicas"})
BOUNDS = frozenset({"min", "max"})
SIZES = frozenset({"size", "capacity", "replicas"})
# Settings that keep data for a workload (a chart's `persistence`, volume claims, a StatefulSet's storage).
STORAGE = frozenset({"persistence", "persistent", "pvc", "claim", "volumeclaimtemplates", "volumeclaim", "storage",
                     "volumes", "volume"})
# What brings a workload back up on demand: an autoscaler, KEDA, an HPA.
AUTOSCALERS = frozenset({"autoscaling", "autoscaler", "hpa", "keda", "scaling"})
# Words of a chart, image or name that say the workload is a data engine: its volumes are judged elsewhere.
DATA_ENGINES = lazy_compile(r"postgres|mysql|mariadb|mongo|redis|kafka|elastic|opensearch|cassandra|clickhouse"
                            r"|zookeeper|etcd|minio|rabbitmq|nats|vault|consul|influx|prometheus|loki|timescale")
# An eviction policy under which the store may drop any key when full: its users must be able to rebuild all of it.
EVICT_ANY = lazy_compile(r"^allkeys[-_]")
# Settings that write an in-memory store to disk or keep copies of it (RDB/AOF, snapshots, backups, persistence).
PERSISTS = frozenset({"rdb", "aof", "persistence", "snapshot", "snapshots", "backup", "backups", "export"})
OFF = frozenset({"", "disabled", "disable", "none", "off", "false", "no", "0", "never"})
ENGINE_KEYS = ("engine", "engine_type", "kind", "type")
MAX_DEPTH = 12


def _words(key: str) -> list[str]:
    """A key's words, camelCase split (`replicaCount` → replica, count; `maxmemory-policy` → maxmemory, policy)."""
    return _WORD.findall(snake_case(key))


def _settings(value: Any, path: tuple[str, ...] = (), depth: int = 0) -> Iterator[tuple[tuple[str, ...], Any]]:
    """(key path, value) of every setting, Helm values and `set` blocks decoded; a block switched off
    (`enabled: false`) is skipped whole."""
    if depth > MAX_DEPTH:
        return
    if isinstance(value, str) and (document := embedded(value)) is not None:
        yield from _settings(document, path, depth + 1)
    elif isinstance(value, dict):
        if value.get("enabled") is False or str(value.get("enabled", "")).lower() == "false":
            return
        if isinstance(name := value.get("name"), str) and "value" in value and len(value) <= 3:  # a `set` block
            yield (*path, *name.split(".")), value.get("value")
            return
        for key, inner in value.items():
            yield from _settings(inner, (*path, str(key)), depth + 1)
    elif isinstance(value, list):
        for item in value:
            yield from _settings(item, path, depth + 1)
    else:
        yield path, value


def _before(change: Change) -> dict[str, Any]:
    return as_dict(change.before) if change.action is Action.DELETE else {}


def scaled_to_zero(change: Change) -> str | None:
    """Why a deleted workload runs nothing and keeps nothing, or None: every count of copies it sets is 0 (and it
    sets one), no autoscaler or storage block is switched on, and it runs no data engine."""
    attrs = _before(change)
    if not attrs or DATA_ENGINES.search(" ".join(str(attrs.get(k) or "") for k in ("chart", "name", "image")).lower()):
        return None
    counts: list[float | None] = []
    for path, value in _settings(attrs):
        words = {w for step in path for w in _words(step)}
        if words & (STORAGE | AUTOSCALERS) and value not in (None, "", [], {}):
            return None
        if path and _counts_copies(set(_words(path[-1]))):
            counts.append(number(value))
    if not counts or any(count != 0 for count in counts):
        return None
    return "its own settings say it runs zero copies, with no autoscaler or storage: it already serves nothing"


def _counts_copies(words: set[str]) -> bool:
    """Whether a key's words say it counts a workload's copies (replicas, desired, a min or max size)."""
    return bool(words & REPLICAS or "desired" in words or (words & BOUNDS and words & SIZES))


def volatile_cache(change: Change) -> str | None:
    """Why a deleted in-memory store holds nothing its users cannot rebuild, or None: it is memcached, or it may
    evict any key when full (`allkeys-lru`); and no setting writes it to disk or keeps a copy (RDB, AOF,
    snapshots, backups)."""
    attrs = _before(change)
    if not attrs:
        return None
    memcached = any("memcache" in str(attrs.get(k) or "").lower() for k in ENGINE_KEYS) or "memcache" in change.type
    if not memcached and not _may_evict_any(attrs):
        return None
    evicts_any = memcached
    for path, value in _settings(attrs):
        words = {w for step in path for w in _words(step)}
        if words & PERSISTS and _on(value):
            return None
        if path and {"maxmemory", "policy"} <= set(_words(path[-1])) and isinstance(value, str):
            evicts_any = evicts_any or bool(EVICT_ANY.match(value.strip().lower()))
    if not evicts_any:
        return None
    return ("an in-memory cache that persists nothing and may evict any key: it holds no data its users cannot "
            "rebuild; check nothing still connects to it")


def _may_evict_any(attrs: dict[str, Any]) -> bool:
    """Whether ATTRS could set an evict-any policy: their JSON spells `maxmemory` and `allkeys`, or holds text that
    could spell them unseen (an escape, percent-encoding, non-ASCII), as wordgate.py reads it. Most deletes are no
    cache: one C-speed scan spares them the walk over every setting."""
    try:
        text = orjson.dumps(attrs).lower()
    except orjson.JSONEncodeError:
        return True
    return not text.isascii() or b"\\\\" in text or b"%" in text or (b"maxmemory" in text and b"allkeys" in text)


def _on(value: Any) -> bool:
    """Whether a persistence setting's value keeps something (a switch on, a retention above 0, a mode named)."""
    if value is None or value is False or value in ([], {}):
        return False
    amount = number(value)
    if amount is not None:
        return amount > 0
    return value is True or str(value).strip().lower() not in OFF


# A store whose own lifecycle deletes every object within this many days holds only that window of data.
SHORT_LIVED_DAYS = 7
# A lifecycle action that deletes objects, and the settings that say after how long.
DELETES = frozenset({"delete", "expire", "expiration"})
AGE_KEYS = frozenset({"age", "days", "age_days", "expiration_days", "days_after_creation"})
# Condition values that still take every live object (GCS `with_state = "ANY"`).
EVERY_STATE = frozenset({"any", "live"})
EMPTY: tuple[Any, ...] = (None, "", [], {}, 0, False)


def _first(value: Any) -> dict[str, Any]:
    """A block (a map, or the first map of a list of one)."""
    return as_dict(value[0] if isinstance(value, list) and len(value) == 1 else value)


def _expiry_days(rule: dict[str, Any]) -> int | None:
    """The days after which a lifecycle rule deletes every live object, or None when it deletes less (a prefix, a
    tag, old versions only) or does not delete."""
    action, condition = _first(rule.get("action")), _first(rule.get("condition") or rule.get("expiration"))
    kind = str(action.get("type") or "").strip().lower() if action else ("expire" if rule.get("expiration") else "")
    if kind not in DELETES or not condition or rule.get("enabled") is False \
            or str(rule.get("status") or "enabled").lower() != "enabled":
        return None
    days = [number(v) for k, v in condition.items() if k in AGE_KEYS and v not in EMPTY]
    rest = [k for k, v in condition.items() if k not in AGE_KEYS and v not in EMPTY
            and not (k == "with_state" and str(v).lower() in EVERY_STATE)]
    narrowed = any(v not in EMPTY for k, v in rule.items() if k in ("filter", "prefix"))
    return int(days[0]) if len(days) == 1 and days[0] is not None and not rest and not narrowed else None


def short_lived(change: Change) -> str | None:
    """Why a deleted (or replaced) store holds nothing lasting, or None: its own lifecycle rule deletes every live
    object within SHORT_LIVED_DAYS, and it keeps no old versions."""
    attrs = as_dict(change.before) if change.action in (Action.DELETE, Action.REPLACE) else {}
    if any(_first(v).get("enabled") is True or str(_first(v).get("status")).lower() == "enabled"
           for k, v in attrs.items() if "versioning" in k):
        return None
    rules = [rule for key, value in attrs.items() if "lifecycle" in key
             for rule in (value if isinstance(value, list) else [value]) if isinstance(rule, dict)]
    days = [d for rule in rules if (d := _expiry_days(rule)) is not None and 0 < d <= SHORT_LIVED_DAYS]
    return None if not days else f"its own lifecycle deletes every object after {min(days)} days: it holds only that"
