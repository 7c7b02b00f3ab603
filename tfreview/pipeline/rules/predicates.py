"""Risk rules, filter predicates (risk rules stage): what a filter, query or condition expression matches — every
record, none, or some — read by meaning with a small evaluator, for any provider's syntax.

Text expressions (Cloud Logging, Datadog, CloudWatch patterns, CEL-like conditions) parse into AND/OR/NOT over
comparisons; structured criteria (GuardDuty finding criteria, Security Hub criteria, `{key, operator, value}`
trees) map onto the same atoms. A truth table over the atoms then says whether the expression is a tautology or a
contradiction, given what comparisons mean: `x >= 0` on a status, count or severity always holds, `x < 0` never,
`severity >= DEFAULT` takes the lowest rung, and one field cannot equal two unrelated values at once.
"""

from __future__ import annotations

import json
import re
from fnmatch import fnmatchcase
from itertools import product
from typing import Any, Literal

from tfreview.lazyregex import lazy_compile

Verdict = Literal["all", "none", "some"]
Expr = tuple[Any, ...]  # ("and"|"or", [Expr]), ("not", Expr), ("const", bool), ("atom", field, op, value)

_TOKEN = lazy_compile(r"""\s*(?:(?P<lp>\()|(?P<rp>\))|(?P<and>&&|\bAND\b)|(?P<or>\|\||\bOR\b)
    |(?P<not>!(?!=)|\bNOT\b|-(?=[A-Za-z_$@"']))|(?P<op>!=|==|>=|<=|=~|!~|[=:<>]|\bmatches(?:\s+part)?\b)
    |(?P<str>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')|(?P<word>[^\s()"'=:<>!&|]+))""", re.IGNORECASE | re.VERBOSE)
# Fields that cannot be negative by what they are: a status, code, count, size, duration, level or score.
NON_NEGATIVE = lazy_compile(r"(?:status|code|count|bytes|size|severity|duration|latency|port|length|seconds|ms"
                            r"|priority|score|level|confidence|criticality)$", re.IGNORECASE)
SEVERITY = lazy_compile(r"(?:severity|level|priority)(?:_label|_name)?$", re.IGNORECASE)
# The lowest rung of the usual severity ladders: `>=` it takes every record.
FLOOR = frozenset({"default", "trace", "debug", "all", "lowest", "0"})
TOP = frozenset({"critical", "high", "emergency", "alert", "fatal", "p1", "sev1"})
# Log names of a whole scope with no log named (`projects/p/logs/`): a has-match on it takes every log.
SCOPE_ROOT = lazy_compile(r"^(?:(?:projects|organizations|folders|billingaccounts)/[^/]+/)?logs/?$", re.IGNORECASE)
OPS = {"equals": "=", "eq": "=", "==": "=", "is": "=", "not_equals": "!=", "ne": "!=", "neq": "!=",
       "not_equal": "!=", "greater_than": ">", "gt": ">", "greater_than_or_equal": ">=", "gte": ">=", "ge": ">=",
       "geq": ">=", "leq": "<=", "less_than": "<", "lt": "<", "less_than_or_equal": "<=", "lte": "<=", "le": "<=",
       "contains": ":", "prefix": ":", "in": "=", "matches": "=~"}
MAX_ATOMS = 12
# Leaf names that only say which form of their parent is compared (`severity.description`, `severity.label`).
GENERIC_LEAF = frozenset({"description", "label", "name", "value", "normalized", "original", "text"})


class Unreadable(ValueError):
    """The expression is not in a syntax the evaluator reads."""


