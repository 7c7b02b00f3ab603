"""Risk rules, successors (risk rules stage, delete grading): a deleted object whose same-type create in the same plan
names the same thing at a newer version (a compliance standard, ruleset or policy upgraded: CIS 1.2 → 1.4), or
whose job a create of its kind takes over where it acted (a variable moved up to its group, a release replaced in
its namespace, individuals' assignments to an app replaced by a group's, a cache that keeps no copies re-made, a
delivery re-made on the same parent with the same events, a member named by its id where one that selects it by
label joins the same parent), or that a kept object of its type now switches on itself (a chart that ships what a
separate release did).
"""

from __future__ import annotations

import re
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.decoding import embedded_objects
from tfreview.pipeline.findings import ReviewInput
from tfreview.pipeline.rules.carried import gap
from tfreview.pipeline.rules.controls import direction
from tfreview.pipeline.rules.planview import PlanView, plan_view
from tfreview.pipeline.rules.takeover import SUCCEEDED
from tfreview.pipeline.rules.tightened import weaker_successor
from tfreview.pipeline.rules.values import leaves

_SEGMENTS = lazy_compile(r"[/:]")
_VERSION = lazy_compile(r"^v?\d+(?:[._-]\d+)*$", re.IGNORECASE)
_NUMBERS = lazy_compile(r"\d+")
_LETTERS = lazy_compile(r"[a-z]{4,}", re.IGNORECASE)


def _stem_and_version(value: Any) -> tuple[str, tuple[int, ...]] | None:
    """('cis-aws-foundations-benchmark', (1, 2, 0)) for `…/cis-aws-foundations-benchmark/v/1.2.0`, or None when the
    value names no versioned thing."""
    if not isinstance(value, str):
        return None
    segments = [s for s in _SEGMENTS.split(value.strip().lower()) if s]
    versions = [s for s in segments if _VERSION.match(s) and any(c.isdigit() for c in s)]
    names = [s for s in segments if not _VERSION.match(s) and s != "v" and _LETTERS.search(s)]
    if not versions or not names:
        return None
    return names[-1], tuple(int(n) for n in _NUMBERS.findall(versions[-1]))


def _versioned_creates(view: PlanView) -> dict[tuple[str, str, str], list[tuple[tuple[int, ...], Change]]]:
    """Creates by (type, attribute, stem), with the version each names: built once per plan."""
    index: dict[tuple[str, str, str], list[tuple[tuple[int, ...], Change]]] = {}
    for resource_type, creates in view.creates_by_type.items():
        for other in creates:
            after = other.after if isinstance(other.after, dict) else {}
            for key, value in after.items():
                if (named := _stem_and_version(value)) is not None:
                    index.setdefault((resource_type, key, named[0]), []).append((named[1], other))
    return index


def successor(change: Change, ri: ReviewInput) -> str | None:
    """Why a delete is an upgrade (a create of its type names the same thing at a newer version), or None."""
    before = change.before if isinstance(change.before, dict) else {}
    index = plan_view(ri).derived("versioned creates", _versioned_creates)
    for key, value in before.items():
        if (old := _stem_and_version(value)) is None:
            continue
        for version, other in index.get((change.type, key, old[0]), []):
            if version > old[1]:
                return (f"replaced by {other.address} in the same plan: {old[0]} "
                        f"{'.'.join(map(str, old[1]))} → {'.'.join(map(str, version))}")
    return None


# --- a create of the same function over the same target takes over ------------------------------------------
# The object's own identity: the first of these that holds a string is what the object is (a variable's key, a
# release's name, a cache's id); an assignment of a principal has none of its own.
IDENTITY_KEYS = ("key", "name", "cluster_id", "identifier", "title", "display_name")
# Attributes that refer to the object another one acts on or lives in.
REFERENCE = lazy_compile(r"(?:_id|_arn|_name|^namespace|^project|^group|^repository|^app|^account|^folder)$")
# Words of a type that say nothing of its function.
GENERIC_WORDS = frozenset({"v1", "v2", "v3", "resource", "object", "config", "configuration", "settings"})
_TOKENS = lazy_compile(r"[a-z0-9]+")
MAX_HOLDERS = 32
_LEAF = lazy_compile(r"\[\d+\]")


