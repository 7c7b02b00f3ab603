"""Risk rules, credential resets: a database's own password set to a new value in place. With no rotation in the
same plan (no new secret version or generated password), it is a config value overwriting the live one — what a
removed `ignore_changes = [password]` does — and every client using the rotated password is locked out."""

from __future__ import annotations

import re
from collections.abc import Iterator

from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import Finding, ReviewInput, Severity, finding, rule
from tfreview.pipeline.mask import MASK_CHANGED
from tfreview.pipeline.rules.common import sides
from tfreview.pipeline.rules.kinds import STATEFUL

RESET = "db-password-reset"
DATABASES = re.compile(r"(?:^|_)(?:db|database|sql|mysql|postgres|postgresql|mariadb|mongo|mongodb|redis|docdb"
                       r"|neptune|redshift|cosmosdb|spanner|alloydb|elasticache|memorydb|cockroach|clickhouse)(?:_|$)")
PASSWORDS = re.compile(r"(?:^|_)(?:password|passwd)$")
# A rotation the plan carries out itself: a generated password or secret value that changes in the same plan.
ROTATORS = re.compile(r"(?:^|_)(?:password|secret|secret_version|secret_value|credential|credentials)$")


def _is_database(change: Change) -> bool:
    """Whether the type is a database (the curated table, or a database word in its name)."""
    return STATEFUL.get(change.type) == "database" or bool(DATABASES.search(change.type))


def reset_paths(change: Change) -> list[str]:
    """The password attributes of a database that this in-place update sets to a new value."""
    if change.action is not Action.UPDATE or not _is_database(change):
        return []
    before, after = sides(change)
    # Only password values (text): `manage_master_user_password = true` hands the password to a secret manager.
    return [key for key, value in after.items() if PASSWORDS.search(key) and isinstance(value, str)
            and isinstance(before.get(key), str) and (value == MASK_CHANGED or value != before[key])]


def _rotation(ri: ReviewInput) -> str | None:
    """A secret or generated password that the plan itself changes, or None."""
    return next((c.address for c in ri.changeset.changes if c.mode == "managed" and ROTATORS.search(c.type)
                 and c.action in (Action.CREATE, Action.REPLACE, Action.UPDATE)), None)


@rule(RESET, Severity.HIGH, "A database's own password is set to a new value in place with no rotation in the same "
      "plan (clients using the live password are locked out); medium when the plan also changes a secret.")
def _password_reset(ri: ReviewInput) -> Iterator[Finding]:
    """Database passwords reset in place."""
    rotation: str | None = None
    for change in ri.changeset.changes:
        paths = reset_paths(change) if change.mode == "managed" else []
        if not paths:
            continue
        rotation = rotation or _rotation(ri) or ""
        if rotation:
            yield finding(RESET, change.address, f"{change.address}: {', '.join(paths)} changes together with "
                          f"{rotation} (a rotation: check every client reads the new value)", Severity.MEDIUM)
        else:
            yield finding(RESET, change.address, f"{change.address}: {', '.join(paths)} is set to a new value in "
                          "place and no secret changes with it: clients using the live password are locked out")
