"""Risk rules, lifecycle helper: a certificate (or its request) replaced create-before-destroy with no weaker key —
the new one is issued before the old one goes, so nothing is left without one: a rotation; ladders.py grades
replaces with it. A signing request (CSR) may go first: it is only the input to signing, and the certificate
signed from it stays in service until another is set. Destroy-first certificates, or a key that shrinks, stay."""

from __future__ import annotations

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Change
from tfreview.pipeline.rules.units import ordered_words
from tfreview.pipeline.rules.values import number

# Words of a type that name a certificate or its signing request.
CERT_WORDS = frozenset({"cert", "certificate", "certificates", "csr"})
# Settings that give a key's strength in bits or bytes (`key_bits`, `rsa_bits`, `key_size`, `key_length`).
STRENGTH = lazy_compile(r"(?:^|_)(?:bits|size|length)$")


def certificate_rotated(change: Change) -> str | None:
    """Why this replace only rotates a certificate: create-before-destroy, and no key-strength setting shrinks."""
    words = set(ordered_words(change.type))
    request = "csr" in words or "request" in words
    if not CERT_WORDS & words or (change.actions != ["create", "delete"] and not request):
        return None
    before = change.before if isinstance(change.before, dict) else {}
    after = change.after if isinstance(change.after, dict) else {}
    for key, was in before.items():
        name = str(key).lower()
        if STRENGTH.search(name) and ("key" in name or "bits" in name):
            old, new = number(was), number(after.get(key))
            if old is not None and (new is None or new < old):
                return None
    if request:
        return ("a certificate signing request re-made with no weaker key: nothing serves a request, and the "
                "certificate signed from it stays until a new one is set; check the new one is signed and set")
    return ("a certificate rotated: the new one is issued before the old one is destroyed, with no weaker key; "
            "check what trusts or serves it picks up the new one")

