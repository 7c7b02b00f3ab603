"""Risk rules, a protection's selector moved off what it protected (any VCS provider): a branch protection, protected
branch or tag, or ruleset whose pattern, branch or included refs change — in place or by a replace — so that what
it matched before is matched no longer. The branch it named (often the default branch) is left unprotected while
every setting of the rule looks as strict as before. A selector widened (`release/1.*` → `release/*`) or kept
passes; the rule's other settings are judged by the controls vocabulary."""

from __future__ import annotations

from collections.abc import Iterator
from fnmatch import fnmatchcase
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import Finding, finding, on_change
from tfreview.pipeline.rules.common import sides
from tfreview.pipeline.rules.protection import PROTECTION
from tfreview.pipeline.rules.values import leaves, plain

# Protection rules of any VCS provider (GitHub, GitLab, Bitbucket, Gitea, Azure DevOps branch policies).
PROTECTING = lazy_compile(r"branch_protection|protected_branch|protected_tag|tag_protection|branch_restriction"
                          r"|ruleset|branch_polic")
# Keys that select what a rule protects: a pattern, a branch or tag name, a ref or a ruleset's included refs.
SELECTOR = lazy_compile(r"(?:^|\.)(?:pattern|branch|branch_name|branch_pattern|tag|tag_pattern|ref|ref_name"
                        r"|repository_ref|include)$")
# Ref prefixes and ruleset tokens that spell the same selector another way.
_PREFIXES = ("refs/heads/", "refs/tags/")
_ALL = {"~ALL": "*"}


def _selectors(values: dict[str, Any]) -> set[str]:
    """Every selector string of a protection rule, in one spelling (no `refs/heads/` prefix)."""
    found: set[str] = set()
    for path, value in leaves(values):
        if not SELECTOR.search(plain(path)) or "exclude" in path:
            continue
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, str) and item.strip():
                text = _ALL.get(item.strip(), item.strip())
                found.add(next((text[len(p):] for p in _PREFIXES if text.startswith(p)), text))
    return found


# A ruleset's token for the default branch, and the names a default branch goes by: one spelling of the other.
DEFAULT_NAMES = frozenset({"~DEFAULT_BRANCH", "main", "master", "trunk"})


def _uncovered(old: set[str], new: set[str]) -> list[str]:
    """Old selectors that no new selector matches (a literal branch, or a glob the new one does not contain)."""
    return sorted(o for o in old if not any(n == o or fnmatchcase(o, n) or (
        "~DEFAULT_BRANCH" in (o, n) and {o, n} <= DEFAULT_NAMES) for n in new))


@on_change(type_pattern=PROTECTING, actions=(Action.UPDATE, Action.REPLACE))
def _selector_moved(change: Change) -> Iterator[Finding]:
    before, after = sides(change)
    old, new = _selectors(before), _selectors(after)
    if not old or not new or any(change.after_unknown and path and v is True
                                 for path, v in leaves(change.after_unknown) if SELECTOR.search(plain(path))):
        return
    if lost := _uncovered(old, new):
        yield finding(PROTECTION, change.address,
                      f"{change.address}: its selector moves from {', '.join(lost)} to {', '.join(sorted(new))}: "
                      f"{lost[0]} is no longer protected by it, though every setting of the rule stays as strict")
