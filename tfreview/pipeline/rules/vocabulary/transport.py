"""The security-controls vocabulary (risk rules stage), transport: TLS versions and policies, HTTPS,
certificates, mutual TLS.

Lines that controls.py applies to every resource type, registered in the order vocabulary/__init__.py imports
this package's modules: for one attribute, the first line that reads both values decides.
"""

from __future__ import annotations

from tfreview.pipeline.findings import Severity
from tfreview.pipeline.rules.controls import control
from tfreview.pipeline.rules.strengths import (
    ciphers,
    flag,
    https_word,
    inverted,
    ladder,
    present,
    requirement,
    tls,
    url_scheme,
)
from tfreview.pipeline.rules.vocabulary.terms import TLS

# --- transport --------------------------------------------------------------------------------------
control(TLS, r"\w*(?:min|minimum)_?(?:tls|ssl|protocol)\w*|\w*(?:tls|ssl)_?(?:min|minimum)_?(?:version|protocol)?"
        r"|\w*tls_version|ssl_policy|\w*tls_policy"
        r"|\w*security_policy|min_tls|\w*ssl[_-]?protocols?|\w*tls[_-]?versions?|\w*tls[_-]?protocols?"
        r"|\w*(?:tls|ssl|security)_\w*polic(?:y|ies)(?:_id|_name)?"
        # the versions a listener accepts, as one list (`admin_https_ssl_versions`), or a floor spelt `proto`
        r"|\w*(?:ssl|tls)_versions?|\w*min\w*_proto(?:col)?_version", tls,
        "minimum TLS version lowered",
        create=Severity.MEDIUM, create_below=1.2)
# A device-wide switch for strong cryptography (FortiOS `strong_crypto`): off, weak ciphers and protocols come back.
control(TLS, r"\w*strong_(?:crypto|cryptography|ciphers?|encryption)\w*", flag,
        "strong cryptography turned off (weak ciphers and protocol versions allowed again)")
control(TLS, r"\w*ssl[_-]?ciphers?|\w*cipher[_-]?(?:suites?|list)|ciphers", ciphers, "weak TLS ciphers allowed")
# Also forwarding enums (Front Door's `forwarding_protocol` HttpsOnly → MatchRequest → HttpOnly).
control(TLS, r"protocol|\w*_protocol", ladder(("https", "tls", "ssl", "grpcs", "wss", "http2s", "httpsonly",
                                               "https_only", "https-only"),
                                              ("matchrequest", "match_request", "match-request", "match-viewer",
                                               "match_viewer", "matchviewer"),
                                              ("http", "tcp", "grpc", "ws", "httponly", "http_only", "http-only")),
        "traffic no longer encrypted in transit")
# Client-certificate (mutual TLS) modes of any provider: MUTUAL → UNIDIRECTIONAL, verify → passthrough/off.
control(TLS, r"\w*(?:ssl|tls|mtls|cert|certificate|client_cert\w*|client_auth\w*|mutual\w*|client_validation)_?mode"
        r"|\w*mutual_authentication(?:\.mode)?|\w*verify_client\w*"
        # named for the client's proof itself (`client_auth = "mtls"`, `peer_verification`), on any provider
        r"|(?:\w+_)?(?:client_auth|client_authentication|mtls|mutual_tls|client_verification|peer_verification"
        r"|client_cert_verification|client_certificate_verification|verify_peer)(?:_(?:policy|requirement|level))?",
        ladder(("mutual", "mtls", "mutual_tls", "two_way", "twoway", "bidirectional", "verify", "required", "require",
                "reject_invalid", "on", "strict", "mandatory", "enforced", "enforce", "verify_peer"),
               ("optional", "optionalinteractiveuser", "passthrough", "optional_no_ca", "permissive", "request"),
               ("unidirectional", "one_way", "oneway", "server_only", "off", "none", "disabled", "ignore", "skip",
                "no_verify", "insecure")),
        "client certificates (mutual TLS) no longer required")
