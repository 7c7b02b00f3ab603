"""The security-controls vocabulary (risk rules stage), read by what a setting's NOUN means and where its VALUE sits
on a strength scale, for providers and vocabularies nobody listed: an audit trail, ledger or capture turned off, a
seal or cipher set to none, a guard bypassed, a second factor made optional, weak secrets accepted, a listener
opened to the world, a hold cut to zero, a flag that makes an object administrative turned on.

Lines that controls.py applies to every resource type, registered after the named lines of this package
(vocabulary/__init__.py): a line a named attribute already decides stays first. The noun gates the line, the value
decides: a value the scale does not know (`inherit`, `gzip`) is never judged, and a noun that is no control
(`cache`, `debug`, `preview`, `compression`) never gates one.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.findings import Severity
from tfreview.pipeline.rules.common import known, snake_case
from tfreview.pipeline.rules.controls import control
from tfreview.pipeline.rules.grants import PRIVILEGED
from tfreview.pipeline.rules.protection import ENCRYPTION
from tfreview.pipeline.rules.retention import BACKUP, LOGGING
from tfreview.pipeline.rules.safeguards import RECLAIM
from tfreview.pipeline.rules.strengths import flag, inverted
from tfreview.pipeline.rules.vocabulary.terms import AUTH, DETECTION, PUBLIC

_WORDS = lazy_compile(r"[^a-z0-9.]+")

# The value scale. Null words: the control is not there at all; a control set to one of them is gone.
NULL = frozenset({"off", "none", "disabled", "disable", "bypass", "bypassed", "disarmed", "false", "no", "never",
                  "skip", "skipped", "paused", "inactive", "nothing", "unset", "null", "plain", "plaintext",
                  "cleartext", "unencrypted", "insecure"})
# Relaxed words: the control is there but lets things through.
RELAXED = frozenset({"optional", "relaxed", "accept", "accepted", "allow", "allowed", "permit", "permissive",
                     "partial", "lax", "loose", "sampled", "minimal", "warn", "advisory", "voluntary", "prefer",
                     "preferred", "tolerate", "lenient"})
# Firm words: the control holds (its strongest setting of any provider's spelling).
FIRM = frozenset({"on", "enabled", "enable", "true", "yes", "full", "armed", "strict", "strictest", "demanded",
                  "demand", "required", "require", "mandatory", "enforced", "enforce", "reject", "rejected", "deny",
                  "denied", "block", "blocked", "refuse", "forbid", "forbidden", "always", "active", "all", "hsm",
                  "kms", "sealed", "hardened", "verbose", "detailed", "complete"})
# Audience words: whoever may reach it from anywhere.
WORLD = frozenset({"world", "anyone", "everyone", "public", "internet", "anywhere", "everywhere", "allusers",
                   "unauthenticated", "anonymous"})


def _words(value: str) -> frozenset[str] | None:
    """The lower-case words of a short one-value setting (camelCase split), or None for anything else."""
    if not known(value) or not 0 < len(value.strip()) <= 40:
        return None
    return frozenset(w for w in _WORDS.split(snake_case(value.strip())) if w)


@lru_cache(maxsize=4096)
def _scaled(value: str, any_mechanism: bool, relaxed: bool) -> float | None:
    words = _words(value)
    if not words:
        return None
    if words <= NULL:
        return 0
    if words & RELAXED and not words & FIRM:
        return 0.5 if relaxed else None
    if words & FIRM and not words & (NULL | RELAXED):
        return 1
    # A value that names a mechanism of the noun's kind (`hsm`, `aes256`, `tls1.3`) holds it, unless a word says off.
    return 1 if any_mechanism and not words & (NULL | RELAXED) else None


def scale(any_mechanism: bool, relaxed: bool = True) -> Callable[[Any], float | None]:
    """A strength on the scale: 1 firm, 0.5 relaxed, 0 null; booleans as on and off. ANY_MECHANISM: any other word
    names the mechanism itself and holds (a cipher's name); otherwise it is not judged. RELAXED: whether a relaxed
    word is judged (a sampled capture still records; an optional factor is no factor)."""

    def strength(value: Any) -> float | None:
        if isinstance(value, bool):
            return float(value)
        return _scaled(value, any_mechanism, relaxed) if isinstance(value, str) else None
    return strength


def bypassed(value: Any) -> float | None:
    """0 when a guard's word says it is off or bypassed, 1 for any other word; booleans are not read here."""
    words = _words(value) if isinstance(value, str) else None
    return None if not words else 0 if words <= NULL else 1


def reach(value: Any) -> float | None:
    """0 when a who-can-reach-it value says anyone or the world, 1 for any other word (`mesh-only`, `team`)."""
    if not isinstance(value, str):
        return None
    words = _words(value)
    return None if not words else 0 if words & WORLD else 1


def rejects(value: Any) -> float | None:
    """For a setting about weak or unsafe input: 1 while it rejects it (reject, deny, false), 0 once it accepts."""
    if isinstance(value, bool):
        return 1 - float(value)
    words = _words(value) if isinstance(value, str) else None
    if not words:
        return None
    if words & {"reject", "rejected", "deny", "denied", "block", "blocked", "refuse", "forbid", "forbidden", "never",
                "off", "none", "disabled", "no"}:
        return 1
    return 0 if words & {"accept", "accepted", "allow", "allowed", "permit", "permitted", "on", "yes", "always",
                         "enabled"} else None


DURATION = lazy_compile(r"(\d+(?:\.\d+)?)\s*(?:[smhdwy]|ms|sec|secs|min|mins|hours?|days?|weeks?|months?|years?)?")


def kept(value: Any) -> float | None:
    """1 while a hold or retention keeps anything (`2555d`, 30), 0 at zero (`0d`, 0); None for anything else."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value > 0)
    match = DURATION.fullmatch(value.strip().lower()) if isinstance(value, str) else None
    return None if match is None else float(float(match[1]) > 0)


def copies(value: Any) -> float | None:
    """1 while two or more backups or snapshots are kept, 0 at one or none: a single copy is overwritten by the
    next, and whatever it caught (a corruption, a deletion) is all there is."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        return None
    try:
        return float(float(value) >= 2)
    except ValueError:
        return None


def _noun(nouns: str) -> str:
    """A setting named by one of NOUNS, alone or with a qualifier before and a mode word after."""
    return rf"(?:\w+_)?(?:{nouns})(?:_(?:mode|level|state|status|policy|setting|type|kind|enabled|on))?"


# Observability: what happens is written down (a trail, ledger, journal, capture, audit). Not a DNS `record`.
OBSERVE = "audit|auditing|trail|ledger|journal|journaling|journalling|capture|capturing|recording|audit_log"
# Protection of what is stored or sent: a seal, a cipher, encryption, what goes over the wire.
PROTECT = "seal|sealing|cipher|encrypt|encryption|at_rest|in_transit|wire"
# Authentication in front of it: a guard, a gate, a sign-in, a challenge, a second factor. Not a feature gate.
GUARD = "guard|gatekeeper|sign_in|signin|challenge|second_factor|two_factor|multi_factor|auth_factor|2fa|mfa|authn"
# What exists only to stand in front of something: created already bypassed, it lets every request through.
GATEKEEPER = "guard|gatekeeper|challenge"
# Who can reach it: where it listens, its audience, its visibility, its exposure.
REACH = "listen|listens|listening|listen_on|reach|reachable_from|audience|visibility|exposure|exposed_to|expose_to"
# How long what is kept stays: a hold, a keep, a retain. Counts and lengths of keeps and holds.
KEEP = "hold|keep|retain|kept_for|hold_for|keep_for|retain_for"
# Input a control refuses while it holds: weak secrets, insecure ciphers, legacy clients, unsigned code.
UNSAFE = r"(?:weak|insecure|legacy|unsigned|unverified|untrusted|self_signed|plaintext|expired)_\w+"

control(DETECTION, _noun(OBSERVE), scale(True, relaxed=False), "recording stopped (the value says off or none)",
        generic=True)
# Events a realm or tenant records (sign-ins, admin actions); not the events a webhook or notification sends.
control(DETECTION, r"(?:\w+_)?events_enabled|enable_\w*events", flag, "its events are no longer recorded",
        types=r"^(?!.*(?:hook|notification|integration|subscription|trigger|channel|alert))", generic=True)
control(ENCRYPTION, _noun(PROTECT), scale(True), "protection removed (the value says none or off)", generic=True)
control(AUTH, _noun(GUARD), scale(False), "sign-in or its guard relaxed or bypassed (the value says optional, "
        "off, none or bypass)", generic=True)
control(AUTH, GATEKEEPER, bypassed, "its guard is bypassed: every request passes unchecked", generic=True,
        create=Severity.HIGH)
control(PUBLIC, _noun(REACH), reach, "opened to anyone (the value says world, anyone or public)", generic=True)
control(LOGGING, _noun(KEEP), kept, "nothing is kept any more (the hold drops to zero)", generic=True)
# What happens to the data when its holder goes: retained or snapshotted → deleted or purged with it.
RETAINED = frozenset({"retain", "retained", "keep", "kept", "snapshot", "preserve", "preserved", "orphan",
                      "abandon", "detach", "detached"})
DELETED = frozenset({"delete", "deleted", "destroy", "purge", "remove", "wipe", "erase", "drop", "cascade_delete"})


def retained(value: Any) -> float | None:
    """1 when a value says the data is kept (retain, snapshot, orphan), 0 when it says it goes (delete, purge)."""
    words = _words(value) if isinstance(value, str) else None
    if not words:
        return None
    return 1 if words <= RETAINED else 0 if words <= DELETED else None


# safeguards.py reads the keys named for the policy (`reclaim_policy`, `deletion_policy`); these read a policy block's
# settings (`retention_policy.home_volume`) and what a holder's end does (`termination_behavior`).
control(RECLAIM, r"\w*(?:retention|deletion|reclaim|removal)_polic(?:y|ies)\.\w+"
        r"|(?:\w+_)?(?:termination|destroy|on_destroy|retain)(?:_polic(?:y|ies)|_behaviou?r|_mode|_action)?",
        retained, "the data will be deleted with its holder (it was retained)", generic=True)
# How many backups or snapshots are kept (a count, not a number of days): cut to one, there is no history left.
control(BACKUP, r"(?!\w*(?:days|day|hours|hour|period|duration|seconds|minutes|weeks|months|age))"
        r"\w*(?:backup|snapshot)s?_(?:retention|keep|kept|count|copies|generations|retain|history)\w*",
        copies, "backups cut to a single copy", generic=True)
control(AUTH, UNSAFE, rejects, "weak or unsafe input now accepted", generic=True)
# A switch that makes an object administrative, a superuser or privileged: on, it may manage everything around it.
control(PRIVILEGED, r"(?:is_)?(?:administrative|administrator|superuser|super_user|privileged_mode|god_mode)",
        inverted, "made administrative: it may manage everything in its scope")
