"""The security-controls vocabulary (risk rules stage), first lines: a switch named for turning a protection OFF
(`disable_encryption`, `audit_logging_disabled`, `skip_tls_verify`, `no_mfa`) whose true is the weak side.

The lines after this module read a protection's noun with on = strong (`\\w*encrypt\\w*`); a negated name reverses
that, so it must decide first. A negated weak thing (`disable_tls10`, `block_legacy_tls`, `disable_basic_auth`) is
the strong side: its line decides before the protective nouns' lines and before legacy.py's `*tls10*` line.
"""

from __future__ import annotations

from tfreview.pipeline.rules.controls import control
from tfreview.pipeline.rules.protection import ENCRYPTION, PROTECTION
from tfreview.pipeline.rules.retention import LOGGING
from tfreview.pipeline.rules.strengths import flag, inverted
from tfreview.pipeline.rules.vocabulary.terms import AUTH, DETECTION, TLS

# A negation word before the noun (`disable_`, `skip_`, `no_`, `without_`) or after it (`_disabled`, `_off`).
_BEFORE = r"(?:\w*_)?(?:disable|disabled|skip|no|without|turn_off|bypass)_(?:\w*_)?"
_AFTER = r"(?:_\w*)?_(?:disabled|skipped|off|bypassed)"


def _negated(noun: str, filler: bool = True) -> str:
    """A path regex: NOUN (a regex without groups that capture) with a negation word before or after it.

    Without FILLER no other word may stand between them: `disable_basic_auth` turns a weak path off.
    """
    if not filler:
        return rf"(?:disable|disabled|skip|no|without|bypass)_(?:{noun})|(?:{noun})_(?:disabled|skipped|off|bypassed)"
    return rf"{_BEFORE}(?:{noun})|(?:\w*_)?(?:{noun}){_AFTER}"


# First: a weak mechanism negated (`disable_tls10`, `block_legacy_tls`, `disable_basic_auth`, `no_anonymous_access`,
# `basic_auth_disabled`): true switches the weak thing off, the strong side, for every rule that reads it.
# (Spelled here, not imported from legacy.py: importing it would register its lines before these.)
_WEAK = (r"(?:\w+_)?(?:tls_?1_?[01]|tls_?1[01]|tlsv1(?:_?[01])?|ssl_?v?[23]0?|sslv_?[23]|triple_?des|3des|rc4"
         r"|legacy|basic|insecure|plaintext|anonymous|weak)(?:_\w+)?")
_NEGATED_WEAK = (rf"(?:\w*_)?(?:disable|disabled|disallow|block|deny|reject|prevent|forbid|no|without)_(?:{_WEAK})"
                 rf"|(?:{_WEAK})_(?:disabled|blocked|denied|disallowed|rejected|off)")
for _rule in (TLS, AUTH):
    control(_rule, _NEGATED_WEAK, flag, "a weak mechanism's off switch turned back on (the weak path allowed)")

# No digits after the noun: `disable_tls10` / `disable_ssl3` switch a legacy protocol off (the strong side).
_TLS = (r"(?:tls|ssl|https|mtls)(?:_(?:verify|verification|validation|check|checks|checking))?"
        r"|(?:certificate|cert|peer|host|hostname)_(?:verify|verification|validation|check|checks|checking)")
control(ENCRYPTION, _negated(r"encryption|encrypt|encrypted|kms|sse|at_rest_encryption"), inverted,
        "encryption turned off (a switch named for disabling it turned on)")
control(LOGGING, _negated(r"audit_logs?|audit_logging|logging|logs|access_logs?|log_delivery|flow_logs?|auditing"),
        inverted, "logging turned off (a switch named for disabling it turned on)")
control(DETECTION, _negated(r"audit|monitoring|alerts?|alerting|scanning|scan|threat_detection|detection|guard"),
        inverted, "a detector or audit turned off (a switch named for disabling it turned on)")
control(TLS, _negated(_TLS), inverted, "TLS or certificate checks turned off (a switch named for disabling them)")
control(AUTH, _negated(r"mfa|2fa|two_factor|multi_factor|auth|authentication|authorization|sso|signature_check"
                              r"|signing|signature|signature_verification|token_signing", False),
        inverted, "sign-in or access checks turned off (a switch named for disabling them turned on)")
control(PROTECTION, _negated(r"deletion_protection|delete_protection|backups?|versioning|snapshots?|final_snapshot"),
        inverted, "a protection against loss turned off (a switch named for disabling it turned on)")
