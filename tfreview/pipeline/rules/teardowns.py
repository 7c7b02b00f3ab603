"""Risk rules, lifecycle helper (delete grading): a store whose own attributes prove that deleting it loses nothing
lasting. ladders.py grades deletes with `nothing_lasting`.

- a scratch file system or cache linked to a durable data repository (an `s3://` import or export path): the data
  lives in the repository; a persistent one, or scratch with no repository, still holds the only copy;
- a certificate authority never activated (STAGED, pending its certificate) that holds no certificate: it issued
  nothing, so nothing relies on it; an enabled CA still signs live certificates;
- a disk created blank, not from a snapshot or image, whose own labels say CI or non-production scratch and that
  nothing the plan keeps names (no machine still attached): a production or attached data disk stays high;
- a non-production store whose own labels say its lifetime is over (`ttl = expired`, an expiry date before the
  plan), or that belongs to one pull request and keeps no backups, with no deletion protection on;
- a restore-drill copy (its labels or name say drill) that keeps no backups of its own: the source's backups stay.

Names alone never count (an attacker can call a production store "preview"): each needs attributes beside them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import ReviewInput
from tfreview.pipeline.rules.common import as_dict, known
from tfreview.pipeline.rules.environments import (
    NON_PRODUCTION_ENVS,
    PRODUCTION_TOKENS,
    TEST_ENVS,
    TOKEN,
    env_words,
    label_pairs,
    label_tokens,
    non_production_env,
)
from tfreview.pipeline.rules.expired import named_by_kept
from tfreview.pipeline.rules.units import instant
from tfreview.pipeline.rules.values import leaves, plain

# Settings that say how a file system or cache is deployed (`deployment_type = "SCRATCH_2"`, `storage_mode`).
DEPLOYMENT_KEYS = lazy_compile(r"^(?:deployment|storage|performance|cache)_?(?:type|mode|tier|class)$|^(?:tier|kind)$")
# Settings that link a store to the durable repository it loads from or writes back to (any depth).
REPOSITORY_KEYS = lazy_compile(r"^(?:import_path|export_path|data_repository_path|repository_path|source_path"
                               r"|backing_store_uri|origin_uri)$")
URI = lazy_compile(r"^[a-z][a-z0-9+.-]*://\S+")
AUTHORITIES = lazy_compile(r"certificate_authority|(?:^|_)(?:ca|pca)(?:_|$)")
STATE_KEYS = ("state", "status", "desired_state", "lifecycle_state")
# States of an authority that was never activated: it has signed nothing.
NOT_ACTIVATED = frozenset({"staged", "pending_certificate", "pending_activation", "awaiting_user_activation",
                           "creating"})
ISSUED = lazy_compile(r"^(?:pem_)?(?:ca_)?certificates?(?:_chain)?$|^pem_ca_certificates$|^access_urls$")
DISKS = lazy_compile(r"(?:^|_)(?:disk|volume)s?$")
# Where a disk says it was copied from (a snapshot, an image, another disk): such a disk is not blank.
DISK_SOURCES = lazy_compile(r"^(?:source_\w+|snapshot(?:_id)?|image(?:_id)?|image_reference_id|gallery_image\w*"
                            r"|restore_\w+)$")
SCRATCH_WORDS = frozenset({"scratch", "cache", "tmp", "temp", "temporary", "ephemeral"})
PROTECTION = lazy_compile(r"^(?:deletion_protection\w*|termination_protection|prevent_destroy|protected)$")
# Label keys that give an object's lifetime (`ttl = expired`, `expires = 2024-05-01`).
LIFETIME_KEYS = lazy_compile(r"^(?:ttl|expir\w*|expires?(?:_at|_on)?|delete_after|teardown_after|end_date)$")
LAPSED_VALUES = frozenset({"expired", "lapsed", "elapsed", "over"})
# Label keys that tie an object to one pull or merge request (`PullRequest = 4182`, `pr = 88`).
REQUEST_KEYS = lazy_compile(r"^(?:pull_?request|pr|pr_?number|pull_?request_?number|merge_?request|mr)$")
BACKUP_PATHS = lazy_compile(r"backup|point_in_time|snapshot_retention")
BACKUP_COUNTS = lazy_compile(r"(?:retention_period|retention_days|retention_limit|retained_backups)$")
IDENTIFIERS = ("name", "identifier", "cluster_id", "display_name", "db_name")


def nothing_lasting(change: Change, ri: ReviewInput) -> str | None:
    """Why a deleted store's own attributes prove nothing lasting goes with it, or None."""
    if change.action is not Action.DELETE or not (attrs := as_dict(change.before)):
        return None
    checks: tuple[Callable[[Change, dict[str, Any], ReviewInput], str | None], ...] = (
        _cache_of_repository, _never_issued, _blank_scratch_disk, _lapsed_copy, _drill_copy)
    return next((why for check in checks if (why := check(change, attrs, ri)) is not None), None)


def _cache_of_repository(change: Change, attrs: dict[str, Any], _ri: ReviewInput) -> str | None:
    """A scratch deployment linked to a durable repository: the repository keeps the data."""
    scratch = [k for k, v in attrs.items() if DEPLOYMENT_KEYS.match(k) and isinstance(v, str)
               and "scratch" in TOKEN.findall(v.lower())]
    if not scratch:  # its own top-level settings first: the walk over every attribute only for a scratch deployment
        return None
    repos = sorted({str(v) for path, v in leaves(attrs) if REPOSITORY_KEYS.match(plain(path).rpartition(".")[2])
                    and isinstance(v, str) and URI.match(v.strip().lower())})
    if not repos:
        return None
    return (f"a scratch deployment ({attrs[scratch[0]]}) linked to the data repository {repos[0]}: the repository "
            "keeps the data, the scratch copy holds none of its own")


