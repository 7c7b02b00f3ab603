"""Risk rules, lifecycle helper: deletes that lose nothing lasting because of where the object lived — a
non-production message store that keeps messages only briefly, and an object torn down with the disposable
container (resource group, namespace, project) it lives in, or with the whole module instance of a preview or
PR environment (its key names it) when nothing else in the plan is deleted; ladders.py grades deletes with them."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import ReviewInput
from tfreview.pipeline.rules.disposable import CONTAINERS, DATA_ENGINES, self_disposable
from tfreview.pipeline.rules.environments import (
    NON_PRODUCTION_ENVS,
    PRODUCTION_TOKENS,
    label_tokens,
    labelled_disposable,
    non_production,
)
from tfreview.pipeline.rules.planview import plan_view
from tfreview.pipeline.rules.previews import PREVIEW_MODULE
from tfreview.pipeline.rules.units import duration, unit_of, words

# Stores of messages in flight (queues, topics, streams of any provider).
MESSAGE_STORES = lazy_compile(r"(?:^|_)(?:queue|topic|stream|eventhub|hub|channel|subscription)s?(?:_|$)")
# Settings that say how long a message is kept (`retention_hours`, `message_retention_seconds`, `message_ttl`).
KEEPS = lazy_compile(r"retention|ttl|time_to_live|expir")
BRIEF = 86400.0  # a day: a store that keeps messages no longer holds only that window
PROTECTED = lazy_compile(r"^(?:deletion_protection\w*|delete_protection|termination_protection|prevent_destroy)$")
# Settings by which an object names the container it lives in (`resource_group_name`, `namespace`, `project`).
PLACED_IN = lazy_compile(r"(?:^|_)(?:resource_group|group|namespace|project|folder|compartment|workspace|space)"
                         r"(?:_name|_id)?$")
CONTAINER_NAMES = ("id", "name", "project_id")
# The innermost module step of an address: its call name and, when it has one, its for_each key.
_LAST_STEP = lazy_compile(r'module\.([\w-]+)(?:\["([^"]*)"\]|\[\d+\])?$')


def _before(change: Change) -> dict[str, Any]:
    return change.before if isinstance(change.before, dict) and change.action is Action.DELETE else {}


def brief_messages(change: Change) -> str | None:
    """Why a deleted message store loses nothing lasting: its own tags (or its own name: `loadtest.orders`) say
    non-production and every retention setting (a Kafka topic's `config` too) keeps messages a day or less; else
    None."""
    attrs = _before(change)
    if not MESSAGE_STORES.search(change.type) or not (non_production(change) or _named_non_production(attrs)) \
            or _protected(attrs):
        return None
    settings = {**attrs, **(attrs["config"] if isinstance(attrs.get("config"), dict) else {})}  # a Kafka topic's
    spans = [duration(value, unit_of(key, settings)) for key, value in settings.items()
             if KEEPS.search(key) and not isinstance(value, bool) and not (key.startswith("delete.") and "." in key)]
    if not spans or any(span is None or not 0 < span <= BRIEF for span in spans):
        return None
    longest = max(span for span in spans if span is not None)
    return f"non-production, and it keeps messages {_shown(longest)} at most: only that window goes with it"


def _named_non_production(attrs: dict[str, Any]) -> bool:
    """Whether the store's own name says non-production (a load test's, a dev topic) and nothing says production."""
    name = words(str(attrs.get("name") or attrs.get("topic_name") or attrs.get("queue_name") or ""))
    return bool(name & NON_PRODUCTION_ENVS) and not name & PRODUCTION_TOKENS


def with_container(change: Change, ri: ReviewInput, stateful: Callable[[str], bool]) -> str | None:
    """Why an object goes with its environment: it lives in a container (resource group, namespace, project) this
    plan deletes too, the container says it is disposable, and the object's own labels say so as well (none
    production, not protected); else None."""
    attrs = _before(change)
    name = words(str(attrs.get("name") or attrs.get("identifier") or ""))
    if not attrs or not labelled_disposable(attrs) or _protected(attrs) \
            or (name | label_tokens(attrs)) & PRODUCTION_TOKENS:
        return None
    for other in plan_view(ri).of(Action.DELETE):
        if other is not change and CONTAINERS.search(other.type) and _inside(attrs, _before(other)) \
                and self_disposable(other, stateful(other.type)) is not None:
            return f"it lives in {other.address}, a disposable environment this plan tears down with it"
    return None


CONTAINER_IDS = ("project_id", "name", "id")
MIN_NAME = 6  # a shorter name would be met among unrelated values


def made_for_container(change: Change, ri: ReviewInput, stateful: Callable[[str], bool]) -> str | None:
    """Why an object that holds no data goes with a container (project, namespace, resource group) the plan deletes:
    the two live in the same module instance and the object's own name is the container's (a project's budget,
    named for the project). The container's delete is judged on its own."""
    attrs = _before(change)
    if not attrs or stateful(change.type) or CONTAINERS.search(change.type):
        return None
    own = {v for key in ("name", "display_name") if isinstance(v := attrs.get(key), str) and len(v) >= MIN_NAME}
    for other in plan_view(ri).of(Action.DELETE):
        if other.module != change.module or other is change or not CONTAINERS.search(other.type):
            continue
        names = {v for key in CONTAINER_IDS if isinstance(v := _before(other).get(key), str)}
        if own & names:
            return f"it was made for {other.address}, which this plan deletes too (judged on its own)"
    return None


