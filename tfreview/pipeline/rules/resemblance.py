"""Risk rules, the long tail (`resembles-risky`): a change whose attribute moves read like the risky plans of the
labelled corpus, on any resource type, named by a rule or not.

The hand-written rules catch what someone thought of. This one has learned, from every labelled plan in
`fixtures/` (about 24,600 with the probes, half of them benign look-alikes), which moves of which attributes mark a
risky change: `enabled` or `required` turned to false, a retention cut tenfold, a value that becomes `*`. Each
updated or replaced resource is read as a set of tokens — the words of the attribute that moves and the direction
it moves in, the words and kinds of its values (true, false, a number, `*`), never the text itself — and scored by
a logistic model whose weights `scripts/train_resemblance.py` writes to `resemblance.json` (one instance per
change; a risky plan's riskiest change stands for it). A change that scores 0.85 or more is high; the finding names
the moves that weighed most.

A move whose direction a line of the curated vocabulary tells (controls.py), weaker or stronger, adds no token: the
learned rule reads only what no curated line does, and policy documents are left to the policy analyser. So is the
whole internet as a source (`0.0.0.0/0`): the exposure rules read it under any name together with the ports it
opens, which this model cannot see (443 on a load balancer is by design). Attributes the provider computes (`id`,
`arn`, `etag`) say nothing and add no token. Creates are left to the curated rules too: a whole new stack (a VPC
module with its default routes) read this way looked risky. Backtested on waves of held-out sets (trained without
them, OR'ed with the rules of their day), it adds one to two points of recall on most waves for a few tenths of a
point of false alarms (the closing notes of sessions 26 and 27 give the numbers). It only escalates, like every
rule.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Iterator, Mapping
from functools import cache
from importlib import resources
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import PLANNED_ONLY, Finding, Severity, declare, finding, is_helper_type, on_change
from tfreview.pipeline.rules.controls import direction

RULE = declare("resembles-risky", Severity.HIGH,
               "a change whose attribute moves read like the risky plans of the labelled corpus (learned weights)")
PLANNED_ONLY.add(RULE)  # trained on masked planned changes, it reads nothing else
THRESHOLD = 0.85
WEIGHTS = "resemblance.json"

WORD = lazy_compile(r"[A-Za-z][a-z]+|[A-Z]+(?![a-z])|\d+|\*")
NUMBER = lazy_compile(r"^-?\d+(?:\.\d+)?$")
WILD = frozenset({"*"})
# The whole internet as a source: the curated exposure rules read it under any name, with the ports it opens (443 on
# a load balancer is by design); the learned rule, which sees no ports, leaves it to them.
INTERNET = frozenset({"0.0.0.0/0", "::/0"})
POLICY_KEYS = frozenset({"Statement", "statement"})
# Attributes the provider computes to name or version an object: their moves (a replace's new id) say nothing.
COMPUTED = frozenset({"id", "arn", "etag", "self_link", "unique_id", "fingerprint", "generation", "revision",
                      "latest_version", "version_id", "create_time", "update_time", "last_modified", "created_at",
                      "updated_at"})
# Keys that only hold a value another key names, and the keys that name it.
HOLDERS = frozenset({"value", "values", "setting_value"})
NAME_KEYS = ("name", "key", "setting", "setting_name", "parameter", "option")
MAX_DEPTH = 12
MAX_DOCUMENT = 20_000
Leaves = dict[tuple[str, ...], list[Any]]


def _words(text: str) -> list[str]:
    return [w.lower() for w in WORD.findall(text)][:12]


def _flatten(value: Any, path: tuple[str, ...], out: Leaves, depth: int = 0) -> None:
    """Leaf values by path (list indices dropped; JSON documents in strings read as structure)."""
    if depth > MAX_DEPTH:
        return
    if isinstance(value, dict):
        if POLICY_KEYS & value.keys():
            return  # a policy document: statements.py and the policy analyser read it for what it allows
        named = _setting_name(value)
        for key, item in value.items():
            _flatten(item, (*path, named if named and key in HOLDERS else str(key)), out, depth + 1)
    elif isinstance(value, list):
        for item in value:
            _flatten(item, path, out, depth + 1)
        if not value:
            out.setdefault(path, []).append("[]")
    elif isinstance(value, str) and value[:1] in "{[" and len(value) < MAX_DOCUMENT:
        try:
            _flatten(json.loads(value), path, out, depth + 1)
        except ValueError:
            out.setdefault(path, []).append(value)
    else:
        out.setdefault(path, []).append(value)


def _setting_name(value: dict[str, Any]) -> str | None:
    """The name a name/value pair gives its value (`{"name": "auth.enabled", "value": "false"}`, a parameter's
    `name`), so the value's moves are read under what it sets rather than under the word `value`."""
    if not HOLDERS & value.keys():
        return None
    return next((v for k in NAME_KEYS if isinstance(v := value.get(k), str) and v), None)