control(TLS, r"\w*client_cert\w*_(?:enabled|required)|require_client_cert\w*", flag,
        "client certificates (mutual TLS) no longer required")
# An HTTP option of a serverless endpoint: plain HTTP allowed where it was redirected to HTTPS or refused.
control(TLS, r"\w*http_(?:option|options|policy|mode)", ladder(
    ("redirected", "redirect", "redirect_to_https", "redirect-to-https", "https_only", "https-only", "disabled"),
    ("enabled", "allowed", "allow", "allow_all", "allow-all")), "plain HTTP allowed (no longer redirected to HTTPS)")
control(TLS, r"viewer_protocol_policy", ladder(("https-only",), ("redirect-to-https",), ("allow-all",)),
        "viewers may use plain HTTP", create=Severity.MEDIUM, create_below=2)
control(TLS, r"origin_protocol_policy", ladder(("https-only",), ("match-viewer",), ("http-only",)),
        "traffic to the origin may be plain HTTP")
# A database's client-certificate mode (Cloud SQL `ssl_mode` TRUSTED_CLIENT_CERTIFICATE_REQUIRED → ENCRYPTED_ONLY):
# the certificate stops being asked for, but every connection stays encrypted and still signs in. Down to
# unencrypted, this line cannot read the new value and the next one decides.
control(TLS, r"ssl_mode|sslmode", ladder(("trusted_client_certificate_required",), ("encrypted_only",)),
        "client certificates no longer required (connections stay encrypted)", severity=Severity.MEDIUM)
control(TLS, r"ssl|ssl_mode|sslmode", ladder(
    ("strict", "full_strict", "origin_pull", "trusted_client_certificate_required", "verify-full", "verify_identity"),
    ("full", "encrypted_only", "require", "required"),
    ("flexible", "allow_unencrypted_and_encrypted", "prefer", "allow"),
    ("off", "disable", "disabled")), "SSL mode weakened")
control(TLS, r"always_use_https|automatic_https_rewrites|\w*https?_redirect\w*|redirect_http_to_https|enforce_https"
        r"|force_https|require_https|\w*hsts\w*\.enabled|\w*hsts(?:_enabled)?"
        r"|\w*strict_transport_security(?:_enabled|\.enabled)?", flag, "HTTPS no longer enforced")
# The HSTS header's block removed (a response-headers policy's `strict_transport_security`): browsers stop being told
# to refuse plain HTTP for the site.
control(TLS, r"\w*(?:strict_transport_security|hsts)(?:\.\w*max_age\w*)?", present,
        "the HSTS header is no longer sent")
control(TLS, r"redirect\.protocol", https_word, "the redirect to HTTPS is removed")
# Where data is sent or fetched (a delivery stream's endpoint, a webhook, an intake URL) moved from an encrypted scheme
# to its plain twin: the data and the credentials sent with it cross the network in clear text.
control(TLS, r"\w*(?:url|uri|urls|endpoint|endpoint_url|address|host_url|webhook)", url_scheme,
        "data now sent over an unencrypted scheme")
control(TLS, r"enable_non_ssl_port|non_ssl_port_enabled|allow_http|http_enabled|enable_http_port_access"
        r"|\w*insecure\w*|\w*skip_tls_verify|tls_skip_verify|allow_insecure\w*|\w*plaintext\w*", inverted,
        "plain-text or unverified connections allowed", create=Severity.MEDIUM)
control(TLS, r"client_broker|in_cluster_encryption|encryption_in_transit\.\w+",
        ladder(("tls",), ("tls_plaintext",), ("plaintext",)), "brokers accept plain text")
control(TLS, r"http_tokens", ladder(("required",), ("optional",)), "IMDSv2 no longer required",
        create=Severity.MEDIUM, create_below=2)
# Any provider's instance metadata service: session tokens (v2) no longer required, or legacy (v1) endpoints back on
# (GCE's `disable-legacy-endpoints` "true" → "false"): a request forged through the workload reads its credentials.
control(TLS, r"require\w*_session_tokens?|\w*session_tokens?_required|\w*imdsv2\w*|disable[-_]legacy[-_][\w-]*",
        flag, "metadata service v1 allowed (session tokens no longer required)")
