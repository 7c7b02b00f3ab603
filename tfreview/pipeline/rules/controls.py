"""The security-controls engine (risk rules stage): a control names attributes by path pattern and says which
way their values weaken; applied to every update, replace and create of every resource type of every provider.

The vocabulary package holds the table; strengths.py reads values. A value weakens when its strength drops (a
flag turned off, a mode down its ladder, a TLS version lowered, a count to zero). An unknown-until-apply value is
never "weakened", but a control that was strong and becomes unknown is a medium `control-unknown` finding naming
it. Creates are judged only by controls whose weak value is notable on a new resource.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

from tfreview.lazyregex import lazy_compile, source_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.decoding import unfolded, yaml_document
from tfreview.pipeline.diff import UNKNOWN
from tfreview.pipeline.findings import RULES, Finding, Severity, declare, finding, on_change
from tfreview.pipeline.rules.aligned import exemption_dropped
from tfreview.pipeline.rules.allowgone import allow_switched_off
from tfreview.pipeline.rules.common import show
from tfreview.pipeline.rules.elided import entry_gone, left_out
from tfreview.pipeline.rules.environments import non_production
from tfreview.pipeline.rules.frontdoor import https_front_door
from tfreview.pipeline.rules.keyswap import customer_key_instead
from tfreview.pipeline.rules.logblocks import performance_log
from tfreview.pipeline.rules.reviewedmerge import merged_through_review
from tfreview.pipeline.rules.shifted import shifted
from tfreview.pipeline.rules.strengths import (
    Strength,
    absent,
    access_word,
    authenticated,
    capacity,
    count,
    everyone,
    exposure_word,
    flag,
    https_word,
    inverted,
    off_word,
    on_word,
    present,
    public_word,
    requirement,
    tls,
)
from tfreview.pipeline.rules.units import moved_within
from tfreview.pipeline.rules.values import document, leaves, pairs, plain, with_settings
from tfreview.pipeline.rules.watch import WATCHES, diagnostic_data

UNSEEN = declare("control-unknown", Severity.MEDIUM,
                 "A security control (protection, encryption, logging, exposure…) becomes known only after apply, "
                 "so the plan cannot show it stays on.")

# A retention cut to a hundredth or less (3650 days → 1, 720 hours → 6) deletes nearly all
# that was kept: no longer a tuning of the window but the loss of its history.
COLLAPSE = 100
MAX_DOCUMENT = 100_000  # JSON text settings longer than this are not read leaf by leaf
SKIPPED_ROOTS = ("tags", "tags_all", "effective_labels", "terraform_labels", "timeouts")
# An object's own labels (top level or in its Kubernetes metadata) and the selectors that match labels (a Gateway's
# namespace selector): their keys and values are names. Labels an object hands on (an alert rule's `severity` label
# routes its pages) and annotations are read: some are switches.
LABEL_MAPS = lazy_compile(r"(?:^|[.\]])(?:metadata(?:\[\d+\])?\.labels|match_?labels|matchLabels|selector"
                          r"|node_?selector)\.|^labels\.")
# Labels Kubernetes itself acts on (`pod-security.kubernetes.io/enforce`): settings, read like any other.
CONTROL_LABELS = lazy_compile(r"(?:^|\.)[\w.-]*(?:kubernetes\.io|k8s\.io)/")


@dataclass(frozen=True)
class Control:
    """Attributes whose path ends with PATH (a regex over dotted segments), on types matching TYPES."""

    rule: str
    path: str
    strength: Strength
    what: str
    types: str = ""
    create: Severity | None = None  # a create with a value below create_below is notable, at this severity
    create_below: float = 1
    above_zero: Severity | None = None  # numbers: the severity of a drop that stays above zero (None: not news)
    collapsed: Severity | None = None  # numbers: the severity of a cut to 1/COLLAPSE or less
    severity: Severity | None = None
    outside_production: Severity | None = None  # the severity on a resource whose own tags say non-production
    diagnostic: Severity | None = None  # the severity on a resource whose own names say debug or trace output
    generic: bool = False  # read by its values, not its name: it only reports a weakening, and decides nothing else
    drop_factor: float = 0  # when set, only a drop to 1/drop_factor of the old strength or less weakens (a limit ×10)
    # A weak value that is also a legitimate way to publish (a public repository, a public-read data set): a new
    # resource written with it stays at its create severity (deliberate.py does not raise it).
    published: bool = False
    # A setting that only qualifies the list entry holding it (a mount's or a grant's `read_only`): when the entry is
    # removed whole, what it qualified is gone too, and its null is no weakening.
    qualifies_entry: bool = False

    def weakened(self, before: Any, after: Any) -> Severity | None:
        """The severity at which BEFORE → AFTER weakens this control; None when it does not."""
        return self.graded(self.strength(before), self.strength(after))

    def graded(self, old: float | None, new: float | None) -> Severity | None:
        """The severity at which strength OLD → NEW weakens this control; None when it does not."""
        if old is None or new is None or new >= old or (self.drop_factor and new * self.drop_factor > old):
            return None
        if self.strength in (count, capacity) and new > 0:
            return self.collapsed if self.collapsed and new * COLLAPSE <= old else self.above_zero
        return self.severity or RULE_SEVERITY[self.rule]


CONTROLS: list[Control] = []
# (types, attribute names) a curated rule already reads for a rule id: the generic control stays quiet there.
COVERED: dict[str, tuple[set[str], set[str]]] = {}
RULE_SEVERITY: dict[str, Severity] = {}


def control(rule_id: str, path: str, strength: Strength, what: str, **options: Any) -> None:
    """Add a control to the vocabulary."""
    RULE_SEVERITY[rule_id] = RULES[rule_id].severity
    CONTROLS.append(Control(rule_id, path, strength, what, **options))
    _matching.cache_clear()
    _named.cache_clear()
    _creating.cache_clear()


@cache
def _pattern(path: str) -> re.Pattern[str]:
    return source_compile(rf"(?:^|[./\-])(?:{path})\Z")  # control paths are written in the rules' source


@cache
def _type_pattern(types: str) -> re.Pattern[str]:
    return source_compile(types)


# A switch of a block of measurements (a diagnostic setting's `metric` export, `metrics.enabled`): numbers about
# load and latency, no record of who did what and no detector; the log categories beside it say what still flows.
MEASUREMENT_SWITCH = lazy_compile(r"(?:^|[._])metrics?\.(?:enabled|enable|is_enabled)$")
_ACRONYM = lazy_compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
SWITCHES = {"enabled", "enable", "is_enabled", "state", "status", "mode"}


@cache
def _matching(resource_type: str, path: str) -> tuple[Control, ...]:
    if path.startswith(SKIPPED_ROOTS) or re.search(r"(?:^|[._])value$", path.lower()):  # holds a value, no switch
        return ()
    if LABEL_MAPS.search(path) and not CONTROL_LABELS.search(path):  # a label's key is a name someone chose
        return ()
    lowered = path.lower()
    if MEASUREMENT_SWITCH.search(lowered):
        return ()
    names = _names(lowered)
    # camelCase keys of JSON documents, and setting names with acronyms (`SSLPolicy`), read as snake_case
    snake = _ACRONYM.sub("_", path).lower()
    if snake != lowered:
        names += _names(snake)
    names += _unprefixed(path)
    hits = sorted(set().union(*map(_named, names)))
    return tuple(c for c in map(CONTROLS.__getitem__, hits) if not c.types or _of_type(c.types, resource_type))


@cache
def _named(name: str) -> frozenset[int]:
    """The indices of the controls whose path pattern reads NAME, whatever the type: a plan repeats its attribute
    names (`name`, `tags`, `enabled`) across many types, and each name is read against every pattern once."""
    return frozenset(i for i, c in enumerate(CONTROLS) if _pattern(c.path).search(name))


@cache
def _of_type(types: str, resource_type: str) -> bool:
    return _type_pattern(types).search(resource_type) is not None


# An environment variable's name (`EMQX_ALLOW_ANONYMOUS`, `GF_AUTH_ANONYMOUS_ENABLED`): a product's prefix, then the
# setting's own words.
ENV_NAME = lazy_compile(r"[A-Z][A-Z0-9]*(?:__?[A-Z0-9]+){2,}")


def _unprefixed(path: str) -> list[str]:
    """An environment variable's name at the end of PATH read without its leading words, two words at least
    (`allow_anonymous` of `EMQX_ALLOW_ANONYMOUS`): products prefix their settings with their own name."""
    leaf = path.rsplit(".", 1)[-1]
    if not ENV_NAME.fullmatch(leaf):
        return []
    head, words = path[:len(path) - len(leaf)].lower(), [w for w in leaf.lower().split("_") if w]
    return [head + "_".join(words[start:]) for start in range(1, len(words) - 1)]


def matching_controls(resource_type: str, path: str) -> tuple[Control, ...]:
    """The vocabulary's controls that read the attribute at PATH (dotted keys) of RESOURCE_TYPE."""
    return _matching(resource_type, path)


