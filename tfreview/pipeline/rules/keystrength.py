"""Key strength (risk rules stage): a signing, TLS, SSH or encryption key created below the floor, or cut below it,
read by meaning for any provider and resource type.

A key is described by the settings of one block: an algorithm word (`algorithm`, `key_type`, `key_spec`,
`key_algorithm`, `signing_algorithm`: `RSA_2048`, `EC_SIGN_P256_SHA256`, `ECC_NIST_P384`, `ed25519`, `ssh-dss`), a
size (`rsa_bits`, `key_size`, `key_length`, `modulus`; a bare `size` or `bits` only beside an RSA/DSA algorithm) and
a curve (`ecdsa_curve`, `curve`). Only the settings of the algorithm in use count: `tls_private_key` keeps showing
its default `ecdsa_curve = P224` while it makes an RSA key. The floor is NIST's 112 bits of security: RSA under
2048 bits, an EC curve under 256 bits, DSA, DES/3DES/RC4, or an MD5/SHA-1 signature digest (HMAC is not one) fall
below it. A move to ECDSA P-256 or Ed25519, or a 2048 → 4096 upgrade, is not news; a key already weak and left as
weak is not this change's doing.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.changes import Action, Change
from tfreview.pipeline.decoding import unfolded
from tfreview.pipeline.findings import Finding, Severity, declare, finding, on_change
from tfreview.pipeline.rules.common import known, sides
from tfreview.pipeline.rules.values import number

WEAK_KEY = declare("weak-key", Severity.HIGH,
                   "A signing, TLS, SSH or encryption key is created below the floor or cut below it: RSA under 2048 "
                   "bits, an EC curve under P-256, DSA, DES/3DES/RC4, or an MD5/SHA-1 signature digest (any "
                   "provider).")

FLOOR = 112  # bits of security (NIST SP 800-57): RSA 2048, and the floor every other family is measured against
ALGORITHM_KEY = lazy_compile(r"(?:^|_)(?:algorithm|algo|alg|key_type|kty|key_spec|key_algorithm|digest"
                             r"|digest_algorithm|hash_algorithm|signature_hash|master_key_spec)$")
SIZED_KEY = lazy_compile(r"^(?:rsa|key|rsa_key|dsa|dsa_key|private_key|modulus)_?(?:bits|size|length)$|^modulus$"
                         r"|(?:^|_)signing_key_(?:bits|size|length)$")
BARE_SIZE = frozenset({"bits", "size", "length"})
CURVE_KEY = lazy_compile(r"(?:^|_)curve(?:_name)?$")
# Settings named for something else that happens to mention an algorithm (a fingerprint, a checksum, an OTP).
NOT_KEYS = lazy_compile(r"fingerprint|checksum|etag|otp|totp|hotp|password|source_hash|content_hash")

_ED = lazy_compile(r"ed25519|ed448|x25519|x448|eddsa|curve25519")
_CURVE = lazy_compile(r"(?:^|[^a-z])(?:p|secp|prime|brainpoolp|sect|es|nistp|ecc_nist_p|ecdsa_sha2_nistp)-?(\d{3})")
_EC = lazy_compile(r"(?:^|[^a-z])(?:ec|ecc|ecdsa|ecdh|ecdsa\w*)(?:[^a-z]|$)|secp|prime\d|brainpool|nistp")
_DSA = lazy_compile(r"(?:^|[^a-z])(?:dsa|dss|ssh-dss)(?:[^a-z]|$)")
_RSA = lazy_compile(r"rsa|(?:^|[^a-z])(?:rs|ps)\d{3}(?:[^0-9]|$)")
_JWT = lazy_compile(r"(?:^|[^a-z])(?:rs|ps|hs)(\d{3})(?:[^0-9]|$)")
_SYMMETRIC = lazy_compile(r"aes|symmetric|oct|hmac|chacha|(?:^|[^a-z])hs\d{3}")
_WEAK_CIPHER = lazy_compile(r"3des|tripledes|triple_des|des_ede|(?:^|[^a-z0-9])des(?:[^a-z]|$)|rc4|arcfour|blowfish")
_WEAK_DIGEST = lazy_compile(r"md[245](?![0-9])|sha-?1(?![0-9])")
_DIGEST_TEXT = lazy_compile(r"sha-?\d+|md\d")
_NUMBER = lazy_compile(r"\d{3,5}")
EC_SIZES = frozenset({163, 192, 224, 233, 256, 283, 384, 409, 521, 571})
_RSA_LEVELS = ((15360, 256), (7680, 192), (3072, 128), (2048, 112), (1024, 80))


@dataclass(frozen=True)
class KeyStrength:
    """How strong one key is, in bits of security, and how to say it."""

    level: float
    said: str


def _rsa_level(bits: float) -> float:
    return next((level for size, level in _RSA_LEVELS if bits >= size), 64)


def _family(text: str) -> str | None:
    if _WEAK_CIPHER.search(text):
        return "cipher"
    if _ED.search(text):
        return "ed"
    if _EC.search(text) or (_CURVE.search(text) and not _RSA.search(text)):
        return "ec"
    if _DSA.search(text):
        return "dsa"
    if _RSA.search(text):
        return "rsa"
    return "symmetric" if _SYMMETRIC.search(text) else None


def _bits_in(text: str) -> float | None:
    """The key size an algorithm word carries (`RSA_2048`, `RSA_SIGN_PSS_3072_SHA256`), not its digest's."""
    text = _JWT.sub(" ", _DIGEST_TEXT.sub(" ", text))
    sizes = [float(n) for n in _NUMBER.findall(text) if 512 <= int(n) <= 16384]
    return sizes[0] if sizes else None


