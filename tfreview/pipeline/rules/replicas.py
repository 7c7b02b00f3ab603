"""Risk rules, lifecycle helper: objects that hold no data of their own — a read replica rebuilt from a primary that
stays, settings that only route logs or metrics elsewhere; ladders.py grades deletes and replaces with them."""

from __future__ import annotations

import re
from collections import defaultdict

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import ReviewInput
from tfreview.pipeline.rules.narrowing import KEY_STORES
from tfreview.pipeline.rules.planview import PlanView, plan_view
from tfreview.pipeline.rules.shifts import REFACTORED

# Settings that only route logs or metrics to a store kept elsewhere (diagnostic settings, log sinks and exports,
# flow-log configs): replacing one re-makes the route; deleting one stops the logging (judged as usual).
ROUTES = lazy_compile(r"(?:^|_)(?:diagnostic_settings?|log_sink|sink|log_export|log_exports|flow_log|flow_logs"
                      r"|log_profile|subscription_filter|log_subscription|logging_config|log_forwarding)(?:_v\d+)?$")
# A type that is a replica by name (a read replica, a replica set member of another's data).
REPLICA_TYPES = lazy_compile(r"(?:^|_)(?:replica|read_replica|replicas)(?:_|$)")
# Keys crypto material is never judged by: a key's replica decrypts data others hold.
KEYS = lazy_compile(rf"{KEY_STORES.pattern}|secret")
# Attributes that make an object a replica of a named primary (any provider's spelling).
REPLICA_OF = lazy_compile(r"^(?:replicate_source_db|replication_source_identifier|master_instance_name"
                          r"|source_db_instance_identifier|read_replica_source)$")
# Attributes that name the primary a replica copies.
PRIMARY_REF = lazy_compile(r"^(?:primary|source|master|origin|upstream|replicate_source|replication_source)"
                           r"(?:_[a-z]+)*$")


def _primary(attrs: dict[str, object], by_type: bool) -> str | None:
    """The primary this object replicates, named by one of its attributes, or None."""
    for key, value in attrs.items():
        if isinstance(value, str) and value and (REPLICA_OF.match(key) or (by_type and PRIMARY_REF.match(key))):
            return value
    return None


def replica_with_primary(change: Change, ri: ReviewInput) -> str | None:
    """Why a deleted or replaced read replica loses no data, or None: it names its primary (a replacement names one
    again: it is re-made as a copy, not as an empty standalone store), and nothing deleted or replaced in the plan
    is that primary (a copy is rebuilt from it)."""
    if change.action not in (Action.DELETE, Action.REPLACE) or KEYS.search(change.type) \
            or not isinstance(change.before, dict):
        return None
    by_type = bool(REPLICA_TYPES.search(change.type))
    primary = _primary(change.before, by_type) or _source_of_secondary(change.before)
    if primary is None:
        return None
    if change.action is Action.REPLACE and not (isinstance(change.after, dict) and (
            _primary(change.after, by_type) or _source_of_secondary(change.after))):
        return None  # promoted to a standalone store: the new one starts empty
    if change.action_reason in REFACTORED and any(
            isinstance(o.after, dict) and _primary(o.after, bool(REPLICA_TYPES.search(o.type))) == primary
            for o in plan_view(ri).creates_by_type.get(change.type, [])):
        return None  # a refactor tears down a serving replica to build the same one elsewhere: judged as usual
    if destroyed_by_name(ri).get(primary, set()) - {id(change)}:
        return None
    return f"a read replica of {primary}, which stays: the copy can be rebuilt from its primary"


# A mode that makes an object a copy of another (`create_mode = "Secondary"`), and the key naming that other.
SECONDARY_MODE = lazy_compile(r"^(?:secondary|onlinesecondary|geo_?secondary|replica|read_?replica)$", re.IGNORECASE)
SOURCE_KEY = lazy_compile(r"(?:^|_)source(?:_|$)")


def _source_of_secondary(attrs: dict[str, object]) -> str | None:
    """The source a secondary copies, when its own mode says it is a secondary or replica, or None."""
    if not any(key.endswith(("mode", "role")) and isinstance(value, str) and SECONDARY_MODE.match(value.strip())
               for key, value in attrs.items()):
        return None
    return next((value for key, value in attrs.items()
                 if SOURCE_KEY.search(key) and isinstance(value, str) and value), None)


def destroyed_by_name(ri: ReviewInput) -> dict[str, set[int]]:
    """Every top-level value and address word of the objects the plan deletes or replaces: the changes that hold it."""
    return plan_view(ri).derived("destroyed by name", _destroyed_by_name)


_ADDRESS_WORDS = lazy_compile(r"[^.\[\]\"]+")


def _destroyed_by_name(view: PlanView) -> dict[str, set[int]]:
    """Every top-level value and address word of the objects the plan deletes or replaces: the changes that hold it."""
    found: dict[str, set[int]] = defaultdict(set)
    for other in view.of(Action.DELETE, Action.REPLACE):
        before = other.before if isinstance(other.before, dict) else {}
        for word in (*(str(v) for v in before.values() if isinstance(v, str | int)),
                     *_ADDRESS_WORDS.findall(other.address)):
            found[word].add(id(other))
    return found
