"""Risk rules, lifecycle helper: a certificate (or its request) replaced create-before-destroy with no weaker key —
the new one is issued before the old one goes, so nothing is left without one: a rotation; ladders.py grades
replaces with it. A signing request (CSR) may go first: it is only the input to signing, and the certificate
signed from it stays in service until another is set. So may a certificate its store issues itself from a policy
naming an issuer (Key Vault): the store re-issues it under the same name. Other destroy-first certificates, and a
key that shrinks or becomes exportable, stay."""

from __future__ import annotations

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Change
from tfreview.pipeline.rules.common import as_list
from tfreview.pipeline.rules.units import ordered_words
from tfreview.pipeline.rules.values import leaves, number

# Words of a type that name a certificate or its signing request.
CERT_WORDS = frozenset({"cert", "certificate", "certificates", "csr"})
# Settings that give a key's strength in bits or bytes (`key_bits`, `rsa_bits`, `key_size`, `key_length`).
STRENGTH = lazy_compile(r"(?:^|_)(?:bits|size|length)$")


# What a provider sets when a certificate enters its renewal window (the tls provider's `ready_for_renewal`):
# a replace forced by it alone is the scheduled renewal.
RENEWAL_SIGNALS = frozenset({"ready_for_renewal", "renewal_due", "needs_renewal"})


def certificate_rotated(change: Change) -> str | None:
    """Why this replace only rotates a certificate: create-before-destroy, and no key-strength setting shrinks."""
    words = set(ordered_words(change.type))
    request = "csr" in words or "request" in words
    issued = _issued_from_policy(change)
    renewal = bool(change.replace_paths) and all(path.split(".")[0].split("[")[0] in RENEWAL_SIGNALS
                                                 for path in change.replace_paths)
    if not CERT_WORDS & words or (change.actions != ["create", "delete"] and not request and not issued
                                  and not renewal):
        return None
    if _weaker_key(change):
        return None
    if renewal and change.actions != ["create", "delete"]:
        return ("a certificate renewed on its own schedule (its provider marks it ready for renewal), with no weaker "
                "key; check what trusts or serves it picks up the new one")
    if request:
        return ("a certificate signing request re-made with no weaker key: nothing serves a request, and the "
                "certificate signed from it stays until a new one is set; check the new one is signed and set")
    if change.actions != ["create", "delete"]:
        return ("a certificate its store issues from its own policy, re-issued under the same name with no weaker "
                "key; check what serves it picks up the new version")
    return ("a certificate rotated: the new one is issued before the old one is destroyed, with no weaker key; "
            "check what trusts or serves it picks up the new one")


def _weaker_key(change: Change) -> bool:
    """Whether a key-strength setting shrinks (`rsa_bits`, a policy's `key_properties.key_size`) or the key is made
    exportable, at any depth."""
    new = dict(leaves(change.after if isinstance(change.after, dict) else {}))
    for path, was in leaves(change.before if isinstance(change.before, dict) else {}):
        name = path.rsplit(".", 1)[-1].lower()
        if STRENGTH.search(name) and ("key" in path.lower() or "bits" in name):
            old, now = number(was), number(new.get(path))
            if old is not None and (now is None or now < old):
                return True
        elif name == "exportable" and was is False and new.get(path) is True:
            return True
    return False


def _issued_from_policy(change: Change) -> bool:
    """Whether the certificate is issued by its store from a policy block naming an issuer (a Key Vault
    certificate's `certificate_policy.issuer_parameters`), not imported: the store issues the new one itself."""
    after = change.after if isinstance(change.after, dict) else {}
    policies = [p for p in as_list(after.get("certificate_policy")) if isinstance(p, dict)]
    return any(isinstance(i, dict) and i.get("name") for p in policies for i in as_list(p.get("issuer_parameters")))
