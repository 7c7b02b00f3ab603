"""Risk rules, identity (reported under `iam-privileged-role`): a role mapping (Elasticsearch/OpenSearch security
role mappings, any provider's rule-based mapping of users to roles) whose rules come to match every user — a field
rule of `*` (`username: "*"`, `dn: "*"`) that suffices on its own (at the top, or in an `any`), or a rule emptied.
Every user who can sign in through any realm then holds the mapped roles: high when a role is an administrator's
(`superuser`, `*admin*`, `all_access`), medium for any other role. A mapping that narrows, or whose `*` sits in an
`all` beside a narrower field, is not this.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import orjson

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import Finding, Severity, finding, on_change
from tfreview.pipeline.rules.common import as_list
from tfreview.pipeline.rules.grants import PRIVILEGED

MAPPING_TYPES = lazy_compile(r"role_mapping|rolemapping|roles_mapping")
ADMIN_ROLES = lazy_compile(r"superuser|admin|all_access|owner|root|manage_security", re.IGNORECASE)
MAX_DEPTH = 12


def _rules(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return orjson.loads(value)
        except orjson.JSONDecodeError:
            return None
    return value


def _everyone(rule: Any, depth: int = 0) -> bool:
    """Whether a mapping rule matches every user: a `field` of `*`, an `any` one of whose parts does, an `all`
    every part of which does (an `except` narrows: never everyone)."""
    if depth > MAX_DEPTH or not isinstance(rule, dict) or not rule:
        return False
    if "field" in rule:
        fields = rule["field"] if isinstance(rule["field"], dict) else {}
        return any(str(v).strip() == "*" for value in fields.values() for v in as_list(value))
    if "any" in rule:
        return any(_everyone(part, depth + 1) for part in as_list(rule["any"]))
    if "all" in rule:
        parts = as_list(rule["all"])
        return bool(parts) and all(_everyone(part, depth + 1) for part in parts)
    return False


@on_change(actions=(Action.CREATE, Action.UPDATE, Action.REPLACE), type_pattern=MAPPING_TYPES)
def _mapped_to_everyone(change: Change) -> Iterator[Finding]:
    after = change.after if isinstance(change.after, dict) else {}
    before = change.before if isinstance(change.before, dict) else {}
    if after.get("enabled") is False or not _everyone(_rules(after.get("rules"))):
        return
    if before and _everyone(_rules(before.get("rules"))):
        return
    roles = [str(r) for r in as_list(after.get("roles")) if r]
    admin = [r for r in roles if ADMIN_ROLES.search(r)]
    yield finding(PRIVILEGED, change.address, f"{change.address}: its rules now match every user (a `*` field that "
                  f"suffices alone), who all hold {', '.join((admin or roles)[:3]) or 'its roles'}",
                  Severity.HIGH if admin else Severity.MEDIUM)
