"""Risk rules, blinding by override: what a configuration document (a chart's values, a manifest's yaml_body, a
monitor's JSON, a log shipper's config file) overrides to stop a control from seeing. Read by meaning, in any
provider's resource, inside documents held in text at any depth:

- an exemption list (`excludedNamespaces`, `exclude`, `exemptions`, `skip…`, `ignore…`) that comes to hold `*`: the
  policy or detector now exempts everything (adding a named namespace is an exemption, not this); or a pattern that
  exempts a whole family (`team-*`: every tenant's namespace), unless it names the platform's own system components
  (`kube-*`, `istio-*`);
- a named detection rule switched off by an override (`- rule: Terminal shell in container` / `enabled: false`; a
  rule added, or one only re-tuned, is not);
- a log route that now sends records to a discarding output (`Name null`, `@type null`, `blackhole`, `discard`):
  high where it takes audit or security records or everything, medium for other tags (debug noise);
- a monitor silenced on every scope from inside its own definition (`options.silenced {"*": null}`);
- a policy's code (Rego, CEL) given a clause that skips the check when the object under review carries a label or
  annotation (`not input.review.object.metadata.labels["bypass"]`, `!has(object.metadata.annotations.skip)`):
  whoever submits the object sets its labels, so anyone can opt out (a clause on the image or namespace is not this).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.decoding import objects, unfolded
from tfreview.pipeline.findings import Finding, Severity, finding, on_change
from tfreview.pipeline.rules.common import sides
from tfreview.pipeline.rules.mutes import MUTED
from tfreview.pipeline.rules.values import leaves
from tfreview.pipeline.rules.vocabulary.terms import DETECTION
from tfreview.pipeline.rules.workloads import FAIL_OPEN

_INDEX = lazy_compile(r"\[\d+\]")
EXEMPTING = lazy_compile(r"exclu|exempt|(?:^|[._])(?:skip|ignore|bypass)", re.IGNORECASE)
EVERYTHING = frozenset({"*", "**", ".*", "*/*", "*:*"})


@dataclass(frozen=True)
class _Side:
    """One side of a change, read once: its values (documents in text unfolded), every object inside them, and
    their strings."""

    values: Any
    nodes: list[dict[str, Any]]
    texts: list[str]

    @classmethod
    def of(cls, values: Any) -> _Side:
        return cls(values, list(objects(values)), list(_texts(values)))


# System components a pattern may exempt without exempting anyone's workloads.
SYSTEM_FAMILIES = lazy_compile(r"^(?:kube|gatekeeper|kyverno|istio|linkerd|calico|tigera|cilium|cert-manager|openshift"
                               r"|flux|argocd|monitoring|prometheus|vault|aws|gke|azure|eks|amazon|cattle)[-_]?\*$")


# Exemption lists of whole scopes (namespaces, projects, accounts, tenants), and a name pattern in one (`team-*`).
SCOPES = lazy_compile(r"namespaces?|projects?|accounts?|subscriptions?|tenants?|teams?|clusters?|workspaces?",
                      re.IGNORECASE)
NAME_PATTERN = lazy_compile(r"[A-Za-z0-9][\w.-]*\*|\*[\w.-]*[A-Za-z0-9]")


def _families(side: _Side) -> set[tuple[str, str]]:
    """(path, pattern) of exemption lists of whole scopes in a SIDE that hold a pattern for a family (`team-*`)."""
    found = set()
    for path, value in leaves(side.values):
        plain = _INDEX.sub("", path)
        if not (EXEMPTING.search(plain) and SCOPES.search(plain.rpartition(".")[2] or plain)):
            continue
        for item in value if isinstance(value, list) else [value]:
            text = item.strip() if isinstance(item, str) else ""
            if NAME_PATTERN.fullmatch(text) and not SYSTEM_FAMILIES.match(text):
                found.add((plain, text))
    return found


def _exempted(side: _Side) -> set[str]:
    """Paths (indices dropped) of exemption lists of a SIDE that hold a wildcard."""
    found = set()
    for path, value in leaves(side.values):
        items = value if isinstance(value, list) else [value]
        if EXEMPTING.search(_INDEX.sub("", path)) and any(isinstance(i, str) and i.strip() in EVERYTHING
                                                           for i in items):
            found.add(_INDEX.sub("", path))
    return found


RULE_NAMES = ("rule", "rule_name", "ruleName", "alert", "detection", "signature")


def _disabled_rules(side: _Side) -> set[str]:
    """The names of rules that objects of a SIDE switch off (`enabled: false`, `disabled: true`)."""
    found = set()
    for node in side.nodes:
        name = next((node[k] for k in RULE_NAMES if isinstance(node.get(k), str)), None)
        off = node.get("enabled") in (False, "false") or node.get("disabled") in (True, "true")
        if name and off:
            found.add(name)
    return found


# A discarding output: Fluent Bit's classic `[OUTPUT]` section, Fluentd's `<match>` block, or an object of any
# shipper's config (`name`/`type`/`@type`), with the records it takes (`Match`, the block's pattern).
DISCARD = frozenset({"null", "blackhole", "discard", "devnull", "/dev/null", "nop", "noop", "drop"})
_SECTION = lazy_compile(r"^\s*\[OUTPUT\]\s*$((?:\n(?!\s*\[).*)*)", re.MULTILINE | re.IGNORECASE)
_SETTING = lazy_compile(r"^\s*(\w+)\s+(\S.*?)\s*$", re.MULTILINE)
_FLUENTD = lazy_compile(r"<match\s+([^>]+)>((?:(?!</match>).)*)</match>", re.DOTALL)
_FLUENTD_TYPE = lazy_compile(r"^\s*@?type\s+(\S+)", re.MULTILINE)
SECURITY_RECORDS = lazy_compile(r"audit|secur|auth|guard|trail|falco|siem|access", re.IGNORECASE)


def _discarded(side: _Side) -> set[str]:
    """The record patterns a SIDE routes to a discarding output."""
    found: set[str] = set()
    for text in side.texts:
        for section in _SECTION.finditer(text):
            settings = {k.lower(): v for k, v in _SETTING.findall(section.group(1))}
            if settings.get("name", "").lower() in DISCARD:
                found.add(settings.get("match", settings.get("match_regex", "*")))
        for block in _FLUENTD.finditer(text):
            kind = _FLUENTD_TYPE.search(block.group(2))
            if kind and kind.group(1).lower() in DISCARD:
                found.add(block.group(1).strip())
    for node in side.nodes:
        plugin = next((str(node[k]) for k in ("name", "Name", "type", "@type") if isinstance(node.get(k), str)), "")
        match = next((node[k] for k in ("match", "Match", "match_regex", "inputs") if k in node), None)
        if plugin.lower() in DISCARD and match is not None:
            found.add(str(match))
    return found


def _texts(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _texts(item)
    elif isinstance(value, list):
        for item in value:
            yield from _texts(item)


def _silenced(side: _Side) -> bool:
    """Whether a definition of a SIDE silences itself on every scope (`silenced: {"*": null}`, `muted: true`)."""
    for node in side.nodes:
        for key in ("silenced", "muted", "snoozed"):
            held = node.get(key)
            if held is True or (isinstance(held, dict) and any(str(k).strip() in EVERYTHING for k in held)):
                return True
    return False


# A negated test of the reviewed object's own labels or annotations, in Rego (`not input.review.object…`,
# `not input.request.object…`) or CEL (`!has(object.metadata.labels.x)`, `!('x' in object.metadata.labels)`).
SELF_LABEL = lazy_compile(r"(?:^|[\s(&|])(?:not\s+|!\s*(?:has\s*\(\s*)?\(?\s*(?:['\"][^'\"]*['\"]\s+in\s+)?)"
                          r"(?:input\.)?(?:review\.|request\.)?object\.metadata\.(?:labels|annotations)\b")


def _self_exempting(side: _Side) -> set[str]:
    """Lines of policy code of a SIDE that skip the check by the reviewed object's own labels or annotations."""
    return {line.strip() for text in side.texts if "metadata" in text
            for line in text.splitlines() if SELF_LABEL.search(line)}


