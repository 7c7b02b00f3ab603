"""Risk rules, security controls stage: a protective rule's action chosen as a nested block (`action { block {} }` →
`action { count {} }`, a WAF, firewall or bot rule of any provider) moves down the enforcement ladder — block →
count, log or allow lets through what it stopped. Rules are matched by name across the two sides; a rule raised
(count → block), a new rule and an unchanged one find nothing. String actions are controls.py's."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.decoding import embedded, snake_keys
from tfreview.pipeline.findings import Finding, Severity, finding, on_change
from tfreview.pipeline.rules.common import sides
from tfreview.pipeline.rules.environments import non_production
from tfreview.pipeline.rules.modes import ENFORCEMENT
from tfreview.pipeline.rules.vocabulary import DETECTION, WATCHERS

ACTION_KEY = lazy_compile(r"^(?:\w+_)?action$")
# Beyond the enforcement ladder: a challenge still stops what fails it; allow lets everything it matches through.
EXTRA = {"captcha": 3.0, "challenge": 3.0, "js_challenge": 3.0, "managed_challenge": 3.0, "allow": 1.0,
         "pass": 1.0, "skip": 1.0}
# In an override, `none` keeps the rules' own actions (it overrides nothing): the strongest setting.
NO_OVERRIDE = "none"
MAX_DEPTH = 8


@on_change(actions=(Action.UPDATE,), words=(b"action",), type_pattern=lazy_compile(WATCHERS))
def _action_block_lowered(change: Change) -> Iterator[Finding]:
    before, after = sides(change)
    severity = Severity.MEDIUM if non_production(change) else Severity.HIGH
    for path, old, new in [*_lowered(before, after, "", 0), *_lowered_in_documents(before, after)]:
        yield finding(DETECTION, change.address, f"{change.address}: {path} {old} → {new} (the rule no longer "
                      "blocks: requests it stopped get through, at most counted or logged)", severity)


def _lowered(before: Any, after: Any, path: str, depth: int) -> Iterator[tuple[str, str, str]]:
    """(path, old kind, new kind) of every action block, at any depth, whose chosen kind is weaker after."""
    if depth > MAX_DEPTH:
        return
    if isinstance(before, dict) and isinstance(after, dict):
        for key in before.keys() & after.keys():
            where = f"{path}.{key}" if path else key
            if ACTION_KEY.match(key) and isinstance(before[key], (dict, list)):
                old, new = _kind(before[key]), _kind(after[key])
                if old and new and old != new and _rank(key, new) < _rank(key, old):
                    yield where, old, new
            else:
                yield from _lowered(before[key], after[key], where, depth + 1)
    elif isinstance(before, list) and isinstance(after, list):
        for label, old_item, new_item in _matched(before, after):
            yield from _lowered(old_item, new_item, f"{path}[{label}]", depth + 1)


# The same rules written as one JSON document in a string (WAFv2's `rule_json`, a policy's rules body): its keys in
# the provider API's CamelCase (`OverrideAction`, `Name`) read as the block form's snake_case.


def _lowered_in_documents(before: Any, after: Any) -> Iterator[tuple[str, str, str]]:
    """`_lowered` over the documents that the same string attribute holds on both sides."""
    if not (isinstance(before, dict) and isinstance(after, dict)):
        return
    for key in before.keys() & after.keys():
        old, new = before[key], after[key]
        if isinstance(old, str) and isinstance(new, str) and old != new:
            old_doc, new_doc = embedded(old), embedded(new)
            if old_doc is not None and new_doc is not None:
                yield from _lowered(snake_keys(old_doc, MAX_DEPTH * 2), snake_keys(new_doc, MAX_DEPTH * 2), key, 1)


def _matched(before: list[Any], after: list[Any]) -> Iterator[tuple[str, Any, Any]]:
    """Items of two lists paired by their `name` when every item has one, else by position."""
    if all(isinstance(i, dict) and isinstance(i.get("name"), str) for i in before + after) and before:
        named = {i["name"]: i for i in after}
        yield from ((repr(i["name"]), i, named[i["name"]]) for i in before if i["name"] in named)
    elif len(before) == len(after):
        yield from ((str(n), old, new) for n, (old, new) in enumerate(zip(before, after, strict=True)))


def _kind(value: Any) -> str:
    """The one kind an action block chooses (its one non-empty key; where none is, the one key given as an empty
    block `[]` beside keys that are null), or empty when it is not one."""
    if isinstance(value, list):
        value = value[0] if len(value) == 1 else None
    if not isinstance(value, dict):
        return ""
    chosen = [str(k) for k, v in value.items() if v not in (None, [], False, "")] \
        or [str(k) for k, v in value.items() if v == []]
    return chosen[0] if len(chosen) == 1 else ""


def _rank(key: str, kind: str) -> float:
    """How strongly a kind of action enforces; unknown kinds rank as strong (never read as a downgrade)."""
    word = kind.strip().lower()
    if word == NO_OVERRIDE and key != "action":
        return 3.0
    return ENFORCEMENT(word) or EXTRA.get(word, 3.0)