control(TLS, r"enable_legacy_\w*(?:endpoints?|metadata)\w*|\w*legacy_(?:metadata_)?endpoints?_enabled", inverted,
        "metadata service v1 allowed (legacy endpoints on)")
control(TLS, r"profile", ladder(("restricted",), ("modern",), ("compatible",)), "SSL policy profile weakened",
        types=r"ssl_policy")
# A mail server's TLS level (Postfix `smtp_tls_security_level`, any MTA's `tls_level`): verified or mandatory TLS
# (dane, verify, secure, encrypt) → opportunistic (may) → none: a STARTTLS-stripping hop reads the mail and the
# SMTP login it carries.
control(TLS, r"\w*tls_(?:security_)?level|\w*starttls(?:_\w+)?", ladder(
        ("dane-only", "dane", "fingerprint", "verify", "secure", "encrypt", "require", "required", "mandatory"),
        ("may", "opportunistic", "optional"), ("none", "disabled", "off")),
        "mail TLS no longer mandatory (opportunistic or none: a STARTTLS-stripping hop reads the mail)")
control(TLS, r"\w*security_level|\w*https_requirement|secure_(?:level|mode)", requirement,
        "HTTPS no longer required on the route")
# What a serverless app does with plain HTTP (`http_option` redirected → enabled): served, not redirected.
control(TLS, r"http_option|\w*http_(?:mode|policy|handling)",
        ladder(("disabled", "redirected", "redirect", "https_only"), ("enabled", "allowed", "allow", "http_allowed")),
        "plain HTTP served instead of redirected to HTTPS")
control(TLS, r"ftps_state", ladder(("disabled", "ftpsonly"), ("allallowed",)), "plain FTP allowed")
# DNSSEC: a zone's answers no longer signed (Route 53's `signing_status` SIGNING → NOT_SIGNING, Cloud DNS's
# `dnssec_config.state` on → off, any provider's dnssec switch). Resolvers can be fed forged answers for the zone
# again, and while the parent still publishes its DS record, validating resolvers reject every answer: an outage.
DNSSEC_OFF = ("DNSSEC signing turned off (answers are no longer signed; validating resolvers reject the zone while "
              "its DS record stays)")
control(TLS, r"signing_status|dnssec\w*\.state|dnssec(?:_state|_status|_mode)?",
        ladder(("signing", "on", "enabled", "active", "signed"),
               ("not_signing", "off", "disabled", "inactive", "unsigned")), DNSSEC_OFF)
control(TLS, r"dnssec\w*\.enabled|dnssec_enabled|enable_dnssec|dnssec", flag, DNSSEC_OFF)
control(TLS, r"status|state", ladder(("active", "enabled", "on"), ("disabling", "disabled", "off", "inactive")),
        DNSSEC_OFF, types=r"dnssec")
control(TLS, r"enabled|enable|is_enabled", flag, DNSSEC_OFF, types=r"dnssec")  # a DNSSEC object's own switch
# Link-layer encryption of a private circuit (MACsec on a Direct Connect, an ExpressRoute port or any interconnect):
# required (`must_secure`) → best effort (`should_secure`) → off. Off, every tenant and service carried on the
# circuit crosses the colocation's cross-connects in clear text.
control(TLS, r"\w*(?:macsec|link_encryption|line_encryption|wire_encryption)\w*", ladder(
        ("must_secure", "must-secure", "mustsecure", "required", "require", "enforced", "strict", "on", "enabled"),
        ("should_secure", "should-secure", "shouldsecure", "preferred", "optional", "best_effort", "permissive"),
        ("off", "none", "disabled", "no_encrypt", "unencrypted", "plaintext")),
        "link-layer encryption (MACsec) of the circuit no longer required")
control(TLS, r"\w*macsec_(?:enabled|required|enforced)|(?:enable|require|enforce|request)_macsec", flag,
        "link-layer encryption (MACsec) of the circuit switched off")