# Each reading runs only on changes whose serialised text holds one of its words (wordgate.py), so the words of
# one never open the others: `null` alone would open every change that has a JSON null.
EXEMPTING_WORDS = (b"exclu", b"exempt", b"skip", b"ignore", b"bypass")
RULE_WORDS = tuple(name.lower().encode() for name in RULE_NAMES)
# A discarding output's name is a whole string ("null", YAML's 'null') or a config line's value after blanks
# (`Name null`); a blank serialises as itself or as an escape (`\t`, `\n`, `\r`, `\f`, `\u000b`) whose last
# character leads. A JSON null (`:null`) opens none of them.
DISCARD_WORDS = (b"blackhole", b"discard", b"devnull", b"/null", b"nop", b"noop", b"drop",
                 *(lead + b"null" for lead in (b'"', b"'", b" ", b"t", b"n", b"r", b"f", b"b")))
SILENCE_WORDS = (b"silenced", b"muted", b"snoozed")
LABEL_WORDS = (b"metadata.labels", b"metadata.annotations")
ALTERED = (Action.CREATE, Action.UPDATE, Action.REPLACE)


def _sides(change: Change) -> tuple[_Side, _Side]:
    """The change's sides, documents in text unfolded; a create's before is empty."""
    before, after = (_Side.of(unfolded(side)) for side in sides(change))
    return (_Side.of({}) if change.action is Action.CREATE else before), after


