"""The security-controls vocabulary (risk rules stage), strength written as a number or an algorithm's name.

A key's size, the algorithm that signs or hashes, how long a token or session lives, how long a generated password
is, how many people must approve, whether a key may leave its vault: each is a setting whose weak direction is
known whatever the provider calls its resource. Lines that controls.py applies to every resource type, registered
last: a line of an earlier module that reads the same attribute decides first.
"""

from __future__ import annotations

from typing import Any

from tfreview.lazyregex import lazy_compile
from tfreview.pipeline.rules.controls import control
from tfreview.pipeline.rules.strengths import inverted, ladder
from tfreview.pipeline.rules.values import number
from tfreview.pipeline.rules.vocabulary.terms import AUTH, KEY, TLS

# --- keys ------------------------------------------------------------------------------------------------------
# An asymmetric key's modulus below 2048 bits can be factored; a symmetric or elliptic key (up to 521 bits) below 128
# can be searched. A key rebuilt from 4096 to 2048 bits, or from 256 to 128, stays strong.
RSA_FLOOR, SYMMETRIC_FLOOR, SYMMETRIC_MAX = 2048, 128, 521


def key_bits(value: Any) -> float | None:
    """1 for a key size that stays strong, 0 for one that can be broken; None for no number."""
    bits = number(value)
    if bits is None or bits <= 0:
        return None
    return float(bits >= (SYMMETRIC_FLOOR if bits <= SYMMETRIC_MAX else RSA_FLOOR))


control(TLS, r"rsa_bits|rsa_key_size|\w*key_(?:size|bits|length|length_bits)|modulus_(?:length|bits)|\w*_key_bits",
        key_bits, "the key is made small enough to be broken")

# The algorithm that signs tokens or assertions, or hashes what is checked: an asymmetric signature verified with a
# public key, a shared-secret signature anyone holding the client secret can forge, and broken ones.
ALGORITHMS = ladder(
    ("rs256", "rs384", "rs512", "es256", "es384", "es512", "ps256", "ps384", "ps512", "eddsa", "ed25519",
     "rsa-sha256", "rsa_sha256", "rsa-sha512", "rsa_sha512", "sha256", "sha384", "sha512", "sha-256", "sha-384",
     "sha-512", "sha2", "sha3", "sha3-256", "tuak", "milenage"),
    ("hs256", "hs384", "hs512", "hmac-sha256", "hmac_sha256", "hmacsha256", "comp128v3", "comp128-3",
     "comp128v2", "comp128-2"),
    ("none", "md5", "md4", "sha1", "sha-1", "rsa-sha1", "rsa_sha1", "hmac-sha1", "hmac_sha1", "rs1", "hs1",
     "comp128v1", "comp128-1", "comp128", "des", "3des", "rc4"))
control(TLS, r"alg|algorithm|jwt_alg\w*|\w*(?:signing|signature|jwt|token|hash|digest|hmac|auth|authentication|kdf)_alg"
        r"(?:orithm)?s?|\w*_signed_response_alg|signature_method|digest_method|auth_algorithm",
        ALGORITHMS, "a weaker or broken algorithm now signs or checks it")

# A key that could not leave its vault or HSM made exportable: its material can be copied out and used anywhere.
_EXPORT_WORDS = lazy_compile(r"[a-z]+")
SEALED = frozenset({"non", "not", "never", "none", "disabled", "deny", "denied", "no", "false", "sealed", "internal"})


def sealed(value: Any) -> float | None:
    """1 while a key may not leave its vault (`non_exportable`, false), 0 once it may; None for anything else."""
    if isinstance(value, bool):
        return float(not value)
    if not isinstance(value, str) or not value.strip():
        return None
    words = set(_EXPORT_WORDS.findall(value.lower()))
    return 1.0 if words & SEALED else 0.0 if words & {"exportable", "export", "allowed", "allow", "true"} else None


control(KEY, r"exportable|extractable|\w*export_policy|allow_(?:key_)?export\w*|key_export\w*|export_mode",
        sealed, "the key may now be exported from its vault")
# A key that could not be deleted made deletable, and old key versions barred from decrypting: what they encrypted
# can no longer be read (Vault transit's `min_decryption_version` raised).
control(KEY, r"deletion_allowed|allow_deletion|allow_key_deletion", inverted,
        "the key may now be deleted, and whatever it encrypted with it")
control(KEY, r"min_decryption_version",
        lambda value: None if (n := number(value)) is None or n <= 0 else -n,
        "older key versions may no longer decrypt: what they encrypted becomes unreadable")

# --- people and lifetimes --------------------------------------------------------------------------------------


def two_person(value: Any) -> float | None:
    """How many people must approve, counted up to two: a quorum of three to two still needs another person."""
    amount = number(value)
    return None if amount is None or amount < 0 else min(amount, 2.0)


control(AUTH, r"\w*quorum\w*|required_approv\w*|min(?:imum)?_approv\w*|approvals?_required|\w*approver_count"
        r"|signers_required|required_signers", two_person,
        "one person may now act alone where another had to approve")

# How long a token or session lives, in seconds or any unit: 0 (or unset to 0) is unlimited. Longer by a factor of a
# day over an hour or more is a credential that outlives its use.
LIFETIME_FACTOR = 24


def lifetime(value: Any) -> float | None:
    """The inverse of a lifetime, 0 for unlimited (0 or negative); None for no number."""
    amount = number(value)
    return None if amount is None else 0.0 if amount <= 0 else 1 / amount


control(AUTH, r"(?:token_)?max_ttl|token_ttl|(?:access_|id_|refresh_)?token_lifetime\w*|lifetime_in_seconds"
        r"|session_(?:lifetime|duration|max_duration)\w*|max_session_duration|absolute_session_timeout\w*",
        lifetime, "tokens or sessions now live far longer, or without limit", drop_factor=LIFETIME_FACTOR,
        types=r"(?:^|_)(?:token|tokens|auth|role|session|sessions|client|credential|jwt|oauth|oidc|login|sso"
              r"|identity|application|app|approle|user_pool|idp)(?:_|$)")

# A generated password's or a password policy's length below 12 characters can be guessed offline.
PASSWORD_FLOOR = 12


def password_length(value: Any) -> float | None:
    amount = number(value)
    return None if amount is None or amount <= 0 else float(amount >= PASSWORD_FLOOR)


control(AUTH, r"length|min_length|minimum_length|password_length|min(?:imum)?_password_length", password_length,
        "passwords are now short enough to guess", types=r"password|passphrase|random_string")
