"""Risk rules, reach: a user's or client's confining root (an SFTP home directory mapping's target, an access
point's root directory, a chroot) moved up to an ancestor of what it was (`/bucket/partner-a` → `/bucket`): the
holder now reaches every sibling's files. A root moved down (narrowed) or sideways (another partner's prefix) is
not this rule.
"""

from __future__ import annotations

from collections.abc import Iterator

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import Finding, Severity, declare, finding, on_change
from tfreview.pipeline.rules.common import known, show
from tfreview.pipeline.rules.values import pairs, plain

ROOT_WIDENED = declare(
    "root-widened", Severity.HIGH,
    "A confining root (an SFTP user's home directory or logical root, an access point's root directory, a chroot) "
    "moves up to an ancestor: its holder now reaches every sibling's files (any provider).")

# Attributes that confine a holder to a subtree, by their names (the leaf, or a mapping's target under a block
# named for the home or root directory).
CONFINING = lazy_compile(r"(?:^|\.)(?:\w*home_director(?:y|ies)\w*(?:\.\w+)*\.(?:target|path)|\w*home_directory"
                         r"|\w*home_dir|\w*root_director(?:y|ies)(?:\.\w+)*\.path|\w*root_directory|\w*root_dir"
                         r"|chroot\w*|\w*logical_root\w*|\w*jail_(?:dir|path|root))$")


def _parts(path: str) -> list[str]:
    """The segments of a path-like value (`/bucket/prefix/`, `s3://bucket/prefix`)."""
    return [p for p in path.split("://", 1)[-1].split("/") if p]


def widened_to(before: object, after: object) -> bool:
    """Whether path AFTER is a strict ancestor of path BEFORE (both known strings)."""
    if not (isinstance(before, str) and isinstance(after, str) and known(before) and known(after)):
        return False
    old, new = _parts(before), _parts(after)
    return len(new) < len(old) and old[:len(new)] == new and ("/" in before)


@on_change(actions=(Action.UPDATE,))
def _root_widened(change: Change) -> Iterator[Finding]:
    for path, before, after in pairs(change):
        if CONFINING.search(plain(path)) and widened_to(before, after):
            yield finding(ROOT_WIDENED, change.address,
                          f"{change.address}: {path} {show(before)} → {show(after)} (the root moves up: every "
                          "sibling under it is now reachable)")
