"""Risk rules, context grading (delete ladder and watched deletes): a deleted object whose twin stays — another
object of its type that the plan keeps (or creates) holds the same settings, its own identity aside (id, ARN, name,
version) and its references to other objects aside where those point at twins too (a backup selection's `plan_id`
at the twin plan), where the glob it applies to may cover the deleted one's (a rule for `release/*` for one for
`release/2024`). What the deleted one did, the twin still does: a backup plan that duplicated another, a rule
listed twice. A twin that differs in anything it does (a schedule, a tag it selects, a retention) is no twin, a
store's twin holds other data and a scope's (an org, a project, a namespace) other objects, and an object updated
to look like the deleted one (an index shift) is another object that now says the same, not a twin that was
already doing it. A kept object with the deleted one's own id
or ARN is that object under a second address: destroying it destroys what the "twin" manages. A Kubernetes object's
name and labels are identity too (its namespace is not), and an object that acts on what its selector matches (a
network policy, a disruption budget), reached by nobody through its name, is covered by a twin created under a new
name; a Service, ingress or route is reached by its name and is not."""

from __future__ import annotations

from fnmatch import fnmatchcase
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import Finding, ReviewInput, grader
from tfreview.pipeline.lastbuilt import LastBuilt
from tfreview.pipeline.rules.kinds import SCOPES, STATEFUL, looks_stateful
from tfreview.pipeline.rules.watchgrades import watched_deletes_graded

# Who the object is, and metadata that describes it: two objects differing only here do the same thing.
IDENTITY = frozenset({"id", "arn", "name", "version", "etag", "self_link", "unique_id", "name_prefix", "tags",
                      "tags_all", "labels", "description", "display_name"})
REFERENCE = lazy_compile(r"(?:_id|_arn)$")
# Keys that name what an object applies to by a glob: a twin whose glob matches the deleted one's value covers it.
PATTERN = lazy_compile(r"(?:^|_)(?:pattern|branch|ref|path)$")
KEPT = (Action.NO_OP, Action.UPDATE, Action.CREATE)
MAX_PAIRS = 20_000  # deleted × kept objects of one type compared, at most

# Types that say what to do (a backup plan, a selection, a schedule), named after the data they act on.
INSTRUCTIONS = lazy_compile(r"_(?:plan|selection|schedule|rule|rules|policy|assignment)$")

Pairs = dict[str, str]


def _holds_data(resource_type: str) -> bool:
    return resource_type in STATEFUL or (looks_stateful(resource_type) and not INSTRUCTIONS.search(resource_type))


def _values(change: Change, deleted: bool) -> dict[str, Any]:
    side = change.before if deleted else (change.after if change.after is not None else change.before)
    return side if isinstance(side, dict) else {}


def _identifiers(old: dict[str, Any], new: dict[str, Any]) -> Pairs:
    """The deleted object's id and ARN, each to the twin's."""
    return {was: now for key in ("id", "arn") if isinstance(was := old.get(key), str) and was
            and isinstance(now := new.get(key), str) and now}


def _same(old: dict[str, Any], new: dict[str, Any], pairs: Pairs) -> bool:
    """Whether OLD and NEW say the same thing, identity aside and references read through PAIRS."""
    for key in (old.keys() | new.keys()) - IDENTITY:
        was, now = old.get(key), new.get(key)
        if was == now or (REFERENCE.search(key) and isinstance(was, str) and pairs.get(was) == now):
            continue
        if key == "metadata" and _placed(was) == _placed(now):
            continue  # a Kubernetes object's metadata: its name and labels are identity, its namespace is not
        if PATTERN.search(key) and isinstance(was, str) and isinstance(now, str) and fnmatchcase(was, now):
            continue  # the twin's pattern (`release/*`) covers the deleted one's (`release/2024`)
        return False
    return True


