"""Risk rules, lifecycle helper: a certificate (or its request) replaced create-before-destroy with no weaker key —
the new one is issued before the old one goes, so nothing is left without one: a rotation; lifecycle.py grades
replaces with it. A signing request (CSR) may go first: it is only the input to signing, and the certificate
signed from it stays in service until another is set. Destroy-first certificates, or a key that shrinks, stay."""

from __future__ import annotations

from datetime import datetime, timezone

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.findings import ReviewInput
from tfreview.pipeline.rules.common import as_dict
from tfreview.pipeline.rules.narrowed import unreferenced
from tfreview.pipeline.rules.units import ordered_words
from tfreview.pipeline.rules.values import number

# Words of a type that name a certificate or its signing request.
CERT_WORDS = frozenset({"cert", "certificate", "certificates", "csr"})
# Settings that give a key's strength in bits or bytes (`key_bits`, `rsa_bits`, `key_size`, `key_length`).
STRENGTH = lazy_compile(r"(?:^|_)(?:bits|size|length)$")
# Settings that say when a certificate stops being valid.
EXPIRY = lazy_compile(r"expir|not_after|valid_to|valid_until|end_date")


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


def _moment(value: object) -> datetime | None:
    """An RFC 3339 timestamp as an aware datetime (UTC when it names no zone), or None."""
    if not isinstance(value, str) or len(value) < 10:
        return None
    try:
        found = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return found if found.tzinfo else found.replace(tzinfo=timezone.utc)


def certificate_expired(change: Change, ri: ReviewInput) -> str | None:
    """Why deleting a certificate loses nothing, or None: it had already expired when the plan was made (its own
    expiry before the plan's timestamp), so nothing can still be served with it, and nothing in the plan still
    refers to it."""
    if change.action is not Action.DELETE or not CERT_WORDS & set(ordered_words(change.type)) \
            or "request" in ordered_words(change.type):
        return None
    made = _moment(ri.plan.timestamp)
    ends = [m for k, v in as_dict(change.before).items() if EXPIRY.search(str(k)) and (m := _moment(v)) is not None]
    if made is None or not ends or max(ends) >= made or not unreferenced(change, ri):
        return None
    return f"a certificate that expired on {max(ends).date()}, before this plan was made, and nothing refers to it"
