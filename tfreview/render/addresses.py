"""Lists of resource addresses in reports: natural order, count-index runs as ranges, keys per resource."""

from __future__ import annotations

from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.render.escape import markdown_code, markdown_inline

_DIGITS = lazy_compile(r"(\d+)")
_INDEXED = lazy_compile(r"(.*)\[(\d+)\]")
_KEYED = lazy_compile(r"(.*?)\[([^\[\]]+)\]")


def natural_key(address: str) -> tuple[Any, ...]:
    """Sort key that orders digit runs by number: `web[2]` before `web[10]`."""
    # re.split with a group alternates text and digits, so positions compare str with str and int with int.
    return tuple(int(part) if index % 2 else part for index, part in enumerate(_DIGITS.split(address)))


def collapse_ranges(addresses: list[str]) -> list[str]:
    """ADDRESSES in natural order, each run of consecutive count indexes of one resource as `base[a..b]`."""
    out: list[str] = []
    run: tuple[str, int, int] | None = None  # base, first index, last index of the run being built
    for address in sorted(set(addresses), key=natural_key):
        match = _INDEXED.fullmatch(address)
        if match and run and match[1] == run[0] and int(match[2]) == run[2] + 1:
            run = (run[0], run[1], run[2] + 1)
            continue
        if run:
            out.append(_run(*run))
            run = None
        if match and str(int(match[2])) == match[2]:  # `[007]` is no count index: keep it as written
            run = (match[1], int(match[2]), int(match[2]))
        else:
            out.append(address)
    if run:
        out.append(_run(*run))
    return out


def _run(base: str, first: int, last: int) -> str:
    return f"{base}[{first}]" if first == last else f"{base}[{first}..{last}]"


def grouped(addresses: list[str]) -> list[tuple[str, int]]:
    """(Markdown line, how many addresses it names): one line per resource listing its instance keys."""
    keyed: dict[str, list[str]] = {}
    plain = set(addresses)
    for address in sorted(plain, key=natural_key):
        match = _KEYED.fullmatch(address)
        if match:
            keyed.setdefault(match[1], []).append(match[2])
        else:
            keyed.setdefault(address, [])
    lines = []
    for base, keys in keyed.items():
        if base in plain and keys:  # `a.b` and `a.b[0]` both: the plain one on its own line
            lines.append((markdown_code(base), 1))
        runs = key_runs(keys)
        if not runs or len(runs) == 1:
            lines.append((markdown_code(f"{base}[{runs[0]}]" if runs else base), len(keys) or 1))
        else:
            lines.append((f"{markdown_code(base)} ({len(keys)}) [{', '.join(markdown_inline(k) for k in runs)}]",
                          len(keys)))
    return lines


def key_runs(keys: list[str]) -> list[str]:
    """Instance keys in natural order, runs of count indexes as `a..b`."""
    numbers = collapse_ranges([f"_[{k}]" for k in keys if k.isdigit()])
    return [n[2:-1] for n in numbers] + sorted((k for k in keys if not k.isdigit()), key=natural_key)
