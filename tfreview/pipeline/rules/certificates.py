"""Risk rules, lifecycle helper: a certificate (or its request) replaced create-before-destroy with no weaker key —
the new one is issued before the old one goes, so nothing is left without one: a rotation; lifecycle.py grades
replaces with it. Destroy-first, or a key that shrinks, stays as graded."""

from __future__ import annotations

import re

from tfreview.pipeline.changes import Change
from tfreview.pipeline.rules.units import ordered_words
from tfreview.pipeline.rules.values import number

# Words of a type that name a certificate or its signing request.
CERT_WORDS = frozenset({"cert", "certificate", "certificates", "csr"})
# Settings that give a key's strength in bits or bytes (`key_bits`, `rsa_bits`, `key_size`, `key_length`).
STRENGTH = re.compile(r"(?:^|_)(?:bits|size|length)$")


def certificate_rotated(change: Change) -> str | None:
    """Why this replace only rotates a certificate: create-before-destroy, and no key-strength setting shrinks."""
    if change.actions != ["create", "delete"] or not CERT_WORDS & set(ordered_words(change.type)):
        return None
    before = change.before if isinstance(change.before, dict) else {}
    after = change.after if isinstance(change.after, dict) else {}
    for key, was in before.items():
        name = str(key).lower()
        if STRENGTH.search(name) and ("key" in name or "bits" in name):
            old, new = number(was), number(after.get(key))
            if old is not None and (new is None or new < old):
                return None
    return ("a certificate rotated: the new one is issued before the old one is destroyed, with no weaker key; "
            "check what trusts or serves it picks up the new one")
