"""Risk rules, identity in Casbin-style policy lines (risk rules stage): the RBAC that Argo CD (an AppProject's
`roles[].policies`, the `policy.csv` of argocd-rbac-cm, a chart's `configs.rbac`) and other tools read as
`p, <subject>, <resource>, <action>, <object>, <effect>` and `g, <subject>, <role>`. A line this change adds that
allows every action on every resource or object (`p, proj:x:ci, *, *, */*, allow`), or that puts a subject in an
admin role (`g, contractors, role:admin`), grants admin: iam-privileged-role, high. Lines for one action on named
objects (`sync` on `storefront/*`), deny lines and lines already there find nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Change
from tfreview.pipeline.findings import Finding, finding, on_change
from tfreview.pipeline.rules.common import sides, string_leaves
from tfreview.pipeline.rules.grants import PRIVILEGED

LINE = lazy_compile(r"^\s*([pg])\s*,(.*)$")
EVERYTHING = frozenset({"*", "*/*", "*/*/*"})
ADMIN_ROLE = lazy_compile(r"^role:(?:admin|administrator|owner|superuser)$|^(?:proj:[^:]+:)?(?:admin|owner)$")


def _grants(values: Any) -> set[str]:
    """The policy lines in VALUES that grant admin, as written (spaces normalised)."""
    found = set()
    for text in string_leaves(values):
        if "," not in text:
            continue
        for line in text.splitlines():
            match = LINE.match(line)
            if match is None:
                continue
            fields = [f.strip() for f in match.group(2).split(",")]
            if _admin(match.group(1), fields):
                found.add(", ".join([match.group(1), *fields]))
    return found


def _admin(kind: str, fields: list[str]) -> bool:
    """Whether a `p` line allows every action on everything, or a `g` line grants an admin role."""
    if kind == "g":
        return len(fields) >= 2 and bool(ADMIN_ROLE.match(fields[1]))
    if len(fields) < 4:
        return False
    resource, action, target = fields[1], fields[2], fields[3]
    effect = fields[4].lower() if len(fields) > 4 else "allow"
    return effect == "allow" and action == "*" and (resource == "*" or target in EVERYTHING)


@on_change(words=(b"p,", b"g,", b"p ,", b"g ,"))
def _casbin_admin(change: Change) -> Iterator[Finding]:
    before, after = sides(change)
    for line in sorted(_grants(after) - _grants(before)):
        yield finding(PRIVILEGED, change.address, f"{change.address}: adds the policy line {line[:120]!r}, which "
                      "grants admin (every action on everything, or an admin role)")
        return