def _strings(values: Any) -> set[str]:
    """Every string leaf of a plan object, lower-cased (items of lists too), but masked placeholders."""
    found: set[str] = set()
    for _path, value in leaves(values):
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, str) and item and not (item.startswith("(") and item.endswith(")")):
                found.add(item.lower())
    return found


def _scopes(value: str) -> list[str]:
    """A path-like value and the paths that contain it (`acme/platform/deployer` → `acme/platform`, `acme`)."""
    parts = value.split("/")
    return ["/".join(parts[:size]) for size in range(len(parts), 0, -1) if "/".join(parts[:size])]


class _Held:
    """The plan's creates by every string value they hold (lower-cased), and each one's strings and their words
    (plurals folded: `alarms` is `alarm`), built once per plan."""

    def __init__(self, view: PlanView) -> None:
        self.by_value: dict[str, list[Change]] = {}
        self.strings: dict[int, set[str]] = {}
        self.words: dict[int, set[str]] = {}
        for other in view.of(Action.CREATE):
            self.strings[id(other)] = found = _strings(other.after)
            self.words[id(other)] = _stems({w for text in found for w in _TOKENS.findall(text)})
            for value in found:
                self.by_value.setdefault(value, []).append(other)


def identity_of(before: dict[str, Any], resource_type: str) -> tuple[str, str] | None:
    """(attribute, value) of what the object is (its key or name, or its kind's own name: `function_name` of a
    function), or None for one with no identity of its own."""
    own = tuple(f"{word}_name" for word in resource_type.split("_")[1:])
    return next(((k, v) for k in (*IDENTITY_KEYS, *own) if isinstance(v := before.get(k), str) and v), None)


def _kin(old: str, new: str) -> bool:
    """Whether two types of one provider do the same job: the same type, or a function word in common."""
    old_words, new_words = old.split("_"), new.split("_")
    return old == new or (old_words[0] == new_words[0]
                          and bool(set(old_words[1:]) & set(new_words[1:]) - GENERIC_WORDS))


def _same_target(before: dict[str, Any], after: dict[str, Any], identity: str | None) -> bool:
    """Whether the create acts where the deleted object did: a top-level value of the same attribute (not the
    identity), a path that contains the deleted object's (a group above its project), or, for one with an
    identity, the same one list of policies or roles granted. With no identity of its own (an assignment), only an
    attribute that refers to another object counts (`app_id`, `namespace`)."""
    held = {v.lower() for v in after.values() if isinstance(v, str)}
    if identity is not None and _same_grants(before, after):
        return True
    for key, value in before.items():
        if key == identity or not isinstance(value, str) or len(value) < 3 or value.startswith("("):
            continue
        if identity is None and not REFERENCE.search(key):
            continue
        if after.get(key) == value or any(scope.lower() in held for scope in _scopes(value)[1:]):
            return True
    # what it applies to, written as a block (an issues filter, a selector, a match condition), the same in both
    return any(SELECTS.search(key) and isinstance(value, (list, dict)) and value and after.get(key) == value
               for key, value in before.items())


# Blocks that say what an object applies to (`issues_filter`, `selector`, `match`, `conditions`).
SELECTS = lazy_compile(r"filter|selector|match|condition|query|predicate")
# Settings that list what an object grants (policies, roles, scopes).
GRANTS = lazy_compile(r"polic|(?:^|_)roles?(?:_|$)|scopes?$|permissions?$")


def _grant_lists(values: dict[str, Any]) -> list[frozenset[str]]:
    return [frozenset(v) for k, v in values.items() if GRANTS.search(k) and isinstance(v, list) and v
            and all(isinstance(i, str) for i in v)]


def _same_grants(before: dict[str, Any], after: dict[str, Any]) -> bool:
    """Whether the create grants exactly what the deleted object did: a list of policies, roles or scopes with the
    same items (under its own name: `allowed_policies` → `token_policies`), and no other such list."""
    old, new = _grant_lists(before), _grant_lists(after)
    return len(old) == 1 and len(new) == 1 and old[0] == new[0]


