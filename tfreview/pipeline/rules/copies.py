"""Risk rules, credentials: a value marked sensitive copied (nonsensitive()) into an unmarked place.

The masker masks every copy of a sensitive value and records where it was (MaskReport.places). A copy in an
output not marked sensitive, or in another attribute of a resource this plan creates or updates (a tag, a
description, a setting), is printed by every apply and stored unmarked in the state: the secret has leaked.
A copy that was already there before this change is not news, and neither is one under a key that says it holds
the name or id of something (`AzureWebJobsStorage__accountName`): a blanket mark on a whole settings map covers
names too, and a name is not a secret. Nor is the provider's own rendering of a document it marks whole: an
attribute of the same resource holding, whole, the value of another attribute marked as a whole under a name that
is no credential's (kubectl_manifest's `yaml_body` → `yaml_body_parsed`, a template's `content` → `rendered`) is
the same document shown twice, and the rules judge it in clear; a copy into a tag, or of a `password`, still counts.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.findings import Finding, ReviewInput, Severity, finding, rule
from tfreview.pipeline.hidden import CREDENTIAL_KEY, Hidden
from tfreview.pipeline.rules.common import snake_case

COPY = "sensitive-copy"

WRITING = {"create", "update"}
# Last words of a key that say its value names or identifies an object.
NAMING = frozenset({"name", "names", "id", "ids", "arn", "arns"})
_WORD = lazy_compile(r"[a-z0-9]+")


def names_something(key: str | int) -> bool:
    """Whether a key's last word says it holds a name or an id (`accountName`, `vault_id`)."""
    found = _WORD.findall(snake_case(str(key)))
    return bool(found) and found[-1] in NAMING


def _side(path: tuple[str | int, ...], side: str) -> tuple[str | int, ...]:
    """PATH with its `after` step swapped for SIDE."""
    return tuple(side if step == "after" else step for step in path)


def _dotted(steps: tuple[str | int, ...]) -> str:
    return "".join(f"[{s}]" if isinstance(s, int) else f".{s}" for s in steps).lstrip(".")


def _actions(entry: Any) -> set[str]:
    change = entry.get("change") if isinstance(entry, dict) else None
    actions = change.get("actions") if isinstance(change, dict) else None
    return {a for a in actions if isinstance(a, str)} if isinstance(actions, list) else set()


def _laundered(ri: ReviewInput) -> Iterator[tuple[str | None, str]]:
    """(address, place) for each new copy of a sensitive value in an unmarked output or resource attribute."""
    places = set(ri.masking.places)
    for path in ri.masking.places:
        if _side(path, "before") in places:
            continue
        if len(path) >= 3 and path[0] == "output_changes" and path[2] == "after":
            change = ri.plan.output_changes.get(str(path[1]))
            if change is not None and set(change.actions) & WRITING:
                yield None, f"output {path[1]}"
        elif len(path) >= 5 and path[0] == "resource_changes" and path[2:4] == ("change", "after"):
            index = path[1]
            entries = ri.plan.resource_changes
            entry = entries[index] if isinstance(index, int) and index < len(entries) else None
            if isinstance(entry, dict) and _actions(entry) & WRITING and not names_something(path[-1]):
                address = entry.get("address")
                if not _mirrored(entry, path[4:], ri.masking.hidden):
                    yield (address if isinstance(address, str) else None), _dotted(path[4:])


def _mirrored(entry: dict[str, Any], steps: tuple[str | int, ...], hidden: Hidden) -> bool:
    """Whether the attribute at STEPS holds, whole, the clear value of another attribute of the same change that
    is marked as a whole and names no credential: the provider's own rendering of a document it marks."""
    change = entry.get("change")
    address = entry.get("address")
    clear = hidden.get(address) if isinstance(address, str) else None
    marks = change.get("after_sensitive") if isinstance(change, dict) else None
    if len(steps) != 1 or clear is None or not isinstance(clear[1], dict) or not isinstance(marks, dict):
        return False
    value = clear[1].get(steps[0])
    return isinstance(value, str) and any(
        mark is True and key != steps[0] and not CREDENTIAL_KEY.search(str(key).lower()) and clear[1].get(key) == value
        for key, mark in marks.items())


@rule(COPY, Severity.HIGH, "A value marked sensitive is copied (nonsensitive(), a module output) into an output "
      "not marked sensitive or an attribute of another resource (tag, setting): a credential leak.")
def _copies(ri: ReviewInput) -> Iterator[Finding]:
    seen: set[tuple[str | None, str]] = set()
    for address, place in _laundered(ri):
        if (address, place) in seen:
            continue
        seen.add((address, place))
        where = f"{address}: {place}" if address else place
        yield finding(COPY, address, f"{where} holds a copy of a value marked sensitive elsewhere, without the "
                      "mark (masked here): it is printed by applies and stored unmarked in the state")