def _leaves(value: Any) -> Leaves:
    out: Leaves = {}
    _flatten(value if value is not None else {}, (), out)
    return out


def _key_words(path: tuple[str, ...]) -> list[str]:
    """The last two words of the innermost named key of PATH."""
    key = next((segment for segment in reversed(path) if not segment.isdigit()), "")
    return _words(key)[-2:]


def _value_tokens(values: list[Any]) -> set[str]:
    """What the values say, without their text: T/F, null, 0 or n(umber), wildcards, and words."""
    tokens: set[str] = set()
    for value in values:
        if value in INTERNET:
            continue
        if isinstance(value, bool):
            tokens.add("T" if value else "F")
        elif value is None:
            tokens.add("null")
        elif isinstance(value, (int, float)):
            tokens.add("0" if value == 0 else "n")
        elif isinstance(value, str):
            if value in WILD:
                tokens.add(value)
            elif NUMBER.match(value):
                tokens.add("0" if float(value) == 0 else "n")
            else:
                tokens |= {w for w in _words(value)[:6] if not w.isdigit()}
    return tokens


def _number(values: list[Any]) -> float | None:
    for value in values:
        if isinstance(value, bool):
            return None
        if isinstance(value, (int, float)):
            return float(value)
        if isinstance(value, str) and NUMBER.match(value):
            return float(value)
    return None


def _moved_tokens(path: tuple[str, ...], before: list[Any] | None, after: list[Any] | None) -> set[str]:
    words = _key_words(path)
    tokens = {f"k:{w}" for w in words}
    if before is None:
        tokens |= {f"add:{w}" for w in words}
    elif after is None:
        tokens |= {f"rm:{w}" for w in words}
    was, now = _value_tokens(before or []), _value_tokens(after or [])
    tokens |= {f"u+:{w}={t}" for w in words for t in now - was} | {f"u-:{w}={t}" for w in words for t in was - now}
    tokens |= {f"v+:{t}" for t in now - was} | {f"v-:{t}" for t in was - now}
    old, new = _number(before or []), _number(after or [])
    if old is not None and new is not None and old != new:
        way = "zero" if new == 0 else ("down" if new < old else "up")
        tenfold = abs(math.log10(max(abs(new), 1e-9) / max(abs(old), 1e-9))) >= 1
        tokens |= {f"n:{w}:{way}{fold}" for w in words for fold in (("", "10") if tenfold else ("",))}
    if before and after and len(before) != len(after):
        tokens |= {f"l:{w}:{'grew' if len(after) > len(before) else 'shrank'}" for w in words}
    return tokens


def change_tokens(action: Action, resource_type: str, before: Any, after: Any, importing: bool = False) -> set[str]:
    """The tokens a change is scored on (training reads plans through this same function). A move a line of the
    curated vocabulary reads, weaker or stronger (public access turned off, TLS raised), adds none: it is judged
    there."""
    tokens = {"a:import"} if importing else set()
    if action not in (Action.UPDATE, Action.REPLACE):
        return tokens
    was, now = _leaves(before), _leaves(after)
    for path in was.keys() | now.keys():
        old, new = was.get(path), now.get(path)
        if old != new and path[-1:] and path[-1] not in COMPUTED \
                and not _read_by_a_curated_line(resource_type, path, old, new):
            tokens |= _moved_tokens(path, old, new)
    return tokens


