"""The security-controls vocabulary (risk rules stage), switches and lists named for mechanisms known to be weak:
a legacy protocol or broken cipher (TLS 1.0/1.1, SSL 3.0, 3DES, RC4) switched on, a plaintext protocol (FTP, HTTP,
Telnet, LDAP) joining a list of encrypted ones. Turning such a switch off is stricter, whatever else the name says.

Registered first of this package (vocabulary/__init__.py): for the rules below, these lines decide an attribute
before the lines that read `*_enabled` switches as controls that weaken when turned off.
"""

from __future__ import annotations

from typing import Any

from tfreview.pipeline.rules.controls import control
from tfreview.pipeline.rules.strengths import inverted
from tfreview.pipeline.rules.vocabulary.terms import DETECTION, TLS

# A switch named for a weak protocol version or cipher (`frontend_tls10_enabled`, `backend_ssl30_enabled`,
# `triple_des_ciphers_enabled`, `enable_rc4`), or for a plaintext remote shell (`admin_telnet`): on, clients may use it.
WEAK_MECHANISM = (r"(?:\w+_)?(?:tls_?1_?0|tls_?10|tls_?1_?1|tls_?11|tlsv1(?:_?[01])?|ssl_?30|ssl_?3|sslv_?[23]|ssl_?2"
                  r"|triple_?des|3des|rc4|telnet|rsh|rlogin)(?:_\w+)?")


def never_weaker(value: Any) -> float | None:
    """1 for any switch value: the attribute is read (and decided) here, and never weakens this rule."""
    return 1 if isinstance(value, bool) or value is None else None


control(TLS, WEAK_MECHANISM, inverted, "a weak protocol version or cipher is switched on")
control(DETECTION, WEAK_MECHANISM, never_weaker, "a weak protocol version or cipher is switched on")

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
