"""The security-controls vocabulary (risk rules stage), oversight of any provider read by attribute name: the number
of approvers a request or change needs dropping to zero, an automatic approval turned on, verification skipped
(on a new payout, transfer or export destination, or turned to skip on any object), and an audit or log
destination emptied (it records nowhere).

Lines that controls.py applies to every resource type, registered in the order vocabulary/__init__.py imports
this package's modules: for one attribute, the first line that reads both values decides.
"""

from __future__ import annotations

from typing import Any

from tfreview.pipeline.findings import Severity
from tfreview.pipeline.rules.common import known
from tfreview.pipeline.rules.controls import control
from tfreview.pipeline.rules.protection import PROTECTION
from tfreview.pipeline.rules.strengths import count, flag, inverted, off_word, present
from tfreview.pipeline.rules.vocabulary.terms import AUTH, DETECTION

# Who signs off, by any name: approvers, reviewers, signers, a quorum.
SIGNERS = r"(?:approvers?|approvals?|reviewers?|signers?|signatures?|sign_?offs?|authori[sz]ers?)"
control(PROTECTION, rf"(?:\w+_)?{SIGNERS}_(?:required|needed|count|min|minimum)|(?:required|min|minimum|min_required)"
        rf"_{SIGNERS}(?:_count)?|(?:\w+_)?quorum(?:_size|_count)?", count, "fewer approvers required",
        above_zero=Severity.MEDIUM, outside_production=Severity.MEDIUM)
# A step that approves by itself, or skips the approval, review, time lock or quorum that holds a change, a withdrawal
# or a new allow-list entry (`auto_approve`, `skip_timelock`): on, it takes effect the moment it is written, and a new
# one created that way is as weak as one switched later.
control(PROTECTION, r"(?:\w+_)?(?:auto_?approv\w*|self_?approv\w*|skip_approv\w*|approval_bypass\w*"
        r"|(?:skip|bypass)_(?:timelock|time_lock|cooldown|quorum|review|second_signer|cosign\w*))", inverted,
        "requests are now approved without a person", outside_production=Severity.MEDIUM, create=Severity.HIGH)

# Verification as a mode: a value that says it is skipped (`verification = "skip"`); booleans are the flag lines'.
SKIPPED = frozenset({"skip", "skipped", "none", "off", "disabled", "bypass", "bypassed", "unverified", "not_required",
                     "never", "no", "false", "optional"})
VERIFICATION = r"(?:\w+_)?(?:verification|verify|vetting|validation)(?:_mode|_method|_level|_policy|_type)?"


def verified(value: Any) -> float | None:
    """0 for a word that skips verification, 1 for any other named method, None for booleans and unknowns."""
    if not isinstance(value, str) or not known(value) or not value.strip():
        return None
    return 0 if value.strip().lower().replace("-", "_").replace(" ", "_") in SKIPPED else 1


control(AUTH, VERIFICATION, verified, "verification skipped")
# A new destination of money or data that nobody verifies: funds or records go wherever it says.
control(AUTH, VERIFICATION, verified, "verification skipped on a new destination", create=Severity.HIGH,
        types=r"payout|payee|beneficiar|recipient|destination|bank|transfer|withdraw|settlement|disburse|export"
              r"|webhook|sink|remittance|wallet")



def recorded(value: Any) -> float | None:
    """0 for a destination emptied (`""`, null) or set to a word that says off (`"off"`, `"none"`), else 1."""
    return 0 if off_word(value) == 0 else present(value)


# Where audit records or logs go, emptied or turned off: the object records nowhere (`audit_stream = ""`, a firewall
# rule's log forwarding profile `log_setting = ""`).
control(DETECTION, r"(?:\w+_)?(?:audit|siem)(?:_\w+)?_(?:stream|destination|sink|target|topic|endpoint|bucket"
        r"|workspace|log_group|webhook|forwarder|forwarding|export|channel)(?:_ids?|_arns?|_names?|_urls?)?"
        r"|(?:\w+_)?(?:log|logs|logging)_(?:stream|destination|sink|target|forwarder|forwarding|channel|setting"
        r"|forwarding_profile|profile)"
        r"(?:_ids?|_arns?|_names?|_urls?)?", recorded, "its audit or log destination emptied: nothing is recorded",
        outside_production=Severity.MEDIUM)
# The mode of a session recorder (a bastion's or access proxy's session recording config: `node`, `proxy`, `sync`):
# off or none, sessions on every host it fronts are no longer recorded.
control(DETECTION, r"mode|recording_mode|session_recording", off_word,
        "session recording turned off (sessions are no longer kept)", types=r"session_record|recording")
# macOS Gatekeeper's code assessment (`EnableAssessment` of a system-policy payload, whatever MDM ships the profile):
# off, unsigned or unnotarized apps run without a prompt on every Mac the profile reaches.
control(DETECTION, r"enable_assessment|assessment_enabled|enable_gatekeeper|gatekeeper_enabled", flag,
        "Gatekeeper code assessment turned off (unsigned apps run without a prompt)")
