"""Risk rules, access (reported under iam-wildcard): a policy written in a policy language that now allows
everything without a condition, whatever resource holds it — a Cedar `permit(principal, action, resource);` with no
`when` or `unless` (Verified Access, Verified Permissions, any invented provider), a Rego `default allow := true`
or bare `allow = true` — or a Cedar permit whose only condition is a mail-domain wildcard (any user of the
directory, on any device). Only a statement the change adds is news; a conditioned permit, a `forbid`, and a
default of false stay quiet."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import Finding, Severity, finding, on_change
from tfreview.pipeline.rules.common import sides, string_leaves
from tfreview.pipeline.rules.judge import WILDCARD

# A Cedar permit whose scope names no principal, action or resource and which ends without a condition (or with
# `when { true }`).
CEDAR = lazy_compile(r"\bpermit\s*\(\s*principal\s*,\s*action\s*,\s*resource\s*\)\s*(?:;|when\s*\{\s*true\s*\}\s*;)",
                     re.IGNORECASE)
# A Rego rule that allows with no body: `default allow := true`, `allow = true`, `allow if true`, `allow { true }`.
REGO = lazy_compile(r"^\s*(?:default\s+)?allow\s*(?:(?::=|=)\s*true|if\s+true|(?:if\s*)?\{\s*true\s*\})\s*(?:#.*)?$",
                    re.IGNORECASE | re.MULTILINE)
MAX_TEXT = 200_000  # policy texts longer than this are not read
# A Cedar permit of any principal whose only condition is a mail-domain wildcard (`context.idc.user.email.address
# like "*@acme.io"`, or `.endsWith("@acme.io")`): every account of the directory meets it, on any device.
CEDAR_WHEN = lazy_compile(r"\bpermit\s*\(\s*principal\s*,\s*action\s*,\s*resource\s*\)\s*when\s*\{([^{}]*)\}\s*;",
                          re.IGNORECASE)
DOMAIN_TEST = lazy_compile(r"\(?\s*[\w.]+\s*(?:like\s*\"\*@[^\"*]+\"|\.endsWith\(\s*\"@[^\"]+\"\s*\))\s*\)?")


def _unconditional(value: Any) -> int:
    """How many allow-everything statements the strings of VALUE hold."""
    total = 0
    for text in string_leaves(value):
        if len(text) <= MAX_TEXT and ("permit" in text or "allow" in text):
            total += len(CEDAR.findall(text)) + len(REGO.findall(text))
    return total


def _domain_wide(value: Any) -> int:
    """How many Cedar permits in the strings of VALUE admit anyone whose mail address is in a domain."""
    return sum(1 for text in string_leaves(value) if len(text) <= MAX_TEXT and "permit" in text
               for body in CEDAR_WHEN.findall(text)
               if all(DOMAIN_TEST.fullmatch(part.strip()) for part in body.split("||")))


@on_change(actions=(Action.CREATE, Action.UPDATE, Action.REPLACE), words=(b"permit", b"allow"))
def _permit_all(change: Change) -> Iterator[Finding]:
    before, after = sides(change)
    if _unconditional(after) > _unconditional(before):
        yield finding(WILDCARD, change.address,
                      f"{change.address}: its policy now permits every principal every action on every resource "
                      "with no condition (an unconditional Cedar `permit` or Rego `allow`)", Severity.HIGH)
    elif _domain_wide(after) > _domain_wide(before):
        yield finding(WILDCARD, change.address,
                      f"{change.address}: its policy now permits any user whose address is in a mail domain, with no "
                      "group, device or other condition (every account of the directory, on any device)",
                      Severity.HIGH)