def _names(path: str) -> list[str]:
    """PATH, and for a generic switch (`enabled`, `state`, `evaluation_mode`…) each enclosing block with it:
    `encryption.at_rest.enabled` is also read as `encryption.enabled` and `at_rest.enabled`."""
    segments = path.split(".")
    leaf = segments[-1]
    switch = leaf in SWITCHES or leaf.endswith(("_mode", "_state", "_status"))
    if len(segments) < 2 or not switch or FREE_FORM & set(segments):
        return [path]
    return [path] + [f"{segment}.enabled" for segment in segments[:-1]]


# Maps whose keys are chosen by users (environment variables, labels): their names say nothing about a control.
FREE_FORM = {"environment", "variables", "env", "data", "labels", "annotations", "tags", "metadata"}


def _covered(rule_id: str, resource_type: str, path: str) -> bool:
    """Whether a curated rule already reports this attribute of this type for RULE_ID."""
    types, names = COVERED.get(rule_id, (set(), set()))
    return resource_type in types and plain(path).rpartition(".")[2] in names


def _watched(resource_type: str, path: str, before: Any, after: Any) -> bool:
    """Whether watch.py's curated table already reports this attribute."""
    segments = plain(path).split(".")
    return any(w.fires(resource_type, segments, before, after) for w in WATCHES.get(segments[-1], ()))