def preview_instance(change: Change, ri: ReviewInput) -> str | None:
    """Why a delete goes with a preview environment: its module instance's key (or, unkeyed, its call name) names a
    preview or PR environment, every change of that instance is a delete, no delete of the plan lies outside it, the
    object is, or lives in, a container (namespace, project) the instance deletes, and it is no data engine and nothing
    of it says production or protected; else None."""
    instance = change.module
    step = _LAST_STEP.search(instance or "")
    attrs = _before(change)
    if instance is None or step is None or not attrs or _protected(attrs):
        return None
    word = step[2] if step[2] is not None else step[1]
    if not PREVIEW_MODULE.match(word) or (words(str(attrs.get("name") or "")) | label_tokens(attrs)) \
            & PRODUCTION_TOKENS:
        return None
    inside = [c for c in plan_view(ri).changes if c.mode == "managed" and _under(c.module, instance)]
    deletes = plan_view(ri).of(Action.DELETE)
    if any(c.action is not Action.DELETE for c in inside) or any(not _under(c.module, instance) for c in deletes) \
            or _data_engine(change.type, attrs):
        return None
    if CONTAINERS.search(change.type):
        return f"the container of the whole module instance {instance} (a preview environment), nothing else deleted"
    for other in inside:
        if other is not change and CONTAINERS.search(other.type) and _inside(attrs, _before(other)):
            return (f"it lives in {other.address}, and the whole module instance {instance} (a preview environment)"
                    " goes with nothing else deleted")
    return None


def _data_engine(resource_type: str, attrs: dict[str, Any]) -> bool:
    """Whether an object's type or own names say it runs a data engine (postgres, redis, kafka…)."""
    names = (resource_type, attrs.get("name"), *(meta.get("name") for meta in _metadata(attrs)))
    return any(DATA_ENGINES.search(re.sub(r"\W", "_", str(name or "").lower())) for name in names)


def _under(module: str | None, instance: str) -> bool:
    return module is not None and (module == instance or module.startswith(instance + "."))


def _inside(attrs: dict[str, Any], container: dict[str, Any]) -> bool:
    """Whether an object lives in a container: its id is under the container's, or a placement setting (or its
    Kubernetes namespace) names the container."""
    names = {value for key in CONTAINER_NAMES if isinstance(value := container.get(key), str) and len(value) >= 3}
    names |= {meta["name"] for meta in _metadata(container) if isinstance(meta.get("name"), str)}
    ident = container.get("id")
    if isinstance(ident, str) and "/" in ident and str(attrs.get("id") or "").lower().startswith(ident.lower() + "/"):
        return True
    placed = {value for key, value in attrs.items() if PLACED_IN.search(key) and isinstance(value, str)}
    placed |= {meta["namespace"] for meta in _metadata(attrs) if isinstance(meta.get("namespace"), str)}
    return bool(placed & names)


def _metadata(attrs: dict[str, Any]) -> list[dict[str, Any]]:
    meta = attrs.get("metadata")
    return [m for m in (meta if isinstance(meta, list) else [meta]) if isinstance(m, dict)]


def _protected(attrs: dict[str, Any]) -> bool:
    return any(value is True for key, value in attrs.items() if PROTECTED.match(key))


def _shown(seconds: float) -> str:
    """A duration in its largest whole unit."""
    for size, unit in ((86400, "day"), (3600, "hour"), (60, "minute")):
        if seconds >= size and seconds % size == 0:
            count = int(seconds // size)
            return f"{count} {unit}{'s' if count != 1 else ''}"
    return f"{seconds:g} seconds"