def _carried(identity: tuple[str, str] | None, held: set[str], held_words: set[str]) -> bool:
    """Whether the create carries the deleted object's identity: its value, or every word of it but those that only
    say its generation (`legacy`, `v1`), plurals folded; HELD_WORDS are the create's words, folded the same way."""
    if identity is None:
        return True
    value = identity[1].lower()
    words = _stems(set(_TOKENS.findall(value)) - GENERATION_WORDS)
    return value in held or (bool(words) and words <= held_words)


# Words of a name that only say which generation an object is (`… (legacy)`, `-v1`): a successor drops them.
GENERATION_WORDS = frozenset({"legacy", "old", "deprecated", "classic", "v1", "v2", "v3", "new", "next"})


def _stems(words: set[str]) -> set[str]:
    """Words without a plural's final s (`alarms` and `alarm` are one word)."""
    return {w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w for w in words}


def _enforced(before: dict[str, Any]) -> set[str]:
    """The items of the lists the object enforces (required checks, contexts), anywhere in it."""
    return {item.lower() for _path, value in leaves(before) if isinstance(value, list)
            for item in value if isinstance(item, str) and item}


def handed_over(change: Change, ri: ReviewInput) -> str | None:
    """Why a deleted object loses nothing, or None: a create in the same plan takes its job over, no weaker: of its
    kind (same type or a function word in common), where it acted (same target, or a scope that contains it) and
    carrying its identity; or a ruleset or policy, enforced and exempting nobody, that carries every item the
    deleted object enforced and each setting they share no weaker."""
    before = change.before if isinstance(change.before, dict) else {}
    if change.action is not Action.DELETE or not before:
        return None
    index = plan_view(ri).derived("creates by value", _Held)
    identity = identity_of(before, change.type)
    candidates: dict[int, Change] = {}
    for value in _strings(before):
        for scope in _scopes(value):
            holders = index.by_value.get(scope, [])
            if len(holders) <= MAX_HOLDERS:  # a value many creates share (a region) points at none of them
                candidates.update((id(c), c) for c in holders)
    enforced = _enforced(before)
    for other in candidates.values():
        after = other.after if isinstance(other.after, dict) else {}
        if other.type.split("_")[0] != change.type.split("_")[0] or not _carries_on(change, before, after):
            continue
        held = index.strings[id(other)]
        if _kin(change.type, other.type) and (identity is not None or other.type != change.type) \
                and _carried(identity, held, index.words[id(other)]) \
                and _same_target(before, after, identity and identity[0]) and not weaker_successor(change, other) \
                and _switches_kept(change.type, before, after):
            return f"{other.address} is created in the same plan where it acted and takes over its job"
        if other.type == change.type and _same_target(before, after, None) and _carries_events(before, after) \
                and not weaker_successor(change, other) and _switches_kept(change.type, before, after):
            return f"{other.address} is created in the same plan on the same parent and carries the same events on"
        # what it enforced, named item by item (checks, contexts), or with nothing listed, each setting both name
        if (enforced <= held if enforced else _guards(change.type)) and SUCCEEDED.search(other.type) \
                and _enforcing(after) and _same_effect(before, after) \
                and _no_weaker_by_name(change.type, before, after) and _switches_kept(change.type, before, after):
            return f"{other.address} is created in the same plan and enforces everything it did, no weaker"
    return None


# Lists of the events a delivery carries (`matching_event_types`, `events`, `event_categories`).
EVENT_LIST = lazy_compile(r"(?:^|_)events?(?:_types?|_categories|_names)?$")


def _carries_events(before: dict[str, Any], after: dict[str, Any]) -> bool:
    """Whether a create of the deleted object's type carries every event list it had, each with every event: a
    delivery re-made under a new name for a new kind of receiver (Firehose → EventBridge) goes on."""
    old, new = _event_lists(before), _event_lists(after)
    return bool(old) and all(items <= new.get(path, set()) for path, items in old.items())


def _event_lists(values: dict[str, Any]) -> dict[str, set[str]]:
    return {_LEAF.sub("", path): {str(i).lower() for i in value} for path, value in leaves(values)
            if isinstance(value, list) and value and EVENT_LIST.search(_LEAF.sub("", path).rpartition(".")[2])}


