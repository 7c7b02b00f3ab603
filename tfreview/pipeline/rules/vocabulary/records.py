"""The security-controls vocabulary (risk rules stage), audit records kept whole and honest: a rule's end-of-session
log turned off, a chain of hashes that proves records untouched turned off, an audit stream that drops events
when its destination fails instead of holding them, the security categories (sign-in, IAM, secrets) no longer
forwarded, an OAuth client gaining the password grant or trusting a client-written IP header, and a connection's
TLS settings removed.

Lines that controls.py applies to every resource type, registered in the order vocabulary/__init__.py imports
this package's modules: for one attribute, the first line that reads both values decides.
"""

from __future__ import annotations

from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.rules.common import known
from tfreview.pipeline.rules.controls import control
from tfreview.pipeline.rules.retention import LOGGING
from tfreview.pipeline.rules.strengths import flag, inverted, ladder, present
from tfreview.pipeline.rules.vocabulary.terms import AUTH, TLS

# Objects that record or forward what happens, of any provider (an audit stream, a trail, a SIEM export).
RECORDERS = r"audit|(?:^|_)logs?(?:_|$)|logging|trail|siem|journal|(?:^|_)stream|forward|export|sink"

# A firewall rule's log at the end of each session (PAN-OS `log_end`): the one record of what the rule let through.
# Logging at the start as well is optional noise; only the end-of-session switch is read.
control(LOGGING, r"log_(?:at_)?(?:session_)?end|log_end_of_session|log_session_end", flag,
        "the rule no longer logs the sessions it allows")
# Records chained by hashes or signed digests (CloudTrail's log file validation, any stream's `hash_chain`): off,
# records can be altered or removed without a trace.
control(LOGGING, r"\w*hash_?chain(?:ing|ed)?(?:_enabled)?|enable_\w*hash_?chain\w*|\w*log_file_validation\w*"
        r"|(?:\w+_)?(?:log|logs|audit|record|records|event|events)_(?:integrity|signing|tamper_\w+)(?:_enabled)?"
        r"|\w*tamper_(?:proof|evident|evidence|protection)\w*", flag,
        "records are no longer protected against tampering (integrity chain or signing off)")
# What an audit stream does when its destination fails: holding or blocking keeps every record; dropping loses them.
control(LOGGING, r"on_(?:failure|error|delivery_failure|overflow)|(?:failure|error|overflow|backpressure)_(?:mode"
        r"|action|policy|behaviou?r)|fail_mode|when_full", ladder(
            ("block", "blocking", "halt", "stop", "fail_closed", "fail-closed", "reject", "shutdown", "retry", "buffer",
             "queue", "spool", "hold", "persist"),
            ("drop", "discard", "ignore", "continue", "fail_open", "fail-open", "skip", "overwrite", "drop_oldest",
             "drop_newest", "best_effort", "best-effort")),
        "records are now dropped when the destination fails", types=RECORDERS)

SECURITY_EVENTS = lazy_compile(r"auth\w*|log[io]n\w*|sign_?in\w*|iam|identity|secrets?|security|audit\w*"
                               r"|permissions?|privilege\w*|credentials?|sso|mfa|kms|keys?|tokens?|policy|policies")
_EVENT_WORDS = lazy_compile(r"[^a-z0-9]+")


def security_categories(value: Any) -> float | None:
    """How many items of a list of event categories name security events (sign-in, IAM, secrets, keys); None for
    anything but a list of known strings."""
    if not isinstance(value, list) or not all(isinstance(item, str) and known(item) for item in value):
        return None
    return float(sum(any(SECURITY_EVENTS.fullmatch(w) for w in _EVENT_WORDS.split(item.lower()) if w)
                     for item in value))


# The categories an audit stream or log export forwards (`event_filters`, `log_types`, `categories`): one that names
# security events (sign-in, IAM, secrets) dropped, those records no longer leave the system. A category added is not.
control(LOGGING, r"(?:\w+_)?(?:event|log|audit)_?(?:filters?|types?|categories|kinds|selectors?|classes)"
        r"|(?:enabled_|included_|forwarded_)?(?:categories|event_types|log_types)", security_categories,
        "security event categories (sign-in, IAM, secrets) are no longer recorded or forwarded", types=RECORDERS)

# OAuth grants that hand a client the user's password (resource owner password credentials, any realm variant):
# the client sees and replays credentials, and the grant bypasses the sign-in page with its MFA and checks.
PASSWORD_GRANT = lazy_compile(r"(?:.*[/:#])?(?:password|password[-_]realm|resource_owner_password\w*|ropc)")


def no_password_grant(value: Any) -> float | None:
    """0 for a list of OAuth grant types holding the password grant, 1 for one without; None for anything else."""
    if not isinstance(value, list) or not all(isinstance(item, str) and known(item) for item in value):
        return None
    return 0 if any(PASSWORD_GRANT.fullmatch(item.strip().lower()) for item in value) else 1


control(AUTH, r"(?:allowed_|oauth_)?grant_types|(?:allowed_)?oauth_(?:flows|grants)", no_password_grant,
        "the client may now take users' passwords directly (password grant)")
# A token endpoint or sign-in that believes the client IP a request header claims (X-Forwarded-For): anyone can
# write it, so IP-based limits and anomaly checks are bypassed.
control(AUTH, r"\w*ip_header_trusted|trust\w*_(?:ip|forwarded|proxy|client_ip)_headers?|trust_x_forwarded_for",
        inverted, "a client-written IP header is now trusted (IP limits and checks can be bypassed)")
# A connection's TLS settings (a database profile's `ssl_config` with its CA certificate) removed: the connection
# falls back to plain text or stops verifying the server. A certificate rotated inside the block keeps it.
control(TLS, r"\w*(?:ssl|tls)_(?:config|configuration|settings|options)\.\w*(?:ca_cert\w*|certificate|cert|mode"
        r"|enabled|type)", present, "the connection's TLS settings are removed")
