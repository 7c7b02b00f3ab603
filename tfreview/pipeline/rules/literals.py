"""Risk rules, credentials (credentials.py reports these): a value the provider marks sensitive written as a literal
in the configuration (`plaintext_value = "…"`, `secret_string`, `password`): the secret lives in the code and its
history, whoever reads the repository reads it; a variable or a secret store's reference is never judged."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from tfreview.pipeline.changes import Action
from tfreview.pipeline.configuration import Configuration
from tfreview.pipeline.findings import ReviewInput, managed
from tfreview.pipeline.rules.common import as_dict


def _literal(expression: Any) -> bool:
    """Whether an expression is a constant with something in it (a string, number, list or map), no reference."""
    if not isinstance(expression, dict) or "constant_value" not in expression or expression.get("references"):
        return False
    value = expression["constant_value"]
    return value not in (None, "", [], {}) and not isinstance(value, bool)


def literal_secrets(ri: ReviewInput) -> Iterator[tuple[str, str]]:
    """(address, attribute) of each attribute a created or updated resource marks sensitive while its
    configuration sets it to a literal (an update only when that literal is new to the change)."""
    config: Configuration | None = None
    sensitive = {entry["address"]: as_dict(as_dict(entry.get("change")).get("after_sensitive"))
                 for entry in ri.plan.resource_changes
                 if isinstance(entry, dict) and isinstance(entry.get("address"), str)}
    for change in managed(ri.changeset, Action.CREATE, Action.UPDATE, Action.REPLACE):
        marks = sensitive.get(change.address, {})
        marked = [k for k, v in marks.items() if v is True]
        if not marked:
            continue
        config = config or Configuration(ri.plan)
        expressions = config.expressions(change.address) or {}
        before = as_dict(change.before)
        for attribute in marked:
            if not _literal(expressions.get(attribute)):
                continue
            if change.action is Action.UPDATE and before.get(attribute) == as_dict(change.after).get(attribute):
                continue  # already there: the literal is not news to this change
            yield change.address, attribute