def _carries_on(change: Change, before: dict[str, Any], after: dict[str, Any]) -> bool:
    """Whether a create can carry the deleted object's job on at all: it keeps what it records, adds no setting at
    its weak end, and takes over the data the deleted object kept on its own volumes."""
    return gap(change.type, before, after) is None


# Settings that say whether a policy is enforced, the values that say it only reports or is off, and lists of
# those it does not bind.
ENFORCEMENT = lazy_compile(r"(?:^|_)(?:enforcement|enforcement_action|enforcement_mode|enforce|mode|state|status"
                           r"|enabled)$")
NOT_ENFORCED = frozenset({"disabled", "off", "inactive", "evaluate", "audit", "dryrun", "dry_run", "report",
                          "warn", "log_only", "detect", "false"})
EXEMPT = lazy_compile(r"bypass|exempt")


# Types that guard something by the settings they enforce (a branch protection, a ruleset, a policy).
GUARDS = lazy_compile(r"(?:^|_)(?:protection|protections|ruleset|rulesets|rule|rules|policy|policies|restriction"
                      r"|restrictions)(?:_v\d+)?$")


def _guards(resource_type: str) -> bool:
    return bool(GUARDS.search(resource_type))


# What an entry does to what it matches (`access = "Deny"`, `effect`, `action = "block"`).
EFFECT = ("access", "effect", "action", "decision", "permission", "rule_action")


def _same_effect(before: dict[str, Any], after: dict[str, Any]) -> bool:
    """Whether the successor does the same to what it matches: a deny is not taken over by an allow."""
    return all(str(before[key]).strip().lower() == str(after[key]).strip().lower() for key in EFFECT
               if isinstance(before.get(key), str) and isinstance(after.get(key), str))


def _enforcing(after: dict[str, Any]) -> bool:
    """Whether a successor policy is enforced (no `enforcement: disabled` or `evaluate`, no `enabled: false`) and
    exempts nobody (an empty bypass list)."""
    for path, value in leaves(after):
        key = _LEAF.sub("", path).rpartition(".")[2]
        if ENFORCEMENT.search(key) and (value is False or str(value).strip().lower() in NOT_ENFORCED):
            return False
        if EXEMPT.search(path) and value not in (None, [], {}, "", False):
            return False
    return True


def _switches_kept(resource_type: str, before: dict[str, Any], after: dict[str, Any]) -> bool:
    """Whether every switch the deleted object had that the create also sets is the same, or known stronger (a
    flipped `masked` or `protected` the vocabulary does not know is not proven harmless)."""
    new = dict(leaves(after))
    return all(new[path] == value or direction(resource_type, path, value, new[path]) == 1
               for path, value in leaves(before) if isinstance(value, bool) and isinstance(new.get(path), bool))


def _no_weaker_by_name(resource_type: str, before: dict[str, Any], after: dict[str, Any]) -> bool:
    """Whether a create of another schema holds each setting the deleted object had under the same name at least
    as strongly, with at least one such setting to compare (`required_approving_review_count` 2 → 2)."""
    new: dict[str, list[Any]] = {}
    for path, value in leaves(after):
        new.setdefault(_LEAF.sub("", path).rpartition(".")[2], []).append(value)
    compared = False
    for path, value in leaves(before):
        for other in new.get(_LEAF.sub("", path).rpartition(".")[2], []):
            move = direction(resource_type, path, value, other)
            if move == -1:
                return False
            compared = compared or move is not None
    return compared


# A cache by its type's words (`elasticache`, `redis_cache`); its data is refilled by clients.
CACHE = lazy_compile(r"cache")
# Settings that keep copies of a cache's data: a snapshot or backup retention, persistence, append-only files.
KEEPS_COPIES = lazy_compile(r"snapshot|backup|persist|aof|rdb")


def cache_handed_over(change: Change, ri: ReviewInput) -> str | None:
    """Why a deleted cache loses nothing, or None: it keeps no copies (no snapshot, backup or persistence set) and
    a create of its kind takes over under its identity."""
    before = change.before if isinstance(change.before, dict) else {}
    if not any(CACHE.search(word) for word in change.type.split("_")[1:]):
        return None
    if any(KEEPS_COPIES.search(path) and value not in (None, 0, False, "", [], {}, "0", "false", "none", "off")
           for path, value in leaves(before)):
        return None
    why = handed_over(change, ri) if identity_of(before, change.type) is not None else None
    return None if why is None else f"a cache that keeps no copies; {why}"


