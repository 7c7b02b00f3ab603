"""Rules stage: deterministic risk rules, the floor under every label that no model answer can lower.

The rules live by theme in `tfreview/pipeline/rules/` and register in `findings`. `evaluate()` walks the
changes once and hands each to the checks that asked for its resource type and action, looked up once per
(type, action) pair, and among them only to those whose words it holds (wordgate.py), so a 50,000-change plan
costs one pass plus the checks that really apply.
"""

from __future__ import annotations

from tfreview.config import FileConfig, RuleConfig
from tfreview.errors import ConfigError
from tfreview.pipeline import rules as rules  # importing the package registers every built-in rule
from tfreview.pipeline.changes import Action, Change, ChangeSet
from tfreview.pipeline.findings import (
    CONFIG_CHECKS,
    GRADERS,
    PLANNED_ONLY,
    RULES,
    Finding,
    ReviewInput,
    Severity,
    declare,
    finding,
)
from tfreview.pipeline.forked import side_by_side
from tfreview.pipeline.mask import MaskReport
from tfreview.pipeline.resolved import resolve_unknowns
from tfreview.pipeline.wordgate import dispatch_for, dispatch_table

# From this many changes on, the plan-wide rules run in a forked copy beside the per-change checks (forked.py):
# below it the fork costs more than the second core saves.
SIDE_BY_SIDE_CHANGES = 1000

RULE_FAILED = declare("rule-failed", Severity.HIGH,
                      "A rule failed on this plan (a bug in tfreview, not in the plan): what it checks was not judged, "
                      "so the plan is held for close review. Please report it with the plan's shape.")


def evaluate(review_input: ReviewInput) -> list[Finding]:
    """Run every enabled rule and the config's custom rules; findings sorted most severe first. A rule that fails
    on the plan is reported (rule-failed), never passed over: what it would have judged was not judged."""
    overrides = check_config(review_input.config)
    review_input = resolve_unknowns(review_input)
    disabled = {rule_id for rule_id, o in overrides.items() if not o.enabled}
    plan_wide, per_change = side_by_side(lambda: _plan_findings(review_input, disabled),
                                         lambda: _change_findings(review_input.changeset, disabled),
                                         worth_it=len(review_input.changeset.changes) >= SIDE_BY_SIDE_CHANGES)
    findings = plan_wide + per_change
    if review_input.masking.hidden:
        findings += _behind_marks(review_input, findings, disabled | PLANNED_ONLY)
    for grade in GRADERS:
        try:
            findings = grade(review_input, findings)
        except Exception as exc:  # a grader's bug may only hold the plan, never pass it
            findings.append(_failed(getattr(grade, "__name__", "a grader"), None, exc))
    findings += [f for check in CONFIG_CHECKS for f in check(review_input)]
    findings = [_overridden(f, overrides) for f in findings if f.rule not in disabled]
    # The message breaks ties, so two findings of one rule on one address print in the same order every run.
    return sorted(findings, key=lambda f: (f.severity.rank, f.rule, f.address or "", f.message))


def _plan_findings(review_input: ReviewInput, disabled: set[str]) -> list[Finding]:
    found: list[Finding] = []
    for r in RULES.values():
        if r.id not in disabled:
            try:
                found.extend(r.check(review_input))
            except RecursionError:
                raise  # a document nested too deep: the review refuses the plan (prepare)
            except Exception as exc:  # a rule's bug may only hold the plan, never pass it
                found.append(_failed(r.id, None, exc))
    return found


def _change_findings(changeset: ChangeSet, disabled: set[str]) -> list[Finding]:
    dispatch = dispatch_table()
    found: list[Finding] = []
    for change in changeset.changes:
        if change.mode != "managed":
            continue
        key = (change.type, change.action)
        checks = dispatch.get(key)
        if checks is None:
            checks = dispatch[key] = dispatch_for(*key)
        wanted = checks.wanted(change)
        for bits, check in checks.checks:
            if bits & wanted:
                try:
                    found.extend(check(change))
                except RecursionError:
                    raise
                except Exception as exc:  # as in _plan_findings
                    found.append(_failed(getattr(check, "__name__", "a check"), change.address, exc))
    return found if not disabled else [f for f in found if f.rule not in disabled]


def _failed(what: str, address: str | None, exc: Exception) -> Finding:
    """The finding for a rule that raised: which one, and the error's kind (its text may quote plan values)."""
    where = f" on {address}" if address else ""
    return finding(RULE_FAILED, address, f"{what} failed{where} ({type(exc).__name__}): what it checks was not "
                   "judged — review this plan closely, and please report the failure")


def _behind_marks(review_input: ReviewInput, found: list[Finding], disabled: set[str]) -> list[Finding]:
    """What the rules find in the clear values behind sensitive marks that they did not find in the masked ones.

    The plan-wide rules see every change, the marked ones in clear, so their context stays whole; only findings
    on a marked change count, and each message is the rule's own description: what is wrong, never the value.
    """
    hidden = review_input.masking.hidden
    clear = [_in_clear(c, hidden[c.address]) if c.address in hidden and not c.deposed else c
             for c in review_input.changeset.changes]
    changeset = review_input.changeset.model_copy(update={"changes": clear})
    inside = ReviewInput(review_input.plan, changeset, review_input.config,
                         MaskReport(resource_names=review_input.masking.resource_names))
    seen = {(f.rule, f.address) for f in found}
    marked = [c for c in clear if c.address in hidden]
    new = _plan_findings(inside, disabled)
    new += _change_findings(ChangeSet(changes=marked), disabled)
    reported: list[Finding] = []
    for f in new:  # one finding a rule and address: the message is the rule's description, the same for each
        if f.address in hidden and (f.rule, f.address) not in seen and f.rule in RULES:
            seen.add((f.rule, f.address))
            message = (f"{f.address}: {RULES[f.rule].description} — in a value behind a sensitive mark (not shown: "
                       "judged in clear, reported masked)")
            reported.append(f.model_copy(update={"message": message}))
    return reported


def _in_clear(change: Change, sides: tuple[object, object]) -> Change:
    clear = change.model_copy(update={"before": sides[0], "after": sides[1]})
    clear.__dict__.pop("attributes", None)  # computed from the masked sides, if it ever was
    return clear


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
        try:
            if _check_block(rule_id, block):
                overrides[rule_id] = block
        except ConfigError as exc:
            where = config.where(rule_id)
            raise ConfigError(f"{where}: {exc}" if where else str(exc)) from None
    return overrides


def _check_block(rule_id: str, block: RuleConfig) -> bool:
    """Validate one `rule` block; whether it overrides a built-in rule."""
    _check_severity(rule_id, block.severity)
    if block.is_custom:
        _check_custom(rule_id, block)
        return False
    if rule_id in RULES:
        _check_override(rule_id, block)
        return True
    known = ", ".join(sorted(RULES))
    raise ConfigError(
        f'rule "{rule_id}": unknown rule id — known ids: {known}; a custom rule needs match_type or match_address'
    )


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