def direction(resource_type: str, path: str, before: Any, after: Any) -> int | None:
    """+1 when the controls that name PATH read AFTER as stronger than BEFORE, -1 when any reads it weaker, 0 when
    they cannot tell, None when no control names PATH."""
    found = _matching(resource_type, plain(path))
    # A generic line (any attribute, read by its values) only tells a weakening: a value it ranks higher is no
    # proof that nothing is lost (a scope narrowed from `*` cuts off whoever used the rest).
    moves = {move for item in found
             if (old := item.strength(before)) is not None and (new := item.strength(after)) is not None
             and ((move := (new > old) - (new < old)) == -1 or not item.generic)}
    if not moves and all(item.generic for item in found):
        return None
    return -1 if -1 in moves else 1 if 1 in moves else 0


def _with_documents(found: tuple[tuple[str, Any, Any], ...]) -> Iterator[tuple[str, Any, Any]]:
    """The changed leaves, and inside a setting held as JSON or YAML text (a policy, a trigger's `config`, a
    manifest's yaml_body, a chart's values) the leaves of the document that change: `config.authType` "function" →
    "anonymous", `yaml_body.spec.validationFailureAction` Enforce → Audit."""
    for path, before, after in found:
        yield path, before, after
        new = _read(after)
        if new is None:
            continue
        old = dict(leaves(_read(before), path))
        for inner, value in leaves(new, path):
            if old.get(inner) != value:
                yield inner, old.get(inner), value


def _read(text: Any) -> Any:
    """The document a text setting holds (JSON, or YAML such as a manifest's yaml_body), or each of a list of texts
    (a chart's values), with the documents quoted inside it read too; None for anything else."""
    if isinstance(text, list) and text and all(isinstance(t, str) for t in text):
        found = [_read(t) for t in text]
        return found if any(d is not None for d in found) else None
    if not isinstance(text, str) or len(text) > MAX_DOCUMENT:
        return None
    parsed = document(text)
    parsed = yaml_document(text) if parsed is None else parsed
    return None if parsed is None else unfolded(parsed)