# A Kubernetes object's metadata that says who it is, not where it lives or what it does.
K8S_IDENTITY = frozenset({"name", "generate_name", "labels", "annotations", "uid", "resource_version", "generation"})
# Objects whose name is an address others reach them by (a Service's DNS name, a route's host): a twin under another
# name is not reached where the deleted one was.
ADDRESSED = lazy_compile(r"service|ingress|route|gateway|endpoint")
SELECTOR = lazy_compile(r"(?:^|_)selector$")


def _placed(metadata: Any) -> Any:
    """A metadata block (or its one-item list) without what says who the object is."""
    items = metadata if isinstance(metadata, list) else [metadata]
    return [{k: v for k, v in item.items() if k not in K8S_IDENTITY} if isinstance(item, dict) else item
            for item in items]


def _acts_by_selector(change: Change, old: dict[str, Any]) -> bool:
    """Whether a deleted object acts on what its selector matches (a network policy, a disruption budget), never
    reached by its own name: a twin created under another name with the same selector does all it did."""
    if ADDRESSED.search(change.type):
        return False
    spec = old.get("spec")
    blocks = spec if isinstance(spec, list) else [spec]
    return any(isinstance(b, dict) and any(SELECTOR.search(k) for k in b) for b in blocks)


def _one_object(old: dict[str, Any], new: dict[str, Any]) -> bool:
    """Whether a kept object is the deleted one under a second address (the same id or ARN): destroying it
    removes the object the "twin" manages too, so it covers nothing."""
    return any(isinstance(old.get(key), str) and old[key] and old.get(key) == new.get(key) for key in ("id", "arn"))


def _covers(old: dict[str, Any], new: dict[str, Any]) -> bool:
    """Whether a created twin applies to a wider glob than the deleted one (`release/*` for `release/2024`): one
    that is the same object again is a re-create, which loses what the old one held."""
    return any(PATTERN.search(key) and old.get(key) != value for key, value in new.items())


def _twins(ri: ReviewInput) -> dict[str, Change]:
    """Deleted address → a kept object of its type with the same settings; objects without references first, so
    that those referring to them (a selection to its plan) are read through the pairs already found."""
    changes = [c for c in ri.changeset.changes if c.mode == "managed"]
    deleted = [c for c in changes if c.action is Action.DELETE and isinstance(c.before, dict)]
    kept: dict[str, list[Change]] = {}
    for other in changes:
        if other.action in KEPT:
            kept.setdefault(other.type, []).append(other)
    if sum(len(kept.get(c.type, [])) for c in deleted) > MAX_PAIRS:
        return {}  # a plan this size is not tidied by hand: leave its deletes graded alone
    found: dict[str, Change] = {}
    pairs: Pairs = {}
    for _ in range(2):  # a second pass reads references to twins found in the first
        for change in deleted:
            if change.address in found:
                continue
            old = _values(change, True)
            twin = next((k for k in kept.get(change.type, []) if not _one_object(old, _values(k, False))
                         and _same(old, _values(k, False), pairs)
                         and (k.action is not Action.CREATE or _covers(old, _values(k, False))
                              or _acts_by_selector(change, old))
                         and (k.action is not Action.UPDATE or _same(old, _values(k, True), pairs))), None)
            if twin is not None:
                found[change.address] = twin
                pairs.update(_identifiers(old, _values(twin, False)))
    return found


_last_twins: LastBuilt[ReviewInput, dict[str, Change]] = LastBuilt(_twins)


def kept_twin(change: Change, ri: ReviewInput) -> str | None:
    """Why deleting this object takes nothing away, or None: a twin with the same settings stays."""
    if change.action is not Action.DELETE or _holds_data(change.type) or SCOPES.search(change.type):
        return None  # a store's twin holds other data, a scope's twin other objects
    twin = _last_twins(ri).get(change.address)
    return None if twin is None else f"{twin.address} stays with the same settings and covers it: what it did goes on"


@grader
def protection_kept_by_twin(review_input: ReviewInput, findings: list[Finding]) -> list[Finding]:
    """A protection switched off by destroying an object whose twin stays: medium."""
    return watched_deletes_graded(review_input, findings, kept_twin)
