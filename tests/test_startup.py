"""What a process pays before it reads a plan: no regular expression is compiled at import (module-level patterns
use `lazy_compile`), and a lazily compiled pattern answers exactly as `re.compile` would."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from tfreview.lazyregex import lazy_compile

PACKAGE = Path(__file__).resolve().parent.parent / "tfreview"


def _compiled_at_import(tree: ast.Module) -> list[int]:
    """Lines of `re.compile(...)` calls that run when the module is imported (outside any function body)."""
    found: list[int] = []

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                for expression in [*child.decorator_list, *child.args.defaults, *child.args.kw_defaults]:
                    if expression is not None:
                        visit(ast.Expression(expression))
                continue
            if isinstance(child, ast.Lambda):
                continue
            if isinstance(child, ast.Call) and isinstance(child.func, ast.Attribute) \
                    and child.func.attr == "compile" and isinstance(child.func.value, ast.Name) \
                    and child.func.value.id == "re":
                found.append(child.lineno)
            visit(child)

    visit(tree)
    return found


def test_no_module_compiles_a_regular_expression_at_import() -> None:
    offenders = [f"{path.relative_to(PACKAGE.parent)}:{line}" for path in sorted(PACKAGE.rglob("*.py"))
                 for line in _compiled_at_import(ast.parse(path.read_text()))]
    assert not offenders, f"use tfreview.lazyregex.lazy_compile for module-level patterns: {offenders}"


def _span(found: re.Match[str] | re.Match[bytes] | None) -> tuple[int, int] | None:
    return found.span() if found is not None else None


@pytest.mark.parametrize(("pattern", "flags", "text"), [
    (r"(?P<word>[a-z]+)-(\d+)", 0, "x abc-12 def-3"),
    (r"ADMIN", re.IGNORECASE, "role: admin, Admin"),
    (rb"k_(?:live|test)_", 0, b"sk_live_x rk_test_y"),
])
def test_a_lazy_pattern_answers_as_a_compiled_one(pattern: str, flags: int, text: str) -> None:
    lazy, compiled = lazy_compile(pattern, flags), re.compile(pattern, flags)
    assert lazy.pattern == compiled.pattern
    for method in ("search", "match", "fullmatch"):
        assert _span(getattr(lazy, method)(text)) == _span(getattr(compiled, method)(text))
    assert lazy.findall(text) == compiled.findall(text)
    assert [m.span() for m in lazy.finditer(text)] == [m.span() for m in compiled.finditer(text)]
    assert lazy.sub(pattern[:0], text) == compiled.sub(pattern[:0], text)
    assert lazy.split(text) == compiled.split(text)
    assert (lazy.flags, lazy.groups, lazy.groupindex) == (compiled.flags, compiled.groups, compiled.groupindex)


def test_a_lazy_pattern_compiles_once_on_first_use() -> None:
    lazy = lazy_compile(r"a+")
    assert "search" not in vars(lazy)  # nothing compiled yet
    assert lazy.search("baaa") is not None
    first = vars(lazy)["search"]
    lazy.match("a")
    assert vars(lazy)["search"] is first
    with pytest.raises(re.error):
        lazy_compile(r"(").search("x")  # a bad pattern fails where it is first used, as loudly
