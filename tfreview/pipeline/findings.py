"""Rules stage, the registry: severities, findings, and the decorators every rule in `rules/` registers with.

`risk.evaluate()` runs what is registered here. A rule is either plan-wide (`@rule`: one function over the
whole ReviewInput) or per change (`declare` the id, then `@on_change` a check that receives one Change at
a time). A per-change check that can find nothing without certain words in the change, or outside certain types,
says so (`words=`, `type_pattern=`) and is not called for the rest (wordgate.py); its words must stay a superset
of what it reads whenever the check changes (tests/pipeline/test_wordgate.py checks every fixture plan).
"""

from __future__ import annotations

import re
import threading
import weakref
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass, field
from enum import Enum
from functools import cache

from pydantic import BaseModel

from tfreview.config import FileConfig
from tfreview.pipeline.changes import Action, Change, ChangeSet
from tfreview.pipeline.mask import MaskReport
from tfreview.pipeline.plan import Plan

# Types that hold no infrastructure: their churn alone must not raise the label.
HELPER_TYPE_PREFIXES = ("random_", "time_")
HELPER_TYPES = {"null_resource", "terraform_data", "local_file", "local_sensitive_file"}


class Severity(str, Enum):
    """How much a finding matters; HIGH forces 'needs close review'."""

    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"
    INFO = "info"

    @property
    def rank(self) -> int:
        """Sort key: lower is more severe."""
        return list(Severity).index(self)


class Finding(BaseModel):
    """One thing a rule noticed."""

    rule: str
    severity: Severity
    address: str | None = None
    message: str


@dataclass(frozen=True)
class ReviewInput:
    """What rules look at: the masked plan and its normalized changes."""

    plan: Plan
    changeset: ChangeSet
    config: FileConfig = field(default_factory=FileConfig)
    masking: MaskReport = field(default_factory=MaskReport)


RuleCheck = Callable[[ReviewInput], Iterable[Finding]]
ChangeCheck = Callable[[Change], Iterable[Finding]]
# Re-grades findings by what the rest of the plan says (a public read on a bucket the plan serves as a website).
Grader = Callable[[ReviewInput, list[Finding]], list[Finding]]


def _no_findings(review_input: ReviewInput) -> Iterable[Finding]:
    return ()


@dataclass(frozen=True)
class Rule:
    """A named check with a default severity."""

    id: str
    severity: Severity
    description: str
    check: RuleCheck = _no_findings


@dataclass(frozen=True)
class ChangeHook:
    """A per-change check and the resource types and actions it looks at."""

    check: ChangeCheck
    types: frozenset[str]
    prefixes: tuple[str, ...]
    actions: frozenset[Action]
    # Lower-case words of which one must occur in the serialised change for the check to find anything (the
    # dispatcher's first check, wordgate.py); empty: called with every change it wants.
    words: tuple[bytes, ...] = ()

    # A pattern the type must match (`search`), for a check whose first step reads the type alone.
    type_pattern: re.Pattern[str] | None = None

    def wants(self, resource_type: str, action: Action) -> bool:
        """Whether this check looks at changes of this type and action."""
        if action not in self.actions:
            return False
        if self.type_pattern is not None and self.type_pattern.search(resource_type) is None:
            return False
        if not self.types and not self.prefixes:
            return True
        return resource_type in self.types or resource_type.startswith(self.prefixes)


RULES: dict[str, Rule] = {}
CHANGE_HOOKS: list[ChangeHook] = []
# Plan-wide checks whose findings carry ids chosen in .tfreview.hcl (custom rules).
CONFIG_CHECKS: list[RuleCheck] = []
GRADERS: list[Grader] = []
# Rules that read only the plan's own changes as masked: not run again on the clear values behind sensitive marks,
# on drift read as an update, or on the resources of an embedded template (a learned rule knows masked planned
# changes only, and misreads anything else).
PLANNED_ONLY: set[str] = set()
ALTERING = frozenset({Action.CREATE, Action.UPDATE, Action.REPLACE})
EVERY_ACTION = frozenset(Action)


def rule(rule_id: str, severity: Severity, description: str) -> Callable[[RuleCheck], RuleCheck]:
    """Register a plan-wide rule function under a stable id."""

    def register(check: RuleCheck) -> RuleCheck:
        held = RULES.get(rule_id)
        if held is not None and held.check is not _no_findings:  # a second plan-wide check would replace the first
            raise RuntimeError(f"rule {rule_id!r} already has a plan-wide check ({held.check.__qualname__})")
        RULES[rule_id] = Rule(rule_id, severity, description, check)
        return check

    return register


