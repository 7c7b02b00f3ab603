"""Configuration index, policy documents: the statement blocks of an `aws_iam_policy_document` (planned or
configured) written in IAM JSON grammar, with UNKNOWN wherever a value is known only after apply, and the
statements of policy JSON that a document merges in (`source_policy_documents`, `override_json`).

configuration.py resolves the values; this module only reshapes them.
"""

from __future__ import annotations

from typing import Any

import orjson

from tfreview.pipeline.diff import UNKNOWN

# A policy statement's lists of actions and resources: each item may be its own reference.
STATEMENT_LISTS = ("actions", "not_actions", "resources", "not_resources")


def filled(planned: Any, configured: Any) -> Any:
    """A planned statement block with each value it leaves unknown taken from the configured block, where known."""
    if not isinstance(planned, dict) or not isinstance(configured, dict):
        return planned
    return {
        **planned,
        **{
            k: v
            for k, v in configured.items()
            if planned.get(k, UNKNOWN) == UNKNOWN and v != UNKNOWN and k in STATEMENT_LISTS
        },
    }


def item_marks(unknown: Any, key: str) -> list[Any]:
    """The after_unknown marks of the items of one list attribute."""
    items = unknown.get(key) if isinstance(unknown, dict) else None
    return items if isinstance(items, list) else []


def marked_unknown(value: Any, unknown: Any) -> Any:
    """Planned values with UNKNOWN written where after_unknown says so."""
    if unknown is True:
        return UNKNOWN
    if isinstance(value, dict):
        marks = unknown if isinstance(unknown, dict) else {}
        return {
            k: marked_unknown(value.get(k), marks.get(k))
            for k in set(value) | {k for k, v in marks.items() if v is True}
        }
    if isinstance(value, list):
        marks_list = unknown if isinstance(unknown, list) else []
        return [marked_unknown(v, marks_list[i] if i < len(marks_list) else None) for i, v in enumerate(value)]
    return value


def json_statement(block: dict[str, Any]) -> dict[str, Any]:
    """A policy-document `statement` block in IAM JSON grammar (UNKNOWN kept where a value is unknown)."""
    statement: dict[str, Any] = {"Effect": block.get("effect") or "Allow"}
    for key, name in (
        ("sid", "Sid"),
        ("actions", "Action"),
        ("not_actions", "NotAction"),
        ("resources", "Resource"),
        ("not_resources", "NotResource"),
    ):
        if block.get(key) not in (None, []):
            statement[name] = block[key]
    for key, name in (("principals", "Principal"), ("not_principals", "NotPrincipal")):
        if isinstance(block.get(key), list) and block[key]:
            principals: dict[str, list[Any]] = {}
            for item in block[key]:
                if isinstance(item, dict):
                    ids = item.get("identifiers")
                    principals.setdefault(str(item.get("type")), []).extend(ids if isinstance(ids, list) else [ids])
            statement[name] = principals
        elif block.get(key) == UNKNOWN:
            statement[name] = {"AWS": [UNKNOWN]}
    conditions: dict[str, dict[str, Any]] = {}
    for item in block.get("condition") or [] if isinstance(block.get("condition"), list) else []:
        if isinstance(item, dict):
            conditions.setdefault(str(item.get("test")), {})[str(item.get("variable"))] = item.get("values")
    if conditions:
        statement["Condition"] = conditions
    return statement


def statements_of(value: Any) -> list[Any]:
    if isinstance(value, list):
        return [s for item in value for s in statements_of(item)]
    if isinstance(value, str) and value.strip().startswith("{"):
        try:
            value = orjson.loads(value)
        except orjson.JSONDecodeError:
            return []
    if value == UNKNOWN:
        return [{"Effect": "Allow", "Action": UNKNOWN}]
    statements = value.get("Statement") if isinstance(value, dict) else None
    return statements if isinstance(statements, list) else [statements] if isinstance(statements, dict) else []