@on_change(actions=(Action.UPDATE, Action.REPLACE))
def _weakened(change: Change) -> Iterator[Finding]:
    if change.before == change.after and not change.after_unknown:
        return
    seen: set[tuple[str, str]] = set()
    settled: set[tuple[str, str]] = set()  # a specific line read both values as equal: no generic line may differ
    for path, before, after in _with_documents(pairs(change)):
        if _rehearsal(path):
            continue
        for item in _matching(change.type, plain(path)):
            if (item.rule, path) in seen or (item.generic and (item.rule, path) in settled):
                continue
            if after == UNKNOWN:
                # A replace recomputes what is not configured; only an update's unknown control is news.
                if change.action is Action.UPDATE and _strong(item, before):
                    seen.add((item.rule, path))
                    yield finding(UNSEEN, change.address,
                                  f"{change.address}: {path} was {show(before)} and is known only after apply "
                                  f"({item.what} cannot be confirmed)")
                continue
            old, new = item.strength(before), item.strength(after)  # each read once
            if old is not None and new is not None and not item.generic:
                # the most specific line that reads a difference decides for its rule; one that reads none leaves
                # the next specific line to look (a policy's TLS floor unchanged, its date moved back)
                (seen if old != new else settled).add((item.rule, path))
            severity = item.graded(old, new)
            if severity is not None and item.outside_production and non_production(change):
                severity = item.outside_production
            if severity is not None and item.diagnostic and diagnostic_data(change):
                severity = item.diagnostic
            if severity is not None and not _watched(change.type, path, before, after) \
                    and not _covered(item.rule, change.type, path) and not moved_within(change, path, before, after) \
                    and not _implicit_tls(change, path) and not customer_key_instead(change, path, after) \
                    and not allow_switched_off(change, path) and not performance_log(change, path) \
                    and not shifted(change, path, item.generic) and not merged_through_review(change, path) \
                    and not (after is None and exemption_dropped(with_settings(change.before),
                                                                 with_settings(change.after), path)) \
                    and not (after is None and left_out(change.before, change.after, path)) \
                    and not (after is None and item.qualifies_entry and entry_gone(change.before, change.after, path)):
                seen.add((item.rule, path))
                yield finding(item.rule, change.address,
                              f"{change.address}: {path} {show(before)} → {show(after)} ({item.what})", severity)


@on_change(actions=(Action.CREATE,))
def _created_weak(change: Change) -> Iterator[Finding]:
    for item, path, value in weak_on_create(change):
        yield finding(item.rule, change.address, created_message(change, item, path, value), item.create)


def weak_on_create(change: Change) -> Iterator[tuple[Control, str, Any]]:
    """(control, path, value) for each attribute a new resource is created with below its control's create floor,
    one control an attribute (the first that reads it)."""
    if not isinstance(change.after, dict):
        return
    for path, value in leaves(with_settings(change.after)):
        if value is None:
            continue
        for item in _creating(change.type, plain(path)):
            if item.rule == "public-access" and https_front_door(change):
                continue
            strength = item.strength(value)
            if strength is not None and strength < item.create_below:
                yield item, path, value
                break


@cache
def _creating(resource_type: str, path: str) -> tuple[Control, ...]:
    """The controls that judge a create at PATH (no list indices) of RESOURCE_TYPE: those with a create floor that
    no curated rule already reads there. Read once per type and attribute, not once per resource."""
    return tuple(item for item in _matching(resource_type, path)
                 if item.create is not None and not _covered(item.rule, resource_type, path))


def created_message(change: Change, item: Control, path: str, value: Any) -> str:
    """The finding's message for a resource created with PATH = VALUE below ITEM's create floor."""
    return f"{change.address} is created with {path} = {show(value)} ({item.what})"


STARTTLS = lazy_compile(r"start_?tls", re.IGNORECASE)
SCHEME = lazy_compile(r"^([a-z][a-z0-9+.-]*)://", re.IGNORECASE)


_DRY_RUN = lazy_compile(r"^(?:dry_?run|simulat\w*|what_?if)(?:_spec|_policy|_config)?$", re.IGNORECASE)


def _rehearsal(path: str) -> bool:
    """Whether PATH sits inside a dry-run block (an org policy's `dry_run_spec`): what it holds is only rehearsed,
    never enforced, so its settings going is no weakening (a `dry_run` switch itself is read as any control)."""
    return any(_DRY_RUN.match(segment) for segment in plain(path).split(".")[:-1])


def _implicit_tls(change: Change, path: str) -> bool:
    """Whether STARTTLS is turned off because a URL of the same object moves to its TLS scheme (ldap:// →
    ldaps://): the whole connection is then encrypted from the start, which is stricter."""
    if not STARTTLS.search(plain(path).rpartition(".")[2]):
        return False
    before = change.before if isinstance(change.before, dict) else {}
    after = change.after if isinstance(change.after, dict) else {}
    for key, value in after.items():
        old, new = SCHEME.match(str(before.get(key) or "")), SCHEME.match(str(value or ""))
        if old and new and new[1].lower() == old[1].lower() + "s":
            return True
    return False


def _strong(item: Control, before: Any) -> bool:
    """Whether BEFORE is a set value above the control's weakest (TLS: above 1.0; a ladder: above its bottom)."""
    strength = item.strength(before) if before is not None else None
    binary = (flag, inverted, present, absent, public_word, count, capacity, https_word, everyone, off_word, on_word,
              exposure_word, authenticated, requirement, access_word)
    weakest = 1.0 if item.strength is tls else 0 if item.strength in binary else 1
    return strength is not None and strength > weakest
