"""Risk rules, finding classes (risk rules stage): what the criteria of a findings filter take — a whole class of
findings (every credential-access finding, a severity band reaching medium) or its top rung only — read through
predicates.py's evaluator, for archive, suppress and mute rules of any findings service.
"""

from __future__ import annotations

import re
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.rules.predicates import (
    SEVERITY,
    TOP,
    Expr,
    Unreadable,
    atoms_of,
    holds,
    number,
    parse_text,
    structured,
)


def top_severity_only(value: Any) -> bool:
    """Whether criteria test nothing but severity and take its top rung (every critical or high finding)."""
    try:
        expr = parse_text(value) if isinstance(value, str) else structured(value)
    except (Unreadable, RecursionError):
        return False
    atoms = atoms_of(expr)
    if not atoms or not all(SEVERITY.search(a[1]) for a in atoms):
        return False
    truth = {a: a[2] == "=" and a[3] in TOP for a in atoms}
    return holds(expr, truth)


# Fields that name a class of findings (its type, category, title, rule, tactic), not one finding or resource.
CLASS_FIELD = lazy_compile(r"(?:^|_)(?:type|types|category|categories|title|rule|rule_name|class|kind|tactic|technique"
                           r"|product|product_name|generator|generator_id|finding_type|alert_type|alert_name)$",
                           re.IGNORECASE)


def class_wide(value: Any) -> bool:
    """Whether criteria take a whole class of findings: they test only severity and finding classes, and either
    a class by prefix or wildcard (`UnauthorizedAccess:*`, PREFIX `Software and Configuration Checks`) or nothing
    but severity over a band that takes medium findings (informational or low alone is noise kept out of view).
    One finding id, one resource or one account required anywhere makes them narrow; criteria that hold for an
    ordinary open medium finding (every product but a test one, a severity band OR one category) take the class."""
    try:
        expr = parse_text(value) if isinstance(value, str) else structured(value)
    except (Unreadable, RecursionError):
        return False
    atoms = atoms_of(expr)
    if not atoms:
        return False
    if holds(expr, _typical(atoms)):
        return True  # it takes any finding but the named few (`product_name NOT_EQUALS test`, a band OR one type)
    prefixed = False
    for _, field, op, text in atoms:
        if SEVERITY.search(field):
            continue
        if not CLASS_FIELD.search(field) or op not in ("=", "=~", ":"):
            return False
        wildcard = "*" in text.strip("*") or text.endswith("*") or op == ":"
        prefixed = prefixed or (wildcard and len(text.strip("*")) > 0)
        if not wildcard:
            return False  # one named class beside a prefix: still triage of that class
    if prefixed:
        return True
    # Nothing but severity: a whole band, unless it is only the lowest rungs (informational, low) kept out of view.
    return holds(expr, {a: _takes_medium(a[2], a[3]) for a in atoms})


def _typical(atoms: list[Expr]) -> dict[Expr, bool]:
    """The atoms' truth for an ordinary new medium finding: its severity per the band, its state open or active,
    and not the one product, type, resource or account that any equality names."""
    return {a: _takes_medium(a[2], a[3]) if SEVERITY.search(a[1])
            else STATE.search(a[1]) is not None and a[2] == "=" and a[3] in OPEN for a in atoms}


# A finding's lifecycle fields and the values an ordinary new one holds.
STATE = lazy_compile(r"(?:^|_)(?:record_state|workflow_status|workflow_state|state|status)$", re.IGNORECASE)
OPEN = frozenset({"active", "new", "open", "notified", "unresolved", "triggered"})
MEDIUM_UP = frozenset({"medium", "moderate", "high", "critical", "major", "sev2", "p2"} | TOP)


def _takes_medium(op: str, text: str) -> bool:
    """Whether a severity comparison holds for a medium finding (5 on a 1–10 scale, 50 on a 0–100 one)."""
    if op in ("=", ":", "=~"):
        return text in MEDIUM_UP
    amount = number(text)
    if amount is None:
        return False
    medium = 5.0 if amount <= 10 else 50.0
    return medium >= amount if op == ">=" else medium > amount if op == ">" else False
