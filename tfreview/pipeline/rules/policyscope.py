"""Risk rules, an admission or cluster policy's scope moved off what it protected (risk rules stage): a Kyverno
policy, a Gatekeeper constraint or any other `*Policy` object whose match list of namespaces comes to name none of
the namespaces it named (`[storefront, checkout]` → `[storefront-sandbox]`). The policy still reads "Enforce" while
the workloads it guarded are no longer checked: protection-disabled, high. A scope that keeps a namespace it had,
grows, or is emptied (an empty match list matches every namespace) passes; exclusions are overrides.py's."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import Finding, finding, on_change
from tfreview.pipeline.rules.common import as_dict
from tfreview.pipeline.rules.protection import PROTECTION
from tfreview.pipeline.rules.values import leaves, plain

# A match block's list of namespaces (Kyverno `match.any[].resources.namespaces`, Gatekeeper `match.namespaces`,
# a binding's `namespaceSelector.matchNames`); `exclude` lists are exemptions, not scope.
SCOPE = lazy_compile(r"(?:^|\.)match\w*(?:\.\w+)*\.(?:namespaces|match_?names)$")
POLICY_KIND = lazy_compile(r"polic|constraint")


def _kind(values: dict[str, Any]) -> str:
    manifest = as_dict(values.get("manifest"))
    return f"{manifest.get('apiVersion', '')} {manifest.get('kind', '')}".lower()


def _scopes(values: dict[str, Any]) -> dict[str, set[str]]:
    """Each match list of namespaces in a manifest, by its path (indices dropped)."""
    found: dict[str, set[str]] = {}
    for path, value in leaves(as_dict(values.get("manifest")), "manifest"):
        where = plain(path)
        if isinstance(value, list) and SCOPE.search(where.lower()) and ".exclude" not in where.lower():
            found.setdefault(where, set()).update(str(v) for v in value if isinstance(v, str))
    return found


@on_change(types=("kubernetes_manifest",), actions=(Action.UPDATE, Action.REPLACE),
           words=(b"namespaces", b"matchnames"))
def _scope_moved(change: Change) -> Iterator[Finding]:
    before, after = as_dict(change.before), as_dict(change.after)
    if not POLICY_KIND.search(_kind(after)):
        return
    now = _scopes(after)
    for where, old in sorted(_scopes(before).items()):
        new = now.get(where)
        if old and new and not old & new:
            yield finding(PROTECTION, change.address, f"{change.address}: {where} moves from "
                          f"{', '.join(sorted(old))[:120]} to {', '.join(sorted(new))[:120]} (the policy no longer "
                          "applies to the namespaces it guarded)")
            return