def read_key(node: dict[str, Any]) -> KeyStrength | None:
    """The strength of the key one block describes; None when it describes none, or not enough to judge."""
    words: list[str] = []
    sizes: list[float] = []
    bare: list[float] = []
    curves: list[str] = []
    spelt: list[str] = []
    for key, value in node.items():
        name = str(key).lower()
        if NOT_KEYS.search(name) or not known(value) or isinstance(value, bool):
            continue
        if ALGORITHM_KEY.search(name) and isinstance(value, str) and len(value) <= 64:
            words.append(value.lower())
        elif CURVE_KEY.search(name) and isinstance(value, str) and len(value) <= 32:
            curves.append(value.lower())
        elif SIZED_KEY.search(name) and isinstance(value, str) and _RSA.search(value.lower()) and len(value) <= 32:
            spelt.append(value.lower())  # a size spelt with its family (SES's `RSA_1024_BIT`), one key each
        elif (SIZED_KEY.search(name) or name in BARE_SIZE) and (size := number(value)) is not None and size > 0:
            (sizes if SIZED_KEY.search(name) else bare).append(size)
    text = " ".join(words)
    family = _family(text) if text else None
    weak_digest = bool(_WEAK_DIGEST.search(text)) and "hmac" not in text
    if family is None and not words:
        family = "rsa" if sizes and sizes[0] >= 512 else "ec" if curves and not sizes else None
    strength = _strength(family, text, sizes + (bare if family in ("rsa", "dsa") else []), curves)
    strength = min([s for s in [strength, *(_strength("rsa", t, [], []) for t in spelt)] if s is not None],
                   key=lambda s: s.level, default=None)
    if weak_digest:
        digest = "MD5" if "md" in _WEAK_DIGEST.findall(text)[0] else "SHA-1"
        level = 64 if digest == "MD5" else 80
        said = f"{strength.said} with an {digest} digest" if strength else f"an {digest} digest"
        return KeyStrength(min(strength.level, level) if strength else level, said)
    return strength


def _strength(family: str | None, text: str, sizes: list[float], curves: list[str]) -> KeyStrength | None:
    if family == "cipher":
        return KeyStrength(56, "a legacy cipher (DES, 3DES, RC4)")
    if family == "ed":
        return KeyStrength(128, "an Ed25519-class key")
    if family in ("rsa", "dsa"):
        bits = _bits_in(text) or (sizes[0] if sizes else None)
        name = family.upper()
        if bits is None:
            return KeyStrength(80, "a DSA key") if family == "dsa" else None
        level = min(_rsa_level(bits), 80) if family == "dsa" else _rsa_level(bits)
        return KeyStrength(level, f"{name} {int(bits)} bits")
    if family == "ec":
        match = _CURVE.search(text) or next((m for c in curves if (m := _CURVE.search(c))), None)
        sized = [int(s) for s in sizes if int(s) in EC_SIZES]  # Vault's `key_type = "ec"`, `key_bits = 224`
        if match is None and not sized:
            return None
        size = int(match.group(1)) if match else sized[0]
        # below P-256 is below the floor even where the arithmetic says 112 (P-224)
        return KeyStrength(size / 2 if size >= 256 else min(size / 2, FLOOR - 1), f"an EC P-{size} curve")
    return None


def _keys(value: Any, path: str = "", depth: int = 0) -> Iterator[tuple[str, KeyStrength | None]]:
    """Every block under VALUE with its dotted path and the key it describes (None where it names none)."""
    if depth > 8:
        return
    if isinstance(value, dict):
        yield path, read_key(value)
        for key, child in value.items():
            if isinstance(child, (dict, list)) and not NOT_KEYS.search(str(key).lower()):
                yield from _keys(child, f"{path}.{key}" if path else str(key), depth + 1)
    elif isinstance(value, list):
        for index, item in enumerate(value[:50]):
            yield from _keys(item, f"{path}[{index}]", depth + 1)


@on_change(words=(b"algorithm", b"key_type", b"key_spec", b"curve", b"bits", b"key_size", b"key_length",
                  b"modulus", b"kty", b"digest", b"\"alg\""))
def _weak_key(change: Change) -> Iterator[Finding]:
    before, after = (unfolded(side) for side in sides(change))  # a Certificate's privateKey in a yaml_body too
    was = dict(_keys(before)) if change.action is not Action.CREATE else {}
    for path, now in _keys(after):
        if now is None or now.level >= FLOOR:
            continue
        old = was.get(path)
        if old is not None and old.level <= now.level:
            continue  # already as weak before: not this change's doing
        where = f" {path}" if path else ""
        since = f" (was {old.said})" if old is not None else ""
        yield finding(WEAK_KEY, change.address,
                      f"{change.address}{where}: {now.said}{since} is below the 112-bit floor (RSA 2048, EC P-256): "
                      "signatures or sessions made with it can be forged or broken; use RSA ≥ 2048, P-256 or "
                      "Ed25519")
