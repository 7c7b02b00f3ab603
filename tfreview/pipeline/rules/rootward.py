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
from tfreview.pipeline.rules.values import leaves, pairs, plain

ROOT_WIDENED = declare(
    "root-widened", Severity.HIGH,
    "A confining root (an SFTP user's home directory or logical root, an access point's root directory, a chroot) "
    "moves up to an ancestor: its holder now reaches every sibling's files (any provider).")

# Attributes that confine a holder to a subtree, by their names (the leaf, or a mapping's target under a block
# named for the home or root directory).
CONFINING = lazy_compile(r"(?:^|\.)(?:\w*home_director(?:y|ies)\w*(?:\.\w+)*\.(?:target|path)|\w*home_directory"
                         r"|\w*home_dir|\w*root_director(?:y|ies)(?:\.\w+)*\.path|\w*root_directory|\w*root_dir"
                         r"|chroot\w*|\w*logical_root\w*|\w*jail_(?:dir|path|root)"
                         r"|\w*(?:filesystem|fs_?config|s3config|gcsconfig|azblobconfig)\w*(?:\.\w+)*\.\w*key_prefix)$")
# A storage prefix that confines a user's file system view: removed, the view is the whole bucket.
PREFIX = lazy_compile(r"key_prefix$")
# Logical mappings (`home_directory_mappings { entry = "/", target = "/bucket/partner" }`): the target of the "/"
# entry is the holder's root, unless the object's directory type says PATH (mappings then do not apply).
MAPPINGS = lazy_compile(r"\w*director\w*_mappings?")
PATH_TYPE = lazy_compile(r"\w*director\w*_type")


def _parts(path: str) -> list[str]:
    """The segments of a path-like value (`/bucket/prefix/`, `s3://bucket/prefix`)."""
    return [p for p in path.split("://", 1)[-1].split("/") if p]


def widened_to(before: object, after: object) -> bool:
    """Whether path AFTER is a strict ancestor of path BEFORE (both known strings)."""
    if not (isinstance(before, str) and isinstance(after, str) and known(before) and known(after)):
        return False
    old, new = _parts(before), _parts(after)
    return len(new) < len(old) and old[:len(new)] == new and ("/" in before)


def mapped_root(values: object) -> str | None:
    """The target the "/" entry of an object's logical mappings points at, its root; None without one in force."""
    if not isinstance(values, dict):
        return None
    if any(PATH_TYPE.fullmatch(k) and str(v).upper() == "PATH" for k, v in values.items()):
        return None
    for key, blocks in values.items():
        for block in blocks if MAPPINGS.fullmatch(key) and isinstance(blocks, list) else []:
            if isinstance(block, dict) and str(block.get("entry", "")).strip() == "/":
                target = block.get("target")
                return target if isinstance(target, str) else None
    return None


def confined_root(values: object) -> str | None:
    """The subtree a holder is confined to (a mapped "/" in force, a home directory, a storage key prefix), or None
    where it has none or it is the top ("/", "")."""
    if (mapped := mapped_root(values)) is not None:
        return mapped if _parts(mapped) else None
    held = [(path, v) for path, v in leaves(values) if CONFINING.search(plain(path))]
    # a storage prefix, where there is one, is what confines the view; a home directory is then a local cache
    prefixes = [v for path, v in held if PREFIX.search(path)]
    return next((v for v in prefixes or [v for _, v in held] if isinstance(v, str) and _parts(v)), None)


def _own_root(values: object) -> str | None:
    """The holder's root: a mapped "/" in force, else its home or root directory attribute ("" is the top)."""
    if (mapped := mapped_root(values)) is not None or not isinstance(values, dict):
        return mapped
    home = next((v for k, v in values.items() if CONFINING.search(k) and isinstance(v, str)), None)
    return None if home is None else home or "/"


def _mapped_widened(change: Change) -> Iterator[Finding]:
    """A root moved between a logical mapping and a plain home directory, judged as the one root it is."""
    before, after = _own_root(change.before), _own_root(change.after)
    if widened_to(before, after):
        yield finding(ROOT_WIDENED, change.address,
                      f"{change.address}: its root {show(before)} → {show(after)} (the logical mapping that "
                      "confined it no longer applies: every sibling under the new root is now reachable)")


@on_change(actions=(Action.UPDATE,))
def _root_widened(change: Change) -> Iterator[Finding]:
    if mapped_root(change.before) is not None or mapped_root(change.after) is not None:
        yield from _mapped_widened(change)
        return
    for path, before, after in pairs(change):
        if PREFIX.search(path) and isinstance(before, str) and after is None:
            after = ""
        if CONFINING.search(plain(path)) and widened_to(before, after):
            yield finding(ROOT_WIDENED, change.address,
                          f"{change.address}: {path} {show(before)} → {show(after)} (the root moves up: every "
                          "sibling under it is now reachable)")
