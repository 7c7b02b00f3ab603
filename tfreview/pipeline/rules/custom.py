"""Risk rules from .tfreview.hcl: `protect { types, addresses }` and custom `rule "<id>" { match_type ... }`.

Globs match with `*` and `?` only (see risk.glob), so an address such as `aws_instance.web[0]` is literal.
"""

from __future__ import annotations

from collections.abc import Iterator

from tfreview.config import RuleConfig
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import Finding, ReviewInput, Severity, config_check, finding, glob, rule

QUIET = (Action.NO_OP, Action.READ)


@rule("protected-resource", Severity.HIGH,
      "A resource listed in protect { types, addresses } of .tfreview.hcl changes at all.")
def _protected(ri: ReviewInput) -> Iterator[Finding]:
    protect = ri.config.protect
    if not protect.types and not protect.addresses:
        return
    by_type: dict[str, str | None] = {}
    for change in ri.changeset.changes:
        if change.action in QUIET and not change.moved and not change.importing:
            continue
        if change.type not in by_type:
            by_type[change.type] = next((p for p in protect.types if glob(p).match(change.type)), None)
        pattern = by_type[change.type] or next((p for p in protect.addresses if glob(p).match(change.address)), None)
        if pattern is not None:
            source = "types" if by_type[change.type] else "addresses"
            yield finding("protected-resource", change.address,
                          f"{change.address} is protected (protect.{source} \"{pattern}\") and this plan will "
                          f"{_verb(change)} it")


def _verb(change: Change) -> str:
    if change.action not in QUIET:
        return change.action.value
    return "import" if change.importing else f"move it from {change.previous_address} and keep"


@config_check
def _custom_rules(ri: ReviewInput) -> Iterator[Finding]:
    for rule_id, block in ri.config.rule.items():
        if block.is_custom and block.enabled:
            yield from _custom(rule_id, block, ri)


def _custom(rule_id: str, block: RuleConfig, ri: ReviewInput) -> Iterator[Finding]:
    type_glob = glob(block.match_type) if block.match_type else None
    address_glob = glob(block.match_address) if block.match_address else None
    actions = {Action(a) for a in block.actions} or {a for a in Action if a not in QUIET}
    severity = Severity(block.severity or Severity.HIGH.value)
    wanted_types: dict[str, bool] = {}
    for change in ri.changeset.changes:
        if change.action not in actions or change.mode != "managed":
            continue
        if type_glob is not None:
            if change.type not in wanted_types:
                wanted_types[change.type] = bool(type_glob.match(change.type))
            if not wanted_types[change.type]:
                continue
        if address_glob is not None and not address_glob.match(change.address):
            continue
        path = _changed(change, block.attribute) if block.attribute else ""
        if path is None:
            continue
        yield Finding(rule=rule_id, severity=severity, address=change.address, message=_message(change, block, path))


def _changed(change: Change, attribute: str) -> str | None:
    """The changed path at or under ATTRIBUTE, or None when it does not change."""
    for item in change.attributes:
        if item.path == attribute or item.path.startswith((attribute + ".", attribute + "[")):
            return item.path
    return None


def _message(change: Change, block: RuleConfig, path: str) -> str:
    where = f" ({path} changes)" if path else ""
    text = block.message or f"matches a custom rule: {change.action.value}"
    return f"{change.address}{where}: {text}"
