"""Risk rules helper (delete ladder): a secret of a non-production environment deleted into its store's recovery
window (Secrets Manager's `recovery_window_in_days`, any store's soft-delete days) can be restored until the window
ends; nothing is lost yet. Keys are not secrets: a key scheduled for deletion stays graded (what it encrypted is
lost with it), and so does a production secret (whatever reads it fails at once)."""

from __future__ import annotations

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.rules.common import sides
from tfreview.pipeline.rules.environments import non_production_env
from tfreview.pipeline.rules.narrowing import KEY_STORES

SECRET_TYPES = lazy_compile(r"(?:^|_)secrets?(?:_v\d+)?$")
RECOVERY_DAYS = lazy_compile(r"recovery_window\w*|soft_delete\w*days|\w*recovery_period\w*(?:days)?")


def recoverable_secret(change: Change) -> str | None:
    """Why deleting this secret loses nothing yet, or None: a non-production secret whose own recovery window is
    above zero days."""
    if change.action is not Action.DELETE or not SECRET_TYPES.search(change.type) or KEY_STORES.search(change.type):
        return None
    before, _ = sides(change)
    windows = [value for key, value in before.items() if RECOVERY_DAYS.fullmatch(key)
               and isinstance(value, int) and not isinstance(value, bool)]
    env = non_production_env(before)
    if not windows or min(windows) <= 0 or env is None:
        return None
    return f"a {env} secret deleted into its {min(windows)}-day recovery window: it can be restored until then"


# How long a deleted object can still be restored: a CA's `permanent_deletion_time_in_days`, a key's
# `deletion_window_in_days`, any store's recovery or soft-delete window.
RESTORE_DAYS = lazy_compile(r"permanent_deletion_time_in_days|deletion_window_in_days|recovery_window_in_days"
                            r"|soft_delete_retention_days|soft_delete_retention_in_days|\w*restore_window\w*days")
DISABLED = frozenset({"disabled", "inactive", "retired", "revoked", "suspended", "deactivated"})


def disabled_recoverable(change: Change) -> str | None:
    """Why deleting this object loses nothing yet, or None: it was already switched off (`enabled = false`, a
    DISABLED status), so nothing used it, and its own window keeps it restorable for some days."""
    if change.action is not Action.DELETE:
        return None
    before, _ = sides(change)
    off = before.get("enabled") is False or str(before.get("status", "")).strip().lower() in DISABLED
    windows = [value for key, value in before.items() if RESTORE_DAYS.fullmatch(key)
               and isinstance(value, int) and not isinstance(value, bool) and value > 0]
    if not off or not windows:
        return None
    return f"already switched off, and restorable for {min(windows)} days after the delete"
