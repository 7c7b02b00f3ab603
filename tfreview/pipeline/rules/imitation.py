"""Hosts that pass for others: the host a URL or registry reference names, and whether a new host imitates an old
one under another registrable domain (a typosquat). Read by lookalike.py (code sources) and mailboxes.py (mail
routes); it imports no rule module, so either may use it."""

from __future__ import annotations

from urllib.parse import urlsplit

from tfreview.lazyregex import lazy_compile

HOST = lazy_compile(r"^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+$")
# Second-level suffixes under which the registrable domain is three labels (`acme.co.uk`).
SECOND_LEVEL = frozenset({"co", "com", "net", "org", "gov", "ac", "edu"})


def host_of(value: object) -> str | None:
    """The host a URL or a registry reference (`ghcr.io/acme`) names, lower case; None for anything else."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip().lower()
    host = urlsplit(text).hostname if "://" in text else text.split("/", 1)[0].split(":", 1)[0]
    return host if host and HOST.match(host) else None


def registrable(host: str) -> str:
    """The domain someone registered for HOST: its last two labels, or three under a second-level suffix."""
    labels = host.split(".")
    size = 3 if len(labels) >= 3 and labels[-2] in SECOND_LEVEL and len(labels[-1]) == 2 else 2
    return ".".join(labels[-size:])


def imitates(old: str, new: str) -> bool:
    """Whether host NEW passes for OLD under another registrable domain: that domain spells OLD's name
    (`jetstack-io.com`, `githubb.com`), or NEW starts with OLD's whole domain (`registry.npmjs.org.evil.net`). A
    subdomain of another organisation's domain named after the service (`quay-mirror.acme.io`, GitHub Enterprise at
    `github.acme-corp.com`) is that organisation's own mirror, not an imitation."""
    domain, theirs = registrable(old), registrable(new)
    name = domain.split(".", 1)[0]
    if theirs == domain or len(name) < 4:
        return False
    return name in theirs.replace("-", "") or name in theirs or f".{domain}." in f".{new}"
