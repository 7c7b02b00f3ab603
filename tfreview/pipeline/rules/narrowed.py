"""Risk rules, lifecycle helpers (delete grading): deletes that only narrow or are superseded by another object in
the same plan — a public ACL removed, a listener removed while its load balancer keeps an encrypted one, an object
moved to its versioned type (`_v1`) under the same name, a secret or disabled key whose every consumer in the plan
moves to a successor the plan creates, a Kubernetes Secret a secret-syncing object the plan creates re-makes under the
same namespace and name. ladders.py grades deletes with them; what they do not match stays high."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import ReviewInput
from tfreview.pipeline.rules.common import as_list, sides, string_leaves
from tfreview.pipeline.rules.narrowing import KEY_STORES, RESTRICTING
from tfreview.pipeline.rules.network import PUBLIC_ACLS, PUBLIC_GRANTEES
from tfreview.pipeline.rules.planview import PlanView, plan_view
from tfreview.pipeline.rules.ports import ADMIN_PORTS
from tfreview.pipeline.rules.replicas import destroyed_by_name
from tfreview.pipeline.rules.tightened import COMPUTED, weaker_successor
from tfreview.pipeline.rules.values import document, leaves, plain

# An access-control list object (a bucket's or object's ACL), not a network ACL rule (judged as a rule).
ACL_TYPES = lazy_compile(r"(?:^|_)acl(?:_v\d+)?$")
_PUBLIC = {value.lower() for value in (*PUBLIC_ACLS, *PUBLIC_GRANTEES)}


def public_acl_removed(change: Change) -> str | None:
    """Why deleting this ACL narrows access, or None: it granted the public (a public canned ACL or a grant to all
    users), and an ACL only grants, so without it only the owner's access remains."""
    before, _ = sides(change)
    if change.action is not Action.DELETE or not ACL_TYPES.search(change.type) or "network" in change.type:
        return None
    leaves = [text.strip().lower() for text in string_leaves(before)]
    public = [text for text in leaves if text in _PUBLIC or text.rsplit("/", 1)[-1] in _PUBLIC]
    return f"an ACL granting the public ({public[0]}) removed: access narrows to the owner" if public else None


# A canned ACL that grants the owner alone: the default every object has without one.
PRIVATE_CANNED = {"private"}
CANNED_KEYS = lazy_compile(r"^(?:\w+_)?acl$")


def private_acl_removed(change: Change) -> str | None:
    """Why deleting this ACL loses nothing, or None: its content is the private default (a canned `private`, no
    grant list), which grants nobody but the owner, who keeps access without it. One with grants stays graded, and
    so does an object's ACL: without its own, an object may take its bucket's default object ACL."""
    before, _ = sides(change)
    if change.action is not Action.DELETE or not ACL_TYPES.search(change.type) \
            or {"network", "object", "objects"} & set(change.type.split("_")):
        return None
    canned = [str(v).strip().lower() for k, v in before.items() if CANNED_KEYS.match(k) and isinstance(v, str)]
    granted = any(isinstance(v, (list, dict)) and v for v in before.values())
    if canned and all(value in PRIVATE_CANNED for value in canned) and not granted:
        return "an ACL holding only the private default removed: it granted nobody but the owner, who keeps access"
    return None


# A listener of a load balancer or gateway: one entry point among the balancer's others.
LISTENERS = lazy_compile(r"(?:^|_)listener(?:_v\d+)?$")
# Keys of a listener that are its own or its certificate's identity, not the balancer it belongs to.
OWN_KEYS = lazy_compile(r"^(?:id|arn|certificate_arn|certificate_id|ssl_certificate_id|default_certificate\w*)$")
PARENT = lazy_compile(r"(?:^|_)(?:arn|id)$")
ENCRYPTED = lazy_compile(r"^(?:https|tls|ssl|quic|grpcs|wss)$", re.IGNORECASE)


def _parents(values: dict[str, Any]) -> set[tuple[str, str]]:
    """(key, value) of the references a listener holds to the balancer it belongs to."""
    return {(key, value) for key, value in values.items()
            if PARENT.search(key) and not OWN_KEYS.match(key) and isinstance(value, str) and value}


