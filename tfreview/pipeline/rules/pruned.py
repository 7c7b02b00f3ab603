"""Risk rules, lifecycle helper: snapshots or backups of a source pruned while the source stays and the plan keeps
(or grows) the policy that copies it (itself naming the source, or attached to it) — the copies are recovery points
the policy keeps replacing, not the data itself; ladders.py grades deletes with it. A policy that keeps fewer, a
source deleted, or no policy stays high."""

from __future__ import annotations

from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import ReviewInput
from tfreview.pipeline.rules.units import ordered_words
from tfreview.pipeline.rules.values import number

# The last word of a type that names a copy of data, and of one that names the policy that makes copies.
COPIES = frozenset({"snapshot", "snapshots", "backup", "backups"})
POLICIES = frozenset({"policy", "schedule", "plan", "lifecycle"})
# The last word of a type that ties a policy to what it applies to; the keys a policy is named by; the settings
# that say a policy makes copies.
LINKS = frozenset({"attachment", "association", "assignment"})
IDS = ("name", "id", "self_link", "arn")
COPYING = lazy_compile(r"snapshot|backup|copy|copies")
# Keys that name the data a copy was taken of (never the project, zone or key it lives under).
SOURCE_KEYS = lazy_compile(r"^source|volume|disk|instance|database|(?:^|_)db(?:_|$)|cluster|table|file_?system"
                           r"|bucket|(?:^|_)vm(?:_|$)|server|share|repository")
NOT_SOURCE = lazy_compile(r"snapshot|kms|key|encrypt|type|size|class|region|zone|location")


def last_word(change: Change) -> str:
    """The last word of a change's type (`quarry_snapshot_policy` → policy)."""
    found = ordered_words(change.type)
    return found[-1] if found else ""


def _dict(value: Any) -> dict[str, Any]:
    """VALUE when it is an object, else an empty one."""
    return value if isinstance(value, dict) else {}


def _keeps(policy: Change) -> bool:
    """Whether a policy stays and no number it holds at its top level shrinks (keep_last, retention, count)."""
    if policy.action not in (Action.UPDATE, Action.CREATE, Action.NO_OP):
        return False
    before, after = _dict(policy.before), _dict(policy.after)
    for key, was in before.items():
        old = None if isinstance(was, bool) else number(was)
        if old is not None and ((new := number(after.get(key))) is None or new < old):
            return False
    return True


def source_names(values: Any) -> set[str]:
    """The sources a copy was taken of (`volume_id`, `source_disk`, `db_instance_identifier`), each also by the
    last segment of its path."""
    found: set[str] = set()
    for key, value in _dict(values).items():
        if isinstance(value, str) and value and SOURCE_KEYS.search(key) and not NOT_SOURCE.search(key):
            found |= {value, value.rstrip("/").rsplit("/", 1)[-1]}
    return found


def _attached(link: Change, ri: ReviewInput) -> Change | None:
    """The copying policy an attachment ties to a source: a policy the plan keeps or creates, named by the
    attachment, that makes snapshots or backups and keeps no fewer; else None."""
    named = set(map(str, _dict(link.after).values()))
    for other in ri.changeset.changes:
        values = _dict(other.after)
        if last_word(other) in POLICIES and _keeps(other) and named & {str(values.get(k)) for k in IDS} \
                and any(COPYING.search(str(k)) for k in values):
            return other
    return None


def copies_pruned(change: Change, ri: ReviewInput) -> str | None:
    """Why deleting this snapshot or backup loses no protection: its source stays and a policy on that source that
    keeps no fewer copies is in the plan; else None."""
    if change.action is not Action.DELETE or last_word(change) not in COPIES:
        return None
    sources = {v for k, v in _dict(change.before).items()
               if isinstance(v, str) and v and (k.endswith("_id") or k.startswith("source"))}
    if not sources:
        return None
    sources |= {v.rstrip("/").rsplit("/", 1)[-1] for v in sources if "/" in v}  # a disk also goes by its name
    policy = None
    for other in ri.changeset.changes:
        held = {v for v in (*_dict(other.before).values(), *_dict(other.after).values()) if isinstance(v, str)}
        if other is change or not sources & held:
            continue
        if other.action in (Action.DELETE, Action.REPLACE) and last_word(other) not in COPIES:
            return None  # the source, or its policy, goes too
        now = set(map(str, _dict(other.after).values()))
        if last_word(other) in POLICIES and sources & now:
            if not _keeps(other):
                return None
            policy = policy or other
        elif last_word(other) in LINKS and sources & now and (attached := _attached(other, ri)) is not None:
            policy = policy or attached
    if policy is None:
        return None
    return (f"a copy of {', '.join(sorted(sources))}, which stays, pruned while {policy.address} keeps copying it "
            "with no fewer kept")
