"""Where a resource is written: the line of its block in the working directory's `.tf` files (for SARIF).

Code scanning shows an alert on the line it points at, so a finding about `aws_s3_bucket.logs` should point
at `resource "aws_s3_bucket" "logs" {` in `main.tf`, not at a plan file that is not in the repository.
Modules are followed while their `source` is a local path (`./modules/net`); a resource inside a module
from a registry or git points at its `module "…"` call. A resource with no block (removed from the
configuration) has no location, and the caller falls back to the plan file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from tfreview.lazyregex import lazy_compile

# `resource "TYPE" "NAME" {`, `data "TYPE" "NAME" {`, `module "NAME" {` at the start of a line.
_BLOCK = lazy_compile(r'^\s*(resource|data|module)\s+"([^"]+)"(?:\s+"([^"]+)")?\s*\{', re.M)
_SOURCE = lazy_compile(r'^\s*source\s*=\s*"([^"]*)"', re.M)
_INSTANCE_KEY = lazy_compile(r'\[(?:"(?:[^"\\]|\\.)*"|[0-9]+)\]')


@dataclass(frozen=True)
class Location:
    """A file (relative to the repository root, with forward slashes) and a 1-based line."""

    uri: str
    line: int


@dataclass(frozen=True)
class _Block:
    path: Path
    line: int
    end: int  # offset of the next block, to find `source` inside a module call


class SourceIndex:
    """The blocks of the configuration rooted at ROOT, with URIs relative to BASE."""

    def __init__(self, root: Path, base: Path) -> None:
        self.root = root.resolve()
        self.base = base.resolve()
        self._parsed: dict[Path, dict[tuple[str, str, str], _Block]] = {}

    def _blocks(self, directory: Path) -> dict[tuple[str, str, str], _Block]:
        if directory not in self._parsed:
            self._parsed[directory] = _blocks(directory)
        return self._parsed[directory]

    def locate(self, address: str) -> Location | None:
        """The block that defines ADDRESS (instance keys ignored), or the module call that holds it."""
        parts = _INSTANCE_KEY.sub("", address).split(".")
        directory, call = self.root, None
        while len(parts) >= 2 and parts[0] == "module":
            block = self._blocks(directory).get(("module", parts[1], ""))
            if block is None:
                return self._location(call) if call else None
            call, parts = block, parts[2:]
            source = _module_source(block)
            if source is None:
                return self._location(call)
            directory = (directory / source).resolve()
        key = ("data", parts[1], parts[2]) if parts[:1] == ["data"] and len(parts) >= 3 else (
            ("resource", parts[0], parts[1]) if len(parts) >= 2 else None)
        found = self._blocks(directory).get(key) if key else None
        if found is not None:
            return self._location(found)
        return self._location(call) if call else None

    def _location(self, block: _Block) -> Location:
        try:
            uri = block.path.relative_to(self.base).as_posix()
        except ValueError:
            uri = block.path.as_posix()
        return Location(uri, block.line)


def relative_uri(path: Path, base: Path) -> str:
    """PATH relative to BASE when it is inside it (forward slashes), else its own name."""
    try:
        return path.resolve().relative_to(base.resolve()).as_posix()
    except ValueError:
        return path.name


def _blocks(directory: Path) -> dict[tuple[str, str, str], _Block]:
    """Every top-level block of the `.tf` files in DIRECTORY, by (kind, label, label)."""
    found: dict[tuple[str, str, str], _Block] = {}
    for path in sorted(directory.glob("*.tf")) if directory.is_dir() else []:
        try:
            text = path.read_text(errors="replace")
        except OSError:
            continue
        matches = list(_BLOCK.finditer(text))
        for index, match in enumerate(matches):
            end = matches[index + 1].start() if index + 1 < len(matches) else len(text)
            key = (match[1], match[2], match[3] or "")
            found.setdefault(key, _Block(path, text.count("\n", 0, match.start(1)) + 1, end))
    return found


def _module_source(block: _Block) -> str | None:
    """A module call's `source` when it is a local path (`./x`, `../x`), else None."""
    text = block.path.read_text(errors="replace")
    start = _line_offset(text, block.line)
    match = _SOURCE.search(text, start, block.end)
    source = match[1] if match else ""
    return source if source.startswith(("./", "../")) else None


def _line_offset(text: str, line: int) -> int:
    offset = 0
    for _ in range(line - 1):
        offset = text.index("\n", offset) + 1
    return offset
