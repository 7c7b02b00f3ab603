"""Risk rules, access (reported under `policy-allows-anyone`): an allow rule that kept its place, its action and
what it lets through, but lost the part that said *who* — on any provider, at any depth.

Who a rule admits is read from two shapes:
- keys of the source side (`from`, `source`, `principals`, `srcaddr`, `source_groups`, `users`…), as Istio's
  AuthorizationPolicy, a firewall policy or an access rule write them;
- condition operands typed as an identity (`object_type = "SCIM_GROUP"`, a `source.principal` key), as ZPA's
  access rules or a mesh's `when` clauses write them.

A rule that named someone before and names no one now (the list gone or emptied, or only `all`/`any`/`*` left)
lets every user, workload or address that reaches it through: high, or medium where all it lets through is a web
port. A rule that names someone else, narrows, or denies is not this; a whole rule removed is judged elsewhere.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import Finding, Severity, finding, on_change
from tfreview.pipeline.rules.aligned import align
from tfreview.pipeline.rules.common import sides
from tfreview.pipeline.rules.workloads import WIDE

# A key of the source side of a rule: whatever it holds says who the rule admits.
WHO_KEY = lazy_compile(r"from|sources?|src(?:addr6?|_?addr(?:ess)?(?:es)?|_?ips?|_?groups?|_?tags?)?"
                       r"|source_?(?:addr(?:ess)?(?:es)?|principals?|identit(?:y|ies)|groups?|users?|tags?|ranges?"
                       r"|prefix(?:es)?|ips?|cidrs?|namespaces?|service_?accounts?|selectors?|labels?)"
                       r"|principals?|request_?principals?|(?:user|group|identit(?:y|ie)|member|subject)s?",
                       )
# The value of a condition operand's type that names who (a ZPA SCIM group, a mesh's source principal).
WHO_TYPE = lazy_compile(r"scim_?groups?|scim|saml|users?|groups?|idp|identity|principals?|department|email"
                        r"|source\.(?:principal|namespace|ip)|request\.auth\.\w+|remote\.ip")
TYPE_KEYS = ("object_type", "type", "kind", "key", "attribute", "field")
ACTION_KEYS = ("action", "rule_action", "decision", "effect", "verdict")
ALLOWS = frozenset({"allow", "accept", "permit", "pass", "allow_all"})
ANYONE = frozenset({"", "*", "all", "any", "anyone", "everyone", "0.0.0.0/0", "::/0", "all_users"})
# What the rule lets through when that is only a web page: a port or a service name.
WEB = frozenset({"80", "443", "8080", "8443", "http", "https", "web", "tcp/443", "tcp/80", "443/tcp", "80/tcp"})
SERVICE_KEYS = lazy_compile(r"service|services|ports?|dst_?ports?|destination_?ports?|port_range|port_ranges")
MAX_DEPTH = 8


@on_change(actions=(Action.UPDATE,), words=(b"allow", b"accept", b"permit", b"authorizationpolicy"))
def _who_widened(change: Change) -> Iterator[Finding]:
    before, after = align(*sides(change))
    for where, old, new in _rules(before, after, "", _default_allow(after), 0):
        was, now = _who(old), _who(new)
        if not was or not _names_someone(was) or _names_someone(now) \
                or not (_says_anyone(new) or _paths(new) <= _paths(old)):
            continue
        web = _web_only(new)
        named = ", ".join(list(dict.fromkeys(n for n in was if n))[:3])
        gone = "now names no one" if not now else f"now names only {', '.join(sorted(set(now))[:3])}"
        yield finding(WIDE, change.address,
                      f"{change.address}: the allow rule {where or '(the resource)'} named who it admits ({named}) "
                      f"and {gone}: every user, workload or address that reaches it gets through"
                      + (" (a web port only)" if web else ""), Severity.MEDIUM if web else Severity.HIGH)
        return


def _default_allow(values: Any) -> bool:
    """Whether a rule without an action of its own allows: an Istio AuthorizationPolicy with no `action` is ALLOW."""
    if not isinstance(values, dict):
        return False
    for manifest in (values, values.get("manifest"), values.get("object")):
        if isinstance(manifest, dict) and str(manifest.get("kind", "")).lower() == "authorizationpolicy":
            spec = manifest.get("spec")
            return not isinstance(spec, dict) or str(spec.get("action") or "ALLOW").lower() == "allow"
    return False


def _allowing(values: dict[str, Any], inherited: bool) -> bool:
    action = next((values[k] for k in ACTION_KEYS if isinstance(values.get(k), str)), None)
    return inherited if action is None else action.strip().lower() in ALLOWS


def _rules(old: Any, new: Any, where: str, allows: bool, depth: int) -> Iterator[tuple[str, Any, dict[str, Any]]]:
    """(path, old, new) of each object kept on both sides that allows, the resource itself and each list entry."""
    if depth > MAX_DEPTH or not isinstance(new, dict) or not isinstance(old, dict):
        return
    allows = _allowing(new, allows) and _allowing(old, allows)
    for key, value in new.items():
        if WHO_KEY.fullmatch(key.lower()):
            continue
        inner = old.get(key)
        if isinstance(value, dict):
            yield from _rules(inner, value, f"{where}.{key}" if where else key, allows, depth + 1)
        elif isinstance(value, list) and isinstance(inner, list) and len(value) == len(inner):
            for index, (was, now) in enumerate(zip(inner, value, strict=True)):
                yield from _rules(was, now, f"{where}.{key}[{index}]" if where else f"{key}[{index}]", allows,
                                  depth + 1)
    if allows:  # after the rules it holds: the innermost rule that lost its who is the one named
        yield where, old, new


def _says_anyone(values: Any, depth: int = 0) -> bool:
    """Whether a source-side key in VALUES is written as everyone: an emptied block or list, `all`, `any`, `*`."""
    if depth > MAX_DEPTH:
        return False
    if isinstance(values, list):
        return any(_says_anyone(v, depth + 1) for v in values)
    if not isinstance(values, dict):
        return False
    for key, value in values.items():
        if WHO_KEY.fullmatch(key.lower()) and (value in ({}, [], "") or _anyone(_who(value, under=True))):
            return True
        if _says_anyone(value, depth + 1):
            return True
    return False


def _paths(values: Any, where: str = "", depth: int = 0) -> set[str]:
    """The attribute paths VALUES sets, list indices left out: what a rule says, not what it says it to."""
    if depth > MAX_DEPTH or not isinstance(values, (dict, list)):
        return {where}
    items = values.items() if isinstance(values, dict) else (("", v) for v in values if v is not None)
    return {p for key, value in items for p in _paths(value, f"{where}.{key}", depth + 1)} or {where}


def _who(values: Any, depth: int = 0, under: bool = False) -> list[str]:
    """The names of who a rule admits: every string under a source-side key, and the values of identity-typed
    condition operands."""
    if depth > MAX_DEPTH:
        return []
    if isinstance(values, list):
        return [n for item in values for n in _who(item, depth + 1, under)]
    if not isinstance(values, dict):
        return [str(values).strip()] if under and isinstance(values, (str, int)) and not isinstance(values, bool) \
            else []
    found: list[str] = []
    typed = any(isinstance(values.get(k), str) and WHO_TYPE.fullmatch(values[k].strip().lower()) for k in TYPE_KEYS)
    for key, value in values.items():
        if key in TYPE_KEYS and typed:
            continue
        found += _who(value, depth + 1, under or typed or bool(WHO_KEY.fullmatch(key.lower())))
    if typed and not found:
        found.append("(an identity condition)")
    return found


def _anyone(names: list[str]) -> bool:
    """Whether NAMES is written and names everyone (`all`, `any`, `*`)."""
    return bool(names) and not _names_someone(names)


def _names_someone(names: list[str]) -> bool:
    return any(name.lower() not in ANYONE for name in names)


def _web_only(values: dict[str, Any]) -> bool:
    """Whether everything the rule names as its service or port is a web one (80, 443, HTTP, HTTPS)."""
    services = [str(v).strip().lower() for k, v in _pairs(values, 0) if SERVICE_KEYS.fullmatch(k.lower())]
    return bool(services) and all(s in WEB for s in services)


def _pairs(values: Any, depth: int) -> Iterator[tuple[str, Any]]:
    """(key, scalar) of every scalar under VALUES, a list's items each under its key."""
    if depth > MAX_DEPTH:
        return
    if isinstance(values, dict):
        for key, value in values.items():
            if isinstance(value, (dict, list)):
                for inner_key, inner in _pairs(value, depth + 1):
                    yield (key if inner_key in ("name", "") else inner_key), inner
            elif value not in (None, ""):
                yield key, value
    elif isinstance(values, list):
        for item in values:
            if isinstance(item, (dict, list)):
                yield from _pairs(item, depth + 1)
            elif item not in (None, ""):
                yield "", item
