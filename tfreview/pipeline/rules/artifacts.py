"""Risk rules, software supply chain in job specifications: an artifact a scheduler downloads for a task to run (a
Nomad `artifact` block or its JSON `Artifacts`, any job format with a source/checksum pair) fetched over plain HTTP
from a host outside the network, with no checksum to check it against: anyone on the path, or whoever controls that
host, chooses the code the task runs — supply-chain-opened, high, when the change makes it so.

An https source, a host of the machine's own network (`*.internal`, a private address), or any checksum keeps it
quiet; so does an artifact already fetched that way before the change."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Change
from tfreview.pipeline.decoding import objects
from tfreview.pipeline.findings import Finding, Severity, finding, on_change
from tfreview.pipeline.rules.bootscript import PLAIN_URL, internal_host
from tfreview.pipeline.rules.common import string_leaves
from tfreview.pipeline.rules.supplychain import SUPPLY

BLOCK = lazy_compile(r"\bartifacts?\s*\{", re.IGNORECASE)
SOURCE_KEY = lazy_compile(r"^(?:getter_?)?source$|^url$", re.IGNORECASE)
CHECKSUM = lazy_compile(r"checksum|sha256|sha512|digest", re.IGNORECASE)
MAX_BLOCK = 4000


@on_change(words=(b"artifact",))
def _unchecked_artifact(change: Change) -> Iterator[Finding]:
    """Task artifacts newly fetched over plain HTTP from outside the network with no checksum."""
    new = sorted(_unchecked(change.after) - _unchecked(change.before))
    if new:
        yield finding(SUPPLY, change.address, f"{change.address}: a task artifact is fetched from {new[0]} over "
                      "plain HTTP with no checksum (whoever is on the path or controls the host chooses the code "
                      "the task runs)", Severity.HIGH)


def _unchecked(values: Any) -> set[str]:
    """Hosts of the artifacts in VALUES fetched over plain HTTP from outside the network without a checksum."""
    found: set[str] = set()
    if not isinstance(values, (dict, list)):
        return found
    for text in string_leaves(values):
        for match in BLOCK.finditer(text):
            block = _block(text, match.end())
            if not CHECKSUM.search(block):
                found |= {host for host in PLAIN_URL.findall(block) if not internal_host(host)}
    for obj in objects(values):
        for key, value in obj.items():
            if isinstance(value, list) and "artifact" in str(key).lower():
                for item in value:
                    if isinstance(item, dict) and not any(CHECKSUM.search(t) for t in _texts(item)):
                        found |= {host for k, v in item.items() if SOURCE_KEY.match(str(k)) and isinstance(v, str)
                                  for host in PLAIN_URL.findall(v) if not internal_host(host)}
    return found


def _block(text: str, start: int) -> str:
    """The text of the brace block opened just before START, up to its closing brace."""
    depth = 1
    for index in range(start, min(len(text), start + MAX_BLOCK)):
        if text[index] == "{":
            depth += 1
        elif text[index] == "}":
            depth -= 1
            if depth == 0:
                return text[start:index]
    return text[start:start + MAX_BLOCK]


def _texts(item: dict[str, Any]) -> Iterator[str]:
    yield from (str(k) for k in item)
    yield from string_leaves(item)
    for value in item.values():
        if isinstance(value, dict):
            yield from (str(k) for k in value)