def _encrypted(values: dict[str, Any]) -> bool:
    """Whether a listener serves encrypted traffic (an HTTPS/TLS protocol)."""
    return any(isinstance(values.get(key), str) and ENCRYPTED.match(values[key].strip())
               for key in ("protocol", "listener_protocol", "frontend_protocol"))


def listener_kept(change: Change, ri: ReviewInput) -> str | None:
    """Why deleting this listener loses no service, or None: it only redirects (to HTTPS) or answers a fixed
    response, or another listener of the same balancer stays (it is not deleted) and serves encrypted traffic. The
    only listener, or one whose balancer keeps only plain HTTP, stays high."""
    before, _ = sides(change)
    parents = _parents(before)
    if change.action is not Action.DELETE or not LISTENERS.search(change.type):
        return None
    if _serves_nothing(before):
        return "its every action redirects or answers a fixed response: it serves nothing of its own"
    if not parents:
        return None
    for other in plan_view(ri).changes:
        after = other.after if isinstance(other.after, dict) else None
        if other is change or other.type != change.type or after is None or other.action is Action.DELETE:
            continue
        if parents & _parents(after) and _encrypted(after):
            return (f"another listener of the same balancer, {other.address}, stays and serves encrypted traffic: "
                    "only this entry point goes")
    return None


# Action types that send a request elsewhere or answer it in place: a listener made only of them serves no backend.
SERVES_NOTHING = frozenset({"redirect", "fixed-response", "fixed_response"})


def _serves_nothing(values: dict[str, Any]) -> bool:
    actions = [a for key in ("default_action", "action", "actions") for a in as_list(values.get(key))
               if isinstance(a, dict)]
    return bool(actions) and all(str(a.get("type", "")).lower() in SERVES_NOTHING for a in actions)


# A listener's own port keys (`port`, OpenStack's `protocol_port`, Global Accelerator's `port_range`), and the keys
# a re-made listener may change beside them without changing what it guards or where it sends traffic.
LISTENER_PORTS = lazy_compile(r"^(?:\w+_)?ports?(?:_ranges?)?$")
INCIDENTAL = frozenset({"name", "description", "tags", "tags_all", "labels", "timeouts"})


def listener_remade(change: Change, ri: ReviewInput) -> str | None:
    """Why replacing this listener loses nothing, or None: it holds no data, its balancer stays (same reference,
    not deleted or replaced in the plan), and only its port (or name, tags) changes to one that is no admin port:
    protocol, certificate, TLS policy and default action are re-made as they were."""
    before, after = sides(change)
    parents = _parents(before)
    if change.action is not Action.REPLACE or not LISTENERS.search(change.type) or not parents \
            or not parents <= _parents(after) or (_encrypted(before) and not _encrypted(after)):
        return None
    changed = {k for k in before.keys() | after.keys() if before.get(k) != after.get(k) and k not in COMPUTED}
    ports = {k for k in changed if LISTENER_PORTS.match(k)}
    if not ports or changed - ports - INCIDENTAL or any(
            int(str(v)) in ADMIN_PORTS for k in ports for _, v in leaves(after.get(k)) if str(v).isdigit()):
        return None
    gone = destroyed_by_name(ri)
    if any(gone.get(value, set()) - {id(change)} for _, value in parents):
        return None
    return (f"a listener re-made on its balancer with only {', '.join(sorted(ports))} changed; protocol, "
            "certificate, policy and default action stay as they were, and it holds no data")


_VERSION_SUFFIX = lazy_compile(r"_v\d+(?:(?:alpha|beta)\d+)?$")


def _identity(values: Any) -> tuple[str, str] | None:
    """(namespace, name) an object is known by: Kubernetes metadata, else its own name; None without a name."""
    if not isinstance(values, dict):
        return None
    meta = values.get("metadata")
    meta = meta[0] if isinstance(meta, list) and meta and isinstance(meta[0], dict) else meta
    if isinstance(meta, dict) and isinstance(meta.get("name"), str) and meta["name"]:
        return str(meta.get("namespace") or ""), meta["name"]
    name = values.get("name")
    return ("", name) if isinstance(name, str) and name else None