def _read_by_a_curated_line(resource_type: str, path: tuple[str, ...], before: list[Any] | None,
                            after: list[Any] | None) -> bool:
    """Whether a line of the curated vocabulary tells which way this move goes: then controls.py owns it."""
    if not (before and after and len(before) == len(after) == 1):
        return False
    return direction(resource_type, ".".join(path), before[0], after[0]) in (1, -1)


@cache
def _model() -> tuple[float, dict[str, float]]:
    document = json.loads(resources.files(__package__).joinpath(WEIGHTS).read_text())
    return float(document["bias"]), {str(k): float(v) for k, v in document["weights"].items()}


def logit(tokens: Iterable[str], bias: float, weights: Mapping[str, float]) -> float:
    """A logistic model's log-odds for TOKENS (the rule's model, or one being trained)."""
    return bias + sum(weights.get(token, 0.0) for token in tokens)


def probability(log_odds: float) -> float:
    """LOG_ODDS as a probability (clamped, so no overflow)."""
    return 1 / (1 + math.exp(-max(min(log_odds, 30.0), -30.0)))


def score(tokens: set[str]) -> float:
    """The model's probability that a change with these tokens belongs to a risky plan."""
    return probability(logit(tokens, *_model()))


def _said(token: str) -> str:
    """A token in words (tokens hold only attribute words and value classes, never raw plan text)."""
    kind, _, rest = token.partition(":")
    key, _, value = rest.partition("=") if kind in ("u+", "u-") else ("", "", rest)
    said = {"T": "true", "F": "false", "n": "a number", "0": "0", "null": "null"}.get(value, f"`{value}`")
    if kind == "u+":
        return f"`{key}` becomes {said}"
    if kind == "u-":
        return f"`{key}` is no longer {said}"
    if kind == "v+":
        return f"a value becomes {said}"
    if kind == "v-":
        return f"a value is no longer {said}"
    if kind == "n":
        word, _, way = rest.partition(":")
        return {"down": f"`{word}` lowered", "down10": f"`{word}` cut tenfold or more", "zero": f"`{word}` set to 0",
                "up": f"`{word}` raised", "up10": f"`{word}` raised tenfold or more"}[way]
    if kind == "l":
        word, _, way = rest.partition(":")
        return f"`{word}` lists {'more' if way == 'grew' else 'fewer'} entries"
    return {"add": f"`{rest}` added", "rm": f"`{rest}` removed", "k": f"`{rest}` changes",
            "a": "imported with changes"}.get(kind, token)


@on_change(actions=(Action.UPDATE, Action.REPLACE))
def _resembles_risky(change: Change) -> Iterator[Finding]:
    if is_helper_type(change.type):
        return
    tokens = change_tokens(change.action, change.type, change.before, change.after, change.importing)
    if not tokens:
        return
    likeness = score(tokens)
    if likeness < THRESHOLD:
        return
    yield finding(RULE, change.address, f"{change.address}: this change reads like the risky plans of the labelled "
                  f"corpus (score {likeness:.2f}): " + "; ".join(_said(t) for t in _heaviest(tokens))
                  + " — read what these moves do here")


def _heaviest(tokens: set[str], count: int = 3) -> list[str]:
    """The COUNT tokens that weigh most towards risky, one per word they are about."""
    weights = _model()[1]
    chosen: list[str] = []
    about: set[str] = set()
    for token in sorted((t for t in tokens if weights.get(t, 0.0) > 0), key=lambda t: (-weights[t], t)):
        subject = re.split(r"[:=]", token)[1]
        if subject not in about and len(chosen) < count:
            chosen.append(token)
            about.add(subject)
    return chosen
