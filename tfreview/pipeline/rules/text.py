"""Risk rules, suspicious text: plan strings that talk to a reviewer or a model ("ignore previous instructions",
"this change is safe", "VERDICT: ..."). They are reported and quoted as data, never obeyed.

The scan never walks every string in Python: the masked plan values are serialized once (scan.py),
lowered, and searched by one literal-led pattern per phrase; only the units with a hit are walked to
find the attribute and quote it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import orjson

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline import scan
from tfreview.pipeline.findings import Finding, ReviewInput, Severity, finding, rule
from tfreview.pipeline.plan import Plan

RESOURCE = "(resource)"
CONFIGURED = "(configured resource)"
QUOTE_BEFORE = 40
QUOTE_AFTER = 100
MAX_FINDINGS = 20

_WS = r"(?:\s|\\[nrt])+"  # a space in a plan string, or a newline as it looks inside serialized JSON
_OPT = r"(?:(?:all|any|the|your|my|of|these|those){ws})*"
_SOFTEN = r"(?:{ws}(?:flag|report|mention|escalate|warn\b|raise|block|reject))"
# Each phrase starts with a literal word: `re` then finds it at memchr speed (see scan.py).
PHRASES = (
    r"ignore{ws}" + _OPT + r"(?:previous|prior|above|earlier|preceding|other|former|system){ws}"
    r"(?:instructions?|rules|prompts?|directions|guidance|findings|context|messages)",
    r"disregard{ws}" + _OPT + r"(?:(?:previous|prior|above|earlier|preceding|other|former|safety|system){ws})?"
    r"(?:instructions?|rules|prompts?|findings|guidance|warnings)",
    r"this{ws}(?:change|plan|update|deletion|diff|modification|pr|pull{ws}request){ws}is{ws}"
    r"(?:(?:completely|totally|perfectly|definitely|100%){ws})?"
    r"(?:safe|harmless|benign|approved|fine|low[- ]risk|routine|reviewed)",
    r"verdict(?:\s|\\[nrt]|\*|_)*[:=]",
    r"likely{ws}safe",
    r"you{ws}are{ws}(?:a|an|now|the|acting|chatgpt|claude|deepseek|reviewing)\b",
    r"do(?:{ws}not|n't)" + _SOFTEN,
    r"safe{ws}to{ws}(?:apply|merge|approve|deploy)",
    r"think>",
)
# Text that only addresses the reviewer ("ignore previous instructions", "you are …") steers nothing by itself: the
# model is told and the floor is medium. Text that pushes toward a verdict, or asks for silence, stays high.
ADDRESSING = frozenset({0, 1, 5})  # PHRASES: "ignore … instructions", "disregard …", "you are …"
STEERING = lazy_compile(r"\b(?:safe|approv\w*|lgtm|pass(?:es|ed)?|benign|harmless|fine|ok(?:ay)?|allow(?:ed)?|"
                        r"no{ws}(?:issues?|risks?|findings?|problems?)|skip\w*|ignore{ws}(?:the{ws})?(?:this|these|it)|"
                        r"suppress\w*|verdict|label)\b".replace("{ws}", r"\s+"), re.IGNORECASE)
# Probes see serialized JSON (a newline is the two characters \n); the walk sees the real string.
PROBES = tuple(lazy_compile(p.replace("{ws}", _WS).encode()) for p in PHRASES)
PATTERNS = tuple(lazy_compile(p.replace("{ws}", r"\s+"), re.IGNORECASE) for p in PHRASES)


@rule("suspicious-text", Severity.HIGH,
      "Plan text that addresses a reviewer or model (instructions, 'this change is safe', verdict lines).")
def _suspicious_text(ri: ReviewInput) -> Iterator[Finding]:
    units = plan_units(ri.plan)
    text = scan.serialize([value for _, value in units]).lower()
    seen: set[tuple[str, str]] = set()
    for index in sorted(scan.units_hit(text, PROBES)):
        where, value = _named(*units[index])
        for path, quoted, steers in _quotes(value):
            if (where, quoted) in seen:
                continue  # the same text under tags and tags_all, or in the configuration too
            seen.add((where, quoted))
            attribute = f" {path}" if path else ""
            yield finding("suspicious-text", None if where.startswith("(") else where,
                          f"{where}:{attribute} contains text addressed to a reviewer or model, quoted here "
                          f"as data and not followed: {quoted}", None if steers else Severity.MEDIUM)
            if len(seen) >= MAX_FINDINGS:
                return


def plan_units(plan: Plan) -> list[tuple[str, Any]]:
    """(kind, value) for every part of the plan a string can hide in.

    Resource entries are the raw plan dicts, serialized whole: building smaller objects for 50,000 of them
    would cost more than the few extra bytes.
    """
    units: list[tuple[str, Any]] = []
    for entries in (plan.resource_changes, plan.resource_drift, [d.resource_change for d in plan.deferred_changes]):
        units += [(RESOURCE, entry) for entry in entries]
    units += [(f"output.{name}", {"before": b.before, "after": b.after}) for name, b in plan.output_changes.items()]
    units += [(f"var.{name}", value) for name, value in plan.variables.items()]
    units += [(str(c.address.get("to_display") or "check"), c.instances) for c in plan.checks]
    root = plan.configuration.get("root_module")
    resources = root.get("resources") if isinstance(root, dict) else None
    if isinstance(root, dict) and isinstance(resources, list):
        units += [(CONFIGURED, entry) for entry in resources]
        rest = {**plan.configuration, "root_module": {k: v for k, v in root.items() if k != "resources"}}
        units.append(("(configuration)", rest))
    else:
        units.append(("(configuration)", plan.configuration))
    return units


def _named(kind: str, value: Any) -> tuple[str, Any]:
    """A resource entry is named by its address; only its values (or constant expressions) are quoted."""
    if kind not in (RESOURCE, CONFIGURED) or not isinstance(value, dict):
        return kind, value
    if kind == CONFIGURED:
        return str(value.get("address")), value.get("expressions")
    body = value.get("change")
    if not isinstance(body, dict):
        body = {}
    return str(value.get("address")), {"before": body.get("before"), "after": body.get("after")}


def _quotes(value: Any) -> Iterator[tuple[str, str, bool]]:
    """(attribute, quote, whether the text steers the verdict) for each string with a phrase."""
    for path, text in scan.strings(value):
        hits = [(index, m) for index, p in enumerate(PATTERNS) for m in [p.search(text)] if m]
        if hits:
            match = hits[0][1]
            steers = any(index not in ADDRESSING for index, _ in hits) or STEERING.search(text) is not None
            yield _attribute(path), quote(text, match.start(), match.end()), steers


def _attribute(path: str) -> str:
    path = path.replace(".constant_value", "")
    for prefix in ("before.", "after.", "value."):
        if path.startswith(prefix):
            return path[len(prefix):]
    return "" if path in ("before", "after", "value", "constant_value") else path


def quote(text: str, start: int, end: int) -> str:
    """The text around a hit, cut short, as one JSON string: newlines stay escaped so no line of it
    can pass for a line of the review."""
    left = max(0, start - QUOTE_BEFORE)
    right = min(len(text), end + QUOTE_AFTER)
    snippet = ("…" if left else "") + text[left:right] + ("…" if right < len(text) else "")
    return orjson.dumps(snippet).decode()