def type_migrated(change: Change, ri: ReviewInput) -> str | None:
    """Why a delete is a move to the type's other version, or None: the plan creates the same kind of object under
    the versioned (or unversioned) type name, with the same name and namespace (`kubernetes_x` → `kubernetes_x_v1`)."""
    identity = _identity(change.before)
    if change.action is not Action.DELETE or identity is None:
        return None
    stem = _VERSION_SUFFIX.sub("", change.type)
    for resource_type, creates in plan_view(ri).creates_by_type.items():
        if resource_type == change.type or _VERSION_SUFFIX.sub("", resource_type) != stem:
            continue
        for other in creates:
            if _identity(other.after) == identity:
                return (f"re-created as {other.address}, the same object under the {resource_type} type: "
                        "a provider type migration")
    return None


def successor_kind(change: Change, ri: ReviewInput) -> str | None:
    """Why a deleted object hands its work to its provider's newer kind, or None: the plan creates an object of a
    sibling type (the same type but its last word: `…_origin_access_identity` → `…_origin_access_control`) under the
    same resource name, something in the plan held the deleted one's id or ARN (in any text, a policy's JSON too)
    before, and nothing holds it after. Keys and stores keep what they encrypted or held, and are not this."""
    if change.action is not Action.DELETE or KEY_STORES.search(change.type) or not isinstance(change.before, dict):
        return None
    stem = change.type.rsplit("_", 1)[0]
    sibling = next((other for resource_type, creates in plan_view(ri).creates_by_type.items()
                    if resource_type != change.type and resource_type.rsplit("_", 1)[0] == stem
                    for other in creates if other.name == change.name), None)
    ids = {v for k, v in change.before.items() if isinstance(v, str) and len(v) >= 10
           and (k in IDENTITY_KEYS or k.endswith("_arn"))}
    if sibling is None or not ids:
        return None
    held_before = False
    for other in ri.changeset.changes:
        if other is change or other.mode != "managed":
            continue
        held_before = held_before or _holds(other.before, ids)
        if _holds(other.after, ids):
            return None
    return None if not held_before else (f"{sibling.address}, its newer kind, is created under the same name, and "
                                         "what referenced it moves off it in this plan")


def _holds(values: Any, ids: set[str]) -> bool:
    return any(i in text for text in string_leaves(values) for i in ids)


# Keys that name the object itself: what its consumers reference it by.
IDENTITY_KEYS = ("name", "id", "key_id", "arn", "secret_name", "secret_id")
MIN_IDENTIFIER = 6  # shorter values ("prod", "db") are words, not references
DISABLED = lazy_compile(r"^(?:disabled|pending_?deletion|inactive|off)$", re.IGNORECASE)


def _identifiers(values: Any) -> set[str]:
    """The values other objects reference this one by (its name, id, key id, ARN, metadata name)."""
    if not isinstance(values, dict):
        return set()
    found = {values[key] for key in IDENTITY_KEYS if isinstance(values.get(key), str)}
    if (identity := _identity(values)) is not None:
        found.add(identity[1])
    return {value for value in found if len(value) >= MIN_IDENTIFIER}


def _leaves(values: Any) -> set[str]:
    return set(string_leaves(values))


def _references(view: PlanView) -> tuple[dict[str, list[Change]], set[str], set[str]]:
    """Per plan: each string to the changes whose before holds it; every string some after still holds; and every
    string some created object holds."""
    was: dict[str, list[Change]] = {}
    now: set[str] = set()
    made: set[str] = set()
    for other in view.changes:
        if other.mode != "managed":
            continue
        for text in _leaves(other.before):
            was.setdefault(text, []).append(other)
        after = _leaves(other.after)
        now |= after
        if other.action is Action.CREATE:
            made |= after
    return was, now, made


