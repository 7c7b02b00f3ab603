"""Read AWS-style JSON policy documents (identity, resource and trust policies) out of plan values."""

from __future__ import annotations

from typing import Any

import orjson

from tfreview.pipeline.rules.common import as_list, known

READ_PREFIXES = ("Describe", "List", "Get", "BatchGet", "Head", "Lookup", "Search", "Query", "Scan", "View")


def statements(document: Any) -> list[dict[str, Any]]:
    """The statements of a policy given as JSON text or an object; [] when unreadable or unknown."""
    if isinstance(document, str):
        if not known(document) or not document.strip().startswith("{"):
            return []
        try:
            document = orjson.loads(document)
        except orjson.JSONDecodeError:
            return []
    if not isinstance(document, dict):
        return []
    return [s for s in as_list(document.get("Statement")) if isinstance(s, dict)]


def new_statements(before: Any, after: Any) -> list[dict[str, Any]]:
    """Allow statements of AFTER that BEFORE did not have (so an unchanged grant is not news)."""
    old = {_canonical(s) for s in statements(before)}
    return [s for s in statements(after) if s.get("Effect", "Allow") == "Allow" and _canonical(s) not in old]


def _canonical(statement: dict[str, Any]) -> bytes:
    return orjson.dumps({k: v for k, v in statement.items() if k != "Sid"}, option=orjson.OPT_SORT_KEYS)


def label(statement: dict[str, Any]) -> str:
    """How a message names a statement."""
    sid = statement.get("Sid")
    return f'statement "{sid}"' if isinstance(sid, str) and sid else "statement"


def wildcard_actions(statement: dict[str, Any]) -> list[str]:
    """Actions that grant a whole service or everything: "*", "*:*", "s3:*"."""
    return [a for a in _strings(statement.get("Action")) if a == "*" or a.endswith(":*")]


def wildcard_resource(statement: dict[str, Any]) -> bool:
    """Whether the statement applies to every resource."""
    return "*" in _strings(statement.get("Resource"))


def read_only(statement: dict[str, Any]) -> bool:
    """Whether every action only reads (Describe*, List*, Get*, ...)."""
    actions = _strings(statement.get("Action"))
    return bool(actions) and all(a.partition(":")[2].startswith(READ_PREFIXES) for a in actions)


def principals(statement: dict[str, Any]) -> dict[str, list[str]]:
    """Principal as {kind: [values]}; a bare "*" is {"*": ["*"]}."""
    principal = statement.get("Principal")
    if principal == "*":
        return {"*": ["*"]}
    if not isinstance(principal, dict):
        return {}
    return {str(kind): _strings(value) for kind, value in principal.items()}


def public_principal(statement: dict[str, Any]) -> bool:
    """Whether anyone at all is the principal: "*" or {"AWS": "*"}."""
    found = principals(statement)
    return "*" in found.get("*", []) or "*" in found.get("AWS", [])


def conditions(statement: dict[str, Any]) -> list[str]:
    """The condition keys of a statement, e.g. ["token.actions.githubusercontent.com:sub"]."""
    condition = statement.get("Condition")
    if not isinstance(condition, dict):
        return []
    return [key for block in condition.values() if isinstance(block, dict) for key in block]


def _strings(value: Any) -> list[str]:
    return [v for v in as_list(value) if isinstance(v, str)]
