"""Risk rules, identity: plain-language policy statements (OCI style, "Allow group X to manage all-resources in
tenancy", and "Admit group X of tenancy Y to ...", which lets another tenancy's principals in) read by verb, resource
and scope, for any provider whose policies are written as sentences."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import orjson

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Change
from tfreview.pipeline.findings import Finding, Severity, finding, on_change
from tfreview.pipeline.rules.common import sides
from tfreview.pipeline.rules.grants import PRIVILEGED

MAX_STATEMENT = 4_000
STATEMENT = lazy_compile(r"^\s*(?P<grant>allow|admit)\s+(?P<who>.+?)\s+to\s+(?P<verb>\S+)\s+(?P<what>\S+)\s+in\s+"
                         r"(?P<where>tenancy|\S+\s+\S+)(?:\s|$)", re.IGNORECASE)
# The verbs' ladder (inspect < read < use < manage); manage includes creating and deleting and changing policy.
WRITE_VERBS = ("manage",)
# Where a serialised value may hold a statement: a string starting (after blanks) with "allow" or "admit", any case.
_ALLOW = lazy_compile(rb'"(?:\s|\\[nrt])*(?:[Aa][Ll][Ll][Oo][Ww]|[Aa][Dd][Mm][Ii][Tt])(?:\s|\\[nrt])')
EVERYTHING = lazy_compile(r"^(?:all-resources|\*|all)$", re.IGNORECASE)
# Resource kinds whose management is identity administration: the holder can grant itself the rest.
IDENTITY_KINDS = lazy_compile(r"^(?:users?|groups?|dynamic-groups?|policies|identity-providers|domains?|identity-family"
                              r"|api-keys|auth-tokens|customer-secret-keys)$", re.IGNORECASE)
EVERYONE = lazy_compile(r"^any-(?:user|group)\b", re.IGNORECASE)


def sentences(values: Any) -> Iterator[str]:
    """Every string in VALUES that reads as an allow statement."""
    if isinstance(values, str):
        if len(values) <= MAX_STATEMENT and STATEMENT.match(values):
            yield values
    elif isinstance(values, dict):
        for item in values.values():
            yield from sentences(item)
    elif isinstance(values, list):
        for item in values:
            yield from sentences(item)


def judge(statement: str) -> tuple[Severity, str] | None:
    """How much one allow statement hands out: high for admin over a tenancy, medium for admin in a compartment."""
    match = STATEMENT.match(statement)
    if match is None or match["verb"].lower() not in WRITE_VERBS:
        return None
    tenancy = match["where"].lower() == "tenancy"
    everyone = bool(EVERYONE.match(match["who"]))
    # An admitted principal belongs to another tenancy: whoever runs that tenancy holds what is granted here.
    outsider = match["grant"].lower() == "admit"
    if EVERYTHING.match(match["what"]):
        reach = "every resource in the tenancy" if tenancy else f"every resource in {match['where']}"
        if outsider:
            return Severity.HIGH, reach + " to another tenancy's principals"
        return (Severity.HIGH, reach) if tenancy or everyone else (Severity.MEDIUM, reach)
    if IDENTITY_KINDS.match(match["what"]):
        return Severity.HIGH, f"identity administration ({match['what']}): it can grant itself the rest"
    if everyone:
        return Severity.HIGH, "manage rights for any user"
    return None


@on_change(words=(b"allow", b"admit"))  # every _ALLOW match holds one
def _plain_language(change: Change) -> Iterator[Finding]:
    """An allow statement added in plain language that hands out manage rights over a tenancy or identities."""
    before, after = sides(change)
    if not after or _ALLOW.search(orjson.dumps(after)) is None:  # one C-speed scan spares the walk for most
        return
    old = set(sentences(before))
    for statement in sentences(after):
        verdict = None if statement in old else judge(statement)
        if verdict is not None:
            yield finding(PRIVILEGED, change.address, f'{change.address}: "{statement}" grants {verdict[1]}',
                          verdict[0])