def _never_issued(change: Change, attrs: dict[str, Any], _ri: ReviewInput) -> str | None:
    """A certificate authority never activated that holds no certificate of its own."""
    states = {str(attrs[k]).strip().lower() for k in STATE_KEYS if isinstance(attrs.get(k), str) and attrs[k]}
    if not AUTHORITIES.search(change.type) or not states or not states <= NOT_ACTIVATED:
        return None
    issued = [v for path, v in leaves(attrs) if ISSUED.match(plain(path).rpartition(".")[2])]
    if any(v not in (None, "", []) for v in issued):
        return None
    return (f"a certificate authority never activated (state {sorted(states)[0].upper()}) with no certificate of "
            "its own: it issued nothing, so nothing relies on it")


def _blank_scratch_disk(change: Change, attrs: dict[str, Any], ri: ReviewInput) -> str | None:
    """A disk created blank whose environment label says CI or non-production and whose labels or name say scratch,
    that nothing kept names (no attachment); a word alone (`tmp-migration`) is not enough."""
    if not DISKS.search(change.type):
        return None
    create = str(attrs.get("create_option") or "empty").strip().lower()
    copied = any(DISK_SOURCES.match(k) and known(v) and v not in ("", [], {}, False) for k, v in attrs.items())
    words = label_tokens(attrs) | _own_words(attrs)
    if create != "empty" or copied or not words & SCRATCH_WORDS or words & PRODUCTION_TOKENS:
        return None
    if not env_words(attrs) & (NON_PRODUCTION_ENVS | TEST_ENVS) or named_by_kept(attrs, ri):
        return None
    return ("a disk created blank whose own labels say CI or non-production scratch, and nothing the plan keeps "
            "is attached to it")


def _label_pairs(attrs: dict[str, Any]) -> list[tuple[str, str]]:
    """An object's labels, keys in snake_case lower case (`Delete-After` → `delete_after`), values stripped."""
    return [(key.strip().lower().replace("-", "_"), value.strip()) for key, value in label_pairs(attrs)]


def lifetime_labels(attrs: dict[str, Any]) -> list[tuple[str, str]]:
    """The labels that give an object's lifetime (`ttl = expired`, `expires = 2031-01-01`), as (key, value)."""
    return [(key, value) for key, value in _label_pairs(attrs) if LIFETIME_KEYS.match(key)]


def _lapsed_copy(change: Change, attrs: dict[str, Any], ri: ReviewInput) -> str | None:
    """A non-production store past its labelled lifetime, or one pull request's store that keeps no backups."""
    env = non_production_env(attrs)
    if env is None or _own_words(attrs) & PRODUCTION_TOKENS or _protected(attrs):
        return None
    pairs = _label_pairs(attrs)
    planned = instant(ri.plan.timestamp)
    for key, value in lifetime_labels(attrs):
        moment = instant(value)
        if value.lower() in LAPSED_VALUES or (moment is not None and planned is not None and moment < planned):
            return f"a {env} store whose own label {key}={value} says its lifetime is over"
    request = next((value for key, value in pairs if REQUEST_KEYS.match(key) and value.isdigit()), None)
    if request is not None and _keeps_no_backups(attrs):
        return f"a {env} store of pull request {request} that keeps no backups: made to be torn down"
    return None


def _drill_copy(change: Change, attrs: dict[str, Any], _ri: ReviewInput) -> str | None:
    """A restore-drill copy that keeps no backups of its own, with no deletion protection on."""
    if "drill" not in label_tokens(attrs) | _own_words(attrs) or _protected(attrs) or not _keeps_no_backups(attrs):
        return None
    return ("a restore-drill copy that keeps no backups of its own: the source it was restored from, and that "
            "source's backups, stay")


def _own_words(attrs: dict[str, Any]) -> set[str]:
    """The words of an object's own name or identifier settings."""
    return {w for key in IDENTIFIERS if isinstance(v := attrs.get(key), str) for w in TOKEN.findall(v.lower())}


def _protected(attrs: dict[str, Any]) -> bool:
    """Whether any top-level setting protects the object from deletion."""
    return any(PROTECTION.match(key) and value is True for key, value in attrs.items())


def _keeps_no_backups(attrs: dict[str, Any]) -> bool:
    """Whether the object has backup settings and every one is off (switched off, or a retention of 0)."""
    found = [(plain(path), value) for path, value in leaves(attrs) if BACKUP_PATHS.search(plain(path))]
    off_blocks = {path.rpartition(".")[0] for path, value in found
                  if path.rpartition(".")[2] == "enabled" and value is False}
    states: list[bool] = []
    for path, value in found:
        last = path.rpartition(".")[2]
        if last != "enabled" and any(path.startswith(f"{block}.") for block in off_blocks):
            continue
        if isinstance(value, bool) and (last == "enabled" or last.endswith("_enabled")):
            states.append(value)
        elif BACKUP_COUNTS.search(last) and isinstance(value, int) and not isinstance(value, bool):
            states.append(value > 0)
    return bool(states) and not any(states)
