"""Updates that change more than the configuration shows (risk rules stage; feeds `import-with-changes` and
`major-upgrade`).

An import that also updates or replaces the object it imports alters live infrastructure Terraform did not manage
before; an engine version whose major number goes up (`engine_version` 14 → 15) is a one-way upgrade.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import tfreview.pipeline.rules.kinds as kinds
from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.diff import UNKNOWN
from tfreview.pipeline.findings import Finding, Severity, declare, finding, on_change
from tfreview.pipeline.rules.common import known, show, sides
from tfreview.pipeline.rules.controls import direction
from tfreview.pipeline.rules.edge import mail_tightened
from tfreview.pipeline.rules.policy import parse

# Attributes that only label an object: an import's changes to them are set aside.
TAG_ROOTS = ("tags", "tags_all", "labels", "effective_labels", "terraform_labels")
STAMP = lazy_compile(r"^(?:\w+_(?:on|at|time|timestamp)|(?:latest|last)_\w+|etag|revision|version_id)$")
IMPORT_CHANGE = declare("import-with-changes", Severity.HIGH,
                        "An import also changes (or replaces) the object it imports: applying alters live "
                        "infrastructure Terraform did not manage before.")


@on_change(actions=(Action.UPDATE, Action.REPLACE))
def _import_with_changes(change: Change) -> Iterator[Finding]:
    if not change.importing:
        return
    paths = [a.path for a in change.attributes if a.after != UNKNOWN or a.before is not None]
    if change.action is Action.REPLACE:
        yield finding(IMPORT_CHANGE, change.address,
                      f"{change.address} is imported and then replaced: the existing object is destroyed")
        return
    real = [p for p in paths if not p.startswith(TAG_ROOTS)]
    # A change every control that names it reads as stricter (made private, protection on) weakens nothing.
    # A timestamp the provider sets again on apply (`modified_on`, known after) is no change of the import's own.
    judged = [a for a in change.attributes if a.path in real and not (a.after == UNKNOWN and STAMP.match(a.path))]
    stricter = bool(judged) and all(direction(change.type, a.path, a.before, a.after) == 1
                                    or only_denies_added(a.before, a.after) or mail_tightened(a.before, a.after)
                                    for a in judged)
    if paths:
        shown = ", ".join((real or paths)[:5]) + (", …" if len(real or paths) > 5 else "")
        yield finding(IMPORT_CHANGE, change.address,
                      f"{change.address} is imported and also changed ({shown})"
                      + (": every change makes it stricter" if stricter else ""),
                      None if real and not stricter else Severity.MEDIUM)
def only_denies_added(before: Any, after: Any) -> bool:
    """Whether policy text AFTER keeps every statement of BEFORE and only adds Deny statements (a guard such as
    "deny unless through our VPC endpoint"): it allows nothing it did not."""
    old, new = parse(before), parse(after)
    kept = {s.key() for s in old}
    added = [s for s in new if s.key() not in kept]
    return bool(old) and bool(added) and kept <= {s.key() for s in new} and all(not s.allows for s in added)


UPGRADE = declare("major-upgrade", Severity.HIGH,
                  "A database or data store changes major engine version: data is migrated in place and the "
                  "change cannot be rolled back by reverting the plan (high down, medium up).")
VERSION_KEYS = lazy_compile(r"^(?:engine_version|database_version|db_version|redis_version|mysql_version"
                            r"|postgres(?:ql)?_version|server_version|engine_major_version|version)$")
_MAJOR = lazy_compile(r"[A-Za-z_\-]*(\d+)(?:[._]\w+)*")


@on_change(actions=(Action.UPDATE,), words=(b"version",))  # every VERSION_KEYS key holds it
def _major_upgrade(change: Change) -> Iterator[Finding]:
    if not kinds.looks_stateful(change.type) or kinds.is_immutable_type(change.type):
        return
    before, after = sides(change)
    for key in sorted(before.keys() & after.keys()):
        old, new = before.get(key), after.get(key)
        if not VERSION_KEYS.match(key) or not isinstance(old, str) or not isinstance(new, str) or not known(new):
            continue
        old_major, new_major = _major(old), _major(new)
        if old_major is not None and new_major is not None and old_major != new_major:
            # Up is the provider's supported path (the model is told); down is no path a provider supports.
            down = new_major < old_major
            yield finding(UPGRADE, change.address,
                          f"{change.address}: {key} {show(old)} → {show(new)} (a major version "
                          f"{'downgrade' if down else 'upgrade'} migrates the data in place and cannot be reverted by "
                          "the plan)", None if down else Severity.MEDIUM)


def _major(version: str) -> int | None:
    """The major version: 13 in "13.7" or "POSTGRES_13", 8 in "8.0.mysql_aurora.3.05"."""
    match = _MAJOR.fullmatch(version.strip())
    return int(match.group(1)) if match else None
