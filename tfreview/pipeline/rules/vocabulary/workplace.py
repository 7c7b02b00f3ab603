"""The security-controls vocabulary (risk rules stage): a workplace tenant's own settings (Microsoft 365 and Entra,
Google Workspace, any suite that keeps mail, files and sign-in for a whole organisation), read by what they mean.

- A switch named for a secure default (`secureByDefault`, security defaults) turned off.
- How far the tenant's files may be shared (SharePoint's `sharingCapability`): from no one or existing guests to new
  guests, to anyone with a link.
- Claims another tenant vouches for (its MFA, its compliant or joined devices) now trusted as if checked here.
- An account let past the mailbox audit (`audit_bypass_enabled`): what it reads is never written down.
- Mail forwarded automatically out of the organisation.
- A mail connector's required TLS setting removed: delivery falls back to whatever the other side offers.
- A sign-in strength that now also accepts weak factors (password and SMS or voice beside FIDO2).
- A signing or approval quorum lowered to one: a single key or person now decides alone.

Lines that controls.py applies to every resource type, registered in the order vocabulary/__init__.py imports
this package's modules: for one attribute, the first line that reads both values decides.
"""

from __future__ import annotations

from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.findings import Severity
from tfreview.pipeline.rules.common import known
from tfreview.pipeline.rules.controls import control
from tfreview.pipeline.rules.strengths import flag, inverted, present
from tfreview.pipeline.rules.values import number
from tfreview.pipeline.rules.vocabulary.terms import AUTH, DETECTION, PUBLIC, TLS, setting_words

control(AUTH, r"(?:\w+_)?secure_by_default|security_defaults(?:_enabled)?", flag,
        "the tenant's secure defaults are turned off")

# Sharing, widest first: anyone with a link, new guests, only guests already in the directory, no one outside.
_ANYONE = frozenset({"anyone", "anonymous", "guest", "guests", "public", "everyone"})
_NEW_GUESTS = frozenset({"external", "externals", "new"})
_KNOWN_GUESTS = frozenset({"existing", "existingexternal"})
_NO_ONE = frozenset({"disabled", "none", "off", "internal", "organization", "organisation", "tenant", "nobody"})


def sharing_reach(value: Any) -> float | None:
    """3 for sharing with no one outside, 2 with guests already known, 1 with new guests, 0 with anyone; None for a
    value that names none of these."""
    words = setting_words(value)
    if not words:
        return None
    for strength, reach in ((2, _KNOWN_GUESTS), (0, _ANYONE), (1, _NEW_GUESTS), (3, _NO_ONE)):
        if words & reach:
            return strength
    return None


control(PUBLIC, r"\w*sharing_capability|(?:default_)?external_sharing(?:_capability|_level|_mode)?"
        r"|sharing_(?:capability|level|scope)", sharing_reach,
        "the tenant's files may now be shared further outside (new guests or anyone with a link)")

control(AUTH, r"(?:is_)?(?:mfa|compliant_device|hybrid_azure_ad_joined_device|\w*joined_device|device_compliance"
        r"|claims?)_accepted|trust_(?:external|partner)_(?:mfa|devices?|claims)", inverted,
        "another tenant's MFA or device claims are now trusted as if checked here")
control(DETECTION, r"\w*audit_bypass(?:_enabled)?|bypass_(?:mailbox_)?audit(?:ing)?(?:_enabled)?", inverted,
        "the account's mailbox access is no longer audited", create=Severity.HIGH)
control(PUBLIC, r"(?:allow_)?auto_?forward(?:ing)?(?:_enabled|_allowed)?"
        r"|(?:allow_)?external_(?:auto_)?forwarding(?:_enabled)?", inverted,
        "mail may now be forwarded automatically to any address outside the organisation")
control(TLS, r"tls_(?:settings|mode|requirement|level)|required_tls", present,
        "the connector's required TLS setting is removed: delivery takes whatever the other side offers")

# Sign-in factors by strength: phishing-resistant, an app or token, and the weak ones a SIM swap or a guess defeats.
_RESISTANT = frozenset({"fido2", "passkey", "passkeys", "webauthn", "u2f", "windowshelloforbusiness",
                        "x509certificatemultifactor", "x509certificate", "certificate", "smartcard", "piv"})
_APP = frozenset({"microsoftauthenticatorpush", "softwareoath", "hardwareoath", "totp", "oath", "push",
                  "authenticator", "temporaryaccesspassonetime", "temporaryaccesspassmultiuse", "federatedmultifactor",
                  "devicebasedpush"})
_WEAK = frozenset({"sms", "voice", "email", "password", "federatedsinglefactor"})
_COMBINATION = lazy_compile(r"\s*,\s*")


def _factor_rank(combination: str) -> float | None:
    """The strength of one allowed combination (`password,sms`): its strongest factor's; None for an unknown one."""
    ranks = []
    for factor in _COMBINATION.split(combination.strip().lower()):
        if factor in _RESISTANT:
            ranks.append(2)
        elif factor in _APP:
            ranks.append(1)
        elif factor in _WEAK:
            ranks.append(0)
        else:
            return None
    return max(ranks) if ranks else None


def weakest_factor(value: Any) -> float | None:
    """The strength of the weakest combination a sign-in strength allows; None when one is not understood."""
    items = value if isinstance(value, list) else [value]
    if not items or not all(isinstance(i, str) and known(i) for i in items):
        return None
    ranks = [_factor_rank(i) for i in items]
    return None if any(r is None for r in ranks) else min(r for r in ranks if r is not None)


control(AUTH, r"allowed_combinations|allowed_(?:authentication_|auth_|mfa_)?(?:methods|factors)", weakest_factor,
        "the sign-in strength now also accepts weaker factors (SMS, voice or a password alone)")


def quorum(value: Any) -> float | None:
    """1 for a threshold of two or more signers or approvers, 0 for one or none."""
    amount = number(value)
    return None if amount is None else float(amount >= 2)


control(AUTH, r"(?:\w+_)?(?:signature|signatures|signer|signers|approval|approvals|approver|approvers)"
        r"_(?:threshold|quorum|required|count)|(?:required|min|minimum)_(?:signatures|signers|approvals|approvers)",
        quorum, "the quorum is lowered to one: a single key or person now decides alone")
