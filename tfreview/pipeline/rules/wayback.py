"""Risk rules, lifecycle helper: a database delete judged by whether a way back exists — a non-production database
that takes a final snapshot or backup, a reader instance of a cluster that stays, a non-production branch of a
parent that stays, a preview environment's table; ladders.py grades deletes with them."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import ReviewInput
from tfreview.pipeline.rules.common import string_leaves
from tfreview.pipeline.rules.environments import (
    DISPOSABLE_TOKENS,
    PRODUCTION_TOKENS,
    label_pairs,
    label_tokens,
    non_production,
)
from tfreview.pipeline.rules.planview import PlanView, plan_view
from tfreview.pipeline.rules.previews import preview_key, preview_named
from tfreview.pipeline.rules.replicas import destroyed_by_name

_TOKEN = lazy_compile(r"[a-z0-9]+")

FINAL_COPY = lazy_compile(r"^final_(?:snapshot|backup)\w*(?:identifier|name|id)$")
SKIP_FINAL = lazy_compile(r"^skip_final_(?:snapshot|backup)$")
# Any setting of a final copy: its name, its block or its switch (`final_snapshot = true`).
FINAL_SETTING = lazy_compile(r"^final_(?:snapshot|backup)\w*$")
PROTECTED = lazy_compile(r"^(?:deletion_protection\w*|delete_protection|termination_protection|prevent_destroy)$")
CLUSTER_REF = lazy_compile(r"^(?:cluster_identifier|cluster_id|cluster_name|cluster)$")
WRITER_FLAGS = ("writer", "is_writer", "is_primary", "primary")
READER_ROLES = {"reader", "replica", "secondary", "read_only", "readonly", "standby"}
PARENT_REF = lazy_compile(r"^(?:parent_branch|parent_branch_id|parent|parent_id|source_branch|forked_from|clone_of)$")
PRODUCTION_FLAGS = ("production", "is_production", "is_default", "default", "primary", "protected")


def _before(change: Change) -> dict[str, Any]:
    return change.before if isinstance(change.before, dict) and change.action is Action.DELETE else {}


def final_copy(change: Change) -> str | None:
    """Why a deleted non-production database keeps its data: it keeps a final copy (`kept_copy`). In production
    the copy alone does not say the data is no longer needed (cutover.py asks for its consumers moved too)."""
    why = kept_copy(change)
    return None if why is None or not non_production(change) else f"non-production, and {why}"


def kept_copy(change: Change) -> str | None:
    """Why a deleted database keeps its data: it takes a final snapshot or backup first (a named one with its skip
    flag off, a final-backup block enabled, or a final-snapshot switch on), and nothing at any depth skips it."""
    attrs = _before(change)
    skips = list(_final_settings(attrs, SKIP_FINAL))
    if any(v is not False for _, v in skips):
        return None
    for key, value in _final_settings(attrs, FINAL_SETTING):
        if value is True or _enabled(value):
            return f"a final snapshot or backup is kept on destroy ({key}): the data can be restored"
        if skips and FINAL_COPY.match(key) and isinstance(value, str) and value.strip():
            return f"a final snapshot {value} is taken first: the data can be restored"
    return None


def _final_settings(value: Any, pattern: re.Pattern[str]) -> Iterator[tuple[str, Any]]:
    """(key, value) of every setting at any depth whose key PATTERN matches."""
    if isinstance(value, dict):
        for key, inner in value.items():
            if pattern.match(str(key)):
                yield str(key), inner
            if isinstance(inner, (dict, list)):  # a scalar holds no setting: no generator for it
                yield from _final_settings(inner, pattern)
    elif isinstance(value, list):
        for item in value:
            if isinstance(item, (dict, list)):
                yield from _final_settings(item, pattern)


def _enabled(value: Any) -> bool:
    """Whether a final-backup block (a map, or a list of one) says it is enabled."""
    blocks = value if isinstance(value, list) else [value]
    return bool(blocks) and all(isinstance(b, dict) and b.get("enabled") is True for b in blocks)


def stays(name: str, change: Change, ri: ReviewInput) -> bool:
    """Whether nothing else this plan deletes or replaces is named NAME."""
    return not destroyed_by_name(ri).get(name, set()) - {id(change)}


def reader_of_cluster(change: Change, ri: ReviewInput) -> str | None:
    """Why a deleted cluster member loses no data: it is a reader (not the writer) of a cluster that stays, or a
    member of a shared-volume cluster (Aurora) that this plan deletes too, whose own delete is judged on its own."""
    attrs = _before(change)
    cluster = next((v for k, v in attrs.items() if CLUSTER_REF.match(k) and isinstance(v, str) and v), None)
    reader = any(attrs.get(k) is False for k in WRITER_FLAGS) or str(
        attrs.get("role") or attrs.get("instance_role") or "").lower() in READER_ROLES
    if cluster is not None and SHARED_VOLUME.search(change.type) \
            and (gone := _cluster_deleted(change, cluster, ri)) is not None:
        return f"a member of cluster {cluster}, whose data lives in the cluster's shared volume; {gone.address} " \
            "is deleted in this plan too, and that delete is judged on its own"
    if cluster is None or any(attrs.get(k) is True for k in WRITER_FLAGS) or not stays(cluster, change, ri):
        return None
    if reader:
        return f"a reader of cluster {cluster}, which stays with its writer and data"
    successor = _member_made(change, cluster, ri) if SHARED_VOLUME.search(change.type) else None
    return None if successor is None else f"a member of cluster {cluster}, whose data lives in the cluster's " \
        f"shared volume; the cluster stays, and {successor.address} joins it in this plan"


# Cluster members that hold no data of their own: every member reads and writes the cluster's shared volume
# (Aurora, DocumentDB, Neptune), so a member going loses service for a failover at most, never data.
SHARED_VOLUME = lazy_compile(r"^aws_(?:rds|docdb|neptune)_cluster_instance$")


def _cluster_deleted(change: Change, cluster: str, ri: ReviewInput) -> Change | None:
    """The cluster a member belongs to (`aws_rds_cluster` for `aws_rds_cluster_instance`) when this plan deletes it."""
    return plan_view(ri).derived("deleted clusters by type and id", _deleted_clusters).get(
        (change.type.removesuffix("_instance"), cluster))


def _deleted_clusters(view: PlanView) -> dict[tuple[str, str], Change]:
    return {(other.type, str(other.before[key])): other for other in view.of(Action.DELETE)
            if isinstance(other.before, dict) and SHARED_VOLUME.search(f"{other.type}_instance")
            for key in ("cluster_identifier", "id") if other.before.get(key)}


def _member_made(change: Change, cluster: str, ri: ReviewInput) -> Change | None:
    """A member of the same type this plan creates in CLUSTER (a reader re-made on a new instance class)."""
    return next((other for other in ri.changeset.changes if other is not change and other.type == change.type
                 and other.action in (Action.CREATE, Action.REPLACE) and isinstance(other.after, dict)
                 and any(CLUSTER_REF.match(k) and v == cluster for k, v in other.after.items())), None)


def branch_of_parent(change: Change, ri: ReviewInput) -> str | None:
    """Why a deleted database branch loses nothing lasting: it says it is not production, is not protected, and
    branched from a parent that stays."""
    attrs = _before(change)
    parent = next((v for k, v in attrs.items() if PARENT_REF.match(k) and isinstance(v, str) and v), None)
    flags = [attrs[k] for k in PRODUCTION_FLAGS if k in attrs]
    if parent is None or not flags or any(v is not False for v in flags) or _protected(attrs) \
            or label_tokens(attrs) & PRODUCTION_TOKENS or not stays(parent, change, ri):
        return None
    return f"a non-production branch of {parent}, which stays"


def preview_table(change: Change) -> str | None:
    """Why a deleted store belonged to a preview environment: its for_each key (or, gone with its module, its own
    name) names a preview or PR, its own labels say so too, none says production, and it is not protected."""
    attrs = _before(change)
    key = preview_key(change) or preview_named(change)
    tokens = label_tokens(attrs)
    if key is None or not tokens & DISPOSABLE_TOKENS or tokens & PRODUCTION_TOKENS or _protected(attrs):
        return None
    return f"its for_each key or name {key} and its labels name a preview environment that is gone"


def preview_member(change: Change, ri: ReviewInput) -> str | None:
    """Why a deleted store with no labels of its own belonged to a preview environment: its module instance's key
    names a preview or PR, every other member deleted with it that carries labels says disposable and none says
    production, and neither its name nor a guard says otherwise."""
    attrs = _before(change)
    key = preview_key(change)
    name = set(_TOKEN.findall(str(attrs.get("name") or attrs.get("identifier") or "").lower()))
    kept_modules = plan_view(ri).derived("modules with kept changes", lambda view: {
        c.module for c in view.changes if c.action is not Action.DELETE})
    if key is None or label_tokens(attrs) or name & PRODUCTION_TOKENS or _protected(attrs) \
            or change.module in kept_modules:
        return None
    siblings = [label_tokens(other.before) for other in plan_view(ri).deletes_by_module.get(change.module, [])
                if other is not change and isinstance(other.before, dict)]
    labelled = [tokens for tokens in siblings if tokens]
    if not labelled or any(not tokens & DISPOSABLE_TOKENS or tokens & PRODUCTION_TOKENS for tokens in labelled):
        return None
    return f"its module instance {key} is a preview environment torn down whole, its labelled members say so"


def _protected(attrs: dict[str, Any]) -> bool:
    return any(v is True for k, v in attrs.items() if PROTECTED.match(k))


# Kept objects that take a store's recovery points (AWS Backup selections, protected items of a recovery vault):
# the points outlive the store they were taken of.
BACKUP_HOLDERS = lazy_compile(r"backup_selection|protected_(?:vm|item|file_share|database)\w*|backup_protected\w*"
                              r"|backup_instance\w*")


def migrated_with_backup(change: Change, ri: ReviewInput) -> str | None:
    """Why a deleted store is retired with a way back: its own label names the object of its type it migrated to,
    which the plan keeps (it already exists), and a kept backup selection still names it, so its recovery points
    outlive it; nothing else kept names it."""
    attrs = _before(change)
    own = {v for key in ("name", "id", "arn", "identifier") if isinstance(v := attrs.get(key), str) and len(v) >= 4}
    if not own:
        return None
    labels = {value for _, value in label_pairs(attrs)}
    view = plan_view(ri)
    kept = [c for c in view.changes if c.action not in (Action.DELETE, Action.CREATE) and c is not change]
    successor = next((c for c in kept if c.type == change.type and _names_of(c.after) & labels), None)
    if successor is None:
        return None
    holders = [c for c in kept if any(_names_it(text, own) for text in string_leaves(c.after))]
    backups = [c for c in holders if BACKUP_HOLDERS.search(c.type)]
    if not backups or len(backups) != len(holders):
        return None
    return (f"its labels say it migrated to {successor.address}, which stays, and {backups[0].address} keeps its "
            "recovery points")


def _names_of(values: Any) -> set[str]:
    attrs = values if isinstance(values, dict) else {}
    return {v for key in ("name", "id", "identifier") if isinstance(v := attrs.get(key), str) and len(v) >= 4}


def _names_it(text: str, own: set[str]) -> bool:
    """Whether TEXT is one of OWN, or an ARN or path ending in one (`…:table/sessions-v1`)."""
    return text in own or any(text.endswith((f"/{name}", f":{name}")) for name in own)
