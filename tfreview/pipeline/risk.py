"""Deterministic risk rules: the floor under every label that no model answer can lower.

The rules themselves live by theme in `tfreview/pipeline/rules/` and register here. A rule is either plan-wide
(`@rule`: one function over the whole ReviewInput) or per change (`declare` the id, then `@on_change`
a check that receives one Change at a time). `evaluate()` walks the changes once and hands each to the
checks that asked for its resource type and action, looked up once per (type, action) pair, so a
50,000-change plan costs one pass plus the checks that really apply.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass, field
from enum import Enum
from functools import cache

from pydantic import BaseModel

from tfreview.config import FileConfig, RuleConfig
from tfreview.errors import ConfigError
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

    def wants(self, resource_type: str, action: Action) -> bool:
        """Whether this check looks at changes of this type and action."""
        if action not in self.actions:
            return False
        if not self.types and not self.prefixes:
            return True
        return resource_type in self.types or resource_type.startswith(self.prefixes)


RULES: dict[str, Rule] = {}
CHANGE_HOOKS: list[ChangeHook] = []
# Plan-wide checks whose findings carry ids chosen in .tfreview.hcl (custom rules).
CONFIG_CHECKS: list[RuleCheck] = []
ALTERING = frozenset({Action.CREATE, Action.UPDATE, Action.REPLACE})
EVERY_ACTION = frozenset(Action)


def rule(rule_id: str, severity: Severity, description: str) -> Callable[[RuleCheck], RuleCheck]:
    """Register a plan-wide rule function under a stable id."""

    def register(check: RuleCheck) -> RuleCheck:
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
) -> Callable[[ChangeCheck], ChangeCheck]:
    """Register a check called with every managed change of these types (all when none) and actions."""

    def register(check: ChangeCheck) -> ChangeCheck:
        CHANGE_HOOKS.append(ChangeHook(check, frozenset(types), prefixes, frozenset(actions)))
        return check

    return register


def config_check(check: RuleCheck) -> RuleCheck:
    """Register a plan-wide check driven by .tfreview.hcl (custom rules)."""
    CONFIG_CHECKS.append(check)
    return check


def finding(rule_id: str, address: str | None, message: str, severity: Severity | None = None) -> Finding:
    """A finding of a registered rule, at the rule's default severity unless graded otherwise."""
    return Finding(rule=rule_id, severity=severity or RULES[rule_id].severity, address=address, message=message)


def evaluate(review_input: ReviewInput) -> list[Finding]:
    """Run every enabled rule and the config's custom rules; findings sorted most severe first."""
    overrides = check_config(review_input.config)
    disabled = {rule_id for rule_id, o in overrides.items() if not o.enabled}
    findings = [f for r in RULES.values() if r.id not in disabled for f in r.check(review_input)]
    findings += _change_findings(review_input.changeset, disabled)
    findings += [f for check in CONFIG_CHECKS for f in check(review_input)]
    findings = [_overridden(f, overrides) for f in findings if f.rule not in disabled]
    return sorted(findings, key=lambda f: (f.severity.rank, f.rule, f.address or ""))


def _change_findings(changeset: ChangeSet, disabled: set[str]) -> list[Finding]:
    dispatch: dict[tuple[str, Action], list[ChangeCheck]] = {}
    found: list[Finding] = []
    for change in changeset.changes:
        if change.mode != "managed":
            continue
        key = (change.type, change.action)
        checks = dispatch.get(key)
        if checks is None:
            checks = dispatch[key] = [h.check for h in CHANGE_HOOKS if h.wants(*key)]
        for check in checks:
            found.extend(check(change))
    return found if not disabled else [f for f in found if f.rule not in disabled]


def _overridden(found: Finding, overrides: dict[str, RuleConfig]) -> Finding:
    """Apply a `rule "<id>" { severity = ... }` override.

    Findings at the rule's default severity take the configured one; findings the rule graded lower
    (helper types, read-only grants) keep their grade but never rise above the configured severity.
    """
    override = overrides.get(found.rule)
    if override is None or override.severity is None or found.rule not in RULES:
        return found
    wanted = Severity(override.severity)
    graded = found.severity is not RULES[found.rule].severity
    severity = max(found.severity, wanted, key=lambda s: s.rank) if graded else wanted
    return found.model_copy(update={"severity": severity})


def check_config(config: FileConfig) -> dict[str, RuleConfig]:
    """Validate the `rule` blocks of .tfreview.hcl; the overrides of built-in rules, by id."""
    overrides: dict[str, RuleConfig] = {}
    for rule_id, block in config.rule.items():
        _check_severity(rule_id, block.severity)
        if is_custom(block):
            _check_custom(rule_id, block)
        elif rule_id in RULES:
            _check_override(rule_id, block)
            overrides[rule_id] = block
        else:
            known = ", ".join(sorted(RULES))
            raise ConfigError(
                f'rule "{rule_id}": unknown rule id — known ids: {known}; '
                "a custom rule needs match_type or match_address"
            )
    return overrides


def is_custom(block: RuleConfig) -> bool:
    """Whether a `rule` block defines a custom rule rather than overriding a built-in one."""
    return bool(block.match_type or block.match_address)


def _check_severity(rule_id: str, severity: str | None) -> None:
    if severity is not None and severity not in {s.value for s in Severity}:
        raise ConfigError(f'rule "{rule_id}": severity "{severity}" — use one of high, medium, low, info')


def _check_custom(rule_id: str, block: RuleConfig) -> None:
    if rule_id in RULES:
        raise ConfigError(f'rule "{rule_id}": {rule_id} is a built-in rule — give the custom rule its own id')
    unknown = [a for a in block.actions if a not in {x.value for x in Action}]
    if unknown:
        valid = ", ".join(a.value for a in Action)
        raise ConfigError(f'rule "{rule_id}": unknown action "{unknown[0]}" — use any of {valid}')


def _check_override(rule_id: str, block: RuleConfig) -> None:
    extra = [k for k in ("actions", "attribute", "message") if getattr(block, k)]
    if extra:
        raise ConfigError(
            f'rule "{rule_id}": {extra[0]} only applies to custom rules — '
            "a built-in rule takes severity and enabled"
        )


def is_helper_type(resource_type: str) -> bool:
    """Whether a resource type holds no real infrastructure."""
    return resource_type in HELPER_TYPES or resource_type.startswith(HELPER_TYPE_PREFIXES)


@cache
def glob(pattern: str) -> re.Pattern[str]:
    """A shell-style pattern where only `*` and `?` are wild, so `[0]` in addresses stays literal."""
    body = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.compile(body + r"\Z")


def managed(changeset: ChangeSet, *actions: Action) -> Iterator[Change]:
    """The managed changes with one of these actions."""
    return (c for c in changeset.changes if c.action in actions and c.mode == "managed")


# Importing the rules package registers every built-in rule (it imports this module back).
from tfreview.pipeline import rules as _rules  # noqa: E402, F401
