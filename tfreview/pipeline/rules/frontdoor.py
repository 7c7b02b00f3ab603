"""Risk rules helper (security controls stage): a new front door created public by design — a listener, load
balancer, ingress or gateway of any provider that serves HTTPS/TLS with its own certificate. Serving the internet
over TLS is what it is for, as a new internet-facing load balancer is; a data store, a plain-HTTP or any other
port, or an existing one turned public is not this."""

from __future__ import annotations

from typing import Any

from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.rules.common import as_dict, known
from tfreview.pipeline.rules.units import ordered_words

FRONT_DOOR_WORDS = frozenset({"listener", "listeners", "lb", "alb", "elb", "loadbalancer", "load", "ingress",
                              "gateway", "frontend", "frontdoor", "front", "edge", "cdn", "distribution"})
TLS_PROTOCOLS = frozenset({"https", "tls", "ssl", "h2", "http2", "https2", "quic", "http3"})
PROTOCOL_KEYS = frozenset({"protocol", "scheme", "listener_protocol", "frontend_protocol", "transport"})
PORT_KEYS = frozenset({"port", "listen_port", "frontend_port", "port_range", "ports"})


def _certificate(values: dict[str, Any]) -> bool:
    return any(("certificate" in key or key.startswith(("cert", "ssl_cert", "tls_cert"))) and isinstance(value, str)
               and value.strip() and known(value) for key, value in values.items())


def https_front_door(change: Change) -> bool:
    """Whether CHANGE creates a front door serving TLS with a certificate (and, where it names ports, only 443)."""
    after = as_dict(change.after)
    if change.action is not Action.CREATE or not set(ordered_words(change.type)) & FRONT_DOOR_WORDS:
        return False
    protocols = {str(v).strip().lower() for k, v in after.items() if k in PROTOCOL_KEYS and isinstance(v, str)}
    ports = {str(v).strip() for k, v in after.items() if k in PORT_KEYS and isinstance(v, (int, str))}
    return bool(protocols) and protocols <= TLS_PROTOCOLS and ports <= {"443"} and _certificate(after)