# --- a kept object of its kind switches on what the deleted object did ----------------------------------------
_ALNUM = lazy_compile(r"[^a-z0-9]+")


def _switched_on(values: Any) -> set[str]:
    """The names (letters and digits only) of the components a setting switches on, in its values or in the YAML
    or JSON documents they hold (`kubeStateMetrics: {enabled: true}` → `kubestatemetrics`)."""
    found: set[str] = set()
    for item in [values, *embedded_objects(values)] if isinstance(values, dict) else []:
        for key, value in item.items():
            if value is True or (isinstance(value, dict) and value.get("enabled") is True):
                found.add(_ALNUM.sub("", str(key).lower()))
    return found


def _updates_by_type(view: PlanView) -> dict[str, list[Change]]:
    index: dict[str, list[Change]] = {}
    for other in view.of(Action.UPDATE):
        index.setdefault(other.type, []).append(other)
    return index


def folded_into(change: Change, ri: ReviewInput) -> str | None:
    """Why a deleted object loses nothing, or None: an object of its type kept where it acted is updated to switch
    on a component of the deleted object's own name (a chart that now ships what a separate release did)."""
    before = change.before if isinstance(change.before, dict) else {}
    identity = identity_of(before, change.type) if change.action is Action.DELETE else None
    name = _ALNUM.sub("", identity[1].lower()) if identity else ""
    if len(name) < 4:
        return None
    for other in plan_view(ri).derived("updates by type", _updates_by_type).get(change.type, []):
        after = other.after if isinstance(other.after, dict) else {}
        if _same_target(before, after, identity and identity[0]) \
                and name in _switched_on(after) - _switched_on(other.before):
            return f"{other.address}, kept where it acted, now switches on {identity and identity[1]} itself"
    return None


# A member named one by one (a server by its id) beside one that selects members by label on the same parent (a load
# balancer's `label_selector` target): where the named member carries every label the selector asks for, it stays.
SELECTOR_KEYS = ("label_selector", "selector", "tag_selector")
MEMBER_KEYS = ("server_id", "instance_id", "droplet_id", "node_id", "vm_id")
PARENT_KEY = lazy_compile(r"(?:load_balancer|target_group|pool|backend|group)_(?:id|arn|name)$")


def selected_instead(change: Change, ri: ReviewInput) -> str | None:
    """Why a deleted member loses nothing, or None: a member of its type created on the same parent selects by
    label, and the object the deleted one named (shown in the plan) carries every label it asks for."""
    before = change.before if isinstance(change.before, dict) else {}
    member = next((str(before[k]) for k in MEMBER_KEYS if before.get(k) not in (None, "", 0)), None)
    parents = {(k, v) for k, v in before.items() if PARENT_KEY.search(k) and v not in (None, "")}
    if change.action is not Action.DELETE or member is None or not parents:
        return None
    view = plan_view(ri)
    labels = view.derived("labels by id", _labels_by_id).get(member)
    for other in view.creates_by_type.get(change.type, []):
        after = other.after if isinstance(other.after, dict) else {}
        selector = next((after[k] for k in SELECTOR_KEYS if isinstance(after.get(k), str) and after[k].strip()), "")
        wanted = dict(pair.split("=", 1) for pair in selector.split(",") if pair.count("=") == 1)
        if labels and wanted and any(after.get(k) == v for k, v in parents) \
                and all(str(labels.get(k.strip())) == v.strip() for k, v in wanted.items()):
            return f"{other.address} is created on the same parent and selects it by label ({selector})"
    return None


def _labels_by_id(view: PlanView) -> dict[str, dict[str, Any]]:
    """Each object's labels before the plan, by its id: built once per plan."""
    return {str(c.before["id"]): c.before["labels"] for c in view.changes if isinstance(c.before, dict)
            and c.before.get("id") is not None and isinstance(c.before.get("labels"), dict)}