def _retired(change: Change) -> bool:
    """Whether a key was already out of use before its delete: disabled or pending deletion."""
    before, _ = sides(change)
    return before.get("is_enabled") is False or before.get("enabled") is False or any(
        isinstance(before.get(key), str) and DISABLED.match(before[key]) for key in ("state", "status", "key_state"))


def consumers_moved(change: Change, ri: ReviewInput) -> str | None:
    """Why a deleted secret or key hands its work over, or None: some object in the plan referenced it and now
    references something the plan creates instead, and nothing in the plan references it any more. A key must be
    disabled already: data still encrypted with a live key would become unreadable."""
    ids = _identifiers(change.before)
    if change.action is not Action.DELETE or not ids or (KEY_STORES.search(change.type) and not _retired(change)):
        return None
    if any(RESTRICTING.search(text) for text in ids):
        return None
    was, now, made = plan_view(ri).derived("references before and after", _references)
    if ids & now:
        return None  # something in the plan still points at it
    successors = plan_view(ri).creates_by_type.get(change.type, [])
    same_type = bool(successors)
    for consumer in _consumers(change, ids, was):
        gained = _leaves(consumer.after) - _leaves(consumer.before)
        if consumer.action is Action.UPDATE and (same_type or gained & made):
            if any(weaker_successor(change, new) for new in successors):
                return None  # a successor of its kind that holds one of its controls more weakly: no hand-over
            return (f"{consumer.address} moves off it to a successor this plan creates, and nothing in the plan "
                    "references it any more")
    return None


def unreferenced(change: Change, ri: ReviewInput) -> bool:
    """Whether nothing the plan keeps or creates holds one of the values a deleted object is referenced by."""
    ids = _identifiers(change.before)
    return bool(ids) and not ids & plan_view(ri).derived("references before and after", _references)[1]


def _consumers(change: Change, ids: set[str], was: dict[str, list[Change]]) -> Iterator[Change]:
    """The other changes whose before referenced one of IDS."""
    seen: set[int] = set()
    for value in sorted(ids):
        for other in was.get(value, []):
            if other is not change and id(other) not in seen:
                seen.add(id(other))
                yield other


# Where a secret-syncing object (ExternalSecret, SealedSecret, a vault operator's secret…) names the Secret it makes.
SECRET_TARGET = lazy_compile(r"^spec\.(?:\w+\.)*(?:(?:target|destination)\.name|metadata\.name|secret_?name)$",
                             re.IGNORECASE)
# A policy by which such an object only merges into, or never makes, its Secret: then nothing re-makes it.
NOT_CREATED = lazy_compile(r"^spec\.(?:\w+\.)*creation_?policy$", re.IGNORECASE)


def secret_synced(change: Change, ri: ReviewInput) -> str | None:
    """Why a deleted Kubernetes Secret is handed over, or None: the plan creates an object of a secret kind
    (ExternalSecret, SealedSecret…) in the same namespace that makes a Secret of the same name (its target name,
    or its own name without one), and does not merely merge into an existing one."""
    identity = _identity(change.before)
    if change.action is not Action.DELETE or identity is None or "secret" not in change.type or not identity[0]:
        return None
    for other in plan_view(ri).of(Action.CREATE):
        if other is change or not isinstance(other.after, dict):
            continue
        for manifest in (other.after, *(document(v) or v for v in other.after.values())):
            if isinstance(manifest, dict) and _makes(manifest) == identity:
                return f"{other.address} ({manifest.get('kind')}) re-makes the Secret under the same namespace and name"
    return None


def _makes(manifest: dict[str, Any]) -> tuple[str, str] | None:
    """(namespace, name) of the Secret a secret-syncing manifest makes, or None."""
    own = _identity(manifest)
    if own is None or "secret" not in str(manifest.get("kind") or "").lower():
        return None
    named = None
    for path, value in leaves(manifest):
        where = plain(path)
        if NOT_CREATED.match(where) and str(value).lower() in ("none", "merge"):
            return None
        if named is None and SECRET_TARGET.match(where) and isinstance(value, str) and value:
            named = value
    return own[0], named or own[1]
