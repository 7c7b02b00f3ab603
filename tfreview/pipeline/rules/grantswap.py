"""Risk rules, lifecycle helper: a grant replaced only to hand the same access to a sibling — the member swaps
to another service identity of the same project or account, or the target moves to another object of the same
container — or only to narrow it (its condition gains AND-ed parts), with the role and permissions unchanged;
ladders.py grades replaces with it. What the new member or target gets is judged on its own by the access rules
(public members, foreign mailboxes, wildcards)."""

from __future__ import annotations

from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.rules.common import as_dict
from tfreview.pipeline.rules.conjuncts import conjuncts
from tfreview.pipeline.rules.tightened import COMPUTED

# Keys that name who holds a grant, and keys that name what it allows (any provider's spelling).
HOLDER = lazy_compile(r"^(?:member|members|principal|principal_arn|principal_id|grantee|grantee_principal"
                      r"|identity|service_account|service_account_email)$")
ALLOWS = lazy_compile(r"^(?:role|roles|role_definition_name|role_definition_id|permission|permissions"
                      r"|privilege|privileges|actions|operation|operations)$")
# A service identity and the project or account that owns it: a Google service account (its project is the
# domain's first label) or an ARN of a role or user (its account).
_GOOGLE_SA = lazy_compile(r"^(?:serviceaccount:)?[a-z0-9-]+@([a-z0-9-]+)\.iam\.gserviceaccount\.com$")
_ARN = lazy_compile(r"^arn:aws[\w-]*:iam::(\d{12}):(?:role|user)/[\w+=,.@/-]+$")
# A Kafka principal naming a service account of the cluster's organisation (Confluent's `User:sa-r8k2pq`): the
# organisation is the plan's own, so its service accounts are siblings.
_KAFKA_SA = lazy_compile(r"^user:sa-[a-z0-9]+$")
# Keys inside a target block that name the object itself; the others (database, catalog, account) place it.
_OBJECT_NAME = lazy_compile(r"^(?:name|table_name|object_name|resource_name)$")
# A grant's condition block (Google's IAM conditions, any provider's `condition`): an expression that limits it.
CONDITION = lazy_compile(r"^conditions?$")
_WILDCARD = lazy_compile(r"^(?:wildcard|all_tables|all)$")


def _owner(holder: Any) -> str | None:
    """The project or account that owns a service identity, or None when HOLDER is not one."""
    text = holder.strip().lower() if isinstance(holder, str) else ""
    if _KAFKA_SA.match(text):
        return "the cluster's organisation"
    found = _GOOGLE_SA.match(text) or _ARN.match(text)
    return None if found is None else found.group(1)


def _changed(before: dict[str, Any], after: dict[str, Any]) -> set[str]:
    return {key for key in before.keys() | after.keys() if before.get(key) != after.get(key) and key not in COMPUTED}


def _holder_swapped(before: dict[str, Any], after: dict[str, Any], key: str) -> str | None:
    owner = _owner(before.get(key))
    if owner is None or owner != _owner(after.get(key)):
        return None
    return (f"the same access handed from {before[key]} to {after[key]}, another service identity of {owner}: "
            "check the old one no longer needs it")


def _blocks(value: Any) -> list[dict[str, Any]] | None:
    items = value if isinstance(value, list) else [value]
    return items if items and all(isinstance(item, dict) for item in items) else None


def _target_moved(before: dict[str, Any], after: dict[str, Any], key: str) -> str | None:
    old, new = _blocks(before.get(key)), _blocks(after.get(key))
    if old is None or new is None or len(old) != len(new):
        return None
    for was, now in zip(old, new, strict=True):
        keys = _changed(was, now)
        if not keys or not all(_OBJECT_NAME.match(k) for k in keys) \
                or any(_WILDCARD.match(k) and v not in (False, None) for k, v in now.items()):
            return None
    names = ", ".join(f"{w.get(k)} → {n.get(k)}" for w, n in zip(old, new, strict=True) for k in _changed(w, n))
    return f"the same holder keeps the same permissions, moved to a sibling object of the same container ({names})"


def grant_handed_on(change: Change) -> str | None:
    """Why a replaced grant loses nothing, or None: its role or permissions and all but one setting stay, and
    that one is either the holder, swapped for another service identity of the same project or account, the
    target, moved to a sibling object (only its name changes, no wildcard), or its condition, only narrowed."""
    before, after = as_dict(change.before), as_dict(change.after)
    if change.action is not Action.REPLACE or not before or not after \
            or not any(HOLDER.match(k) for k in before) or not any(ALLOWS.match(k) for k in before):
        return None
    changed = _changed(before, after)
    if len(changed) != 1:
        return None
    key = next(iter(changed))
    if CONDITION.match(key):
        return _condition_narrowed(before.get(key), after.get(key))
    return _holder_swapped(before, after, key) if HOLDER.match(key) else _target_moved(before, after, key)


def _condition_narrowed(before: Any, after: Any) -> str | None:
    """Why a grant's new condition only narrows it: every AND-ed part of the old expression stays and parts are
    added (an expiry joined to a prefix limit), or a grant that held no condition gains one."""
    old, new = _blocks(before) if before else [], _blocks(after)
    if old is None or new is None or len(old) > 1 or len(new) != 1:
        return None
    was = str(old[0].get("expression") or "") if old else ""
    now = str(new[0].get("expression") or "")
    kept, added = conjuncts(was) if was else frozenset(), conjuncts(now)
    if not added or (was and not kept) or not kept < added:
        return None
    return ("the same holder and role, with a condition that keeps every part of the old one and adds "
            f"{' && '.join(sorted(added - kept))}: the access only narrows")