def _tokens(text: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    pos = 0
    text = text.strip()
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if match is None or match.end() == pos:
            raise Unreadable(text)
        kind = match.lastgroup or ""
        value = match.group(kind)
        if kind == "op" and value.lower().startswith("matches"):  # PagerDuty's PCL: `matches` is equality,
            value = ":" if value.lower().endswith("part") else "="  # `matches part` a substring
        out.append((kind, value[1:-1] if kind == "str" else value))
        pos = match.end()
    return out


class _Parser:
    """Recursive descent: or := and (OR and)*; and := unary (AND? unary)*; unary := NOT unary | primary."""

    def __init__(self, tokens: list[tuple[str, str]]) -> None:
        self.tokens, self.pos = tokens, 0

    def peek(self, offset: int = 0) -> str:
        index = self.pos + offset
        return self.tokens[index][0] if index < len(self.tokens) else ""

    def take(self) -> str:
        self.pos += 1
        return self.tokens[self.pos - 1][1]

    def parse(self) -> Expr:
        expr = self.disjunction()
        if self.pos != len(self.tokens):
            raise Unreadable("trailing tokens")
        return expr

    def disjunction(self) -> Expr:
        parts = [self.conjunction()]
        while self.peek() == "or":
            self.take()
            parts.append(self.conjunction())
        return parts[0] if len(parts) == 1 else ("or", parts)

    def conjunction(self) -> Expr:
        parts = [self.unary()]
        while self.peek() in ("and", "not", "lp", "word", "str"):
            if self.peek() == "and":
                self.take()
            parts.append(self.unary())
        return parts[0] if len(parts) == 1 else ("and", parts)

    def unary(self) -> Expr:
        if self.peek() == "not":
            self.take()
            return ("not", self.unary())
        if self.peek() == "lp":
            self.take()
            expr = self.disjunction()
            if self.peek() != "rp":
                raise Unreadable("unclosed (")
            self.take()
            return expr
        if self.peek() not in ("word", "str"):
            raise Unreadable("operand expected")
        quoted = self.peek() == "str"
        left = self.take()
        if self.peek() == "op":
            op = self.take()
            if self.peek() not in ("word", "str"):
                raise Unreadable("value expected")
            return atom(left, op, self.take())
        if not quoted and left.lower() in ("true", "false"):
            return ("const", left.lower() == "true")
        return ("const", True) if left == "*" else ("atom", "", ":", left)


def atom(field: str, op: str, value: Any) -> Expr:
    """One comparison, normalised to =, :, =~, >= or > (negated where needed), or a constant by its meaning."""
    op = OPS.get(op.lower(), op)
    negate = {"!=": "=", "!~": "=~", "<": ">=", "<=": ">"}
    if op in negate:
        return ("not", atom(field, negate[op], value))
    text = str(value).strip().lower()
    path, _, name = field.strip().lstrip("$.@").rpartition(".")
    if name.lower() in GENERIC_LEAF and SEVERITY.search(path.rpartition(".")[2]):
        name = path.rpartition(".")[2]  # Macie's `severity.description`: the severity's words
    if (op in ("=", ":") and text in ("*", "**")) or (op == ":" and SCOPE_ROOT.match(text)):
        return ("const", True)
    amount = number(value)
    if op in (">=", ">") and NON_NEGATIVE.search(name) and amount is not None and amount < (1 if op == ">=" else 0):
        return ("const", amount <= 0 if op == ">=" else True)
    if op == ">=" and SEVERITY.search(name) and text in FLOOR:
        return ("const", True)
    return ("atom", name.lower(), op, text)


def number(value: Any) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def parse_text(text: str) -> Expr:
    """An expression from text: JSON criteria, a CloudWatch `{ … }` pattern, or a boolean query."""
    stripped = text.strip()
    if stripped.startswith(("{", "[")):
        try:
            return structured(json.loads(stripped))
        except ValueError:
            if stripped.startswith("{") and stripped.endswith("}"):
                stripped = stripped[1:-1]
    return _Parser(_tokens(stripped)).parse()


def structured(node: Any) -> Expr:
    """An expression from structured criteria; lists and sibling fields are ANDed, `or` lists ORed."""
    if isinstance(node, list):
        return ("and", [structured(item) for item in node if item not in (None, [], {})])
    if not isinstance(node, dict):
        raise Unreadable("criteria expected")
    for key in ("where", "criteria", "criterion", "finding_criteria", "filter"):
        if key in node and len(node) == 1:
            return structured(node[key])
    for key in ("and", "or"):
        if isinstance(node.get(key), list):
            return (key, [structured(item) for item in node[key]])
    field = next((str(node[k]) for k in ("key", "field", "name", "attribute") if isinstance(node.get(k), str)), None)
    op = next((str(node[k]) for k in ("operator", "comparison", "op") if isinstance(node.get(k), str)), None)
    if field is not None and op is not None:
        return _any_of(field, op, node.get("value", node.get("values")))
    if field is not None:  # GuardDuty: {field, equals: [...], greater_than_or_equal: "0", ...}
        tests = [_any_of(field, k, v) for k, v in node.items() if k.lower() in OPS and v not in (None, [], "")]
        if tests:
            return ("and", tests)
    parts = []  # Security Hub: {severity_label: [{comparison, value}], aws_account_id: []}
    for key, value in node.items():
        items = value if isinstance(value, list) else []
        tests = [_any_of(key, str(i.get("comparison") or i.get("operator")), i.get("value")) for i in items
                 if isinstance(i, dict) and (i.get("comparison") or i.get("operator"))]
        if tests:
            negative = all(t[0] == "not" for t in tests)
            parts.append(("and" if negative else "or", tests))
    if not parts:
        raise Unreadable("no criteria")
    return ("and", parts)


def _any_of(field: str, op: str, value: Any) -> Expr:
    values = value if isinstance(value, list) else [value]
    tests = [atom(field, op, v) for v in values]
    if OPS.get(op.lower(), op) in ("!=", "not_equals") or op.lower().startswith("not"):
        return ("and", tests)
    return ("or", tests) if len(tests) != 1 else tests[0]


def atoms_of(expr: Expr) -> list[Expr]:
    if expr[0] == "atom":
        return [expr]
    if expr[0] == "not":
        return atoms_of(expr[1])
    if expr[0] in ("and", "or"):
        return [a for part in expr[1] for a in atoms_of(part)]
    return []


def holds(expr: Expr, truth: dict[Expr, bool]) -> bool:
    kind = expr[0]
    if kind == "const":
        return bool(expr[1])
    if kind == "atom":
        return truth[expr]
    if kind == "not":
        return not holds(expr[1], truth)
    results = (holds(part, truth) for part in expr[1])
    return all(results) if kind == "and" else any(results)


def _exclusive(one: Expr, other: Expr) -> bool:
    """Whether two equality tests on one field cannot both hold (neither value fits the other's pattern)."""
    if one[1] != other[1] or one[2] != "=" or other[2] != "=" or one[3] == other[3]:
        return False
    core = (one[3].strip("*"), other[3].strip("*"))
    return not fnmatchcase(core[0], other[3]) and not fnmatchcase(core[1], one[3])


def judge(expr: Expr) -> Verdict:
    """Whether EXPR holds for every record, for none, or for some (a truth table over its atoms)."""
    atoms = list(dict.fromkeys(atoms_of(expr)))
    if len(atoms) > MAX_ATOMS:
        return "some"
    clashes = [(i, j) for i, a in enumerate(atoms) for j, b in enumerate(atoms) if i < j and _exclusive(a, b)]
    seen: set[bool] = set()
    for values in product((False, True), repeat=len(atoms)):
        if any(values[i] and values[j] for i, j in clashes):
            continue
        seen.add(holds(expr, dict(zip(atoms, values, strict=True))))
    return "all" if seen == {True} else "none" if seen == {False} else "some"


def judge_value(value: Any) -> Verdict | None:
    """What a filter value matches, or None when it is not read (unknown syntax, masked, not an expression)."""
    try:
        expr = parse_text(value) if isinstance(value, str) else structured(value)
    except (Unreadable, RecursionError):
        return None
    return judge(expr)
