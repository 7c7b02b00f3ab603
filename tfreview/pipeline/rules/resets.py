"""Risk rules, credential resets: a database's own password set to a new value in place. With no rotation in the
same plan (no new secret version or generated password), it is a config value overwriting the live one — what a
removed `ignore_changes = [password]` does — and every client using the rotated password is locked out."""

from __future__ import annotations

from collections.abc import Iterator

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import Finding, ReviewInput, Severity, finding, rule
from tfreview.pipeline.mask import MASK_CHANGED
from tfreview.pipeline.rules.common import sides
from tfreview.pipeline.rules.kinds import STATEFUL

RESET = "db-password-reset"
DATABASES = lazy_compile(r"(?:^|_)(?:db|database|sql|mysql|postgres|postgresql|mariadb|mongo|mongodb|redis|docdb"
                         r"|neptune|redshift|cosmosdb|spanner|alloydb|elasticache|memorydb|cockroach|clickhouse)(?:_|$)")
PASSWORDS = lazy_compile(r"(?:^|_)(?:password|passwd)$")
# A rotation the plan carries out itself: a generated password or secret value that changes in the same plan.
# A database user or login of any provider: the resource is the credential itself, so a new password is its rotation.
CREDENTIAL_TYPES = lazy_compile(r"(?:^|_)(?:user|users|login|logins|role|credential|credentials)$")
ROTATORS = lazy_compile(r"(?:^|_)(?:password|secret|secret_version|secret_value|credential|credentials)$")


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


# The setting of a secret store of any provider that holds the stored value (an SSM SecureString's `value`, a
# secret's `secret_string`, a vault entry's `data_json`): a sensitive one that changes is a new secret stored.
STORED = lazy_compile(r"(?:^|_)(?:value|secret|string|data|data_json|plaintext|content)(?:_\w+)?$")


def _stores_secret(change: Change) -> bool:
    """Whether the change writes a new sensitive value into a store setting (masked as changed)."""
    return any(a.after == MASK_CHANGED and STORED.search(a.path.rpartition(".")[2].split("[")[0])
               for a in change.attributes)


def _rotations(ri: ReviewInput) -> list[str]:
    """Secrets or generated passwords that the plan itself changes, and stores whose sensitive value changes (a
    new password kept where clients read it)."""
    return [c.address for c in ri.changeset.changes if c.mode == "managed"
            and c.action in (Action.CREATE, Action.REPLACE, Action.UPDATE)
            and (ROTATORS.search(c.type) or _stores_secret(c))]


@rule(RESET, Severity.HIGH, "A database's own password is set to a new value in place with no rotation in the same "
      "plan (clients using the live password are locked out); medium when the plan also changes a secret.")
def _password_reset(ri: ReviewInput) -> Iterator[Finding]:
    """Database passwords reset in place."""
    rotations: list[str] | None = None
    for change in ri.changeset.changes:
        paths = reset_paths(change) if change.mode == "managed" else []
        if not paths:
            continue
        rotations = _rotations(ri) if rotations is None else rotations
        rotation = next((r for r in rotations if r != change.address), None)
        if CREDENTIAL_TYPES.search(change.type):
            yield finding(RESET, change.address, f"{change.address}: {', '.join(paths)} of a database user changes "
                          "(a rotation of that user's credential: check every client reads the new value)",
                          Severity.MEDIUM)
        elif rotation:
            yield finding(RESET, change.address, f"{change.address}: {', '.join(paths)} changes together with "
                          f"{rotation} (a rotation: check every client reads the new value)", Severity.MEDIUM)
        else:
            yield finding(RESET, change.address, f"{change.address}: {', '.join(paths)} is set to a new value in "
                          "place and no secret changes with it: clients using the live password are locked out")