def declare(rule_id: str, severity: Severity, description: str) -> str:
    """Register a rule whose findings come from per-change checks; returns the id."""
    RULES[rule_id] = Rule(rule_id, severity, description)
    return rule_id


def on_change(
    types: Collection[str] = (),
    prefixes: tuple[str, ...] = (),
    actions: Collection[Action] = ALTERING,
    words: Collection[bytes] = (),
    type_pattern: re.Pattern[str] | None = None,
) -> Callable[[ChangeCheck], ChangeCheck]:
    """Register a check called with every managed change of these types (all when none; with TYPE_PATTERN, only
    types it finds) and actions; with WORDS (lower case), only with those whose type, before or after, serialised,
    holds one of them (wordgate.py). Both are looked up once per type and action, or once per change for words."""

    def register(check: ChangeCheck) -> ChangeCheck:
        hook = ChangeHook(check, frozenset(types), prefixes, frozenset(actions), _words(words), type_pattern)
        CHANGE_HOOKS.append(hook)
        return check

    return register


def _words(words: Collection[bytes]) -> tuple[bytes, ...]:
    """WORDS as a tuple: each non-empty lower-case ASCII without a backslash (serialisation escapes one)."""
    for word in words:
        if not word or not word.isascii() or word != word.lower() or b"\\" in word:
            raise ValueError(f"on_change word {word!r}: give non-empty lower-case ASCII bytes, no backslash")
    return tuple(words)


def config_check(check: RuleCheck) -> RuleCheck:
    """Register a plan-wide check driven by .tfreview.hcl (custom rules)."""
    CONFIG_CHECKS.append(check)
    return check


def grader(grade: Grader) -> Grader:
    """Register a plan-wide grading step: it sees every finding of the plan and returns them, some re-graded."""
    GRADERS.append(grade)
    return grade


def graded_medium(found: Finding, why: str, *, in_parentheses: bool = False) -> Finding:
    """FOUND graded down to medium by a grader, with why added to its message (after a dash, or in parentheses)."""
    return _graded(found, Severity.MEDIUM, why, in_parentheses)


def graded_high(found: Finding, why: str) -> Finding:
    """FOUND graded up to high by a grader, with why added to its message after a dash."""
    return _graded(found, Severity.HIGH, why, False)


def _graded(found: Finding, severity: Severity, why: str, in_parentheses: bool) -> Finding:
    message = f"{found.message} ({why})" if in_parentheses else f"{found.message} — {why}"
    return found.model_copy(update={"severity": severity, "message": message})


def finding(rule_id: str, address: str | None, message: str, severity: Severity | None = None) -> Finding:
    """A finding of a registered rule, at the rule's default severity unless graded otherwise."""
    return Finding(rule=rule_id, severity=severity or RULES[rule_id].severity, address=address, message=message)


def is_helper_type(resource_type: str) -> bool:
    """Whether a resource type holds no real infrastructure."""
    return resource_type in HELPER_TYPES or resource_type.startswith(HELPER_TYPE_PREFIXES)


@cache
def glob(pattern: str) -> re.Pattern[str]:
    """A shell-style pattern where only `*` and `?` are wild, so `[0]` in addresses stays literal."""
    body = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.compile(body + r"\Z")


def managed(changeset: ChangeSet, *actions: Action) -> Iterator[Change]:
    """The managed changes with one of these actions, in plan order."""
    return iter(_managed_index(changeset).of(frozenset(actions)))


@dataclass
class _ManagedIndex:
    """The managed changes of one change-set by set of actions, each list built on first use: ~25 plan-wide rules
    ask for them, and each asking walked every change of the plan."""

    changeset: weakref.ref[ChangeSet]
    changes: list[Change]  # the list indexed: a change-set given a new list is indexed again
    size: int
    lists: dict[frozenset[Action], list[Change]] = field(default_factory=dict)

    def of(self, actions: frozenset[Action]) -> list[Change]:
        found = self.lists.get(actions)
        if found is None:
            found = self.lists[actions] = [c for c in self.changes if c.action in actions and c.mode == "managed"]
        return found


_last_index = threading.local()


def _managed_index(changeset: ChangeSet) -> _ManagedIndex:
    index: _ManagedIndex | None = getattr(_last_index, "index", None)
    if (index is None or index.changeset() is not changeset or index.changes is not changeset.changes
            or index.size != len(changeset.changes)):
        index = _ManagedIndex(weakref.ref(changeset), changeset.changes, len(changeset.changes))
        _last_index.index = index  # holds the list, not the change-set: the next review replaces it
    return index
