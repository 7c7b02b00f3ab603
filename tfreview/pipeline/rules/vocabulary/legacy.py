"""The security-controls vocabulary (risk rules stage), switches and lists named for mechanisms known to be weak:
a legacy protocol or broken cipher (TLS 1.0/1.1, SSL 3.0, 3DES, RC4) switched on, a plaintext protocol (FTP, HTTP,
Telnet, LDAP) joining a list of encrypted ones. Turning such a switch off is stricter, whatever else the name says.

Registered first of this package (vocabulary/__init__.py): for the rules below, these lines decide an attribute
before the lines that read `*_enabled` switches as controls that weaken when turned off.
"""

from __future__ import annotations

from typing import Any

from tfreview.pipeline.rules.controls import control
from tfreview.pipeline.rules.protection import ENCRYPTION
from tfreview.pipeline.rules.strengths import inverted
from tfreview.pipeline.rules.vocabulary.terms import AUTH, DETECTION, TLS

# A switch named for a weak protocol version or cipher (`frontend_tls10_enabled`, `backend_ssl30_enabled`,
# `triple_des_ciphers_enabled`, `enable_rc4`), or for a plaintext remote shell (`admin_telnet`): on, clients may use it.
# NTLMv1 and LAN Manager hashes (`ntlm_v1_enabled`) crack or relay in minutes. A version is read whole: `tls_v1_2` is
# not TLS 1.0 followed by a qualifier.
WEAK_MECHANISM = (r"(?:\w+_)?(?:tls_?1_?0|tls_?10|tls_?1_?1|tls_?11|tls_?v_?1(?:_?[01])?|ssl_?30|ssl_?3|sslv_?[23]"
                  r"|ssl_?2|triple_?des|3des|rc4|telnet|rsh|rlogin|ntlm_?v_?1|ntlmv1|lanman|lm_hash\w*)(?![_.]?\d)"
                  r"(?:_\w+)?")


def never_weaker(value: Any) -> float | None:
    """1 for any switch value: the attribute is read (and decided) here, and never weakens this rule."""
    return 1 if isinstance(value, bool) or value is None else None


control(TLS, WEAK_MECHANISM, inverted, "a weak protocol version or cipher is switched on")
control(DETECTION, WEAK_MECHANISM, never_weaker, "a weak protocol version or cipher is switched on")
# A weak cipher's encryption switch (`kerberos_rc4_encryption_enabled`): off is hardening, not encryption turned off.
control(ENCRYPTION, r"(?=\w*encrypt)" + WEAK_MECHANISM, inverted, "a weak cipher is switched on")
# Passwords stored so they can be turned back into cleartext (AD's `clear_text_password`, "store passwords using
# reversible encryption", any `reversible_password*` switch): on, every password is recoverable from the directory.
control(AUTH, r"\w*(?:clear_?text|reversibl[ey]|plain_?text)_?\w*passwords?\w*|\w*passwords?_\w*(?:clear_?text"
        r"|reversibl[ey]|plain_?text)\w*", inverted, "passwords are stored reversibly (recoverable as cleartext)")

# Application protocols and their encrypted twins: a list that held only encrypted ones gains a plaintext one.
PLAIN_PROTOCOLS = frozenset({"http", "ftp", "telnet", "ldap", "ws", "smtp", "imap", "pop3", "mqtt", "amqp", "rtmp"})
SECURE_PROTOCOLS = frozenset({"https", "ftps", "sftp", "ssh", "ldaps", "wss", "smtps", "imaps", "pop3s", "mqtts",
                              "amqps", "rtmps", "tls", "as2"})


def protocol_list(value: Any) -> float | None:
    """0 for a list of application protocols holding a plaintext one, 1 for one of only encrypted ones, None for
    anything else (one string, transport protocols such as tcp)."""
    if not isinstance(value, list) or not value or not all(isinstance(item, str) for item in value):
        return None
    words = {item.strip().lower() for item in value}
    if words & PLAIN_PROTOCOLS:
        return 0
    return 1 if words <= SECURE_PROTOCOLS else None


control(TLS, r"(?:\w+_)?(?:protocols|schemes)", protocol_list, "a plaintext protocol joins the encrypted ones",
        generic=True)
