"""Risk rules, lifecycle helper: deletes of storage judged by what the store holds and what else the plan shows —
a store (a bucket, a dataset) whose name or tags say disposable that the provider will not delete while it holds
anything, and the
configuration of a store (its lifecycle rules, CORS, policy) deleted together with the store it configures."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import ReviewInput
from tfreview.pipeline.rules.disposable import CONTAINERS
from tfreview.pipeline.rules.environments import (
    DISPOSABLE_TOKENS,
    NON_PRODUCTION_ENVS,
    PRODUCTION_TOKENS,
    label_tokens,
    labelled_disposable,
)
from tfreview.pipeline.rules.planview import plan_view

TRANSIENT = lazy_compile(r"(?:is_)?transient")  # a store its own switch makes transient (no fail-safe)
_TOKEN = lazy_compile(r"[a-z0-9]+")
NAME_KEYS = ("name", "bucket", "bucket_name", "container_name")
# Destroy guards whose false makes the provider refuse to delete a store while it holds anything: a bucket's
# force_destroy, a BigQuery dataset's delete_contents_on_destroy.
EMPTY_ONLY_KEYS = ("force_destroy", "delete_contents_on_destroy")
# The attributes by which a configuration object names the store it configures.
STORE_KEYS = lazy_compile(r"^(?:bucket|bucket_name|bucket_id|container_name|container_id|storage_account_id|space"
                          r"|repository|repository_id|vault_name|vault_id|share_name)$")
IDENTIFIERS = ("id", "name", "bucket", "arn", "urn", "identifier", "node_id")
OWN_NAMES = ("name", "id")
# Objects that are only a way in to something or a setting of it (a private endpoint, a link, a firewall rule, a
# parameter group, an alarm): named after a store the plan deletes, they go with it.
ACCESSORIES = lazy_compile(r"(?:^|_)(?:endpoint|link|connection|group|rule|rules|alarm|alert|record|attachment"
                           r"|association|config|configuration|settings?|peering|firewall)$")
_SEPARATOR = lazy_compile(r"[-_.]")
MAX_WORDS = 12
MIN_PART = 8
# Settings by which a store names a configuration object made for it (`db_subnet_group_name`,
# `parameter_group_name`, `option_group_name`, `configuration_id`).
REFERENCES = lazy_compile(r"(?:group|config|configuration|parameters?|options?)(?:_name|_id)?$")


def own_name_keys(resource_type: str) -> tuple[str, ...]:
    """The settings that hold a store's own name: NAME_KEYS, and its type's noun with `_id` or `_name`
    (`google_bigquery_dataset` → `dataset_id`)."""
    noun = resource_type.rsplit("_", 1)[-1]
    return (*NAME_KEYS, f"{noun}_id", f"{noun}_name") if noun else NAME_KEYS


def empty_only(values: object) -> bool:
    """Whether a destroy guard is off (EMPTY_ONLY_KEYS false) and none on: the delete fails while it holds anything."""
    attrs = values if isinstance(values, dict) else {}
    guards = [attrs.get(key) for key in EMPTY_ONLY_KEYS if key in attrs]
    return bool(guards) and all(guard is False for guard in guards)


def disposable_by_name_or_labels(attrs: dict[str, object], resource_type: str = "") -> bool:
    """Whether tags or labels say disposable, or (with no production word in labels or name) the store's own name
    says ephemeral, preview, temporary, CI, dev or sandbox (`pr-1432-preview-dev`)."""
    if labelled_disposable(attrs):
        return True
    name = {w for key in own_name_keys(resource_type) for w in _TOKEN.findall(str(attrs.get(key) or "").lower())}
    if (name | label_tokens(attrs)) & PRODUCTION_TOKENS:
        return False
    return bool(name & (DISPOSABLE_TOKENS | NON_PRODUCTION_ENVS))


def _deleted_stores(view_changes: list[Change], stateful: Callable[[str], bool]) -> dict[str, str]:
    """The identifiers (id, name, bucket, ARN) of the stateful objects the plan deletes, to their addresses."""
    found: dict[str, str] = {}
    # The store before its settings (`aws_s3_bucket` before `aws_s3_bucket_versioning`, which names it too).
    for change in sorted(view_changes, key=lambda c: len(c.type)):
        if change.action is Action.DELETE and stateful(change.type) and isinstance(change.before, dict):
            for key in IDENTIFIERS:
                value = change.before.get(key)
                if isinstance(value, str) and len(value) >= 3:
                    found.setdefault(value, change.address)
    return found


def goes_with_store(change: Change, ri: ReviewInput, stateful: Callable[[str], bool]) -> str | None:
    """Why a deleted configuration object loses nothing of its own, or None: it configures a store (by its bucket,
    container or vault attribute) that the plan deletes too, and that delete is judged on its own."""
    attrs = change.before if isinstance(change.before, dict) else {}
    if change.action is not Action.DELETE or not attrs:
        return None
    view = plan_view(ri)
    stores = view.derived("deleted stores", lambda v: _deleted_stores(v.of(Action.DELETE), stateful))
    for key, value in attrs.items():
        # A setting of the store's own type (`aws_s3_bucket_versioning` of an `aws_s3_bucket`) holds no data
        # even where its type's words read stateful.
        store = stores.get(value) if isinstance(value, str) and STORE_KEYS.match(str(key)) else None
        if store is not None and store != change.address and (
                not stateful(change.type) or change.type.startswith(store.split(".")[-2] + "_")):
            return f"it configures {store}, which this plan also deletes; that delete is judged on its own"
    if stateful(change.type):
        return None
    # A scaling target or policy names what it scales by a path (`resource_id = "table/orders"`).
    scaled = attrs.get("resource_id")
    if isinstance(scaled, str) and "/" in scaled and (store := stores.get(scaled.rsplit("/", 1)[1])) is not None:
        return f"it scales {store}, which this plan also deletes; that delete is judged on its own"
    # Its own name is the store's (a subnet or parameter group made for one database), or the store names it.
    own = {value for key in OWN_NAMES if isinstance(value := attrs.get(key), str) and len(value) >= 3}
    named = view.derived("names in deleted stores", lambda v: _named_by_stores(v.of(Action.DELETE), stateful))
    store = next((stores.get(value) or named.get(value) for value in sorted(own) if value in stores or value in named),
                 None)
    if store is not None:
        return f"it was made for {store}, which this plan also deletes; that delete is judged on its own"
    # A way in to the store or a setting of it named after it (`pe-<store>`, `<store>-fw`).
    if ACCESSORIES.search(change.type) and not CONTAINERS.search(change.type):
        store = next((stores[name] for value in sorted(own) for name in _name_parts(value) if name in stores), None)
        if store is not None:
            return (f"a way in to or a setting of {store}, named after it, which this plan also deletes; that "
                    "delete is judged on its own")
    return None


def _name_parts(name: str) -> Iterator[str]:
    """The runs of whole words of NAME (not all of it), as written, of two words or eight letters or more:
    `pe-redis-cache-x` → `redis-cache-x`, `pe-redis-cache`, …"""
    cuts = [m.start() for m in _SEPARATOR.finditer(name)][:MAX_WORDS]
    starts, ends = [0, *(c + 1 for c in cuts)], [*cuts, len(name)]
    for i, start in enumerate(starts):
        for end in ends[i:]:
            part = name[start:end]
            if (start, end) != (0, len(name)) and (len(part) >= MIN_PART or _SEPARATOR.search(part)):
                yield part


def _named_by_stores(view_changes: list[Change], stateful: Callable[[str], bool]) -> dict[str, str]:
    """The top-level string settings (a subnet group's or parameter group's name) of deleted stores, to them."""
    found: dict[str, str] = {}
    for change in view_changes:
        if change.action is Action.DELETE and stateful(change.type) and isinstance(change.before, dict):
            found.update({value: change.address for key, value in change.before.items()
                          if REFERENCES.search(key) and isinstance(value, str) and len(value) >= 3})
    return found


def disposable_store(change: Change) -> str | None:
    """Why a deleted store tagged or named disposable (CI cache, PR preview) cannot lose data, or None: the provider
    refuses to delete it while it holds anything (a destroy guard off: `empty_only`), or its own switch makes it
    transient (Snowflake's `is_transient`: no fail-safe, made for data that is rebuilt from its source, like a CI
    clone). The guard off alone is the default, and a transient store without the disposable name is judged as any."""
    attrs = change.before if isinstance(change.before, dict) else {}
    if change.action is not Action.DELETE or not disposable_by_name_or_labels(attrs, change.type):
        return None
    if empty_only(attrs):
        return "tagged or named disposable, and with its destroy guard off the delete fails if it still holds anything"
    if any(TRANSIENT.fullmatch(str(key)) and value is True for key, value in attrs.items()):
        return "named disposable and transient by its own switch: a copy rebuilt from its source, kept for no recovery"
    return None