@on_change(actions=ALTERED, words=EXEMPTING_WORDS)
def _exemptions(change: Change) -> Iterator[Finding]:
    before, after = _sides(change)
    for path in sorted(_exempted(after) - _exempted(before)):
        yield finding(DETECTION, change.address, f"{change.address}: {path} now holds * (the policy or detector "
                      "exempts everything: it no longer applies anywhere)")
    for path, pattern in sorted(_families(after) - _families(before))[:3]:
        yield finding(DETECTION, change.address, f"{change.address}: {path} now holds {pattern!r} (the policy or "
                      "detector exempts every name of that family, present and future)")


@on_change(actions=ALTERED, words=RULE_WORDS)
def _rules_off(change: Change) -> Iterator[Finding]:
    before, after = _sides(change)
    off = sorted(_disabled_rules(after) - _disabled_rules(before))
    if off:
        yield finding(DETECTION, change.address, f"{change.address}: detection rules switched off by override: "
                      + ", ".join(repr(name[:80]) for name in off[:5]))


@on_change(actions=ALTERED, words=DISCARD_WORDS)
def _discarding(change: Change) -> Iterator[Finding]:
    before, after = _sides(change)
    for match in sorted(_discarded(after) - _discarded(before)):
        security = match.strip() in EVERYTHING or bool(SECURITY_RECORDS.search(match))
        yield finding(DETECTION, change.address, f"{change.address}: records matching {match[:80]!r} are routed to "
                      "a discarding output (they are dropped, never stored or forwarded)",
                      Severity.HIGH if security else Severity.MEDIUM)


@on_change(actions=ALTERED, words=LABEL_WORDS)
def _label_bypass(change: Change) -> Iterator[Finding]:
    before, after = _sides(change)
    bypasses = sorted(_self_exempting(after) - _self_exempting(before))
    if bypasses:
        yield finding(FAIL_OPEN, change.address, f"{change.address}: the policy now skips its check for any object "
                      f"carrying a label or annotation its submitter sets ({bypasses[0][:100]!r}): anyone can opt out")


@on_change(actions=ALTERED, words=SILENCE_WORDS)
def _self_silenced(change: Change) -> Iterator[Finding]:
    before, after = _sides(change)
    if _silenced(after) and not _silenced(before):
        yield finding(MUTED, change.address, f"{change.address}: the definition silences itself on every scope "
                      "(muted with no end: it never notifies)")
