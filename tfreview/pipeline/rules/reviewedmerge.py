"""Risk rules helper (security controls stage): a lower role allowed to merge into a protected branch, while who
may push directly (and force-push) stays as it was and an approval stays required, can only merge what review
approved: merging through a reviewed merge request is not pushing. Any VCS provider's branch protection."""

from __future__ import annotations

from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Change
from tfreview.pipeline.rules.common import as_dict

MERGE_LEVEL = lazy_compile(r"(?:^|\.)\w*merge_access_levels?$")
# Who may push past review: push levels and lists, force pushes, unprotecting the branch.
PUSH_RIGHTS = lazy_compile(r"\w*(?:push|unprotect)\w*|allows?_force_push\w*|allows?_deletions?")
# An approval the merge still needs: a flag that requires one (code owners' approval) or a count above zero.
APPROVAL = lazy_compile(r"\w*approv\w*(?:required|count)|approvals_before_merge|required_approv\w*"
                        r"|\w*reviewers?_count|minimum_number_of_reviewers")


def _approval_kept(before: dict[str, Any], after: dict[str, Any]) -> bool:
    """Whether some approval requirement is on after the change and unchanged by it."""
    return any(APPROVAL.fullmatch(key) and before.get(key) == value
               and (value is True or (isinstance(value, int) and not isinstance(value, bool) and value > 0))
               for key, value in after.items())


def merged_through_review(change: Change, path: str) -> bool:
    """Whether PATH lowers only the role that may merge, while push rights stay and an approval stays required."""
    if not MERGE_LEVEL.search(path):
        return False
    before, after = as_dict(change.before), as_dict(change.after)
    pushes_kept = all(before.get(key) == after.get(key) for key in set(before) | set(after)
                      if PUSH_RIGHTS.fullmatch(key))
    return pushes_kept and _approval_kept(before, after)
